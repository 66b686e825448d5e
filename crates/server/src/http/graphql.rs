//! GraphQL over HTTP at `/graphql`: content negotiation, reading GET parameters
//! and POST bodies, the response cache and entity tags, the concurrency and time
//! limits, and the status of each kind of answer.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::metrics::Observed;
use super::persisted::Persisted;
use super::{AppState, Current, Handle};
use crate::api::{self, Operation, Planned};
use crate::cache::{Answer, Key, Method};
use crate::error::{Code, GRAPHQL_RESPONSE, JSON, Refusal};

/// `GET /graphql?query=…`: queries only, with entity tags.
pub(super) async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let raw = query.as_deref().unwrap_or("");
    let via = Via::Get(headers.get(header::IF_NONE_MATCH).cloned());
    let cached = state.cached(Method::Get, Bytes::from(raw.to_owned()));
    if let Some(answer) = &cached.answer {
        return hit(respond(answer, media, &via), answer);
    }
    let persisted = &state.shared.persisted;
    match parse_params(raw).and_then(|map| read_request(map, persisted)) {
        Ok(request) => execute(&state, request, media, via, cached).await,
        Err(refused) => refused.into_response(media),
    }
}

/// `POST /graphql` with a JSON body.
pub(super) async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.split(';').next().map(str::trim) != Some(JSON) {
        let message = "send the request as `Content-Type: application/json`";
        return Refusal::new(Code::UnsupportedMediaType, message).into_response(media);
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let code = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Code::PayloadTooLarge
            } else {
                Code::BadRequest
            };
            return Refusal::new(code, rejection.body_text()).into_response(media);
        }
    };
    if body.first() == Some(&b'[') {
        return batch(&state, &body, media).await;
    }
    one(&state, body, media).await
}

/// The response cache's answer to a `POST /graphql` whose body has been read,
/// if it has one: what [`post`] would answer, without routing or extracting.
/// `None` for anything else (a batch, a miss, a request [`post`] refuses).
pub(super) fn cached_post(state: &AppState, headers: &HeaderMap, body: &Bytes) -> Option<Response> {
    let media = negotiate(headers)?;
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if content_type.split(';').next().map(str::trim) != Some(JSON) || body.first() == Some(&b'[') {
        return None;
    }
    let answer = state.cached(Method::Post, body.clone()).answer?;
    Some(hit(respond(&answer, media, &Via::Post), &answer))
}

/// One operation sent by POST, from its raw body.
async fn one(state: &AppState, body: Bytes, media: &'static str) -> Response {
    let cached = state.cached(Method::Post, body.clone());
    if let Some(answer) = &cached.answer {
        return hit(respond(answer, media, &Via::Post), answer);
    }
    match parse_body(&body, &state.shared.persisted) {
        Ok(request) => execute(state, request, media, Via::Post, cached).await,
        Err(refused) => refused.into_response(media),
    }
}

/// The most operations a batch may hold.
pub const MAX_BATCH: usize = 10;

/// A batch: a JSON array of operations, as Apollo's batch link sends them. Each is
/// answered as if sent alone (limits, cache, errors), in order, in one array.
async fn batch(state: &AppState, body: &[u8], media: &'static str) -> Response {
    let items: Vec<Value> = match serde_json::from_slice(body) {
        Ok(Value::Array(items)) => items,
        Ok(_) => return malformed("a batch is a JSON array of operations").into_response(media),
        Err(e) => return malformed(format!("the body is not JSON: {e}")).into_response(media),
    };
    if items.is_empty() || items.len() > MAX_BATCH {
        let message = format!(
            "a batch holds 1 to {MAX_BATCH} operations, not {}",
            items.len()
        );
        return Refusal::new(Code::LimitExceeded, message).into_response(media);
    }
    let mut answers = Vec::with_capacity(items.len());
    for item in items {
        let bytes = serde_json::to_vec(&item).unwrap_or_default();
        let response = Box::pin(one(state, bytes.into(), JSON)).await;
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        let value = serde_json::from_slice(&body)
            .unwrap_or_else(|_| json!({ "errors": [{ "message": "internal error" }] }));
        answers.push(value);
    }
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(media))],
        Value::Array(answers).to_string(),
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
    let message = "coopgraph answers in application/graphql-response+json or application/json";
    Refusal::new(Code::NotAcceptable, message).into_response(JSON)
}

fn malformed(message: impl Into<String>) -> Refusal {
    Refusal::new(Code::BadRequest, message)
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
fn parse_params(query: &str) -> Result<serde_json::Map<String, Value>, Refusal> {
    let params: Params = serde_urlencoded::from_str(query)
        .map_err(|e| malformed(format!("invalid parameters: {e}")))?;
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
                .map_err(|e| malformed(format!("`{name}` is not JSON: {e}")))?;
            map.insert(name.into(), value);
        }
    }
    Ok(map)
}

