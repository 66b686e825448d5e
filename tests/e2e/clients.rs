use std::path::Path;

use crate::{NodeTool, spawn_app};

/// Real clients against the live app (pinned, installed on first use): the
/// introspected schema rebuilt by graphql-js equals `schema.graphql`; Apollo
/// Client normalises every `Node` by `__typename` and `id` and answers a repeated
/// query from its cache; urql works over POST and GET.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_clients_work_against_the_server() {
    let clients = NodeTool::new("clients", "@apollo/client");
    let app = spawn_app().await;
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema.graphql");
    let args = vec![format!("{}/graphql", app.url), schema.display().to_string()];
    let report = clients.run("clients.mjs", args).await;
    for check in [
        "ok graphql-js buildClientSchema",
        "ok apollo client InMemoryCache",
        "ok urql POST",
        "ok urql GET",
    ] {
        assert!(report.contains(check), "{report}");
    }
}
