//! The lifecycle shared by technical needs and achievements.
//!
//! ```text
//! draft ──submit──▶ pending_review ──approve──▶ published ──close──▶ closed
//!   ▲                 │      │                      │
//!   └──recall─────────┘      └──reject──▶ rejected ─┴─withdraw──▶ withdrawn
//!   └──revise────────────────────────────────┘
//! ```
//! A published posting that is materially edited goes back to review (`resubmit`), so
//! the public never sees unmoderated text. Closed and withdrawn are final: a new need
//! is a new posting, which keeps the record of what was solved honest.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{CoreError, t};

/// Where a posting stands in moderation and publication.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    PendingReview,
    Published,
    Closed,
    Withdrawn,
    Rejected,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Draft,
        Status::PendingReview,
        Status::Published,
        Status::Closed,
        Status::Withdrawn,
        Status::Rejected,
    ];

    /// The stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::PendingReview => "pending_review",
            Status::Published => "published",
            Status::Closed => "closed",
            Status::Withdrawn => "withdrawn",
            Status::Rejected => "rejected",
        }
    }

    /// The label people see.
    pub fn label(self) -> String {
        match self {
            Status::Draft => t!("status-draft"),
            Status::PendingReview => t!("status-pending-review"),
            Status::Published => t!("status-published"),
            Status::Closed => t!("status-closed"),
            Status::Withdrawn => t!("status-withdrawn"),
            Status::Rejected => t!("status-rejected"),
        }
    }

    /// Parses a stored code; an unknown code is a broken invariant, not user input.
    pub fn from_code(code: &str) -> Result<Status, CoreError> {
        Status::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| CoreError::invalid("status", t!("status-unknown", code = code)))
    }

    /// Whether nothing can happen to a posting in this state any more.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Closed | Status::Withdrawn)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (label, code) = (self.label(), self.code());
        f.write_str(&t!("status-with-code", label = label, code = code))
    }
}

/// Why the bureau rejects a posting: a fixed list so that rejections can be counted,
/// plus free text in [`Action::Reject`] for the specifics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    Incomplete,
    Inaccurate,
    Duplicate,
    OutOfScope,
    Prohibited,
    IdentityMismatch,
    Other,
}

impl RejectReason {
    pub const ALL: [RejectReason; 7] = [
        RejectReason::Incomplete,
        RejectReason::Inaccurate,
        RejectReason::Duplicate,
        RejectReason::OutOfScope,
        RejectReason::Prohibited,
        RejectReason::IdentityMismatch,
        RejectReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RejectReason::Incomplete => "incomplete",
            RejectReason::Inaccurate => "inaccurate",
            RejectReason::Duplicate => "duplicate",
            RejectReason::OutOfScope => "out_of_scope",
            RejectReason::Prohibited => "prohibited",
            RejectReason::IdentityMismatch => "identity_mismatch",
            RejectReason::Other => "other",
        }
    }

    pub fn label(self) -> String {
        match self {
            RejectReason::Incomplete => t!("reject-reason-incomplete"),
            RejectReason::Inaccurate => t!("reject-reason-inaccurate"),
            RejectReason::Duplicate => t!("reject-reason-duplicate"),
            RejectReason::OutOfScope => t!("reject-reason-out-of-scope"),
            RejectReason::Prohibited => t!("reject-reason-prohibited"),
            RejectReason::IdentityMismatch => t!("reject-reason-identity-mismatch"),
            RejectReason::Other => t!("reject-reason-other"),
        }
    }

    pub fn from_code(code: &str) -> Result<RejectReason, CoreError> {
        RejectReason::ALL
            .into_iter()
            .find(|r| r.code() == code || r.label() == code)
            .ok_or_else(|| {
                let accepted: Vec<String> = RejectReason::ALL.iter().map(|r| r.label()).collect();
                let choices = accepted.join(&t!("list-separator"));
                let reason = t!("reject-reason-unknown", code = code, choices = choices);
                CoreError::invalid("reject_reason", reason)
            })
    }
}

/// Something a person does to a posting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The owner sends a draft (or a revised rejected posting) to moderation.
    Submit,
    /// The owner takes a posting back from the queue to edit it further.
    Recall,
    /// The bureau publishes it.
    Approve,
    /// The bureau refuses it; `note` is required when the reason is [`RejectReason::Other`].
    Reject { reason: RejectReason, note: String },
    /// The owner edits a rejected posting, which makes it a draft again.
    Revise,
    /// The owner edits a published posting materially: it goes back to review.
    Resubmit,
    /// The owner closes a published posting (solved, expired, no longer wanted).
    Close,
    /// The owner withdraws it altogether.
    Withdraw,
}

