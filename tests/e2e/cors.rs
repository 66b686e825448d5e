//! Browsers on other origins: preflights and requests from an allowed origin get
//! the CORS headers, others get none, and without `--cors-origin` nobody does.

use axum::http::HeaderValue;

use crate::spawn_with;

const ALLOWED: &str = "https://dashboard.example.org";

async fn app(origins: &[&str]) -> crate::App {
    let config = coopgraph::http::Config {
        cors_origins: origins
            .iter()
            .map(|o| HeaderValue::from_str(o).unwrap())
            .collect(),
        ..Default::default()
    };
    spawn_with(config).await.0
}

async fn preflight(app: &crate::App, origin: &str) -> reqwest::Response {
    app.client
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.url))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap()
}

async fn post(app: &crate::App, origin: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/graphql", app.url))
        .header("origin", origin)
        .json(&serde_json::json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap()
}

fn allow_origin(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn an_allowed_origin_gets_its_preflight_and_answers() {
    let app = app(&[ALLOWED, "http://localhost:5173"]).await;
    let r = preflight(&app, ALLOWED).await;
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(allow_origin(&r).as_deref(), Some(ALLOWED));
    let methods = r.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(methods.contains("POST"), "{methods}");
    let headers = r.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(headers.contains("content-type"), "{headers}");

    let r = post(&app, ALLOWED).await;
    assert_eq!(r.status(), 200);
    assert_eq!(allow_origin(&r).as_deref(), Some(ALLOWED));
    let exposed = r.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(exposed.contains("etag"), "{exposed}");
}

#[tokio::test]
async fn another_origin_gets_no_cors_headers() {
    let app = app(&[ALLOWED]).await;
    let r = preflight(&app, "https://evil.example").await;
    assert_eq!(allow_origin(&r), None);
    let r = post(&app, "https://evil.example").await;
    assert_eq!(allow_origin(&r), None);
}

#[tokio::test]
async fn no_origin_is_allowed_by_default() {
    let app = app(&[]).await;
    let r = post(&app, ALLOWED).await;
    assert_eq!(r.status(), 200);
    assert_eq!(allow_origin(&r), None);
}
