//! The HTTP surface: GraphQL over HTTP at `/graphql`, the playground at `/`, and
//! the `/health` and `/ready` probes; with the limits that keep one client from
//! starving the others, and the [`Handle`] that swaps datasets and drains.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use coopgraph_data::{Problems, Store};
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;

use crate::api::{self, CoopSchema};
use crate::cache::{Answer, Key, ResponseCache};

/// The largest request body accepted, in bytes.
pub const MAX_BODY: usize = 1 << 20;

/// How much work the app takes on.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// The most GraphQL requests run at once; more get a 503 at once.
    pub max_concurrent: usize,
    /// The longest a GraphQL request may run before it gets a 503.
    pub timeout: Duration,
    /// The bytes of answers the response cache keeps; 0 turns it off.
    pub cache_bytes: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_concurrent: 64,
            timeout: Duration::from_secs(10),
            cache_bytes: 64 << 20,
        }
    }
}

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The dataset being served and its version, which a swap increments.
#[derive(Clone)]
struct Current {
    store: Arc<Store>,
    version: u64,
}

/// What the handlers share with the process that runs them.
struct Shared {
    current: RwLock<Current>,
    cache: ResponseCache,
    documents: api::Documents,
    ready: AtomicBool,
    permits: Semaphore,
    timeout: Duration,
}

/// What every handler gets: the schema and the shared state.
#[derive(Clone)]
struct AppState {
    schema: CoopSchema,
    shared: Arc<Shared>,
}

/// Controls a running app: swaps in a new dataset, turns readiness off to drain.
#[derive(Clone)]
pub struct Handle(Arc<Shared>);

impl Handle {
    /// Serves `store` from the next request on; requests under way finish on the
    /// dataset they started with.
    /// Answers cached for the previous dataset are dropped.
    pub fn swap(&self, store: Arc<Store>) {
        let mut current = self.0.current.write().unwrap_or_else(|e| e.into_inner());
        *current = Current {
            store,
            version: current.version + 1,
        };
        // Under the lock, so no request can read the new version before the
        // clear; answers computed on the old one are keyed by its version.
        self.0.cache.clear();
    }

    /// Reads and checks the dataset in `dir` and swaps it in; a broken dataset is
    /// refused with its problems and the current one keeps serving. Blocks while
    /// loading: call it off the request path.
    pub fn reload(&self, dir: &Path) -> Result<Arc<Store>, Problems> {
        let store = Arc::new(coopgraph_data::load(dir)?);
        self.swap(store.clone());
        Ok(store)
    }

    /// Sets whether `/ready` says the app takes work.
    pub fn set_ready(&self, ready: bool) {
        self.0.ready.store(ready, Ordering::SeqCst);
    }

