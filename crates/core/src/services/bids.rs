//! Bids (揭榜申报) on challenges: drafting, submitting and withdrawing by the bidding
//! organisation, the bureau's formal review, the experts' score sheets, and the
//! milestones and final acceptance of the winners.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, Set, SqlErr,
};
use serde::{Deserialize, Serialize};

use crate::challenge::Actor;
use crate::challenge::bid::{self as lifecycle, BidAction, BidFacts, BidStatus};
use crate::challenge::lifecycle::ChallengeStatus;
use crate::challenge::milestone::{self, MilestoneAction, MilestoneStatus};
use crate::challenge::scoring::{self, BidParties, Criteria, Expert, Score, ScoreSheet};
use crate::domain::{PatentNo, Uscc};
use crate::entities::{achievement, bid, bid_milestone, challenge, challenge_expert, expert_score};
use crate::services::challenges::{self, record_event};
use crate::services::users::User;
use crate::{CoreError, CoreResult, t};

mod links;
pub(crate) use links::pending_member_for;
pub use links::{
    LinkCandidate, LinkDecision, MemberReview, consortium_review, link_member, links_open,
    review_of, reviews_of, unchecked,
};

/// A consortium member (联合体成员) as the bidder names it: free text, with the
/// member's USCC when the bidder knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInput {
    pub name: String,
    #[serde(default)]
    pub uscc: Option<String>,
}

/// One milestone of the plan: what will be shown, by when, for which tranche.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneInput {
    pub title: String,
    pub metrics: String,
    pub due: DateTime<Utc>,
    pub amount_yuan: i64,
}

/// The content of a bid.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BidInput {
    #[serde(default)]
    pub consortium: Vec<MemberInput>,
    pub team_leader: String,
    pub team: String,
    pub technical_plan: String,
    pub budget_yuan: i64,
    pub existing_base: String,
    /// Patent numbers, checked (CN…, ZL…).
    #[serde(default)]
    pub patents: Vec<String>,
    /// Ids of achievements on the platform the bid builds on.
    #[serde(default)]
    pub achievement_ids: Vec<i64>,
    pub milestones: Vec<MilestoneInput>,
    /// The signed integrity pledge (诚信承诺).
    #[serde(default)]
    pub pledge: bool,
}

const MAX_MILESTONES: usize = 12;
const MAX_CONSORTIUM_MEMBERS: usize = 20;
const MAX_MEMBER_NAME_CHARS: usize = 200;

impl BidInput {
    /// # Errors
    /// `Invalid` naming the first field that is wrong.
    pub fn check(&self) -> CoreResult<()> {
        for (field, value, max) in [
            ("team_leader", self.team_leader.as_str(), 100),
            ("team", self.team.as_str(), 5_000),
            ("technical_plan", self.technical_plan.as_str(), 50_000),
            ("existing_base", self.existing_base.as_str(), 10_000),
        ] {
            let chars = value.trim().chars().count();
            if chars == 0 || chars > max {
                return Err(CoreError::invalid(
                    field,
                    t!("challenge-field-length", max = max),
                ));
            }
        }
        if self.budget_yuan <= 0 {
            return Err(CoreError::invalid("budget", t!("bid-budget-positive")));
        }
        if self.milestones.is_empty() || self.milestones.len() > MAX_MILESTONES {
            return Err(CoreError::invalid(
                "milestones",
                t!("bid-milestones-count", max = MAX_MILESTONES),
            ));
        }
        let mut previous: Option<DateTime<Utc>> = None;
        for (index, m) in self.milestones.iter().enumerate() {
            let number = index + 1;
            if m.title.trim().is_empty() || m.metrics.trim().is_empty() || m.amount_yuan < 0 {
                return Err(CoreError::invalid(
                    "milestones",
                    t!("bid-milestone-incomplete", number = number),
                ));
            }
            if previous.is_some_and(|p| m.due <= p) {
                return Err(CoreError::invalid(
                    "milestones",
                    t!("bid-milestone-order", number = number),
                ));
            }
            previous = Some(m.due);
        }
        for patent in &self.patents {
            PatentNo::parse(patent)?;
        }
        Ok(())
    }
}

/// A consortium member as stored: what the bidder typed, and the registry organisation
/// it stands for once the bureau has linked it. That link is what makes the
/// organisation's experts conflicted, so nothing the bidder types makes it: a USCC is
/// public, and naming the employers of the strongest likely panel experts would otherwise
/// keep them off the panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub name: String,
    #[serde(default)]
    pub uscc: Option<String>,
    /// Set by the bureau only ([`link_member`]). Links that code before the bureau's
    /// check made itself were cleared on upgrade (migration `bureau_links`), and a bid's
    /// first submission stores its members as typed, so no link predates the bureau.
    #[serde(default)]
    pub org_id: Option<i64>,
    /// The bureau decided the member stands for no registry organisation.
    #[serde(default)]
    pub declined: bool,
}

/// Where the bureau stands on a consortium member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberState {
    /// Not looked at yet: conflicts nobody.
    Pending,
    Linked(i64),
    /// Looked at and left unlinked: conflicts nobody.
    Declined,
}

impl MemberState {
    /// `pending`, `declined` or `linked:<organisation id>`: what a form or an API client
    /// read, and sends back as the state it expects to change.
    pub fn code(self) -> String {
        match self {
            MemberState::Pending => "pending".to_owned(),
            MemberState::Declined => "declined".to_owned(),
            MemberState::Linked(org) => format!("linked:{org}"),
        }
    }

