//! Postings as people handle them on the platform: an organisation's users create and
//! edit their own postings and move them through the lifecycle; the bureau moderates.
//! Every decision is checked against the actor and lands in the audit log.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::{achievement, need};
use crate::posting::{
    AchievementInput, Action, NeedInput, PostingKind, PostingView, Status, ids, status,
};
use crate::services::postings::{self, Placement, UpsertOutcome};
use crate::services::users::User;
use crate::services::{audit, changes};
use crate::{CoreError, CoreResult, t};

/// Whether `actor` may create and manage postings of `kind` at all; returns the
/// organisation they act for.
///
/// # Errors
/// `Forbidden` for a role that does not post `kind`, or a membership the bureau has not
/// confirmed yet.
pub fn check_poster(actor: &User, kind: PostingKind) -> CoreResult<i64> {
    if actor.org_id.is_some() && !actor.org_confirmed {
        return Err(CoreError::Forbidden(t!("workflow-org-unconfirmed")));
    }
    match (actor.posts(), actor.org_id) {
        (Some(k), Some(org)) if k == kind => Ok(org),
        _ => {
            let (role, kind) = (actor.role.label(), kind.label());
            let reason = t!("workflow-role-cannot-post", role = role, kind = kind);
            Err(CoreError::Forbidden(reason))
        }
    }
}

/// Loads a posting and checks that `actor` may take `action` on it: its owners for their
/// own actions, bureau staff for moderation.
async fn authorized_view(
    conn: &impl ConnectionTrait,
    actor: &User,
    kind: PostingKind,
    id: i64,
    moderation: bool,
) -> CoreResult<PostingView> {
    let view = postings::views_by_ids(conn, kind, &[id])
        .await?
        .pop()
        .ok_or_else(|| CoreError::NotFound {
            what: kind.label(),
            id: id.to_string(),
        })?;
    let allowed = if moderation {
        actor.role.is_bureau()
    } else {
        check_poster(actor, kind).is_ok_and(|org| view.org_id == Some(org))
    };
    if allowed {
        Ok(view)
    } else if moderation {
        Err(CoreError::Forbidden(t!("workflow-moderators-only")))
    } else {
        let reason = t!("workflow-own-postings-only", kind = kind.label());
        Err(CoreError::Forbidden(reason))
    }
}

async fn audit_action(
    conn: &impl ConnectionTrait,
    actor: &User,
    kind: PostingKind,
    id: i64,
    action: &Action,
) -> CoreResult<()> {
    let (reason, note) = match action {
        Action::Reject { reason, note } => (Some(reason.code()), Some(note.as_str())),
        _ => (None, None),
    };
    let code = format!("{}.{}", kind.code(), action.code());
    audit::record(
        conn,
        audit::Record {
            actor_user_id: Some(actor.id),
            action: &code,
            entity: kind.code(),
            entity_id: id,
            reason,
            detail: note.filter(|n| !n.is_empty()),
        },
    )
    .await
}

/// Creates a draft need for the actor's enterprise. Returns its id.
///
/// # Errors
/// `Forbidden` unless the actor is an enterprise user with an organisation.
pub async fn create_need(
    conn: &impl ConnectionTrait,
    actor: &User,
    input: &NeedInput,
) -> CoreResult<i64> {
    let org = check_poster(actor, PostingKind::Need)?;
    let mut input = input.clone();
    input.external_id = ids::new_public_id(PostingKind::Need);
    let placement = Placement::now(Status::Draft, Some(org));
    let outcome = postings::write_need(conn, &input, None, &placement).await?;
    finish_create(conn, actor, PostingKind::Need, outcome).await
}

