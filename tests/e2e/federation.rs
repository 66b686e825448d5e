use std::path::Path;
use std::process::Command;

use crate::spawn_app;

/// A real composition library (`@theguild/federation-composition`, pinned)
/// composes coopgraph's subgraph with another that extends its `Project` entity.
/// Installs its pinned packages on first use.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_federation_router_composes_coopgraph() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/federation");
    if !dir
        .join("node_modules/@theguild/federation-composition")
        .exists()
    {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&dir)
            .status()
            .expect("the composition test needs Node.js and npm on the PATH");
        assert!(status.success(), "npm ci in tests/federation failed");
    }
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.url);
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("compose.mjs")
            .arg(url)
            .current_dir(dir)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && report.contains("composed"),
        "{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
