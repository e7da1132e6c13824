//! The lifecycle of a challenge (榜单).
//!
//! ```text
//! draft → under review (bureau) → open for bids (until the bid deadline)
//!       → no valid bid: 流榜 → re-published | closed
//!       → selection → 公示 → awarded → in execution → accepted | failed | terminated
//!       side exits: withdrawn (撤榜) before award, terminated after
//! ```
//!
//! [`transition`] decides a move from the current status, the action, who acts and the
//! facts the services gathered (deadlines against the server's clock, counts of bids,
//! reviews, scores and objections). It refuses with the reason a person can act on.

use chrono::{DateTime, Utc};

use super::Actor;
use crate::{CoreError, CoreResult, t};

/// Where a challenge is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChallengeStatus {
    Draft,
    UnderReview,
    Open,
    /// 流榜: the bid deadline passed without a valid bid.
    Unfilled,
    Selection,
    /// 公示: the proposed winners are announced; objections may be lodged.
    Publicity,
    Awarded,
    InExecution,
    Accepted,
    Failed,
    Terminated,
    /// 撤榜 by the publisher or the bureau before the award.
    Withdrawn,
    Closed,
}

impl ChallengeStatus {
    pub const ALL: [ChallengeStatus; 13] = [
        ChallengeStatus::Draft,
        ChallengeStatus::UnderReview,
        ChallengeStatus::Open,
        ChallengeStatus::Unfilled,
        ChallengeStatus::Selection,
        ChallengeStatus::Publicity,
        ChallengeStatus::Awarded,
        ChallengeStatus::InExecution,
        ChallengeStatus::Accepted,
        ChallengeStatus::Failed,
        ChallengeStatus::Terminated,
        ChallengeStatus::Withdrawn,
        ChallengeStatus::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ChallengeStatus::Draft => "draft",
            ChallengeStatus::UnderReview => "under_review",
            ChallengeStatus::Open => "open",
            ChallengeStatus::Unfilled => "unfilled",
            ChallengeStatus::Selection => "selection",
            ChallengeStatus::Publicity => "publicity",
            ChallengeStatus::Awarded => "awarded",
            ChallengeStatus::InExecution => "in_execution",
            ChallengeStatus::Accepted => "accepted",
            ChallengeStatus::Failed => "failed",
            ChallengeStatus::Terminated => "terminated",
            ChallengeStatus::Withdrawn => "withdrawn",
            ChallengeStatus::Closed => "closed",
        }
    }

    pub fn label(self) -> String {
        match self {
            ChallengeStatus::Draft => t!("challenge-status-draft"),
            ChallengeStatus::UnderReview => t!("challenge-status-under-review"),
            ChallengeStatus::Open => t!("challenge-status-open"),
            ChallengeStatus::Unfilled => t!("challenge-status-unfilled"),
            ChallengeStatus::Selection => t!("challenge-status-selection"),
            ChallengeStatus::Publicity => t!("challenge-status-publicity"),
            ChallengeStatus::Awarded => t!("challenge-status-awarded"),
            ChallengeStatus::InExecution => t!("challenge-status-in-execution"),
            ChallengeStatus::Accepted => t!("challenge-status-accepted"),
            ChallengeStatus::Failed => t!("challenge-status-failed"),
            ChallengeStatus::Terminated => t!("challenge-status-terminated"),
            ChallengeStatus::Withdrawn => t!("challenge-status-withdrawn"),
            ChallengeStatus::Closed => t!("challenge-status-closed"),
        }
    }

    /// # Errors
    /// An unknown stored code is a broken invariant.
    pub fn from_code(code: &str) -> CoreResult<ChallengeStatus> {
        ChallengeStatus::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| CoreError::Internal(format!("unknown challenge status {code}")))
    }

    /// Whether the public sees the challenge (search, its page, the 公示).
    pub fn is_public(self) -> bool {
        !matches!(self, ChallengeStatus::Draft | ChallengeStatus::UnderReview)
    }

    /// Whether the bids are unsealed for the expert panel: only once bidding has
    /// closed, so no expert reads a plan while its competitors can still bid. A call
    /// withdrawn or closed without a selection keeps its bids sealed.
    pub fn bids_unsealed(self) -> bool {
        matches!(
            self,
            ChallengeStatus::Selection
                | ChallengeStatus::Publicity
                | ChallengeStatus::Awarded
                | ChallengeStatus::InExecution
                | ChallengeStatus::Accepted
                | ChallengeStatus::Failed
                | ChallengeStatus::Terminated
        )
    }

    /// Whether the panel's judging is still ahead or under way: up to the selection.
    /// Once the winners are proposed no sheet is written or voided (a revoked 公示 brings
    /// the call back to the selection).
    pub fn judging_open(self) -> bool {
        matches!(
            self,
            ChallengeStatus::Draft
                | ChallengeStatus::UnderReview
                | ChallengeStatus::Open
                | ChallengeStatus::Unfilled
                | ChallengeStatus::Selection
        )
    }

    /// Whether nothing can happen to the challenge any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ChallengeStatus::Accepted
                | ChallengeStatus::Failed
                | ChallengeStatus::Terminated
                | ChallengeStatus::Withdrawn
                | ChallengeStatus::Closed
        )
    }
}

