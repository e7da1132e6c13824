use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "broker_assignments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub broker_user_id: i64,
    pub organisation_id: i64,
    /// The bureau user who made the assignment.
    pub assigned_by: i64,
    pub assigned_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
