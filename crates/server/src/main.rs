//! The `coopgraph` command: serves the GraphQL API, prints its schema and checks
//! datasets. It only wires the library crates together and owns the command line.

use std::path::PathBuf;
use std::process::ExitCode;

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
    /// Validate a dataset and list every problem as `file:line: message`.
    Check {
        /// The data directory.
        #[arg(long, env = "COOPGRAPH_DATA", default_value = "data")]
        data: PathBuf,
    },
}

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check { data }) => Ok(check(&data)),
        None => Ok(check(&PathBuf::from("data"))),
    }
}

fn check(dir: &std::path::Path) -> ExitCode {
    match coopgraph_data::load(dir) {
        Ok(store) => {
            let s = store.stats();
            println!(
                "{}: ok: {} organisations, {} programmes, {} projects, {} activities, {} contributions, {} countries",
                dir.display(),
                s.organisations,
                s.programmes,
                s.projects,
                s.activities,
                s.contributions,
                s.countries
            );
            ExitCode::SUCCESS
        }
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!("{}: {} problem(s)", dir.display(), problems.0.len());
            ExitCode::FAILURE
        }
    }
}
