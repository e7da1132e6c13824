use sea_orm::entity::prelude::*;

/// A header an organisation placed by hand on upload, remembered for its next one.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "column_mappings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: i64,
    /// `need` or `achievement`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    /// The header, normalised (see `lists::columns::normalise`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub header: String,
    /// The English field name it is read as.
    pub field: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
