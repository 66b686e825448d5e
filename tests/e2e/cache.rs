use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::reload::{data_copy, rename_stage};
use crate::{App, spawn_with};

const STAGE: &str = r#"{ project(slug: "timor-leste-stage") { acronym title } }"#;

fn config(cache_bytes: u64) -> coopgraph::http::Config {
    coopgraph::http::Config {
        cache_bytes,
        ..Default::default()
    }
}

impl App {
    /// GETs a query, with `If-None-Match` when given.
    async fn get(&self, query: &str, if_none_match: Option<&str>) -> reqwest::Response {
        let mut r = self
            .client
            .get(format!("{}/graphql", self.url))
            .query(&[("query", query)]);
        if let Some(tags) = if_none_match {
            r = r.header("if-none-match", tags);
        }
        r.send().await.unwrap()
    }

    /// POSTs a request and returns the body's exact bytes.
    async fn post_bytes(&self, body: &Value) -> Vec<u8> {
        let r = self
            .client
            .post(format!("{}/graphql", self.url))
            .json(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.bytes().await.unwrap().to_vec()
    }
}

fn header(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn get_answers_carry_an_entity_tag_and_revalidate_to_304() {
    for cache_bytes in [64 << 20, 0] {
        let (app, _) = spawn_with(config(cache_bytes)).await;
        let first = app.get(STAGE, None).await;
        assert_eq!(first.status(), StatusCode::OK);
        let etag = header(&first, "etag").expect("an ETag on GET");
        assert_eq!(header(&first, "cache-control").unwrap(), "public, no-cache");
        assert_eq!(header(&first, "vary").unwrap(), "Accept");
        let body = first.text().await.unwrap();
        assert!(body.contains("\"STAGE\""), "{body}");

        for tags in [
            etag.clone(),
            format!("W/{etag}"),
            format!("\"other\", {etag}"),
        ] {
            let again = app.get(STAGE, Some(&tags)).await;
            assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{tags}");
            assert_eq!(header(&again, "etag").unwrap(), etag);
            assert!(again.bytes().await.unwrap().is_empty());
        }
        let stale = app.get(STAGE, Some("\"0123456789abcdef\"")).await;
        assert_eq!(stale.status(), StatusCode::OK);
        assert_eq!(stale.text().await.unwrap(), body);

        // Another query has another tag.
        let other = app
            .get("{ donors(first: 1) { nodes { name } } }", Some(&etag))
            .await;
        assert_eq!(other.status(), StatusCode::OK);
        assert_ne!(header(&other, "etag").unwrap(), etag);
    }
}

#[tokio::test]
async fn post_answers_and_errors_carry_no_entity_tag() {
    let (app, _) = spawn_with(config(64 << 20)).await;
    let post = app
        .client
        .post(format!("{}/graphql", app.url))
        .json(&json!({ "query": STAGE }))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::OK);
    assert_eq!(header(&post, "etag"), None);
    let failed = app
        .get(r#"{ projects(first: 1000) { totalCount } }"#, None)
        .await;
    assert_eq!(header(&failed, "etag"), None);
    let body = failed.text().await.unwrap();
    assert!(body.contains("\"errors\""), "{body}");
}

#[tokio::test]
async fn cached_and_uncached_answers_are_the_same_bytes() {
    let (cached, _) = spawn_with(config(64 << 20)).await;
    let (uncached, _) = spawn_with(config(0)).await;
    let filtered = "query($c: [CountryCode!], $n: Int) { projects(first: $n, filter: { country: $c }) { totalCount nodes { slug } } }";
    let requests = [
        json!({ "query": STAGE }),
        json!({ "query": filtered, "variables": { "c": ["KH", "TL"], "n": 2 } }),
        json!({ "query": filtered, "variables": { "c": ["KH", "TL"], "n": 1 } }),
        json!({ "query": filtered, "variables": { "c": ["TL"], "n": 2 } }),
        json!({ "query": "query A { donors(first: 1) { totalCount } } query B { countries { code } }", "operationName": "A" }),
        json!({ "query": "query A { donors(first: 1) { totalCount } } query B { countries { code } }", "operationName": "B" }),
    ];
    let mut answers = Vec::new();
    for _ in 0..3 {
        for request in &requests {
            let a = cached.post_bytes(request).await;
            assert_eq!(a, uncached.post_bytes(request).await, "{request}");
            answers.push(a);
        }
    }
    // Variables and operation names are part of the key: each request has its
    // own answer, and repeating one gives the same answer.
    let n = requests.len();
    for i in 0..n {
        assert_eq!(answers[i], answers[i + n]);
        for j in 0..i {
            assert_ne!(
                answers[i], answers[j],
                "{} and {}",
                requests[i], requests[j]
            );
        }
    }
}

#[tokio::test]
async fn a_new_dataset_is_never_answered_from_the_old_ones_cache() {
    let renamed = data_copy();
    rename_stage(renamed.path(), "STAGE-2");
    let new_store = std::sync::Arc::new(coopgraph_data::load(renamed.path()).unwrap());
    let (app, handle) = spawn_with(config(64 << 20)).await;

    let before = app.get(STAGE, None).await;
    let old_tag = header(&before, "etag").unwrap();
    assert!(before.text().await.unwrap().contains("\"STAGE\""));
    let post = json!({ "query": STAGE });
    assert!(
        String::from_utf8(app.post_bytes(&post).await)
            .unwrap()
            .contains("\"STAGE\"")
    );

    handle.swap(new_store);
    let after = app.get(STAGE, Some(&old_tag)).await;
    assert_eq!(
        after.status(),
        StatusCode::OK,
        "the old tag no longer matches"
    );
    assert_ne!(header(&after, "etag").unwrap(), old_tag);
    assert!(after.text().await.unwrap().contains("\"STAGE-2\""));
    assert!(
        String::from_utf8(app.post_bytes(&post).await)
            .unwrap()
            .contains("\"STAGE-2\"")
    );
}

#[tokio::test]
async fn refused_and_broken_queries_are_refused_every_time() {
    let (app, _) = spawn_with(config(64 << 20)).await;
    let aliases: String = (0..5000).map(|i| format!("a{i}: __typename ")).collect();
    let too_many = format!("{{ {aliases} }}");
    let broken = "{ projects(first: 1) { nodes { slug } }";
    for _ in 0..3 {
        let r = app.post(json!({ "query": too_many })).await;
        assert_eq!(
            r.body["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED",
            "{}",
            r.body
        );
        let r = app.post(json!({ "query": broken })).await;
        assert_eq!(r.status, 400);
        assert_eq!(
            r.body["errors"][0]["extensions"]["code"], "GRAPHQL_PARSE_FAILED",
            "{}",
            r.body
        );
        // A cached document still runs the operation each request names.
        let both = "query A { donors(first: 1) { totalCount } } query B { countries { code } }";
        let r = app
            .post(json!({ "query": both, "operationName": "A" }))
            .await;
        assert!(
            r.body["data"]["donors"]["totalCount"].is_number(),
            "{}",
            r.body
        );
        let r = app
            .client
            .get(format!("{}/graphql", app.url))
            .query(&[("query", both), ("operationName", "B")])
            .send()
            .await
            .unwrap();
        let body: Value = r.json().await.unwrap();
        assert!(body["data"]["countries"][0]["code"].is_string(), "{body}");
    }
}
