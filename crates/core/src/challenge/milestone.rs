//! The milestones of an awarded bid: each with target metrics, a due date and a funding
//! tranche. The winner reports with evidence; the bureau (with experts) passes it,
//! releasing the tranche, orders rectification, or fails it.

use chrono::{DateTime, Utc};

use super::Actor;
use crate::{CoreError, CoreResult, t};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MilestoneStatus {
    Pending,
    Reported,
    /// Passed; its funding tranche is released.
    Passed,
    /// The bureau asked for rectification; the team reports again.
    Rectification,
    Failed,
}

impl MilestoneStatus {
    pub const ALL: [MilestoneStatus; 5] = [
        MilestoneStatus::Pending,
        MilestoneStatus::Reported,
        MilestoneStatus::Passed,
        MilestoneStatus::Rectification,
        MilestoneStatus::Failed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MilestoneStatus::Pending => "pending",
            MilestoneStatus::Reported => "reported",
            MilestoneStatus::Passed => "passed",
            MilestoneStatus::Rectification => "rectification",
            MilestoneStatus::Failed => "failed",
        }
    }

    pub fn label(self) -> String {
        match self {
            MilestoneStatus::Pending => t!("milestone-status-pending"),
            MilestoneStatus::Reported => t!("milestone-status-reported"),
            MilestoneStatus::Passed => t!("milestone-status-passed"),
            MilestoneStatus::Rectification => t!("milestone-status-rectification"),
            MilestoneStatus::Failed => t!("milestone-status-failed"),
        }
    }

    /// # Errors
    /// An unknown stored code is a broken invariant.
    pub fn from_code(code: &str) -> CoreResult<MilestoneStatus> {
        MilestoneStatus::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or_else(|| CoreError::Internal(format!("unknown milestone status {code}")))
    }

    /// Whether a milestone due at `due` is overdue at `now`: not passed or failed yet and
    /// its date gone.
    pub fn is_overdue(self, due: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        matches!(
            self,
            MilestoneStatus::Pending | MilestoneStatus::Rectification
        ) && now > due
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MilestoneAction {
    Report,
    Pass,
    OrderRectification,
    Fail,
}

impl MilestoneAction {
    pub const ALL: [MilestoneAction; 4] = [
        MilestoneAction::Report,
        MilestoneAction::Pass,
        MilestoneAction::OrderRectification,
        MilestoneAction::Fail,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MilestoneAction::Report => "report",
            MilestoneAction::Pass => "pass",
            MilestoneAction::OrderRectification => "order_rectification",
            MilestoneAction::Fail => "fail",
        }
    }

    pub fn label(self) -> String {
        match self {
            MilestoneAction::Report => t!("milestone-action-report"),
            MilestoneAction::Pass => t!("milestone-action-pass"),
            MilestoneAction::OrderRectification => t!("milestone-action-order-rectification"),
            MilestoneAction::Fail => t!("milestone-action-fail"),
        }
    }

    /// # Errors
    /// `Invalid` naming the known actions.
    pub fn parse(code: &str) -> CoreResult<MilestoneAction> {
        MilestoneAction::ALL
            .into_iter()
            .find(|a| a.code() == code.trim())
            .ok_or_else(|| {
                let codes: Vec<&str> = MilestoneAction::ALL.iter().map(|a| a.code()).collect();
                let choices = codes.join(", ");
                CoreError::invalid(
                    "action",
                    t!("milestone-action-unknown", code = code, choices = choices),
                )
            })
    }

    pub fn actor(self) -> Actor {
        match self {
            MilestoneAction::Report => Actor::Bidder,
            _ => Actor::Bureau,
        }
    }
}

