//! Any bytes as a POST /graphql body: the app answers with JSON, never panics.
#![no_main]

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::Request;
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

fn store() -> Arc<coopgraph_data::Store> {
    static STORE: OnceLock<Arc<coopgraph_data::Store>> = OnceLock::new();
    STORE
        .get_or_init(|| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data");
            Arc::new(coopgraph_data::load(&dir).expect("data/ loads"))
        })
        .clone()
}

fuzz_target!(|body: &[u8]| {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let request = Request::post("/graphql")
        .header("content-type", "application/json")
        .body(Body::from(body.to_vec()))
        .unwrap();
    let response = runtime.block_on(coopgraph::http::app(store()).oneshot(request)).unwrap();
    let bytes = runtime.block_on(axum::body::to_bytes(response.into_body(), 64 << 20)).unwrap();
    assert!(bytes.starts_with(b"{"), "every answer is a JSON object");
});
