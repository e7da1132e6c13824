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
    let mut created = Vec::new();
    for (email, name, role, org, org_kind) in DEMO_ACCOUNTS {
        let organisation = users::org_ref(org, *org_kind, None)?;
        created.push(
            super::user::add(
                app,
                (*email).to_owned(),
                (*name).to_owned(),
                *role,
                Some(organisation),
                DEMO_PASSWORD.to_owned(),
            )
            .await?,
        );
        println!("演示账号：{email} / {DEMO_PASSWORD}（{}）", role.label());
    }
    let enterprise = created.iter().find(|u| u.role == Role::Enterprise);
    let researcher = created.iter().find(|u| u.role == Role::Researcher);
    if let (Some(enterprise), Some(researcher)) = (enterprise, researcher) {
        add_demo_activity(app, enterprise, researcher).await?;
    }
    Ok(())
}

/// Something for each side to act on at once: a need waiting in the bureau's queue, and a
/// researcher's contact request waiting for the enterprise's answer.
async fn add_demo_activity(
    app: &App,
    enterprise: &users::User,
    researcher: &users::User,
) -> anyhow::Result<()> {
    use techmatch_core::lists::read::{Cell, RawRow};
    use techmatch_core::posting::{Action, Status};
    use techmatch_core::services::{contacts, workflow};

    let text = |field: &str, value: &str| (field.to_owned(), Cell::Text(value.to_owned()));
    let row = RawRow {
        row: 1,
        cells: vec![
            text("id", "demo-pending"),
            text("title", "碳化尾气二氧化碳回收提纯利用"),
            text(
                "description",
                "碳化工序尾气中二氧化碳浓度约30%，直接排放。希望引进变压吸附或膜分离提纯技术，回收的二氧化碳返回碳化塔使用，降低石灰窑负荷和碳排放。",
            ),
            text("keywords", "二氧化碳回收，变压吸附，碳化尾气"),
            text("industry", "节能环保"),
            text("budget", "80-150"),
        ],
    };
    let input = techmatch_core::lists::rows::need_from_row(&row, &app.industries)
        .map_err(|problems| anyhow::anyhow!("demo need rejected: {problems:?}"))?;
    let need = workflow::create_need(&app.db, enterprise, &input).await?;
    workflow::act(
        &app.db,
        enterprise,
        PostingKind::Need,
        need,
        &Action::Submit,
    )
    .await?;

    // The request pairs the researcher's achievement that best matches one of the
    // enterprise's published needs, so that the demo conversation makes sense.
    let own_needs = workflow::own_postings(&app.db, enterprise).await?;
    let achievements: std::collections::HashSet<i64> = workflow::own_postings(&app.db, researcher)
        .await?
        .into_iter()
        .filter(|v| v.status == Status::Published)
        .map(|v| v.id)
        .collect();
    let options = techmatch_search::MatchOptions {
        top: 50,
        ..Default::default()
    };
    let mut best: Option<(f32, i64, i64)> = None;
    for need in own_needs.iter().filter(|v| v.status == Status::Published) {
        for found in techmatch_search::find_matches(&app.index, need, &options)? {
            if achievements.contains(&found.id)
                && best.is_none_or(|(score, ..)| found.score > score)
            {
                best = Some((found.score, need.id, found.id));
            }
        }
    }
    if let Some((_, need, achievement)) = best {
        contacts::request(
            &app.db,
            researcher,
            need,
            achievement,
            "我院这项成果与贵公司的需求很接近，已有中试经验，希望进一步交流技术指标和合作方式。",
        )
        .await?;
    }
    app.catch_up().await?;
    Ok(())
}