impl Action {
    /// The stable code used in the API and the audit log.
    pub fn code(&self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Recall => "recall",
            Action::Approve => "approve",
            Action::Reject { .. } => "reject",
            Action::Revise => "revise",
            Action::Resubmit => "resubmit",
            Action::Close => "close",
            Action::Withdraw => "withdraw",
        }
    }

    /// Whether the bureau takes this action (the owner takes all others).
    pub fn is_moderation(&self) -> bool {
        matches!(self, Action::Approve | Action::Reject { .. })
    }

    /// Parses an action an owner or moderator asks for; a rejection needs its reason.
    pub fn parse(code: &str, reason: Option<&str>, note: &str) -> Result<Action, CoreError> {
        Ok(match code.trim() {
            "submit" => Action::Submit,
            "recall" => Action::Recall,
            "approve" => Action::Approve,
            "reject" => Action::Reject {
                reason: RejectReason::from_code(reason.unwrap_or("").trim())?,
                note: note.trim().to_owned(),
            },
            "close" => Action::Close,
            "withdraw" => Action::Withdraw,
            other => {
                return Err(CoreError::invalid(
                    "action",
                    t!("posting-action-unknown", code = other),
                ));
            }
        })
    }

    pub fn label(&self) -> String {
        match self {
            Action::Submit => t!("posting-action-submit"),
            Action::Recall => t!("posting-action-recall"),
            Action::Approve => t!("posting-action-approve"),
            Action::Reject { .. } => t!("posting-action-reject"),
            Action::Revise => t!("posting-action-revise"),
            Action::Resubmit => t!("posting-action-resubmit"),
            Action::Close => t!("posting-action-close"),
            Action::Withdraw => t!("posting-action-withdraw"),
        }
    }
}

/// Computes the state a posting in `from` moves to under `action`, or refuses with a
/// reason that names both states.
pub fn transition(from: Status, action: &Action) -> Result<Status, CoreError> {
    use Status::*;
    let to = match (from, action) {
        (Draft | Rejected, Action::Submit) => PendingReview,
        (PendingReview, Action::Recall) => Draft,
        (PendingReview, Action::Approve) => Published,
        (PendingReview, Action::Reject { reason, note }) => {
            if *reason == RejectReason::Other && note.trim().is_empty() {
                return Err(CoreError::invalid(
                    "reject_note",
                    t!("reject-note-required"),
                ));
            }
            Rejected
        }
        (Rejected, Action::Revise) => Draft,
        (Published, Action::Resubmit) => PendingReview,
        (Published, Action::Close) => Closed,
        (Draft | PendingReview | Published | Rejected, Action::Withdraw) => Withdrawn,
        (from, action) => {
            let (status, act) = (from.label(), action.label());
            return Err(CoreError::IllegalTransition {
                from: from.to_string(),
                reason: t!("posting-refused", status = status, action = &act),
                to: act,
            });
        }
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_actions() -> Vec<Action> {
        vec![
            Action::Submit,
            Action::Recall,
            Action::Approve,
            Action::Reject {
                reason: RejectReason::Incomplete,
                note: String::new(),
            },
            Action::Revise,
            Action::Resubmit,
            Action::Close,
            Action::Withdraw,
        ]
    }

    /// The whole table, written out by hand: every (state, action) pair is either
    /// listed here with its target or must be refused.
    fn expected(from: Status, action: &Action) -> Option<Status> {
        use Status::*;
        let table: &[(Status, &str, Status)] = &[
            (Draft, "提交审核", PendingReview),
            (Draft, "撤回", Withdrawn),
            (PendingReview, "撤回修改", Draft),
            (PendingReview, "审核通过", Published),
            (PendingReview, "驳回", Rejected),
            (PendingReview, "撤回", Withdrawn),
            (Published, "修改后重新提交", PendingReview),
            (Published, "关闭", Closed),
            (Published, "撤回", Withdrawn),
            (Rejected, "提交审核", PendingReview),
            (Rejected, "修改", Draft),
            (Rejected, "撤回", Withdrawn),
        ];
        table
            .iter()
            .find(|(f, a, _)| *f == from && *a == action.label())
            .map(|(_, _, to)| *to)
    }

    #[test]
    fn every_state_and_action_follows_the_table() {
        let mut allowed = 0;
        for from in Status::ALL {
            for action in all_actions() {
                match (transition(from, &action), expected(from, &action)) {
                    (Ok(to), Some(want)) => {
                        assert_eq!(to, want, "{from:?} + {action:?}");
                        allowed += 1;
                    }
                    (
                        Err(CoreError::IllegalTransition {
                            from: f, reason, ..
                        }),
                        None,
                    ) => {
                        assert!(f.contains(from.code()), "error names the source state: {f}");
                        assert!(
                            reason.contains(&from.label()) && reason.contains(&action.label()),
                            "{reason}"
                        );
                    }
                    (got, want) => panic!("{from:?} + {action:?}: got {got:?}, expected {want:?}"),
                }
            }
        }
        assert_eq!(allowed, 12);
    }

    #[test]
    fn final_states_allow_nothing() {
        for from in Status::ALL.into_iter().filter(|s| s.is_final()) {
            for action in all_actions() {
                assert!(transition(from, &action).is_err(), "{from:?} + {action:?}");
            }
        }
    }

    #[test]
    fn rejecting_for_other_needs_a_note() {
        let bare = Action::Reject {
            reason: RejectReason::Other,
            note: "  ".into(),
        };
        assert!(matches!(
            transition(Status::PendingReview, &bare),
            Err(CoreError::Invalid {
                field: "reject_note",
                ..
            })
        ));
        let explained = Action::Reject {
            reason: RejectReason::Other,
            note: "联系人电话无法接通".into(),
        };
        assert_eq!(
            transition(Status::PendingReview, &explained).ok(),
            Some(Status::Rejected)
        );
    }

    #[test]
    fn codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()).ok(), Some(s));
        }
        for r in RejectReason::ALL {
            assert_eq!(RejectReason::from_code(r.code()).ok(), Some(r));
            assert_eq!(RejectReason::from_code(&r.label()).ok(), Some(r));
        }
        assert!(Status::from_code("archived").is_err());
    }
}
