//! The bureau voids a submitted score sheet with a reason (an expert found conflicted
//! after scoring, a sheet written for the wrong bid). The sheet stays, marked, so the
//! record shows what was written and why it no longer counts; the pair stays unique, so
//! an expert who has seen the others' scores never writes a second sheet on that bid.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "expert_scores";

#[derive(DeriveIden)]
enum ExpertScores {
    Table,
    VoidedAt,
    VoidedBy,
    VoidReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time, and outside a transaction
        // (SQLite's migrations run without one), so an upgrade stopped half-way leaves
        // some columns added. Each is added only when missing, and the upgrade runs again.
        for (name, column) in [
            (
                "voided_at",
                ColumnDef::new(ExpertScores::VoidedAt)
                    .timestamp_with_time_zone()
                    .null()
                    .take(),
            ),
            (
                "voided_by",
                ColumnDef::new(ExpertScores::VoidedBy)
                    .big_integer()
                    .null()
                    .take(),
            ),
            (
                "void_reason",
                ColumnDef::new(ExpertScores::VoidReason)
                    .text()
                    .null()
                    .take(),
            ),
        ] {
            if manager.has_column(TABLE, name).await? {
                continue;
            }
            manager
                .alter_table(
                    Table::alter()
                        .table(ExpertScores::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, column) in [
            ("void_reason", ExpertScores::VoidReason),
            ("voided_by", ExpertScores::VoidedBy),
            ("voided_at", ExpertScores::VoidedAt),
        ] {
            if !manager.has_column(TABLE, name).await? {
                continue;
            }
            manager
                .alter_table(
                    Table::alter()
                        .table(ExpertScores::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
