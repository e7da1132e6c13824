use chrono::{Duration, TimeZone};

use super::*;
use ChallengeAction as A;
use ChallengeStatus as S;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()
}

/// Facts under which `action` is allowed from its source status.
fn permissive(action: ChallengeAction) -> ChallengeFacts {
    let mut facts = ChallengeFacts {
        now: t0(),
        bid_deadline: t0() - Duration::hours(1),
        new_bid_deadline: Some(t0() + Duration::days(30)),
        submitted_bids: 3,
        bids_awaiting_formal_review: 0,
        bids_passed_formal_review: 2,
        missing_expert_scores: 0,
        experts: 2,
        proposed_winners: 2,
        max_winners: 2,
        publicity_ends: Some(t0() - Duration::hours(1)),
        unanswered_objections: 0,
        task_book_recorded: true,
        winners_accepted: 1,
        winners_pending_acceptance: 0,
        reason_given: true,
    };
    match action {
        A::Approve => facts.bid_deadline = t0() + Duration::days(30),
        A::DeclareUnfilled => facts.bids_passed_formal_review = 0,
        A::Fail => facts.winners_accepted = 0,
        _ => {}
    }
    facts
}

/// The whole table of allowed moves.
fn expected(from: ChallengeStatus, action: ChallengeAction) -> Option<ChallengeStatus> {
    Some(match (from, action) {
        (S::Draft, A::Submit) => S::UnderReview,
        (S::UnderReview, A::Approve) => S::Open,
        (S::UnderReview, A::Reject) => S::Draft,
        (S::Open, A::CloseBidding) => S::Selection,
        (S::Selection, A::DeclareUnfilled) => S::Unfilled,
        (S::Unfilled, A::Republish) => S::Open,
        (S::Unfilled, A::Close) => S::Closed,
        (S::Selection, A::ProposeWinners) => S::Publicity,
        (S::Publicity, A::RevokePublicity) => S::Selection,
        (S::Publicity, A::Award) => S::Awarded,
        (S::Awarded, A::StartExecution) => S::InExecution,
        (S::InExecution, A::Accept) => S::Accepted,
        (S::InExecution, A::Fail) => S::Failed,
        (S::Awarded | S::InExecution, A::Terminate) => S::Terminated,
        (
            S::Draft | S::UnderReview | S::Open | S::Unfilled | S::Selection | S::Publicity,
            A::Withdraw,
        ) => S::Withdrawn,
        _ => return None,
    })
}

const ACTORS: [Actor; 5] = [
    Actor::Publisher,
    Actor::Bureau,
    Actor::Expert,
    Actor::Bidder,
    Actor::System,
];

#[test]
fn every_status_action_and_actor_is_decided_as_the_table_says() {
    for from in ChallengeStatus::ALL {
        for action in ChallengeAction::ALL {
            for actor in ACTORS {
                let outcome = transition(from, action, actor, &permissive(action));
                let allowed_actor = action.actors().contains(&actor);
                match (allowed_actor, expected(from, action), outcome) {
                    (false, _, Err(CoreError::Forbidden(_))) => {}
                    (true, Some(to), Ok(got)) => assert_eq!(got, to, "{from:?} {action:?}"),
                    (true, None, Err(CoreError::IllegalTransition { reason, .. })) => {
                        assert!(!reason.is_empty());
                    }
                    (_, want, got) => {
                        panic!("{from:?} {action:?} by {actor:?}: expected {want:?}, got {got:?}")
                    }
                }
            }
        }
    }
}

#[test]
fn the_moves_that_apply_are_the_moves_of_the_table() {
    for from in ChallengeStatus::ALL {
        for action in ChallengeAction::ALL {
            assert_eq!(
                applies(from, action),
                expected(from, action).is_some(),
                "{from:?} {action:?}"
            );
        }
    }
}

#[test]
fn final_statuses_refuse_everything_and_say_so() {
    for from in ChallengeStatus::ALL.into_iter().filter(|s| s.is_final()) {
        for action in ChallengeAction::ALL {
            let actor = action.actors()[0];
            match transition(from, action, actor, &permissive(action)) {
                Err(CoreError::IllegalTransition { reason, .. }) => {
                    assert!(reason.contains("榜单已结束"), "{reason}")
                }
                other => panic!("{from:?} {action:?}: {other:?}"),
            }
        }
    }
}

fn refused(from: ChallengeStatus, action: ChallengeAction, facts: &ChallengeFacts) -> String {
    match transition(from, action, action.actors()[0], facts) {
        Err(CoreError::IllegalTransition { reason, .. }) => reason,
        other => panic!("{from:?} {action:?} should be refused: {other:?}"),
    }
}

