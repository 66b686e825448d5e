use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::{App, store};

/// A copy of `data/` in a temporary directory, to change.
pub(crate) fn data_copy() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            // Not the snapshot another test's server wrote beside the data.
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data"),
        dir.path(),
    );
    dir
}

pub(crate) fn rename_stage(dir: &Path, acronym: &str) {
    let path = dir.join("projects.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace("acronym = \"STAGE\"", &format!("acronym = \"{acronym}\""));
    std::fs::write(path, text).unwrap();
}

const BOTH: &str = r#"{ a: project(slug: "timor-leste-stage") { acronym }
    b: projects(filter: { country: ["TL"] }) { nodes { acronym } } }"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reloads_while_queries_run_give_no_failed_or_mixed_response() {
    let renamed = data_copy();
    rename_stage(renamed.path(), "STAGE-2");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (router, handle) =
        coopgraph::http::app_with_handle(store(), coopgraph::http::Config::default());
    tokio::spawn(async move {
        axum::serve(listener, axum::ServiceExt::into_make_service(router))
            .await
            .unwrap()
    });
    let app = App {
        url,
        client: reqwest::Client::new(),
    };

    let done = Arc::new(AtomicBool::new(false));
    let reloads = Arc::new(AtomicUsize::new(0));
    let reloader = {
        let done = done.clone();
        let reloads = reloads.clone();
        let original = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
        let renamed = renamed.path().to_path_buf();
        tokio::task::spawn_blocking(move || {
            while !done.load(Ordering::Relaxed) {
                let dir = if reloads.load(Ordering::Relaxed) % 2 == 0 {
                    &renamed
                } else {
                    &original
                };
                handle.reload(dir).unwrap();
                reloads.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let mut seen = std::collections::HashSet::new();
    // Answers from the response cache come fast: query on until both versions
    // were served over several reloads (or 20 s have passed).
    let start = Instant::now();
    let mut queries = 0;
    while (queries < 300 || seen.len() < 2 || reloads.load(Ordering::Relaxed) <= 10)
        && start.elapsed() < Duration::from_secs(20)
    {
        queries += 1;
        let data = app.data(BOTH, json!({})).await;
        let a = data["a"]["acronym"].as_str().unwrap().to_owned();
        assert_eq!(
            data["b"]["nodes"][0]["acronym"], a,
            "one version from start to end"
        );
        seen.insert(a);
    }
    done.store(true, Ordering::Relaxed);
    reloader.await.unwrap();
    let reloads = reloads.load(Ordering::Relaxed);
    assert!(reloads > 10, "reloaded {reloads} times");
    assert_eq!(seen.len(), 2, "both versions were served: {seen:?}");
}

#[cfg(unix)]
#[test]
fn sighup_reloads_a_sound_dataset_refuses_a_broken_one_and_sigterm_exits_0() {
    let dir = data_copy();
    let crate::Served {
        mut child,
        mut log,
        addr,
        ..
    } = crate::serve_binary(dir.path(), &["--drain-delay", "0"]);
    // Lines other than the dataset's warnings (`data/rates` names withdrawn
    // currencies), the requests' own lines and the snapshot's, written in the
    // background after each load (or not, when the next change came first).
    let mut next_line = || loop {
        let line = log.next().unwrap().unwrap();
        let quiet = line.contains(": warning: ") || line.contains("graphql request");
        if !quiet && !line.contains("snapshot") {
            break line;
        }
    };
    let kill = |signal: &str| {
        let ok = Command::new("kill")
            .args([signal, &child.0.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill {signal}");
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = App {
        url: format!("http://{addr}"),
        client: reqwest::Client::new(),
    };
    let acronym = || {
        runtime.block_on(app.data(BOTH, json!({})))["a"]["acronym"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(acronym(), "STAGE");

    rename_stage(dir.path(), "STAGE-3");
    kill("-HUP");
    assert!(next_line().contains("reloaded"));
    assert_eq!(acronym(), "STAGE-3");

    std::fs::write(
        dir.path().join("contributions.toml"),
        "[[contribution]]\nslug = \"x\"\n",
    )
    .unwrap();
    kill("-HUP");
    let refused = next_line();
    assert!(refused.contains("reload refused"), "{refused}");
    assert!(next_line().contains("contributions.toml:1: missing field `from`"));
    assert_eq!(acronym(), "STAGE-3", "the previous dataset keeps serving");

    kill("-TERM");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still running after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
}

#[tokio::test]
async fn draining_turns_ready_off() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (router, handle) =
        coopgraph::http::app_with_handle(store(), coopgraph::http::Config::default());
    tokio::spawn(async move {
        axum::serve(listener, axum::ServiceExt::into_make_service(router))
            .await
            .unwrap()
    });
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(format!("{url}/ready"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    handle.set_ready(false);
    assert_eq!(
        client
            .get(format!("{url}/ready"))
            .send()
            .await
            .unwrap()
            .status(),
        503
    );
    assert_eq!(
        client
            .get(format!("{url}/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn a_reload_picks_up_new_rates() {
    let dir = data_copy();
    let (app, handle) = crate::spawn_with(coopgraph::http::Config::default()).await;
    let query = r#"{ contributions(filter: { from: ["japan"], year: 2008, kind: [ASSESSED] }) {
        nodes { amount { converted(to: "USD") { amount rate rateYear rateSource } } } } }"#;
    let converted = || async {
        let data = app.data(query, json!({})).await;
        data["contributions"]["nodes"][0]["amount"]["converted"].clone()
    };
    handle.reload(dir.path()).unwrap();
    let before = converted().await;
    assert_eq!(before["rateYear"], 2008);
    assert_eq!(before["amount"], "60604850.94", "{before}");

    let rates = dir.path().join("rates/imf-annual.csv");
    std::fs::write(
        &rates,
        "Date,Rate,Currency,Frequency,Source,Country code,Country\n2008-12-31,2,CHF,A,IMF,CH,Switzerland\n",
    )
    .unwrap();
    handle.reload(dir.path()).unwrap();
    let after = converted().await;
    assert_eq!(after["amount"], "32820254", "{after}");
    assert_eq!(after["rate"], "0.5");
    assert_eq!(
        after["rateSource"],
        "IMF, annual average 2008, CHF per US dollar (Switzerland)"
    );
}

#[cfg(unix)]
#[test]
fn sigterm_drains_without_dropping_a_request() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let crate::Served {
        mut child, addr, ..
    } = crate::serve_binary(&data, &["--drain-delay", "3", "--no-snapshot"]);
    let pid = child.0.id().to_string();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let answered = runtime.block_on(async {
        let client = reqwest::Client::new();
        let url = format!("http://{addr}/graphql");
        // 16 requests at once, and SIGTERM 10 ms later.
        let requests: Vec<_> = (0..16)
            .map(|i| {
                let (client, url) = (client.clone(), url.clone());
                tokio::spawn(async move {
                    let query = format!("{{ projects(first: 12, filter: {{ text: \"w{i}\" }}) {{ totalCount }} organisations(first: 20) {{ nodes {{ name }} }} }}");
                    client.post(url).json(&json!({ "query": query })).send().await.map(|r| r.status())
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(10)).await;
        let ok = Command::new("kill").args(["-TERM", &pid]).status().unwrap().success();
        assert!(ok);
        let mut answered = 0;
        for r in requests {
            let status = r.await.unwrap().expect("no request is dropped");
            assert_eq!(status, 200);
            answered += 1;
        }
        // During the drain delay, /ready says 503 and requests are still answered.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let ready = client.get(format!("http://{addr}/ready")).send().await.unwrap();
        assert_eq!(ready.status(), 503);
        let late = client.post(&url).json(&json!({ "query": "{ __typename }" })).send().await.unwrap();
        assert_eq!(late.status(), 200);
        answered
    });
    assert_eq!(answered, 16);
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still running after the drain"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
}
