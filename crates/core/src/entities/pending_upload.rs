use sea_orm::entity::prelude::*;

/// An uploaded list waiting for its uploader to map its columns by hand.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pending_uploads")]
pub struct Model {
    /// Random, and only ever shown to the uploader.
    #[sea_orm(primary_key, auto_increment = false)]
    pub token: String,
    pub user_id: i64,
    /// `need` or `achievement`.
    pub kind: String,
    pub file_name: String,
    #[sea_orm(column_type = "Blob")]
    pub contents: Vec<u8>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
