use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    #[sea_orm(unique)]
    pub name: String,
    #[sea_orm(unique)]
    pub uscc: Option<String>,
    /// Why the stored USCC fails the GB 32100 check, when it does.
    pub uscc_check_failure: Option<String>,
    pub uscc_accepted_by: Option<String>,
    pub uscc_accepted_reason: Option<String>,
    pub uscc_accepted_at: Option<DateTimeUtc>,
    pub region_code: Option<String>,
    pub region_name: Option<String>,
    pub verified: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
