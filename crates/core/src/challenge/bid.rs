//! The lifecycle of a bid (揭榜申报).
//!
//! ```text
//! draft → submitted → formal review: passed | returned for correction | not accepted
//!       → expert review → shortlisted | not selected → (after 公示) awarded | not awarded
//!       → in execution (milestones) → accepted | acceptance failed | dropped out (赛马)
//!       side exit: withdrawn, before the deadline (or instead of correcting)
//! ```

use chrono::{DateTime, Utc};

use super::Actor;
use super::lifecycle::ChallengeStatus;
use crate::{CoreError, CoreResult, t};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BidStatus {
    Draft,
    Submitted,
    /// Returned by the formal review for correction (补正).
    Returned,
    /// Refused by the formal review (不予受理).
    NotAccepted,
    /// Passed the formal review; the experts score it.
    InExpertReview,
    /// Proposed as a winner in the 公示.
    Shortlisted,
    NotSelected,
    Awarded,
    NotAwarded,
    InExecution,
    /// Failed a milestone in a 赛马 call; the other teams go on.
    DroppedOut,
    Accepted,
    AcceptanceFailed,
    Withdrawn,
}

impl BidStatus {
    pub const ALL: [BidStatus; 14] = [
        BidStatus::Draft,
        BidStatus::Submitted,
        BidStatus::Returned,
        BidStatus::NotAccepted,
        BidStatus::InExpertReview,
        BidStatus::Shortlisted,
        BidStatus::NotSelected,
        BidStatus::Awarded,
        BidStatus::NotAwarded,
        BidStatus::InExecution,
        BidStatus::DroppedOut,
        BidStatus::Accepted,
        BidStatus::AcceptanceFailed,
        BidStatus::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BidStatus::Draft => "draft",
            BidStatus::Submitted => "submitted",
            BidStatus::Returned => "returned",
            BidStatus::NotAccepted => "not_accepted",
            BidStatus::InExpertReview => "in_expert_review",
            BidStatus::Shortlisted => "shortlisted",
            BidStatus::NotSelected => "not_selected",
            BidStatus::Awarded => "awarded",
            BidStatus::NotAwarded => "not_awarded",
            BidStatus::InExecution => "in_execution",
            BidStatus::DroppedOut => "dropped_out",
            BidStatus::Accepted => "accepted",
            BidStatus::AcceptanceFailed => "acceptance_failed",
            BidStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> String {
        match self {
            BidStatus::Draft => t!("bid-status-draft"),
            BidStatus::Submitted => t!("bid-status-submitted"),
            BidStatus::Returned => t!("bid-status-returned"),
            BidStatus::NotAccepted => t!("bid-status-not-accepted"),
            BidStatus::InExpertReview => t!("bid-status-in-expert-review"),
            BidStatus::Shortlisted => t!("bid-status-shortlisted"),
            BidStatus::NotSelected => t!("bid-status-not-selected"),
            BidStatus::Awarded => t!("bid-status-awarded"),
            BidStatus::NotAwarded => t!("bid-status-not-awarded"),
            BidStatus::InExecution => t!("bid-status-in-execution"),
            BidStatus::DroppedOut => t!("bid-status-dropped-out"),
            BidStatus::Accepted => t!("bid-status-accepted"),
            BidStatus::AcceptanceFailed => t!("bid-status-acceptance-failed"),
            BidStatus::Withdrawn => t!("bid-status-withdrawn"),
        }
    }

    /// # Errors
    /// An unknown stored code is a broken invariant.
    pub fn from_code(code: &str) -> CoreResult<BidStatus> {
        BidStatus::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| CoreError::Internal(format!("unknown bid status {code}")))
    }

    /// Whether the bid counts as submitted for the challenge (the 流榜 decision).
    pub fn counts_as_submitted(self) -> bool {
        !matches!(self, BidStatus::Draft | BidStatus::Withdrawn)
    }

    /// Whether the formal review still owes this bid a decision.
    pub fn awaits_formal_review(self) -> bool {
        matches!(self, BidStatus::Submitted | BidStatus::Returned)
    }

    /// Whether the bid was awarded the task, whatever came of it after.
    pub fn was_awarded(self) -> bool {
        matches!(
            self,
            BidStatus::Awarded
                | BidStatus::InExecution
                | BidStatus::DroppedOut
                | BidStatus::Accepted
                | BidStatus::AcceptanceFailed
        )
    }

    /// Whether the bid was chosen as a winner: proposed for the 公示 or awarded.
    pub fn was_chosen(self) -> bool {
        self == BidStatus::Shortlisted || self.was_awarded()
    }

