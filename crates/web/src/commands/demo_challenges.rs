//! The demo's 揭榜挂帅 calls, one in each of the stages a newcomer should see: open for
//! bids (with a consortium member waiting for the bureau's check), in the 公示, in
//! execution with a milestone passed, and 流榜. Their history is
//! played through the real services at past times, so every page (timeline, ranking,
//! milestones) shows what a real call would.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use techmatch_core::accounts::Role;
use techmatch_core::challenge::bid::BidAction;
use techmatch_core::challenge::calendar::WorkCalendar;
use techmatch_core::challenge::lifecycle::ChallengeAction;
use techmatch_core::challenge::milestone::MilestoneAction;
use techmatch_core::posting::OrgKind;
use techmatch_core::services::bids::{
    self, BidInput, FormalDecision, MilestoneInput, MilestoneStep,
};
use techmatch_core::services::challenges::{self, ActionInput, ChallengeInput, TaskBook};
use techmatch_core::services::users::{self, NewUser, User};
use techmatch_core::t;

use crate::app::App;

/// The demo's people around the calls.
pub struct Cast<'a> {
    pub admin: &'a User,
    pub enterprise: &'a User,
    pub researcher: &'a User,
    pub expert: &'a User,
}

/// A member of another demo institution. The account cannot log in: it only gives the
/// institution someone who bids.
async fn bidder(
    txn: &DatabaseTransaction,
    email: &str,
    org: String,
    kind: OrgKind,
) -> anyhow::Result<User> {
    let new = NewUser {
        email: email.to_owned(),
        // Checked like any password, then never stored: see the hash below.
        password: techmatch_core::services::sessions::random_token(),
        display_name: t!("demo-challenge-bidder-name", org = org.as_str()),
        role: Role::Researcher,
        organisation: Some(users::org_ref(&org, kind, None)?),
    };
    // "!" is no argon2 hash: no password ever matches it.
    Ok(users::create(txn, &new, "!".to_owned(), true).await?)
}

/// The stages the demo shows.
#[derive(Clone, Copy)]
enum Stage {
    Open,
    Publicity,
    Execution,
    Unfilled,
}

/// The text of each demo call, and the industry (by catalogue code) it belongs to.
fn texts(stage: Stage) -> ([String; 8], &'static str) {
    match stage {
        Stage::Open => (
            [
                t!("demo-open-title"),
                t!("demo-open-keyword"),
                t!("demo-open-background"),
                t!("demo-open-problem"),
                t!("demo-open-metric-1"),
                t!("demo-open-metric-2"),
                t!("demo-open-scenario"),
                t!("demo-open-final-user"),
            ],
            "sei-07",
        ),
        Stage::Publicity => (
            [
                t!("demo-publicity-title"),
                t!("demo-publicity-keyword"),
                t!("demo-publicity-background"),
                t!("demo-publicity-problem"),
                t!("demo-publicity-metric-1"),
                t!("demo-publicity-metric-2"),
                t!("demo-publicity-scenario"),
                t!("demo-publicity-final-user"),
            ],
            "sei-06",
        ),
        Stage::Execution => (
            [
                t!("demo-execution-title"),
                t!("demo-execution-keyword"),
                t!("demo-execution-background"),
                t!("demo-execution-problem"),
                t!("demo-execution-metric-1"),
                t!("demo-execution-metric-2"),
                t!("demo-execution-scenario"),
                t!("demo-execution-final-user"),
            ],
            "county-equipment",
        ),
        Stage::Unfilled => (
            [
                t!("demo-unfilled-title"),
                t!("demo-unfilled-keyword"),
                t!("demo-unfilled-background"),
                t!("demo-unfilled-problem"),
                t!("demo-unfilled-metric-1"),
                t!("demo-unfilled-metric-2"),
                t!("demo-unfilled-scenario"),
                t!("demo-unfilled-final-user"),
            ],
            "county-aviation",
        ),
    }
}

