//! The `coopgraph` command: serves the GraphQL API, prints its schema and checks
//! datasets. It only wires the library crates together and owns the command line.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

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
    /// Validate a dataset and list every problem as `file:line: message`.
    Check {
        /// The data directory.
        #[arg(long, env = "COOPGRAPH_DATA", default_value = "data")]
        data: PathBuf,
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
}

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Schema) => {
            print!("{}", coopgraph::api::sdl());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check { data }) => Ok(check(&data)),
        Some(Command::Serve(args)) => serve(args),
        None => serve(ServeArgs::parse_from(["coopgraph"])),
    }
}

fn check(dir: &Path) -> ExitCode {
    match coopgraph_data::load(dir) {
        Ok(store) => {
            println!("{}: ok: {}", dir.display(), summary(&store));
            ExitCode::SUCCESS
        }
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!("{}: {} problem(s)", dir.display(), problems.0.len());
            ExitCode::FAILURE
        }
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
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let store = match coopgraph_data::load(&args.data) {
        Ok(store) => Arc::new(store),
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!(
                "{}: {} problem(s); not serving",
                args.data.display(),
                problems.0.len()
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    tracing::info!(
        "coopgraph listening on http://{}, serving {} ({})",
        listener.local_addr()?,
        args.data.display(),
        summary(&store)
    );
    axum::serve(listener, coopgraph::http::app(store))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server failed")?;
    Ok(ExitCode::SUCCESS)
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
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
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down");
}
