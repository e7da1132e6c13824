use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    /// Unique among registry organisations; a provisional one may repeat a registry
    /// organisation's name (that is a conflict for the bureau to resolve).
    pub name: String,
    /// Unique among registry organisations, as `name`.
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
    /// Created by a self-registration and not yet verified by the bureau: it is nobody's
    /// but its registrants', imports never attach rows to it, and it holds no claim on
    /// the name or USCC it was registered under.
    pub provisional: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