fn challenge(app: &App, stage: Stage, deadline: DateTime<Utc>, horse_race: bool) -> ChallengeInput {
    let (
        [
            title,
            keyword,
            background,
            problem,
            metric_1,
            metric_2,
            scenario,
            final_user,
        ],
        industry,
    ) = texts(stage);
    ChallengeInput {
        title,
        industry: app.industries().get(industry).map(|i| i.name.clone()),
        keywords: keyword.split(' ').map(str::to_owned).collect(),
        background,
        problem,
        metrics: vec![metric_1, metric_2],
        scenario,
        final_user,
        reward_enterprise_yuan: 2_000_000,
        reward_subsidy_yuan: 1_000_000,
        bid_deadline: deadline,
        completion_months: 18,
        eligibility: t!("demo-challenge-eligibility"),
        horse_race,
        max_winners: if horse_race { 2 } else { 1 },
        confidentiality: "public".to_owned(),
        contact_name: t!("demo-challenge-contact"),
        contact_phone: "0351-1234567".to_owned(),
    }
}

fn bid(team: &str, first_due: DateTime<Utc>) -> BidInput {
    BidInput {
        consortium: Vec::new(),
        team_leader: t!("demo-challenge-team-leader", team = team),
        team: t!("demo-challenge-team", team = team),
        technical_plan: t!("demo-challenge-plan", team = team),
        budget_yuan: 2_500_000,
        existing_base: t!("demo-challenge-base"),
        patents: Vec::new(),
        achievement_ids: Vec::new(),
        milestones: vec![
            MilestoneInput {
                title: t!("demo-challenge-milestone-1"),
                metrics: t!("demo-challenge-milestone-1-metrics"),
                due: first_due,
                amount_yuan: 1_000_000,
            },
            MilestoneInput {
                title: t!("demo-challenge-milestone-2"),
                metrics: t!("demo-challenge-milestone-2-metrics"),
                due: first_due + Duration::days(180),
                amount_yuan: 1_500_000,
            },
        ],
        pledge: true,
    }
}

async fn publish(
    txn: &DatabaseTransaction,
    publisher: &User,
    admin: &User,
    input: &ChallengeInput,
    at: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let id = challenges::create(txn, publisher, input, at).await?;
    let none = ActionInput::default();
    challenges::act(txn, publisher, id, ChallengeAction::Submit, &none, at).await?;
    challenges::act(txn, admin, id, ChallengeAction::Approve, &none, at).await?;
    Ok(id)
}

/// Bids of `teams`, submitted at `at`, then formally passed and scored after the
/// deadline. Returns the bid ids.
async fn reviewed_bids(
    txn: &DatabaseTransaction,
    cast: &Cast<'_>,
    id: i64,
    teams: &[&User],
    at: DateTime<Utc>,
    reviewed_at: DateTime<Utc>,
) -> anyhow::Result<Vec<i64>> {
    challenges::assign_expert(txn, cast.admin, id, cast.expert.id, at).await?;
    let mut ids = Vec::new();
    for (index, team) in teams.iter().enumerate() {
        let name = team.display_name.as_str();
        let bid_id = bids::create(
            txn,
            team,
            id,
            &bid(name, reviewed_at + Duration::days(120)),
            at,
        )
        .await?;
        bids::act(txn, team, bid_id, BidAction::Submit, at).await?;
        ids.push((bid_id, index));
    }
    challenges::settle(txn, id, reviewed_at).await?;
    for (bid_id, index) in &ids {
        bids::formal_review(txn, cast.admin, *bid_id, &FormalDecision::Pass, reviewed_at).await?;
        let base = 88 - 6 * i32::try_from(*index).unwrap_or(0);
        let scores: Vec<(String, String)> =
            challenges::criteria_of(&challenges::model(txn, id).await?)?
                .criteria()
                .iter()
                .map(|c| (c.name.clone(), base.to_string()))
                .collect();
        bids::score(
            txn,
            cast.expert,
            *bid_id,
            &scores,
            &t!("demo-challenge-comment"),
            reviewed_at,
        )
        .await?;
    }
    Ok(ids.into_iter().map(|(bid_id, _)| bid_id).collect())
}

