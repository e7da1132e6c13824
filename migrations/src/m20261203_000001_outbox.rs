//! The notification outbox: every notice is written in the same transaction as the
//! change that causes it, and a worker delivers it. A (recipient, cause) key makes the
//! same notice impossible to enqueue twice.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    /// `recipient|cause`: unique.
    DedupKey,
    /// `email` or `webhook`.
    Channel,
    RecipientUserId,
    /// The mail address or the webhook's URL.
    Address,
    Kind,
    Subject,
    BodyText,
    BodyHtml,
    /// Fixed when enqueued, so that a resend after a crash is recognisable.
    MessageId,
    /// `pending`, `sending`, `sent` or `dead`.
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedBy,
    ClaimedAt,
    LastError,
    CreatedAt,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Outbox as O;
        manager
            .create_table(
                Table::create()
                    .table(O::Table)
                    .col(
                        ColumnDef::new(O::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(O::DedupKey)
                            .string_len(400)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(O::Channel).string_len(16).not_null())
                    .col(ColumnDef::new(O::RecipientUserId).big_integer().null())
                    .col(ColumnDef::new(O::Address).string_len(500).not_null())
                    .col(ColumnDef::new(O::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(O::Subject).string_len(300).not_null())
                    .col(ColumnDef::new(O::BodyText).text().not_null())
                    .col(ColumnDef::new(O::BodyHtml).text().not_null())
                    .col(ColumnDef::new(O::MessageId).string_len(200).not_null())
                    .col(ColumnDef::new(O::Status).string_len(16).not_null())
                    .col(ColumnDef::new(O::Attempts).integer().not_null().default(0))
                    .col(
                        ColumnDef::new(O::NextAttemptAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(O::ClaimedBy).string_len(100).null())
                    .col(
                        ColumnDef::new(O::ClaimedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(O::LastError).text().null())
                    .col(
                        ColumnDef::new(O::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(O::SentAt).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table(O::Table)
                    .col(O::Status)
                    .col(O::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Outbox::Table).to_owned())
            .await
    }
}
