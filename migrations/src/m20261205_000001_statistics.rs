//! What the bureau's statistics count by date: when each need and achievement was first
//! published, and the matches the platform proposed when a posting was published. The
//! audit log gains an index by action and time, since the figures count its contact
//! steps (accepted) by month.
//!
//! Postings published before this migration get their last change as publication
//! time: the best the database knows.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Needs {
    Table,
    PublishedAt,
}

#[derive(DeriveIden)]
enum Achievements {
    Table,
    PublishedAt,
}

#[derive(DeriveIden)]
enum MatchProposals {
    Table,
    Id,
    NeedId,
    AchievementId,
    /// The match strength (0 to 100) when it was last proposed.
    Strength,
    /// When the pair was first proposed.
    ProposedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Action,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column, name) in [
            (
                Needs::Table.into_iden(),
                Needs::PublishedAt.into_iden(),
                "idx_needs_published_at",
            ),
            (
                Achievements::Table.into_iden(),
                Achievements::PublishedAt.into_iden(),
                "idx_achievements_published_at",
            ),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table.clone())
                        .add_column(
                            ColumnDef::new(column.clone())
                                .timestamp_with_time_zone()
                                .null(),
                        )
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        for table in ["needs", "achievements"] {
            db.execute_unprepared(&format!(
                "UPDATE {table} SET published_at = updated_at \
                 WHERE status IN ('published', 'closed') AND published_at IS NULL"
            ))
            .await?;
        }

        use MatchProposals as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(
                        ColumnDef::new(P::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(P::NeedId).big_integer().not_null())
                    .col(ColumnDef::new(P::AchievementId).big_integer().not_null())
                    .col(ColumnDef::new(P::Strength).integer().not_null())
                    .col(
                        ColumnDef::new(P::ProposedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_match_proposals_pair")
                    .table(P::Table)
                    .col(P::NeedId)
                    .col(P::AchievementId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_match_proposals_proposed_at")
                    .table(P::Table)
                    .col(P::ProposedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_action_at")
                    .table(AuditLog::Table)
                    .col(AuditLog::Action)
                    .col(AuditLog::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_audit_log_action_at")
                    .table(AuditLog::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(MatchProposals::Table).to_owned())
            .await?;
        for (table, column, name) in [
            (
                Needs::Table.into_iden(),
                Needs::PublishedAt.into_iden(),
                "idx_needs_published_at",
            ),
            (
                Achievements::Table.into_iden(),
                Achievements::PublishedAt.into_iden(),
                "idx_achievements_published_at",
            ),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table.clone()).to_owned())
                .await?;
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
