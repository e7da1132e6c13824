//! 对接 between the two sides of a match: requests, answers, messages and the deal.
//! Only the two organisations involved (and the bureau, read-only) see a contact; a
//! confidential enterprise's name is shown to the other side only once it has accepted
//! or started the contact.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;

use crate::contact::{self, ContactAction, ContactStatus, Deal, DealAnswer, DealConfirmation};
use crate::entities::{contact as contact_entity, contact_message, deal, need};
use crate::posting::{PostingKind, PostingView, Status};
use crate::services::users::User;
use crate::services::{audit, organisations, postings};
use crate::{CoreError, CoreResult, t};

/// The longest message accepted, in characters.
const MAX_MESSAGE_CHARS: usize = 2_000;

/// One side of a contact as the viewer may see it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct Party {
    pub kind: PostingKind,
    pub posting_id: i64,
    pub external_id: String,
    pub title: String,
    /// `None` while a confidential enterprise is still anonymous to the viewer.
    pub org_name: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct MessageView {
    pub user_id: i64,
    pub mine: bool,
    pub body: String,
    pub at: DateTime<Utc>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct DealView {
    pub contract_type: &'static str,
    pub contract_type_label: String,
    pub contract_amount_yuan: i64,
    pub technology_amount_yuan: i64,
    pub researcher_share_percent: i16,
    pub signed_at: DateTime<Utc>,
    /// Only a confirmed deal counts in the figures.
    pub confirmation: DealConfirmation,
    pub confirmation_label: String,
    /// The side that recorded the deal; `None` for deals from before confirmations.
    pub recorded_side: Option<PostingKind>,
    pub dispute_reason: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    pub id: i64,
    pub status: ContactStatus,
    pub status_label: String,
    pub need: Party,
    pub achievement: Party,
    pub initiator_side: PostingKind,
    /// The viewer's side, `None` for the bureau.
    pub viewer_side: Option<PostingKind>,
    pub message: String,
    pub close_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub messages: Vec<MessageView>,
    pub deal: Option<DealView>,
}

impl ContactView {
    /// The actions the viewer may take now: (code, label).
    pub fn actions(&self) -> Vec<(&'static str, String)> {
        let Some(side) = self.viewer_side else {
            return Vec::new();
        };
        let by_receiver = side != self.initiator_side;
        [
            ContactAction::Accept,
            ContactAction::Decline,
            ContactAction::Negotiate,
            ContactAction::Close,
        ]
        .into_iter()
        .filter(|a| contact::transition(self.status, *a, by_receiver).is_ok())
        .map(|a| (a.code(), a.label()))
        .collect()
    }

    /// Whether the viewer may confirm or dispute the deal: a deal awaiting
    /// confirmation, recorded by the other side.
    pub fn may_answer_deal(&self) -> bool {
        match (&self.deal, self.viewer_side) {
            (Some(deal), Some(side)) => {
                deal.confirmation == DealConfirmation::Awaiting
                    && deal.recorded_side.is_some_and(|recorder| recorder != side)
            }
            _ => false,
        }
    }

    pub fn may_sign(&self) -> bool {
        self.viewer_side.is_some()
            && contact::transition(self.status, ContactAction::Sign, false).is_ok()
    }
}

/// The side `actor` speaks for in a pair of postings, if any.
fn side_of(actor: &User, need: &PostingView, achievement: &PostingView) -> Option<PostingKind> {
    if !actor.org_confirmed {
        return None;
    }
    let org = actor.org_id?;
    match actor.posts()? {
        PostingKind::Need if need.org_id == Some(org) => Some(PostingKind::Need),
        PostingKind::Achievement if achievement.org_id == Some(org) => {
            Some(PostingKind::Achievement)
        }
        _ => None,
    }
}

async fn posting(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    id: i64,
) -> CoreResult<PostingView> {
    postings::views_by_ids(conn, kind, &[id])
        .await?
        .pop()
        .ok_or_else(|| CoreError::NotFound {
            what: kind.label(),
            id: id.to_string(),
        })
}

/// Sends a contact request from the actor's own posting to a published counterpart,
/// both named by their public (external) ids: internal ids are sequences that would
/// place a confidential need among its enterprise's public ones. Returns the contact's
/// id.
///
/// # Errors
/// `Forbidden` unless the actor speaks for one side; `Invalid` for an empty message or
/// an unpublished counterpart; `Conflict` when the pair already has a contact.
pub async fn request(
    conn: &impl ConnectionTrait,
    actor: &User,
    need: &str,
    achievement: &str,
    message: &str,
) -> CoreResult<i64> {
    let need_view = postings::view_by_external_id(conn, PostingKind::Need, need).await?;
    let achievement_view =
        postings::view_by_external_id(conn, PostingKind::Achievement, achievement).await?;
    let (need_id, achievement_id) = (need_view.id, achievement_view.id);
    let side = side_of(actor, &need_view, &achievement_view)
        .ok_or_else(|| CoreError::Forbidden(t!("contact-request-not-own")))?;
    let counterpart = match side {
        PostingKind::Need => &achievement_view,
        PostingKind::Achievement => &need_view,
    };
    let own = match side {
        PostingKind::Need => &need_view,
        PostingKind::Achievement => &achievement_view,
    };
    if own.status != Status::Published {
        return Err(CoreError::invalid(
            "posting",
            t!("contact-request-not-published"),
        ));
    }
    if counterpart.status != Status::Published {
        return Err(CoreError::NotFound {
            what: counterpart.kind.label(),
            id: counterpart.id.to_string(),
        });
    }
    let message = message.trim();
    if message.is_empty() || message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(CoreError::invalid(
            "message",
            t!("contact-request-message-invalid", max = MAX_MESSAGE_CHARS),
        ));
    }
    let existing = contact_entity::Entity::find()
        .filter(contact_entity::Column::NeedId.eq(need_id))
        .filter(contact_entity::Column::AchievementId.eq(achievement_id))
        .one(conn)
        .await?;
    if let Some(existing) = existing {
        let reason = t!("contact-request-exists", id = existing.id);
        return Err(CoreError::Conflict(reason));
    }
    let now = Utc::now();
    let created = contact_entity::ActiveModel {
        need_id: Set(need_id),
        achievement_id: Set(achievement_id),
        initiator_side: Set(side.code().to_owned()),
        initiator_user_id: Set(actor.id),
        message: Set(message.to_owned()),
        status: Set(ContactStatus::Requested.code().to_owned()),
        close_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    record(conn, actor, "contact.request", created.id, None).await?;
    Ok(created.id)
}

async fn record(
    conn: &impl ConnectionTrait,
    actor: &User,
    action: &str,
    id: i64,
    detail: Option<&str>,
) -> CoreResult<()> {
    audit::record(
        conn,
        audit::Record {
            actor_user_id: Some(actor.id),
            action,
            entity: "contact",
            entity_id: id,
            reason: None,
            detail,
        },
    )
    .await
}

async fn load(
    conn: &impl ConnectionTrait,
    id: i64,
) -> CoreResult<(contact_entity::Model, PostingView, PostingView)> {
    let model = contact_entity::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| CoreError::NotFound {
            what: t!("what-contact"),
            id: id.to_string(),
        })?;
    let need_view = posting(conn, PostingKind::Need, model.need_id).await?;
    let achievement_view = posting(conn, PostingKind::Achievement, model.achievement_id).await?;
    Ok((model, need_view, achievement_view))
}

