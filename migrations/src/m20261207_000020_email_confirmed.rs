//! When an account's address was last proven by its owner: set when a registration's
//! link is followed and when a password reset is completed (both need the mailbox).
//! Accounts from before registration confirmed addresses keep it empty, so the bureau
//! can tell them apart when it confirms a membership: their address was typed, never
//! proven.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    EmailConfirmedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(
                        ColumnDef::new(Users::EmailConfirmedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::EmailConfirmedAt)
                    .to_owned(),
            )
            .await
    }
}
