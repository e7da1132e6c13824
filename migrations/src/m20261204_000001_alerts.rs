//! Match alerts and saved searches: each user's threshold for being told of a match, and
//! the searches users keep to hear of new postings that answer them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MatchThresholds {
    Table,
    Id,
    UserId,
    /// The lowest match strength (0 to 100) the user wants to be told of.
    MinStrength,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SavedSearches {
    Table,
    Id,
    UserId,
    Name,
    /// `need` or `achievement`: what the search looks for.
    Kind,
    Query,
    /// The industry's name in the catalogue, when the search is narrowed to one.
    Industry,
    MinTrl,
    /// A cooperation or transfer mode code.
    Mode,
    /// A province code such as `140000`.
    Province,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use MatchThresholds as T;
        use SavedSearches as S;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(
                        ColumnDef::new(T::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(T::UserId)
                            .big_integer()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(T::MinStrength).integer().not_null())
                    .col(
                        ColumnDef::new(T::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(T::Table, T::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(
                        ColumnDef::new(S::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(S::UserId).big_integer().not_null())
                    .col(ColumnDef::new(S::Name).string_len(100).not_null())
                    .col(ColumnDef::new(S::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(S::Query).string_len(200).not_null())
                    .col(ColumnDef::new(S::Industry).string_len(100).null())
                    .col(ColumnDef::new(S::MinTrl).integer().null())
                    .col(ColumnDef::new(S::Mode).string_len(32).null())
                    .col(ColumnDef::new(S::Province).string_len(16).null())
                    .col(
                        ColumnDef::new(S::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(S::Table, S::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_saved_searches_kind")
                    .table(S::Table)
                    .col(S::Kind)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SavedSearches::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(MatchThresholds::Table).to_owned())
            .await
    }
}
