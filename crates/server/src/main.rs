//! The `coopgraph` command: serves the GraphQL API, prints its schema and checks
//! datasets. It only wires the library crates together and owns the command line.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use coopgraph::load::Origin;

/// coopgraph: development-cooperation funding data over GraphQL.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the GraphQL API and the playground (the default command).
    Serve(ServeArgs),
    /// Print the schema in GraphQL SDL.
    Schema,
    /// Write a synthetic dataset with the real data's shape, for benchmarks.
    Generate {
        /// About how many activities it holds.
        #[arg(long)]
        activities: usize,
        /// The directory to write it to (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// The seed: the same seed and size write the same files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// TOML files of the dataset's own shape, or IATI activity files in
        /// `iati/` (where an activity is an IATI activity: a project or programme).
        #[arg(long, value_enum, default_value_t = Format::Toml)]
        format: Format,
    },
    /// Write a dataset in another format.
    #[command(subcommand)]
    Export(Export),
    /// Validate a dataset and list every problem as `file:line: message`.
    Check {
        /// The data directory.
        #[arg(long, env = "COOPGRAPH_DATA", default_value = "data")]
        data: PathBuf,
    },
}

/// How log lines are written.
#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    /// One readable line each.
    Text,
    /// One JSON object each, with every field apart.
    Json,
}

/// The files `generate` writes.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    /// The dataset's TOML files.
    Toml,
    /// IATI 2.03 activity files.
    Iati,
}

#[derive(Subcommand)]
enum Export {
    /// The whole dataset as one IATI 2.03 activity file: programmes as parent
    /// activities, projects below them, contributions as their transactions.
    Iati {
        /// The data directory.
        #[arg(long, env = "COOPGRAPH_DATA", default_value = "data")]
        data: PathBuf,
        /// The file to write; standard output when left out.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The slug of the organisation publishing the records not read from IATI
        /// files; by default the one with an IATI identifier in the most records.
        #[arg(long)]
        reporting_org: Option<String>,
    },
}

#[derive(Parser)]
struct ServeArgs {
    /// The data directory.
    #[arg(long, env = "COOPGRAPH_DATA", default_value = "data")]
    data: PathBuf,
    /// The address to listen on.
    #[arg(long, env = "COOPGRAPH_LISTEN", default_value = "127.0.0.1:8000")]
    listen: SocketAddr,
    /// Megabytes of answers the response cache keeps; 0 turns it off.
    #[arg(long, env = "COOPGRAPH_CACHE_MB", default_value_t = 64)]
    cache_mb: u64,
    /// Seconds to keep taking requests after SIGTERM while `/ready` answers 503, so
    /// that load balancers take the replica out first; SIGINT skips it.
    #[arg(long, env = "COOPGRAPH_DRAIN_DELAY", default_value_t = 5.0)]
    drain_delay: f64,
    /// How log lines are written: `text` for people, `json` for log collectors.
    #[arg(long, env = "COOPGRAPH_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// A browser origin allowed to call the API from another site (CORS), such as
    /// `https://dashboard.example.org`; repeatable, none by default.
    #[arg(
        long = "cors-origin",
        env = "COOPGRAPH_CORS_ORIGINS",
        value_delimiter = ','
    )]
    cors_origins: Vec<String>,
    /// Where to keep a snapshot of the built store, so that a restart on
    /// unchanged files skips reading them; by default `.coopgraph-snapshot` in
    /// the data directory. Keep it out of the data directory or give it a name
    /// starting with `.`: every other file there is part of the data.
    #[arg(long, env = "COOPGRAPH_SNAPSHOT")]
    snapshot: Option<PathBuf>,
    /// Never read or write a snapshot: always load from the files.
    #[arg(long, env = "COOPGRAPH_NO_SNAPSHOT", conflicts_with = "snapshot")]
    no_snapshot: bool,
}

/// mimalloc: loading frees on one thread what another allocated, and answering
/// allocates many small values; both are faster than with the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (`mimalloc.h`), which `libmimalloc-sys`
/// does not name.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Gives memory the program frees back to the system after 100 ms rather than
/// mimalloc's second, unless `MIMALLOC_PURGE_DELAY` says otherwise: loading
/// frees its parsed batches as it goes, and with the longer delay they are
/// still resident when memory peaks.
#[allow(unsafe_code)]
fn purge_freed_memory_soon() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one of mimalloc's options, an integer it reads whenever
        // it schedules a purge; no memory is touched and any value is valid.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 100) };
    }
}

