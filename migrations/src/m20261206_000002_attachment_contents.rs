//! Attachment files move into the database: with several web nodes, a file written to one
//! node's disk could not be downloaded through another. The row and its content are now
//! written in one transaction, so neither exists without the other. Files stored on disk
//! before this migration are still read from there (see the attachments service).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AttachmentContents {
    Table,
    /// The attachment's `storage_key`.
    StorageKey,
    Content,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AttachmentContents::Table)
                    .col(
                        ColumnDef::new(AttachmentContents::StorageKey)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(AttachmentContents::Content)
                            .blob()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AttachmentContents::Table).to_owned())
            .await
    }
}
