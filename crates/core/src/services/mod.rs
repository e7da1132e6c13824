//! Services: one module per aggregate, functions over `&impl ConnectionTrait` so that the
//! caller decides whether they run inside a transaction.

pub mod alerts;
pub mod api_tokens;
pub mod attachments;
pub mod audit;
pub mod bids;
pub mod brokers;
pub mod challenge_invitations;
pub mod challenge_record;
pub mod challenges;
pub mod changes;
pub mod column_mappings;
pub mod contacts;
pub mod digests;
pub mod ecosystem;
pub mod export;
pub mod import;
pub mod list_batches;
pub mod list_uploads;
pub mod lockout;
pub mod organisations;
pub mod outbox;
pub mod password_resets;
pub mod postings;
pub mod preferences;
pub mod registrations;
pub mod report;
pub mod sessions;
pub mod settings;
pub mod statistics;
pub mod users;
pub mod webhook_addresses;
pub mod webhooks;
pub mod workflow;
