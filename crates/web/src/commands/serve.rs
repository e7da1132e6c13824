//! `techmatch serve [--bind ADDR] [--demo]`.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Args;
use techmatch_core::lists::read::{ListFormat, read_list_bytes};
use techmatch_core::posting::PostingKind;
use techmatch_core::services::postings;

use crate::app::App;
use techmatch_core::accounts::Role;
use techmatch_core::posting::OrgKind;
use techmatch_core::services::users;
use techmatch_core::t;

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
        default_value_t = t!("mail-default-sender")
    )]
    pub mail_from: String,
    /// The address people use to reach the platform, for links in mails
    /// (default: http:// and the bound address).
    #[arg(long, env = "TECHMATCH_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Login attempts allowed per minute for one email address (the account lockout
    /// after repeated failures holds regardless).
    #[arg(long, env = "TECHMATCH_LOGIN_ATTEMPTS_PER_EMAIL", default_value_t = crate::server::auth::ATTEMPTS_PER_EMAIL)]
    pub login_attempts_per_email: u32,
    /// Login attempts allowed per minute from one client address (behind a reverse
    /// proxy every client is the proxy: raise this there).
    #[arg(long, env = "TECHMATCH_LOGIN_ATTEMPTS_PER_CLIENT", default_value_t = crate::server::auth::ATTEMPTS_PER_CLIENT)]
    pub login_attempts_per_client: u32,
    /// Addresses of reverse proxies in front of this node, comma-separated: their
    /// `X-Forwarded-For` names the client, for the per-client login limit.
    #[arg(long, env = "TECHMATCH_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxy: Vec<std::net::IpAddr>,
    #[command(flatten)]
    pub webhooks: crate::cli::WebhookArgs,
    /// Megabytes of attachments one organisation may hold across its challenges and
    /// bids; an upload beyond it is refused with the figures.
    #[arg(long, env = "TECHMATCH_ATTACHMENT_QUOTA_MB", default_value_t = techmatch_core::services::attachments::DEFAULT_ORG_QUOTA_BYTES / (1024 * 1024))]
    pub attachment_quota_mb: u64,
    /// Tests only: read the current time from this file (an RFC 3339 timestamp) so that
    /// deadlines can be crossed without waiting.
    #[arg(long, env = "TECHMATCH_CLOCK_FILE", hide = true)]
    pub clock_file: Option<std::path::PathBuf>,
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
        webhook_ca_file: args.webhooks.webhook_ca_file.clone(),
        webhook_reach: args.webhooks.reach(),
        login_attempts: (
            args.login_attempts_per_email,
            args.login_attempts_per_client,
        ),
        trusted_proxies: args.trusted_proxy,
        attachment_quota_bytes: args.attachment_quota_mb.saturating_mul(1024 * 1024),
        clock: args
            .clock_file
            .map_or(crate::clock::Clock::System, crate::clock::Clock::File),
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
    add_demo_claimant(app).await?;
    let needs = read_list_bytes(ListFormat::Jsonl, "demo/needs.jsonl", DEMO_NEEDS.as_bytes())?;
    let achievements = read_list_bytes(
        ListFormat::Jsonl,
        "demo/achievements.jsonl",
        DEMO_ACHIEVEMENTS.as_bytes(),
    )?;
    // The county's lists arrive as the bureau's first batches of the year, so the lists
    // page has their reports, postings and matches to show.
    let a = demo_batch(
        app,
        PostingKind::Achievement,
        "demo/achievements.jsonl",
        achievements,
    )
    .await?;
    let n = demo_batch(app, PostingKind::Need, "demo/needs.jsonl", needs).await?;
    anyhow::ensure!(
        a.problems.is_empty() && n.problems.is_empty(),
        "demo data rejected: {:?}",
        a.problems.iter().chain(&n.problems).next()
    );
    app.catch_up().await?;
    propose_demo_matches(app).await?;
    let loaded = t!(
        "cli-demo-loaded",
        needs = n.created,
        achievements = a.created
    );
    println!("{loaded}");
    add_demo_accounts(app).await
}

async fn demo_batch(
    app: &App,
    kind: PostingKind,
    file_name: &str,
    list: techmatch_core::lists::read::RawList,
) -> anyhow::Result<techmatch_core::services::import::ImportReport> {
    use techmatch_core::services::import::{ImportOptions, ImportScope};
    use techmatch_core::services::list_batches::{self, NewBatch};
    let today = chrono::Utc::now()
        .with_timezone(&techmatch_core::challenge::calendar::china_standard_time())
        .date_naive();
    let batch = NewBatch {
        kind,
        name: String::new(),
        list_date: today,
        file_name: file_name.to_owned(),
        uploaded_by: None,
    };
    let options = ImportOptions::new(ImportScope::Bureau, file_name);
    let (_, report) =
        list_batches::import_batch(&app.db, batch, list, &app.industries(), &options).await?;
    Ok(report)
}

