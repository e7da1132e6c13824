//! Webhooks: an organisation's HTTPS endpoints (a WeCom, DingTalk or Feishu group robot,
//! or any receiver of signed JSON) that get its notices. Each post is an outbox row of
//! channel `webhook` naming its webhook, so that it is retried and dead-lettered like a
//! mail.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    OrgId,
    Url,
    /// `wecom`, `dingtalk`, `feishu` or `generic`.
    Format,
    /// Signs the posts: required for `generic`, optional for DingTalk and Feishu.
    Secret,
    /// Comma-separated notice kind codes: `workflow`, `match_alert`, `saved_search`.
    Kinds,
    Active,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    /// The webhook a `webhook` channel notice is posted to.
    WebhookId,
}

const ORG_INDEX: &str = "ix_webhooks_org_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Webhooks as W;
        manager
            .create_table(
                Table::create()
                    .table(W::Table)
                    .col(
                        ColumnDef::new(W::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(W::OrgId).big_integer().not_null())
                    .col(ColumnDef::new(W::Url).string_len(500).not_null())
                    .col(ColumnDef::new(W::Format).string_len(16).not_null())
                    .col(ColumnDef::new(W::Secret).string_len(200).null())
                    .col(ColumnDef::new(W::Kinds).string_len(100).not_null())
                    .col(ColumnDef::new(W::Active).boolean().not_null().default(true))
                    .col(ColumnDef::new(W::CreatedBy).big_integer().not_null())
                    .col(
                        ColumnDef::new(W::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(W::Table, W::OrgId)
                            .to(Organisations::Table, Organisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(ORG_INDEX)
                    .table(W::Table)
                    .col(W::OrgId)
                    .to_owned(),
            )
            .await?;
        // No foreign key: SQLite cannot add one to an existing table, and a notice
        // outlives its webhook (it is then dropped, not deleted).
        manager
            .alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    .add_column(ColumnDef::new(Outbox::WebhookId).big_integer().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    .drop_column(Outbox::WebhookId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Webhooks::Table).to_owned())
            .await
    }
}
