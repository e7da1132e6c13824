use sea_orm::entity::prelude::*;

/// One list the bureau uploaded on the web (第N批), with its import report.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "list_batches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `need` or `achievement`.
    pub kind: String,
    pub name: String,
    /// The list's own date (填报日期), as the bureau gives it.
    pub list_date: Date,
    pub file_name: String,
    pub uploaded_by: Option<i64>,
    /// The import report as JSON; empty until the batch is completed.
    #[sea_orm(column_type = "Text")]
    pub report: String,
    pub rows: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: i64,
    pub created_at: DateTimeUtc,
    /// When its rows were all written; none while they are, or if the import stopped.
    pub completed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
