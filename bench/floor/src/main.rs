//! The floor of the load benchmark: an axum server that does nothing but copy
//! prepared bytes. For every `NAME.request` file in a directory it answers a
//! `POST /graphql` whose body is exactly that file with the bytes of
//! `NAME.response` beside it, the answer coopgraph gave to the same request.
//!
//! `coopgraph-floor ADDR DIR`

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

type Answers = Arc<HashMap<Bytes, Bytes>>;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(addr), Some(dir)) = (args.next(), args.next()) else {
        eprintln!("usage: coopgraph-floor ADDR DIR");
        std::process::exit(2);
    };
    let mut answers = HashMap::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "request") {
            let request = std::fs::read(&path)?;
            let response = std::fs::read(path.with_extension("response"))?;
            answers.insert(Bytes::from(request), Bytes::from(response));
        }
    }
    eprintln!(
        "coopgraph-floor: {} answers from {dir} on {addr}",
        answers.len()
    );
    let app = Router::new()
        .route("/graphql", post(answer))
        .with_state(Arc::new(answers));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, app).await
}

async fn answer(State(answers): State<Answers>, body: Bytes) -> Response {
    match answers.get(&body) {
        Some(bytes) => {
            ([(header::CONTENT_TYPE, "application/json")], bytes.clone()).into_response()
        }
        None => (StatusCode::NOT_FOUND, "no recorded answer").into_response(),
    }
}
