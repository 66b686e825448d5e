//! `GET /metrics`: after known requests, the counts Prometheus scrapes.

use serde_json::json;

use crate::spawn_app;

fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l[series.len()..].trim().parse().ok())
}

#[tokio::test]
async fn metrics_count_requests_by_operation_and_outcome() {
    let app = spawn_app().await;
    let named =
        json!({ "query": "query Countries { countries { code } }", "operationName": "Countries" });
    for _ in 0..2 {
        assert_eq!(app.post(named.clone()).await.status, 200);
    }
    // A parse error is a request error: refused.
    assert_eq!(
        app.post(json!({ "query": "{ countries { code }" }))
            .await
            .status,
        400
    );
    // A field error: an unknown slug in a filter.
    let reply = app
        .post(json!({ "query": "query Bad { projects(filter: { donor: [\"nippon\"] }) { totalCount } }", "operationName": "Bad" }))
        .await;
    assert!(reply.body.get("errors").is_some());

    let r = app
        .client
        .get(format!("{}/metrics", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let kind = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    let text = r.text().await.unwrap();
    let v = |series: &str| value(&text, series).unwrap_or_else(|| panic!("no {series} in\n{text}"));
    assert_eq!(
        v(r#"coopgraph_graphql_requests_total{operation="Countries",outcome="ok"}"#),
        2.0
    );
    assert_eq!(
        v(r#"coopgraph_graphql_requests_total{operation="(anonymous)",outcome="refused"}"#),
        1.0
    );
    assert_eq!(
        v(r#"coopgraph_graphql_requests_total{operation="Bad",outcome="field_errors"}"#),
        1.0
    );
    assert_eq!(v("coopgraph_response_cache_hits_total"), 1.0);
    // Every lookup that found nothing: the first Countries, the parse error, Bad.
    assert_eq!(v("coopgraph_response_cache_misses_total"), 3.0);
    assert_eq!(v("coopgraph_graphql_request_duration_seconds_count"), 4.0);
    assert_eq!(v("coopgraph_graphql_requests_in_flight"), 0.0);
    let projects = crate::store().stats().projects as f64;
    assert_eq!(v(r#"coopgraph_dataset_records{type="project"}"#), projects);
    assert_eq!(v("coopgraph_dataset_version"), 0.0);
}

#[tokio::test]
async fn metrics_and_logs_say_which_executor_answered() {
    let config = coopgraph::http::Config {
        cache_bytes: 0,
        ..Default::default()
    };
    let (app, _) = crate::spawn_with(config).await;
    // The reference executor answers a document first; its plan after.
    let planned = json!({ "query": "{ donors(first: 2) { nodes { name } } }" });
    for _ in 0..3 {
        assert_eq!(app.post(planned.clone()).await.status, 200);
    }
    // Outside the planned fields: the reference executor, every time.
    let search = json!({ "query": "{ search(text: \"japan\") { __typename } }" });
    for _ in 0..2 {
        assert_eq!(app.post(search.clone()).await.status, 200);
    }
    let text = app.metrics().await;
    let v = |s: &str| value(&text, s).unwrap_or_else(|| panic!("no {s} in\n{text}"));
    assert_eq!(
        v(r#"coopgraph_graphql_executions_total{executor="compiled"}"#),
        2.0
    );
    assert_eq!(
        v(r#"coopgraph_graphql_executions_total{executor="reference"}"#),
        3.0
    );
}
