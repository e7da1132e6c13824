use sea_orm::entity::prelude::*;

/// A match the platform proposed when one side of the pair was published.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "match_proposals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub need_id: i64,
    pub achievement_id: i64,
    pub strength: i32,
    /// The need's cluster and region when first proposed.
    pub cluster: Option<String>,
    pub region_code: Option<String>,
    pub proposed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
