//! Bids on 揭榜挂帅 calls: what their readers see, what their bidders do, and the
//! bureau's and the panel's steps on them.

mod actions;
mod card;
mod detail;
mod review;

pub use actions::{act, create, edit, milestone_step, own_bid_on, own_editable};
pub use card::{BidCard, MemberCard};
pub use detail::{BidDetail, MilestoneCard, detail, readable};
pub use review::{
    ConsortiumReview, consortium, final_acceptance, formal_review, link_member,
    register_as_achievement, score, void_sheet,
};