/// Answers or moves a contact on. Signing records the deal; closing needs a reason.
///
/// # Errors
/// `Forbidden` for anyone but the two sides; `IllegalTransition` with the reason;
/// `Invalid` for a missing reason or deal.
pub async fn act(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    action: ContactAction,
    close_reason: Option<&str>,
    signed: Option<Deal>,
) -> CoreResult<ContactStatus> {
    let (model, need_view, achievement_view) = load(conn, id).await?;
    let side = side_of(actor, &need_view, &achievement_view)
        .ok_or_else(|| CoreError::Forbidden(t!("contact-act-not-party")))?;
    let initiator = PostingKind::from_code(&model.initiator_side)
        .ok_or_else(|| CoreError::Internal("unknown contact side".to_owned()))?;
    let from = ContactStatus::from_code(&model.status)?;
    let to = contact::transition(from, action, side != initiator)?;
    let reason = close_reason.map(str::trim).filter(|r| !r.is_empty());
    if action == ContactAction::Close && reason.is_none() {
        return Err(CoreError::invalid(
            "close_reason",
            t!("contact-close-reason-required"),
        ));
    }
    if action == ContactAction::Sign {
        let deal = signed.ok_or_else(|| CoreError::invalid("deal", t!("contact-deal-required")))?;
        deal::ActiveModel {
            contact_id: Set(id),
            contract_type: Set(deal.contract_type.code().to_owned()),
            contract_amount_yuan: Set(deal.contract_amount.yuan()),
            technology_amount_yuan: Set(deal.technology_amount.yuan()),
            researcher_share_percent: Set(i16::from(deal.researcher_share_percent)),
            recorded_by: Set(actor.id),
            signed_at: Set(Utc::now()),
            // One side's word is not a deal the bureau reports: the other side confirms.
            confirmation: Set(DealConfirmation::Awaiting.code().to_owned()),
            recorded_side: Set(Some(side.code().to_owned())),
            answered_by: Set(None),
            answered_at: Set(None),
            dispute_reason: Set(None),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    // Only if the other side did not move the contact meanwhile.
    let mut update = contact_entity::Entity::update_many()
        .col_expr(contact_entity::Column::Status, Expr::value(to.code()))
        .col_expr(contact_entity::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(contact_entity::Column::Id.eq(id))
        .filter(contact_entity::Column::Status.eq(from.code()));
    if action == ContactAction::Close {
        update = update.col_expr(
            contact_entity::Column::CloseReason,
            Expr::value(reason.map(str::to_owned)),
        );
    }
    if update.exec(conn).await?.rows_affected == 0 {
        return Err(CoreError::Conflict(t!("contact-changed-meanwhile")));
    }
    record(
        conn,
        actor,
        &format!("contact.{}", action.code()),
        id,
        reason,
    )
    .await?;
    Ok(to)
}

/// The other side of a contact confirms the deal one side recorded (from then on it
/// counts in the figures) or disputes it with a reason (it never counts; the bureau
/// sees the dispute).
///
/// # Errors
/// `Forbidden` for anyone but a confirmed member of the other side (or a broker acting
/// for it), for the recording side and for the person who recorded the deal;
/// `Conflict` when there is no deal or it was already answered; `Invalid` for a
/// dispute without a reason.
pub async fn answer_deal(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    answer: DealAnswer,
    reason: Option<&str>,
) -> CoreResult<DealConfirmation> {
    let (_, need_view, achievement_view) = load(conn, id).await?;
    let side = side_of(actor, &need_view, &achievement_view)
        .ok_or_else(|| CoreError::Forbidden(t!("deal-answer-not-party")))?;
    let recorded = deal::Entity::find()
        .filter(deal::Column::ContactId.eq(id))
        .one(conn)
        .await?
        .ok_or_else(|| CoreError::Conflict(t!("deal-answer-no-deal")))?;
    let state = DealConfirmation::from_code(&recorded.confirmation)?;
    if state != DealConfirmation::Awaiting {
        let reason = t!("deal-answer-not-awaiting", state = state.label());
        return Err(CoreError::Conflict(reason));
    }
    if recorded.recorded_side.as_deref() == Some(side.code()) {
        return Err(CoreError::Forbidden(t!("deal-answer-own-side")));
    }
    // A broker assigned to both organisations must not vouch for their own record.
    if recorded.recorded_by == actor.id {
        return Err(CoreError::Forbidden(t!("deal-answer-same-person")));
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let to = match answer {
        DealAnswer::Confirm => DealConfirmation::Confirmed,
        DealAnswer::Dispute if reason.is_none() => {
            return Err(CoreError::invalid(
                "reason",
                t!("deal-dispute-reason-required"),
            ));
        }
        DealAnswer::Dispute => DealConfirmation::Disputed,
    };
    let dispute_reason = match to {
        DealConfirmation::Disputed => reason.map(str::to_owned),
        _ => None,
    };
    // Only if nobody answered meanwhile.
    let answered = deal::Entity::update_many()
        .col_expr(deal::Column::Confirmation, Expr::value(to.code()))
        .col_expr(deal::Column::AnsweredBy, Expr::value(Some(actor.id)))
        .col_expr(deal::Column::AnsweredAt, Expr::value(Some(Utc::now())))
        .col_expr(deal::Column::DisputeReason, Expr::value(dispute_reason))
        .filter(deal::Column::Id.eq(recorded.id))
        .filter(deal::Column::Confirmation.eq(DealConfirmation::Awaiting.code()))
        .exec(conn)
        .await?;
    if answered.rows_affected == 0 {
        return Err(CoreError::Conflict(t!("contact-changed-meanwhile")));
    }
    let action = format!("contact.deal_{}", answer.code());
    record(conn, actor, &action, id, reason).await?;
    Ok(to)
}

/// Adds a message to an accepted contact.
///
/// # Errors
/// `Forbidden` for anyone but the two sides; `IllegalTransition` before acceptance.
pub async fn post_message(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    body: &str,
) -> CoreResult<()> {
    let (model, need_view, achievement_view) = load(conn, id).await?;
    side_of(actor, &need_view, &achievement_view)
        .ok_or_else(|| CoreError::Forbidden(t!("contact-message-not-party")))?;
    let status = ContactStatus::from_code(&model.status)?;
    if !status.is_open() {
        return Err(CoreError::IllegalTransition {
            from: status.label(),
            to: t!("contact-message-action"),
            reason: t!("contact-message-not-open", status = status.label()),
        });
    }
    let body = body.trim();
    if body.is_empty() || body.chars().count() > MAX_MESSAGE_CHARS {
        return Err(CoreError::invalid(
            "body",
            t!("contact-message-invalid", max = MAX_MESSAGE_CHARS),
        ));
    }
    contact_message::ActiveModel {
        contact_id: Set(id),
        user_id: Set(actor.id),
        body: Set(body.to_owned()),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// One contact with its messages and deal, for its two sides and the bureau.
///
/// # Errors
/// `NotFound` for anyone else (a contact's existence is private too).
pub async fn get(conn: &impl ConnectionTrait, actor: &User, id: i64) -> CoreResult<ContactView> {
    let (model, need_view, achievement_view) = load(conn, id).await?;
    let side = side_of(actor, &need_view, &achievement_view);
    if side.is_none() && !actor.role.is_bureau() {
        return Err(CoreError::NotFound {
            what: t!("what-contact"),
            id: id.to_string(),
        });
    }
    let mut view = to_view(conn, model, need_view, achievement_view, side, actor).await?;
    view.messages = contact_message::Entity::find()
        .filter(contact_message::Column::ContactId.eq(id))
        .order_by_asc(contact_message::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| MessageView {
            mine: m.user_id == actor.id,
            user_id: m.user_id,
            body: m.body,
            at: m.at,
        })
        .collect();
    view.deal = deal::Entity::find()
        .filter(deal::Column::ContactId.eq(id))
        .one(conn)
        .await?
        .and_then(|d| {
            let kind = contact::ContractType::parse(&d.contract_type).ok()?;
            let confirmation = DealConfirmation::from_code(&d.confirmation).ok()?;
            Some(DealView {
                contract_type: kind.code(),
                contract_type_label: kind.label(),
                contract_amount_yuan: d.contract_amount_yuan,
                technology_amount_yuan: d.technology_amount_yuan,
                researcher_share_percent: d.researcher_share_percent,
                signed_at: d.signed_at,
                confirmation,
                confirmation_label: confirmation.label(),
                recorded_side: d.recorded_side.as_deref().and_then(PostingKind::from_code),
                dispute_reason: d.dispute_reason,
            })
        });
    Ok(view)
}

async fn to_view(
    conn: &impl ConnectionTrait,
    model: contact_entity::Model,
    need_view: PostingView,
    achievement_view: PostingView,
    side: Option<PostingKind>,
    actor: &User,
) -> CoreResult<ContactView> {
    let status = ContactStatus::from_code(&model.status)?;
    let initiator = PostingKind::from_code(&model.initiator_side).unwrap_or(PostingKind::Need);
    // The enterprise is known to the other side once it asked or accepted.
    let need_identity_known = side == Some(PostingKind::Need)
        || actor.role.is_bureau()
        || initiator == PostingKind::Need
        || status.is_open();
    let names = organisations::names_by_id(
        conn,
        need_view.org_id.into_iter().chain(achievement_view.org_id),
    )
    .await?;
    let name_of = |view: &PostingView| view.org_id.and_then(|id| names.get(&id).cloned());
    let need_org = if !need_view.confidential || need_identity_known {
        name_of(&need_view)
    } else {
        None
    };
    Ok(ContactView {
        id: model.id,
        status,
        status_label: status.label(),
        need: Party {
            kind: PostingKind::Need,
            posting_id: need_view.id,
            external_id: need_view.external_id.clone(),
            title: need_view.title.clone(),
            org_name: need_org,
        },
        achievement: Party {
            kind: PostingKind::Achievement,
            posting_id: achievement_view.id,
            external_id: achievement_view.external_id.clone(),
            title: achievement_view.title.clone(),
            org_name: name_of(&achievement_view),
        },
        initiator_side: initiator,
        viewer_side: side,
        message: model.message,
        close_reason: model.close_reason,
        created_at: model.created_at,
        updated_at: model.updated_at,
        messages: Vec::new(),
        deal: None,
    })
}

/// The contacts the actor's organisation takes part in (every contact for the bureau),
/// newest activity first, without their messages.
///
/// # Errors
/// Database errors.
pub async fn list(conn: &impl ConnectionTrait, actor: &User) -> CoreResult<Vec<ContactView>> {
    let mut query = contact_entity::Entity::find().order_by_desc(contact_entity::Column::UpdatedAt);
    if !actor.role.is_bureau() {
        let (Some(kind), Some(org), true) = (actor.posts(), actor.org_id, actor.org_confirmed)
        else {
            return Ok(Vec::new());
        };
        let condition = match kind {
            PostingKind::Need => {
                let ids: Vec<i64> = need::Entity::find()
                    .filter(need::Column::OrgId.eq(org))
                    .all(conn)
                    .await?
                    .into_iter()
                    .map(|n| n.id)
                    .collect();
                Condition::all().add(contact_entity::Column::NeedId.is_in(ids))
            }
            PostingKind::Achievement => {
                let ids: Vec<i64> = crate::entities::achievement::Entity::find()
                    .filter(crate::entities::achievement::Column::OrgId.eq(org))
                    .all(conn)
                    .await?
                    .into_iter()
                    .map(|a| a.id)
                    .collect();
                Condition::all().add(contact_entity::Column::AchievementId.is_in(ids))
            }
        };
        query = query.filter(condition);
    }
    let mut views = Vec::new();
    for model in query.all(conn).await? {
        let need_view = posting(conn, PostingKind::Need, model.need_id).await?;
        let achievement_view =
            posting(conn, PostingKind::Achievement, model.achievement_id).await?;
        let side = side_of(actor, &need_view, &achievement_view);
        views.push(to_view(conn, model, need_view, achievement_view, side, actor).await?);
    }
    Ok(views)
}

/// The two postings of a contact and the side that asked, for telling each side what
/// the other did.
///
/// # Errors
/// `NotFound`.
pub async fn sides(
    conn: &impl ConnectionTrait,
    id: i64,
) -> CoreResult<(PostingView, PostingView, PostingKind)> {
    let (model, need_view, achievement_view) = load(conn, id).await?;
    let initiator = if model.initiator_side == PostingKind::Need.code() {
        PostingKind::Need
    } else {
        PostingKind::Achievement
    };
    Ok((need_view, achievement_view, initiator))
}
