use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "challenges")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub public_id: String,
    pub kind: String,
    pub title: String,
    pub publisher_org_id: i64,
    pub created_by: i64,
    pub industry: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub keywords: String,
    #[sea_orm(column_type = "Text")]
    pub background: String,
    #[sea_orm(column_type = "Text")]
    pub problem: String,
    #[sea_orm(column_type = "Text")]
    pub metrics: String,
    #[sea_orm(column_type = "Text")]
    pub scenario: String,
    pub final_user: String,
    pub reward_enterprise_yuan: i64,
    pub reward_subsidy_yuan: i64,
    pub bid_deadline: DateTimeUtc,
    pub completion_months: i32,
    #[sea_orm(column_type = "Text")]
    pub eligibility: String,
    pub horse_race: bool,
    pub max_winners: i32,
    pub confidentiality: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub status_reason: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub criteria: String,
    pub drop_extremes: bool,
    pub publicity_working_days: i32,
    pub publicity_starts: Option<DateTimeUtc>,
    pub publicity_ends: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub task_book: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the bureau first published it; `None` for a challenge never published.
    pub published_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
