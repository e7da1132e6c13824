use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "expert_scores")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub challenge_id: i64,
    pub bid_id: i64,
    pub expert_user_id: i64,
    #[sea_orm(column_type = "Text")]
    pub scores: String,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub submitted_at: DateTimeUtc,
    /// Set when the bureau voided the sheet: it no longer counts, and stays on record.
    pub voided_at: Option<DateTimeUtc>,
    pub voided_by: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub void_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
