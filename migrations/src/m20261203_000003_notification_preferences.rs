//! Notification preferences: how often each user hears of each kind of notice
//! (`immediate`, `daily`, `weekly` or `off`), and the one-click unsubscribe link an
//! outbox notice carries (RFC 8058), fixed when the notice is enqueued.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum NotificationPreferences {
    Table,
    Id,
    UserId,
    /// A `NoticeKind` code: `workflow`, `match_alert`, `saved_search`.
    Kind,
    /// `immediate`, `daily`, `weekly` or `off`.
    Frequency,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    /// The signed one-click unsubscribe URL, when the notice's kind can be switched off.
    UnsubscribeUrl,
}

const UNIQUE_INDEX: &str = "ux_notification_preferences_user_kind";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use NotificationPreferences as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(
                        ColumnDef::new(P::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(P::UserId).big_integer().not_null())
                    .col(ColumnDef::new(P::Kind).string_len(32).not_null())
                    .col(ColumnDef::new(P::Frequency).string_len(16).not_null())
                    .col(
                        ColumnDef::new(P::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(P::Table, P::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(UNIQUE_INDEX)
                    .table(P::Table)
                    .col(P::UserId)
                    .col(P::Kind)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    .add_column(ColumnDef::new(Outbox::UnsubscribeUrl).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    .drop_column(Outbox::UnsubscribeUrl)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(
                Table::drop()
                    .table(NotificationPreferences::Table)
                    .to_owned(),
            )
            .await
    }
}