fn main() -> anyhow::Result<ExitCode> {
    purge_freed_memory_soon();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Schema) => {
            print!("{}", coopgraph::api::sdl());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check { data }) => Ok(check(&data)),
        Some(Command::Export(Export::Iati {
            data,
            out,
            reporting_org,
        })) => export_iati(&data, out.as_deref(), reporting_org.as_deref()),
        Some(Command::Generate {
            activities,
            out,
            seed,
            format,
        }) => {
            std::fs::create_dir_all(&out)
                .with_context(|| format!("cannot create {}", out.display()))?;
            let written = match format {
                Format::Toml => coopgraph_data::generate(activities, seed, &out)
                    .map(|shape| format!("{shape:?}")),
                Format::Iati => coopgraph_iati::generate(activities, seed, &out)
                    .map(|files| format!("{activities} IATI activities in {files} file(s)")),
            };
            let written = written.with_context(|| format!("cannot write to {}", out.display()))?;
            println!("{}: {written}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Serve(args)) => serve(args),
        None => serve(ServeArgs::parse_from(["coopgraph"])),
    }
}

/// A progress bar on standard error, drawn only when it is a terminal.
struct Bar {
    bar: indicatif::ProgressBar,
    records: std::sync::atomic::AtomicU64,
}

impl Bar {
    fn new() -> Self {
        let bar = indicatif::ProgressBar::new(0);
        let style = indicatif::ProgressStyle::with_template(
            "{elapsed:>4} [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        Self {
            bar,
            records: Default::default(),
        }
    }
}

impl coopgraph_data::Progress for Bar {
    fn start(&self, bytes: u64) {
        self.bar.set_length(bytes);
    }

    fn advance(&self, bytes: u64, records: u64) {
        use std::sync::atomic::Ordering::Relaxed;
        let n = self.records.fetch_add(records, Relaxed) + records;
        self.bar.set_message(format!("{n} records"));
        self.bar.inc(bytes);
    }
}

/// Progress as log lines, one every few seconds, and a summary when done.
struct LogProgress {
    started: std::time::Instant,
    total: std::sync::atomic::AtomicU64,
    read: std::sync::atomic::AtomicU64,
    records: std::sync::atomic::AtomicU64,
    last: std::sync::Mutex<std::time::Instant>,
}

impl LogProgress {
    /// How often a line is logged while loading.
    const EVERY: std::time::Duration = std::time::Duration::from_secs(2);

    fn new() -> Self {
        let now = std::time::Instant::now();
        Self {
            started: now,
            total: Default::default(),
            read: Default::default(),
            records: Default::default(),
            last: std::sync::Mutex::new(now),
        }
    }

    /// "240.0 MB in 3.8 s (64.2 MB/s), 410240 records".
    fn line(&self) -> String {
        use std::sync::atomic::Ordering::Relaxed;
        let mb = self.read.load(Relaxed) as f64 / 1e6;
        let secs = self.started.elapsed().as_secs_f64();
        let records = self.records.load(Relaxed);
        format!(
            "{mb:.1} MB in {secs:.1} s ({:.1} MB/s), {records} records",
            mb / secs.max(1e-9)
        )
    }
}

impl coopgraph_data::Progress for LogProgress {
    fn start(&self, bytes: u64) {
        self.total
            .store(bytes, std::sync::atomic::Ordering::Relaxed);
    }

    fn advance(&self, bytes: u64, records: u64) {
        use std::sync::atomic::Ordering::Relaxed;
        let read = self.read.fetch_add(bytes, Relaxed) + bytes;
        self.records.fetch_add(records, Relaxed);
        let Ok(mut last) = self.last.try_lock() else {
            return;
        };
        if last.elapsed() >= Self::EVERY {
            *last = std::time::Instant::now();
            let total = self.total.load(Relaxed).max(1);
            let percent = read.saturating_mul(100) / total;
            tracing::info!("loading: {percent}% read, {}", self.line());
        }
    }
}

