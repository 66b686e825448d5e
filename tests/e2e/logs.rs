//! Request ids and structured logs: every answer carries an `x-request-id` (the
//! client's, else a new one), and with `--log-format json` each GraphQL request
//! is one JSON log line with its id, operation, status, duration and cache use.

use serde_json::{Value, json};

use crate::spawn_app;

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let app = spawn_app().await;
    let r = app
        .client
        .post(format!("{}/graphql", app.url))
        .header("x-request-id", "dashboard-42")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "dashboard-42");
    let r = app
        .client
        .get(format!("{}/health", app.url))
        .send()
        .await
        .unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a new UUID: {id}");
    let r = app
        .client
        .get(format!("{}/health", app.url))
        .send()
        .await
        .unwrap();
    assert_ne!(
        r.headers()["x-request-id"].to_str().unwrap(),
        id,
        "a new one each time"
    );
}

#[cfg(unix)]
#[test]
fn json_logs_give_each_request_a_line_with_its_id() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let crate::Served {
        child: _child,
        log: mut lines,
        addr,
        ..
    } = crate::serve_binary(&data, &["--log-format", "json", "--no-snapshot"]);
    let mut next = || -> Value {
        let line = lines.next().unwrap().unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let client = reqwest::Client::new();
    for _ in 0..2 {
        let r = runtime.block_on(
            client
                .post(format!("http://{addr}/graphql"))
                .header("x-request-id", "trace-42")
                .json(&json!({ "query": "query Countries { countries { code } }", "operationName": "Countries" }))
                .send(),
        );
        assert_eq!(r.unwrap().status(), 200);
    }
    let mut seen = Vec::new();
    let mut not_planned = Vec::new();
    while seen.len() < 2 {
        let line = next();
        if line["target"] == "coopgraph::request" {
            seen.push(line);
        } else if line["message"]
            .as_str()
            .is_some_and(|m| m.contains("not planned"))
        {
            not_planned.push(line);
        }
    }
    // `countries` is outside the compiled path: the log says so, once.
    assert_eq!(not_planned.len(), 1, "{not_planned:?}");
    assert_eq!(not_planned[0]["why"], "the field `Query.countries`");
    assert_eq!(seen[0]["executor"], "reference");
    assert_eq!(
        seen[1]["executor"], "",
        "the cache answered: no executor ran"
    );
    for line in &seen {
        assert_eq!(line["request_id"], "trace-42", "{line}");
        assert_eq!(line["operation"], "Countries", "{line}");
        assert_eq!(line["status"], 200, "{line}");
        assert!(line["duration_ms"].as_f64().unwrap() >= 0.0, "{line}");
    }
    assert_eq!(seen[0]["cache"], "miss");
    assert_eq!(seen[1]["cache"], "hit");
}
