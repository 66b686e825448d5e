//! The HTTP surface: GraphQL over HTTP at `/graphql`, the playground at `/`, and
//! the `/health` and `/ready` probes; with the limits that keep one client from
//! starving the others, and the [`Handle`] that swaps datasets and drains.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use coopgraph_data::{Problems, Store};
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::api::{self, CoopSchema};
use crate::cache::ResponseCache;
use crate::error::{Code, JSON, Refusal};

mod graphql;
mod metrics;
pub use metrics::Observing;
mod persisted;

/// The largest request body accepted, in bytes.
pub const MAX_BODY: usize = 1 << 20;

/// How much work the app takes on, and from which browser origins.
#[derive(Debug, Clone)]
pub struct Config {
    /// The most GraphQL requests run at once; more get a 503 at once.
    pub max_concurrent: usize,
    /// The longest a GraphQL request may run before it gets a 503.
    pub timeout: Duration,
    /// The bytes of answers the response cache keeps; 0 turns it off.
    pub cache_bytes: u64,
    /// The browser origins allowed to call the API (CORS), such as
    /// `https://dashboard.example.org`; none by default.
    pub cors_origins: Vec<HeaderValue>,
    /// Where a reload keeps its snapshot of the built store; none by default.
    pub snapshot: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_concurrent: 64,
            timeout: Duration::from_secs(10),
            cache_bytes: 64 << 20,
            cors_origins: Vec::new(),
            snapshot: None,
        }
    }
}

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
    plans: api::Plans,
    persisted: persisted::Persisted,
    ready: AtomicBool,
    permits: Semaphore,
    timeout: Duration,
    metrics: metrics::Metrics,
    snapshot: Option<PathBuf>,
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
        self.0
            .metrics
            .dataset(&current.store, current.version, None);
        // Under the lock, so no request can read the new version before the
        // clear; answers computed on the old one are keyed by its version.
        self.0.cache.clear();
    }

    /// Reads and checks the dataset in `dir` and swaps it in; a broken dataset is
    /// refused with its problems and the current one keeps serving. Blocks while
    /// loading: call it off the request path.
    pub fn reload(&self, dir: &Path) -> Result<Arc<Store>, Problems> {
        Ok(self.reload_reporting(dir, &())?.store)
    }

    /// [`Handle::reload`], reporting the load's progress to `progress`; from the
    /// snapshot of [`Config::snapshot`] when no file has changed.
    pub fn reload_reporting(
        &self,
        dir: &Path,
        progress: &dyn coopgraph_data::Progress,
    ) -> Result<crate::load::Loaded, Problems> {
        let started = std::time::Instant::now();
        let loaded = crate::load::load(dir, self.0.snapshot.as_deref(), progress)?;
        self.swap(loaded.store.clone());
        self.loaded_in(started.elapsed().as_secs_f64());
        Ok(loaded)
    }

    /// Records how long the dataset being served took to load, for `/metrics`.
    pub fn loaded_in(&self, seconds: f64) {
        let current = self.current();
        self.0
            .metrics
            .dataset(&current.store, current.version, Some(seconds));
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

/// The whole app: the router behind the layer every request goes through first
/// (request ids, counters, cached answers). Serve it with
/// `axum::serve(listener, app.into_make_service())` (`axum::ServiceExt`), or
/// call it as a tower service.
pub type App = Observing<Router>;

/// The whole app for a loaded dataset.
pub fn app(store: Arc<Store>) -> App {
    app_with_handle(store, Config::default()).0
}

/// The whole app for a loaded dataset, and the handle that controls it.
pub fn app_with_handle(store: Arc<Store>, config: Config) -> (App, Handle) {
    let shared = Arc::new(Shared {
        current: RwLock::new(Current { store, version: 0 }),
        cache: ResponseCache::new(config.cache_bytes),
        documents: api::Documents::default(),
        plans: api::Plans::default(),
        persisted: persisted::Persisted::default(),
        ready: AtomicBool::new(true),
        permits: Semaphore::new(config.max_concurrent),
        timeout: config.timeout,
        metrics: metrics::Metrics::new(),
        snapshot: config.snapshot.clone(),
    });
    {
        let current = Handle(shared.clone()).current();
        shared
            .metrics
            .dataset(&current.store, current.version, None);
    }
    let state = AppState {
        schema: api::schema(),
        shared: shared.clone(),
    };
    let graphql = get(graphql::get).post(graphql::post).fallback(|| async {
        Refusal::new(Code::MethodNotAllowed, "use GET or POST")
            .header(header::ALLOW, "GET, POST")
            .into_response(JSON)
    });
    let router = Router::new()
        .route("/graphql", graphql)
        .route("/", get(playground))
        .route("/assets/{file}", get(asset))
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics::metrics))
        .fallback(|| async {
            let message = "no such route; GraphQL is served at /graphql";
            Refusal::new(Code::NotFound, message).into_response(JSON)
        })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(CatchPanicLayer::custom(|_| {
            Refusal::new(Code::Internal, "internal error").into_response(JSON)
        }))
        .with_state(state.clone());
    let cors = cors(&config.cors_origins);
    let observe = metrics::Observe {
        state,
        cors: cors.is_some(),
    };
    let router = match cors {
        Some(layer) => router.layer(layer),
        None => router,
    };
    // Outermost, around the router rather than each of its routes: every
    // request, preflights included, carries an `x-request-id` back; GraphQL
    // requests are counted and logged, and cached ones answered before any
    // routing.
    (tower::Layer::layer(&observe, router), Handle(shared))
}

/// Answers preflights and marks answers for the allowed origins; `None` (no CORS
/// headers at all, so browsers on other origins are refused) when there are none.
fn cors(origins: &[HeaderValue]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins.iter().cloned()))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::AUTHORIZATION,
            header::IF_NONE_MATCH,
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("apollo-require-preflight"),
        ])
        .expose_headers([header::ETAG, HeaderName::from_static("x-request-id")])
        .max_age(Duration::from_secs(600));
    Some(layer)
}

async fn ready(State(state): State<AppState>) -> Response {
    if state.shared.ready.load(Ordering::SeqCst) {
        "ready".into_response()
    } else {
        Refusal::new(Code::Busy, "shutting down").into_response(JSON)
    }
}

async fn playground() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        include_str!("../../assets/index.html"),
    )
}

/// The playground's scripts and styles, served from the binary so that it works
/// with no internet access.
async fn asset(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (body, media): (&'static [u8], &str) = match file.as_str() {
        "graphiql.min.js" => (
            include_bytes!("../../assets/graphiql/graphiql.min.js"),
            "text/javascript",
        ),
        "graphiql.min.css" => (
            include_bytes!("../../assets/graphiql/graphiql.min.css"),
            "text/css",
        ),
        "react.production.min.js" => (
            include_bytes!("../../assets/graphiql/react.production.min.js"),
            "text/javascript",
        ),
        "react-dom.production.min.js" => (
            include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
            "text/javascript",
        ),
        _ => return Refusal::new(Code::NotFound, "no such asset").into_response(JSON),
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
