//! Needs and achievements: what their organisations do with their own, what the bureau
//! decides in moderation, and what anyone may read of them with their matches.

mod form;
mod models;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use techmatch_core::domain::IndustryCatalogue;
use techmatch_core::posting::{Action, PostingKind, PostingView, Status};
use techmatch_core::services::users::User;
use techmatch_core::services::{postings, workflow};
use techmatch_core::{CoreError, t};
use techmatch_search::{MatchOptions, SearchIndex, find_matches};

pub use form::{PostingForm, describe};
pub use models::{
    OwnPostings, PostingCard, PostingDetail, PostingSaved, PublicPosting, QueuedPosting, Repeats,
    ReviewQueue,
};

use crate::AppResult;
use crate::cpu::index_work;
use crate::txn::in_transaction;

/// How many matches an organisation sees beside its own posting, on its page and
/// through the API.
const OWN_MATCHES: usize = 10;

/// The kind of posting `user` creates.
///
/// # Errors
/// `Forbidden`, naming the role, for roles without postings of their own.
pub fn own_kind(user: &User) -> AppResult<PostingKind> {
    user.posts().ok_or_else(|| {
        let role = user.role.label();
        CoreError::Forbidden(t!("posting-error-no-own-postings", role = role)).into()
    })
}

/// The postings of the user's organisation, newest first.
///
/// # Errors
/// `Forbidden` for roles without postings of their own.
pub async fn own(db: &DatabaseConnection, user: &User) -> AppResult<Vec<PostingView>> {
    own_kind(user)?;
    Ok(workflow::own_postings(db, user).await?)
}

/// Creates (`existing` none) or edits a posting of the user's kind from a form checked
/// by the rules of an imported list row.
///
/// # Errors
/// `Invalid` listing every problem by the column a person knows; `Forbidden` for roles
/// without postings; `NotFound`/`IllegalTransition` for a posting that is not theirs or
/// not editable now.
pub async fn save(
    db: &DatabaseConnection,
    industries: &IndustryCatalogue,
    user: &User,
    existing: Option<i64>,
    form: &PostingForm,
) -> AppResult<PostingSaved> {
    let kind = own_kind(user)?;
    let invalid = |problems: Vec<techmatch_core::lists::RowProblem>| {
        CoreError::invalid(
            "form",
            describe(kind, &problems).join(&t!("separator-semicolon")),
        )
    };
    in_transaction(db, async |txn| {
        let (id, status) = match (kind, existing) {
            (PostingKind::Need, None) => {
                let input = form.need(industries).map_err(invalid)?;
                (
                    workflow::create_need(txn, user, &input).await?,
                    Status::Draft,
                )
            }
            (PostingKind::Need, Some(id)) => {
                let input = form.need(industries).map_err(invalid)?;
                (id, workflow::edit_need(txn, user, id, &input).await?)
            }
            (PostingKind::Achievement, None) => {
                let input = form.achievement(industries).map_err(invalid)?;
                let id = workflow::create_achievement(txn, user, &input).await?;
                (id, Status::Draft)
            }
            (PostingKind::Achievement, Some(id)) => {
                let input = form.achievement(industries).map_err(invalid)?;
                (id, workflow::edit_achievement(txn, user, id, &input).await?)
            }
        };
        Ok(PostingSaved { id, status })
    })
    .await
}

/// An owner's move on their own posting (submit, recall, close, withdraw); the bureau's
/// decisions go through [`decide`].
///
/// # Errors
/// `Forbidden` for a moderation decision or a role without postings;
/// `NotFound`/`IllegalTransition` with the lifecycle's reason.
pub async fn act(
    db: &DatabaseConnection,
    user: &User,
    id: i64,
    action: &Action,
) -> AppResult<PostingSaved> {
    let kind = own_kind(user)?;
    if action.is_moderation() {
        return Err(CoreError::Forbidden(t!("posting-error-moderation-in-queue")).into());
    }
    in_transaction(db, async |txn| {
        let status = workflow::act(txn, user, kind, id, action).await?;
        Ok(PostingSaved { id, status })
    })
    .await
}

