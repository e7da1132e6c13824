use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    /// An argon2id PHC string.
    #[sea_orm(column_type = "Text")]
    pub password_hash: String,
    pub role: String,
    pub org_id: Option<i64>,
    pub suspended: bool,
    /// False while the bureau has not confirmed that the user belongs to an organisation
    /// which existed before they registered.
    pub org_confirmed: bool,
    pub created_at: DateTimeUtc,
    /// When the account's owner last proved the address: followed a registration's link
    /// or completed a password reset. Empty for accounts from before registration
    /// confirmed addresses and for accounts the bureau created, until then.
    pub email_confirmed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
