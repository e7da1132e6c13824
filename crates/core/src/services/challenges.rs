//! 揭榜挂帅 challenges as stored: publication, review, deadlines, expert panels and
//! criteria, the 公示 with its objections, the award and the end of the call.
//!
//! Every function takes `now` from the caller, so the server's clock (or a test's)
//! decides deadlines; every status change is a conditional UPDATE on the status it was
//! decided from, so two people acting at once cannot both succeed; every change lands
//! on the challenge's timeline and in the audit log.

use chrono::{DateTime, Utc};
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement, TransactionSession, TransactionTrait,
};
use serde::{Deserialize, Serialize};

use crate::accounts::Role;
use crate::challenge::Actor;
use crate::challenge::bid::{BidAction, BidStatus};
use crate::challenge::calendar::{self, WorkCalendar};
use crate::challenge::lifecycle::{self, ChallengeAction, ChallengeFacts, ChallengeStatus};
use crate::challenge::scoring::{self, Criteria, Criterion, Expert};
use crate::domain::Wan;
use crate::entities::{
    bid, challenge, challenge_event, challenge_expert, expert_score, objection, organisation,
};
use crate::services::users::User;
use crate::services::{audit, bids, organisations};
use crate::{CoreError, CoreResult, t};

/// 政府榜 or 企业榜.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeKind {
    Government,
    Enterprise,
}

impl ChallengeKind {
    pub fn code(self) -> &'static str {
        match self {
            ChallengeKind::Government => "government",
            ChallengeKind::Enterprise => "enterprise",
        }
    }

    pub fn label(self) -> String {
        match self {
            ChallengeKind::Government => t!("challenge-kind-government"),
            ChallengeKind::Enterprise => t!("challenge-kind-enterprise"),
        }
    }

    fn of(role: Role) -> Option<ChallengeKind> {
        match role {
            Role::Moderator | Role::Admin => Some(ChallengeKind::Government),
            Role::Enterprise | Role::Broker => Some(ChallengeKind::Enterprise),
            _ => None,
        }
    }
}

/// The content of a challenge as the publisher writes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ChallengeInput {
    pub title: String,
    pub industry: Option<String>,
    pub keywords: Vec<String>,
    pub background: String,
    pub problem: String,
    /// Quantified acceptance metrics (e.g. 白度 ≥ 96%), at least one.
    pub metrics: Vec<String>,
    pub scenario: String,
    pub final_user: String,
    pub reward_enterprise_yuan: i64,
    pub reward_subsidy_yuan: i64,
    pub bid_deadline: DateTime<Utc>,
    pub completion_months: u16,
    pub eligibility: String,
    /// 赛马制: several teams are awarded and race through the milestones.
    pub horse_race: bool,
    pub max_winners: u8,
    /// `public` or `restricted` (details only to logged-in users).
    pub confidentiality: String,
    pub contact_name: String,
    pub contact_phone: String,
}

const MAX_WINNERS: u8 = 10;
/// How many winners a 赛马 call names when its author does not say: two, the fewest a
/// race can have.
pub const DEFAULT_RACE_WINNERS: u8 = 2;

/// How many winners a call names unless its author says otherwise: one without a race.
pub fn default_winners(horse_race: bool) -> u8 {
    if horse_race { DEFAULT_RACE_WINNERS } else { 1 }
}
/// How many calls an organisation may hold in draft at once: drafts are private and
/// cost the bureau nothing until submitted, so without a cap one account could fill
/// the database with them.
pub const MAX_OPEN_DRAFTS: u64 = 20;
const MAX_COMPLETION_MONTHS: u16 = 120;

impl ChallengeInput {
    /// # Errors
    /// `Invalid` naming the first field that is wrong.
    pub fn check(&self) -> CoreResult<()> {
        let required = [
            ("title", self.title.as_str(), 200),
            ("background", self.background.as_str(), 10_000),
            ("problem", self.problem.as_str(), 10_000),
            ("scenario", self.scenario.as_str(), 10_000),
            ("final_user", self.final_user.as_str(), 200),
            ("eligibility", self.eligibility.as_str(), 10_000),
            ("contact_name", self.contact_name.as_str(), 100),
            ("contact_phone", self.contact_phone.as_str(), 50),
        ];
        for (field, value, max) in required {
            let chars = value.trim().chars().count();
            if chars == 0 || chars > max {
                return Err(CoreError::invalid(
                    field,
                    t!("challenge-field-length", max = max),
                ));
            }
        }
        if self.metrics.iter().all(|m| m.trim().is_empty()) {
            return Err(CoreError::invalid(
                "metrics",
                t!("challenge-metrics-missing"),
            ));
        }
        if self.reward_enterprise_yuan < 0 || self.reward_subsidy_yuan < 0 {
            return Err(CoreError::invalid(
                "reward",
                t!("challenge-reward-negative"),
            ));
        }
        // The same plausibility bound as one deal: a larger reward is a unit error, and
        // two of them would overflow the sums shown beside the call.
        let max = crate::contact::MAX_DEAL_AMOUNT_YUAN;
        if self.reward_enterprise_yuan > max || self.reward_subsidy_yuan > max {
            let max = (max / 10_000).to_string();
            return Err(CoreError::invalid(
                "reward",
                t!("challenge-reward-too-large", max = max),
            ));
        }
        if self.completion_months == 0 || self.completion_months > MAX_COMPLETION_MONTHS {
            return Err(CoreError::invalid(
                "completion_months",
                t!("challenge-completion-range", max = MAX_COMPLETION_MONTHS),
            ));
        }
        let winners_ok = if self.horse_race {
            (2..=MAX_WINNERS).contains(&self.max_winners)
        } else {
            self.max_winners == 1
        };
        if !winners_ok {
            return Err(CoreError::invalid(
                "max_winners",
                t!("challenge-winners-range", max = MAX_WINNERS),
            ));
        }
        if !matches!(self.confidentiality.as_str(), "public" | "restricted") {
            return Err(CoreError::invalid(
                "confidentiality",
                t!("challenge-confidentiality-unknown"),
            ));
        }
        Ok(())
    }
}

/// The agreement and task book (任务书) recorded when the winners start work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskBook {
    pub agreement_no: String,
    pub signed_on: chrono::NaiveDate,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    /// The total of the funding tranches, in yuan.
    pub total_yuan: i64,
}

fn not_found(id: i64) -> CoreError {
    CoreError::NotFound {
        what: t!("what-challenge"),
        id: id.to_string(),
    }
}

/// Loads a challenge row.
///
/// # Errors
/// `NotFound`.
pub async fn model(conn: &impl ConnectionTrait, id: i64) -> CoreResult<challenge::Model> {
    challenge::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| not_found(id))
}