/// Something someone does to a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChallengeAction {
    /// The publisher sends the draft to the bureau.
    Submit,
    /// The bureau publishes it for bids.
    Approve,
    /// The bureau sends it back to the publisher with a reason.
    Reject,
    /// The bid deadline has passed: to selection, or 流榜 without a submitted bid.
    CloseBidding,
    /// Every bid failed the formal review: 流榜.
    DeclareUnfilled,
    /// After 流榜, open again with a new bid deadline.
    Republish,
    /// After 流榜, give up.
    Close,
    /// The bureau proposes the winners and starts the 公示.
    ProposeWinners,
    /// An upheld objection: back to selection, the 公示 withdrawn.
    RevokePublicity,
    /// The 公示 is over and every objection answered: the winners are awarded.
    Award,
    /// The agreement and the task book (任务书) are signed: execution starts.
    StartExecution,
    /// Final acceptance (验收) passed for at least one winner.
    Accept,
    /// No winner is left who could pass acceptance.
    Fail,
    /// The bureau stops an awarded challenge.
    Terminate,
    /// 撤榜 before the award.
    Withdraw,
}

impl ChallengeAction {
    pub const ALL: [ChallengeAction; 15] = [
        ChallengeAction::Submit,
        ChallengeAction::Approve,
        ChallengeAction::Reject,
        ChallengeAction::CloseBidding,
        ChallengeAction::DeclareUnfilled,
        ChallengeAction::Republish,
        ChallengeAction::Close,
        ChallengeAction::ProposeWinners,
        ChallengeAction::RevokePublicity,
        ChallengeAction::Award,
        ChallengeAction::StartExecution,
        ChallengeAction::Accept,
        ChallengeAction::Fail,
        ChallengeAction::Terminate,
        ChallengeAction::Withdraw,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ChallengeAction::Submit => "submit",
            ChallengeAction::Approve => "approve",
            ChallengeAction::Reject => "reject",
            ChallengeAction::CloseBidding => "close_bidding",
            ChallengeAction::DeclareUnfilled => "declare_unfilled",
            ChallengeAction::Republish => "republish",
            ChallengeAction::Close => "close",
            ChallengeAction::ProposeWinners => "propose_winners",
            ChallengeAction::RevokePublicity => "revoke_publicity",
            ChallengeAction::Award => "award",
            ChallengeAction::StartExecution => "start_execution",
            ChallengeAction::Accept => "accept",
            ChallengeAction::Fail => "fail",
            ChallengeAction::Terminate => "terminate",
            ChallengeAction::Withdraw => "withdraw",
        }
    }

    pub fn label(self) -> String {
        match self {
            ChallengeAction::Submit => t!("challenge-action-submit"),
            ChallengeAction::Approve => t!("challenge-action-approve"),
            ChallengeAction::Reject => t!("challenge-action-reject"),
            ChallengeAction::CloseBidding => t!("challenge-action-close-bidding"),
            ChallengeAction::DeclareUnfilled => t!("challenge-action-declare-unfilled"),
            ChallengeAction::Republish => t!("challenge-action-republish"),
            ChallengeAction::Close => t!("challenge-action-close"),
            ChallengeAction::ProposeWinners => t!("challenge-action-propose-winners"),
            ChallengeAction::RevokePublicity => t!("challenge-action-revoke-publicity"),
            ChallengeAction::Award => t!("challenge-action-award"),
            ChallengeAction::StartExecution => t!("challenge-action-start-execution"),
            ChallengeAction::Accept => t!("challenge-action-accept"),
            ChallengeAction::Fail => t!("challenge-action-fail"),
            ChallengeAction::Terminate => t!("challenge-action-terminate"),
            ChallengeAction::Withdraw => t!("challenge-action-withdraw"),
        }
    }

    /// # Errors
    /// `Invalid` naming the known actions.
    pub fn parse(code: &str) -> CoreResult<ChallengeAction> {
        ChallengeAction::ALL
            .into_iter()
            .find(|a| a.code() == code.trim())
            .ok_or_else(|| {
                let codes: Vec<&str> = ChallengeAction::ALL.iter().map(|a| a.code()).collect();
                let choices = codes.join(", ");
                CoreError::invalid(
                    "action",
                    t!("challenge-action-unknown", code = code, choices = choices),
                )
            })
    }

    /// Who may take the action; `System` is the server acting on a deadline.
    pub fn actors(self) -> &'static [Actor] {
        use Actor::*;
        match self {
            ChallengeAction::Submit => &[Publisher],
            ChallengeAction::Approve
            | ChallengeAction::Reject
            | ChallengeAction::DeclareUnfilled
            | ChallengeAction::ProposeWinners
            | ChallengeAction::RevokePublicity
            | ChallengeAction::Award
            | ChallengeAction::StartExecution
            | ChallengeAction::Accept
            | ChallengeAction::Fail
            | ChallengeAction::Terminate => &[Bureau],
            ChallengeAction::CloseBidding => &[Bureau, System],
            ChallengeAction::Republish | ChallengeAction::Close | ChallengeAction::Withdraw => {
                &[Publisher, Bureau]
            }
        }
    }
}

