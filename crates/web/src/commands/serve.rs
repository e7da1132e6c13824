//! `techmatch serve [--bind ADDR] [--demo]`.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Args;
use techmatch_core::lists::read::{ListFormat, read_list_bytes};
use techmatch_core::posting::PostingKind;
use techmatch_core::services::import::{import_achievements, import_needs};
use techmatch_core::services::postings;

use crate::app::App;
use techmatch_core::accounts::Role;
use techmatch_core::posting::OrgKind;
use techmatch_core::services::users;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "TECHMATCH_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,
    /// Load the demo dataset when the database holds no postings yet.
    #[arg(long)]
    pub demo: bool,
    /// SMTP server for outgoing mail, e.g. smtps://user:pass@smtp.example.cn or
    /// smtp://127.0.0.1:25 for a local relay.
    #[arg(long, env = "TECHMATCH_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of outgoing mail.
    #[arg(
        long,
        env = "TECHMATCH_MAIL_FROM",
        default_value = "科技供需对接平台 <noreply@techmatch.invalid>"
    )]
    pub mail_from: String,
    /// The address people use to reach the platform, for links in mails
    /// (default: http:// and the bound address).
    #[arg(long, env = "TECHMATCH_PUBLIC_URL")]
    pub public_url: Option<String>,
}

/// The demo dataset, compiled in so that the binary needs no files next to it.
const DEMO_NEEDS: &str = include_str!("../../../../web/demo/needs.jsonl");
const DEMO_ACHIEVEMENTS: &str = include_str!("../../../../web/demo/achievements.jsonl");

pub async fn run(app: App, args: ServeArgs) -> anyhow::Result<ExitCode> {
    if args.demo {
        load_demo(&app).await?;
    }
    let options = crate::server::ServerOptions {
        smtp_url: args.smtp_url,
        mail_from: args.mail_from,
        public_url: args.public_url,
    };
    crate::server::serve(app, args.bind, options).await?;
    Ok(ExitCode::SUCCESS)
}

/// Imports the demo lists into an empty platform; a platform with data is left alone.
///
/// # Errors
/// Fails when the database fails or the compiled-in demo data is broken.
pub async fn load_demo(app: &App) -> anyhow::Result<()> {
    let existing = postings::count(&app.db, PostingKind::Need, None).await?
        + postings::count(&app.db, PostingKind::Achievement, None).await?;
    if existing > 0 {
        tracing::info!(postings = existing, "database has data, demo not loaded");
        return Ok(());
    }
    let needs = read_list_bytes(ListFormat::Jsonl, "demo/needs.jsonl", DEMO_NEEDS.as_bytes())?;
    let achievements = read_list_bytes(
        ListFormat::Jsonl,
        "demo/achievements.jsonl",
        DEMO_ACHIEVEMENTS.as_bytes(),
    )?;
    let a = import_achievements(&app.db, achievements, &app.industries).await?;
    let n = import_needs(&app.db, needs, &app.industries).await?;
    anyhow::ensure!(
        a.problems.is_empty() && n.problems.is_empty(),
        "demo data rejected: {:?}",
        a.problems.iter().chain(&n.problems).next()
    );
    app.catch_up().await?;
    println!(
        "已载入演示数据：{} 条技术需求，{} 条科技成果",
        n.created, a.created
    );
    add_demo_accounts(app).await
}

/// The password of every demo account: the demo is for trying the platform out on one's
/// own machine, never for a deployment with real data.
pub const DEMO_PASSWORD: &str = "demo-password";

/// One account per everyday role, on organisations that own demo postings, so that each
/// side's pages have something to show.
const DEMO_ACCOUNTS: &[(&str, &str, Role, &str, OrgKind)] = &[
    (
        "admin@demo.techmatch",
        "县科技局管理员",
        Role::Admin,
        "晋阳县科学技术局",
        OrgKind::Bureau,
    ),
    (
        "moderator@demo.techmatch",
        "县科技局审核员",
        Role::Moderator,
        "晋阳县科学技术局",
        OrgKind::Bureau,
    ),
    (
        "enterprise@demo.techmatch",
        "华钙纳米 张经理",
        Role::Enterprise,
        "晋阳县华钙纳米材料有限公司",
        OrgKind::Enterprise,
    ),
    (
        "researcher@demo.techmatch",
        "津沽材料研究院 李研究员",
        Role::Researcher,
        "津沽材料研究院",
        OrgKind::Institute,
    ),
];

async fn add_demo_accounts(app: &App) -> anyhow::Result<()> {
    for (email, name, role, org, org_kind) in DEMO_ACCOUNTS {
        let organisation = users::org_ref(org, *org_kind, None)?;
        super::user::add(
            app,
            (*email).to_owned(),
            (*name).to_owned(),
            *role,
            Some(organisation),
            DEMO_PASSWORD.to_owned(),
        )
        .await?;
        println!("演示账号：{email} / {DEMO_PASSWORD}（{}）", role.label());
    }
    Ok(())
}
