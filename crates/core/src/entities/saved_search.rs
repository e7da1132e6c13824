use sea_orm::entity::prelude::*;

/// A search a user keeps, to be told of new postings that answer it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "saved_searches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub kind: String,
    pub query: String,
    pub industry: Option<String>,
    pub min_trl: Option<i32>,
    pub mode: Option<String>,
    pub province: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
