use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub dedup_key: String,
    pub channel: String,
    pub recipient_user_id: Option<i64>,
    pub address: String,
    pub kind: String,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body_text: String,
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    pub message_id: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub claimed_by: Option<String>,
    pub claimed_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// The signed one-click unsubscribe URL (RFC 8058), when the kind can be switched off.
    #[sea_orm(column_type = "Text", nullable)]
    pub unsubscribe_url: Option<String>,
    /// For a `webhook` channel notice: the webhook it is posted to.
    pub webhook_id: Option<i64>,
    /// Whether the secrets of its links were removed (an account mail delivered or
    /// dead-lettered): it can no longer be sent.
    pub secrets_forgotten: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