/// Creates a draft achievement for the actor's institution. Returns its id.
///
/// # Errors
/// `Forbidden` unless the actor is a researcher with an organisation.
pub async fn create_achievement(
    conn: &impl ConnectionTrait,
    actor: &User,
    input: &AchievementInput,
) -> CoreResult<i64> {
    let org = check_poster(actor, PostingKind::Achievement)?;
    let mut input = input.clone();
    input.external_id = ids::new_public_id(PostingKind::Achievement);
    let placement = Placement::now(Status::Draft, Some(org));
    let outcome = postings::write_achievement(conn, &input, None, &placement).await?;
    finish_create(conn, actor, PostingKind::Achievement, outcome).await
}

async fn finish_create(
    conn: &impl ConnectionTrait,
    actor: &User,
    kind: PostingKind,
    outcome: UpsertOutcome,
) -> CoreResult<i64> {
    let (UpsertOutcome::Created(id) | UpsertOutcome::Updated(id) | UpsertOutcome::Unchanged(id)) =
        outcome;
    changes::record(conn, kind, id).await?;
    let code = format!("{}.create", kind.code());
    audit::record(
        conn,
        audit::Record {
            actor_user_id: Some(actor.id),
            action: &code,
            entity: kind.code(),
            entity_id: id,
            ..Default::default()
        },
    )
    .await?;
    Ok(id)
}

/// What an edit does to the lifecycle: a draft stays a draft, a rejected posting becomes
/// a draft again, a published one goes back to review so the public never sees
/// unmoderated text. Anything else refuses with the lifecycle's reason.
fn action_for_edit(current: Status) -> CoreResult<Option<Action>> {
    let action = match current {
        Status::Draft => return Ok(None),
        Status::Published => Action::Resubmit,
        _ => Action::Revise,
    };
    status::transition(current, &action)?;
    Ok(Some(action))
}

/// Replaces the content of one of the actor's needs. Returns its new status.
///
/// # Errors
/// `Forbidden` for someone else's need; `IllegalTransition` when it cannot be edited now.
pub async fn edit_need(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    input: &NeedInput,
) -> CoreResult<Status> {
    let view = authorized_view(conn, actor, PostingKind::Need, id, false).await?;
    let follow_up = action_for_edit(view.status)?;
    let existing = need::Entity::find_by_id(id).one(conn).await?;
    let mut input = input.clone();
    input.external_id = view.external_id.clone();
    let placement = Placement::now(view.status, view.org_id);
    postings::write_need(conn, &input, existing, &placement).await?;
    finish_edit(conn, actor, PostingKind::Need, id, view.status, follow_up).await
}

/// Replaces the content of one of the actor's achievements. Returns its new status.
///
/// # Errors
/// As [`edit_need`].
pub async fn edit_achievement(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    input: &AchievementInput,
) -> CoreResult<Status> {
    let view = authorized_view(conn, actor, PostingKind::Achievement, id, false).await?;
    let follow_up = action_for_edit(view.status)?;
    let existing = achievement::Entity::find_by_id(id).one(conn).await?;
    let mut input = input.clone();
    input.external_id = view.external_id.clone();
    let placement = Placement::now(view.status, view.org_id);
    postings::write_achievement(conn, &input, existing, &placement).await?;
    finish_edit(
        conn,
        actor,
        PostingKind::Achievement,
        id,
        view.status,
        follow_up,
    )
    .await
}

async fn finish_edit(
    conn: &impl ConnectionTrait,
    actor: &User,
    kind: PostingKind,
    id: i64,
    current: Status,
    follow_up: Option<Action>,
) -> CoreResult<Status> {
    match follow_up {
        Some(action) => {
            audit_action(conn, actor, kind, id, &action).await?;
            postings::apply_action(conn, kind, id, &action).await
        }
        None => {
            changes::record(conn, kind, id).await?;
            Ok(current)
        }
    }
}