fn check(dir: &Path) -> ExitCode {
    let bar = Bar::new();
    let loaded = coopgraph_iati::load_reporting(dir, &bar);
    bar.bar.finish_and_clear();
    match loaded {
        Ok(store) => {
            for warning in store.warnings() {
                eprintln!("{warning}");
            }
            let warnings = match store.warnings().len() {
                0 => String::new(),
                n => format!(" ({n} warning(s): what they name was dropped)"),
            };
            println!("{}: ok: {}{warnings}", dir.display(), summary(&store));
            ExitCode::SUCCESS
        }
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!("{}: {}", dir.display(), count(&problems));
            ExitCode::FAILURE
        }
    }
}

fn export_iati(
    dir: &Path,
    out: Option<&Path>,
    reporting: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let store = match coopgraph_iati::load(dir) {
        Ok(store) => store,
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!("{}: {}; nothing exported", dir.display(), count(&problems));
            return Ok(ExitCode::FAILURE);
        }
    };
    let today = today();
    let exported = match out {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            coopgraph_iati::export(&store, reporting, today, &mut w)?
        }
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            coopgraph_iati::export(&store, reporting, today, &mut w)?
        }
    };
    eprintln!(
        "exported {} programme(s) and {} project(s) with {} transaction(s); {} contribution(s) left out (paid to an organisation outside any activity, or without an amount)",
        exported.programmes, exported.projects, exported.transactions, exported.left_out
    );
    Ok(ExitCode::SUCCESS)
}

/// Today's date in UTC.
fn today() -> coopgraph_model::PartialDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Days to a civil date (Howard Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    coopgraph_model::PartialDate::parse(&format!("{year:04}-{month:02}-{day:02}"))
        .expect("a civil date is a valid date")
}

/// "3 error(s), 2 warning(s)".
fn count(problems: &coopgraph_data::Problems) -> String {
    let errors = problems.0.iter().filter(|p| p.is_error()).count();
    let warnings = problems.0.len() - errors;
    format!("{errors} error(s), {warnings} warning(s)")
}

/// The most warnings written to the log at start or reload; `check` lists all.
const LOGGED_WARNINGS: usize = 100;

/// Logs what loading dropped, up to [`LOGGED_WARNINGS`] lines.
fn log_warnings(store: &coopgraph_data::Store) {
    let warnings = store.warnings();
    for w in warnings.iter().take(LOGGED_WARNINGS) {
        tracing::warn!("{w}");
    }
    if warnings.len() > LOGGED_WARNINGS {
        let more = warnings.len() - LOGGED_WARNINGS;
        tracing::warn!("… and {more} more warning(s); `coopgraph check` lists them all");
    }
}

fn summary(store: &coopgraph_data::Store) -> String {
    let s = store.stats();
    format!(
        "{} organisations, {} programmes, {} projects, {} activities, {} contributions, {} countries",
        s.organisations, s.programmes, s.projects, s.activities, s.contributions, s.countries
    )
}

