//! Technology brokers (技术经理人) act for the organisations the bureau assigns them;
//! a broker's session remembers which of them it currently acts for.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BrokerAssignments {
    Table,
    Id,
    BrokerUserId,
    OrganisationId,
    AssignedBy,
    AssignedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    ActingOrgId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BrokerAssignments::Table)
                    .col(
                        ColumnDef::new(BrokerAssignments::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(BrokerAssignments::BrokerUserId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(BrokerAssignments::OrganisationId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(BrokerAssignments::AssignedBy)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(BrokerAssignments::AssignedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_broker_assignments_pair")
                    .table(BrokerAssignments::Table)
                    .col(BrokerAssignments::BrokerUserId)
                    .col(BrokerAssignments::OrganisationId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(ColumnDef::new(Sessions::ActingOrgId).big_integer().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .drop_column(Sessions::ActingOrgId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(BrokerAssignments::Table).to_owned())
            .await
    }
}
