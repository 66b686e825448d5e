use serde_json::json;

use crate::{NodeTool, spawn_app};

/// A real gateway process (`@graphql-hive/gateway`, pinned, installed on first
/// use) in front of coopgraph and a second subgraph that extends its `Project`:
/// a query from coopgraph's root reaches the other subgraph, and one from the
/// other subgraph's root has coopgraph resolve its projects through `_entities`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_plans_queries_across_coopgraph_and_another_subgraph() {
    let gateway = NodeTool::new("gateway", "@graphql-hive/gateway");
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{ project(slug: "timor-leste-stage") { id } }"#,
            json!({}),
        )
        .await;
    let id = data["project"]["id"].as_str().unwrap().to_owned();
    let report = gateway
        .run("gateway.mjs", vec![format!("{}/graphql", app.url), id])
        .await;
    assert!(report.contains("ok gateway"), "{report}");
}