/// Decides the milestone's status after `action`. `evidence_given` is the report's
/// evidence, `reason_given` the bureau's reason for rectification or failure.
///
/// # Errors
/// `Forbidden` for the wrong actor; `IllegalTransition` otherwise.
pub fn transition(
    from: MilestoneStatus,
    action: MilestoneAction,
    actor: Actor,
    evidence_given: bool,
    reason_given: bool,
) -> CoreResult<MilestoneStatus> {
    use MilestoneAction as A;
    use MilestoneStatus as S;
    if action.actor() != actor {
        return Err(CoreError::Forbidden(t!(
            "milestone-actor-refused",
            actor = actor.label(),
            action = action.label()
        )));
    }
    let refuse = |reason: String| {
        let (status, action_label) = (from.label(), action.label());
        CoreError::IllegalTransition {
            from: from.code().to_owned(),
            to: action.code().to_owned(),
            reason: t!(
                "milestone-refused",
                status = status,
                action = action_label,
                reason = reason
            ),
        }
    };
    match (from, action) {
        (S::Pending | S::Rectification, A::Report) if !evidence_given => {
            Err(refuse(t!("milestone-refused-evidence-missing")))
        }
        (S::Pending | S::Rectification, A::Report) => Ok(S::Reported),
        (S::Reported, A::Pass) => Ok(S::Passed),
        (S::Reported, A::OrderRectification | A::Fail) if !reason_given => {
            Err(refuse(t!("milestone-refused-reason-missing")))
        }
        (S::Reported, A::OrderRectification) => Ok(S::Rectification),
        (S::Reported, A::Fail) => Ok(S::Failed),
        (S::Passed | S::Failed, _) => Err(refuse(t!("milestone-refused-decided"))),
        _ => Err(refuse(t!("milestone-refused-not-reported"))),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use MilestoneAction as A;
    use MilestoneStatus as S;

    fn expected(from: MilestoneStatus, action: MilestoneAction) -> Option<MilestoneStatus> {
        Some(match (from, action) {
            (S::Pending | S::Rectification, A::Report) => S::Reported,
            (S::Reported, A::Pass) => S::Passed,
            (S::Reported, A::OrderRectification) => S::Rectification,
            (S::Reported, A::Fail) => S::Failed,
            _ => return None,
        })
    }

    #[test]
    fn every_status_and_action_is_decided_as_the_table_says() {
        for from in MilestoneStatus::ALL {
            for action in MilestoneAction::ALL {
                for actor in [
                    Actor::Bidder,
                    Actor::Bureau,
                    Actor::Expert,
                    Actor::Publisher,
                ] {
                    let outcome = transition(from, action, actor, true, true);
                    match (actor == action.actor(), expected(from, action), outcome) {
                        (false, _, Err(CoreError::Forbidden(_))) => {}
                        (true, Some(to), Ok(got)) => assert_eq!(got, to),
                        (true, None, Err(CoreError::IllegalTransition { .. })) => {}
                        (_, want, got) => panic!("{from:?} {action:?} {actor:?}: {want:?} {got:?}"),
                    }
                }
            }
        }
    }

    #[test]
    fn a_report_needs_evidence_and_a_rectification_or_failure_a_reason() {
        let refused = |r: CoreResult<MilestoneStatus>| match r {
            Err(CoreError::IllegalTransition { reason, .. }) => reason,
            other => panic!("{other:?}"),
        };
        assert!(
            refused(transition(
                S::Pending,
                A::Report,
                Actor::Bidder,
                false,
                true
            ))
            .contains("证明材料")
        );
        for action in [A::OrderRectification, A::Fail] {
            assert!(
                refused(transition(S::Reported, action, Actor::Bureau, true, false))
                    .contains("理由")
            );
        }
    }

    #[test]
    fn overdue_means_undecided_past_its_date() {
        let due = Utc.with_ymd_and_hms(2027, 3, 31, 16, 0, 0).unwrap();
        let later = due + chrono::Duration::seconds(1);
        assert!(S::Pending.is_overdue(due, later));
        assert!(S::Rectification.is_overdue(due, later));
        assert!(!S::Pending.is_overdue(due, due));
        assert!(
            !S::Reported.is_overdue(due, later),
            "waiting for the bureau"
        );
        assert!(!S::Passed.is_overdue(due, later));
    }
}
