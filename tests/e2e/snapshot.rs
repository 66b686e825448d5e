//! The snapshot of the built store: a restart on unchanged files reads it and
//! answers exactly as the files did; a changed file, another build, a damaged
//! snapshot or `--no-snapshot` load from the files.

use std::path::Path;

use serde_json::json;

use crate::reload::data_copy;
use crate::{App, Served};

/// Every kind of record, its links, sums, search and a page.
const QUERY: &str = r#"{
  donors(first: 5) { nodes { slug name programmes(first: 5) { nodes { slug projects(first: 5) { totalCount nodes { slug title period { start end } budget { amount currency } countries { code } activities(first: 3) { nodes { description } } } } } } } }
  projects(first: 5, orderBy: { field: START }) { edges { cursor node { slug } } pageInfo { endCursor } }
  contributions(first: 20) { nodes { slug amount { amount currency } from { slug } to { __typename } } }
  fundingSummary(groupBy: COUNTRY, measure: CONTRIBUTIONS, currency: "USD") { key label totals { amount currency } converted { amount currency } }
  search(text: "skills") { __typename }
}"#;

/// Starts the binary on `data` with `args`; the listening line and the app.
fn start(data: &Path, args: &[&str]) -> (Served, String, App) {
    let served = crate::serve_binary(data, args);
    let app = App {
        url: format!("http://{}", served.addr),
        client: reqwest::Client::new(),
    };
    let listening = served.listening.clone();
    (served, listening, app)
}

/// Reads log lines until one contains `text`; all the lines read. A server that
/// has not logged it within a minute is stopped, so the test fails, never hangs.
fn wait_for(served: &mut Served, text: &str) -> String {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let found = Arc::new(AtomicBool::new(false));
    let (watch, pid) = (found.clone(), served.child.0.id());
    std::thread::spawn(move || {
        for _ in 0..600 {
            std::thread::sleep(std::time::Duration::from_millis(100));
            if watch.load(Ordering::SeqCst) {
                return;
            }
        }
        let _ = std::process::Command::new("kill")
            .arg(pid.to_string())
            .status();
    });
    let mut seen = String::new();
    for line in served.log.by_ref() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains(text) {
            found.store(true, Ordering::SeqCst);
            return seen;
        }
    }
    panic!("the server stopped before logging `{text}`:\n{seen}");
}

#[test]
fn a_restart_on_unchanged_files_reads_the_snapshot_and_answers_the_same() {
    let dir = data_copy();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let snapshot = dir.path().join(".coopgraph-snapshot");

    let (mut first, listening, app) = start(dir.path(), &[]);
    assert!(!listening.contains("snapshot"), "{listening}");
    let before = runtime.block_on(app.data(QUERY, json!({})));
    wait_for(&mut first, "snapshot written to");
    drop(first);
    assert!(snapshot.exists());

    let (second, listening, app) = start(dir.path(), &[]);
    assert!(
        listening.contains("loaded from its snapshot"),
        "{listening}"
    );
    let after = runtime.block_on(app.data(QUERY, json!({})));
    assert_eq!(after, before);
    drop(second);

    // A changed file is read, never the stale snapshot; the snapshot is then
    // written again for the new files.
    crate::reload::rename_stage(dir.path(), "STAGE-2");
    let (mut third, listening, app) = start(dir.path(), &[]);
    assert!(!listening.contains("snapshot"), "{listening}");
    let renamed = runtime.block_on(app.data(
        r#"{ project(slug: "timor-leste-stage") { acronym } }"#,
        json!({}),
    ));
    assert_eq!(renamed["project"]["acronym"], "STAGE-2");
    wait_for(&mut third, "snapshot written to");
    drop(third);
    let (_fourth, listening, app) = start(dir.path(), &[]);
    assert!(
        listening.contains("loaded from its snapshot"),
        "{listening}"
    );
    let renamed = runtime.block_on(app.data(
        r#"{ project(slug: "timor-leste-stage") { acronym } }"#,
        json!({}),
    ));
    assert_eq!(renamed["project"]["acronym"], "STAGE-2");
}

#[test]
fn a_damaged_snapshot_is_passed_over_with_a_warning_and_the_files_are_read() {
    let dir = data_copy();
    let snapshot = dir.path().join(".coopgraph-snapshot");
    let (mut first, _, _) = start(dir.path(), &[]);
    wait_for(&mut first, "snapshot written to");
    drop(first);
    let mut bytes = std::fs::read(&snapshot).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&snapshot, &bytes).unwrap();

    // The warning comes before the listening line, which says the files loaded.
    let mut served = crate::serve_binary_logging(dir.path(), &[]);
    let before = wait_for(&mut served, "listening on http://");
    assert!(
        before.contains("not a readable snapshot (checksum mismatch)"),
        "{before}"
    );
    assert!(
        !before.lines().last().unwrap().contains("snapshot"),
        "{before}"
    );
    wait_for(&mut served, "snapshot written to");
}

#[test]
fn no_snapshot_reads_the_files_and_writes_nothing() {
    let dir = data_copy();
    let (served, listening, app) = start(dir.path(), &["--no-snapshot"]);
    assert!(!listening.contains("snapshot"), "{listening}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(app.data("{ donors { totalCount } }", json!({})));
    drop(served);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("snapshot")), "{names:?}");

    // A snapshot elsewhere, named by `--snapshot`.
    let elsewhere = tempfile::tempdir().unwrap();
    let path = elsewhere.path().join("store.bin");
    let path_arg = path.to_str().unwrap();
    let (mut served, _, _) = start(dir.path(), &["--snapshot", path_arg]);
    wait_for(&mut served, "snapshot written to");
    drop(served);
    let (_served, listening, _) = start(dir.path(), &["--snapshot", path_arg]);
    assert!(
        listening.contains("loaded from its snapshot"),
        "{listening}"
    );
}
