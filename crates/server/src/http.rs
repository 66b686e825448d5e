//! The HTTP surface: GraphQL over HTTP at `/graphql`, the playground at `/`, and
//! the `/health` and `/ready` probes.

use std::sync::Arc;

use async_graphql::http::parse_query_string;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use coopgraph_data::Store;
use serde_json::{Value, json};

use crate::api::{self, CoopSchema};

/// The largest request body accepted, in bytes.
pub const MAX_BODY: usize = 1 << 20;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// What every handler shares: the schema and the dataset it serves.
#[derive(Clone)]
pub struct AppState {
    schema: CoopSchema,
    store: Arc<Store>,
}

/// The whole router for a loaded dataset.
pub fn app(store: Arc<Store>) -> Router {
    let state = AppState {
        schema: api::schema(),
        store,
    };
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/", get(playground))
        .route("/assets/{file}", get(asset))
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(|| async { "ready" }))
        .fallback(|| async {
            error(
                StatusCode::NOT_FOUND,
                JSON,
                "no such route; GraphQL is served at /graphql",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

/// A response carrying only errors, as GraphQL over HTTP lays them out.
fn error(status: StatusCode, media: &'static str, message: &str) -> Response {
    let body = json!({ "errors": [{ "message": message }] });
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(media))],
        body.to_string(),
    )
        .into_response()
}

/// The media type to answer in, from the request's `Accept` header; `None` when
/// the client accepts neither of ours.
fn negotiate(headers: &HeaderMap) -> Option<&'static str> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(GRAPHQL_RESPONSE);
    };
    let types: Vec<&str> = accept
        .split(',')
        .map(|t| t.split(';').next().unwrap_or("").trim())
        .collect();
    if types.contains(&GRAPHQL_RESPONSE)
        || types.iter().any(|t| *t == "*/*" || *t == "application/*")
    {
        Some(GRAPHQL_RESPONSE)
    } else if types.contains(&JSON) {
        Some(JSON)
    } else {
        None
    }
}

fn not_acceptable() -> Response {
    error(
        StatusCode::NOT_ACCEPTABLE,
        JSON,
        "coopgraph answers in application/graphql-response+json or application/json",
    )
}

async fn graphql_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    match parse_query_string(query.as_deref().unwrap_or("")) {
        Ok(request) if !request.query.is_empty() => execute(&state, request, media).await,
        Ok(_) => error(
            StatusCode::BAD_REQUEST,
            media,
            "the `query` parameter is missing",
        ),
        Err(e) => error(
            StatusCode::BAD_REQUEST,
            media,
            &format!("invalid parameters: {e}"),
        ),
    }
}

async fn graphql_post(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.split(';').next().map(str::trim) != Some(JSON) {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "send the request as `Content-Type: application/json`",
        );
    }
    match parse_body(&body) {
        Ok(request) => execute(&state, request, media).await,
        Err(message) => error(StatusCode::BAD_REQUEST, media, &message),
    }
}

/// Reads a GraphQL-over-HTTP JSON body, naming the parameter that is wrong.
fn parse_body(body: &[u8]) -> Result<async_graphql::Request, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let Value::Object(mut map) = value else {
        return Err(
            "the body must be a JSON object with a `query`; batches are not supported".to_owned(),
        );
    };
    let query = match map.remove("query") {
        Some(Value::String(q)) => q,
        Some(_) => return Err("`query` must be a string".to_owned()),
        None => return Err("`query` is missing".to_owned()),
    };
    let mut request = async_graphql::Request::new(query);
    match map.remove("operationName") {
        None | Some(Value::Null) => {}
        Some(Value::String(name)) => request = request.operation_name(name),
        Some(_) => return Err("`operationName` must be a string".to_owned()),
    }
    match map.remove("variables") {
        None | Some(Value::Null) => {}
        Some(v @ Value::Object(_)) => {
            request = request.variables(async_graphql::Variables::from_json(v))
        }
        Some(_) => return Err("`variables` must be an object".to_owned()),
    }
    match map.remove("extensions") {
        None | Some(Value::Null) | Some(Value::Object(_)) => {}
        Some(_) => return Err("`extensions` must be an object".to_owned()),
    }
    Ok(request)
}

async fn execute(
    state: &AppState,
    request: async_graphql::Request,
    media: &'static str,
) -> Response {
    let request = api::request(request, state.store.clone());
    let response = state.schema.execute(request).await;
    // Errors with no path were raised before execution (syntax, validation): a
    // request error, which has no `data` and, in graphql-response+json, a 400.
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    // Serialised straight from the response, so fields keep the query's order.
    let body = if request_error {
        serde_json::to_string(&json!({ "errors": response.errors }))
    } else {
        serde_json::to_string(&response)
    };
    let body = body.unwrap_or_else(|_| r#"{"errors":[{"message":"internal error"}]}"#.to_owned());
    let status = if request_error && media == GRAPHQL_RESPONSE {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(media))],
        body.to_string(),
    )
        .into_response()
}

async fn playground() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        include_str!("../assets/index.html"),
    )
}

/// The playground's scripts and styles, served from the binary so that it works
/// with no internet access.
async fn asset(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (body, media): (&'static [u8], &str) = match file.as_str() {
        "graphiql.min.js" => (
            include_bytes!("../assets/graphiql/graphiql.min.js"),
            "text/javascript",
        ),
        "graphiql.min.css" => (
            include_bytes!("../assets/graphiql/graphiql.min.css"),
            "text/css",
        ),
        "react.production.min.js" => (
            include_bytes!("../assets/graphiql/react.production.min.js"),
            "text/javascript",
        ),
        "react-dom.production.min.js" => (
            include_bytes!("../assets/graphiql/react-dom.production.min.js"),
            "text/javascript",
        ),
        _ => return error(StatusCode::NOT_FOUND, JSON, "no such asset"),
    };
    (
        [
            (header::CONTENT_TYPE, media),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}