    /// Reads [`MemberState::code`].
    ///
    /// # Errors
    /// `Invalid` for anything else.
    pub fn parse(code: &str) -> CoreResult<Self> {
        let code = code.trim();
        let org = code
            .strip_prefix("linked:")
            .and_then(|id| id.parse::<i64>().ok());
        match (code, org) {
            ("pending", _) => Ok(MemberState::Pending),
            ("declined", _) => Ok(MemberState::Declined),
            (_, Some(org)) => Ok(MemberState::Linked(org)),
            _ => Err(CoreError::invalid(
                "expected",
                t!("bid-consortium-expected-unknown"),
            )),
        }
    }
}

impl Member {
    pub fn state(&self) -> MemberState {
        match (self.org_id, self.declined) {
            (Some(org), _) => MemberState::Linked(org),
            (None, true) => MemberState::Declined,
            (None, false) => MemberState::Pending,
        }
    }
}

fn not_found(id: i64) -> CoreError {
    CoreError::NotFound {
        what: t!("what-bid"),
        id: id.to_string(),
    }
}

/// Loads a bid row.
///
/// # Errors
/// `NotFound`.
pub async fn model(conn: &impl ConnectionTrait, id: i64) -> CoreResult<bid::Model> {
    bid::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| not_found(id))
}

/// The consortium of a stored bid.
///
/// # Errors
/// A stored value that does not parse is a broken invariant.
pub fn consortium(row: &bid::Model) -> CoreResult<Vec<Member>> {
    serde_json::from_str(&row.consortium)
        .map_err(|e| CoreError::Internal(format!("bid consortium does not parse: {e}")))
}

/// The organisations behind a bid, for conflicts of interest.
///
/// # Errors
/// As [`consortium`].
pub fn parties(row: &bid::Model) -> CoreResult<BidParties> {
    let mut orgs = vec![row.lead_org_id];
    orgs.extend(consortium(row)?.into_iter().filter_map(|m| m.org_id));
    Ok(BidParties { bid: row.id, orgs })
}

/// Whether `actor` speaks for the bid's lead organisation: an expert employed there
/// is not its bidder.
pub fn is_bidder(actor: &User, row: &bid::Model) -> bool {
    actor.speaks_for() == Some(row.lead_org_id)
}

/// The organisation `actor` would bid for on `found` at `now`.
///
/// Only someone who speaks for an organisation bids: a confirmed member of an
/// enterprise, university or institute, or a broker acting for one. Experts, bureau
/// staff and brokers acting for nobody never bid, even though their accounts belong to
/// an organisation: an expert would otherwise bid on the calls they judge.
///
/// # Errors
/// `Forbidden` for a role that does not bid, an unconfirmed membership or the
/// publisher itself; `IllegalTransition` when the call is not open.
pub fn check_may_bid(
    actor: &User,
    found: &challenge::Model,
    now: DateTime<Utc>,
) -> CoreResult<i64> {
    if actor.posts().is_none() {
        return Err(CoreError::Forbidden(t!(
            "bid-role-cannot-bid",
            role = actor.role.label()
        )));
    }
    let Some(org) = actor.speaks_for() else {
        return Err(CoreError::Forbidden(t!("bid-no-organisation")));
    };
    if org == found.publisher_org_id {
        return Err(CoreError::Forbidden(t!("bid-own-challenge")));
    }
    if found.status != ChallengeStatus::Open.code() || now >= found.bid_deadline {
        return Err(CoreError::IllegalTransition {
            from: found.status.clone(),
            to: "bid".to_owned(),
            reason: t!("bid-refused-challenge-not-open"),
        });
    }
    Ok(org)
}

/// Refuses a bid of an organisation one of whose experts sits on the call's panel: the
/// expert would judge their colleagues' competitors, and could not score their own
/// organisation's bid. The bureau unseats the expert first if the organisation is to
/// bid. Callers hold the call's lock, as seating does.
///
/// # Errors
/// `Forbidden` with the reason; database errors.
pub async fn refuse_colleague_on_panel(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
    org: i64,
) -> CoreResult<()> {
    let seated = challenge_expert::Entity::find()
        .filter(challenge_expert::Column::ChallengeId.eq(challenge_id))
        .filter(challenge_expert::Column::ExpertOrgId.eq(org))
        .count(conn)
        .await?;
    if seated > 0 {
        return Err(CoreError::Forbidden(t!("bid-colleague-on-panel")));
    }
    Ok(())
}

/// The panel seat through which `actor` reads (and scores) `row` as an expert of its
/// challenge `found`.
///
/// # Errors
/// `Forbidden` for an expert not on the panel, before bidding has closed (the bids are
/// sealed until then), with a conflict of interest, or while the bureau has yet to check
/// a consortium member (who is conflicted is not known until then).
pub async fn expert_seat(
    conn: &impl ConnectionTrait,
    actor: &User,
    row: &bid::Model,
    found: &challenge::Model,
) -> CoreResult<challenge_expert::Model> {
    let seat = challenge_expert::Entity::find()
        .filter(challenge_expert::Column::ChallengeId.eq(row.challenge_id))
        .filter(challenge_expert::Column::ExpertUserId.eq(actor.id))
        .one(conn)
        .await?
        .ok_or_else(|| CoreError::Forbidden(t!("scoring-not-assigned")))?;
    if !ChallengeStatus::from_code(&found.status)?.bids_unsealed() {
        return Err(CoreError::Forbidden(t!("bid-sealed-until-closed")));
    }
    if scoring::conflicts(seat.expert_org_id, &parties(row)?.orgs) {
        return Err(CoreError::Forbidden(t!("scoring-conflict-of-interest")));
    }
    if unchecked(row)? {
        return Err(CoreError::Forbidden(t!("bid-consortium-unchecked")));
    }
    Ok(seat)
}

