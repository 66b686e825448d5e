//! `GET /metrics` in the Prometheus text format (prometheus-client): GraphQL
//! requests by operation name and outcome, their latency, response-cache hits
//! and misses, requests in flight, and the loaded dataset's records, version and
//! load time. Handlers mark their answers ([`Observed`]); one middleware counts.

use std::collections::HashSet;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use coopgraph_data::Store;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use super::graphql::{Executor, cached_post};
use super::{AppState, MAX_BODY};
use crate::error::{Code, JSON, Refusal};

/// The most distinct operation names counted apart; later ones count as `other`,
/// so that clients cannot grow the series without bound.
const MAX_OPERATIONS: usize = 100;

/// What a handler says of its answer, for the counters.
#[derive(Clone, Debug, Default)]
pub(crate) struct Observed {
    /// The operation's name, where the request gave one.
    pub operation: Option<Arc<str>>,
    /// Whether the response cache answered.
    pub cache_hit: Option<bool>,
    /// Whether the answer carries field errors.
    pub field_errors: bool,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    operation: Arc<str>,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ExecutorLabels {
    executor: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RecordLabels {
    r#type: String,
}

/// The app's metrics.
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    executions: Family<ExecutorLabels, Counter>,
    latency: Histogram,
    cache_hits: Counter,
    cache_misses: Counter,
    in_flight: Gauge,
    records: Family<RecordLabels, Gauge>,
    version: Gauge,
    load_seconds: Gauge<f64, AtomicU64>,
    operations: Mutex<HashSet<Arc<str>>>,
    anonymous: Arc<str>,
    other: Arc<str>,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("coopgraph");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "graphql_requests",
            "GraphQL requests by operation name and outcome (ok, field_errors, not_modified, refused, busy, timeout, internal)",
            requests.clone(),
        );
        let executions = Family::<ExecutorLabels, Counter>::default();
        registry.register(
            "graphql_executions",
            "GraphQL operations executed, by executor: a compiled plan, or async-graphql's reference executor for what the planner does not cover",
            executions.clone(),
        );
        let latency = Histogram::new(exponential_buckets(0.000_1, 2.0, 18));
        registry.register(
            "graphql_request_duration_seconds",
            "Time from a GraphQL request's arrival to its answer",
            latency.clone(),
        );
        let cache_hits = Counter::default();
        registry.register(
            "response_cache_hits",
            "Answers the response cache gave",
            cache_hits.clone(),
        );
        let cache_misses = Counter::default();
        registry.register(
            "response_cache_misses",
            "Queries the response cache did not have",
            cache_misses.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "graphql_requests_in_flight",
            "GraphQL requests being answered",
            in_flight.clone(),
        );
        let records = Family::<RecordLabels, Gauge>::default();
        registry.register(
            "dataset_records",
            "Records of the dataset being served, by type",
            records.clone(),
        );
        let version = Gauge::default();
        registry.register(
            "dataset_version",
            "The dataset's version: 0 at start, one more at each reload",
            version.clone(),
        );
        let load_seconds = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "dataset_load_seconds",
            "How long the dataset being served took to load",
            load_seconds.clone(),
        );
        Self {
            registry,
            requests,
            executions,
            latency,
            cache_hits,
            cache_misses,
            in_flight,
            records,
            version,
            load_seconds,
            operations: Mutex::new(HashSet::new()),
            anonymous: Arc::from("(anonymous)"),
            other: Arc::from("(other)"),
        }
    }

    /// Records the dataset now served.
    pub fn dataset(&self, store: &Store, version: u64, load_seconds: Option<f64>) {
        let s = store.stats();
        for (t, n) in [
            ("organisation", s.organisations),
            ("programme", s.programmes),
            ("project", s.projects),
            ("activity", s.activities),
            ("contribution", s.contributions),
        ] {
            let labels = RecordLabels {
                r#type: t.to_owned(),
            };
            self.records.get_or_create(&labels).set(n as i64);
        }
        self.version.set(version as i64);
        if let Some(secs) = load_seconds {
            self.load_seconds.set(secs);
        }
    }

    /// The label for an operation name, bounded.
    fn operation(&self, name: Option<&str>) -> Arc<str> {
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            return self.anonymous.clone();
        };
        let mut seen = self.operations.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = seen.get(name) {
            return known.clone();
        }
        if seen.len() < MAX_OPERATIONS {
            let name: Arc<str> = Arc::from(name);
            seen.insert(name.clone());
            return name;
        }
        self.other.clone()
    }

    /// The text the Prometheus scraper reads.
    fn encode(&self) -> String {
        let mut out = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The header that carries a request's id.
const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Around every request: gives it an `x-request-id` (the client's, else a new
/// UUID) that its answer carries back, and counts and logs every request to
/// `/graphql` once its answer is ready. A `POST /graphql` the response cache
/// can answer is answered here, before the method router, the body limit and
/// the handler's extractors: a cached answer costs little more than the copy.
/// One layer rather than one per concern: each costs every request.
#[derive(Clone)]
pub(crate) struct Observe {
    pub state: AppState,
    /// Whether CORS headers are added: then every request takes the whole path.
    pub cors: bool,
}

impl<S> tower::Layer<S> for Observe {
    type Service = Observing<S>;

    fn layer(&self, inner: S) -> Observing<S> {
        Observing {
            inner,
            observe: self.clone(),
        }
    }
}

/// A service behind the layer that gives every request its id, counts and logs
/// GraphQL requests, and answers those the response cache holds.
#[derive(Clone)]
pub struct Observing<S> {
    inner: S,
    observe: Observe,
}

impl<S> tower::Service<Request> for Observing<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // The clone is ready for the next request; this one takes the ready one.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let observe = self.observe.clone();
        Box::pin(async move { Ok(observe.around(request, inner).await) })
    }
}

