//! The bureau merges a duplicate organisation into the registry organisation it
//! duplicates: postings, members, calls, bids, panels, broker assignments and history
//! move to the survivor, and the duplicate is gone. What a provisional organisation's
//! registrants made arrives as drafts and voided deals: a stranger who registered first
//! gains nothing from the merge.

use std::collections::BTreeSet;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use crate::challenge::bid::BidStatus;
use crate::challenge::lifecycle::ChallengeStatus;
use crate::contact::DealConfirmation;
use crate::entities::{
    achievement, bid, broker_assignment, challenge, challenge_expert, contact, deal, need,
    organisation, session, user, webhook,
};
use crate::posting::{PostingKind, Status};
use crate::services::{audit, bids, challenges, changes, users};
use crate::{CoreError, CoreResult, t};

/// What a merge moved, for the audit log and the bureau's confirmation.
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
}

fn not_found(id: i64) -> CoreError {
    CoreError::NotFound {
        what: t!("what-organisation"),
        id: id.to_string(),
    }
}

/// Merges `absorbed_id` into `survivor_id` on behalf of the bureau user `actor_user_id`,
/// recording it in the audit log. Run it in a transaction: it is many statements.
///
/// Members of a provisional organisation arrive unconfirmed, whatever they were: the
/// bureau confirms the survivor's real staff one by one, and a stranger who registered
/// first gains nothing. Members of a registry organisation keep their confirmation.
///
/// # Errors
/// `NotFound` for an unknown id; `Invalid` when the two are one, or the survivor is
/// itself provisional; `Conflict` when both organisations bid on the same call (one of
/// the bids must be withdrawn first), or when an expert of one sits on the panel of a
/// call the other bids on (the reason names the expert and the call); database errors.
pub async fn merge(
    conn: &impl ConnectionTrait,
    actor_user_id: i64,
    absorbed_id: i64,
    survivor_id: i64,
) -> CoreResult<MergeOutcome> {
    if absorbed_id == survivor_id {
        return Err(CoreError::invalid("into", t!("org-merge-same")));
    }
    let absorbed = organisation::Entity::find_by_id(absorbed_id)
        .one(conn)
        .await?
        .ok_or_else(|| not_found(absorbed_id))?;
    let survivor = organisation::Entity::find_by_id(survivor_id)
        .one(conn)
        .await?
        .ok_or_else(|| not_found(survivor_id))?;
    if survivor.provisional {
        let reason = t!("org-merge-into-provisional", name = &survivor.name);
        return Err(CoreError::invalid("into", reason));
    }
    refuse_rival_bids(conn, absorbed_id, survivor_id).await?;
    refuse_conflicted_panels(conn, absorbed_id, survivor_id).await?;
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
async fn refuse_rival_bids(
    conn: &impl ConnectionTrait,
    absorbed_id: i64,
    survivor_id: i64,
) -> CoreResult<()> {
    let calls_of = |org_id: i64| {
        bid::Entity::find()
            .select_only()
            .column(bid::Column::ChallengeId)
            .filter(bid::Column::LeadOrgId.eq(org_id))
            .into_tuple::<i64>()
    };
    let survivor_calls = calls_of(survivor_id).all(conn).await?;
    let shared = calls_of(absorbed_id)
        .all(conn)
        .await?
        .into_iter()
        .find(|call| survivor_calls.contains(call));
    match shared {
        Some(call) => Err(CoreError::Conflict(t!("org-merge-rival-bids", call = call))),
        None => Ok(()),
    }
}

/// Refuses a merge that would put an expert in judgement of their own organisation: an
/// expert of one of the two seated on a call that is not over, where the other bids as
/// lead or as a consortium member the bureau linked. Merged, they would be conflicted
/// without anyone deciding it, and their sheets would count. The bureau expects to be
/// told rather than have the merge unseat them (a sheet may already be in, and only the
/// bureau may void it), so the reason names the expert, the call and the bid.
///
/// Every call either organisation bids on or sits on a panel of is locked first, in
/// order (on PostgreSQL; SQLite has one writer): an expert seated meanwhile is seen here,
/// or is seated after the merge and then judged as a member of the survivor.
async fn refuse_conflicted_panels(
    conn: &impl ConnectionTrait,
    absorbed_id: i64,
    survivor_id: i64,
) -> CoreResult<()> {
    let pair = [absorbed_id, survivor_id];
    let seats = challenge_expert::Entity::find()
        .filter(challenge_expert::Column::ExpertOrgId.is_in(pair))
        .all(conn)
        .await?;
    let mentioning = Condition::any()
        .add(bid::Column::LeadOrgId.is_in(pair))
        .add(bid::Column::Consortium.contains(absorbed_id.to_string()))
        .add(bid::Column::Consortium.contains(survivor_id.to_string()));
    let withdrawn = BidStatus::Withdrawn.code();
    let mut bidding = Vec::new();
    for row in bid::Entity::find()
        .filter(mentioning)
        .filter(bid::Column::Status.ne(withdrawn))
        .all(conn)
        .await?
    {
        let orgs = bids::parties(&row)?.orgs;
        if orgs.iter().any(|o| pair.contains(o)) {
            bidding.push((row, orgs));
        }
    }
    let calls: BTreeSet<i64> = seats
        .iter()
        .map(|s| s.challenge_id)
        .chain(bidding.iter().map(|(row, _)| row.challenge_id))
        .collect();
    for call in calls {
        let found = challenges::locked(conn, call).await?;
        if ChallengeStatus::from_code(&found.status)?.is_final() {
            continue;
        }
        for seat in seats.iter().filter(|s| s.challenge_id == call) {
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
                .find(|(row, orgs)| row.challenge_id == call && orgs.contains(&other));
            if let Some((row, _)) = conflicted {
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
        }
    }
    Ok(())
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
        let mut members = bids::consortium(&row)?;
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