#[tokio::main]
async fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match args.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    let mut cors_origins = Vec::new();
    for origin in &args.cors_origins {
        let valid = origin.starts_with("http://") || origin.starts_with("https://");
        match axum::http::HeaderValue::from_str(origin.trim_end_matches('/')) {
            Ok(v) if valid => cors_origins.push(v),
            _ => anyhow::bail!(
                "--cors-origin `{origin}`: expected an origin such as https://dashboard.example.org"
            ),
        }
    }
    let progress = LogProgress::new();
    let snapshot = (!args.no_snapshot)
        .then(|| (args.snapshot.clone()).unwrap_or_else(|| args.data.join(".coopgraph-snapshot")));
    let loaded = coopgraph::load::load(&args.data, snapshot.as_deref(), &progress);
    let (store, origin) = match loaded {
        Ok(loaded) => (loaded.store, loaded.origin),
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!("{}: {}; not serving", args.data.display(), count(&problems));
            return Ok(ExitCode::FAILURE);
        }
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let loaded = match origin {
        Origin::Files => progress.line(),
        Origin::Snapshot => format!(
            "from its snapshot in {:.2} s",
            progress.started.elapsed().as_secs_f64()
        ),
    };
    tracing::info!(
        "coopgraph listening on http://{}, serving {} ({}; loaded {loaded})",
        listener.local_addr()?,
        args.data.display(),
        summary(&store),
    );
    log_warnings(&store);
    let config = coopgraph::http::Config {
        cache_bytes: args.cache_mb << 20,
        cors_origins,
        snapshot,
        ..Default::default()
    };
    let (app, handle) = coopgraph::http::app_with_handle(store, config);
    handle.loaded_in(progress.started.elapsed().as_secs_f64());
    #[cfg(unix)]
    tokio::spawn(reload_on_hangup(handle.clone(), args.data.clone()));

    // On SIGTERM: `/ready` answers 503 at once while requests are still taken for
    // the drain delay, so that load balancers take the replica out; then no new
    // connection is taken, requests under way finish, and the process exits 0 at
    // the latest DRAIN later. SIGINT (Ctrl-C) skips the delay.
    let (stopping, mut stopped) = tokio::sync::watch::channel(false);
    let drain_delay = std::time::Duration::from_secs_f64(args.drain_delay.max(0.0));
    let shutdown = async move {
        let signal = shutdown_signal().await;
        handle.set_ready(false);
        if signal == Signal::Terminate && !drain_delay.is_zero() {
            tracing::info!(
                "draining: /ready answers 503; taking requests for {drain_delay:?} more"
            );
            tokio::time::sleep(drain_delay).await;
        }
        tracing::info!("no longer taking connections; finishing requests under way");
        let _ = stopping.send(true);
    };
    let server = axum::serve(listener, axum::ServiceExt::into_make_service(app))
        .with_graceful_shutdown(shutdown);
    let deadline = async move {
        let _ = stopped.wait_for(|s| *s).await;
        tokio::time::sleep(DRAIN).await;
    };
    tokio::select! {
        result = server => result.context("server failed")?,
        () = deadline => tracing::warn!("requests still running after {DRAIN:?}; exiting"),
    }
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// How long requests under way may run on after a shutdown signal.
const DRAIN: std::time::Duration = std::time::Duration::from_secs(15);

/// Re-reads the data directory on every SIGHUP, off the request path; a broken
/// dataset is refused with its problems logged, and the current one keeps serving.
#[cfg(unix)]
async fn reload_on_hangup(handle: coopgraph::http::Handle, dir: PathBuf) {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut hangups) = signal(SignalKind::hangup()) else {
        tracing::warn!("cannot listen for SIGHUP; reloading is off");
        return;
    };
    while hangups.recv().await.is_some() {
        let (h, d) = (handle.clone(), dir.clone());
        let result = tokio::task::spawn_blocking(move || {
            let progress = LogProgress::new();
            h.reload_reporting(&d, &progress).map(|l| {
                let line = match l.origin {
                    Origin::Files => progress.line(),
                    Origin::Snapshot => "from its snapshot".to_owned(),
                };
                (l.store, line)
            })
        })
        .await;
        match result {
            Ok(Ok((store, loaded))) => {
                log_warnings(&store);
                let summary = summary(&store);
                tracing::info!("reloaded {}: {summary}; loaded {loaded}", dir.display());
            }
            Ok(Err(problems)) => {
                tracing::error!("reload refused; still serving the previous dataset:\n{problems}")
            }
            Err(e) => tracing::error!("reload failed: {e}"),
        }
    }
}

/// The signal that stops the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signal {
    /// SIGINT, a developer's Ctrl-C: stop without a drain delay.
    Interrupt,
    /// SIGTERM, an orchestrator's stop: drain first.
    Terminate,
}

/// Resolves on SIGINT or SIGTERM, saying which.
async fn shutdown_signal() -> Signal {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    let signal = tokio::select! {
        () = ctrl_c => Signal::Interrupt,
        () = term => Signal::Terminate,
    };
    tracing::info!("shutting down ({signal:?})");
    signal
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option set at start is mimalloc's purge delay: read before it is set
    /// (as `MIMALLOC_PURGE_DELAY` would leave it), it holds that option's
    /// default, a second.
    #[test]
    #[allow(unsafe_code)]
    fn the_option_set_at_start_is_the_purge_delay() {
        // SAFETY: reads one of mimalloc's integer options.
        let default = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(default, 1000, "(run without MIMALLOC_PURGE_DELAY set)");
        purge_freed_memory_soon();
        // SAFETY: as above.
        let now = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(now, 100);
    }
}
