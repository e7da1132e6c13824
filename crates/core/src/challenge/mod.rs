//! 揭榜挂帅: open challenge calls from publication to acceptance.
//!
//! The rules are pure functions over plain values so that every transition and every
//! refusal can be tested without a database: [`lifecycle`] for challenges, [`bid`] for
//! bids, [`milestone`] for the milestones of awarded bids, [`scoring`] for expert
//! review and [`calendar`] for the 公示 period.

pub mod bid;
pub mod calendar;
pub mod lifecycle;
pub mod milestone;
pub mod scoring;

use crate::t;

/// Who acts in 揭榜挂帅, relative to one challenge or bid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// The organisation that published the challenge (政府榜: an industry department;
    /// 企业榜: the enterprise), through its users.
    Publisher,
    /// Bureau moderators and administrators.
    Bureau,
    /// An expert assigned to the challenge.
    Expert,
    /// The lead organisation of a bid, through its users.
    Bidder,
    /// The server itself, acting on a deadline.
    System,
}

impl Actor {
    pub fn label(self) -> String {
        match self {
            Actor::Publisher => t!("challenge-actor-publisher"),
            Actor::Bureau => t!("challenge-actor-bureau"),
            Actor::Expert => t!("challenge-actor-expert"),
            Actor::Bidder => t!("challenge-actor-bidder"),
            Actor::System => t!("challenge-actor-system"),
        }
    }
}

/// A readable label for a timeline code such as `challenge.approve` or `bid.score`: the
/// lifecycle action's label where there is one, else the step's own, else the code.
pub fn timeline_label(code: &str) -> String {
    let action = match code.split_once('.') {
        Some(("challenge", action)) => lifecycle::ChallengeAction::parse(action)
            .ok()
            .map(|a| a.label()),
        Some(("bid", action)) => bid::BidAction::parse(action).ok().map(|a| a.label()),
        Some(("milestone", action)) => milestone::MilestoneAction::parse(action)
            .ok()
            .map(|a| a.label()),
        _ => None,
    };
    action.unwrap_or_else(|| match code {
        "challenge.create" => t!("record-action-challenge-create"),
        "challenge.edit" => t!("record-action-challenge-edit"),
        "challenge.criteria" => t!("record-action-challenge-criteria"),
        "challenge.publicity_days" => t!("record-action-challenge-publicity-days"),
        "challenge.assign_expert" => t!("record-action-challenge-assign-expert"),
        "challenge.unassign_expert" => t!("record-action-challenge-unassign-expert"),
        "challenge.declare_conflict" => t!("record-action-challenge-declare-conflict"),
        "challenge.objection" => t!("record-action-challenge-objection"),
        "challenge.objection_upheld" => t!("record-action-challenge-objection-upheld"),
        "challenge.objection_rejected" => t!("record-action-challenge-objection-rejected"),
        "challenge.invite" => t!("record-action-challenge-invite"),
        "bid.create" => t!("record-action-bid-create"),
        "bid.edit" => t!("record-action-bid-edit"),
        "bid.score" => t!("record-action-bid-score"),
        "bid.link_member" => t!("record-action-bid-link-member"),
        "bid.unlink_member" => t!("record-action-bid-unlink-member"),
        "bid.void_sheet" => t!("record-action-bid-void-sheet"),
        "bid.register_achievement" => t!("record-action-bid-register-achievement"),
        "attachment.upload" => t!("record-action-attachment-upload"),
        "attachment.delete" => t!("record-action-attachment-delete"),
        other => other.to_owned(),
    })
}

/// Whether a timeline step is shown to the public: the stages of the call are public;
/// who sits on the panel, why the bureau sent a draft back and everything about single
/// bids are not.
pub fn is_public_step(code: &str) -> bool {
    matches!(
        code,
        "challenge.approve"
            | "challenge.close_bidding"
            | "challenge.declare_unfilled"
            | "challenge.republish"
            | "challenge.close"
            | "challenge.propose_winners"
            | "challenge.revoke_publicity"
            | "challenge.award"
            | "challenge.start_execution"
            | "challenge.accept"
            | "challenge.fail"
            | "challenge.terminate"
            | "challenge.withdraw"
            // The challenge's own files are as public as the challenge.
            | "attachment.upload"
            | "attachment.delete"
    )
}
