//! sea-orm entities: the rows as stored. Domain rules live in `services`, not here.

pub mod achievement;
pub mod api_token;
pub mod attachment;
pub mod audit;
pub mod bid;
pub mod bid_milestone;
pub mod broker_assignment;
pub mod challenge;
pub mod challenge_event;
pub mod challenge_expert;
pub mod change;
pub mod contact;
pub mod contact_message;
pub mod deal;
pub mod expert_score;
pub mod need;
pub mod notification_preference;
pub mod objection;
pub mod organisation;
pub mod outbox_entry;
pub mod password_reset;
pub mod session;
pub mod setting;
pub mod user;
pub mod webhook;
