//! Every posting's public id is random, imported postings' too; the identifier a list
//! gave a posting is kept privately in `source_key` (`bureau:<id>` for the bureau's
//! lists), which re-imports match.
//!
//! Postings imported before this kept their list's identifier as their public id. Those
//! identifiers are sequential, so the public ids around a gap showed where an
//! enterprise's confidential need sat. For existing postings:
//! - every posting without a source key gets `bureau:<its external id>`, so that
//!   re-importing the lists they came from still updates them in place (a posting made
//!   on the web gets one too, which only lets a row name it by its public id as before);
//! - public ids stay as they are, so links and bookmarks keep working: what they leak is
//!   the place of a confidential need, and so it is that need's id that changes;
//! - confidential needs whose public id is not a random one get a fresh random id, and a
//!   change-log entry each, so that the search index forgets the old id.
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
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let conn = manager.get_connection();
        let backend = manager.get_database_backend();
        for table in ["needs", "achievements"] {
            conn.execute_unprepared(&format!(
                "UPDATE {table} SET source_key = NULL WHERE source_key IS NOT NULL \
                 AND id NOT IN (SELECT MIN(id) FROM {table} WHERE source_key IS NOT NULL \
                 GROUP BY source_key)"
            ))
            .await?;
            conn.execute_unprepared(&format!(
                "UPDATE {table} SET source_key = 'bureau:' || external_id \
                 WHERE source_key IS NULL"
            ))
            .await?;
        }

        // The shape of `posting::ids::new_public_id`: WN- and 12 upper-case hex digits.
        let (random_shaped, fresh_id) = match backend {
            DbBackend::Postgres => (
                "external_id ~ '^WN-[0-9A-F]{12}$'",
                "'WN-' || upper(substr(replace(gen_random_uuid()::text, '-', ''), 1, 12))",
            ),
            _ => (
                "external_id GLOB 'WN-[0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]\
                 [0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F][0-9A-F]'",
                "'WN-' || upper(hex(randomblob(6)))",
            ),
        };
        let leaking = format!("confidential AND NOT ({random_shaped})");
        // The change's time is the need's own last write: no clock of the migration's
        // needs to be stored in each backend's format.
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
