use chrono::{Duration, TimeZone};

use super::*;
use BidAction as A;
use BidStatus as S;
use ChallengeStatus as C;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()
}

/// Facts under which `action` is allowed from its source status.
fn permissive(action: BidAction) -> BidFacts {
    let before_deadline = matches!(action, A::Submit | A::Withdraw);
    BidFacts {
        now: t0(),
        bid_deadline: if before_deadline {
            t0() + Duration::days(1)
        } else {
            t0() - Duration::days(1)
        },
        challenge: match action {
            A::Submit | A::Withdraw => C::Open,
            A::PassFormalReview | A::ReturnForCorrection | A::RejectFormally | A::Resubmit => {
                C::Selection
            }
            A::Shortlist | A::NotSelect => C::Selection,
            A::Reconsider | A::Award | A::DenyAward => C::Publicity,
            _ => C::InExecution,
        },
        pledge_signed: true,
        reason_given: true,
        milestones_passed: true,
    }
}

fn expected(from: BidStatus, action: BidAction) -> Option<BidStatus> {
    Some(match (from, action) {
        (S::Draft, A::Submit) => S::Submitted,
        (S::Draft | S::Returned | S::Submitted, A::Withdraw) => S::Withdrawn,
        (S::Submitted, A::PassFormalReview) => S::InExpertReview,
        (S::Submitted, A::ReturnForCorrection) => S::Returned,
        (S::Submitted, A::RejectFormally) => S::NotAccepted,
        (S::Returned, A::Resubmit) => S::Submitted,
        (S::InExpertReview, A::Shortlist) => S::Shortlisted,
        (S::InExpertReview, A::NotSelect) => S::NotSelected,
        (S::Shortlisted | S::NotSelected, A::Reconsider) => S::InExpertReview,
        (S::Shortlisted, A::Award) => S::Awarded,
        (S::Shortlisted, A::DenyAward) => S::NotAwarded,
        (S::Awarded, A::StartExecution) => S::InExecution,
        (S::InExecution, A::DropOut) => S::DroppedOut,
        (S::InExecution, A::PassAcceptance) => S::Accepted,
        (S::InExecution, A::FailAcceptance) => S::AcceptanceFailed,
        _ => return None,
    })
}

#[test]
fn the_moves_that_apply_are_the_moves_of_the_table() {
    for from in BidStatus::ALL {
        for action in BidAction::ALL {
            assert_eq!(
                applies(from, action),
                expected(from, action).is_some(),
                "{from:?} {action:?}"
            );
        }
    }
}

#[test]
fn every_status_action_and_actor_is_decided_as_the_table_says() {
    let actors = [
        Actor::Publisher,
        Actor::Bureau,
        Actor::Expert,
        Actor::Bidder,
        Actor::System,
    ];
    for from in BidStatus::ALL {
        for action in BidAction::ALL {
            for actor in actors {
                let outcome = transition(from, action, actor, &permissive(action));
                match (
                    action.actors().contains(&actor),
                    expected(from, action),
                    outcome,
                ) {
                    (false, _, Err(CoreError::Forbidden(_))) => {}
                    (true, Some(to), Ok(got)) => assert_eq!(got, to, "{from:?} {action:?}"),
                    (true, None, Err(CoreError::IllegalTransition { .. })) => {}
                    (_, want, got) => {
                        panic!("{from:?} {action:?} by {actor:?}: expected {want:?}, got {got:?}")
                    }
                }
            }
        }
    }
}

fn refused(from: BidStatus, action: BidAction, facts: &BidFacts) -> String {
    match transition(from, action, action.actors()[0], facts) {
        Err(CoreError::IllegalTransition { reason, .. }) => reason,
        other => panic!("{from:?} {action:?} should be refused: {other:?}"),
    }
}

#[test]
fn a_bid_is_submitted_only_while_the_call_is_open_and_with_the_pledge() {
    let mut facts = permissive(A::Submit);
    facts.bid_deadline = t0();
    assert!(refused(S::Draft, A::Submit, &facts).contains("截止时间已过"));
    let mut facts = permissive(A::Submit);
    facts.challenge = C::UnderReview;
    assert!(refused(S::Draft, A::Submit, &facts).contains("不在揭榜期"));
    let mut facts = permissive(A::Submit);
    facts.pledge_signed = false;
    assert!(refused(S::Draft, A::Submit, &facts).contains("诚信承诺书"));
}

#[test]
fn a_submitted_bid_is_withdrawn_only_before_the_deadline() {
    let mut facts = permissive(A::Withdraw);
    facts.bid_deadline = t0();
    assert!(refused(S::Submitted, A::Withdraw, &facts).contains("截止后不能撤回"));
    assert_eq!(
        transition(S::Returned, A::Withdraw, Actor::Bidder, &facts).unwrap(),
        S::Withdrawn,
        "a returned bid may be given up instead of corrected"
    );
}

#[test]
fn the_formal_review_waits_for_the_deadline_and_gives_reasons() {
    let mut facts = permissive(A::PassFormalReview);
    facts.challenge = C::Open;
    assert!(refused(S::Submitted, A::PassFormalReview, &facts).contains("揭榜截止后"));
    for action in [A::ReturnForCorrection, A::RejectFormally] {
        let mut facts = permissive(action);
        facts.reason_given = false;
        assert!(refused(S::Submitted, action, &facts).contains("逐项填写理由"));
    }
    let mut facts = permissive(A::Resubmit);
    facts.challenge = C::Publicity;
    assert!(refused(S::Returned, A::Resubmit, &facts).contains("不能再补正"));
}

#[test]
fn acceptance_needs_every_milestone() {
    let mut facts = permissive(A::PassAcceptance);
    facts.milestones_passed = false;
    assert!(refused(S::InExecution, A::PassAcceptance, &facts).contains("里程碑未通过"));
}

#[test]
fn statuses_and_actions_round_trip() {
    for status in BidStatus::ALL {
        assert_eq!(BidStatus::from_code(status.code()).unwrap(), status);
    }
    for action in BidAction::ALL {
        assert_eq!(BidAction::parse(action.code()).unwrap(), action);
    }
    assert!(BidAction::parse("bribe").is_err());
    assert!(S::Returned.awaits_formal_review() && S::Returned.is_editable());
    assert!(!S::Withdrawn.counts_as_submitted() && S::NotAccepted.counts_as_submitted());
}

#[test]
fn a_winner_is_chosen_before_it_is_awarded_and_stays_one_whatever_follows() {
    let chosen: Vec<S> = S::ALL.into_iter().filter(|s| s.was_chosen()).collect();
    assert_eq!(
        chosen,
        [
            S::Shortlisted,
            S::Awarded,
            S::InExecution,
            S::DroppedOut,
            S::Accepted,
            S::AcceptanceFailed
        ]
    );
    assert!(!S::Shortlisted.was_awarded());
    assert!(S::DroppedOut.was_awarded());
}
