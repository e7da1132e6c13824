//! The bureau merges a duplicate organisation into the registry organisation it
//! duplicates: postings, members, calls, bids, panels, broker assignments and history
//! move to the survivor, and the duplicate is gone. What a provisional organisation's
//! registrants made arrives as drafts and voided deals: a stranger who registered first
//! gains nothing from the merge.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use crate::challenge::bid::BidStatus;
use crate::challenge::lifecycle::ChallengeStatus;
use crate::contact::DealConfirmation;
use crate::entities::{
    achievement, bid, bid_milestone, broker_assignment, challenge, challenge_expert, contact, deal,
    need, organisation, session, user, webhook,
};
use crate::posting::{PostingKind, Status};
use crate::services::{audit, bids, challenges, changes, users};
use crate::{CoreError, CoreResult, t};

/// What a merge moved, for the audit log and the bureau's confirmation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeOutcome {
    pub survivor_id: i64,
    pub absorbed_id: i64,
    pub absorbed_name: String,
    pub absorbed_uscc: Option<String>,
    pub needs: usize,
    pub achievements: usize,
    pub members: u64,
    pub challenges: u64,
    pub bids: u64,
    /// Webhooks a provisional organisation's registrants set up: deleted, not moved, so
    /// that the survivor's notices never reach an address a stranger chose.
    pub webhooks_dropped: u64,
    /// A provisional organisation's published or pending postings, back to drafts: its
    /// registrants' words must not appear under the survivor's name until one of the
    /// survivor's confirmed members submits them again.
    pub postings_unpublished: u64,
    /// Deals on a provisional organisation's postings, voided (disputed): the survivor
    /// never agreed to them, and they would otherwise count in its name.
    pub deals_voided: u64,
    /// A provisional organisation's bids still in play, withdrawn: the survivor never
    /// made them, and they must not hold its genuine judges off a panel.
    pub bids_withdrawn: Vec<i64>,
    /// A provisional organisation's bids never submitted, deleted (each in the audit
    /// log): a draft the survivor never wrote has nothing to keep, and it must not stand
    /// in the way of the survivor's own bid on the call.
    pub bids_deleted: Vec<i64>,
    /// A provisional organisation's submitted bids, all withdrawn by now, on calls the
    /// survivor bids on as well: they stay under the absorbed organisation's id (a call
    /// holds one bid per lead organisation) as the record of what the stranger sent.
    pub bids_left_behind: Vec<i64>,
}

fn not_found(id: i64) -> CoreError {
    CoreError::NotFound {
        what: t!("what-organisation"),
        id: id.to_string(),
    }
}

async fn locked_organisation(
    conn: &impl ConnectionTrait,
    id: i64,
) -> CoreResult<organisation::Model> {
    organisation::Entity::find_by_id(id)
        .lock_exclusive()
        .one(conn)
        .await?
        .ok_or_else(|| not_found(id))
}

/// Locks an organisation's row against a merge (shared: seatings and bids of one
/// organisation do not wait for each other) until the transaction ends. Seating an
/// expert, creating a bid and linking a consortium member take it before the call's
/// lock, as the merge takes both organisations' rows before the calls'.
///
/// # Errors
/// `Conflict` when the organisation is gone (merged meanwhile); database errors.
pub async fn hold_against_merge(conn: &impl ConnectionTrait, id: i64) -> CoreResult<()> {
    // A row gone is an organisation merged away since the caller read its user: going on
    // would act for an organisation that no longer exists (nothing else stops a bid
    // naming it), so the caller is told to start again.
    organisation::Entity::find_by_id(id)
        .lock_shared()
        .one(conn)
        .await?
        .map(|_| ())
        .ok_or_else(|| CoreError::Conflict(t!("challenge-changed-meanwhile")))
}