/// Plays the demo calls' history into the database, in one transaction.
///
/// # Errors
/// Any refusal is a bug in the demo.
pub async fn load(app: &App, cast: &Cast<'_>, now: DateTime<Utc>) -> anyhow::Result<()> {
    let txn = app.db.begin().await?;
    let north = bidder(
        &txn,
        "bidder.north@demo.techmatch",
        t!("demo-challenge-org-north"),
        OrgKind::University,
    )
    .await?;
    let south = bidder(
        &txn,
        "bidder.south@demo.techmatch",
        t!("demo-challenge-org-south"),
        OrgKind::Institute,
    )
    .await?;
    let calendar = WorkCalendar::weekends_only();
    // Open for bids, with the demo researcher's bid in.
    let open = publish(
        &txn,
        cast.enterprise,
        cast.admin,
        &challenge(app, Stage::Open, now + Duration::days(30), false),
        now - Duration::days(3),
    )
    .await?;
    // With a consortium member as the bidder typed it, left for the bureau to check on
    // the console (联合体成员核对). The bid is still open, and the tests drive only
    // calls of their own forward, so an unchecked member holds nothing back.
    let mut with_partner = bid(&cast.researcher.display_name, now + Duration::days(150));
    with_partner.consortium = vec![bids::MemberInput {
        name: t!("demo-challenge-org-south"),
        uscc: None,
    }];
    let mine = bids::create(
        &txn,
        cast.researcher,
        open,
        &with_partner,
        now - Duration::days(1),
    )
    .await?;
    bids::act(
        &txn,
        cast.researcher,
        mine,
        BidAction::Submit,
        now - Duration::days(1),
    )
    .await?;

    // In the 公示: a government list whose winner was proposed yesterday.
    let start = now - Duration::days(30);
    let deadline = now - Duration::days(5);
    let notice = publish(
        &txn,
        cast.admin,
        cast.admin,
        &challenge(app, Stage::Publicity, deadline, false),
        start,
    )
    .await?;
    let ids = reviewed_bids(
        &txn,
        cast,
        notice,
        &[&north, &south],
        start + Duration::days(2),
        deadline + Duration::hours(1),
    )
    .await?;
    challenges::propose_winners(
        &txn,
        cast.admin,
        notice,
        &ids[..1],
        &calendar,
        now - Duration::days(1),
    )
    .await?;

    // In execution: a 赛马 call with two winners, the first milestone of one passed.
    let start = now - Duration::days(120);
    let deadline = now - Duration::days(90);
    let race = publish(
        &txn,
        cast.enterprise,
        cast.admin,
        &challenge(app, Stage::Execution, deadline, true),
        start,
    )
    .await?;
    let ids = reviewed_bids(
        &txn,
        cast,
        race,
        &[&north, &south],
        start + Duration::days(5),
        deadline + Duration::hours(1),
    )
    .await?;
    let proposed = deadline + Duration::days(2);
    let ends =
        challenges::propose_winners(&txn, cast.admin, race, &ids, &calendar, proposed).await?;
    let after = ends + Duration::days(1);
    challenges::award(&txn, cast.admin, race, &[], after).await?;
    let task_book = TaskBook {
        agreement_no: "JY-JB-DEMO-001".to_owned(),
        signed_on: after.date_naive(),
        starts_on: after.date_naive(),
        ends_on: after.date_naive() + Duration::days(540),
        total_yuan: 3_000_000,
    };
    challenges::start_execution(&txn, cast.admin, race, &task_book, after).await?;
    let first = bids::milestones(&txn, ids[0]).await?;
    if let Some(milestone) = first.first() {
        let report = MilestoneStep {
            action: MilestoneAction::Report,
            text: t!("demo-challenge-report"),
            evidence: t!("demo-challenge-evidence"),
        };
        bids::milestone_step(
            &txn,
            &north,
            milestone.id,
            &report,
            now - Duration::days(10),
        )
        .await?;
        let pass = MilestoneStep {
            action: MilestoneAction::Pass,
            text: String::new(),
            evidence: String::new(),
        };
        bids::milestone_step(
            &txn,
            cast.admin,
            milestone.id,
            &pass,
            now - Duration::days(7),
        )
        .await?;
    }

    // 流榜: nobody bid before the deadline.
    let unfilled = publish(
        &txn,
        cast.admin,
        cast.admin,
        &challenge(app, Stage::Unfilled, now - Duration::days(2), false),
        now - Duration::days(20),
    )
    .await?;
    challenges::settle(&txn, unfilled, now).await?;
    txn.commit().await?;
    Ok(())
}
