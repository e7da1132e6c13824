//! 揭榜挂帅 calls: what people read of them and what they do with them.

mod actions;
mod card;
mod detail;
mod listing;

pub use actions::{act, check_may_publish, create, edit, industry_named, object, own_draft};
pub use card::ChallengeCard;
pub use detail::{
    Actions, ChallengeDetail, CriterionWeight, Objection, Step, Winner, detail, visible,
};
pub use listing::{
    ChallengeList, ChallengeQuery, Facets, IndustryCount, StatusCount, StatusFilter, find,
};