/// Whether `actor` may read a bid: its bidder, the bureau, or an expert of the
/// challenge's panel without a conflict once bidding has closed and the bid has been
/// submitted (and not withdrawn). The challenge is read as the clock has it at `now`,
/// so a deadline that has passed has closed bidding.
///
/// # Errors
/// Database errors.
pub async fn may_read(
    conn: &impl ConnectionTrait,
    actor: &User,
    row: &bid::Model,
    now: DateTime<Utc>,
) -> CoreResult<bool> {
    if actor.role.is_bureau() || is_bidder(actor, row) {
        return Ok(true);
    }
    let call = challenges::model_as_of(conn, row.challenge_id, now).await?;
    may_read_in(conn, actor, row, &call).await
}

/// As [`may_read`], for a bid of `call` already read as the clock has it now: a page
/// of every bid of a call reads the call once.
///
/// # Errors
/// Database errors.
pub async fn may_read_in(
    conn: &impl ConnectionTrait,
    actor: &User,
    row: &bid::Model,
    call: &challenge::Model,
) -> CoreResult<bool> {
    if actor.role.is_bureau() || is_bidder(actor, row) {
        return Ok(true);
    }
    if !BidStatus::from_code(&row.status)?.counts_as_submitted() {
        return Ok(false);
    }
    match expert_seat(conn, actor, row, call).await {
        Ok(_) => Ok(true),
        Err(CoreError::Forbidden(_)) => Ok(false),
        Err(other) => Err(other),
    }
}

/// The consortium as typed, checked and unlinked. What a bidder types never creates,
/// changes or links a registry organisation: only the bureau links ([`link_member`]).
fn members(input: &BidInput) -> CoreResult<Vec<Member>> {
    let typed: Vec<&MemberInput> = input
        .consortium
        .iter()
        .filter(|m| !m.name.trim().is_empty())
        .collect();
    if typed.len() > MAX_CONSORTIUM_MEMBERS {
        return Err(CoreError::invalid(
            "consortium",
            t!("bid-consortium-too-many", max = MAX_CONSORTIUM_MEMBERS),
        ));
    }
    let mut members = Vec::with_capacity(typed.len());
    for member in typed {
        let name = member.name.trim();
        if name.chars().count() > MAX_MEMBER_NAME_CHARS {
            return Err(CoreError::invalid(
                "consortium",
                t!("bid-consortium-name-length", max = MAX_MEMBER_NAME_CHARS),
            ));
        }
        let uscc = match member
            .uscc
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            // Lenient: the registry holds codes the bureau accepted despite a failing
            // check, and a bidder must be able to name those organisations too.
            Some(code) => Some(Uscc::parse_lenient(code)?.0.to_string()),
            None => None,
        };
        members.push(Member {
            name: name.to_owned(),
            uscc,
            org_id: None,
            declined: false,
        });
    }
    Ok(members)
}

fn members_json(members: &[Member]) -> CoreResult<String> {
    serde_json::to_string(members).map_err(|e| CoreError::Internal(e.to_string()))
}

/// The consortium to store when `row` is edited, `None` to leave the stored one alone.
/// Once the bid has been submitted its consortium is frozen, with the bureau's links:
/// the members the bureau linked or declined are the ones it looked at, by their place in
/// the list. The column is then not written at all, so a correction saved while the
/// bureau links cannot put back the consortium it read before the link.
fn edited_consortium(row: &bid::Model, input: &BidInput) -> CoreResult<Option<String>> {
    let typed = members(input)?;
    if row.submitted_at.is_none() {
        return members_json(&typed).map(Some);
    }
    let as_typed = |m: &Member| (m.name.clone(), m.uscc.clone());
    let stored: Vec<_> = consortium(row)?.iter().map(as_typed).collect();
    if typed.iter().map(as_typed).collect::<Vec<_>>() != stored {
        return Err(CoreError::IllegalTransition {
            from: row.status.clone(),
            to: "edit_consortium".to_owned(),
            reason: t!("bid-consortium-frozen"),
        });
    }
    Ok(None)
}

async fn check_achievements(conn: &impl ConnectionTrait, ids: &[i64]) -> CoreResult<()> {
    // Only published achievements: a bid must not reveal another organisation's drafts.
    let published = crate::posting::Status::Published.code();
    for id in ids {
        let found = achievement::Entity::find_by_id(*id).one(conn).await?;
        if found.is_none_or(|a| a.status != published) {
            return Err(CoreError::invalid(
                "achievement_ids",
                t!("bid-achievement-unknown", id = *id),
            ));
        }
    }
    Ok(())
}

fn content(input: &BidInput, consortium: Option<String>, now: DateTime<Utc>) -> bid::ActiveModel {
    let patents: Vec<String> = input
        .patents
        .iter()
        .filter_map(|p| PatentNo::parse(p).ok())
        .map(|p| p.to_string())
        .collect();
    let achievements: Vec<String> = input.achievement_ids.iter().map(i64::to_string).collect();
    bid::ActiveModel {
        consortium: consortium.map_or(NotSet, Set),
        team_leader: Set(input.team_leader.trim().to_owned()),
        team: Set(input.team.trim().to_owned()),
        technical_plan: Set(input.technical_plan.trim().to_owned()),
        budget_yuan: Set(input.budget_yuan),
        existing_base: Set(input.existing_base.trim().to_owned()),
        patents: Set(patents.join("\n")),
        achievement_ids: Set(achievements.join(",")),
        pledge_signed_at: Set(input.pledge.then_some(now)),
        updated_at: Set(now),
        ..Default::default()
    }
}

