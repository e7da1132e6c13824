//! `techmatch org …`: the bureau's decisions about organisations.

use std::process::ExitCode;

use clap::Subcommand;
use techmatch_core::posting::OrgKind;
use techmatch_core::services::organisations;
use techmatch_core::t;

use crate::app::App;

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Accept a USCC that fails the GB 32100 check, recording who accepted it and why.
    AcceptUscc {
        /// The code as registered.
        code: String,
        /// The organisation's name.
        #[arg(long)]
        name: String,
        /// enterprise, university, institute, bureau or agency (for a new organisation).
        #[arg(long, default_value = "enterprise")]
        kind: String,
        /// Who accepts it.
        #[arg(long)]
        by: String,
        /// Why, e.g. where the code was confirmed.
        #[arg(long)]
        reason: String,
    },
}

pub async fn run(app: &App, command: OrgCommand) -> anyhow::Result<ExitCode> {
    match command {
        OrgCommand::AcceptUscc {
            code,
            name,
            kind,
            by,
            reason,
        } => {
            let kind = OrgKind::parse(&kind)?;
            let id = organisations::accept_uscc(&app.db, &name, kind, &code, &by, &reason).await?;
            let done = t!("cli-org-uscc-accepted", name = name, code = code, id = id);
            println!("{done}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
