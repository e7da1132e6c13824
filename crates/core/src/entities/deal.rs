use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub contact_id: i64,
    pub contract_type: String,
    pub contract_amount_yuan: i64,
    pub technology_amount_yuan: i64,
    pub researcher_share_percent: i16,
    pub recorded_by: i64,
    pub signed_at: DateTimeUtc,
    /// `awaiting`, `confirmed` or `disputed`: see [`crate::contact::DealConfirmation`].
    pub confirmation: String,
    /// The side (`need` or `achievement`) that recorded the deal; unknown for deals
    /// recorded before confirmations existed, which are all confirmed.
    pub recorded_side: Option<String>,
    /// Who on the other side confirmed or disputed the deal, and when.
    pub answered_by: Option<i64>,
    pub answered_at: Option<DateTimeUtc>,
    pub dispute_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
