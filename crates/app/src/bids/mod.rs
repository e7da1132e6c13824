//! Bids on 揭榜挂帅 calls: what their readers see and what their bidders do.

mod actions;
mod card;
mod detail;

pub use actions::{act, create, edit, milestone_step, own_bid_on, own_editable};
pub use card::{BidCard, MemberCard};
pub use detail::{BidDetail, MilestoneCard, detail, readable};
