use serde_json::json;

use crate::{Reply, spawn_app};

#[tokio::test]
async fn unknown_slugs_give_null() {
    let app = spawn_app().await;
    let data = app
        .data(
            r#"{ organisation(slug: "nobody") { name } programme(slug: "NOT A SLUG") { name }
                 project(slug: "x") { title } country(code: "FR") { name } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data,
        json!({ "organisation": null, "programme": null, "project": null, "country": null })
    );
}

#[tokio::test]
async fn bad_arguments_give_clear_errors_with_their_path() {
    let app = spawn_app().await;
    let cases = [
        (
            r#"{ projects(first: 1000) { totalCount } }"#,
            "`first: 1000` is out of range: pages hold 0 to 100 records",
        ),
        (
            r#"{ projects(after: "nonsense") { totalCount } }"#,
            "invalid cursor `nonsense`: pass a cursor this API returned",
        ),
        (
            r#"{ projects(first: 1, last: 1) { totalCount } }"#,
            "pass `first` or `last`, not both",
        ),
        (
            r#"{ projects(filter: { donor: ["nippon"] }) { totalCount } }"#,
            "`filter.donor`: no organisation has the slug `nippon`",
        ),
        (
            r#"{ search(text: "x", first: 101) { __typename } }"#,
            "`first: 101` is out of range: search returns 0 to 100 results",
        ),
    ];
    for (query, message) in cases {
        let reply = app.post(json!({ "query": query })).await;
        assert_eq!(reply.status, 200, "{query}");
        let error = &reply.body["errors"][0];
        assert_eq!(error["message"], message, "{query}");
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{query}");
        assert!(
            error["path"].as_array().is_some_and(|p| !p.is_empty()),
            "{query}: {error}"
        );
    }
    let nested = app.post(json!({ "query": r#"{ donors(first: 1) { nodes { projects(first: 500) { totalCount } } } }"# })).await;
    assert_eq!(
        nested.body["errors"][0]["path"],
        json!(["donors", "nodes", 0, "projects"])
    );
}

#[tokio::test]
async fn invalid_input_values_are_refused() {
    let app = spawn_app().await;
    let reply = app
        .post(json!({ "query": r#"{ country(code: "vn") { name } }"# }))
        .await;
    // An argument that is not of its type is a request error: no `data`, no path.
    assert_eq!(reply.status, 400);
    assert!(reply.body.get("data").is_none(), "{}", reply.body);
    let error = &reply.body["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("unknown country code `vn`"), "{message}");
}

#[tokio::test]
async fn syntax_errors_are_4xx_with_a_json_body() {
    let app = spawn_app().await;
    let reply = app.post(json!({ "query": "{ projects { " })).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.content_type, "application/graphql-response+json");
    assert!(
        reply.body.get("data").is_none(),
        "request errors carry no data"
    );
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expected")
    );

    // The same error asked for as plain JSON is a 200, per GraphQL over HTTP.
    let r = app
        .client
        .post(format!("{}/graphql", app.url))
        .header("accept", "application/json")
        .json(&json!({ "query": "{ projects { " }))
        .send()
        .await
        .unwrap();
    let reply = Reply::read(r).await;
    assert_eq!(
        (reply.status, reply.content_type.as_str()),
        (200, "application/json")
    );
}

#[tokio::test]
async fn http_surface() {
    let app = spawn_app().await;
    let get = |path: &str| app.client.get(format!("{}{path}", app.url)).send();

    let r = get("/graphql?query=%7B%20countries%20%7B%20code%20%7D%20%7D")
        .await
        .unwrap();
    let reply = Reply::read(r).await;
    assert_eq!(
        (reply.status, reply.content_type.as_str()),
        (200, "application/json"),
        "a client that names no type gets JSON"
    );
    assert_eq!(reply.body["data"]["countries"][0]["code"], "ID");

    let r = get("/graphql").await.unwrap();
    assert_eq!(r.status(), 400);

    let r = app
        .client
        .post(format!("{}/graphql", app.url))
        .body("{}")
        .header("content-type", "text/plain")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);

    let r = app
        .client
        .post(format!("{}/graphql", app.url))
        .header("content-type", "application/json")
        .body("[1,")
        .send()
        .await
        .unwrap();
    let reply = Reply::read(r).await;
    assert_eq!(reply.status, 400);
    assert!(
        reply.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("the body is not JSON")
    );

    let r = app
        .client
        .post(format!("{}/graphql", app.url))
        .json(&json!({ "query": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        Reply::read(r).await.body["errors"][0]["message"],
        "`query` must be a string"
    );

    let r = app
        .client
        .get(format!("{}/graphql?query=%7B__typename%7D", app.url))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 406);

    assert_eq!(get("/health").await.unwrap().status(), 200);
    assert_eq!(get("/ready").await.unwrap().status(), 200);
    let r = get("/nowhere").await.unwrap();
    assert_eq!(r.status(), 404);

    let page = get("/").await.unwrap().text().await.unwrap();
    assert!(
        page.contains("/assets/graphiql.min.js") && !page.contains("https://"),
        "the playground is self-contained"
    );
    for asset in [
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
    ] {
        let r = get(&format!("/assets/{asset}")).await.unwrap();
        assert_eq!(r.status(), 200, "{asset}");
        assert!(r.bytes().await.unwrap().len() > 1000, "{asset}");
    }
}

#[tokio::test]
async fn every_http_error_is_graphql_shaped_json_with_a_code() {
    let app = spawn_app().await;
    let url = |path: &str| format!("{}{path}", app.url);
    let c = &app.client;
    let gql = "application/graphql-response+json";
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (c.get(url("/nowhere")), 404, "NOT_FOUND"),
        (c.get(url("/assets/nothing.js")), 404, "NOT_FOUND"),
        (c.put(url("/graphql")).body("{}"), 405, "METHOD_NOT_ALLOWED"),
        (
            c.get(url("/graphql?query={__typename}"))
                .header("accept", "text/html"),
            406,
            "NOT_ACCEPTABLE",
        ),
        (
            c.post(url("/graphql"))
                .header("content-type", "text/plain")
                .body("{}"),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (
            c.post(url("/graphql"))
                .header("content-type", "application/json")
                .body(format!("{{\"query\":\"{}\"}}", "x".repeat(2 << 20))),
            413,
            "PAYLOAD_TOO_LARGE",
        ),
        (
            c.post(url("/graphql"))
                .header("content-type", "application/json")
                .body("{"),
            400,
            "BAD_REQUEST",
        ),
        (
            c.post(url("/graphql"))
                .header("accept", gql)
                .json(&json!({ "query": "{ projects {" })),
            400,
            "GRAPHQL_PARSE_FAILED",
        ),
        (
            c.post(url("/graphql"))
                .header("accept", gql)
                .json(&json!({ "query": "{ nothing }" })),
            400,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            c.get(url("/graphql?query=mutation%7Bx%7D")),
            405,
            "METHOD_NOT_ALLOWED",
        ),
    ];
    for (request, status, code) in cases {
        let r = Reply::read(request.send().await.unwrap()).await;
        assert_eq!(r.status, status, "{code}: {}", r.body);
        assert!(
            r.content_type.starts_with("application/"),
            "{code}: {}",
            r.content_type
        );
        assert_eq!(
            r.body["errors"][0]["extensions"]["code"], code,
            "{}",
            r.body
        );
        assert!(r.body["errors"][0]["message"].is_string(), "{}", r.body);
        assert!(r.body.get("data").is_none(), "{}", r.body);
    }
    // A parse error keeps the place it was found.
    let r = c
        .post(url("/graphql"))
        .json(&json!({ "query": "{ projects {" }))
        .send()
        .await
        .unwrap();
    let r = Reply::read(r).await;
    assert_eq!(
        r.status, 200,
        "a request error is a 200 in application/json"
    );
    assert!(
        r.body["errors"][0]["locations"][0]["line"].is_number(),
        "{}",
        r.body
    );
}
