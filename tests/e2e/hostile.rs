use std::time::Instant;

use serde_json::{Value, json};

use crate::{App, Reply, spawn_app};

/// Sends a hostile request, asserts it was refused, and that a normal query is
/// still answered afterwards. Prints how long the refusal took.
async fn refused(app: &App, name: &str, body: Value) -> Reply {
    let start = Instant::now();
    let reply = app.post(body).await;
    eprintln!("{name}: {} in {:?}", reply.status, start.elapsed());
    let refused = reply.status >= 400 || reply.body.get("errors").is_some();
    assert!(refused, "{name} was not refused: {}", reply.status);
    still_serving(app).await;
    reply
}

async fn still_serving(app: &App) {
    let data = app
        .data(
            "{ project(slug: \"timor-leste-stage\") { acronym } }",
            json!({}),
        )
        .await;
    assert_eq!(data["project"]["acronym"], "STAGE");
}

fn code(reply: &Reply) -> &str {
    reply.body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

#[tokio::test]
async fn the_introspection_query_and_the_readme_queries_pass() {
    let app = spawn_app().await;
    let data = app
        .data(include_str!("introspection.graphql"), json!({}))
        .await;
    assert!(data["__schema"]["types"].as_array().unwrap().len() > 30);
    let readme = include_str!("../../README.md");
    let queries: Vec<&str> = readme
        .split("```graphql")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert!(queries.len() >= 5);
    for q in queries {
        app.data(q, json!({})).await;
    }
}

#[tokio::test]
async fn deep_selections_and_deep_values() {
    let app = spawn_app().await;
    let deep = format!(
        "{{ {}__typename{} }}",
        "organisations { nodes { parent { ".repeat(6),
        " } } }".repeat(6)
    );
    let r = refused(&app, "deep selections", json!({ "query": deep })).await;
    assert_eq!(r.status, 400);

    let brackets = format!(
        "{{ search(text: {}) {{ __typename }} }}",
        "[".repeat(50_000)
    );
    let r = refused(&app, "deep list value", json!({ "query": brackets })).await;
    assert_eq!((r.status, code(&r)), (400, "LIMIT_EXCEEDED"));

    let objects = format!(
        "{{ projects(filter: {}) {{ totalCount }} }}",
        "{a: ".repeat(10_000)
    );
    let r = refused(&app, "deep object value", json!({ "query": objects })).await;
    assert_eq!((r.status, code(&r)), (400, "LIMIT_EXCEEDED"));

    let mut v = json!("x");
    for _ in 0..100 {
        v = json!([v]);
    }
    let r = refused(&app, "deep variables", json!({ "query": "query ($t: String!) { search(text: $t) { __typename } }", "variables": { "t": v } })).await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn fragment_fan_out_and_cycles() {
    let app = spawn_app().await;
    let mut q = String::from("query { ...F0 } fragment F40 on Query { __typename }");
    for i in 0..40 {
        q.push_str(&format!(
            " fragment F{i} on Query {{ ...F{} ...F{} }}",
            i + 1,
            i + 1
        ));
    }
    let r = refused(&app, "fragment fan-out", json!({ "query": q })).await;
    assert_eq!((r.status, code(&r)), (400, "LIMIT_EXCEEDED"));

    let cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
    let r = refused(&app, "fragment cycle", json!({ "query": cycle })).await;
    assert_eq!(
        r.body["errors"][0]["message"],
        "fragment `A` spreads itself"
    );
}

#[tokio::test]
async fn aliases_fields_directives_and_tokens() {
    let app = spawn_app().await;
    let aliases = format!(
        "{{ {} }}",
        (0..5000)
            .map(|i| format!("a{i}: __typename"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let r = refused(&app, "thousands of aliases", json!({ "query": aliases })).await;
    assert_eq!((r.status, code(&r)), (400, "LIMIT_EXCEEDED"));

    let repeated = format!("{{ {} }}", "__typename ".repeat(5000));
    refused(&app, "repeated fields", json!({ "query": repeated })).await;

    let directives = format!("{{ __typename {} }}", "@include(if: true) ".repeat(500));
    refused(&app, "directives", json!({ "query": directives })).await;

    let tokens = format!(
        "{{ __typename }} {}",
        "# a comment is not a token\n".repeat(10)
            + &",".repeat(10)
            + &"query q { __typename } ".repeat(3000)
    );
    refused(&app, "tokens", json!({ "query": tokens })).await;
}

#[tokio::test]
async fn page_sizes_and_their_products() {
    let app = spawn_app().await;
    let r = refused(
        &app,
        "first above the maximum",
        json!({ "query": "{ projects(first: 101) { totalCount } }" }),
    )
    .await;
    assert_eq!(code(&r), "BAD_USER_INPUT");

    let product = "{ organisations(first: 100) { nodes { projects(first: 100) { nodes { activities(first: 100) { nodes { description } } } } } } }";
    let r = refused(&app, "product of page sizes", json!({ "query": product })).await;
    assert_eq!(r.status, 400);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("complex"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn bodies_batches_and_methods() {
    let app = spawn_app().await;
    let big = format!("{{ __typename }} # {}", "x".repeat(2 << 20));
    let r = app
        .client
        .post(format!("{}/graphql", app.url))
        .json(&json!({ "query": big }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    still_serving(&app).await;

    let batch: Vec<Value> = (0..1000)
        .map(|_| json!({ "query": "{ __typename }" }))
        .collect();
    let r = app
        .client
        .post(format!("{}/graphql", app.url))
        .json(&batch)
        .send()
        .await
        .unwrap();
    let reply = crate::Reply::read(r).await;
    assert_eq!(
        reply.body["errors"][0]["extensions"]["code"],
        "LIMIT_EXCEEDED"
    );

    let r = app
        .client
        .put(format!("{}/graphql", app.url))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "GET, POST");
    let r = app
        .client
        .delete(format!("{}/graphql", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);

    let r = app
        .client
        .get(format!(
            "{}/graphql?query=mutation%20%7B%20x%20%7D",
            app.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    still_serving(&app).await;
}

#[tokio::test]
async fn full_and_slow_give_503() {
    use coopgraph::http::{Config, app_with_handle};
    let serve = |config: Config| async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (router, _) = app_with_handle(crate::store(), config);
        tokio::spawn(async move {
            axum::serve(listener, axum::ServiceExt::into_make_service(router))
                .await
                .unwrap()
        });
        App {
            url,
            client: reqwest::Client::new(),
        }
    };
    let full = serve(Config {
        max_concurrent: 0,
        ..Config::default()
    })
    .await;
    let r = full.post(json!({ "query": "{ __typename }" })).await;
    assert_eq!((r.status, code(&r)), (503, "BUSY"));

    let slow = serve(Config {
        timeout: std::time::Duration::ZERO,
        ..Config::default()
    })
    .await;
    let r = slow
        .post(json!({ "query": "{ projects { nodes { title } } }" }))
        .await;
    assert_eq!((r.status, code(&r)), (503, "TIMEOUT"));
}
