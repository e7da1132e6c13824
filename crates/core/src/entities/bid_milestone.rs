use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bid_milestones")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub bid_id: i64,
    pub seq: i32,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub metrics: String,
    pub due_date: DateTimeUtc,
    pub amount_yuan: i64,
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub report: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub evidence: Option<String>,
    pub reported_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub decision_reason: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
