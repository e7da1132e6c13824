use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bids")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub challenge_id: i64,
    pub lead_org_id: i64,
    pub created_by: i64,
    #[sea_orm(column_type = "Text")]
    pub consortium: String,
    pub team_leader: String,
    #[sea_orm(column_type = "Text")]
    pub team: String,
    #[sea_orm(column_type = "Text")]
    pub technical_plan: String,
    pub budget_yuan: i64,
    #[sea_orm(column_type = "Text")]
    pub existing_base: String,
    #[sea_orm(column_type = "Text")]
    pub patents: String,
    #[sea_orm(column_type = "Text")]
    pub achievement_ids: String,
    pub pledge_signed_at: Option<DateTimeUtc>,
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub formal_review: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub status_reason: Option<String>,
    pub submitted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
