//! Every posting's public id is random, imported postings' too; the identifier a list
//! gave a posting is kept privately in `source_key` (`bureau:<id>` for the bureau's
//! lists), which re-imports match.
//!
//! Postings imported before this kept their list's identifier as their public id. Those
//! identifiers are sequential, so the public ids around a gap showed where an
//! enterprise's confidential need sat. For existing postings:
//! - every posting without a source key whose public id is not a random one gets
//!   `bureau:<its external id>`, so that re-importing the lists they came from still
//!   updates them in place (postings made on the web have random ids and came from no
//!   list);
//! - public ids stay as they are, so links and bookmarks keep working: what they leak is
//!   the place of a confidential need, and so it is that need's id that changes;
//! - confidential needs whose public id is not a random one get a fresh random id, and a
//!   change-log entry each, so that the search index forgets the old id. They all take
//!   the newest need's time: their own times (a list's rows were written one after the
//!   other) would place them in every newest-first listing.
//!
//! It runs in one transaction on every backend (SQLite's convention is none), so that a
//! failure halfway leaves nothing to trip over when it runs again.
//!
//! Source keys become unique per kind (several postings may have none). Keys written
//! twice before (two uploads racing) keep the oldest posting's; the others lose it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Needs {
    Table,
    SourceKey,
}

#[derive(DeriveIden)]
enum Achievements {
    Table,
    SourceKey,
}

const NEEDS_INDEX: &str = "needs_source_key";
const ACHIEVEMENTS_INDEX: &str = "achievements_source_key";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        let backend = manager.get_database_backend();
        // The shape of `posting::ids::new_public_id`: a prefix and 12 upper-case hex digits.
        let random_shaped = |prefix: &str| match backend {
            DbBackend::Postgres => format!("external_id ~ '^{prefix}-[0-9A-F]{{12}}$'"),
            _ => format!("external_id GLOB '{prefix}-{}'", "[0-9A-F]".repeat(12)),
        };
        for (table, prefix) in [("needs", "WN"), ("achievements", "WA")] {
            conn.execute_unprepared(&format!(
                "UPDATE {table} SET source_key = NULL WHERE source_key IS NOT NULL \
                 AND id NOT IN (SELECT MIN(id) FROM {table} WHERE source_key IS NOT NULL \
                 GROUP BY source_key)"
            ))
            .await?;
            conn.execute_unprepared(&format!(
                "UPDATE {table} SET source_key = 'bureau:' || external_id \
                 WHERE source_key IS NULL AND NOT ({})",
                random_shaped(prefix)
            ))
            .await?;
        }

        let fresh_id = match backend {
            DbBackend::Postgres => {
                "'WN-' || upper(substr(replace(gen_random_uuid()::text, '-', ''), 1, 12))"
            }
            _ => "'WN-' || upper(hex(randomblob(6)))",
        };
        let random_shaped = random_shaped("WN");
        let leaking = format!("confidential AND NOT ({random_shaped})");
        // The newest need's time is already stored in the backend's format, which a
        // clock of the migration's would have to imitate.
        conn.execute_unprepared(&format!(
            "UPDATE needs SET updated_at = (SELECT MAX(updated_at) FROM needs) WHERE {leaking}"
        ))
        .await?;
        conn.execute_unprepared(&format!(
            "INSERT INTO changes (entity, entity_id, at) \
             SELECT 'need', id, updated_at FROM needs WHERE {leaking} ORDER BY id"
        ))
        .await?;
        conn.execute_unprepared(&format!(
            "UPDATE needs SET external_id = {fresh_id} WHERE {leaking}"
        ))
        .await?;

        manager
            .create_index(
                Index::create()
                    .name(NEEDS_INDEX)
                    .table(Needs::Table)
                    .col(Needs::SourceKey)
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(ACHIEVEMENTS_INDEX)
                    .table(Achievements::Table)
                    .col(Achievements::SourceKey)
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    /// Drops the uniqueness only: the fresh public ids cannot be taken back (the old ones
    /// are what leaked), and source keys do no harm to older code.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            (NEEDS_INDEX, Needs::Table.into_iden()),
            (ACHIEVEMENTS_INDEX, Achievements::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
