//! The bureau's list batches (第N批): each upload of a list on the web is a batch with a
//! name and a date, its import report, and the postings its rows created or updated.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ListBatches {
    Table,
    Id,
    Kind,
    Name,
    ListDate,
    FileName,
    UploadedBy,
    Report,
    Rows,
    Created,
    Updated,
    Unchanged,
    Rejected,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BatchPostings {
    Table,
    BatchId,
    Kind,
    PostingId,
    Sheet,
    Row,
    Position,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ListBatches::Table)
                    .col(
                        ColumnDef::new(ListBatches::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ListBatches::Kind).string().not_null())
                    .col(ColumnDef::new(ListBatches::Name).string().not_null())
                    .col(ColumnDef::new(ListBatches::ListDate).date().not_null())
                    .col(ColumnDef::new(ListBatches::FileName).string().not_null())
                    .col(ColumnDef::new(ListBatches::UploadedBy).big_integer().null())
                    .col(ColumnDef::new(ListBatches::Report).text().not_null())
                    .col(ColumnDef::new(ListBatches::Rows).big_integer().not_null())
                    .col(
                        ColumnDef::new(ListBatches::Created)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ListBatches::Updated)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ListBatches::Unchanged)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ListBatches::Rejected)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ListBatches::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BatchPostings::Table)
                    .col(
                        ColumnDef::new(BatchPostings::BatchId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(BatchPostings::Kind).string().not_null())
                    .col(
                        ColumnDef::new(BatchPostings::PostingId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(BatchPostings::Sheet).string().null())
                    .col(ColumnDef::new(BatchPostings::Row).big_integer().not_null())
                    .col(
                        ColumnDef::new(BatchPostings::Position)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(BatchPostings::BatchId)
                            .col(BatchPostings::Kind)
                            .col(BatchPostings::PostingId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(BatchPostings::Table, BatchPostings::BatchId)
                            .to(ListBatches::Table, ListBatches::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_batch_postings_posting")
                    .table(BatchPostings::Table)
                    .col(BatchPostings::Kind)
                    .col(BatchPostings::PostingId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BatchPostings::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ListBatches::Table).to_owned())
            .await
    }
}
