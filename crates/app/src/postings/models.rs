//! What the postings' pages and API show: typed read models the API serializes as they
//! are.

use serde::Serialize;
use techmatch_core::posting::{Action, PostingKind, PostingView, Status, status};
use techmatch_core::services::workflow;
use techmatch_search::Match;

use crate::values::Offer;

/// A posting as its owners and the bureau see it in their lists: its status, and why
/// the bureau rejected it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PostingCard {
    /// The organisation's own id of the posting (its edit and action paths); the public
    /// pages and search use `external_id`.
    pub id: i64,
    pub kind: PostingKind,
    pub external_id: String,
    pub title: String,
    pub status: Status,
    pub status_label: String,
    /// The fixed reason of a rejection, as people read it, and the moderator's note.
    pub reject_reason: Option<String>,
    pub reject_note: Option<String>,
    pub posting: PostingView,
}

impl PostingCard {
    pub(crate) fn of(view: PostingView) -> PostingCard {
        PostingCard {
            id: view.id,
            kind: view.kind,
            external_id: view.external_id.clone(),
            title: view.title.clone(),
            status: view.status,
            status_label: view.status.label(),
            reject_reason: view.reject_reason.clone(),
            reject_note: view.reject_note.clone(),
            posting: view,
        }
    }
}

/// The postings of the caller's organisation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OwnPostings {
    pub postings: Vec<PostingCard>,
}

impl OwnPostings {
    pub fn of(views: Vec<PostingView>) -> OwnPostings {
        OwnPostings {
            postings: views.into_iter().map(PostingCard::of).collect(),
        }
    }
}

/// One of the organisation's postings with the counterparts it would find.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PostingDetail {
    #[serde(flatten)]
    pub card: PostingCard,
    /// The owner's moves the lifecycle allows now (to `POST …/actions`).
    pub offered: Vec<Offer>,
    /// Whether its content may be edited now: not while the bureau reviews it, nor once
    /// it is closed or withdrawn.
    pub editable: bool,
    /// Recommended counterparts, strongest first, each with why.
    pub matches: Vec<Match>,
}

/// A posting anyone may read, with its recommended counterparts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicPosting {
    pub posting: PostingView,
    /// Recommended counterparts, strongest first, each with why.
    pub matches: Vec<Match>,
}

/// A posting saved or moved: its id and the status it now has.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct PostingSaved {
    pub id: i64,
    pub status: Status,
}

/// The posting of the same organisation a queued one may repeat (found on import).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Repeats {
    pub external_id: String,
    pub title: String,
}

/// A posting waiting for moderation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueuedPosting {
    #[serde(flatten)]
    pub card: PostingCard,
    /// Present only when it may repeat one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeats: Option<Repeats>,
}

/// The oldest postings waiting for moderation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewQueue {
    /// How many wait in all, of which `postings` are the oldest.
    pub total: u64,
    pub postings: Vec<QueuedPosting>,
}

impl ReviewQueue {
    pub(crate) fn of(queue: workflow::ReviewQueue) -> ReviewQueue {
        ReviewQueue {
            total: queue.total,
            postings: queue
                .postings
                .into_iter()
                .zip(queue.repeats)
                .map(|(view, repeat)| QueuedPosting {
                    card: PostingCard::of(view),
                    repeats: repeat.map(|r| Repeats {
                        external_id: r.public_id,
                        title: r.title,
                    }),
                })
                .collect(),
        }
    }
}

/// The owner's moves the lifecycle allows from `status`.
pub(crate) fn owner_offers(status: Status) -> Vec<Offer> {
    [
        Action::Submit,
        Action::Recall,
        Action::Close,
        Action::Withdraw,
    ]
    .into_iter()
    .filter(|action| status::transition(status, action).is_ok())
    .map(|action| Offer::new(action.code(), action.label(), None))
    .collect()
}

/// Whether a posting's content may be edited in `status`.
pub(crate) fn editable(status: Status) -> bool {
    status != Status::PendingReview && !status.is_final()
}