    /// Whether the bidder may still change the bid's content.
    pub fn is_editable(self) -> bool {
        matches!(self, BidStatus::Draft | BidStatus::Returned)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BidAction {
    Submit,
    Withdraw,
    PassFormalReview,
    ReturnForCorrection,
    RejectFormally,
    Resubmit,
    Shortlist,
    NotSelect,
    /// The 公示 was withdrawn: back to expert review.
    Reconsider,
    Award,
    DenyAward,
    StartExecution,
    DropOut,
    PassAcceptance,
    FailAcceptance,
}

impl BidAction {
    pub const ALL: [BidAction; 15] = [
        BidAction::Submit,
        BidAction::Withdraw,
        BidAction::PassFormalReview,
        BidAction::ReturnForCorrection,
        BidAction::RejectFormally,
        BidAction::Resubmit,
        BidAction::Shortlist,
        BidAction::NotSelect,
        BidAction::Reconsider,
        BidAction::Award,
        BidAction::DenyAward,
        BidAction::StartExecution,
        BidAction::DropOut,
        BidAction::PassAcceptance,
        BidAction::FailAcceptance,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BidAction::Submit => "submit",
            BidAction::Withdraw => "withdraw",
            BidAction::PassFormalReview => "pass_formal_review",
            BidAction::ReturnForCorrection => "return_for_correction",
            BidAction::RejectFormally => "reject_formally",
            BidAction::Resubmit => "resubmit",
            BidAction::Shortlist => "shortlist",
            BidAction::NotSelect => "not_select",
            BidAction::Reconsider => "reconsider",
            BidAction::Award => "award",
            BidAction::DenyAward => "deny_award",
            BidAction::StartExecution => "start_execution",
            BidAction::DropOut => "drop_out",
            BidAction::PassAcceptance => "pass_acceptance",
            BidAction::FailAcceptance => "fail_acceptance",
        }
    }

    pub fn label(self) -> String {
        match self {
            BidAction::Submit => t!("bid-action-submit"),
            BidAction::Withdraw => t!("bid-action-withdraw"),
            BidAction::PassFormalReview => t!("bid-action-pass-formal-review"),
            BidAction::ReturnForCorrection => t!("bid-action-return-for-correction"),
            BidAction::RejectFormally => t!("bid-action-reject-formally"),
            BidAction::Resubmit => t!("bid-action-resubmit"),
            BidAction::Shortlist => t!("bid-action-shortlist"),
            BidAction::NotSelect => t!("bid-action-not-select"),
            BidAction::Reconsider => t!("bid-action-reconsider"),
            BidAction::Award => t!("bid-action-award"),
            BidAction::DenyAward => t!("bid-action-deny-award"),
            BidAction::StartExecution => t!("bid-action-start-execution"),
            BidAction::DropOut => t!("bid-action-drop-out"),
            BidAction::PassAcceptance => t!("bid-action-pass-acceptance"),
            BidAction::FailAcceptance => t!("bid-action-fail-acceptance"),
        }
    }

    /// # Errors
    /// `Invalid` naming the known actions.
    pub fn parse(code: &str) -> CoreResult<BidAction> {
        BidAction::ALL
            .into_iter()
            .find(|a| a.code() == code.trim())
            .ok_or_else(|| {
                let codes: Vec<&str> = BidAction::ALL.iter().map(|a| a.code()).collect();
                let choices = codes.join(", ");
                CoreError::invalid(
                    "action",
                    t!("bid-action-unknown", code = code, choices = choices),
                )
            })
    }

    pub fn actors(self) -> &'static [Actor] {
        use Actor::*;
        match self {
            BidAction::Submit | BidAction::Withdraw | BidAction::Resubmit => &[Bidder],
            _ => &[Bureau],
        }
    }

    /// Whether the action must come with reasons (per item for the formal review).
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            BidAction::ReturnForCorrection
                | BidAction::RejectFormally
                | BidAction::DenyAward
                | BidAction::FailAcceptance
                | BidAction::DropOut
        )
    }
}

/// What the services know when someone acts on a bid.
#[derive(Debug, Clone, PartialEq)]
pub struct BidFacts {
    pub now: DateTime<Utc>,
    pub bid_deadline: DateTime<Utc>,
    pub challenge: ChallengeStatus,
    pub pledge_signed: bool,
    pub reason_given: bool,
    /// Every milestone of the bid passed (for final acceptance).
    pub milestones_passed: bool,
}

