//! One module per subcommand; each opens what it needs and prints its result.

pub mod backup;
pub mod bench;
mod bench_dashboard;
mod demo_challenges;
pub mod eval;
pub mod export;
pub mod import;
pub mod loadtest;
pub mod matching;
pub mod org;
pub mod report;
pub mod search;
pub mod serve;
pub mod status;
mod synth;
pub mod user;
pub mod worker;

use std::process::ExitCode;

use crate::app::App;
use crate::cli::{Cli, Command};

/// Runs a parsed command line.
///
/// # Errors
/// Whatever the command fails with; the caller prints it.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let global = cli.global;
    // Commands that build their own throw-away platform do not touch the data directory.
    match cli.command {
        Command::Eval(args) => return eval::run(args).await,
        Command::Bench(args) => return bench::run(args).await,
        // The worker needs the database only (see `worker::run`).
        Command::Worker(args) => {
            return worker::run(&global.data_dir, global.database_url.as_deref(), args).await;
        }
        // A backup reads the database only; a restore replaces it, so neither opens the
        // platform (which would catch the index up to the database being replaced).
        // The load test builds and serves its own platform.
        Command::Loadtest(args) => {
            return loadtest::run(&global.data_dir, global.database_url.as_deref(), args).await;
        }
        Command::Backup(args) => {
            return backup::backup(&global.data_dir, global.database_url.as_deref(), args).await;
        }
        Command::Restore(args) => {
            return backup::restore(&global.data_dir, global.database_url.as_deref(), args).await;
        }
        _ => {}
    }
    let app = App::open(&global.data_dir, global.database_url.as_deref()).await?;
    match cli.command {
        Command::Serve(args) => serve::run(app, args).await,
        Command::Import {
            list,
            file,
            json,
            map,
        } => import::run(&app, list, &file, json, &map).await,
        Command::Export(args) => export::run(&app, args).await,
        Command::Report(args) => report::run(&app, args).await,
        Command::Match(args) => matching::run(&app, args).await,
        Command::Search(args) => search::run(&app, args).await,
        Command::Reindex => {
            let seq = app.index.rebuild(&app.db).await?;
            println!(
                "reindexed: {} needs, {} achievements (change log position {seq})",
                app.index.count(techmatch_core::posting::PostingKind::Need),
                app.index
                    .count(techmatch_core::posting::PostingKind::Achievement)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Status(args) => status::run(&app, args).await,
        Command::Org(command) => org::run(&app, command).await,
        Command::User(command) => user::run(&app, command).await,
        Command::Eval(_)
        | Command::Bench(_)
        | Command::Worker(_)
        | Command::Backup(_)
        | Command::Loadtest(_)
        | Command::Restore(_) => Ok(ExitCode::SUCCESS),
    }
}
