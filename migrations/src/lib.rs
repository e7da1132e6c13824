//! Schema migrations for techmatch. Every migration must run unchanged on SQLite and
//! PostgreSQL, so only portable column types and plain indexes are used here.

pub use sea_orm_migration::prelude::*;

mod m20261130_000001_core;
mod m20261201_000001_accounts;
mod m20261201_000002_contacts;
mod m20261201_000003_api_tokens;
mod m20261201_000004_password_resets;
mod m20261201_000005_membership;
mod m20261201_000006_brokers;
mod m20261201_000007_settings;
mod m20261202_000001_challenges;
mod m20261202_000002_attachments;
mod m20261203_000001_outbox;
mod m20261203_000002_challenge_published;
mod m20261203_000003_notification_preferences;
mod m20261204_000001_alerts;
mod m20261204_000002_webhooks;
mod m20261205_000001_statistics;
mod m20261206_000001_login_failures;
mod m20261206_000002_attachment_contents;
mod m20261207_000001_org_identity;
mod m20261207_000002_figures_trust;
mod m20261207_000003_bid_trust;
mod m20261207_000004_public_ids;
mod m20261207_000010_pending_registrations;
mod m20261207_000011_bureau_links;
mod m20261207_000012_score_voids;
mod m20261207_000020_email_confirmed;
mod m20261207_000021_alert_markers;
mod m20261207_000022_account_mail_secrets;
mod m20261207_000023_reset_routes;
mod m20261208_000001_posting_contacts;
mod m20261208_000002_column_mappings;
mod m20261208_000003_list_batches;
mod m20261208_000004_duplicate_flags;
mod m20261208_000005_batch_completion;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261130_000001_core::Migration),
            Box::new(m20261201_000001_accounts::Migration),
            Box::new(m20261201_000002_contacts::Migration),
            Box::new(m20261201_000003_api_tokens::Migration),
            Box::new(m20261201_000004_password_resets::Migration),
            Box::new(m20261201_000005_membership::Migration),
            Box::new(m20261201_000006_brokers::Migration),
            Box::new(m20261201_000007_settings::Migration),
            Box::new(m20261202_000001_challenges::Migration),
            Box::new(m20261202_000002_attachments::Migration),
            Box::new(m20261203_000001_outbox::Migration),
            Box::new(m20261203_000002_challenge_published::Migration),
            Box::new(m20261203_000003_notification_preferences::Migration),
            Box::new(m20261204_000001_alerts::Migration),
            Box::new(m20261204_000002_webhooks::Migration),
            Box::new(m20261205_000001_statistics::Migration),
            Box::new(m20261206_000001_login_failures::Migration),
            Box::new(m20261206_000002_attachment_contents::Migration),
            Box::new(m20261207_000001_org_identity::Migration),
            Box::new(m20261207_000002_figures_trust::Migration),
            Box::new(m20261207_000003_bid_trust::Migration),
            Box::new(m20261207_000004_public_ids::Migration),
            Box::new(m20261207_000010_pending_registrations::Migration),
            Box::new(m20261207_000011_bureau_links::Migration),
            Box::new(m20261207_000012_score_voids::Migration),
            Box::new(m20261207_000020_email_confirmed::Migration),
            Box::new(m20261207_000021_alert_markers::Migration),
            Box::new(m20261207_000022_account_mail_secrets::Migration),
            Box::new(m20261207_000023_reset_routes::Migration),
            Box::new(m20261208_000001_posting_contacts::Migration),
            Box::new(m20261208_000002_column_mappings::Migration),
            Box::new(m20261208_000003_list_batches::Migration),
            Box::new(m20261208_000004_duplicate_flags::Migration),
            Box::new(m20261208_000005_batch_completion::Migration),
        ]
    }
}
