//! Attachments (附件) of challenges and bids: one row per stored file. The bytes live
//! under the data directory, named by a random storage key, never by the uploader's
//! file name.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Attachments {
    Table,
    Id,
    /// `challenge` or `bid`.
    OwnerKind,
    OwnerId,
    /// The sanitised display name, with its extension.
    FileName,
    /// Decided by the server from the detected type, never taken from the client.
    ContentType,
    SizeBytes,
    /// Hex SHA-256 of the content.
    Sha256,
    /// 32 random hex characters: the file is `attachments/<first two>/<key>`.
    StorageKey,
    UploadedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Attachments as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(
                        ColumnDef::new(A::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(A::OwnerKind).string_len(16).not_null())
                    .col(ColumnDef::new(A::OwnerId).big_integer().not_null())
                    .col(ColumnDef::new(A::FileName).string_len(200).not_null())
                    .col(ColumnDef::new(A::ContentType).string_len(100).not_null())
                    .col(ColumnDef::new(A::SizeBytes).big_integer().not_null())
                    .col(ColumnDef::new(A::Sha256).string_len(64).not_null())
                    .col(
                        ColumnDef::new(A::StorageKey)
                            .string_len(32)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(A::UploadedBy).big_integer().not_null())
                    .col(
                        ColumnDef::new(A::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_attachments_owner")
                    .table(A::Table)
                    .col(A::OwnerKind)
                    .col(A::OwnerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Attachments::Table).to_owned())
            .await
    }
}