/// Reads a GraphQL-over-HTTP JSON body.
fn parse_body(body: &[u8], persisted: &Persisted) -> Result<async_graphql::Request, Refusal> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| malformed(format!("the body is not JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(malformed(
            "the body must be a JSON object with a `query`, or an array of them",
        ));
    };
    read_request(map, persisted)
}

/// Reads the parameters of a request, naming the one that is wrong.
fn read_request(
    mut map: serde_json::Map<String, Value>,
    persisted: &Persisted,
) -> Result<async_graphql::Request, Refusal> {
    let query = match map.remove("query") {
        Some(Value::String(q)) if !q.is_empty() => Some(q),
        Some(Value::String(_)) | None => None,
        Some(_) => return Err(malformed("`query` must be a string")),
    };
    let extensions = match map.get("extensions") {
        None | Some(Value::Null) | Some(Value::Object(_)) => map.get("extensions"),
        Some(_) => return Err(malformed("`extensions` must be an object")),
    };
    let Some(query) = persisted.resolve(query, extensions)? else {
        return Err(malformed("the `query` parameter is missing"));
    };
    let mut request = async_graphql::Request::new(query);
    match map.remove("operationName") {
        None | Some(Value::Null) => {}
        Some(Value::String(name)) => request = request.operation_name(name),
        Some(_) => return Err(malformed("`operationName` must be a string")),
    }
    match map.remove("variables") {
        None | Some(Value::Null) => {}
        Some(v @ Value::Object(_)) => {
            api::limits::check_variables(&v).map_err(|m| Refusal::new(Code::LimitExceeded, m))?;
            request = request.variables(async_graphql::Variables::from_json(v))
        }
        Some(_) => return Err(malformed("`variables` must be an object")),
    }
    Ok(request)
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
    fn cached(&self, method: Method, raw: Bytes) -> Cached {
        let current = Handle(self.shared.clone()).current();
        let cache = &self.shared.cache;
        let key = cache
            .enabled()
            .then(|| Key::new(current.version, method, raw));
        let answer = key.as_ref().and_then(|k| cache.get(k));
        Cached {
            current,
            key,
            answer,
        }
    }
}

/// Marks an answer the response cache gave, for the metrics.
fn hit(mut response: Response, answer: &Answer) -> Response {
    response.extensions_mut().insert(Observed {
        operation: answer.operation.clone(),
        cache_hit: Some(true),
        field_errors: false,
    });
    response
}

async fn execute(
    state: &AppState,
    request: async_graphql::Request,
    media: &'static str,
    via: Via,
    cached: Cached,
) -> Response {
    let operation = request.operation_name.as_deref().map(Arc::from);
    let cache_hit = cached.key.is_some().then_some(false);
    let mut response = run(state, request, media, via, cached).await;
    let field_errors = response.extensions().get::<FieldErrors>().is_some();
    response.extensions_mut().insert(Observed {
        operation,
        cache_hit,
        field_errors,
    });
    response
}

/// Which executor answered, for the metrics and the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Executor {
    /// A compiled plan.
    Compiled,
    /// async-graphql's executor.
    Reference,
}

impl Executor {
    /// The label metrics and logs use.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Executor::Compiled => "compiled",
            Executor::Reference => "reference",
        }
    }
}

/// Marks an answer with field errors, for the metrics.
#[derive(Clone, Copy)]
struct FieldErrors;