/// The demo enterprise's real USCC, as its list gives it.
const DEMO_ENTERPRISE_USCC: &str = "91140700MA0JDHGF6W";

/// A stranger who registered under a look-alike of the demo enterprise's name with its
/// real USCC before the bureau imported the county's list: the bureau's 单位核验 page shows
/// the conflict, waiting to be merged.
async fn add_demo_claimant(app: &App) -> anyhow::Result<()> {
    let new = users::NewUser {
        email: "claimant@demo.techmatch".to_owned(),
        password: DEMO_PASSWORD.to_owned(),
        display_name: t!("demo-claimant-name"),
        role: Role::Enterprise,
        organisation: Some(users::org_ref(
            &t!("demo-claimant-organisation"),
            OrgKind::Enterprise,
            Some(DEMO_ENTERPRISE_USCC),
        )?),
    };
    // A self-registration, through the mailed link: the bureau vouches for nothing.
    let claimant = super::user::create(app, &new, false).await?;
    users::confirm_email(&app.db, claimant.id, chrono::Utc::now()).await?;
    Ok(())
}

/// Records the matches the platform would have proposed had the demo needs been
/// published one by one (match alerts start with the first publication after the
/// first start), so that the bureau's dashboard and ecosystem map have links to show.
async fn propose_demo_matches(app: &App) -> anyhow::Result<()> {
    use techmatch_core::services::alerts;
    use techmatch_search::{MatchOptions, find_matches};
    let options = MatchOptions {
        top: 50,
        ..MatchOptions::default()
    };
    let now = chrono::Utc::now();
    let mut after = 0;
    loop {
        let page = postings::views_page(
            &app.db,
            PostingKind::Need,
            Some(techmatch_core::posting::Status::Published),
            after,
            200,
        )
        .await?;
        let Some(last) = page.last().map(|v| v.id) else {
            return Ok(());
        };
        for need in &page {
            for m in find_matches(&app.index, need, &options)? {
                if m.strength >= alerts::DEFAULT_MIN_STRENGTH {
                    alerts::record_proposal(&app.db, need, m.id, m.strength, now).await?;
                }
            }
        }
        after = last;
    }
}

/// The password of every demo account: the demo is for trying the platform out on one's
/// own machine, never for a deployment with real data.
pub const DEMO_PASSWORD: &str = "demo-password";

