//! Whether a password reset link went only by mail (`password_resets.proves_mailbox`).
//!
//! Following a mailed link proves the address's mailbox and sets the account's
//! `email_confirmed_at`; the copy of an appointment's link shown to the administrator
//! on the page proves nothing. Links issued before this are an hour old at most and
//! their route is unknown: they prove nothing (the column's default).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PasswordResets {
    Table,
    ProvesMailbox,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PasswordResets::Table)
                    .add_column(
                        ColumnDef::new(PasswordResets::ProvesMailbox)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PasswordResets::Table)
                    .drop_column(PasswordResets::ProvesMailbox)
                    .to_owned(),
            )
            .await
    }
}
