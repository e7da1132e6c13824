//! Membership of an organisation that existed before the user registered must be
//! confirmed by the bureau; and postings uploaded by an organisation remember the row
//! id of its own list privately, so that their public ids reveal nothing.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    OrgConfirmed,
}

#[derive(DeriveIden)]
enum Needs {
    Table,
    SourceKey,
}

#[derive(DeriveIden)]
enum Achievements {
    Table,
    SourceKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(
                        ColumnDef::new(Users::OrgConfirmed)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Needs::Table)
                    .add_column(ColumnDef::new(Needs::SourceKey).string_len(200).null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Achievements::Table)
                    .add_column(
                        ColumnDef::new(Achievements::SourceKey)
                            .string_len(200)
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            (Users::Table.into_iden(), Users::OrgConfirmed.into_iden()),
            (Needs::Table.into_iden(), Needs::SourceKey.into_iden()),
            (
                Achievements::Table.into_iden(),
                Achievements::SourceKey.into_iden(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