/// What the services know about a challenge when someone acts on it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChallengeFacts {
    pub now: DateTime<Utc>,
    pub bid_deadline: DateTime<Utc>,
    /// For [`ChallengeAction::Republish`]: the new bid deadline.
    pub new_bid_deadline: Option<DateTime<Utc>>,
    /// Bids submitted (and not withdrawn), whatever their review.
    pub submitted_bids: usize,
    /// Submitted bids whose formal review is not decided yet (including returned bids
    /// waiting for their correction).
    pub bids_awaiting_formal_review: usize,
    pub bids_passed_formal_review: usize,
    /// (expert, bid) pairs still to be scored, conflicts excluded.
    pub missing_expert_scores: usize,
    /// Experts assigned to the challenge.
    pub experts: usize,
    pub proposed_winners: usize,
    /// The most winners the call allows (1 unless it is a 赛马 call).
    pub max_winners: usize,
    pub publicity_ends: Option<DateTime<Utc>>,
    pub unanswered_objections: usize,
    pub task_book_recorded: bool,
    pub winners_accepted: usize,
    /// Winners still in the race (not dropped out) whose final acceptance is not
    /// decided yet.
    pub winners_pending_acceptance: usize,
    /// The reason given, for actions that need one (reject, withdraw, terminate).
    pub reason_given: bool,
}

/// Whether `action` is a move out of `from` at all, whatever the facts: the arrows of
/// the lifecycle diagram. Pages and the API offer exactly these; [`transition`] then
/// decides with the facts and says what stands in the way.
pub fn applies(from: ChallengeStatus, action: ChallengeAction) -> bool {
    use ChallengeAction as A;
    use ChallengeStatus as S;
    matches!(
        (from, action),
        (S::Draft, A::Submit)
            | (S::UnderReview, A::Approve | A::Reject)
            | (S::Open, A::CloseBidding)
            | (S::Selection, A::DeclareUnfilled | A::ProposeWinners)
            | (S::Unfilled, A::Republish | A::Close)
            | (S::Publicity, A::RevokePublicity | A::Award)
            | (S::Awarded, A::StartExecution)
            | (S::InExecution, A::Accept | A::Fail)
            | (S::Awarded | S::InExecution, A::Terminate)
            | (
                S::Draft | S::UnderReview | S::Open | S::Unfilled | S::Selection | S::Publicity,
                A::Withdraw
            )
    )
}

