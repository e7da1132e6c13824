//! The application layer: each action people take on the platform, written once.
//!
//! A use case takes the actor, decides whether they may (reads too), opens and commits
//! its transaction, and returns a typed outcome or read model. The pages and the JSON
//! API are adapters over it: they extract, call, and render or serialize, so a rule
//! holds on both surfaces by construction.
//!
//! Read models derive `Serialize` and `ToSchema`: the API serializes them as they are,
//! the templates format money and time through shared filters.

pub mod attachments;
pub mod audit;
pub mod bids;
pub mod brokers;
pub mod challenges;
pub mod contacts;
pub mod cpu;
mod error;
pub mod notices;
pub mod organisations;
pub mod outbox;
pub mod postings;
pub mod preferences;
pub mod search;
pub mod settings;
mod txn;
pub mod users;
pub mod values;
pub mod webhooks;

pub use error::{AppError, AppResult};
