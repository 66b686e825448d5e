use std::path::Path;
use std::process::Command;

use crate::spawn_app;

/// Real clients against the live app (pinned, installed on first use): the
/// introspected schema rebuilt by graphql-js equals `schema.graphql`; Apollo
/// Client normalises every `Node` by `__typename` and `id` and answers a repeated
/// query from its cache; urql works over POST and GET.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_clients_work_against_the_server() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = root.join("tests/clients");
    if !dir.join("node_modules/@apollo/client").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&dir)
            .status()
            .expect("the client tests need Node.js and npm on the PATH");
        assert!(status.success(), "npm ci in tests/clients failed");
    }
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.url);
    let schema = root.join("schema.graphql");
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("clients.mjs")
            .arg(url)
            .arg(schema)
            .current_dir(dir)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for check in [
        "ok graphql-js buildClientSchema",
        "ok apollo client InMemoryCache",
        "ok urql POST",
        "ok urql GET",
    ] {
        assert!(report.contains(check), "{report}");
    }
}