#[test]
fn deadlines_are_enforced_by_the_clock() {
    let mut facts = permissive(A::Approve);
    facts.bid_deadline = t0();
    assert!(refused(S::UnderReview, A::Approve, &facts).contains("截止时间已过"));

    let mut facts = permissive(A::CloseBidding);
    facts.bid_deadline = t0() + Duration::seconds(1);
    assert!(refused(S::Open, A::CloseBidding, &facts).contains("截止时间未到"));
    facts.bid_deadline = t0();
    assert_eq!(
        transition(S::Open, A::CloseBidding, Actor::System, &facts).unwrap(),
        S::Selection,
        "the deadline itself closes bidding"
    );
}

#[test]
fn no_submitted_bid_at_the_deadline_is_unfilled_and_can_be_republished() {
    let mut facts = permissive(A::CloseBidding);
    facts.submitted_bids = 0;
    assert_eq!(
        transition(S::Open, A::CloseBidding, Actor::System, &facts).unwrap(),
        S::Unfilled
    );
    let mut facts = permissive(A::Republish);
    facts.new_bid_deadline = Some(t0());
    assert!(refused(S::Unfilled, A::Republish, &facts).contains("新揭榜截止时间"));
    facts.new_bid_deadline = None;
    assert!(refused(S::Unfilled, A::Republish, &facts).contains("新揭榜截止时间"));
}

#[test]
fn unfilled_after_review_only_when_no_bid_is_valid() {
    let mut facts = permissive(A::DeclareUnfilled);
    facts.bids_awaiting_formal_review = 1;
    assert!(refused(S::Selection, A::DeclareUnfilled, &facts).contains("形式审查"));
    facts.bids_awaiting_formal_review = 0;
    facts.bids_passed_formal_review = 1;
    assert!(refused(S::Selection, A::DeclareUnfilled, &facts).contains("不能流榜"));
}

#[test]
fn winners_are_proposed_only_after_every_review_and_within_the_limit() {
    let base = permissive(A::ProposeWinners);
    type Case = (fn(&mut ChallengeFacts), &'static str);
    let cases: [Case; 6] = [
        (|f| f.bids_awaiting_formal_review = 1, "形式审查"),
        (|f| f.bids_passed_formal_review = 0, "没有通过形式审查"),
        (|f| f.experts = 0, "评审专家"),
        (|f| f.missing_expert_scores = 3, "3 份专家评分"),
        (|f| f.proposed_winners = 0, "1 至 2 个"),
        (|f| f.proposed_winners = 3, "1 至 2 个"),
    ];
    for (change, expected) in cases {
        let mut facts = base.clone();
        change(&mut facts);
        let reason = refused(S::Selection, A::ProposeWinners, &facts);
        assert!(reason.contains(expected), "{reason}");
    }
}

#[test]
fn the_award_waits_for_the_end_of_publicity_and_every_answer() {
    let mut facts = permissive(A::Award);
    facts.publicity_ends = Some(t0() + Duration::minutes(1));
    assert!(refused(S::Publicity, A::Award, &facts).contains("公示期尚未结束"));
    facts.publicity_ends = None;
    assert!(refused(S::Publicity, A::Award, &facts).contains("公示期尚未结束"));
    let mut facts = permissive(A::Award);
    facts.unanswered_objections = 2;
    assert!(refused(S::Publicity, A::Award, &facts).contains("2 条异议"));
}

#[test]
fn execution_needs_the_task_book_and_acceptance_needs_every_result() {
    let mut facts = permissive(A::StartExecution);
    facts.task_book_recorded = false;
    assert!(refused(S::Awarded, A::StartExecution, &facts).contains("任务书"));

    let mut facts = permissive(A::Accept);
    facts.winners_pending_acceptance = 1;
    assert!(refused(S::InExecution, A::Accept, &facts).contains("验收尚未完成"));
    facts.winners_pending_acceptance = 0;
    facts.winners_accepted = 0;
    assert!(refused(S::InExecution, A::Accept, &facts).contains("没有揭榜方通过"));

    let mut facts = permissive(A::Fail);
    facts.winners_accepted = 1;
    assert!(refused(S::InExecution, A::Fail, &facts).contains("已有揭榜方通过"));
    facts.winners_accepted = 0;
    facts.winners_pending_acceptance = 1;
    assert!(refused(S::InExecution, A::Fail, &facts).contains("验收尚未完成"));
}

#[test]
fn rejecting_withdrawing_and_terminating_need_a_reason() {
    for (from, action) in [
        (S::UnderReview, A::Reject),
        (S::Open, A::Withdraw),
        (S::InExecution, A::Terminate),
    ] {
        let mut facts = permissive(action);
        facts.reason_given = false;
        assert!(refused(from, action, &facts).contains("请填写理由"));
    }
}

#[test]
fn codes_round_trip_and_unknown_actions_are_named() {
    for status in ChallengeStatus::ALL {
        assert_eq!(ChallengeStatus::from_code(status.code()).unwrap(), status);
    }
    for action in ChallengeAction::ALL {
        assert_eq!(ChallengeAction::parse(action.code()).unwrap(), action);
    }
    let error = ChallengeAction::parse("win").unwrap_err();
    assert!(error.to_string().contains("propose_winners"), "{error}");
}
