use crate::{NodeTool, spawn_app};

/// The graphql-http audit suite (every MUST and SHOULD of GraphQL over HTTP),
/// run by Node against the live app. Installs its pinned package on first use.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_over_http_audits_pass() {
    let audit = NodeTool::new("audit", "graphql-http");
    let app = spawn_app().await;
    let report = audit
        .run("audit.mjs", vec![format!("{}/graphql", app.url)])
        .await;
    assert!(report.contains("all audits passed"), "{report}");
}