async fn run(
    state: &AppState,
    mut request: async_graphql::Request,
    media: &'static str,
    via: Via,
    Cached { current, key, .. }: Cached,
) -> Response {
    let Ok(_permit) = state.shared.permits.try_acquire() else {
        return Refusal::new(Code::Busy, "the server is busy; try again shortly")
            .header(header::RETRY_AFTER, "1")
            .into_response(media);
    };
    match api::prepare(&mut request, &state.shared.documents) {
        Err(refusal) => return refusal.into_response(media),
        Ok(Operation::Other) if matches!(via, Via::Get(_)) => {
            let message = "only queries can be sent with GET; use POST";
            return Refusal::new(Code::MethodNotAllowed, message)
                .header(header::ALLOW, "POST")
                .into_response(media);
        }
        Ok(_) => {}
    }
    let operation_name = request.operation_name.clone();
    let document = state.shared.documents.get(&request.query);
    let deadline = Arc::new(api::Deadline::after(state.shared.timeout));
    if let Some(doc) = &document {
        match state
            .shared
            .plans
            .run(doc, &request, &current.store, &deadline)
        {
            Planned::Answer(body) => {
                let answer = keep(state, key, operation_name, body);
                return answered(&answer, media, &via, Executor::Compiled);
            }
            Planned::Expired => {
                return Refusal::new(Code::Timeout, "the request took too long")
                    .into_response(media);
            }
            Planned::Reference(why) => {
                if let Some(why) = why {
                    tracing::info!(
                        operation = operation_name.as_deref().unwrap_or(""),
                        why,
                        "the reference executor answers this document: not planned"
                    );
                }
            }
        }
    }
    let query = request.query.clone();
    if let Some(doc) = &document {
        api::reuse(&mut request, doc);
    }
    let run = state
        .schema
        .execute(api::request(request, current.store).data(deadline.clone()));
    let result = tokio::time::timeout(state.shared.timeout, run).await;
    let (Ok(mut response), false) = (result, deadline.expired()) else {
        return Refusal::new(Code::Timeout, "the request took too long").into_response(media);
    };
    if response.errors.is_empty() {
        // Serialised straight from the response, so fields keep the query's order.
        let Ok(body) = serde_json::to_vec(&response) else {
            return Refusal::new(Code::Internal, "internal error").into_response(media);
        };
        let body = Bytes::from(body);
        state
            .shared
            .plans
            .validated(&query, operation_name.as_deref(), &body);
        let answer = keep(state, key, operation_name, body);
        return answered(&answer, media, &via, Executor::Reference);
    }
    // Errors with no path were raised before execution, once the document was
    // parsed and within the limits: the document does not fit the schema. That
    // is a request error, which has no `data`.
    if response.data == async_graphql::Value::Null
        && response.errors.iter().all(|e| e.path.is_empty())
    {
        let mut errors: Vec<Value> = Vec::new();
        for e in &response.errors {
            let e = serde_json::to_value(e).unwrap_or_else(|_| json!({ "message": e.message }));
            // The validator can report one fault twice (a mutation on a schema
            // without mutations).
            if !errors.contains(&e) {
                errors.push(e);
            }
        }
        return Refusal::with_errors(Code::GraphqlValidationFailed, errors).into_response(media);
    }
    // A variable whose value cannot be coerced to its type is a request error,
    // found before execution by the specification: no `data`.
    if response
        .errors
        .iter()
        .any(|e| e.message.starts_with("Failed to parse \""))
    {
        let errors = response
            .errors
            .iter()
            .filter(|e| e.message.starts_with("Failed to parse \""))
            .map(|e| {
                json!({
                    "message": format!("An argument or variable is not valid: {}", e.message),
                    "locations": e.locations,
                })
            })
            .collect();
        return Refusal::with_errors(Code::BadUserInput, errors).into_response(media);
    }
    // Field errors: every one carries a stable code for clients to branch on.
    for e in &mut response.errors {
        let ext = e.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            ext.set("code", Code::BadUserInput.as_str());
        }
    }
    let Ok(mut json) = serde_json::to_value(&response) else {
        return Refusal::new(Code::Internal, "internal error").into_response(media);
    };
    if let Some(doc) = &document {
        let op = operation_name.as_deref();
        api::nulls::propagate(doc, op, api::field_types(), &response.errors, &mut json);
    }
    let body = json.to_string();
    let mut response = (
        [(header::CONTENT_TYPE, HeaderValue::from_static(media))],
        body,
    )
        .into_response();
    response.extensions_mut().insert(FieldErrors);
    response.extensions_mut().insert(Executor::Reference);
    response
}

/// A successful answer's body, kept in the response cache when it is on.
fn keep(state: &AppState, key: Option<Key>, operation: Option<String>, body: Bytes) -> Answer {
    let mut answer = Answer::new(body);
    answer.operation = operation.map(Into::into);
    if let Some(key) = key {
        state.shared.cache.insert(key, answer.clone());
    }
    answer
}

/// A successful answer, marked with the executor that gave it. Over GET it
/// carries its entity tag and may be revalidated: a matching `If-None-Match`
/// gets 304 and no body.
fn answered(answer: &Answer, media: &'static str, via: &Via, executor: Executor) -> Response {
    let mut response = respond(answer, media, via);
    response.extensions_mut().insert(executor);
    response
}

/// An answer as it goes out, from the executor or the response cache.
fn respond(answer: &Answer, media: &'static str, via: &Via) -> Response {
    let Via::Get(if_none_match) = via else {
        return (
            [(header::CONTENT_TYPE, HeaderValue::from_static(media))],
            answer.body.clone(),
        )
            .into_response();
    };
    let headers = [
        (header::ETAG, answer.etag().clone()),
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
