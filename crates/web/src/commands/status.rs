//! `techmatch status`: what the database holds and whether the index reflects it.

use std::process::ExitCode;

use serde_json::json;
use techmatch_core::posting::{PostingKind, Status};
use techmatch_core::services::{changes, postings};

use crate::app::App;

#[derive(clap::Args, Debug)]
pub struct StatusArgs {
    /// Also compare the index with the database posting by posting (status, title, text,
    /// edit time); exits with 1 when they disagree.
    #[arg(long)]
    pub verify: bool,
}

pub async fn run(app: &App, args: StatusArgs) -> anyhow::Result<ExitCode> {
    let mut kinds = serde_json::Map::new();
    for kind in [PostingKind::Need, PostingKind::Achievement] {
        kinds.insert(
            kind.code().to_owned(),
            json!({
                "database_total": postings::count(&app.db, kind, None).await?,
                "database_published": postings::count(&app.db, kind, Some(Status::Published)).await?,
                "index_total": app.index.count(kind),
            }),
        );
    }
    let head = changes::head(&app.db).await?;
    let applied = app.index.applied_seq();
    let mut status = json!({
        "postings": kinds,
        "change_log_head": head,
        "index_position": applied,
        "index_current": applied >= head,
        "index_writable": app.index.is_writable(),
    });
    let mut code = ExitCode::SUCCESS;
    if args.verify {
        let verification = techmatch_search::verify(&app.index, &app.db).await?;
        if !verification.agrees() {
            code = ExitCode::FAILURE;
        }
        status["verification"] = json!({
            "agrees": verification.agrees(),
            "detail": verification,
        });
    }
    println!("{}", serde_json::to_string_pretty(&status)?);
    Ok(code)
}
