//! A deal counts toward the official figures only once the other side confirms it.
//!
//! Deals gain their confirmation state (`awaiting`, `confirmed` or `disputed`), the side
//! that recorded them, and who answered, when, and why a deal was disputed.
//!
//! Deals recorded before this migration become `confirmed`: the bureau has already
//! reported them upward (yearly reports, target progress), and recounting history as
//! unconfirmed would make past figures shrink overnight with nobody left to confirm
//! them. Their recording side is unknown (NULL), which only matters while a deal awaits
//! confirmation.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Deals {
    Table,
    Confirmation,
    RecordedSide,
    AnsweredBy,
    AnsweredAt,
    DisputeReason,
    SignedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per ALTER: SQLite adds a single column at a time.
        let columns = [
            ColumnDef::new(Deals::Confirmation)
                .string_len(16)
                .not_null()
                .default("confirmed")
                .to_owned(),
            ColumnDef::new(Deals::RecordedSide)
                .string_len(16)
                .null()
                .to_owned(),
            ColumnDef::new(Deals::AnsweredBy)
                .big_integer()
                .null()
                .to_owned(),
            ColumnDef::new(Deals::AnsweredAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(Deals::DisputeReason)
                .text()
                .null()
                .to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Deals::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        // The figures read confirmed deals by signing time.
        manager
            .create_index(
                Index::create()
                    .name("idx_deals_confirmation_signed_at")
                    .table(Deals::Table)
                    .col(Deals::Confirmation)
                    .col(Deals::SignedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_deals_confirmation_signed_at")
                    .table(Deals::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Deals::DisputeReason,
            Deals::AnsweredAt,
            Deals::AnsweredBy,
            Deals::RecordedSide,
            Deals::Confirmation,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Deals::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