    fn current(&self) -> Current {
        self.0
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The whole router for a loaded dataset.
pub fn app(store: Arc<Store>) -> Router {
    app_with_handle(store, Config::default()).0
}

/// The whole router for a loaded dataset, and the handle that controls it.
pub fn app_with_handle(store: Arc<Store>, config: Config) -> (Router, Handle) {
    let shared = Arc::new(Shared {
        current: RwLock::new(Current { store, version: 0 }),
        cache: ResponseCache::new(config.cache_bytes),
        documents: api::Documents::default(),
        ready: AtomicBool::new(true),
        permits: Semaphore::new(config.max_concurrent),
        timeout: config.timeout,
    });
    let state = AppState {
        schema: api::schema(),
        shared: shared.clone(),
    };
    let graphql = get(graphql_get).post(graphql_post).fallback(|| async {
        let mut r = error(StatusCode::METHOD_NOT_ALLOWED, JSON, "use GET or POST");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
        r
    });
    let router = Router::new()
        .route("/graphql", graphql)
        .route("/", get(playground))
        .route("/assets/{file}", get(asset))
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(ready))
        .fallback(|| async {
            error(
                StatusCode::NOT_FOUND,
                JSON,
                "no such route; GraphQL is served at /graphql",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(CatchPanicLayer::custom(|_| {
            coded(
                StatusCode::INTERNAL_SERVER_ERROR,
                JSON,
                "internal error",
                "INTERNAL",
            )
        }))
        .with_state(state);
    (router, Handle(shared))
}

async fn ready(State(state): State<AppState>) -> Response {
    if state.shared.ready.load(Ordering::SeqCst) {
        "ready".into_response()
    } else {
        error(StatusCode::SERVICE_UNAVAILABLE, JSON, "shutting down")
    }
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

/// An error response with a stable `extensions.code`.
fn coded(status: StatusCode, media: &'static str, message: &str, code: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(media))],
        body.to_string(),
    )
        .into_response()
}

/// The media type to answer in, from the request's `Accept` header; `None` when
/// the client accepts neither of ours. A client that names no type gets
/// `application/json`, which every GraphQL client reads.
fn negotiate(headers: &HeaderMap) -> Option<&'static str> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(JSON);
    };
    let types: Vec<&str> = accept
        .split(',')
        .map(|t| t.split(';').next().unwrap_or("").trim())
        .collect();
    if types.contains(&GRAPHQL_RESPONSE) {
        Some(GRAPHQL_RESPONSE)
    } else if types
        .iter()
        .any(|t| *t == JSON || *t == "*/*" || *t == "application/*")
    {
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
    let raw = query.as_deref().unwrap_or("");
    let via = Via::Get(headers.get(header::IF_NONE_MATCH).cloned());
    let cached = state.cached(true, raw.as_bytes());
    if let Some(answer) = &cached.answer {
        return answered(answer, media, &via);
    }
    match parse_params(raw).and_then(read_request) {
        Ok(request) => execute(&state, request, media, via, cached).await,
        Err(refused) => refused.into_response(media),
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
    let cached = state.cached(false, &body);
    if let Some(answer) = &cached.answer {
        return answered(answer, media, &Via::Post);
    }
    match parse_body(&body) {
        Ok(request) => execute(&state, request, media, Via::Post, cached).await,
        Err(refused) => refused.into_response(media),
    }
}

/// Why a request could not be read.
enum Unreadable {
    /// A parameter is missing or malformed: 400.
    Malformed(String),
    /// The variables are over a limit.
    OverLimit(String),
}

impl Unreadable {
    fn into_response(self, media: &'static str) -> Response {
        match self {
            Self::Malformed(message) => error(StatusCode::BAD_REQUEST, media, &message),
            Self::OverLimit(message) => limit_error(media, &message),
        }
    }
}

/// The parameters of a GET request, as GraphQL over HTTP names them.
#[derive(serde::Deserialize)]
struct Params {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// Reads GET parameters into the JSON object a POST body would carry.
fn parse_params(query: &str) -> Result<serde_json::Map<String, Value>, Unreadable> {
    let params: Params = serde_urlencoded::from_str(query)
        .map_err(|e| Unreadable::Malformed(format!("invalid parameters: {e}")))?;
    let mut map = serde_json::Map::new();
    if let Some(query) = params.query {
        map.insert("query".into(), Value::String(query));
    }
    if let Some(name) = params.operation_name {
        map.insert("operationName".into(), Value::String(name));
    }
    for (name, json) in [
        ("variables", params.variables),
        ("extensions", params.extensions),
    ] {
        if let Some(json) = json {
            let value = serde_json::from_str(&json)
                .map_err(|e| Unreadable::Malformed(format!("`{name}` is not JSON: {e}")))?;
            map.insert(name.into(), value);
        }
    }
    Ok(map)
}

/// Reads a GraphQL-over-HTTP JSON body.
fn parse_body(body: &[u8]) -> Result<async_graphql::Request, Unreadable> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Unreadable::Malformed(format!("the body is not JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(Unreadable::Malformed(
            "the body must be a JSON object with a `query`; batches are not supported".to_owned(),
        ));
    };
    read_request(map)
}

/// Reads the parameters of a request, naming the one that is wrong.
fn read_request(
    mut map: serde_json::Map<String, Value>,
) -> Result<async_graphql::Request, Unreadable> {
    let bad = |m: &str| Err(Unreadable::Malformed(m.to_owned()));
    let query = match map.remove("query") {
        Some(Value::String(q)) if !q.is_empty() => q,
        Some(Value::String(_)) | None => return bad("the `query` parameter is missing"),
        Some(_) => return bad("`query` must be a string"),
    };
    let mut request = async_graphql::Request::new(query);
    match map.remove("operationName") {
        None | Some(Value::Null) => {}
        Some(Value::String(name)) => request = request.operation_name(name),
        Some(_) => return bad("`operationName` must be a string"),
    }
    match map.remove("variables") {
        None | Some(Value::Null) => {}
        Some(v @ Value::Object(_)) => {
            api::limits::check_variables(&v).map_err(Unreadable::OverLimit)?;
            request = request.variables(async_graphql::Variables::from_json(v))
        }
        Some(_) => return bad("`variables` must be an object"),
    }
    match map.remove("extensions") {
        None | Some(Value::Null) | Some(Value::Object(_)) => {}
        Some(_) => return bad("`extensions` must be an object"),
    }
    Ok(request)
}

/// A request refused by the limits: a request error.
fn limit_error(media: &'static str, message: &str) -> Response {
    let status = if media == GRAPHQL_RESPONSE {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    coded(status, media, message, "LIMIT_EXCEEDED")
}

/// How a GraphQL request came: GET may carry `If-None-Match` and gets caching
/// headers; POST gets neither.
enum Via {
    Get(Option<HeaderValue>),
    Post,
}

/// A request looked up in the response cache: the dataset it is answered on,
/// its key, and the answer kept for it, if any.
struct Cached {
    current: Current,
    key: Option<Key>,
    answer: Option<Answer>,
}

impl AppState {
    /// Looks a request up by its raw bytes, before anything is parsed.
    fn cached(&self, get: bool, raw: &[u8]) -> Cached {
        let current = Handle(self.shared.clone()).current();
        let cache = &self.shared.cache;
        let key = cache.enabled().then(|| Key::new(current.version, get, raw));
        let answer = key.as_ref().and_then(|k| cache.get(k));
        Cached {
            current,
            key,
            answer,
        }
    }
}

async fn execute(
    state: &AppState,
    mut request: async_graphql::Request,
    media: &'static str,
    via: Via,
    Cached { current, key, .. }: Cached,
) -> Response {
    let cache = &state.shared.cache;
    let Ok(_permit) = state.shared.permits.try_acquire() else {
        let mut r = coded(
            StatusCode::SERVICE_UNAVAILABLE,
            media,
            "the server is busy; try again shortly",
            "BUSY",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return r;
    };
    match api::prepare(&mut request, &state.shared.documents) {
        Err(message) => return limit_error(media, &message),
        Ok(false) if matches!(via, Via::Get(_)) => {
            let mut r = error(
                StatusCode::METHOD_NOT_ALLOWED,
                media,
                "only queries can be sent with GET; use POST",
            );
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return r;
        }
        Ok(_) => {}
    }
    let deadline = Arc::new(api::Deadline::after(state.shared.timeout));
    let run = state
        .schema
        .execute(api::request(request, current.store).data(deadline.clone()));
    let result = tokio::time::timeout(state.shared.timeout, run).await;
    let (Ok(mut response), false) = (result, deadline.expired()) else {
        return coded(
            StatusCode::SERVICE_UNAVAILABLE,
            media,
            "the request took too long",
            "TIMEOUT",
        );
    };
    if response.errors.is_empty() {
        // Serialised straight from the response, so fields keep the query's order.
        let answer = match serde_json::to_vec(&response) {
            Ok(body) => Answer::new(body.into()),
            Err(_) => {
                return coded(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    media,
                    "internal error",
                    "INTERNAL",
                );
            }
        };
        if let Some(key) = key {
            cache.insert(key, answer.clone());
        }
        return answered(&answer, media, &via);
    }
    // Errors with no path were raised before execution (syntax, validation): a
    // request error, which has no `data` and, in graphql-response+json, a 400.
    let request_error = response.data == async_graphql::Value::Null
        && response.errors.iter().all(|e| e.path.is_empty());
    // Every error carries a stable code for clients to branch on.
    for e in &mut response.errors {
        let ext = e.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            ext.set(
                "code",
                if request_error {
                    "INVALID_REQUEST"
                } else {
                    "BAD_USER_INPUT"
                },
            );
        }
    }
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
        body,
    )
        .into_response()
}

/// A successful answer. Over GET it carries its entity tag and may be
/// revalidated: a matching `If-None-Match` gets 304 and no body.
fn answered(answer: &Answer, media: &'static str, via: &Via) -> Response {
    let Via::Get(if_none_match) = via else {
        return (
            [(header::CONTENT_TYPE, HeaderValue::from_static(media))],
            answer.body.clone(),
        )
            .into_response();
    };
    let headers = [
        (header::ETAG, answer.etag.clone()),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        ),
        (header::VARY, HeaderValue::from_static("Accept")),
    ];
    if if_none_match
        .as_ref()
        .is_some_and(|tags| answer.matches(tags))
    {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (
        headers,
        [(header::CONTENT_TYPE, HeaderValue::from_static(media))],
        answer.body.clone(),
    )
        .into_response()
}

/// What GET answers tell HTTP caches: keep them, but ask again each time, since
/// a reload may change the data; the entity tag makes asking cheap.
const CACHE_CONTROL: &str = "public, no-cache";

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