async fn replace_milestones(
    conn: &impl ConnectionTrait,
    bid_id: i64,
    input: &BidInput,
) -> CoreResult<()> {
    bid_milestone::Entity::delete_many()
        .filter(bid_milestone::Column::BidId.eq(bid_id))
        .exec(conn)
        .await?;
    for (index, m) in input.milestones.iter().enumerate() {
        bid_milestone::ActiveModel {
            bid_id: Set(bid_id),
            seq: Set(i32::try_from(index + 1).unwrap_or(i32::MAX)),
            title: Set(m.title.trim().to_owned()),
            metrics: Set(m.metrics.trim().to_owned()),
            due_date: Set(m.due),
            amount_yuan: Set(m.amount_yuan),
            status: Set(MilestoneStatus::Pending.code().to_owned()),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// A new draft bid of the actor's organisation on an open challenge. Returns its id.
///
/// # Errors
/// `Forbidden` without a confirmed organisation or for the publisher itself;
/// `IllegalTransition` when the call is not open; `Conflict` for a second bid of the
/// same organisation; `Invalid` content.
pub async fn create(
    conn: &impl ConnectionTrait,
    actor: &User,
    challenge_id: i64,
    input: &BidInput,
    now: DateTime<Utc>,
) -> CoreResult<i64> {
    if let Some(org) = actor.speaks_for() {
        // Before the call's lock, as a merge takes the organisations' rows before the
        // calls': a merge of the bidder sees this bid, or this bid the merged registry.
        crate::services::organisations::hold_against_merge(conn, org).await?;
        // The actor was read before the hold: a merge committed in between moved (and,
        // from a provisional organisation, unconfirmed) them, and the bid would name an
        // organisation that is gone or one they may not speak for. A broker's acting
        // organisation is the session's, checked by the hold itself.
        if actor.acting_as.is_none() {
            let fresh = crate::services::users::get(conn, actor.id).await?;
            if (fresh.org_id, fresh.org_confirmed) != (actor.org_id, actor.org_confirmed) {
                return Err(CoreError::Conflict(t!("challenge-changed-meanwhile")));
            }
        }
    }
    challenges::settle(conn, challenge_id, now).await?;
    // Locked as seating locks it: an expert of the bidder seated meanwhile is seen below,
    // or the seating sees this bid.
    let found = challenges::locked(conn, challenge_id).await?;
    let org = check_may_bid(actor, &found, now)?;
    refuse_colleague_on_panel(conn, challenge_id, org).await?;
    input.check()?;
    check_achievements(conn, &input.achievement_ids).await?;
    let consortium = members_json(&members(input)?)?;
    let saved = bid::ActiveModel {
        challenge_id: Set(challenge_id),
        lead_org_id: Set(org),
        created_by: Set(actor.id),
        status: Set(BidStatus::Draft.code().to_owned()),
        created_at: Set(now),
        ..content(input, Some(consortium), now)
    }
    .insert(conn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            CoreError::Conflict(t!("bid-one-per-organisation"))
        }
        _ => CoreError::from(e),
    })?;
    replace_milestones(conn, saved.id, input).await?;
    record_event(
        conn,
        challenge_id,
        Some(saved.id),
        Some(actor),
        "bid.create",
        None,
        now,
    )
    .await?;
    Ok(saved.id)
}

/// The bidder rewrites a draft or a bid returned for correction.
///
/// # Errors
/// `Forbidden` for anyone but the bidder; `IllegalTransition` when not editable.
pub async fn edit(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    input: &BidInput,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    let row = model(conn, id).await?;
    if !is_bidder(actor, &row) {
        return Err(CoreError::Forbidden(t!("bid-bidder-only")));
    }
    let status = BidStatus::from_code(&row.status)?;
    if !status.is_editable() {
        return Err(CoreError::IllegalTransition {
            from: row.status,
            to: "edit".to_owned(),
            reason: t!("bid-not-editable"),
        });
    }
    input.check()?;
    check_achievements(conn, &input.achievement_ids).await?;
    let consortium = edited_consortium(&row, input)?;
    let changed = bid::Entity::update_many()
        .set(content(input, consortium, now))
        .filter(bid::Column::Id.eq(id))
        .filter(bid::Column::Status.eq(status.code()))
        .exec(conn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(CoreError::Conflict(t!("challenge-changed-meanwhile")));
    }
    replace_milestones(conn, id, input).await?;
    record_event(
        conn,
        row.challenge_id,
        Some(id),
        Some(actor),
        "bid.edit",
        None,
        now,
    )
    .await
}

async fn facts(
    conn: &impl ConnectionTrait,
    row: &bid::Model,
    now: DateTime<Utc>,
    reason_given: bool,
) -> CoreResult<BidFacts> {
    let found = challenges::model_as_of(conn, row.challenge_id, now).await?;
    let open_milestones = bid_milestone::Entity::find()
        .filter(bid_milestone::Column::BidId.eq(row.id))
        .filter(bid_milestone::Column::Status.ne(MilestoneStatus::Passed.code()))
        .count(conn)
        .await?;
    Ok(BidFacts {
        now,
        bid_deadline: found.bid_deadline,
        challenge: ChallengeStatus::from_code(&found.status)?,
        pledge_signed: row.pledge_signed_at.is_some(),
        reason_given,
        milestones_passed: open_milestones == 0,
    })
}

/// A move of a bid's lifecycle offered to its reader, with what would refuse it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidOffer {
    pub action: BidAction,
    /// Why taking it now would be refused (the deadline passed, the pledge is not
    /// signed); `None` when nothing stands in the way. Reasons the reader gives with
    /// the action are assumed given.
    pub refused: Option<String>,
}

