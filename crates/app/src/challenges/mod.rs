//! 揭榜挂帅 calls: what people read of them and what they do with them.

mod actions;
mod card;
mod detail;
mod listing;
mod review;
mod solvers;

pub use actions::{act, check_may_publish, create, edit, industry_named, object, own_draft};
pub use card::ChallengeCard;
pub use detail::{
    Actions, ChallengeDetail, CriterionWeight, Objection, Step, Winner, detail, visible,
};
pub use listing::{
    ChallengeList, ChallengeQuery, Facets, IndustryCount, StatusCount, StatusFilter, find,
};
pub use review::{
    answer_objection, assign_expert, award, declare_conflict, propose_winners, ranking,
    set_criteria, set_publicity_days, start_execution, unassign_expert,
};
pub use solvers::{
    InvitationBody, Invited, Researcher, SolverAchievement, SolverOrganisation, Solvers, invite,
    likely_solvers,
};
