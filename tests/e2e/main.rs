//! End-to-end tests: the real app on a free port, driven over HTTP, its answers
//! compared with reviewed snapshots (`UPDATE_EXPECT=1 cargo test` rewrites them).

// Whole responses to representative queries, against snapshots.
mod queries;
// Paging forwards and backwards with cursors, and `node` round trips.
mod paging;

mod differential;
// Bad requests and bad arguments: what the client gets back.
mod errors;
// The graphql-http audit suite, run by Node against the live app.
mod audit;
// Hostile requests: each is refused and the server keeps serving.
mod hostile;
// Properties: any request gets a bounded JSON answer, never a panic.
mod properties;
// Reloading the dataset under load, and the process's signals.
mod reload;
// The schema: the committed SDL, descriptions, batched resolution.
mod schema;
// The response cache and HTTP revalidation with entity tags.
mod cache;
// A dataset of IATI files, served and reloaded.
mod iati;
// Browsers on other origins (CORS).
mod cors;
// The Prometheus metrics.
mod metrics;
// Request ids and structured logs.
mod logs;
// Automatic persisted queries.
mod persisted;
// Request errors, syntax errors and batches as clients expect them.
mod spec;
// Composing coopgraph as a federation subgraph, with a real composition library.
mod federation;
// Real clients: graphql-js, Apollo Client, urql.
mod clients;
// The playground in headless Chromium.
mod playground;
// TypeScript types generated for the README's queries.
mod codegen;
// A federation gateway process in front of coopgraph.
mod gateway;
// Restarts from the snapshot of the built store.
mod snapshot;

use std::sync::{Arc, OnceLock};

use coopgraph_data::Store;
use serde_json::{Value, json};

/// The real dataset, loaded once for all tests.
pub fn store() -> Arc<Store> {
    static STORE: OnceLock<Arc<Store>> = OnceLock::new();
    STORE
        .get_or_init(|| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
            Arc::new(coopgraph_data::load(&dir).unwrap_or_else(|p| panic!("{p}")))
        })
        .clone()
}

/// The app, serving the real dataset on a free port of the loopback.
pub struct App {
    /// Where it listens, such as `http://127.0.0.1:40123`.
    pub url: String,
    /// A client to send it requests.
    pub client: reqwest::Client,
}

/// What came back: status, content type and the JSON body.
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: String,
    /// The body, which must be JSON.
    pub body: Value,
}

/// Starts the app on a free port and returns how to reach it.
pub async fn spawn_app() -> App {
    spawn_with(coopgraph::http::Config::default()).await.0
}

/// Starts the app with `config` on a free port; returns how to reach it and
/// the handle that swaps its dataset.
pub async fn spawn_with(config: coopgraph::http::Config) -> (App, coopgraph::http::Handle) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (router, handle) = coopgraph::http::app_with_handle(store(), config);
    tokio::spawn(async move {
        axum::serve(listener, axum::ServiceExt::into_make_service(router))
            .await
            .unwrap()
    });
    let app = App {
        url,
        client: reqwest::Client::new(),
    };
    (app, handle)
}

impl App {
    /// POSTs a GraphQL request as JSON.
    pub async fn post(&self, body: Value) -> Reply {
        let r = self
            .client
            .post(format!("{}/graphql", self.url))
            .header(
                "accept",
                "application/graphql-response+json, application/json",
            )
            .json(&body)
            .send()
            .await
            .unwrap();
        differential::check(&body).await;
        Reply::read(r).await
    }

    /// The text of `GET /metrics`.
    pub async fn metrics(&self) -> String {
        let r = self.client.get(format!("{}/metrics", self.url)).send();
        r.await.unwrap().text().await.unwrap()
    }

    /// Runs a query that must succeed, and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let reply = self
            .post(json!({ "query": query, "variables": variables }))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert!(reply.body.get("errors").is_none(), "{}", reply.body);
        reply.body["data"].clone()
    }
}

impl Reply {
    /// Reads a response, which must have a JSON body.
    pub async fn read(r: reqwest::Response) -> Self {
        let status = r.status().as_u16();
        let content_type = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = r.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
        Self {
            status,
            content_type,
            body,
        }
    }
}

/// The Node.js package in `tests/<dir>`, its pinned dependencies installed on
/// first use (`npm ci`), and a way to run its scripts.
pub struct NodeTool(std::path::PathBuf);

impl NodeTool {
    /// The package in `tests/<dir>`, installed unless `node_modules/<marker>` is there.
    pub fn new(dir: &str, marker: &str) -> Self {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests")
            .join(dir);
        if !path.join("node_modules").join(marker).exists() {
            let status = std::process::Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--silent"])
                .current_dir(&path)
                .status()
                .unwrap_or_else(|e| panic!("tests/{dir} needs Node.js and npm on the PATH: {e}"));
            assert!(status.success(), "npm ci in tests/{dir} failed");
        }
        Self(path)
    }

    /// Runs `node <script> <args…>` off the async runtime; returns its standard
    /// output, after asserting it succeeded (with both outputs in the message).
    pub async fn run(&self, script: &str, args: Vec<String>) -> String {
        let mut command = std::process::Command::new("node");
        command.arg(script).args(args).current_dir(&self.0);
        let output = tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    }
}

/// `coopgraph serve` on a free port, killed when dropped: its log lines after the
/// one that says where it listens, and that address.
pub struct Served {
    /// The process.
    pub child: Killed,
    /// Its standard output, line by line.
    pub log: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
    /// Where it listens, such as `127.0.0.1:40123`.
    pub addr: String,
    /// The log line that says where it listens and what it loaded.
    pub listening: String,
}

/// Starts the binary serving `data`, with `args` after `serve`.
pub fn serve_binary(data: &std::path::Path, args: &[&str]) -> Served {
    let mut served = serve_binary_logging(data, args);
    let line = loop {
        let line = served
            .log
            .next()
            .expect("the server stopped before it listened")
            .unwrap();
        if line.contains("listening on http://") {
            break line;
        }
    };
    let addr = line.split("http://").nth(1).unwrap().split(',').next();
    served.addr = addr.unwrap().to_owned();
    served.listening = line;
    served
}

/// Starts the binary serving `data`, with `args` after `serve`, without waiting
/// for it to listen: its log from the first line, and no address yet.
pub fn serve_binary_logging(data: &std::path::Path, args: &[&str]) -> Served {
    use std::io::BufRead;
    let mut child = Killed(
        std::process::Command::new(env!("CARGO_BIN_EXE_coopgraph"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .arg("--data")
            .arg(data)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let log = std::io::BufReader::new(child.0.stdout.take().unwrap()).lines();
    Served {
        child,
        log,
        addr: String::new(),
        listening: String::new(),
    }
}

/// A child process killed when dropped, so that a failing test does not leave a
/// server running (holding the test runner's output open).
pub struct Killed(pub std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Pretty JSON, for snapshots.
pub fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap() + "\n"
}