impl Observe {
    async fn around<S>(self, request: Request, mut inner: S) -> Response
    where
        S: tower::Service<Request, Response = Response, Error = Infallible>,
    {
        let request_id = match request.headers().get(&X_REQUEST_ID) {
            Some(id) => id.clone(),
            None => {
                let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
                let text = uuid::Uuid::new_v4().hyphenated().encode_lower(&mut text);
                HeaderValue::from_str(text).expect("a UUID is a valid header value")
            }
        };
        // CORS preflights are answered before any GraphQL runs: not counted.
        if request.uri().path() != "/graphql" || request.method() == axum::http::Method::OPTIONS {
            let mut response = call(&mut inner, request).await;
            response.headers_mut().insert(X_REQUEST_ID, request_id);
            return response;
        }
        let m = &self.state.shared.metrics;
        let started = Instant::now();
        m.in_flight.inc();
        let mut response = match self.read_cached(request).await {
            Ok(hit) => hit,
            Err(request) => call(&mut inner, request).await,
        };
        m.in_flight.dec();
        m.latency.observe(started.elapsed().as_secs_f64());
        count(m, &response, &request_id, started);
        response.headers_mut().insert(X_REQUEST_ID, request_id);
        response
    }

    /// The cached answer to a `POST` whose body states its length, or the
    /// request to pass on (its body read, when it was).
    async fn read_cached(&self, request: Request) -> Result<Response, Request> {
        let length = request.headers().get(header::CONTENT_LENGTH);
        let length = length.and_then(|l| l.to_str().ok()?.parse::<usize>().ok());
        let cache_on = self.state.shared.cache.enabled();
        if self.cors || !cache_on || request.method() != axum::http::Method::POST {
            return Err(request);
        }
        if length.is_none_or(|l| l > MAX_BODY) {
            return Err(request);
        }
        let (parts, body) = request.into_parts();
        let body = match axum::body::to_bytes(body, MAX_BODY).await {
            Ok(body) => body,
            Err(e) => {
                let message = format!("cannot read the request body: {e}");
                return Ok(Refusal::new(Code::BadRequest, message).into_response(JSON));
            }
        };
        match cached_post(&self.state, &parts.headers, &body) {
            Some(hit) => Ok(hit),
            None => Err(Request::from_parts(parts, Body::from(body))),
        }
    }
}

async fn call<S>(inner: &mut S, request: Request) -> Response
where
    S: tower::Service<Request, Response = Response, Error = Infallible>,
{
    match inner.call(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// Counts and logs a GraphQL request once its answer is ready.
fn count(m: &Metrics, response: &Response, request_id: &HeaderValue, started: Instant) {
    let observed = response.extensions().get::<Observed>();
    let observed = observed.cloned().unwrap_or_default();
    match observed.cache_hit {
        Some(true) => m.cache_hits.inc(),
        Some(false) => m.cache_misses.inc(),
        None => 0,
    };
    let outcome = match (response.extensions().get::<Code>(), response.status()) {
        (Some(Code::Busy), _) => "busy",
        (Some(Code::Timeout), _) => "timeout",
        (Some(Code::Internal), _) => "internal",
        (Some(_), _) => "refused",
        (None, StatusCode::NOT_MODIFIED) => "not_modified",
        (None, s) if s.is_success() && observed.field_errors => "field_errors",
        (None, s) if s.is_success() => "ok",
        (None, s) if s.is_client_error() => "refused",
        (None, _) => "internal",
    };
    let labels = RequestLabels {
        operation: m.operation(observed.operation.as_deref()),
        outcome,
    };
    m.requests.get_or_create(&labels).inc();
    let executor = response.extensions().get::<Executor>().map(|e| e.as_str());
    if let Some(executor) = executor {
        let labels = ExecutorLabels { executor };
        m.executions.get_or_create(&labels).inc();
    }
    tracing::info!(
        target: "coopgraph::request",
        request_id = request_id.to_str().unwrap_or(""),
        operation = observed.operation.as_deref().unwrap_or(""),
        status = response.status().as_u16(),
        outcome,
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        executor = executor.unwrap_or(""),
        cache = match observed.cache_hit {
            Some(true) => "hit",
            Some(false) => "miss",
            None => "off",
        },
        "graphql request"
    );
}

/// `GET /metrics`.
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.shared.metrics.encode(),
    )
        .into_response()
}
