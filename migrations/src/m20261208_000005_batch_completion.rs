//! A batch is recorded before its rows are written and completed after them: each row's
//! line is written in the row's own transaction, so a batch never lacks a posting its
//! list wrote, and one whose import stopped half-way says so instead of vanishing.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ListBatches {
    Table,
    CreatedAt,
    CompletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ListBatches::Table)
                    .add_column(
                        ColumnDef::new(ListBatches::CompletedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        // Batches kept before were written whole, after their rows.
        manager
            .exec_stmt(
                Query::update()
                    .table(ListBatches::Table)
                    .value(ListBatches::CompletedAt, Expr::col(ListBatches::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ListBatches::Table)
                    .drop_column(ListBatches::CompletedAt)
                    .to_owned(),
            )
            .await
    }
}