/// The bureau's moderation decision on a posting, with the notice to its organisation's
/// users in the same transaction: no outcome without its notice, and the reverse.
///
/// # Errors
/// `Invalid` for an owner's move; `Forbidden` for anyone but the bureau;
/// `IllegalTransition` with the lifecycle's reason; `Invalid` for a rejection without
/// its reason.
pub async fn decide(
    db: &DatabaseConnection,
    public_url: &str,
    actor: &User,
    kind: PostingKind,
    id: i64,
    action: &Action,
    now: DateTime<Utc>,
) -> AppResult<PostingSaved> {
    if !action.is_moderation() {
        return Err(CoreError::invalid("action", t!("bureau-error-decision-code")).into());
    }
    in_transaction(db, async |txn| {
        let status = workflow::act(txn, actor, kind, id, action).await?;
        if let Some(view) = postings::views_by_ids(txn, kind, &[id]).await?.pop() {
            crate::notices::posting_moderated(txn, public_url, &view, action, now).await?;
        }
        Ok(PostingSaved { id, status })
    })
    .await
}

/// One of the user's own postings with its matches, even before it is published, so
/// that an enterprise sees what its need would find.
///
/// # Errors
/// `NotFound` for a posting of another organisation (or none); `Forbidden` for roles
/// without postings.
pub async fn own_detail(
    db: &DatabaseConnection,
    index: &SearchIndex,
    user: &User,
    id: i64,
) -> AppResult<PostingDetail> {
    let kind = own_kind(user)?;
    let view = postings::views_by_ids(db, kind, &[id])
        .await?
        .pop()
        .filter(|v| workflow::may_see_unpublished(Some(user), v))
        .ok_or_else(|| CoreError::NotFound {
            what: kind.label().to_owned(),
            id: id.to_string(),
        })?;
    let matches = matches_of(index, &view, OWN_MATCHES)?;
    Ok(PostingDetail {
        offered: models::owner_offers(view.status),
        editable: models::editable(view.status),
        card: PostingCard::of(view),
        matches,
    })
}

/// A posting by its public id, if `viewer` may read it: published postings are public,
/// others only to their owners and the bureau; anyone else is told it does not exist.
///
/// # Errors
/// `NotFound`.
pub async fn visible(
    db: &DatabaseConnection,
    viewer: Option<&User>,
    kind: PostingKind,
    external_id: &str,
) -> AppResult<PostingView> {
    let view = postings::view_by_external_id(db, kind, external_id).await?;
    if view.status == Status::Published || workflow::may_see_unpublished(viewer, &view) {
        Ok(view)
    } else {
        Err(CoreError::NotFound {
            what: kind.label().to_owned(),
            id: external_id.to_owned(),
        }
        .into())
    }
}

/// A posting the viewer may read, with its `top` recommended counterparts.
///
/// # Errors
/// `NotFound` as [`visible`]; index failures.
pub async fn public_detail(
    db: &DatabaseConnection,
    index: &SearchIndex,
    viewer: Option<&User>,
    kind: PostingKind,
    external_id: &str,
    top: usize,
) -> AppResult<PublicPosting> {
    let posting = visible(db, viewer, kind, external_id).await?;
    let matches = matches_of(index, &posting, top)?;
    Ok(PublicPosting { posting, matches })
}

fn matches_of(
    index: &SearchIndex,
    view: &PostingView,
    top: usize,
) -> AppResult<Vec<techmatch_search::Match>> {
    let options = MatchOptions {
        top,
        ..Default::default()
    };
    Ok(index_work(|| find_matches(index, view, &options))?)
}

/// Postings per page of the review queue, by default and at most.
pub const QUEUE_PAGE: u64 = 50;
const QUEUE_PAGE_MAX: u64 = 200;

/// The oldest postings waiting for moderation (`limit` of them, 50 by default, at most
/// 200), each with the posting of its organisation it may repeat.
///
/// # Errors
/// `Forbidden` for anyone but the bureau.
pub async fn review_queue(
    db: &DatabaseConnection,
    actor: &User,
    limit: Option<u64>,
) -> AppResult<ReviewQueue> {
    let limit = limit.unwrap_or(QUEUE_PAGE).clamp(1, QUEUE_PAGE_MAX);
    let queue = workflow::review_queue(db, actor, limit).await?;
    Ok(ReviewQueue::of(queue))
}