/// One account per everyday role, on organisations that own demo postings, so that each
/// side's pages have something to show: (email, name, role, organisation, its kind).
fn demo_accounts() -> [(&'static str, String, Role, String, OrgKind); 6] {
    [
        (
            "admin@demo.techmatch",
            t!("demo-admin-name"),
            Role::Admin,
            t!("demo-bureau-organisation"),
            OrgKind::Bureau,
        ),
        (
            "moderator@demo.techmatch",
            t!("demo-moderator-name"),
            Role::Moderator,
            t!("demo-bureau-organisation"),
            OrgKind::Bureau,
        ),
        (
            "enterprise@demo.techmatch",
            t!("demo-enterprise-name"),
            Role::Enterprise,
            t!("demo-enterprise-organisation"),
            OrgKind::Enterprise,
        ),
        (
            "researcher@demo.techmatch",
            t!("demo-researcher-name"),
            Role::Researcher,
            t!("demo-researcher-organisation"),
            OrgKind::Institute,
        ),
        (
            "expert@demo.techmatch",
            t!("demo-expert-name"),
            Role::Expert,
            t!("demo-expert-organisation"),
            OrgKind::University,
        ),
        (
            "broker@demo.techmatch",
            t!("demo-broker-name"),
            Role::Broker,
            t!("demo-broker-organisation"),
            OrgKind::Agency,
        ),
    ]
}

async fn add_demo_accounts(app: &App) -> anyhow::Result<()> {
    let mut created = Vec::new();
    for (email, name, role, org, org_kind) in demo_accounts() {
        let organisation = users::org_ref(&org, org_kind, None)?;
        let mut user = super::user::add(
            app,
            email.to_owned(),
            name,
            role,
            Some(organisation),
            DEMO_PASSWORD.to_owned(),
        )
        .await?;
        // In the demo's story enterprises and researchers registered themselves through
        // the mailed link; the bureau appointed the others, who have not reset their
        // password yet: the bureau's user list shows both states.
        if role.may_self_register() {
            user = users::confirm_email(&app.db, user.id, chrono::Utc::now()).await?;
        }
        created.push(user);
        let account = t!(
            "cli-demo-account",
            email = email,
            password = DEMO_PASSWORD,
            role = role.label()
        );
        println!("{account}");
    }
    let enterprise = created.iter().find(|u| u.role == Role::Enterprise);
    let researcher = created.iter().find(|u| u.role == Role::Researcher);
    let admin = created.iter().find(|u| u.role == Role::Admin);
    let broker = created.iter().find(|u| u.role == Role::Broker);
    // The demo broker serves the demo enterprise.
    if let (Some(admin), Some(broker), Some(org)) =
        (admin, broker, enterprise.and_then(|e| e.org_id))
    {
        techmatch_core::services::brokers::assign(&app.db, admin, broker.id, org).await?;
    }
    // The bureau has verified the demo enterprise: its postings carry 已核验.
    if let (Some(admin), Some(org)) = (admin, enterprise.and_then(|e| e.org_id)) {
        techmatch_core::services::organisations::verify(
            &app.db,
            org,
            DEMO_ENTERPRISE_USCC,
            &admin.email,
            None,
        )
        .await?;
        app.catch_up().await?;
    }
    if let (Some(enterprise), Some(researcher)) = (enterprise, researcher) {
        add_demo_activity(app, enterprise, researcher).await?;
    }
    let expert = created.iter().find(|u| u.role == Role::Expert);
    if let (Some(admin), Some(enterprise), Some(researcher), Some(expert)) =
        (admin, enterprise, researcher, expert)
    {
        let cast = super::demo_challenges::Cast {
            admin,
            enterprise,
            researcher,
            expert,
        };
        super::demo_challenges::load(app, &cast, chrono::Utc::now()).await?;
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
    use techmatch_core::lists::columns::NEED_COLUMNS;
    use techmatch_core::lists::layout::Placements;
    use techmatch_core::lists::read::{Cell, RawRow};
    use techmatch_core::posting::{Action, Status};
    use techmatch_core::services::{contacts, workflow};

    let text = |field: &str, value: &str| (field.to_owned(), Cell::Text(value.to_owned()));
    let row = RawRow {
        sheet: None,
        row: 1,
        cells: vec![
            text("id", "demo-pending"),
            text("title", &t!("demo-pending-need-title")),
            text("description", &t!("demo-pending-need-description")),
            text("keywords", &t!("demo-pending-need-keywords")),
            // 节能环保, by its code in the built-in industry catalogue.
            text("industry", "sei-07"),
            text("budget", "80-150"),
        ],
    };
    let placements = Placements::of_row(NEED_COLUMNS, &row);
    let input = techmatch_core::lists::rows::need_from_row(&row, &placements, &app.industries())
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
    let mut pairs: Vec<(f32, String, String)> = Vec::new();
    for need in own_needs.iter().filter(|v| v.status == Status::Published) {
        for found in techmatch_search::find_matches(&app.index, need, &options)? {
            if achievements.contains(&found.id) {
                pairs.push((found.score, need.external_id.clone(), found.external_id));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut pairs = pairs
        .into_iter()
        .map(|(_, need, achievement)| (need, achievement));
    if let Some((need, achievement)) = pairs.next() {
        contacts::request(
            &app.db,
            researcher,
            &need,
            &achievement,
            &t!("demo-contact-message"),
        )
        .await?;
    }
    add_demo_deals(app, enterprise, researcher, &mut pairs).await?;
    app.catch_up().await?;
    Ok(())
}

/// Deals for the figures to count: one the researchers' institute confirmed, and one the
/// institute recorded that waits for the enterprise's confirmation (not counted yet).
async fn add_demo_deals(
    app: &App,
    enterprise: &users::User,
    researcher: &users::User,
    pairs: &mut impl Iterator<Item = (String, String)>,
) -> anyhow::Result<()> {
    use techmatch_core::contact::{ContactAction, Deal, DealAnswer};
    use techmatch_core::services::contacts;

    if let Some((need, achievement)) = pairs.next() {
        let message = t!("demo-deal-request-message");
        let id = contacts::request(&app.db, enterprise, &need, &achievement, &message).await?;
        contacts::act(&app.db, researcher, id, ContactAction::Accept, None, None).await?;
        let deal = Deal::parse("development", "120", "100", "60")?;
        contacts::act(
            &app.db,
            enterprise,
            id,
            ContactAction::Sign,
            None,
            Some(deal),
        )
        .await?;
        contacts::answer_deal(&app.db, researcher, id, DealAnswer::Confirm, None).await?;
    }
    if let Some((need, achievement)) = pairs.next() {
        let message = t!("demo-contact-message");
        let id = contacts::request(&app.db, researcher, &need, &achievement, &message).await?;
        contacts::act(&app.db, enterprise, id, ContactAction::Accept, None, None).await?;
        let deal = Deal::parse("transfer", "50", "45", "70")?;
        contacts::act(
            &app.db,
            researcher,
            id,
            ContactAction::Sign,
            None,
            Some(deal),
        )
        .await?;
    }
    Ok(())
}