/// Takes a lifecycle action on a posting: the owner's own actions or the bureau's
/// moderation. Returns the new status.
///
/// # Errors
/// `Forbidden` when the actor may not; `IllegalTransition` when the lifecycle forbids it.
pub async fn act(
    conn: &impl ConnectionTrait,
    actor: &User,
    kind: PostingKind,
    id: i64,
    action: &Action,
) -> CoreResult<Status> {
    if matches!(action, Action::Revise | Action::Resubmit) {
        return Err(CoreError::invalid("action", t!("workflow-edit-to-revise")));
    }
    authorized_view(conn, actor, kind, id, action.is_moderation()).await?;
    let to = postings::apply_action(conn, kind, id, action).await?;
    audit_action(conn, actor, kind, id, action).await?;
    Ok(to)
}

/// The postings of the actor's organisation, newest first. Postings created together
/// (one list) share their time and follow their random public ids, not the order they
/// were written in: that order is the list's, and would place a confidential need.
///
/// # Errors
/// Database errors.
pub async fn own_postings(
    conn: &impl ConnectionTrait,
    actor: &User,
) -> CoreResult<Vec<PostingView>> {
    let Some(kind) = actor.posts() else {
        return Ok(Vec::new());
    };
    let org = check_poster(actor, kind)?;
    let ids: Vec<i64> = match kind {
        PostingKind::Need => need::Entity::find()
            .filter(need::Column::OrgId.eq(org))
            .order_by_desc(need::Column::CreatedAt)
            .order_by_desc(need::Column::ExternalId)
            .all(conn)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect(),
        PostingKind::Achievement => achievement::Entity::find()
            .filter(achievement::Column::OrgId.eq(org))
            .order_by_desc(achievement::Column::CreatedAt)
            .order_by_desc(achievement::Column::ExternalId)
            .all(conn)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect(),
    };
    sorted_views(conn, kind, &ids).await
}

/// The oldest postings waiting for moderation (both kinds, oldest change first), at
/// most `limit`, and how many wait in all.
pub struct ReviewQueue {
    pub total: u64,
    pub postings: Vec<PostingView>,
    /// For each posting, the one of its organisation it may repeat (found on import).
    pub repeats: Vec<Option<Repeat>>,
}

/// The posting a queued one may repeat, as the bureau is shown it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    pub public_id: String,
    pub title: String,
}