/// Decides the status after `action`, or refuses naming the reason.
///
/// # Errors
/// `Forbidden` when `actor` may not take the action at all; `IllegalTransition` when
/// the status or the facts do not allow it now.
pub fn transition(
    from: ChallengeStatus,
    action: ChallengeAction,
    actor: Actor,
    facts: &ChallengeFacts,
) -> CoreResult<ChallengeStatus> {
    use ChallengeAction as A;
    use ChallengeStatus as S;
    if !action.actors().contains(&actor) {
        return Err(CoreError::Forbidden(t!(
            "challenge-actor-refused",
            actor = actor.label(),
            action = action.label()
        )));
    }
    let refuse = |reason: String| refusal(from, action, reason);
    if !applies(from, action) {
        let reason = if from.is_final() {
            t!("challenge-refused-final")
        } else {
            t!("challenge-refused-not-now")
        };
        return Err(refuse(reason));
    }
    let needs_reason = matches!(action, A::Reject | A::Withdraw | A::Terminate);
    if needs_reason && !facts.reason_given {
        return Err(refuse(t!("challenge-refused-reason-missing")));
    }
    let to = match (from, action) {
        (S::Draft, A::Submit) => S::UnderReview,
        (S::UnderReview, A::Approve) => {
            if facts.now >= facts.bid_deadline {
                return Err(refuse(t!("challenge-refused-deadline-passed")));
            }
            S::Open
        }
        (S::UnderReview, A::Reject) => S::Draft,
        (S::Open, A::CloseBidding) => {
            if facts.now < facts.bid_deadline {
                return Err(refuse(t!("challenge-refused-deadline-not-reached")));
            }
            if facts.submitted_bids == 0 {
                S::Unfilled
            } else {
                S::Selection
            }
        }
        (S::Selection, A::DeclareUnfilled) => {
            if facts.bids_awaiting_formal_review > 0 {
                return Err(refuse(t!("challenge-refused-formal-review-pending")));
            }
            if facts.bids_passed_formal_review > 0 {
                return Err(refuse(t!("challenge-refused-valid-bids-exist")));
            }
            S::Unfilled
        }
        (S::Unfilled, A::Republish) => match facts.new_bid_deadline {
            Some(deadline) if deadline > facts.now => S::Open,
            _ => return Err(refuse(t!("challenge-refused-new-deadline"))),
        },
        (S::Unfilled, A::Close) => S::Closed,
        (S::Selection, A::ProposeWinners) => {
            if facts.bids_awaiting_formal_review > 0 {
                return Err(refuse(t!("challenge-refused-formal-review-pending")));
            }
            if facts.bids_passed_formal_review == 0 {
                return Err(refuse(t!("challenge-refused-no-valid-bid")));
            }
            if facts.experts == 0 {
                return Err(refuse(t!("challenge-refused-no-experts")));
            }
            if facts.missing_expert_scores > 0 {
                return Err(refuse(t!(
                    "challenge-refused-scores-missing",
                    count = facts.missing_expert_scores
                )));
            }
            if facts.proposed_winners == 0 || facts.proposed_winners > facts.max_winners {
                return Err(refuse(t!(
                    "challenge-refused-winner-count",
                    max = facts.max_winners
                )));
            }
            S::Publicity
        }
        (S::Publicity, A::RevokePublicity) => S::Selection,
        (S::Publicity, A::Award) => {
            match facts.publicity_ends {
                Some(ends) if facts.now >= ends => {}
                _ => return Err(refuse(t!("challenge-refused-publicity-running"))),
            }
            if facts.unanswered_objections > 0 {
                return Err(refuse(t!(
                    "challenge-refused-objections-open",
                    count = facts.unanswered_objections
                )));
            }
            S::Awarded
        }
        (S::Awarded, A::StartExecution) => {
            if !facts.task_book_recorded {
                return Err(refuse(t!("challenge-refused-task-book-missing")));
            }
            S::InExecution
        }
        (S::InExecution, A::Accept) => {
            if facts.winners_pending_acceptance > 0 {
                return Err(refuse(t!("challenge-refused-acceptance-pending")));
            }
            if facts.winners_accepted == 0 {
                return Err(refuse(t!("challenge-refused-nobody-accepted")));
            }
            S::Accepted
        }
        (S::InExecution, A::Fail) => {
            if facts.winners_pending_acceptance > 0 {
                return Err(refuse(t!("challenge-refused-acceptance-pending")));
            }
            if facts.winners_accepted > 0 {
                return Err(refuse(t!("challenge-refused-someone-accepted")));
            }
            S::Failed
        }
        (S::Awarded | S::InExecution, A::Terminate) => S::Terminated,
        (
            S::Draft | S::UnderReview | S::Open | S::Unfilled | S::Selection | S::Publicity,
            A::Withdraw,
        ) => S::Withdrawn,
        // `applies` admitted only the moves above.
        _ => return Err(refuse(t!("challenge-refused-not-now"))),
    };
    Ok(to)
}

fn refusal(from: ChallengeStatus, action: ChallengeAction, reason: String) -> CoreError {
    let (status, action_label) = (from.label(), action.label());
    CoreError::IllegalTransition {
        from: from.code().to_owned(),
        to: action.code().to_owned(),
        reason: t!(
            "challenge-refused",
            status = status,
            action = action_label,
            reason = reason
        ),
    }
}

#[cfg(test)]
mod tests;
