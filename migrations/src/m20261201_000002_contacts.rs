//! 对接: contact requests between a need and an achievement, their messages, and the
//! deals they end in.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Id,
    NeedId,
    AchievementId,
    /// `need` or `achievement`: the side that asked.
    InitiatorSide,
    InitiatorUserId,
    Message,
    Status,
    CloseReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ContactMessages {
    Table,
    Id,
    ContactId,
    UserId,
    Body,
    At,
}

#[derive(DeriveIden)]
enum Deals {
    Table,
    Id,
    ContactId,
    ContractType,
    ContractAmountYuan,
    TechnologyAmountYuan,
    ResearcherSharePercent,
    RecordedBy,
    SignedAt,
}

fn timestamp(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .take()
}

fn id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Contacts::Table)
                    .col(id(Contacts::Id))
                    .col(ColumnDef::new(Contacts::NeedId).big_integer().not_null())
                    .col(
                        ColumnDef::new(Contacts::AchievementId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Contacts::InitiatorSide)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Contacts::InitiatorUserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Contacts::Message).text().not_null())
                    .col(ColumnDef::new(Contacts::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Contacts::CloseReason).text().null())
                    .col(timestamp(Contacts::CreatedAt))
                    .col(timestamp(Contacts::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // One conversation per pair: a second request for the same pair is a conflict.
        manager
            .create_index(
                Index::create()
                    .name("idx_contacts_pair")
                    .table(Contacts::Table)
                    .col(Contacts::NeedId)
                    .col(Contacts::AchievementId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ContactMessages::Table)
                    .col(id(ContactMessages::Id))
                    .col(
                        ColumnDef::new(ContactMessages::ContactId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ContactMessages::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ContactMessages::Body).text().not_null())
                    .col(timestamp(ContactMessages::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_contact_messages_contact")
                    .table(ContactMessages::Table)
                    .col(ContactMessages::ContactId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Deals::Table)
                    .col(id(Deals::Id))
                    .col(
                        ColumnDef::new(Deals::ContactId)
                            .big_integer()
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(Deals::ContractType)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Deals::ContractAmountYuan)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Deals::TechnologyAmountYuan)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Deals::ResearcherSharePercent)
                            .small_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Deals::RecordedBy).big_integer().not_null())
                    .col(timestamp(Deals::SignedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Deals::Table.into_iden(),
            ContactMessages::Table.into_iden(),
            Contacts::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