/// The postings `views` may repeat, in their order.
async fn repeats_of(
    conn: &impl ConnectionTrait,
    views: &[PostingView],
) -> CoreResult<Vec<Option<Repeat>>> {
    let mut found: HashMap<(PostingKind, i64), Repeat> = HashMap::new();
    for kind in [PostingKind::Need, PostingKind::Achievement] {
        let ids: Vec<i64> = views
            .iter()
            .filter(|v| v.kind == kind)
            .map(|v| v.id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let pairs: Vec<(i64, Option<i64>)> = match kind {
            PostingKind::Need => {
                need::Entity::find()
                    .select_only()
                    .columns([need::Column::Id, need::Column::DuplicateOf])
                    .filter(need::Column::Id.is_in(ids))
                    .into_tuple()
                    .all(conn)
                    .await?
            }
            PostingKind::Achievement => {
                achievement::Entity::find()
                    .select_only()
                    .columns([achievement::Column::Id, achievement::Column::DuplicateOf])
                    .filter(achievement::Column::Id.is_in(ids))
                    .into_tuple()
                    .all(conn)
                    .await?
            }
        };
        let targets: Vec<i64> = pairs.iter().filter_map(|(_, of)| *of).collect();
        if targets.is_empty() {
            continue;
        }
        let repeated: HashMap<i64, Repeat> = postings::views_by_ids(conn, kind, &targets)
            .await?
            .into_iter()
            .map(|v| {
                (
                    v.id,
                    Repeat {
                        public_id: v.external_id,
                        title: v.title,
                    },
                )
            })
            .collect();
        for (id, of) in pairs {
            if let Some(repeat) = of.and_then(|of| repeated.get(&of)) {
                found.insert((kind, id), repeat.clone());
            }
        }
    }
    Ok(views
        .iter()
        .map(|v| found.get(&(v.kind, v.id)).cloned())
        .collect())
}

/// The bureau's review queue, oldest first. Only the page shown is read: a queue of
/// thousands (a large list uploaded at once) costs no more than one of fifty.
///
/// # Errors
/// `Forbidden` for anyone but the bureau; database errors.
pub async fn review_queue(
    conn: &impl ConnectionTrait,
    actor: &User,
    limit: u64,
) -> CoreResult<ReviewQueue> {
    if !actor.role.is_bureau() {
        return Err(CoreError::Forbidden(t!("workflow-queue-moderators-only")));
    }
    let pending = Status::PendingReview.code();
    let needs: Vec<(i64, chrono::DateTime<chrono::Utc>, String)> = need::Entity::find()
        .select_only()
        .columns([
            need::Column::Id,
            need::Column::UpdatedAt,
            need::Column::ExternalId,
        ])
        .filter(need::Column::Status.eq(pending))
        .order_by_asc(need::Column::UpdatedAt)
        .order_by_asc(need::Column::ExternalId)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?;
    let achievements: Vec<(i64, chrono::DateTime<chrono::Utc>, String)> =
        achievement::Entity::find()
            .select_only()
            .columns([
                achievement::Column::Id,
                achievement::Column::UpdatedAt,
                achievement::Column::ExternalId,
            ])
            .filter(achievement::Column::Status.eq(pending))
            .order_by_asc(achievement::Column::UpdatedAt)
            .order_by_asc(achievement::Column::ExternalId)
            .limit(limit)
            .into_tuple()
            .all(conn)
            .await?;
    let total = need::Entity::find()
        .filter(need::Column::Status.eq(pending))
        .count(conn)
        .await?
        + achievement::Entity::find()
            .filter(achievement::Column::Status.eq(pending))
            .count(conn)
            .await?;
    let mut oldest: Vec<(chrono::DateTime<chrono::Utc>, String, PostingKind, i64)> = needs
        .into_iter()
        .map(|(id, at, public)| (at, public, PostingKind::Need, id))
        .chain(
            achievements
                .into_iter()
                .map(|(id, at, public)| (at, public, PostingKind::Achievement, id)),
        )
        .collect();
    // A list's rows share their time: among them the random public id decides, as on
    // every other list, not the database id, which is the list's order.
    oldest.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    oldest.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let ids_of = |kind: PostingKind| -> Vec<i64> {
        oldest
            .iter()
            .filter(|(_, _, k, _)| *k == kind)
            .map(|(_, _, _, id)| *id)
            .collect()
    };
    let mut postings = sorted_views(conn, PostingKind::Need, &ids_of(PostingKind::Need)).await?;
    postings.extend(
        sorted_views(
            conn,
            PostingKind::Achievement,
            &ids_of(PostingKind::Achievement),
        )
        .await?,
    );
    postings.sort_by_key(|v| {
        oldest
            .iter()
            .position(|(_, _, k, id)| *k == v.kind && *id == v.id)
    });
    let repeats = repeats_of(conn, &postings).await?;
    Ok(ReviewQueue {
        total,
        postings,
        repeats,
    })
}

/// Views in the order of `ids`.
async fn sorted_views(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    ids: &[i64],
) -> CoreResult<Vec<PostingView>> {
    let mut views = postings::views_by_ids(conn, kind, ids).await?;
    views.sort_by_key(|v| ids.iter().position(|id| *id == v.id));
    Ok(views)
}

/// Whether `actor` may see a posting that is not published: its owners and the bureau.
pub fn may_see_unpublished(actor: Option<&User>, view: &PostingView) -> bool {
    actor.is_some_and(|a| {
        a.role.is_bureau()
            || (a.posts() == Some(view.kind)
                && a.org_confirmed
                && a.org_id.is_some()
                && a.org_id == view.org_id)
    })
}
