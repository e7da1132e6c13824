use sea_orm::entity::prelude::*;

/// A posting a batch's row created or updated, and where the row stood in the file.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "batch_postings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub batch_id: i64,
    /// `need` or `achievement`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub posting_id: i64,
    pub sheet: Option<String>,
    pub row: i64,
    /// The row's place in the file, sheets in their order.
    pub position: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
