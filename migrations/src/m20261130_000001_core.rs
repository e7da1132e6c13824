//! Organisations, technical needs, achievements and the change log the search index follows.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    Kind,
    Name,
    Uscc,
    UsccCheckFailure,
    UsccAcceptedBy,
    UsccAcceptedReason,
    UsccAcceptedAt,
    RegionCode,
    RegionName,
    Verified,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Needs {
    Table,
    Id,
    ExternalId,
    OrgId,
    Title,
    Description,
    Industry,
    Keywords,
    BudgetMinYuan,
    BudgetMaxYuan,
    Deadline,
    CoopModes,
    MinTrl,
    RegionCode,
    RegionName,
    Confidential,
    Status,
    RejectReason,
    RejectNote,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Achievements {
    Table,
    Id,
    ExternalId,
    OrgId,
    Title,
    Summary,
    Keywords,
    Field,
    Trl,
    Patents,
    TransferModes,
    PriceYuan,
    PriceNegotiable,
    TeamLead,
    RegionCode,
    RegionName,
    Status,
    RejectReason,
    RejectNote,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Changes {
    Table,
    Seq,
    Entity,
    EntityId,
    At,
}

fn timestamp(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organisations::Table)
                    .col(ColumnDef::new(Organisations::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Organisations::Kind).string_len(24).not_null())
                    .col(ColumnDef::new(Organisations::Name).string_len(200).not_null().unique_key())
                    .col(ColumnDef::new(Organisations::Uscc).string_len(18).null().unique_key())
                    .col(ColumnDef::new(Organisations::UsccCheckFailure).text().null())
                    .col(ColumnDef::new(Organisations::UsccAcceptedBy).string_len(100).null())
                    .col(ColumnDef::new(Organisations::UsccAcceptedReason).text().null())
                    .col(ColumnDef::new(Organisations::UsccAcceptedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(Organisations::RegionCode).string_len(6).null())
                    .col(ColumnDef::new(Organisations::RegionName).string_len(100).null())
                    .col(ColumnDef::new(Organisations::Verified).boolean().not_null().default(false))
                    .col(timestamp(Organisations::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Needs::Table)
                    .col(ColumnDef::new(Needs::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Needs::ExternalId).string_len(128).not_null().unique_key())
                    .col(ColumnDef::new(Needs::OrgId).big_integer().null())
                    .col(ColumnDef::new(Needs::Title).string_len(300).not_null())
                    .col(ColumnDef::new(Needs::Description).text().not_null())
                    .col(ColumnDef::new(Needs::Industry).string_len(64).null())
                    .col(ColumnDef::new(Needs::Keywords).text().not_null())
                    .col(ColumnDef::new(Needs::BudgetMinYuan).big_integer().null())
                    .col(ColumnDef::new(Needs::BudgetMaxYuan).big_integer().null())
                    .col(ColumnDef::new(Needs::Deadline).date().null())
                    .col(ColumnDef::new(Needs::CoopModes).string_len(200).not_null())
                    .col(ColumnDef::new(Needs::MinTrl).small_integer().null())
                    .col(ColumnDef::new(Needs::RegionCode).string_len(6).null())
                    .col(ColumnDef::new(Needs::RegionName).string_len(100).null())
                    .col(ColumnDef::new(Needs::Confidential).boolean().not_null().default(false))
                    .col(ColumnDef::new(Needs::Status).string_len(24).not_null())
                    .col(ColumnDef::new(Needs::RejectReason).string_len(40).null())
                    .col(ColumnDef::new(Needs::RejectNote).text().null())
                    .col(timestamp(Needs::CreatedAt))
                    .col(timestamp(Needs::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Needs::Table, Needs::OrgId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Achievements::Table)
                    .col(ColumnDef::new(Achievements::Id).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Achievements::ExternalId).string_len(128).not_null().unique_key())
                    .col(ColumnDef::new(Achievements::OrgId).big_integer().null())
                    .col(ColumnDef::new(Achievements::Title).string_len(300).not_null())
                    .col(ColumnDef::new(Achievements::Summary).text().not_null())
                    .col(ColumnDef::new(Achievements::Keywords).text().not_null())
                    .col(ColumnDef::new(Achievements::Field).string_len(64).null())
                    .col(ColumnDef::new(Achievements::Trl).small_integer().null())
                    .col(ColumnDef::new(Achievements::Patents).text().not_null())
                    .col(ColumnDef::new(Achievements::TransferModes).string_len(200).not_null())
                    .col(ColumnDef::new(Achievements::PriceYuan).big_integer().null())
                    .col(ColumnDef::new(Achievements::PriceNegotiable).boolean().not_null().default(false))
                    .col(ColumnDef::new(Achievements::TeamLead).string_len(100).null())
                    .col(ColumnDef::new(Achievements::RegionCode).string_len(6).null())
                    .col(ColumnDef::new(Achievements::RegionName).string_len(100).null())
                    .col(ColumnDef::new(Achievements::Status).string_len(24).not_null())
                    .col(ColumnDef::new(Achievements::RejectReason).string_len(40).null())
                    .col(ColumnDef::new(Achievements::RejectNote).text().null())
                    .col(timestamp(Achievements::CreatedAt))
                    .col(timestamp(Achievements::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Achievements::Table, Achievements::OrgId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Changes::Table)
                    .col(ColumnDef::new(Changes::Seq).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(Changes::Entity).string_len(16).not_null())
                    .col(ColumnDef::new(Changes::EntityId).big_integer().not_null())
                    .col(timestamp(Changes::At))
                    .to_owned(),
            )
            .await?;

        for (table, name, col) in [
            (Needs::Table.into_iden(), "idx_needs_status", Needs::Status.into_iden()),
            (Achievements::Table.into_iden(), "idx_achievements_status", Achievements::Status.into_iden()),
            (Needs::Table.into_iden(), "idx_needs_org", Needs::OrgId.into_iden()),
            (Achievements::Table.into_iden(), "idx_achievements_org", Achievements::OrgId.into_iden()),
        ] {
            manager
                .create_index(Index::create().name(name).table(table).col(col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Changes::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Achievements::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Needs::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Organisations::Table).to_owned()).await?;
        Ok(())
    }
}
