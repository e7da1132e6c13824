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
    CreatedAt,
    Status,
    Industry,
    RegionCode,
    OrgId,
}

#[derive(DeriveIden)]
enum Achievements {
    Table,
    PublishedAt,
    CreatedAt,
    Status,
    Field,
    RegionCode,
    OrgId,
}

#[derive(DeriveIden)]
enum MatchProposals {
    Table,
    Id,
    NeedId,
    AchievementId,
    /// The match strength (0 to 100) when it was last proposed.
    Strength,
    /// The need's industry cluster and region when the pair was first proposed: the
    /// figures count a proposal where it was made, and need no join to count it.
    Cluster,
    RegionCode,
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
        for (table, column) in [
            (Needs::Table.into_iden(), Needs::PublishedAt.into_iden()),
            (
                Achievements::Table.into_iden(),
                Achievements::PublishedAt.into_iden(),
            ),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(ColumnDef::new(column).timestamp_with_time_zone().null())
                        .to_owned(),
                )
                .await?;
        }
        // Covering indexes: the dashboard counts postings by date, cluster and region
        // from the index alone, without reading the rows.
        let covering = [
            (
                "idx_needs_published_stats",
                Needs::Table.into_iden(),
                vec![
                    Needs::PublishedAt.into_iden(),
                    Needs::Status.into_iden(),
                    Needs::Industry.into_iden(),
                    Needs::RegionCode.into_iden(),
                    Needs::OrgId.into_iden(),
                ],
            ),
            (
                "idx_needs_created_stats",
                Needs::Table.into_iden(),
                vec![
                    Needs::CreatedAt.into_iden(),
                    Needs::Industry.into_iden(),
                    Needs::RegionCode.into_iden(),
                    Needs::OrgId.into_iden(),
                ],
            ),
            (
                "idx_achievements_published_stats",
                Achievements::Table.into_iden(),
                vec![
                    Achievements::PublishedAt.into_iden(),
                    Achievements::Status.into_iden(),
                    Achievements::Field.into_iden(),
                    Achievements::RegionCode.into_iden(),
                    Achievements::OrgId.into_iden(),
                ],
            ),
            (
                "idx_achievements_created_stats",
                Achievements::Table.into_iden(),
                vec![
                    Achievements::CreatedAt.into_iden(),
                    Achievements::Field.into_iden(),
                    Achievements::RegionCode.into_iden(),
                    Achievements::OrgId.into_iden(),
                ],
            ),
        ];
        for (name, table, columns) in covering {
            let mut index = Index::create();
            index.name(name).table(table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
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
                    .col(ColumnDef::new(P::Cluster).string().null())
                    .col(ColumnDef::new(P::RegionCode).string().null())
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
                    .col(P::Cluster)
                    .col(P::RegionCode)
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
        for (name, table) in [
            ("idx_needs_published_stats", Needs::Table.into_iden()),
            ("idx_needs_created_stats", Needs::Table.into_iden()),
            (
                "idx_achievements_published_stats",
                Achievements::Table.into_iden(),
            ),
            (
                "idx_achievements_created_stats",
                Achievements::Table.into_iden(),
            ),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for (table, column) in [
            (Needs::Table.into_iden(), Needs::PublishedAt.into_iden()),
            (
                Achievements::Table.into_iden(),
                Achievements::PublishedAt.into_iden(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
