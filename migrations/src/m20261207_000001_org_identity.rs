//! Self-registered organisations are provisional until the bureau verifies them.
//!
//! Before this, whoever registered first under a company's name or USCC owned that
//! organisation, and a later bureau import attached the company's real postings to it.
//! A provisional organisation may share its name or USCC with a registry organisation
//! (that is the conflict the bureau resolves by merging), so the two uniqueness rules now
//! hold among registry organisations only: partial unique indexes replace the column
//! constraints. SQLite cannot drop a column constraint, so there the table is rebuilt
//! (SQLite's documented twelve-step procedure, foreign keys off around it).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Provisional,
}

/// The registry's uniqueness: among organisations that are not provisional.
const REGISTRY_INDEXES: [&str; 4] = [
    "CREATE UNIQUE INDEX organisations_registry_name ON organisations (name) WHERE NOT provisional",
    "CREATE UNIQUE INDEX organisations_registry_uscc ON organisations (uscc) WHERE NOT provisional",
    "CREATE INDEX organisations_name ON organisations (name)",
    "CREATE INDEX organisations_uscc ON organisations (uscc)",
];

/// The organisations table as the core migration made it, without the two column
/// constraints, plus `provisional`.
const SQLITE_REBUILT: &str = r#"CREATE TABLE "organisations_rebuilt" (
    "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" varchar(24) NOT NULL,
    "name" varchar(200) NOT NULL,
    "uscc" varchar(18) NULL,
    "uscc_check_failure" text NULL,
    "uscc_accepted_by" varchar(100) NULL,
    "uscc_accepted_reason" text NULL,
    "uscc_accepted_at" timestamp_with_timezone_text NULL,
    "region_code" varchar(6) NULL,
    "region_name" varchar(100) NULL,
    "verified" boolean NOT NULL DEFAULT FALSE,
    "created_at" timestamp_with_timezone_text NOT NULL,
    "provisional" boolean NOT NULL DEFAULT FALSE
)"#;

const SQLITE_COLUMNS: &str = "id, kind, name, uscc, uscc_check_failure, uscc_accepted_by, \
    uscc_accepted_reason, uscc_accepted_at, region_code, region_name, verified, created_at";

async fn run_all(conn: &impl ConnectionTrait, statements: &[&str]) -> Result<(), DbErr> {
    for sql in statements {
        conn.execute_unprepared(sql).await?;
    }
    Ok(())
}

async fn rebuild_on_sqlite(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let conn = manager.get_connection();
    let copy = format!(
        "INSERT INTO organisations_rebuilt ({SQLITE_COLUMNS}) SELECT {SQLITE_COLUMNS} FROM organisations"
    );
    let mut steps: Vec<&str> = vec![
        "BEGIN IMMEDIATE",
        SQLITE_REBUILT,
        &copy,
        "DROP TABLE organisations",
        "ALTER TABLE organisations_rebuilt RENAME TO organisations",
    ];
    steps.extend(REGISTRY_INDEXES);
    // Foreign keys cannot be switched inside a transaction: off before, on after, and on
    // again whatever happened (SQLite keeps one connection, the pool's only one).
    conn.execute_unprepared("PRAGMA foreign_keys = OFF").await?;
    let rebuilt = async {
        run_all(conn, &steps).await?;
        // Only the tables that refer to organisations: a dangling row elsewhere is not
        // this migration's to judge.
        for table in ["needs", "achievements", "webhooks"] {
            let dangling = conn
                .query_all_raw(sea_orm_migration::sea_orm::Statement::from_string(
                    DbBackend::Sqlite,
                    format!("PRAGMA foreign_key_check({table})"),
                ))
                .await?;
            if !dangling.is_empty() {
                return Err(DbErr::Migration(format!(
                    "{} rows of {table} refer to missing organisations",
                    dangling.len()
                )));
            }
        }
        conn.execute_unprepared("COMMIT").await.map(|_| ())
    }
    .await;
    if rebuilt.is_err() {
        let _ = conn.execute_unprepared("ROLLBACK").await;
    }
    conn.execute_unprepared("PRAGMA foreign_keys = ON").await?;
    rebuilt
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Sqlite {
            return rebuild_on_sqlite(manager).await;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Organisations::Table)
                    .add_column(
                        ColumnDef::new(Organisations::Provisional)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .to_owned(),
            )
            .await?;
        let conn = manager.get_connection();
        // Whatever their names: the table's only unique constraints are those two.
        conn.execute_unprepared(
            "DO $$ DECLARE c record; BEGIN \
               FOR c IN SELECT conname FROM pg_constraint \
                 WHERE conrelid = 'organisations'::regclass AND contype = 'u' LOOP \
                 EXECUTE format('ALTER TABLE organisations DROP CONSTRAINT %I', c.conname); \
               END LOOP; END $$",
        )
        .await?;
        run_all(conn, &REGISTRY_INDEXES).await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Going back would have to delete provisional organisations that share a name or
        // USCC with the registry, and with them their members' postings.
        Err(DbErr::Migration(
            "organisation identity cannot be rolled back: restore a backup instead".into(),
        ))
    }
}
