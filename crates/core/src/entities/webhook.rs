use sea_orm::entity::prelude::*;

/// An organisation's webhook: where its notices are posted, in which format.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: i64,
    pub url: String,
    /// `wecom`, `dingtalk`, `feishu` or `generic`.
    pub format: String,
    pub secret: Option<String>,
    /// Comma-separated notice kind codes.
    pub kinds: String,
    pub active: bool,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
