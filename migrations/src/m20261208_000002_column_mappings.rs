//! Column mappings an organisation made by hand on upload ("难题简述" is its needs'
//! description), remembered for its next upload; and uploads waiting for such a
//! mapping, kept for an hour so the file need not be chosen again.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ColumnMappings {
    Table,
    OrgId,
    Kind,
    Header,
    Field,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PendingUploads {
    Table,
    Token,
    UserId,
    Kind,
    FileName,
    Contents,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ColumnMappings::Table)
                    .col(
                        ColumnDef::new(ColumnMappings::OrgId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ColumnMappings::Kind).string().not_null())
                    .col(ColumnDef::new(ColumnMappings::Header).string().not_null())
                    .col(ColumnDef::new(ColumnMappings::Field).string().not_null())
                    .col(
                        ColumnDef::new(ColumnMappings::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ColumnMappings::OrgId)
                            .col(ColumnMappings::Kind)
                            .col(ColumnMappings::Header),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ColumnMappings::Table, ColumnMappings::OrgId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PendingUploads::Table)
                    .col(
                        ColumnDef::new(PendingUploads::Token)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PendingUploads::UserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(PendingUploads::Kind).string().not_null())
                    .col(ColumnDef::new(PendingUploads::FileName).string().not_null())
                    .col(ColumnDef::new(PendingUploads::Contents).blob().not_null())
                    .col(
                        ColumnDef::new(PendingUploads::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PendingUploads::Table, PendingUploads::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PendingUploads::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ColumnMappings::Table).to_owned())
            .await
    }
}