/// Loads a challenge row and locks it (on PostgreSQL; SQLite has one writer) until the
/// transaction ends. Seating, unseating, linking a consortium member and scoring each
/// check the panel and then write: holding the call's row, none of them acts on what
/// another changed meanwhile.
///
/// # Errors
/// `NotFound`.
pub async fn locked(conn: &impl ConnectionTrait, id: i64) -> CoreResult<challenge::Model> {
    challenge::Entity::find_by_id(id)
        .lock_exclusive()
        .one(conn)
        .await?
        .ok_or_else(|| CoreError::NotFound {
            what: t!("what-challenge"),
            id: id.to_string(),
        })
}

/// Locks the call and checks the bureau may still change its panel: seating and
/// unseating share this check so that neither races the other or a score sheet.
///
/// # Errors
/// `Forbidden` unless bureau; `NotFound`; `Invalid` once the call is over.
async fn panel_open(conn: &impl ConnectionTrait, actor: &User, id: i64) -> CoreResult<()> {
    check_bureau(actor)?;
    let found = locked(conn, id).await?;
    if status_of(&found)?.is_final() {
        return Err(CoreError::invalid(
            "challenge",
            t!("challenge-refused-final"),
        ));
    }
    Ok(())
}

fn status_of(model: &challenge::Model) -> CoreResult<ChallengeStatus> {
    ChallengeStatus::from_code(&model.status)
}

/// Whether `actor` publishes this challenge: a confirmed member of the publishing
/// organisation who speaks for it (or a broker acting for it), or bureau staff for a
/// government call. An expert employed by the publisher is not one.
pub fn is_publisher(actor: &User, model: &challenge::Model) -> bool {
    let speaks = actor.role.is_bureau() || actor.posts().is_some();
    speaks && actor.org_confirmed && actor.org_id == Some(model.publisher_org_id)
}

/// Whether `viewer` (`None`: the anonymous public) may see this challenge at all: the
/// bureau and the publisher always; everyone else once it is published, a restricted
/// challenge only when logged in.
pub fn may_see(viewer: Option<&User>, model: &challenge::Model) -> bool {
    // A challenge withdrawn before it was ever published stays private.
    let public =
        model.published_at.is_some() && status_of(model).is_ok_and(ChallengeStatus::is_public);
    let restricted = model.confidentiality == "restricted";
    let staff_or_publisher = viewer.is_some_and(|v| v.role.is_bureau() || is_publisher(v, model));
    staff_or_publisher || (public && (!restricted || viewer.is_some()))
}

/// The role `actor` plays for `action` on this challenge: the bureau when they are
/// staff and the action is the bureau's, else the publisher when they are one.
fn actor_for(actor: &User, model: &challenge::Model, action: ChallengeAction) -> Actor {
    let bureau = actor.role.is_bureau() && action.actors().contains(&Actor::Bureau);
    if bureau {
        Actor::Bureau
    } else if is_publisher(actor, model) {
        Actor::Publisher
    } else if actor.role == Role::Expert {
        Actor::Expert
    } else {
        Actor::Bidder
    }
}

/// A move of a call's lifecycle offered to a reader, with what would refuse it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeOffer {
    pub action: ChallengeAction,
    /// Why taking it now would be refused (the deadline passed, scores are missing);
    /// `None` when nothing stands in the way. What the reader supplies with the action
    /// (a reason, a new deadline) is assumed supplied.
    pub refused: Option<String>,
}

/// The moves of the call's lifecycle `viewer` may be offered: those out of the current
/// status that the role they play for each may take, each decided by the lifecycle with
/// the facts at `now`. Closing the bidding is the clock's alone.
///
/// # Errors
/// Database errors.
pub async fn offers(
    conn: &impl ConnectionTrait,
    viewer: &User,
    model: &challenge::Model,
    now: DateTime<Utc>,
) -> CoreResult<Vec<ChallengeOffer>> {
    let status = status_of(model)?;
    let mut facts = facts(conn, model, now).await?;
    facts.reason_given = true;
    facts.new_bid_deadline = Some(DateTime::<Utc>::MAX_UTC);
    let mut offered = Vec::new();
    for action in ChallengeAction::ALL {
        let actor = actor_for(viewer, model, action);
        if action == ChallengeAction::CloseBidding
            || !lifecycle::applies(status, action)
            || !action.actors().contains(&actor)
        {
            continue;
        }
        let refused = lifecycle::transition(status, action, actor, &facts)
            .err()
            .map(CoreError::into_refusal)
            .transpose()?;
        offered.push(ChallengeOffer { action, refused });
    }
    Ok(offered)
}