/// The moves of the bid's lifecycle `reader` may be offered: the bidder's own for its
/// bidder, the bureau's for bureau staff, none for anyone else; each decided by the
/// lifecycle with the facts at `now`.
///
/// # Errors
/// Database errors.
pub async fn offers(
    conn: &impl ConnectionTrait,
    reader: &User,
    row: &bid::Model,
    now: DateTime<Utc>,
) -> CoreResult<Vec<BidOffer>> {
    let role = if is_bidder(reader, row) {
        Actor::Bidder
    } else if reader.role.is_bureau() {
        Actor::Bureau
    } else {
        return Ok(Vec::new());
    };
    let from = BidStatus::from_code(&row.status)?;
    let facts = facts(conn, row, now, true).await?;
    let mut offered = Vec::new();
    for action in BidAction::ALL {
        if !action.actors().contains(&role) || !lifecycle::applies(from, action) {
            continue;
        }
        let refused = lifecycle::transition(from, action, role, &facts)
            .err()
            .map(CoreError::into_refusal)
            .transpose()?;
        offered.push(BidOffer { action, refused });
    }
    Ok(offered)
}

async fn apply(
    conn: &impl ConnectionTrait,
    actor: &User,
    row: &bid::Model,
    action: BidAction,
    as_actor: Actor,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> CoreResult<BidStatus> {
    let from = BidStatus::from_code(&row.status)?;
    let facts = facts(conn, row, now, reason.is_some()).await?;
    let to = lifecycle::transition(from, action, as_actor, &facts)?;
    let mut update = bid::Entity::update_many()
        .col_expr(bid::Column::Status, Expr::value(to.code()))
        .col_expr(bid::Column::UpdatedAt, Expr::value(now));
    if let Some(reason) = reason {
        update = update.col_expr(bid::Column::StatusReason, Expr::value(reason));
    }
    if to == BidStatus::Submitted {
        update = update.col_expr(bid::Column::SubmittedAt, Expr::value(now));
    }
    let changed = update
        .filter(bid::Column::Id.eq(row.id))
        .filter(bid::Column::Status.eq(from.code()))
        .exec(conn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(CoreError::Conflict(t!("challenge-changed-meanwhile")));
    }
    let code = format!("bid.{}", action.code());
    record_event(
        conn,
        row.challenge_id,
        Some(row.id),
        Some(actor),
        &code,
        reason,
        now,
    )
    .await?;
    Ok(to)
}

/// The bidder submits, resubmits after correction, or withdraws.
///
/// # Errors
/// `Forbidden` for anyone but the bidder or for a bureau action; the lifecycle's
/// refusals otherwise.
pub async fn act(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    action: BidAction,
    now: DateTime<Utc>,
) -> CoreResult<BidStatus> {
    let row = model(conn, id).await?;
    challenges::settle(conn, row.challenge_id, now).await?;
    if !is_bidder(actor, &row) {
        return Err(CoreError::Forbidden(t!("bid-bidder-only")));
    }
    // The call's row is locked (on PostgreSQL; SQLite has one writer) as seating locks
    // it: a submission and the seating of an expert its consortium may concern happen
    // one after the other, so the seating check sees every bid submitted before it.
    challenges::locked(conn, row.challenge_id).await?;
    let row = model(conn, id).await?;
    // At submission, not at a resubmission after correction: by then bidding has closed
    // and the bid is in the selection, where a conflict found late is the bureau's to
    // settle (it voids and unseats), not a reason to strand the bid.
    if action == BidAction::Submit {
        refuse_colleague_on_panel(conn, row.challenge_id, row.lead_org_id).await?;
    }
    if action == BidAction::Submit && row.submitted_at.is_none() {
        unlink_before_first_submission(conn, &row).await?;
    }
    apply(conn, actor, &row, action, Actor::Bidder, None, now).await
}

/// Before its first submission a bid's consortium holds no decision of the bureau, which
/// links only submitted bids: any link it carries was made by code before the bureau's
/// check (a draft saved then), and is dropped so that only the bureau's links count.
///
/// Migration `m20261207_000011_bureau_links` clears the same links once, at the upgrade;
/// this check stays as well because the upgrade cannot see everything: on a deployment of
/// several nodes, a node still running the old code until it is restarted saves drafts
/// with automatic links after the migration ran. Both apply the one rule "a link counts
/// only when the bureau made it"; this is the place that says why there are two.
async fn unlink_before_first_submission(
    conn: &impl ConnectionTrait,
    row: &bid::Model,
) -> CoreResult<()> {
    let members = consortium(row)?;
    if members.iter().all(|m| m.state() == MemberState::Pending) {
        return Ok(());
    }
    let typed: Vec<Member> = members
        .into_iter()
        .map(|m| Member {
            org_id: None,
            declined: false,
            ..m
        })
        .collect();
    bid::Entity::update_many()
        .col_expr(bid::Column::Consortium, Expr::value(members_json(&typed)?))
        .filter(bid::Column::Id.eq(row.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// A bureau step on a bid that the challenge's own steps take (shortlisting, award,
/// start of execution).
///
/// # Errors
/// The lifecycle's refusals.
pub async fn bureau_step(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    action: BidAction,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    let row = model(conn, id).await?;
    apply(conn, actor, &row, action, Actor::Bureau, reason, now).await?;
    Ok(())
}

/// The formal review's outcome, with a reason per item (e.g. 联合体协议: 缺少盖章).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum FormalDecision {
    Pass,
    Return { items: Vec<(String, String)> },
    Reject { items: Vec<(String, String)> },
}

/// The bureau's formal review (形式审查) of a submitted bid.
///
/// # Errors
/// `Forbidden` unless bureau; `Invalid` when a return or rejection has no item;
/// `IllegalTransition` for a pass while a consortium member awaits the bureau's check;
/// the lifecycle's refusals.
pub async fn formal_review(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    decision: &FormalDecision,
    now: DateTime<Utc>,
) -> CoreResult<BidStatus> {
    if !actor.role.is_bureau() {
        return Err(CoreError::Forbidden(t!("challenge-bureau-only")));
    }
    let row = model(conn, id).await?;
    challenges::settle(conn, row.challenge_id, now).await?;
    if *decision == FormalDecision::Pass && unchecked(&row)? {
        return Err(CoreError::IllegalTransition {
            from: row.status,
            to: "pass_formal_review".to_owned(),
            reason: t!("bid-formal-pass-unchecked", id = id),
        });
    }
    let (action, items) = match decision {
        FormalDecision::Pass => (BidAction::PassFormalReview, None),
        FormalDecision::Return { items } => (BidAction::ReturnForCorrection, Some(items)),
        FormalDecision::Reject { items } => (BidAction::RejectFormally, Some(items)),
    };
    let reasons = items.map(|items| {
        items
            .iter()
            .filter(|(item, reason)| !item.trim().is_empty() && !reason.trim().is_empty())
            .map(|(item, reason)| {
                t!(
                    "bid-formal-item",
                    item = item.trim(),
                    reason = reason.trim()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    let reason = reasons.as_deref().filter(|r| !r.is_empty());
    let to = apply(conn, actor, &row, action, Actor::Bureau, reason, now).await?;
    let json = serde_json::to_string(decision).map_err(|e| CoreError::Internal(e.to_string()))?;
    bid::Entity::update_many()
        .col_expr(bid::Column::FormalReview, Expr::value(json))
        .filter(bid::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(to)
}

/// The ids of a challenge's bids in `status`.
///
/// # Errors
/// Database errors.
pub async fn with_status(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
    status: BidStatus,
) -> CoreResult<Vec<i64>> {
    Ok(bid::Entity::find()
        .filter(bid::Column::ChallengeId.eq(challenge_id))
        .filter(bid::Column::Status.eq(status.code()))
        .order_by_asc(bid::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect())
}

/// The ids of the bids the experts score.
///
/// # Errors
/// Database errors.
pub async fn in_expert_review(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
) -> CoreResult<Vec<i64>> {
    with_status(conn, challenge_id, BidStatus::InExpertReview).await
}

/// After the 公示 was revoked, every shortlisted or unselected bid returns to review.
///
/// # Errors
/// Database errors.
pub async fn reconsider_all(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    bid::Entity::update_many()
        .col_expr(
            bid::Column::Status,
            Expr::value(BidStatus::InExpertReview.code()),
        )
        .col_expr(bid::Column::UpdatedAt, Expr::value(now))
        .filter(bid::Column::ChallengeId.eq(challenge_id))
        .filter(
            bid::Column::Status
                .is_in([BidStatus::Shortlisted.code(), BidStatus::NotSelected.code()]),
        )
        .exec(conn)
        .await?;
    Ok(())
}

/// An expert submits their score sheet for a bid: final once submitted.
///
/// # Errors
/// `Forbidden` for an expert not on the panel or with a conflict of interest;
/// `Conflict` for a second sheet; `Invalid` scores; `IllegalTransition` when the bid is
/// not in expert review.
pub async fn score(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    scores: &[(String, String)],
    comment: &str,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    let row = model(conn, id).await?;
    // Locked as unseating locks it: no sheet from an expert taken off the panel meanwhile.
    let found = challenges::locked(conn, row.challenge_id).await?;
    if row.status != BidStatus::InExpertReview.code()
        || found.status != ChallengeStatus::Selection.code()
    {
        return Err(CoreError::IllegalTransition {
            from: row.status,
            to: "score".to_owned(),
            reason: t!("bid-not-in-expert-review"),
        });
    }
    let panel: Vec<Expert> = challenge_expert::Entity::find()
        .filter(challenge_expert::Column::ChallengeId.eq(row.challenge_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|e| Expert {
            id: e.expert_user_id,
            org: e.expert_org_id,
        })
        .collect();
    let submitted: Vec<(i64, i64)> = expert_score::Entity::find()
        .filter(expert_score::Column::BidId.eq(id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.expert_user_id, s.bid_id))
        .collect();
    scoring::check_may_score(actor.id, &panel, &parties(&row)?, &submitted)?;
    let criteria = challenges::criteria_of(&found)?;
    let sheet = ScoreSheet::parse(&criteria, actor.id, id, scores, comment)?;
    let tenths: Vec<u16> = sheet.scores().iter().map(|s| s.tenths()).collect();
    expert_score::ActiveModel {
        challenge_id: Set(row.challenge_id),
        bid_id: Set(id),
        expert_user_id: Set(actor.id),
        scores: Set(serde_json::to_string(&tenths).map_err(|e| CoreError::Internal(e.to_string()))?),
        comment: Set(sheet.comment().to_owned()),
        submitted_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            CoreError::Conflict(t!("scoring-already-submitted"))
        }
        _ => CoreError::from(e),
    })?;
    record_event(
        conn,
        row.challenge_id,
        Some(id),
        Some(actor),
        "bid.score",
        None,
        now,
    )
    .await
}

/// Every submitted sheet of a challenge that counts (the bureau has not voided it),
/// checked against its criteria.
///
/// # Errors
/// A stored sheet that no longer fits the criteria is a broken invariant.
pub async fn score_sheets(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
    criteria: &Criteria,
) -> CoreResult<Vec<ScoreSheet>> {
    let rows = expert_score::Entity::find()
        .filter(expert_score::Column::ChallengeId.eq(challenge_id))
        .filter(expert_score::Column::VoidedAt.is_null())
        .all(conn)
        .await?;
    let mut sheets = Vec::with_capacity(rows.len());
    for row in rows {
        let tenths: Vec<u16> = serde_json::from_str(&row.scores)
            .map_err(|e| CoreError::Internal(format!("score sheet does not parse: {e}")))?;
        let mut scores = Vec::with_capacity(tenths.len());
        for (criterion, value) in criteria.criteria().iter().zip(tenths) {
            scores.push((criterion.name.clone(), Score::from_tenths(value)?));
        }
        sheets.push(ScoreSheet::new(
            criteria,
            row.expert_user_id,
            row.bid_id,
            &scores,
            &row.comment,
        )?);
    }
    Ok(sheets)
}

/// Every sheet of a challenge as stored, voided ones included, by bid and then expert:
/// the bureau's record of the review.
///
/// # Errors
/// Database errors.
pub async fn sheets_of(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
) -> CoreResult<Vec<expert_score::Model>> {
    Ok(expert_score::Entity::find()
        .filter(expert_score::Column::ChallengeId.eq(challenge_id))
        .order_by_asc(expert_score::Column::BidId)
        .order_by_asc(expert_score::Column::ExpertUserId)
        .all(conn)
        .await?)
}

/// The bureau voids an expert's submitted sheet on a bid, with the reason: it no longer
/// counts in the ranking, stays on record (who voided it, when, why), and lands on the
/// call's timeline and in the audit log. The expert writes no second sheet on that bid
/// (they have seen the others' scores); with no sheet left that counts, the bureau may
/// take them off the panel ([`challenges::unassign_expert`]).
///
/// # Errors
/// `Forbidden` unless bureau; `NotFound` for a bid not on the call `challenge_id` or a
/// sheet that is not there (or already voided); `Invalid` without a reason;
/// `IllegalTransition` outside the expert review (the ranking is settled once winners
/// are proposed).
pub async fn void_sheet(
    conn: &impl ConnectionTrait,
    actor: &User,
    challenge_id: i64,
    id: i64,
    expert_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    challenges::check_bureau(actor)?;
    let row = model(conn, id).await?;
    if row.challenge_id != challenge_id {
        return Err(not_found(id));
    }
    // Locked as scoring and unseating lock it: the ranking's inputs change one at a time.
    // The bid is read again under the lock: a proposal of winners may have moved it.
    let found = challenges::locked(conn, row.challenge_id).await?;
    let row = model(conn, id).await?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(CoreError::invalid(
            "reason",
            t!("bid-void-reason", max = MAX_REASON_CHARS),
        ));
    }
    if row.status != BidStatus::InExpertReview.code()
        || found.status != ChallengeStatus::Selection.code()
    {
        return Err(CoreError::IllegalTransition {
            from: row.status,
            to: "void_sheet".to_owned(),
            reason: t!("bid-void-not-in-review"),
        });
    }
    let changed = expert_score::Entity::update_many()
        .col_expr(expert_score::Column::VoidedAt, Expr::value(now))
        .col_expr(expert_score::Column::VoidedBy, Expr::value(actor.id))
        .col_expr(expert_score::Column::VoidReason, Expr::value(reason))
        .filter(expert_score::Column::BidId.eq(id))
        .filter(expert_score::Column::ExpertUserId.eq(expert_id))
        .filter(expert_score::Column::VoidedAt.is_null())
        .exec(conn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(CoreError::NotFound {
            what: t!("what-score-sheet"),
            id: format!("{id}/{expert_id}"),
        });
    }
    let expert = crate::services::users::get(conn, expert_id).await?;
    let detail = t!(
        "bid-void-detail",
        expert = expert.display_name.as_str(),
        reason = reason
    );
    record_event(
        conn,
        row.challenge_id,
        Some(id),
        Some(actor),
        "bid.void_sheet",
        Some(&detail),
        now,
    )
    .await
}

/// How long a reason the bureau or an expert gives for a step on a panel may be.
pub const MAX_REASON_CHARS: usize = 2_000;

/// The milestones of a bid, in order.
///
/// # Errors
/// Database errors.
pub async fn milestones(
    conn: &impl ConnectionTrait,
    bid_id: i64,
) -> CoreResult<Vec<bid_milestone::Model>> {
    Ok(bid_milestone::Entity::find()
        .filter(bid_milestone::Column::BidId.eq(bid_id))
        .order_by_asc(bid_milestone::Column::Seq)
        .all(conn)
        .await?)
}

/// What someone does to a milestone, with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneStep {
    pub action: MilestoneAction,
    /// The report (bidder) or the reason (bureau).
    pub text: String,
    /// The evidence of a report: what was measured, by whom, where the documents are.
    pub evidence: String,
}

/// The winner reports a milestone, or the bureau decides on it. A failed milestone
/// drops the team out (in a 赛马 call the others continue); the challenge ends when no
/// team is left working.
///
/// # Errors
/// `Forbidden` for the wrong person; the lifecycle's refusals; `IllegalTransition` when
/// the bid is not in execution.
pub async fn milestone_step(
    conn: &impl ConnectionTrait,
    actor: &User,
    milestone_id: i64,
    step: &MilestoneStep,
    now: DateTime<Utc>,
) -> CoreResult<MilestoneStatus> {
    let found = bid_milestone::Entity::find_by_id(milestone_id)
        .one(conn)
        .await?
        .ok_or_else(|| CoreError::NotFound {
            what: t!("what-milestone"),
            id: milestone_id.to_string(),
        })?;
    let row = model(conn, found.bid_id).await?;
    // Who may act comes before the state: an outsider learns nothing about the bid.
    let as_actor = if step.action == MilestoneAction::Report {
        if !is_bidder(actor, &row) {
            return Err(CoreError::Forbidden(t!("bid-bidder-only")));
        }
        Actor::Bidder
    } else if actor.role.is_bureau() {
        Actor::Bureau
    } else {
        return Err(CoreError::Forbidden(t!("challenge-bureau-only")));
    };
    if row.status != BidStatus::InExecution.code() {
        return Err(CoreError::IllegalTransition {
            from: row.status,
            to: "milestone".to_owned(),
            reason: t!("bid-not-in-execution"),
        });
    }
    let text = step.text.trim();
    let from = MilestoneStatus::from_code(&found.status)?;
    let to = milestone::transition(
        from,
        step.action,
        as_actor,
        !step.evidence.trim().is_empty(),
        !text.is_empty(),
    )?;
    let mut update = bid_milestone::Entity::update_many()
        .col_expr(bid_milestone::Column::Status, Expr::value(to.code()));
    update = if step.action == MilestoneAction::Report {
        update
            .col_expr(bid_milestone::Column::Report, Expr::value(text))
            .col_expr(
                bid_milestone::Column::Evidence,
                Expr::value(step.evidence.trim()),
            )
            .col_expr(bid_milestone::Column::ReportedAt, Expr::value(now))
    } else {
        update
            .col_expr(bid_milestone::Column::DecisionReason, Expr::value(text))
            .col_expr(bid_milestone::Column::DecidedBy, Expr::value(actor.id))
            .col_expr(bid_milestone::Column::DecidedAt, Expr::value(now))
    };
    let changed = update
        .filter(bid_milestone::Column::Id.eq(milestone_id))
        .filter(bid_milestone::Column::Status.eq(from.code()))
        .exec(conn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(CoreError::Conflict(t!("challenge-changed-meanwhile")));
    }
    let code = format!("milestone.{}", step.action.code());
    let detail = format!("{}#{}", found.seq, found.title);
    record_event(
        conn,
        row.challenge_id,
        Some(row.id),
        Some(actor),
        &code,
        Some(&detail),
        now,
    )
    .await?;
    if to == MilestoneStatus::Failed {
        let reason = t!("bid-dropped-at-milestone", milestone = found.title.as_str());
        apply(
            conn,
            actor,
            &row,
            BidAction::DropOut,
            Actor::Bureau,
            Some(&reason),
            now,
        )
        .await?;
        challenges::conclude_if_done(conn, actor, row.challenge_id, now).await?;
    }
    Ok(to)
}

/// The bureau's final acceptance (验收) of a winner's result.
///
/// # Errors
/// `Forbidden` unless bureau; the lifecycle's refusals (e.g. milestones still open).
pub async fn final_acceptance(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    passed: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> CoreResult<BidStatus> {
    if !actor.role.is_bureau() {
        return Err(CoreError::Forbidden(t!("challenge-bureau-only")));
    }
    let row = model(conn, id).await?;
    let action = if passed {
        BidAction::PassAcceptance
    } else {
        BidAction::FailAcceptance
    };
    let reason = Some(reason.trim()).filter(|r| !r.is_empty());
    let to = apply(conn, actor, &row, action, Actor::Bureau, reason, now).await?;
    challenges::conclude_if_done(conn, actor, row.challenge_id, now).await?;
    Ok(to)
}

/// The bids of a challenge, oldest first.
///
/// # Errors
/// Database errors.
pub async fn of_challenge(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
) -> CoreResult<Vec<bid::Model>> {
    Ok(bid::Entity::find()
        .filter(bid::Column::ChallengeId.eq(challenge_id))
        .order_by_asc(bid::Column::Id)
        .all(conn)
        .await?)
}

/// An accepted result is registered as an achievement of the lead organisation in one
/// step: a posting built from the challenge and the bid, sent to the bureau's review
/// like any other. Returns the achievement's id.
///
/// # Errors
/// `Forbidden` for anyone but a researcher of the lead organisation (or a broker acting
/// for it); `IllegalTransition` before acceptance or when already registered.
pub async fn register_as_achievement(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    now: DateTime<Utc>,
) -> CoreResult<i64> {
    use crate::domain::{TransferMode, Trl};
    use crate::posting::{AchievementInput, Action, PostingKind};
    use crate::services::workflow;

    let row = model(conn, id).await?;
    if !is_bidder(actor, &row) {
        return Err(CoreError::Forbidden(t!("bid-bidder-only")));
    }
    if row.status != BidStatus::Accepted.code() {
        return Err(CoreError::IllegalTransition {
            from: row.status,
            to: "register_achievement".to_owned(),
            reason: t!("bid-register-not-accepted"),
        });
    }
    let already = crate::entities::challenge_event::Entity::find()
        .filter(crate::entities::challenge_event::Column::BidId.eq(id))
        .filter(crate::entities::challenge_event::Column::Action.eq("bid.register_achievement"))
        .count(conn)
        .await?;
    if already > 0 {
        return Err(CoreError::Conflict(t!("bid-register-done")));
    }
    let found = challenges::model(conn, row.challenge_id).await?;
    let metrics: Vec<&str> = found.metrics.lines().collect();
    let summary = t!(
        "bid-register-summary",
        challenge = found.title.as_str(),
        public_id = found.public_id.as_str(),
        metrics = metrics.join("; "),
        plan = row.technical_plan.as_str()
    );
    let input = AchievementInput {
        external_id: String::new(),
        title: t!("bid-register-title", challenge = found.title.as_str()),
        summary,
        keywords: found.keywords.lines().map(str::to_owned).collect(),
        field: found.industry.clone(),
        // Accepted against quantified metrics in the final user's scenario: a system
        // proven in its operational environment.
        trl: Some(Trl::new(7)?),
        patents: row
            .patents
            .lines()
            .filter_map(|p| PatentNo::parse(p).ok())
            .collect(),
        transfer_modes: vec![TransferMode::License, TransferMode::JointImplementation],
        price: None,
        organisation: None,
        team_lead: Some(row.team_leader.clone()),
        region: None,
        contact: None,
    };
    let achievement = workflow::create_achievement(conn, actor, &input).await?;
    workflow::act(
        conn,
        actor,
        PostingKind::Achievement,
        achievement,
        &Action::Submit,
    )
    .await?;
    let detail = achievement.to_string();
    record_event(
        conn,
        row.challenge_id,
        Some(id),
        Some(actor),
        "bid.register_achievement",
        Some(&detail),
        now,
    )
    .await?;
    Ok(achievement)
}
