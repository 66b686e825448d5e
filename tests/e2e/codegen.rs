use crate::{NodeTool, spawn_app};

/// GraphQL Code Generator (pinned, installed on first use) makes TypeScript types
/// for the README's queries from the live server's schema, and `tsc --noEmit`
/// passes on code that reads them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_types_for_the_readme_queries_type_check() {
    let codegen = NodeTool::new("codegen", "@graphql-codegen/cli");
    let app = spawn_app().await;
    let report = codegen
        .run("codegen.mjs", vec![format!("{}/graphql", app.url)])
        .await;
    assert!(
        report.contains("ok codegen") && report.contains("ok tsc"),
        "{report}"
    );
}