/// Appends to the challenge's timeline.
///
/// # Errors
/// Database errors.
pub async fn record_event(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
    bid_id: Option<i64>,
    actor: Option<&User>,
    action: &str,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    if conn.get_database_backend() == DbBackend::Postgres {
        // The notice follower reads "every event after the one I saved", as followers
        // of the change log do: events are numbered in commit order the same way (see
        // `services::changes`), in one statement so that the lock is held from before
        // the number is drawn until the commit.
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "WITH appending AS (SELECT pg_advisory_xact_lock($1)) \
             INSERT INTO challenge_events (challenge_id, bid_id, actor_user_id, action, detail, at) \
             SELECT $2, $3::bigint, $4::bigint, $5, $6::text, $7 FROM appending",
            vec![
                crate::services::changes::APPEND_LOCK.into(),
                challenge_id.into(),
                bid_id.into(),
                actor.map(|a| a.id).into(),
                action.into(),
                detail.map(str::to_owned).into(),
                now.into(),
            ],
        ))
        .await?;
    } else {
        challenge_event::ActiveModel {
            challenge_id: Set(challenge_id),
            bid_id: Set(bid_id),
            actor_user_id: Set(actor.map(|a| a.id)),
            action: Set(action.to_owned()),
            detail: Set(detail.map(str::to_owned)),
            at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    if let Some(actor) = actor {
        audit::record(
            conn,
            audit::Record {
                actor_user_id: Some(actor.id),
                action,
                entity: if bid_id.is_some() { "bid" } else { "challenge" },
                entity_id: bid_id.unwrap_or(challenge_id),
                detail,
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(())
}

fn public_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let code: String = (0..8)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("JB-{code}")
}

fn default_criteria() -> Vec<(String, u32)> {
    vec![
        (t!("challenge-criterion-plan"), 40),
        (t!("challenge-criterion-team"), 30),
        (t!("challenge-criterion-budget"), 30),
    ]
}

/// The challenge's expert-review criteria.
///
/// # Errors
/// A stored value that no longer validates is a broken invariant.
pub fn criteria_of(model: &challenge::Model) -> CoreResult<Criteria> {
    let stored: Vec<(String, u32)> = serde_json::from_str(&model.criteria)
        .map_err(|e| CoreError::Internal(format!("challenge criteria do not parse: {e}")))?;
    Criteria::new(
        stored
            .into_iter()
            .map(|(name, weight)| Criterion { name, weight })
            .collect(),
    )
}

fn criteria_json(criteria: &Criteria) -> CoreResult<String> {
    let pairs: Vec<(&str, u32)> = criteria
        .criteria()
        .iter()
        .map(|c| (c.name.as_str(), c.weight))
        .collect();
    serde_json::to_string(&pairs).map_err(|e| CoreError::Internal(e.to_string()))
}

/// Whether `actor` may publish challenges, and which kind in which organisation's
/// name: an enterprise user, a broker acting for an enterprise, or bureau staff, each
/// a confirmed member of their organisation.
///
/// # Errors
/// `Forbidden` naming what is missing.
pub fn may_publish(actor: &User) -> CoreResult<(ChallengeKind, i64)> {
    let kind = ChallengeKind::of(actor.role)
        .filter(|_| {
            actor.role != Role::Broker || actor.acting_as == Some(crate::posting::PostingKind::Need)
        })
        .ok_or_else(|| CoreError::Forbidden(t!("challenge-publish-refused")))?;
    match (actor.org_id, actor.org_confirmed) {
        (Some(org), true) => Ok((kind, org)),
        _ => Err(CoreError::Forbidden(t!(
            "challenge-publish-no-organisation"
        ))),
    }
}

/// A new draft challenge of the actor's organisation. Returns its id.
///
/// # Errors
/// `Forbidden` for a role that does not publish challenges or an unconfirmed
/// membership; `Invalid` for bad content.
pub async fn create(
    conn: &impl ConnectionTrait,
    actor: &User,
    input: &ChallengeInput,
    now: DateTime<Utc>,
) -> CoreResult<i64> {
    let (kind, org) = may_publish(actor)?;
    // The organisation's row is locked first (on PostgreSQL; SQLite has one writer), so
    // that drafts created at once cannot both squeeze under the cap.
    let provisional = organisation::Entity::find_by_id(org)
        .lock_exclusive()
        .one(conn)
        .await?
        .is_some_and(|o| o.provisional);
    let drafts = challenge::Entity::find()
        .filter(challenge::Column::PublisherOrgId.eq(org))
        .filter(challenge::Column::Status.eq(ChallengeStatus::Draft.code()))
        .count(conn)
        .await?;
    let max = organisations::allowance(MAX_OPEN_DRAFTS, provisional);
    if drafts >= max {
        return Err(CoreError::Conflict(if provisional {
            t!("challenge-draft-quota-provisional", max = max)
        } else {
            t!("challenge-draft-quota", max = max)
        }));
    }
    input.check()?;
    let defaults: Vec<Criterion> = default_criteria()
        .into_iter()
        .map(|(name, weight)| Criterion { name, weight })
        .collect();
    let criteria = criteria_json(&Criteria::new(defaults)?)?;
    let saved = challenge::ActiveModel {
        public_id: Set(public_id()),
        kind: Set(kind.code().to_owned()),
        publisher_org_id: Set(org),
        created_by: Set(actor.id),
        status: Set(ChallengeStatus::Draft.code().to_owned()),
        criteria: Set(criteria),
        drop_extremes: Set(false),
        publicity_working_days: Set(calendar::DEFAULT_PUBLICITY_WORKING_DAYS as i32),
        created_at: Set(now),
        ..content(input, now)
    }
    .insert(conn)
    .await?;
    record_event(
        conn,
        saved.id,
        None,
        Some(actor),
        "challenge.create",
        None,
        now,
    )
    .await?;
    Ok(saved.id)
}

fn content(input: &ChallengeInput, now: DateTime<Utc>) -> challenge::ActiveModel {
    let metrics: Vec<&str> = input
        .metrics
        .iter()
        .map(|m| m.trim())
        .filter(|m| !m.is_empty())
        .collect();
    challenge::ActiveModel {
        title: Set(input.title.trim().to_owned()),
        industry: Set(input.industry.clone().filter(|i| !i.trim().is_empty())),
        keywords: Set(input.keywords.join("\n")),
        background: Set(input.background.trim().to_owned()),
        problem: Set(input.problem.trim().to_owned()),
        metrics: Set(metrics.join("\n")),
        scenario: Set(input.scenario.trim().to_owned()),
        final_user: Set(input.final_user.trim().to_owned()),
        reward_enterprise_yuan: Set(input.reward_enterprise_yuan),
        reward_subsidy_yuan: Set(input.reward_subsidy_yuan),
        bid_deadline: Set(input.bid_deadline),
        completion_months: Set(i32::from(input.completion_months)),
        eligibility: Set(input.eligibility.trim().to_owned()),
        horse_race: Set(input.horse_race),
        max_winners: Set(i32::from(input.max_winners)),
        confidentiality: Set(input.confidentiality.clone()),
        contact_name: Set(input.contact_name.trim().to_owned()),
        contact_phone: Set(input.contact_phone.trim().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// The publisher rewrites a draft (or a challenge the bureau sent back).
///
/// # Errors
/// `Forbidden` for anyone but the publisher; `IllegalTransition` once submitted.
pub async fn edit(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    input: &ChallengeInput,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    let found = model(conn, id).await?;
    if !is_publisher(actor, &found) {
        return Err(CoreError::Forbidden(t!("challenge-publisher-only")));
    }
    if status_of(&found)? != ChallengeStatus::Draft {
        return Err(CoreError::IllegalTransition {
            from: found.status.clone(),
            to: "edit".to_owned(),
            reason: t!("challenge-edit-not-draft"),
        });
    }
    input.check()?;
    let changed = challenge::Entity::update_many()
        .set(content(input, now))
        .filter(challenge::Column::Id.eq(id))
        .filter(challenge::Column::Status.eq(ChallengeStatus::Draft.code()))
        .exec(conn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(CoreError::Conflict(t!("challenge-changed-meanwhile")));
    }
    record_event(conn, id, None, Some(actor), "challenge.edit", None, now).await
}

/// Counts what the lifecycle needs to know.
async fn facts(
    conn: &impl ConnectionTrait,
    found: &challenge::Model,
    now: DateTime<Utc>,
) -> CoreResult<ChallengeFacts> {
    let bid_rows = bid::Entity::find()
        .filter(bid::Column::ChallengeId.eq(found.id))
        .all(conn)
        .await?;
    let mut statuses = Vec::with_capacity(bid_rows.len());
    for row in &bid_rows {
        statuses.push(BidStatus::from_code(&row.status)?);
    }
    let count = |f: fn(BidStatus) -> bool| statuses.iter().filter(|s| f(**s)).count();
    let missing = if found.status == ChallengeStatus::Selection.code() {
        let gaps = review_gaps_of(conn, found.id, &bid_rows).await?;
        gaps.missing.len() + gaps.unscorable.len()
    } else {
        0
    };
    let experts = challenge_expert::Entity::find()
        .filter(challenge_expert::Column::ChallengeId.eq(found.id))
        .count(conn)
        .await?;
    let unanswered = objection::Entity::find()
        .filter(objection::Column::ChallengeId.eq(found.id))
        .filter(objection::Column::AnsweredAt.is_null())
        .count(conn)
        .await?;
    Ok(ChallengeFacts {
        now,
        bid_deadline: found.bid_deadline,
        new_bid_deadline: None,
        submitted_bids: count(BidStatus::counts_as_submitted),
        bids_awaiting_formal_review: count(BidStatus::awaits_formal_review),
        bids_passed_formal_review: count(|s| {
            !matches!(
                s,
                BidStatus::Draft
                    | BidStatus::Withdrawn
                    | BidStatus::Submitted
                    | BidStatus::Returned
                    | BidStatus::NotAccepted
            )
        }),
        missing_expert_scores: missing,
        experts: usize::try_from(experts).unwrap_or(usize::MAX),
        proposed_winners: count(|s| s == BidStatus::Shortlisted),
        max_winners: usize::try_from(found.max_winners).unwrap_or(1),
        publicity_ends: found.publicity_ends,
        unanswered_objections: usize::try_from(unanswered).unwrap_or(usize::MAX),
        task_book_recorded: found.task_book.is_some(),
        winners_accepted: count(|s| s == BidStatus::Accepted),
        winners_pending_acceptance: count(|s| {
            matches!(s, BidStatus::Awarded | BidStatus::InExecution)
        }),
        reason_given: false,
    })
}

/// What stands between the expert review and a proposal of winners: the sheets still
/// owed and the bids nothing would rank.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewGaps {
    /// `(expert, bid)` pairs whose sheet is owed, by expert then bid.
    pub missing: Vec<(i64, i64)>,
    /// Bids in review that no sheet ranks or will rank: every expert conflicted, or
    /// every sheet voided. The bureau seats another expert.
    pub unscorable: Vec<i64>,
}

/// The gaps of a call's expert review, as the proposal of winners checks them: the
/// bureau's pages show the same.
///
/// # Errors
/// Database errors.
pub async fn review_gaps(conn: &impl ConnectionTrait, id: i64) -> CoreResult<ReviewGaps> {
    let bid_rows = bids::of_challenge(conn, id).await?;
    review_gaps_of(conn, id, &bid_rows).await
}

/// As [`review_gaps`], for the bids already read. A voided sheet is not owed (its expert
/// has seen the others' scores and writes no second one on that bid) and ranks nothing.
async fn review_gaps_of(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
    bid_rows: &[bid::Model],
) -> CoreResult<ReviewGaps> {
    let panel: Vec<Expert> = challenge_expert::Entity::find()
        .filter(challenge_expert::Column::ChallengeId.eq(challenge_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|e| Expert {
            id: e.expert_user_id,
            org: e.expert_org_id,
        })
        .collect();
    let mut parties = Vec::new();
    for row in bid_rows {
        if row.status == BidStatus::InExpertReview.code() {
            parties.push(bids::parties(row)?);
        }
    }
    let sheets = expert_score::Entity::find()
        .filter(expert_score::Column::ChallengeId.eq(challenge_id))
        .all(conn)
        .await?;
    let handed_in: Vec<(i64, i64)> = sheets
        .iter()
        .map(|s| (s.expert_user_id, s.bid_id))
        .collect();
    let counting: Vec<(i64, i64)> = sheets
        .iter()
        .filter(|s| s.voided_at.is_none())
        .map(|s| (s.expert_user_id, s.bid_id))
        .collect();
    Ok(ReviewGaps {
        missing: scoring::missing_sheets(&panel, &parties, &handed_in),
        unscorable: scoring::unscorable_bids(&panel, &parties, &handed_in, &counting),
    })
}

/// Moves the challenge from `from` to `to` unless someone else moved it first.
async fn set_status(
    conn: &impl ConnectionTrait,
    id: i64,
    from: ChallengeStatus,
    to: ChallengeStatus,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    let mut update = challenge::Entity::update_many()
        .col_expr(challenge::Column::Status, Expr::value(to.code()))
        .col_expr(challenge::Column::UpdatedAt, Expr::value(now));
    // The reason belongs to this move only: an old rejection must not outlive it.
    update = update.col_expr(
        challenge::Column::StatusReason,
        Expr::value(reason.map(str::to_owned)),
    );
    let changed = update
        .filter(challenge::Column::Id.eq(id))
        .filter(challenge::Column::Status.eq(from.code()))
        .exec(conn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(CoreError::Conflict(t!("challenge-changed-meanwhile")));
    }
    if to == ChallengeStatus::Open && from == ChallengeStatus::UnderReview {
        // The first publication is what makes the challenge public for good.
        challenge::Entity::update_many()
            .col_expr(challenge::Column::PublishedAt, Expr::value(now))
            .filter(challenge::Column::Id.eq(id))
            .filter(challenge::Column::PublishedAt.is_null())
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// What someone asks of the challenge, beyond the action itself.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    pub reason: Option<String>,
    /// For republishing after 流榜.
    pub new_bid_deadline: Option<DateTime<Utc>>,
}

/// Takes one of the challenge actions that need nothing but a reason or a new
/// deadline: submit, approve, reject, republish, close, declare unfilled, withdraw,
/// terminate, revoke the 公示. Returns the new status.
///
/// # Errors
/// `Forbidden`/`IllegalTransition` with the lifecycle's reason; `Conflict` when someone
/// else changed the challenge first.
pub async fn act(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    action: ChallengeAction,
    input: &ActionInput,
    now: DateTime<Utc>,
) -> CoreResult<ChallengeStatus> {
    use ChallengeAction as A;
    if matches!(
        action,
        A::CloseBidding | A::ProposeWinners | A::Award | A::StartExecution | A::Accept | A::Fail
    ) {
        return Err(CoreError::invalid(
            "action",
            t!("challenge-action-dedicated"),
        ));
    }
    settle(conn, id, now).await?;
    let found = model(conn, id).await?;
    let from = status_of(&found)?;
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let mut facts = facts(conn, &found, now).await?;
    facts.reason_given = reason.is_some();
    facts.new_bid_deadline = input.new_bid_deadline;
    let to = lifecycle::transition(from, action, actor_for(actor, &found, action), &facts)?;
    set_status(conn, id, from, to, reason, now).await?;
    if let (A::Republish, Some(deadline)) = (action, input.new_bid_deadline) {
        challenge::Entity::update_many()
            .col_expr(challenge::Column::BidDeadline, Expr::value(deadline))
            .filter(challenge::Column::Id.eq(id))
            .exec(conn)
            .await?;
    }
    if action == A::RevokePublicity {
        bids::reconsider_all(conn, id, now).await?;
        challenge::Entity::update_many()
            .col_expr(
                challenge::Column::PublicityEnds,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(challenge::Column::Id.eq(id))
            .exec(conn)
            .await?;
    }
    let code = format!("challenge.{}", action.code());
    record_event(conn, id, None, Some(actor), &code, reason, now).await?;
    Ok(to)
}

/// The status the clock has given an open challenge whose bid deadline has passed
/// (selection, or 流榜 without a submitted bid), before anyone has written it; `None`
/// when the clock has decided nothing.
async fn clock_decision(
    conn: &impl ConnectionTrait,
    found: &challenge::Model,
    now: DateTime<Utc>,
) -> CoreResult<Option<ChallengeStatus>> {
    if found.status != ChallengeStatus::Open.code() || now < found.bid_deadline {
        return Ok(None);
    }
    let facts = facts(conn, found, now).await?;
    let to = lifecycle::transition(
        ChallengeStatus::Open,
        ChallengeAction::CloseBidding,
        Actor::System,
        &facts,
    )?;
    Ok(Some(to))
}

/// The challenge as the clock has it at `now`, written or not: reads use this, so no
/// read has to write and none shows a call open after its deadline while the
/// background settler has yet to record the close.
///
/// # Errors
/// Database errors.
pub async fn as_of(
    conn: &impl ConnectionTrait,
    found: challenge::Model,
    now: DateTime<Utc>,
) -> CoreResult<challenge::Model> {
    Ok(match clock_decision(conn, &found, now).await? {
        Some(to) => challenge::Model {
            status: to.code().to_owned(),
            ..found
        },
        None => found,
    })
}

/// The challenge `id` as the clock has it at `now` ([`as_of`]).
///
/// # Errors
/// `NotFound`, or database errors.
pub async fn model_as_of(
    conn: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> CoreResult<challenge::Model> {
    as_of(conn, model(conn, id).await?, now).await
}

/// Records what the clock decided: an open challenge whose bid deadline has passed
/// goes to selection, or to 流榜 without a submitted bid. Actions call this in their
/// transaction before deciding; the server's deadline job calls it for every call due.
///
/// # Errors
/// Database errors.
pub async fn settle(conn: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> CoreResult<()> {
    let found = model(conn, id).await?;
    let Some(to) = clock_decision(conn, &found, now).await? else {
        return Ok(());
    };
    match set_status(conn, id, ChallengeStatus::Open, to, None, now).await {
        // Another request settled it first: the outcome is the same.
        Err(CoreError::Conflict(_)) => return Ok(()),
        other => other?,
    }
    record_event(conn, id, None, None, "challenge.close_bidding", None, now).await
}

/// Settles every open challenge whose deadline has passed, each in a transaction of
/// its own: a call that cannot be settled (and is logged) holds back no other, and a
/// close is recorded with its timeline step or not at all, so its notices follow.
/// Returns how many were settled.
///
/// # Errors
/// Database errors finding the calls due.
pub async fn settle_all<C>(db: &C, now: DateTime<Utc>) -> CoreResult<usize>
where
    C: ConnectionTrait + TransactionTrait,
{
    let due: Vec<i64> = challenge::Entity::find()
        .filter(challenge::Column::Status.eq(ChallengeStatus::Open.code()))
        .filter(challenge::Column::BidDeadline.lte(now))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let mut settled = 0;
    for id in due {
        let txn = db.begin().await?;
        match settle(&txn, id, now).await {
            Ok(()) => {
                txn.commit().await?;
                settled += 1;
            }
            Err(error) => {
                tracing::warn!(challenge = id, %error, "cannot settle the call's deadline");
                txn.rollback().await?;
            }
        }
    }
    Ok(settled)
}

pub(crate) fn check_bureau(actor: &User) -> CoreResult<()> {
    if actor.role.is_bureau() {
        Ok(())
    } else {
        Err(CoreError::Forbidden(t!("challenge-bureau-only")))
    }
}

/// The bureau sets the weighted criteria of the expert review, before any score.
///
/// # Errors
/// `Forbidden` unless bureau; `Invalid` criteria; `IllegalTransition` once scoring began.
pub async fn set_criteria(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    criteria: &Criteria,
    drop_extremes: bool,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    check_bureau(actor)?;
    let found = model(conn, id).await?;
    let scored = expert_score::Entity::find()
        .filter(expert_score::Column::ChallengeId.eq(id))
        .count(conn)
        .await?;
    if scored > 0 || status_of(&found)?.is_final() {
        return Err(CoreError::IllegalTransition {
            from: found.status,
            to: "criteria".to_owned(),
            reason: t!("challenge-criteria-frozen"),
        });
    }
    challenge::Entity::update_many()
        .col_expr(
            challenge::Column::Criteria,
            Expr::value(criteria_json(criteria)?),
        )
        .col_expr(challenge::Column::DropExtremes, Expr::value(drop_extremes))
        .filter(challenge::Column::Id.eq(id))
        .exec(conn)
        .await?;
    record_event(conn, id, None, Some(actor), "challenge.criteria", None, now).await
}

/// The bureau sets how many working days the challenge's 公示 lasts (default 5), any
/// time before it starts.
///
/// # Errors
/// `Forbidden` unless bureau; `Invalid` outside 1–60 days; `IllegalTransition` once the
/// 公示 has started.
pub async fn set_publicity_days(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    working_days: u32,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    check_bureau(actor)?;
    let days = calendar::check_working_days(working_days)?;
    let found = model(conn, id).await?;
    let status = status_of(&found)?;
    let before_publicity = matches!(
        status,
        ChallengeStatus::Draft
            | ChallengeStatus::UnderReview
            | ChallengeStatus::Open
            | ChallengeStatus::Unfilled
            | ChallengeStatus::Selection
    );
    if !before_publicity {
        return Err(CoreError::IllegalTransition {
            from: found.status,
            to: "publicity_days".to_owned(),
            reason: t!("challenge-publicity-days-frozen"),
        });
    }
    challenge::Entity::update_many()
        .col_expr(
            challenge::Column::PublicityWorkingDays,
            Expr::value(i32::try_from(days).unwrap_or(i32::MAX)),
        )
        .filter(challenge::Column::Id.eq(id))
        .exec(conn)
        .await?;
    let detail = days.to_string();
    record_event(
        conn,
        id,
        None,
        Some(actor),
        "challenge.publicity_days",
        Some(&detail),
        now,
    )
    .await
}

/// The bureau puts an expert on the challenge's panel; their organisation now is what
/// conflicts of interest are judged against.
///
/// # Errors
/// `Forbidden` unless bureau; `Invalid` for a user who is not an expert or whose
/// organisation bids on the call (alone or in a linked consortium); `Conflict` when
/// already on the panel, or while the organisation may be a consortium member of a
/// submitted bid that the bureau has not checked yet (the reason names the bid).
pub async fn assign_expert(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    expert_id: i64,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    check_bureau(actor)?;
    let read = crate::services::users::get(conn, expert_id).await?;
    if let Some(org) = read.org_id {
        // Before the call's lock, as a merge takes both organisations' rows before the
        // calls': a merge of the expert's organisation sees this seat, or this seat sees
        // the merged organisation.
        organisations::hold_against_merge(conn, org).await?;
    }
    panel_open(conn, actor, id).await?;
    let expert = crate::services::users::get(conn, expert_id).await?;
    if expert.org_id != read.org_id {
        return Err(CoreError::Conflict(t!("challenge-changed-meanwhile")));
    }
    if expert.role != Role::Expert {
        return Err(CoreError::invalid(
            "expert",
            t!(
                "challenge-not-an-expert",
                name = expert.display_name.as_str()
            ),
        ));
    }
    let exists = challenge_expert::Entity::find()
        .filter(challenge_expert::Column::ChallengeId.eq(id))
        .filter(challenge_expert::Column::ExpertUserId.eq(expert_id))
        .count(conn)
        .await?;
    if exists > 0 {
        return Err(CoreError::Conflict(t!("challenge-expert-already")));
    }
    check_expert_unconflicted(conn, id, &expert).await?;
    check_no_unchecked_member(conn, id, &expert).await?;
    challenge_expert::ActiveModel {
        challenge_id: Set(id),
        expert_user_id: Set(expert_id),
        expert_org_id: Set(expert.org_id),
        assigned_by: Set(actor.id),
        assigned_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let detail = expert_id.to_string();
    record_event(
        conn,
        id,
        None,
        Some(actor),
        "challenge.assign_expert",
        Some(&detail),
        now,
    )
    .await
}

/// The bureau takes an expert off the challenge's panel, e.g. because their organisation
/// turned out to be a consortium member of a bid ([`bids::link_member`] waits for it).
/// An expert with a sheet that counts stays: the sheet is final and counts in the
/// ranking, and the record must show who wrote it; the bureau voids it first
/// ([`bids::void_sheet`]) when it must not count. The expert is told (a personal notice:
/// see the web crate's notices).
///
/// # Errors
/// `Forbidden` unless bureau; `Invalid` once the call is over; `NotFound` for an expert
/// not on the panel; `Conflict` for an expert with a sheet that counts.
pub async fn unassign_expert(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    expert_id: i64,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    panel_open(conn, actor, id).await?;
    let Some(seat) = seat_of(conn, id, expert_id).await? else {
        return Err(CoreError::NotFound {
            what: t!("what-panel-seat"),
            id: expert_id.to_string(),
        });
    };
    if !unseat(conn, &seat).await? {
        let expert = crate::services::users::get(conn, expert_id).await?;
        return Err(CoreError::Conflict(t!(
            "challenge-expert-has-scored",
            name = expert.display_name.as_str()
        )));
    }
    let detail = expert_id.to_string();
    record_event(
        conn,
        id,
        None,
        Some(actor),
        "challenge.unassign_expert",
        Some(&detail),
        now,
    )
    .await
}

/// An expert declares a conflict of interest on a call whose panel they sit on (they
/// advised a bidder, a relative works for one…) and recuses themselves: they leave the
/// panel at once, their reason goes on the call's timeline and in the audit log, and the
/// bureau is told. Only before they have a sheet that counts: once they have scored, the
/// bureau decides whether to void it (the reason refused says so).
///
/// # Errors
/// `Forbidden` for anyone not on the call's panel; `Invalid` without a reason or once
/// the call is over; `Conflict` once they have a sheet that counts.
pub async fn declare_conflict(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    // The seat is looked up before anything is locked, and anyone without one gets the
    // same refusal whether the call exists or not: a stranger learns nothing of calls
    // they cannot see, and locks none of them.
    let not_on_panel = || CoreError::Forbidden(t!("challenge-conflict-not-on-panel"));
    if actor.role != Role::Expert || seat_of(conn, id, actor.id).await?.is_none() {
        return Err(not_on_panel());
    }
    // Locked as seating, unseating and scoring lock it; the seat is read again under it.
    let found = locked(conn, id).await?;
    let seat = seat_of(conn, id, actor.id)
        .await?
        .ok_or_else(not_on_panel)?;
    if status_of(&found)?.is_final() {
        return Err(CoreError::invalid(
            "challenge",
            t!("challenge-refused-final"),
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > bids::MAX_REASON_CHARS {
        return Err(CoreError::invalid(
            "reason",
            t!("challenge-conflict-reason", max = bids::MAX_REASON_CHARS),
        ));
    }
    if !unseat(conn, &seat).await? {
        return Err(CoreError::Conflict(t!("challenge-conflict-after-scoring")));
    }
    record_event(
        conn,
        id,
        None,
        Some(actor),
        "challenge.declare_conflict",
        Some(reason),
        now,
    )
    .await
}

async fn seat_of(
    conn: &impl ConnectionTrait,
    id: i64,
    expert_id: i64,
) -> CoreResult<Option<challenge_expert::Model>> {
    Ok(challenge_expert::Entity::find()
        .filter(challenge_expert::Column::ChallengeId.eq(id))
        .filter(challenge_expert::Column::ExpertUserId.eq(expert_id))
        .one(conn)
        .await?)
}

/// Removes a seat whose expert has no sheet that counts on the call; `false` (and
/// nothing removed) when they have one.
async fn unseat(conn: &impl ConnectionTrait, seat: &challenge_expert::Model) -> CoreResult<bool> {
    let sheets = expert_score::Entity::find()
        .filter(expert_score::Column::ChallengeId.eq(seat.challenge_id))
        .filter(expert_score::Column::ExpertUserId.eq(seat.expert_user_id))
        .filter(expert_score::Column::VoidedAt.is_null())
        .count(conn)
        .await?;
    if sheets > 0 {
        return Ok(false);
    }
    challenge_expert::Entity::delete_many()
        .filter(challenge_expert::Column::Id.eq(seat.id))
        .exec(conn)
        .await?;
    Ok(true)
}

/// Refuses to seat an expert whose organisation bids on the call, as lead or as a
/// linked consortium member, drafts included: they could score only the others, their
/// competitors. The refusal names the organisation, so the bureau knows why.
async fn check_expert_unconflicted(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
    expert: &User,
) -> CoreResult<()> {
    let Some(org) = expert.org_id else {
        return Ok(());
    };
    let bidding = bid::Entity::find()
        .filter(bid::Column::ChallengeId.eq(challenge_id))
        .filter(bid::Column::Status.ne(BidStatus::Withdrawn.code()))
        .all(conn)
        .await?;
    for row in &bidding {
        if scoring::conflicts(Some(org), &bids::parties(row)?.orgs) {
            let names = organisations::names_by_id(conn, [org]).await?;
            let org_name = names.get(&org).map_or("", String::as_str);
            return Err(CoreError::invalid(
                "expert",
                t!(
                    "challenge-expert-conflicted",
                    name = expert.display_name.as_str(),
                    org = org_name
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses to seat an expert whose organisation may be a consortium member of a
/// submitted bid that the bureau has not checked yet (a verified organisation sharing
/// the member's USCC or name): seated, the expert would block the link the bureau is
/// about to make, or read a bid of their own organisation. Declining the member (or
/// linking it elsewhere) seats them.
async fn check_no_unchecked_member(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
    expert: &User,
) -> CoreResult<()> {
    let Some(org_id) = expert.org_id else {
        return Ok(());
    };
    let Some(org) = organisation::Entity::find_by_id(org_id).one(conn).await? else {
        return Ok(());
    };
    let in_play = [
        BidStatus::Submitted.code(),
        BidStatus::Returned.code(),
        BidStatus::InExpertReview.code(),
    ];
    let submitted = bid::Entity::find()
        .filter(bid::Column::ChallengeId.eq(challenge_id))
        .filter(bid::Column::Status.is_in(in_play))
        .order_by_asc(bid::Column::Id)
        .all(conn)
        .await?;
    for row in &submitted {
        if let Some(index) = bids::pending_member_for(&org, row)? {
            return Err(CoreError::Conflict(t!(
                "challenge-expert-member-unchecked",
                name = expert.display_name.as_str(),
                org = org.name.as_str(),
                bid = row.id,
                number = index.saturating_add(1)
            )));
        }
    }
    Ok(())
}

/// The ranking of the bids in expert review, for the bureau (and for experts, each bid
/// only once they have scored it: see `scoring::may_see_others`).
///
/// # Errors
/// Database errors.
pub async fn ranking(conn: &impl ConnectionTrait, id: i64) -> CoreResult<Vec<scoring::BidRanking>> {
    let found = model(conn, id).await?;
    let criteria = criteria_of(&found)?;
    let sheets = bids::score_sheets(conn, id, &criteria).await?;
    Ok(scoring::aggregate(&criteria, &sheets, found.drop_extremes))
}

/// The bureau proposes the winners and opens the 公示 for the challenge's number of
/// working days.
///
/// # Errors
/// As the lifecycle decides; `Invalid` for a bid that is not in expert review.
pub async fn propose_winners(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    winners: &[i64],
    calendar: &WorkCalendar,
    now: DateTime<Utc>,
) -> CoreResult<DateTime<Utc>> {
    check_bureau(actor)?;
    // Locked as scoring, voiding and seating lock it: the sheets and the panel the
    // proposal is checked against stay as read until it is recorded.
    let found = locked(conn, id).await?;
    let from = status_of(&found)?;
    let mut facts = facts(conn, &found, now).await?;
    let candidates = bids::in_expert_review(conn, id).await?;
    if let Some(stranger) = winners.iter().find(|w| !candidates.contains(w)) {
        return Err(CoreError::invalid(
            "winners",
            t!("challenge-winner-not-candidate", bid = *stranger),
        ));
    }
    let mut unique = winners.to_vec();
    unique.sort_unstable();
    unique.dedup();
    facts.proposed_winners = unique.len();
    let to = lifecycle::transition(from, ChallengeAction::ProposeWinners, Actor::Bureau, &facts)?;
    let days = u32::try_from(found.publicity_working_days).unwrap_or(5);
    let ends = calendar::publicity_ends(now, days, calendar)?;
    set_status(conn, id, from, to, None, now).await?;
    challenge::Entity::update_many()
        .col_expr(challenge::Column::PublicityStarts, Expr::value(now))
        .col_expr(challenge::Column::PublicityEnds, Expr::value(ends))
        .filter(challenge::Column::Id.eq(id))
        .exec(conn)
        .await?;
    for bid_id in candidates {
        let action = if unique.contains(&bid_id) {
            BidAction::Shortlist
        } else {
            BidAction::NotSelect
        };
        bids::bureau_step(conn, actor, bid_id, action, None, now).await?;
    }
    let detail = unique
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    record_event(
        conn,
        id,
        None,
        Some(actor),
        "challenge.propose_winners",
        Some(&detail),
        now,
    )
    .await?;
    Ok(ends)
}

/// Anyone logged in lodges an objection (异议) during the 公示.
///
/// # Errors
/// `IllegalTransition` outside the 公示; `Invalid` without a reason.
pub async fn object(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    bid_id: Option<i64>,
    reason: &str,
    now: DateTime<Utc>,
) -> CoreResult<i64> {
    let found = model(conn, id).await?;
    if !objections_open(&found, now) {
        return Err(CoreError::IllegalTransition {
            from: found.status,
            to: "object".to_owned(),
            reason: t!("challenge-objection-closed"),
        });
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 5_000 {
        return Err(CoreError::invalid(
            "reason",
            t!("challenge-objection-reason"),
        ));
    }
    // An objection concerns one of this 公示's proposed winners, or the call as a whole.
    if let Some(bid_id) = bid_id {
        let concerned = bid::Entity::find_by_id(bid_id).one(conn).await?;
        let proposed = concerned
            .is_some_and(|b| b.challenge_id == id && b.status == BidStatus::Shortlisted.code());
        if !proposed {
            return Err(CoreError::invalid("bid_id", t!("challenge-objection-bid")));
        }
    }
    let saved = objection::ActiveModel {
        challenge_id: Set(id),
        bid_id: Set(bid_id),
        user_id: Set(actor.id),
        reason: Set(reason.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    record_event(
        conn,
        id,
        bid_id,
        Some(actor),
        "challenge.objection",
        None,
        now,
    )
    .await?;
    Ok(saved.id)
}

/// Whether the 公示 of this call is running at `now`, so objections may be lodged.
pub fn objections_open(model: &challenge::Model, now: DateTime<Utc>) -> bool {
    model.status == ChallengeStatus::Publicity.code()
        && model
            .publicity_ends
            .is_some_and(|ends| calendar::is_open(now, ends))
}

/// The bureau answers an objection; an upheld objection is followed by revoking the
/// 公示 (and proposing again) or by denying the award to the bid it concerns.
///
/// # Errors
/// `Forbidden` unless bureau; `Conflict` when already answered; `Invalid` without text.
pub async fn answer_objection(
    conn: &impl ConnectionTrait,
    actor: &User,
    objection_id: i64,
    answer: &str,
    upheld: bool,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    check_bureau(actor)?;
    let answer = answer.trim();
    if answer.is_empty() {
        return Err(CoreError::invalid(
            "answer",
            t!("challenge-objection-answer"),
        ));
    }
    let found = objection::Entity::find_by_id(objection_id)
        .one(conn)
        .await?
        .ok_or_else(|| CoreError::NotFound {
            what: t!("what-objection"),
            id: objection_id.to_string(),
        })?;
    let changed = objection::Entity::update_many()
        .col_expr(objection::Column::Answer, Expr::value(answer))
        .col_expr(objection::Column::Upheld, Expr::value(upheld))
        .col_expr(objection::Column::AnsweredBy, Expr::value(actor.id))
        .col_expr(objection::Column::AnsweredAt, Expr::value(now))
        .filter(objection::Column::Id.eq(objection_id))
        .filter(objection::Column::AnsweredAt.is_null())
        .exec(conn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(CoreError::Conflict(t!("challenge-objection-answered")));
    }
    let code = if upheld {
        "challenge.objection_upheld"
    } else {
        "challenge.objection_rejected"
    };
    record_event(
        conn,
        found.challenge_id,
        found.bid_id,
        Some(actor),
        code,
        Some(answer),
        now,
    )
    .await
}

/// After the 公示: the shortlisted bids are awarded (except those denied after an
/// upheld objection, `denied`), and the challenge is awarded.
///
/// # Errors
/// As the lifecycle decides.
pub async fn award(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    denied: &[(i64, String)],
    now: DateTime<Utc>,
) -> CoreResult<()> {
    check_bureau(actor)?;
    let found = model(conn, id).await?;
    let from = status_of(&found)?;
    let facts = facts(conn, &found, now).await?;
    let to = lifecycle::transition(from, ChallengeAction::Award, Actor::Bureau, &facts)?;
    let shortlisted = bids::with_status(conn, id, BidStatus::Shortlisted).await?;
    if shortlisted
        .iter()
        .all(|b| denied.iter().any(|(d, _)| d == b))
    {
        return Err(CoreError::invalid("denied", t!("challenge-award-nobody")));
    }
    set_status(conn, id, from, to, None, now).await?;
    for bid_id in shortlisted {
        match denied.iter().find(|(d, _)| *d == bid_id) {
            Some((_, reason)) => {
                bids::bureau_step(conn, actor, bid_id, BidAction::DenyAward, Some(reason), now)
                    .await?
            }
            None => bids::bureau_step(conn, actor, bid_id, BidAction::Award, None, now).await?,
        }
    }
    record_event(conn, id, None, Some(actor), "challenge.award", None, now).await
}

/// The agreement and task book are signed: the winners start work on their milestones.
///
/// # Errors
/// As the lifecycle decides; `Invalid` task book.
pub async fn start_execution(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    task_book: &TaskBook,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    check_bureau(actor)?;
    if task_book.agreement_no.trim().is_empty()
        || task_book.ends_on <= task_book.starts_on
        || task_book.total_yuan < 0
    {
        return Err(CoreError::invalid(
            "task_book",
            t!("challenge-task-book-invalid"),
        ));
    }
    let found = model(conn, id).await?;
    let from = status_of(&found)?;
    let mut facts = facts(conn, &found, now).await?;
    facts.task_book_recorded = true;
    let to = lifecycle::transition(from, ChallengeAction::StartExecution, Actor::Bureau, &facts)?;
    set_status(conn, id, from, to, None, now).await?;
    let json = serde_json::to_string(task_book).map_err(|e| CoreError::Internal(e.to_string()))?;
    challenge::Entity::update_many()
        .col_expr(challenge::Column::TaskBook, Expr::value(json))
        .filter(challenge::Column::Id.eq(id))
        .exec(conn)
        .await?;
    for bid_id in bids::with_status(conn, id, BidStatus::Awarded).await? {
        bids::bureau_step(conn, actor, bid_id, BidAction::StartExecution, None, now).await?;
    }
    record_event(
        conn,
        id,
        None,
        Some(actor),
        "challenge.start_execution",
        None,
        now,
    )
    .await
}

/// Ends the challenge when no winner is left working: accepted when one passed
/// acceptance, failed otherwise. Called after every milestone and acceptance decision.
///
/// # Errors
/// Database errors.
pub async fn conclude_if_done(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    now: DateTime<Utc>,
) -> CoreResult<Option<ChallengeStatus>> {
    let found = model(conn, id).await?;
    if found.status != ChallengeStatus::InExecution.code() {
        return Ok(None);
    }
    let facts = facts(conn, &found, now).await?;
    if facts.winners_pending_acceptance > 0 {
        return Ok(None);
    }
    let action = if facts.winners_accepted > 0 {
        ChallengeAction::Accept
    } else {
        ChallengeAction::Fail
    };
    let to = lifecycle::transition(ChallengeStatus::InExecution, action, Actor::Bureau, &facts)?;
    set_status(conn, id, ChallengeStatus::InExecution, to, None, now).await?;
    let code = format!("challenge.{}", action.code());
    record_event(conn, id, None, Some(actor), &code, None, now).await?;
    Ok(Some(to))
}

/// Public and bureau listing: the challenges people may see, newest first, each as
/// the clock has it at `now` ([`as_of`]).
///
/// # Errors
/// Database errors.
pub async fn list(
    conn: &impl ConnectionTrait,
    viewer: Option<&User>,
    now: DateTime<Utc>,
) -> CoreResult<Vec<challenge::Model>> {
    let all = challenge::Entity::find()
        .order_by_desc(challenge::Column::Id)
        .all(conn)
        .await?;
    let mut visible = Vec::with_capacity(all.len());
    for found in all {
        if !may_see(viewer, &found) {
            continue;
        }
        // One call the clock cannot be read for (logged) shows as stored rather than
        // failing the whole list.
        match as_of(conn, found.clone(), now).await {
            Ok(read) => visible.push(read),
            Err(error) => {
                tracing::warn!(challenge = found.id, %error, "cannot read the call as of now");
                visible.push(found);
            }
        }
    }
    Ok(visible)
}

/// The timeline of a challenge, oldest first.
///
/// # Errors
/// Database errors.
pub async fn timeline(
    conn: &impl ConnectionTrait,
    id: i64,
) -> CoreResult<Vec<challenge_event::Model>> {
    Ok(challenge_event::Entity::find()
        .filter(challenge_event::Column::ChallengeId.eq(id))
        .order_by_asc(challenge_event::Column::Id)
        .all(conn)
        .await?)
}

/// The objections of a challenge, oldest first.
///
/// # Errors
/// Database errors.
pub async fn objections(conn: &impl ConnectionTrait, id: i64) -> CoreResult<Vec<objection::Model>> {
    Ok(objection::Entity::find()
        .filter(objection::Column::ChallengeId.eq(id))
        .order_by_asc(objection::Column::Id)
        .all(conn)
        .await?)
}

/// The yuan amounts of a challenge's reward as 万元, for display.
pub fn reward_wan(model: &challenge::Model) -> (Option<Wan>, Option<Wan>) {
    (
        Wan::from_yuan(model.reward_enterprise_yuan).ok(),
        Wan::from_yuan(model.reward_subsidy_yuan).ok(),
    )
}

/// Seats on expert panels: a challenge's panel (`challenge_id`), the panels an expert
/// sits on (`expert_id`), or both filters together; in the order they were assigned.
/// Each seat keeps the organisation the expert worked for when assigned, which is what
/// conflicts of interest are judged against.
///
/// # Errors
/// Database errors.
pub async fn panel_seats(
    conn: &impl ConnectionTrait,
    challenge_id: Option<i64>,
    expert_id: Option<i64>,
) -> CoreResult<Vec<challenge_expert::Model>> {
    let mut query = challenge_expert::Entity::find();
    if let Some(challenge_id) = challenge_id {
        query = query.filter(challenge_expert::Column::ChallengeId.eq(challenge_id));
    }
    if let Some(expert_id) = expert_id {
        query = query.filter(challenge_expert::Column::ExpertUserId.eq(expert_id));
    }
    Ok(query
        .order_by_asc(challenge_expert::Column::Id)
        .all(conn)
        .await?)
}
