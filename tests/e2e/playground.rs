use std::path::Path;
use std::process::Command;

use crate::spawn_app;

/// The playground in headless Chromium (Debian's `chromium`, driven by
/// puppeteer-core, pinned and installed on first use) with every request off the
/// loopback blocked: it loads, runs its query and shows the answer. The
/// screenshot is left in the test's output directory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_playground_works_offline_in_a_browser() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(
        Path::new(&chromium).exists(),
        "the playground test needs Chromium at {chromium}: `apt-get install chromium` (bash .ci/run installs it)"
    );
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/playground");
    if !dir.join("node_modules/puppeteer-core").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--silent"])
            .current_dir(&dir)
            .status()
            .expect("the playground test needs Node.js and npm on the PATH");
        assert!(status.success(), "npm ci in tests/playground failed");
    }
    let app = spawn_app().await;
    let url = format!("{}/", app.url);
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("playground.png");
    let shot = screenshot.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("playground.mjs")
            .arg(url)
            .arg(&shot)
            .env("CHROMIUM", chromium)
            .current_dir(dir)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && report.contains("ok playground"),
        "{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        screenshot.metadata().unwrap().len() > 10_000,
        "a screenshot at {}",
        screenshot.display()
    );
}
