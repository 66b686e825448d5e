use crate::{NodeTool, spawn_app};

/// A real composition library (`@theguild/federation-composition`, pinned)
/// composes coopgraph's subgraph with another that extends its `Project` entity.
/// Installs its pinned packages on first use.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_federation_router_composes_coopgraph() {
    let compose = NodeTool::new("federation", "@theguild/federation-composition");
    let app = spawn_app().await;
    let report = compose
        .run("compose.mjs", vec![format!("{}/graphql", app.url)])
        .await;
    assert!(report.contains("composed"), "{report}");
}
