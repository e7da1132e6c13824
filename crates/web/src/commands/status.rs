//! `techmatch status`: what the database holds and whether the index reflects it.

use std::process::ExitCode;

use serde_json::json;
use techmatch_core::posting::{PostingKind, Status};
use techmatch_core::services::{changes, postings};

use crate::app::App;

pub async fn run(app: &App) -> anyhow::Result<ExitCode> {
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
    let status = json!({
        "postings": kinds,
        "change_log_head": head,
        "index_position": applied,
        "index_current": applied >= head,
        "index_writable": app.index.is_writable(),
    });
    println!("{}", serde_json::to_string_pretty(&status)?);
    Ok(ExitCode::SUCCESS)
}
