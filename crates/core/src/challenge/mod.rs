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
