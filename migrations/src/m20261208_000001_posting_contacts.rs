//! Who to contact about a posting, split from the list's contact columns ("联系人及电话"
//! becomes a person and a phone). Private to the posting's organisation and the bureau.

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

// The variants are the column names (DeriveIden), which share their prefix on purpose.
#[allow(clippy::enum_variant_names)]
#[derive(DeriveIden)]
enum Contact {
    ContactPerson,
    ContactPhone,
    ContactEmail,
}

const COLUMNS: [Contact; 3] = [
    Contact::ContactPerson,
    Contact::ContactPhone,
    Contact::ContactEmail,
];

fn tables() -> [DynIden; 2] {
    [Needs::Table.into_iden(), Achievements::Table.into_iden()]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters a table one column at a time.
        for table in tables() {
            for column in COLUMNS {
                manager
                    .alter_table(
                        Table::alter()
                            .table(table.clone())
                            .add_column(ColumnDef::new(column).string().null())
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            for column in COLUMNS {
                manager
                    .alter_table(
                        Table::alter()
                            .table(table.clone())
                            .drop_column(column)
                            .to_owned(),
                    )
                    .await?;
            }
        }
        Ok(())
    }
}
