use axum::body::Body;
use axum::http::Request;
use proptest::prelude::*;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::store;

/// The largest response body a request may get: the complexity limit bounds the
/// records, and each is small.
const MAX_RESPONSE: usize = 8 << 20;

/// Query-like text: the API's own words and GraphQL's punctuation, in any order.
fn query_text() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        ":",
        "...",
        "@include(if: true)",
        "$v",
        "query",
        "fragment F on Query",
        "on",
        "__typename",
        "__schema",
        "types",
        "name",
        "donors",
        "projects",
        "organisations",
        "nodes",
        "edges",
        "node",
        "cursor",
        "first: 2",
        "first: 1000",
        "last: -1",
        "after: \"WzAsIngiLG51bGxd\"",
        "filter: { country: [\"VN\"] }",
        "filter: { text: \"viêt\" }",
        "search(text: \"x\")",
        "fundingSummary(groupBy: YEAR)",
        "totals { amount currency }",
        "activities",
        "title",
        "slug",
        "id",
        "node(id: \"x\")",
        "\"",
        "#",
        "\n",
        "...F",
        "a:",
        "1",
        "null",
        "true",
    ]);
    prop::collection::vec(words, 0..60).prop_map(|w| w.join(" "))
}

fn variables() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-zA-Z0-9 ]{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::hash_map("[a-z]{1,3}", inner, 0..4).prop_map(|m| json!(m)),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_request_gets_a_bounded_json_answer(query in query_text(), v in variables(), raw in any::<bool>()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let body = if raw { query.clone() } else { json!({ "query": query, "variables": { "v": v } }).to_string() };
        let request = Request::post("/graphql").header("content-type", "application/json").body(Body::from(body)).unwrap();
        let response = runtime.block_on(coopgraph::http::app(store()).oneshot(request)).unwrap();
        let status = response.status().as_u16();
        prop_assert!(status == 200 || (400..500).contains(&status), "status {status}");
        let bytes = runtime.block_on(axum::body::to_bytes(response.into_body(), MAX_RESPONSE)).unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        prop_assert!(body.get("data").is_some() || body.get("errors").is_some(), "{body}");
    }
}
