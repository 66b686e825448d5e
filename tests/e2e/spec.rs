//! What a frontend developer trips on: request errors as the GraphQL-over-HTTP
//! specification has them, readable syntax errors, one error per fault, batches.

use serde_json::{Value, json};

use crate::spawn_app;

#[tokio::test]
async fn a_variable_that_cannot_be_coerced_is_a_request_error() {
    let app = spawn_app().await;
    let reply = app
        .post(json!({
            "query": "query ($c: [CountryCode!]) { projects(filter: { country: $c }) { totalCount } }",
            "variables": { "c": ["ZZZ"] }
        }))
        .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.content_type, "application/graphql-response+json");
    assert!(reply.body.get("data").is_none(), "{}", reply.body);
    let error = &reply.body["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("unknown country code `ZZZ`"),
        "{error}"
    );
    assert!(error.get("path").is_none(), "{error}");
}

#[tokio::test]
async fn a_syntax_error_is_one_readable_sentence_with_its_place() {
    let app = spawn_app().await;
    let reply = app.post(json!({ "query": "{ countries { code }" })).await;
    assert_eq!(reply.status, 400);
    let error = &reply.body["errors"][0];
    assert_eq!(
        error["message"],
        "Syntax error at line 1, column 21: expected selection."
    );
    assert_eq!(error["locations"], json!([{ "line": 1, "column": 21 }]));
    assert_eq!(error["extensions"]["code"], "GRAPHQL_PARSE_FAILED");
}

#[tokio::test]
async fn a_mutation_gets_one_error() {
    let app = spawn_app().await;
    let reply = app.post(json!({ "query": "mutation { x }" })).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.body["errors"].as_array().unwrap().len(),
        1,
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn batches_are_answered_in_order_each_as_if_alone() {
    let app = spawn_app().await;
    let reply = app
        .post(json!([
            { "query": "{ countries { code } }" },
            { "query": "query One($s: String!) { project(slug: $s) { acronym } }", "variables": { "s": "timor-leste-stage" }, "operationName": "One" },
            { "query": "{ projects(first: 500) { totalCount } }" },
            { "query": "{ nope" }
        ]))
        .await;
    assert_eq!(reply.status, 200);
    let answers = reply.body.as_array().unwrap();
    assert_eq!(answers.len(), 4);
    assert!(answers[0]["data"]["countries"].is_array());
    assert_eq!(answers[1]["data"]["project"]["acronym"], "STAGE");
    assert_eq!(
        answers[2]["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    assert_eq!(
        answers[3]["errors"][0]["extensions"]["code"],
        "GRAPHQL_PARSE_FAILED"
    );
    assert!(answers[3].get("data").is_none());

    let too_many: Vec<Value> = (0..11)
        .map(|_| json!({ "query": "{ __typename }" }))
        .collect();
    let reply = app.post(Value::Array(too_many)).await;
    assert_eq!(
        reply.body["errors"][0]["extensions"]["code"],
        "LIMIT_EXCEEDED"
    );
}

#[tokio::test]
async fn a_field_error_on_a_non_null_field_nulls_its_nearest_nullable_ancestor() {
    let app = spawn_app().await;
    // `projects` is non-null and its parent is the root: `data` itself is null.
    let reply = app
        .post(json!({ "query": "{ countries { code } projects(first: 500) { totalCount } }" }))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["data"], Value::Null, "{}", reply.body);
    assert_eq!(reply.body["errors"][0]["path"], json!(["projects"]));
    // Through lists of non-null items and non-null connections, up to the root.
    let reply = app
        .post(json!({ "query": "{ donors(first: 2) { nodes { name programmes(first: 500) { totalCount } } } }" }))
        .await;
    assert_eq!(reply.body["data"], Value::Null, "{}", reply.body);
    // `project` may be null: it is, and its siblings stay.
    let reply = app
        .post(json!({ "query": r#"{ countries { code } stage: project(slug: "timor-leste-stage") { title activities(first: 500) { totalCount } } }"# }))
        .await;
    let data = &reply.body["data"];
    assert!(data["countries"].is_array(), "{}", reply.body);
    assert!(
        data.as_object().unwrap().contains_key("stage"),
        "{}",
        reply.body
    );
    assert_eq!(data["stage"], Value::Null);
}

#[tokio::test]
async fn a_condition_left_out_takes_its_default() {
    let app = spawn_app().await;
    let query = "query ($with: Boolean = true, $without: Boolean = false) {
        countries @include(if: $with) { code } projects(first: 1) @include(if: $without) { totalCount } }";
    // Twice: the reference executor answers first, the compiled plan after.
    for _ in 0..2 {
        let data = app.data(query, json!({})).await;
        assert!(
            data["countries"].as_array().is_some_and(|c| !c.is_empty()),
            "{data}"
        );
        assert!(data.get("projects").is_none(), "{data}");
        let data = app.data(query, json!({ "with": false })).await;
        assert!(data.get("countries").is_none(), "{data}");
    }
}