/// Merges `absorbed_id` into `survivor_id` on behalf of the bureau user `actor_user_id`,
/// recording it in the audit log. Run it in a transaction: it is many statements.
///
/// Members of a provisional organisation arrive unconfirmed, whatever they were: the
/// bureau confirms the survivor's real staff one by one, and a stranger who registered
/// first gains nothing. Members of a registry organisation keep their confirmation.
///
/// A provisional organisation's bids still in play are withdrawn (see
/// [`MergeOutcome::bids_withdrawn`]).
///
/// # Errors
/// `NotFound` for an unknown id; `Invalid` when the two are one, or the survivor is
/// itself provisional; `Conflict` when both organisations bid on the same call (one of
/// the bids must be withdrawn first), or when an expert of one sits on the panel of a
/// call the other bids on, up to the selection (the reason names the expert and the
/// call); database errors.
pub async fn merge(
    conn: &impl ConnectionTrait,
    actor_user_id: i64,
    absorbed_id: i64,
    survivor_id: i64,
    now: DateTime<Utc>,
) -> CoreResult<MergeOutcome> {
    if absorbed_id == survivor_id {
        return Err(CoreError::invalid("into", t!("org-merge-same")));
    }
    // Both rows are locked first, in order (on PostgreSQL; SQLite has one writer):
    // seating an expert and creating a bid lock their organisation's row before the
    // call's, so none starts on either organisation until the merge is done.
    let (absorbed, survivor) = if absorbed_id < survivor_id {
        let absorbed = locked_organisation(conn, absorbed_id).await?;
        (absorbed, locked_organisation(conn, survivor_id).await?)
    } else {
        let survivor = locked_organisation(conn, survivor_id).await?;
        (locked_organisation(conn, absorbed_id).await?, survivor)
    };
    if survivor.provisional {
        let reason = t!("org-merge-into-provisional", name = &survivor.name);
        return Err(CoreError::invalid("into", reason));
    }
    lock_calls_of(conn, [absorbed_id, survivor_id]).await?;
    // A provisional organisation's bids are cleared before the rival check: otherwise a
    // stranger's look-alike could hold the merge off for ever with a draft (or a
    // withdrawn bid) on every call the genuine organisation bids on.
    let (bids_withdrawn, bids_deleted, bids_left_behind) = if absorbed.provisional {
        refuse_strangers_advanced_bids(conn, absorbed_id).await?;
        let deleted = delete_strangers_drafts(conn, actor_user_id, absorbed_id).await?;
        let withdrawn = withdraw_strangers_bids(conn, actor_user_id, absorbed_id, now).await?;
        let left = rival_bids(conn, absorbed_id, survivor_id).await?;
        (withdrawn, deleted, left)
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    refuse_rival_bids(conn, absorbed_id, survivor_id, &bids_left_behind).await?;
    refuse_conflicted_panels(conn, absorbed_id, survivor_id, &bids_withdrawn).await?;
    let (postings_unpublished, deals_voided) = if absorbed.provisional {
        disown_strangers_work(conn, absorbed_id).await?
    } else {
        (0, 0)
    };

    let mut outcome = MergeOutcome {
        survivor_id,
        absorbed_id,
        absorbed_name: absorbed.name.clone(),
        absorbed_uscc: absorbed.uscc.clone(),
        postings_unpublished,
        deals_voided,
        bids_withdrawn,
        bids_deleted,
        bids_left_behind: bids_left_behind.clone(),
        ..Default::default()
    };
    outcome.needs = move_postings(conn, PostingKind::Need, absorbed_id, survivor_id).await?;
    outcome.achievements =
        move_postings(conn, PostingKind::Achievement, absorbed_id, survivor_id).await?;

    let mut members = user::Entity::update_many()
        .col_expr(user::Column::OrgId, Expr::value(survivor_id))
        .filter(user::Column::OrgId.eq(absorbed_id));
    if absorbed.provisional {
        members = members.col_expr(user::Column::OrgConfirmed, Expr::value(false));
    }
    outcome.members = members.exec(conn).await?.rows_affected;

    outcome.challenges = challenge::Entity::update_many()
        .col_expr(challenge::Column::PublisherOrgId, Expr::value(survivor_id))
        .filter(challenge::Column::PublisherOrgId.eq(absorbed_id))
        .exec(conn)
        .await?
        .rows_affected;
    relink_consortium_members(conn, absorbed_id, survivor_id).await?;
    outcome.bids = bid::Entity::update_many()
        .col_expr(bid::Column::LeadOrgId, Expr::value(survivor_id))
        .filter(bid::Column::LeadOrgId.eq(absorbed_id))
        .filter(bid::Column::Id.is_not_in(bids_left_behind))
        .exec(conn)
        .await?
        .rows_affected;
    challenge_expert::Entity::update_many()
        .col_expr(
            challenge_expert::Column::ExpertOrgId,
            Expr::value(survivor_id),
        )
        .filter(challenge_expert::Column::ExpertOrgId.eq(absorbed_id))
        .exec(conn)
        .await?;
    move_broker_assignments(conn, absorbed_id, survivor_id).await?;
    session::Entity::update_many()
        .col_expr(session::Column::ActingOrgId, Expr::value(survivor_id))
        .filter(session::Column::ActingOrgId.eq(absorbed_id))
        .exec(conn)
        .await?;
    if absorbed.provisional {
        outcome.webhooks_dropped = webhook::Entity::delete_many()
            .filter(webhook::Column::OrgId.eq(absorbed_id))
            .exec(conn)
            .await?
            .rows_affected;
    } else {
        webhook::Entity::update_many()
            .col_expr(webhook::Column::OrgId, Expr::value(survivor_id))
            .filter(webhook::Column::OrgId.eq(absorbed_id))
            .exec(conn)
            .await?;
    }
    organisation::Entity::delete_by_id(absorbed_id)
        .exec(conn)
        .await?;

    let detail = serde_json::to_string(&outcome)
        .map_err(|e| CoreError::Internal(format!("merge outcome does not serialise: {e}")))?;
    audit::record(
        conn,
        audit::Record {
            actor_user_id: Some(actor_user_id),
            action: "org.merge",
            entity: "organisation",
            entity_id: survivor_id,
            reason: None,
            detail: Some(&detail),
        },
    )
    .await?;
    Ok(outcome)
}

/// Takes a provisional organisation's postings off the public pages (back to drafts) and
/// voids the deals recorded on them, before they move to the survivor.
async fn disown_strangers_work(
    conn: &impl ConnectionTrait,
    absorbed_id: i64,
) -> CoreResult<(u64, u64)> {
    let visible = [Status::PendingReview.code(), Status::Published.code()];
    let draft = Status::Draft.code();
    let needs = super::postings_of(conn, PostingKind::Need, absorbed_id).await?;
    let achievements = super::postings_of(conn, PostingKind::Achievement, absorbed_id).await?;
    let mut unpublished = need::Entity::update_many()
        .col_expr(need::Column::Status, Expr::value(draft))
        .filter(need::Column::OrgId.eq(absorbed_id))
        .filter(need::Column::Status.is_in(visible))
        .exec(conn)
        .await?
        .rows_affected;
    unpublished += achievement::Entity::update_many()
        .col_expr(achievement::Column::Status, Expr::value(draft))
        .filter(achievement::Column::OrgId.eq(absorbed_id))
        .filter(achievement::Column::Status.is_in(visible))
        .exec(conn)
        .await?
        .rows_affected;
    let contacts: Vec<i64> = contact::Entity::find()
        .select_only()
        .column(contact::Column::Id)
        .filter(
            Condition::any()
                .add(contact::Column::NeedId.is_in(needs))
                .add(contact::Column::AchievementId.is_in(achievements)),
        )
        .into_tuple()
        .all(conn)
        .await?;
    let disputed = DealConfirmation::Disputed.code();
    let voided = deal::Entity::update_many()
        .col_expr(deal::Column::Confirmation, Expr::value(disputed))
        .col_expr(
            deal::Column::DisputeReason,
            Expr::value(Some(t!("org-merge-deal-void"))),
        )
        .filter(deal::Column::ContactId.is_in(contacts))
        .filter(deal::Column::Confirmation.ne(disputed))
        .exec(conn)
        .await?
        .rows_affected;
    Ok((unpublished, voided))
}

/// A call holds one bid per lead organisation; merging two bidders of one call would
/// silently make one bid of two.
/// `left_behind` are bids that stay with the absorbed organisation (see
/// [`MergeOutcome::bids_left_behind`]).
async fn refuse_rival_bids(
    conn: &impl ConnectionTrait,
    absorbed_id: i64,
    survivor_id: i64,
    left_behind: &[i64],
) -> CoreResult<()> {
    let shared = rival_bids(conn, absorbed_id, survivor_id)
        .await?
        .into_iter()
        .find(|id| !left_behind.contains(id));
    let Some(shared) = shared else {
        return Ok(());
    };
    let call = bids::model(conn, shared).await?.challenge_id;
    Err(CoreError::Conflict(t!("org-merge-rival-bids", call = call)))
}

/// The absorbed organisation's bids (any status) on calls the survivor bids on too.
async fn rival_bids(
    conn: &impl ConnectionTrait,
    absorbed_id: i64,
    survivor_id: i64,
) -> CoreResult<Vec<i64>> {
    let survivor_calls: Vec<i64> = bid::Entity::find()
        .select_only()
        .column(bid::Column::ChallengeId)
        .filter(bid::Column::LeadOrgId.eq(survivor_id))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(bid::Entity::find()
        .select_only()
        .column(bid::Column::Id)
        .filter(bid::Column::LeadOrgId.eq(absorbed_id))
        .filter(bid::Column::ChallengeId.is_in(survivor_calls))
        .order_by_asc(bid::Column::Id)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Locks, once and in ascending order, every call either organisation bids on or has an
/// expert seated on (on PostgreSQL; SQLite has one writer). Seating, bidding and linking
/// take their organisation's row before the call's, as the merge does here, so the two
/// never wait for each other in opposite orders; the steps below lock these calls again,
/// which they already hold.
async fn lock_calls_of(conn: &impl ConnectionTrait, pair: [i64; 2]) -> CoreResult<()> {
    let mut calls: BTreeSet<i64> = bid::Entity::find()
        .select_only()
        .column(bid::Column::ChallengeId)
        .filter(bid::Column::LeadOrgId.is_in(pair))
        .into_tuple::<i64>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    calls.extend(
        challenge_expert::Entity::find()
            .select_only()
            .column(challenge_expert::Column::ChallengeId)
            .filter(challenge_expert::Column::ExpertOrgId.is_in(pair))
            .into_tuple::<i64>()
            .all(conn)
            .await?,
    );
    for call in calls {
        challenges::locked(conn, call).await?;
    }
    Ok(())
}

/// Refuses to merge a provisional organisation with a bid past the expert review and
/// not yet closed (shortlisted, awarded, in execution). Moving it would hand the
/// survivor a win a stranger made in its name; withdrawing it would silently undo a
/// selection or an award the bureau published, with a contract and funds behind it.
/// The bureau decides on such a bid first (revokes the award, or drops the team), and
/// the reason names the bid and its call so that it can.
async fn refuse_strangers_advanced_bids(
    conn: &impl ConnectionTrait,
    absorbed_id: i64,
) -> CoreResult<()> {
    let advanced = [
        BidStatus::Shortlisted.code(),
        BidStatus::Awarded.code(),
        BidStatus::InExecution.code(),
    ];
    let found = bid::Entity::find()
        .filter(bid::Column::LeadOrgId.eq(absorbed_id))
        .filter(bid::Column::Status.is_in(advanced))
        .order_by_asc(bid::Column::Id)
        .one(conn)
        .await?;
    let Some(row) = found else {
        return Ok(());
    };
    let call = challenges::locked(conn, row.challenge_id).await?;
    Err(CoreError::Conflict(t!(
        "org-merge-advanced-bid",
        bid = row.id,
        call = call.title.as_str(),
        public_id = call.public_id.as_str(),
        status = BidStatus::from_code(&row.status)?.label()
    )))
}

/// Deletes a provisional organisation's bids that were never submitted (drafts, and
/// drafts withdrawn): nobody but their author ever saw them, and nothing (sheet,
/// milestone) refers to them. Each deletion is in the audit log with the bid's call.
async fn delete_strangers_drafts(
    conn: &impl ConnectionTrait,
    actor_user_id: i64,
    absorbed_id: i64,
) -> CoreResult<Vec<i64>> {
    let rows = bid::Entity::find()
        .filter(bid::Column::LeadOrgId.eq(absorbed_id))
        .filter(bid::Column::SubmittedAt.is_null())
        .order_by_asc(bid::Column::Id)
        .all(conn)
        .await?;
    let mut deleted = Vec::with_capacity(rows.len());
    for row in rows {
        challenges::locked(conn, row.challenge_id).await?;
        bid_milestone::Entity::delete_many()
            .filter(bid_milestone::Column::BidId.eq(row.id))
            .exec(conn)
            .await?;
        bid::Entity::delete_by_id(row.id).exec(conn).await?;
        let detail = serde_json::json!({
            "challenge_id": row.challenge_id,
            "lead_org_id": row.lead_org_id,
            "status": row.status,
            "created_by": row.created_by,
        })
        .to_string();
        audit::record(
            conn,
            audit::Record {
                actor_user_id: Some(actor_user_id),
                action: "bid.delete_by_merge",
                entity: "bid",
                entity_id: row.id,
                reason: None,
                detail: Some(&detail),
            },
        )
        .await?;
        deleted.push(row.id);
    }
    Ok(deleted)
}

/// Refuses a merge that would put an expert in judgement of their own organisation: an
/// expert of one of the two seated on a call whose judging is not over, where the other
/// bids as lead or as a consortium member the bureau linked. Merged, they would be
/// conflicted without anyone deciding it, and their sheets would count. The bureau
/// expects to be told rather than have the merge unseat them (a sheet may already be in,
/// and only the bureau may void it), so the reason names the expert, the call and the bid.
///
/// Only calls up to the selection are checked: once the winners are proposed nobody
/// writes or voids a sheet, and refusing would leave the bureau a refusal it cannot act
/// on (voiding needs the selection, unseating refuses a sheet that counts). Should the
/// 公示 be revoked, the call is back in selection, where the merged expert is conflicted
/// and the bureau voids their sheet as for any conflict found late.
///
/// A bid refused by the formal review or not selected is out of the judging; a bid the
/// merge withdraws (`withdrawn`, a provisional organisation's) is out as well.
///
/// Both organisations' rows are locked by the caller first; seating an expert and
/// creating a bid lock their organisation's row too, so neither starts on these two
/// meanwhile. The calls where either has an expert seated are then locked in order (on
/// PostgreSQL; SQLite has one writer) and their seats and bids read again: a seating or
/// a consortium link that held a call's lock before the merge committed is seen here.
async fn refuse_conflicted_panels(
    conn: &impl ConnectionTrait,
    absorbed_id: i64,
    survivor_id: i64,
    withdrawn_by_merge: &[i64],
) -> CoreResult<()> {
    let pair = [absorbed_id, survivor_id];
    let seated_calls: BTreeSet<i64> = challenge_expert::Entity::find()
        .select_only()
        .column(challenge_expert::Column::ChallengeId)
        .filter(challenge_expert::Column::ExpertOrgId.is_in(pair))
        .into_tuple::<i64>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let mut judging = Vec::new();
    for call in seated_calls {
        let found = challenges::locked(conn, call).await?;
        if ChallengeStatus::from_code(&found.status)?.judging_open() {
            judging.push(found);
        }
    }
    if judging.is_empty() {
        return Ok(());
    }
    let call_ids: Vec<i64> = judging.iter().map(|c| c.id).collect();
    let seats = challenge_expert::Entity::find()
        .filter(challenge_expert::Column::ChallengeId.is_in(call_ids.clone()))
        .filter(challenge_expert::Column::ExpertOrgId.is_in(pair))
        .order_by_asc(challenge_expert::Column::ChallengeId)
        .order_by_asc(challenge_expert::Column::Id)
        .all(conn)
        .await?;
    let out_of_judging = [
        BidStatus::Withdrawn.code(),
        BidStatus::NotAccepted.code(),
        BidStatus::NotSelected.code(),
    ];
    let mut bidding = Vec::new();
    for row in bid::Entity::find()
        .filter(bid::Column::ChallengeId.is_in(call_ids))
        .filter(bid::Column::Status.is_not_in(out_of_judging))
        .order_by_asc(bid::Column::Id)
        .all(conn)
        .await?
    {
        if withdrawn_by_merge.contains(&row.id) {
            continue;
        }
        // A consortium that does not parse names no organisation the bureau linked; it
        // must not hold up a merge it has nothing to do with.
        match bids::parties(&row) {
            Ok(parties) => bidding.push((row, parties.orgs)),
            Err(e) => tracing::warn!(bid = row.id, error = %e, "merge check skips a bid"),
        }
    }
    for seat in &seats {
        let Some(expert_org) = seat.expert_org_id else {
            continue;
        };
        let other = if expert_org == absorbed_id {
            survivor_id
        } else {
            absorbed_id
        };
        let conflicted = bidding
            .iter()
            .find(|(row, orgs)| row.challenge_id == seat.challenge_id && orgs.contains(&other));
        let (Some((row, _)), Some(found)) = (
            conflicted,
            judging.iter().find(|c| c.id == seat.challenge_id),
        ) else {
            continue;
        };
        let expert = users::get(conn, seat.expert_user_id).await?;
        let names = super::names_by_id(conn, [expert_org, other]).await?;
        let name_of = |id: i64| names.get(&id).cloned().unwrap_or_default();
        return Err(CoreError::Conflict(t!(
            "org-merge-seated-expert",
            expert = expert.display_name.as_str(),
            org = name_of(expert_org),
            call = found.title.as_str(),
            public_id = found.public_id.as_str(),
            other = name_of(other),
            bid = row.id
        )));
    }
    Ok(())
}

/// Withdraws a provisional organisation's bids that are still in play, as its postings
/// are disowned: the survivor never agreed to them, and a stranger's bid must not keep a
/// genuine judge of the survivor off a panel (the merge check leaves them out). Each
/// lands on its call's timeline and in the audit log with the reason. Returns their ids.
async fn withdraw_strangers_bids(
    conn: &impl ConnectionTrait,
    actor_user_id: i64,
    absorbed_id: i64,
    now: DateTime<Utc>,
) -> CoreResult<Vec<i64>> {
    let live = [
        BidStatus::Draft.code(),
        BidStatus::Submitted.code(),
        BidStatus::Returned.code(),
        BidStatus::InExpertReview.code(),
    ];
    let rows = bid::Entity::find()
        .filter(bid::Column::LeadOrgId.eq(absorbed_id))
        .filter(bid::Column::Status.is_in(live))
        .order_by_asc(bid::Column::ChallengeId)
        .all(conn)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let actor = users::get(conn, actor_user_id).await?;
    let reason = t!("org-merge-bid-withdrawn");
    let mut withdrawn = Vec::with_capacity(rows.len());
    for row in rows {
        // Locked as every step on the call's panel and bids locks it.
        challenges::locked(conn, row.challenge_id).await?;
        let changed = bid::Entity::update_many()
            .col_expr(
                bid::Column::Status,
                Expr::value(BidStatus::Withdrawn.code()),
            )
            .col_expr(bid::Column::StatusReason, Expr::value(reason.as_str()))
            .col_expr(bid::Column::UpdatedAt, Expr::value(now))
            .filter(bid::Column::Id.eq(row.id))
            .filter(bid::Column::Status.eq(row.status.as_str()))
            .exec(conn)
            .await?;
        if changed.rows_affected == 0 {
            return Err(CoreError::Conflict(t!("challenge-changed-meanwhile")));
        }
        challenges::record_event(
            conn,
            row.challenge_id,
            Some(row.id),
            Some(&actor),
            "bid.withdraw_by_merge",
            Some(&reason),
            now,
        )
        .await?;
        withdrawn.push(row.id);
    }
    Ok(withdrawn)
}

/// Consortium members the bureau's registry linked to the absorbed organisation now name
/// the survivor, so that conflicts of interest still see them.
async fn relink_consortium_members(
    conn: &impl ConnectionTrait,
    absorbed_id: i64,
    survivor_id: i64,
) -> CoreResult<()> {
    let mentioning = bid::Entity::find()
        .filter(bid::Column::Consortium.contains(absorbed_id.to_string()))
        .all(conn)
        .await?;
    for row in mentioning {
        let mut members = match bids::consortium(&row) {
            Ok(members) => members,
            // It names no organisation, so there is nothing to relink.
            Err(e) => {
                tracing::warn!(bid = row.id, error = %e, "merge leaves a bid's consortium as is");
                continue;
            }
        };
        let mut relinked = false;
        for member in &mut members {
            if member.org_id == Some(absorbed_id) {
                member.org_id = Some(survivor_id);
                relinked = true;
            }
        }
        if relinked {
            let consortium = serde_json::to_string(&members)
                .map_err(|e| CoreError::Internal(format!("consortium does not serialise: {e}")))?;
            bid::Entity::update_many()
                .col_expr(bid::Column::Consortium, Expr::value(consortium))
                .filter(bid::Column::Id.eq(row.id))
                .exec(conn)
                .await?;
        }
    }
    Ok(())
}

/// Moves the postings and logs each as changed, so every node's index shows the
/// survivor's name beside them.
async fn move_postings(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    absorbed_id: i64,
    survivor_id: i64,
) -> CoreResult<usize> {
    let ids = super::postings_of(conn, kind, absorbed_id).await?;
    match kind {
        PostingKind::Need => {
            need::Entity::update_many()
                .col_expr(need::Column::OrgId, Expr::value(survivor_id))
                .filter(need::Column::OrgId.eq(absorbed_id))
                .exec(conn)
                .await?;
        }
        PostingKind::Achievement => {
            achievement::Entity::update_many()
                .col_expr(achievement::Column::OrgId, Expr::value(survivor_id))
                .filter(achievement::Column::OrgId.eq(absorbed_id))
                .exec(conn)
                .await?;
        }
    }
    changes::record_many(conn, kind, &ids).await?;
    Ok(ids.len())
}

/// A broker assigned to both keeps one assignment, the survivor's.
async fn move_broker_assignments(
    conn: &impl ConnectionTrait,
    absorbed_id: i64,
    survivor_id: i64,
) -> CoreResult<()> {
    let brokers_of_survivor: Vec<i64> = broker_assignment::Entity::find()
        .select_only()
        .column(broker_assignment::Column::BrokerUserId)
        .filter(broker_assignment::Column::OrganisationId.eq(survivor_id))
        .into_tuple()
        .all(conn)
        .await?;
    broker_assignment::Entity::delete_many()
        .filter(broker_assignment::Column::OrganisationId.eq(absorbed_id))
        .filter(broker_assignment::Column::BrokerUserId.is_in(brokers_of_survivor))
        .exec(conn)
        .await?;
    broker_assignment::Entity::update_many()
        .col_expr(
            broker_assignment::Column::OrganisationId,
            Expr::value(survivor_id),
        )
        .filter(broker_assignment::Column::OrganisationId.eq(absorbed_id))
        .exec(conn)
        .await?;
    Ok(())
}
