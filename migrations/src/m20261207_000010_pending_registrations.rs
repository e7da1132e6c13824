//! Self-registrations waiting for their address to be confirmed. The account and any
//! provisional organisation are created only when the emailed link is followed, and the
//! password is chosen then: an unconfirmed address owns nothing, and nobody can prepare
//! an account for someone else's address.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PendingRegistrations {
    Table,
    /// SHA-256 of the token in the emailed link.
    TokenHash,
    /// Normalised, as accounts store it.
    Email,
    /// Which of the address's few places the row takes: unique with the address, so
    /// that requests at the same moment cannot both take the last one.
    Slot,
    DisplayName,
    Role,
    OrgName,
    OrgKind,
    OrgUscc,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PendingRegistrations::Table)
                    .col(
                        ColumnDef::new(PendingRegistrations::TokenHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PendingRegistrations::Email)
                            .string()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PendingRegistrations::Slot)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PendingRegistrations::DisplayName)
                            .string()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PendingRegistrations::Role)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(PendingRegistrations::OrgName).string())
                    .col(ColumnDef::new(PendingRegistrations::OrgKind).string())
                    .col(ColumnDef::new(PendingRegistrations::OrgUscc).string())
                    .col(
                        ColumnDef::new(PendingRegistrations::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PendingRegistrations::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_pending_registrations_email_slot")
                    .table(PendingRegistrations::Table)
                    .col(PendingRegistrations::Email)
                    .col(PendingRegistrations::Slot)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Expired rows are swept by every request.
        manager
            .create_index(
                Index::create()
                    .name("idx_pending_registrations_expires_at")
                    .table(PendingRegistrations::Table)
                    .col(PendingRegistrations::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PendingRegistrations::Table).to_owned())
            .await
    }
}
