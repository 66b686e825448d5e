use std::path::Path;

use crate::{NodeTool, spawn_app};

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
    let playground = NodeTool::new("playground", "puppeteer-core");
    let app = spawn_app().await;
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("playground.png");
    let args = vec![format!("{}/", app.url), screenshot.display().to_string()];
    let report = playground.run("playground.mjs", args).await;
    assert!(report.contains("ok playground"), "{report}");
    let size = screenshot.metadata().unwrap().len();
    assert!(size > 10_000, "a screenshot at {}", screenshot.display());
}
