//! Automatic persisted queries over HTTP, by Apollo's protocol: hash alone (not
//! found), query and hash (kept), hash alone again (answered, over GET with the
//! same ETag and Cache-Control as any GET).

use serde_json::json;

use crate::spawn_app;

const QUERY: &str = "{ countries { code } }";

fn hash() -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(QUERY.as_bytes()))
}

fn extensions() -> String {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash() } }).to_string()
}

#[tokio::test]
async fn the_three_steps_over_get() {
    let app = spawn_app().await;
    let get = |params: Vec<(&'static str, String)>| {
        let client = app.client.clone();
        let url = format!("{}/graphql", app.url);
        async move {
            client
                .get(url)
                .query(&params)
                .header("accept", "application/graphql-response+json")
                .send()
                .await
                .unwrap()
        }
    };
    // 1. The hash alone: not known yet.
    let r = get(vec![("extensions", extensions())]).await;
    assert_eq!(
        r.status(),
        200,
        "Apollo's clients keep sending hashes after a 200"
    );
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
    assert!(body.get("data").is_none());
    // 2. The query with its hash: answered and kept.
    let r = get(vec![
        ("query", QUERY.to_owned()),
        ("extensions", extensions()),
    ])
    .await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["data"]["countries"].is_array(), "{body}");
    // 3. The hash alone: answered, cacheable like any GET.
    let r = get(vec![("extensions", extensions())]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "public, no-cache");
    let etag = r.headers()["etag"].clone();
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["data"]["countries"].is_array(), "{body}");
    let again = app
        .client
        .get(format!("{}/graphql", app.url))
        .query(&[("extensions", extensions())])
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
}

#[tokio::test]
async fn over_post_and_a_hash_that_does_not_match() {
    let app = spawn_app().await;
    let pq = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash() } });
    let reply = app.post(json!({ "extensions": pq })).await;
    assert_eq!(
        reply.body["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
    let reply = app.post(json!({ "query": QUERY, "extensions": pq })).await;
    assert_eq!(reply.status, 200);
    let reply = app.post(json!({ "extensions": pq })).await;
    assert!(reply.body["data"]["countries"].is_array(), "{}", reply.body);
    let wrong = json!({ "persistedQuery": { "version": 1, "sha256Hash": "0".repeat(64) } });
    let reply = app
        .post(json!({ "query": QUERY, "extensions": wrong }))
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
}
