use std::path::Path;
use std::process::Command;

use crate::spawn_app;

/// The graphql-http audit suite (every MUST and SHOULD of GraphQL over HTTP),
/// run by Node against the live app. Installs its pinned package on first use.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_over_http_audits_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/audit");
    if !dir.join("node_modules/graphql-http").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&dir)
            .status()
            .expect("the audit needs Node.js and npm on the PATH");
        assert!(status.success(), "npm ci in tests/audit failed");
    }
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.url);
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("audit.mjs")
            .arg(url)
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
    assert!(report.contains("all audits passed"), "{report}");
}