/// Whether `action` is a move out of `from` at all, whatever the facts: the arrows of
/// the bid's lifecycle. [`transition`] then decides with the facts.
pub fn applies(from: BidStatus, action: BidAction) -> bool {
    use BidAction as A;
    use BidStatus as S;
    matches!(
        (from, action),
        (S::Draft, A::Submit)
            | (S::Draft | S::Returned | S::Submitted, A::Withdraw)
            | (
                S::Submitted,
                A::PassFormalReview | A::ReturnForCorrection | A::RejectFormally
            )
            | (S::Returned, A::Resubmit)
            | (S::InExpertReview, A::Shortlist | A::NotSelect)
            | (S::Shortlisted | S::NotSelected, A::Reconsider)
            | (S::Shortlisted, A::Award | A::DenyAward)
            | (S::Awarded, A::StartExecution)
            | (
                S::InExecution,
                A::DropOut | A::PassAcceptance | A::FailAcceptance
            )
    )
}

/// Decides the bid's status after `action`, or refuses naming the reason.
///
/// # Errors
/// `Forbidden` when `actor` may not take the action; `IllegalTransition` otherwise.
pub fn transition(
    from: BidStatus,
    action: BidAction,
    actor: Actor,
    facts: &BidFacts,
) -> CoreResult<BidStatus> {
    use BidAction as A;
    use BidStatus as S;
    use ChallengeStatus as C;
    if !action.actors().contains(&actor) {
        return Err(CoreError::Forbidden(t!(
            "bid-actor-refused",
            actor = actor.label(),
            action = action.label()
        )));
    }
    let refuse = |reason: String| refusal(from, action, reason);
    if action.needs_reason() && !facts.reason_given {
        return Err(refuse(t!("bid-refused-reason-missing")));
    }
    if !applies(from, action) {
        return Err(refuse(t!("bid-refused-not-now")));
    }
    let before_deadline = facts.now < facts.bid_deadline;
    let to = match (from, action) {
        (S::Draft, A::Submit) => {
            if facts.challenge != C::Open {
                return Err(refuse(t!("bid-refused-challenge-not-open")));
            }
            if !before_deadline {
                return Err(refuse(t!("bid-refused-deadline-passed")));
            }
            if !facts.pledge_signed {
                return Err(refuse(t!("bid-refused-pledge-missing")));
            }
            S::Submitted
        }
        (S::Draft | S::Returned, A::Withdraw) => S::Withdrawn,
        (S::Submitted, A::Withdraw) => {
            if !before_deadline {
                return Err(refuse(t!("bid-refused-withdraw-after-deadline")));
            }
            S::Withdrawn
        }
        (S::Submitted, A::PassFormalReview | A::ReturnForCorrection | A::RejectFormally) => {
            if facts.challenge != C::Selection {
                return Err(refuse(t!("bid-refused-review-before-deadline")));
            }
            match action {
                A::PassFormalReview => S::InExpertReview,
                A::ReturnForCorrection => S::Returned,
                _ => S::NotAccepted,
            }
        }
        (S::Returned, A::Resubmit) => {
            if facts.challenge != C::Selection {
                return Err(refuse(t!("bid-refused-correction-closed")));
            }
            if !facts.pledge_signed {
                return Err(refuse(t!("bid-refused-pledge-missing")));
            }
            S::Submitted
        }
        (S::InExpertReview, A::Shortlist) => S::Shortlisted,
        (S::InExpertReview, A::NotSelect) => S::NotSelected,
        (S::Shortlisted | S::NotSelected, A::Reconsider) => S::InExpertReview,
        (S::Shortlisted, A::Award) => S::Awarded,
        (S::Shortlisted, A::DenyAward) => S::NotAwarded,
        (S::Awarded, A::StartExecution) => S::InExecution,
        (S::InExecution, A::DropOut) => S::DroppedOut,
        (S::InExecution, A::PassAcceptance) => {
            if !facts.milestones_passed {
                return Err(refuse(t!("bid-refused-milestones-open")));
            }
            S::Accepted
        }
        (S::InExecution, A::FailAcceptance) => S::AcceptanceFailed,
        // `applies` admitted only the moves above.
        _ => return Err(refuse(t!("bid-refused-not-now"))),
    };
    Ok(to)
}

fn refusal(from: BidStatus, action: BidAction, reason: String) -> CoreError {
    let (status, action_label) = (from.label(), action.label());
    CoreError::IllegalTransition {
        from: from.code().to_owned(),
        to: action.code().to_owned(),
        reason: t!(
            "bid-refused",
            status = status,
            action = action_label,
            reason = reason
        ),
    }
}

#[cfg(test)]
mod tests;
