//! The posting a new one may repeat (same organisation, a near-identical title or text),
//! found on import: the new one waits for the bureau with the one it repeats beside it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Needs {
    Table,
}

#[derive(DeriveIden)]
enum Achievements {
    Table,
}

#[derive(DeriveIden)]
enum Posting {
    DuplicateOf,
}

fn tables() -> [DynIden; 2] {
    [Needs::Table.into_iden(), Achievements::Table.into_iden()]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(ColumnDef::new(Posting::DuplicateOf).big_integer().null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(Posting::DuplicateOf)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
