use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "achievements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The public id: random (see `posting::ids`).
    #[sea_orm(unique)]
    pub external_id: String,
    pub org_id: Option<i64>,
    pub title: String,
    /// The abstract (成果简介); `abstract` is a reserved word in Rust.
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    /// Keywords joined with `；`.
    #[sea_orm(column_type = "Text")]
    pub keywords: String,
    pub field: Option<String>,
    pub trl: Option<i16>,
    /// Canonical patent application numbers joined with `,`.
    #[sea_orm(column_type = "Text")]
    pub patents: String,
    /// Transfer mode codes joined with `,`.
    pub transfer_modes: String,
    pub price_yuan: Option<i64>,
    pub price_negotiable: bool,
    pub team_lead: Option<String>,
    pub region_code: Option<String>,
    pub region_name: Option<String>,
    pub status: String,
    pub reject_reason: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub reject_note: Option<String>,
    /// The list row it came from, kept out of the public `external_id`: `bureau:{id}`
    /// for the bureau's lists, `{org}:{id}` for an organisation's upload (see
    /// `posting::ids`). Unique where set.
    pub source_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When it was first published; it stays when the posting is closed or withdrawn.
    pub published_at: Option<DateTimeUtc>,
    /// Who to contact, as the list gave it: private to the organisation and the bureau.
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    /// The posting of the same organisation this one may repeat, found on import.
    pub duplicate_of: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
