//! Invitations to take a 揭榜挂帅 call up: one row per researcher and call, so nobody is
//! mailed about the same call twice however often the publisher presses the button.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ChallengeInvitations {
    Table,
    Id,
    ChallengeId,
    /// The researcher invited.
    UserId,
    InvitedBy,
    InvitedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ChallengeInvitations as I;
        manager
            .create_table(
                Table::create()
                    .table(I::Table)
                    .col(
                        ColumnDef::new(I::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(I::ChallengeId).big_integer().not_null())
                    .col(ColumnDef::new(I::UserId).big_integer().not_null())
                    .col(ColumnDef::new(I::InvitedBy).big_integer().not_null())
                    .col(
                        ColumnDef::new(I::InvitedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_challenge_invitations_pair")
                    .table(I::Table)
                    .col(I::ChallengeId)
                    .col(I::UserId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ChallengeInvitations::Table).to_owned())
            .await
    }
}
