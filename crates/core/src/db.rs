//! Opening the database: SQLite under the data directory by default, PostgreSQL when a
//! `DATABASE_URL` says so. Migrations run on every open, so a fresh directory just works.

use std::path::Path;
use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
};
use techmatch_migration::{Migrator, MigratorTrait};

use crate::{CoreError, CoreResult};

/// The SQLite file name inside the data directory.
pub const SQLITE_FILE: &str = "techmatch.db";

/// Chooses the database URL: an explicit URL wins, else a SQLite file in `data_dir`.
pub fn database_url(explicit: Option<&str>, data_dir: &Path) -> String {
    match explicit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => url.to_owned(),
        None => format!("sqlite://{}?mode=rwc", data_dir.join(SQLITE_FILE).display()),
    }
}

/// Connects, applies SQLite pragmas and runs pending migrations.
///
/// # Errors
/// Fails when the database cannot be reached or a migration fails.
pub async fn connect(url: &str) -> CoreResult<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        // One connection: SQLite allows one writer, and a deferred transaction that read
        // before another connection wrote fails to write (SQLITE_BUSY_SNAPSHOT) whatever
        // the busy timeout. The server's background writers (outbox worker, followers)
        // made that a visible, rare 500. Deployments that need concurrency use
        // PostgreSQL.
        options.max_connections(1).min_connections(1);
    } else {
        // While PostgreSQL is down a request waits this long for a connection, then
        // answers 503: long enough to ride out a failover, short enough to be an answer.
        options
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5));
    }
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        for pragma in [
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA busy_timeout = 10000",
        ] {
            db.execute_unprepared(pragma).await?;
        }
    }
    if db.get_database_backend() == DbBackend::Postgres {
        migrate_under_lock(url).await?;
    } else {
        migrate(&db).await?;
    }
    Ok(db)
}

/// The advisory lock key nodes take around migrations (an arbitrary constant, "TMMIGRAT").
const MIGRATION_LOCK: i64 = 0x544D_4D49_4752_4154;

async fn migrate(db: &DatabaseConnection) -> CoreResult<()> {
    Migrator::up(db, None)
        .await
        .map_err(|e| CoreError::Internal(format!("migration failed: {e}")))
}

/// Several nodes starting at once (an upgrade rolled out to all of them) run the pending
/// migrations once: the first takes a session-level advisory lock on a connection of its
/// own and migrates, the others wait for the lock and then find nothing pending. A node
/// killed while migrating loses its session and with it the lock; each migration runs in
/// its own transaction, so the next node resumes where it stopped.
async fn migrate_under_lock(url: &str) -> CoreResult<()> {
    let mut options = ConnectOptions::new(url.to_owned());
    // The lock belongs to this connection's session: it must not be recycled under a
    // long migration.
    options
        .max_connections(1)
        .min_connections(1)
        .max_lifetime(None)
        .idle_timeout(None)
        .connect_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    let conn = Database::connect(options).await?;
    let lock = |sql: &'static str| {
        Statement::from_sql_and_values(DbBackend::Postgres, sql, [MIGRATION_LOCK.into()])
    };
    conn.execute_raw(lock("SELECT pg_advisory_lock($1)"))
        .await?;
    let migrated = migrate(&conn).await;
    let unlocked = conn
        .execute_raw(lock("SELECT pg_advisory_unlock($1)"))
        .await;
    conn.close().await?;
    migrated?;
    unlocked?;
    Ok(())
}

/// Refreshes SQLite's query planner statistics where they are stale (`PRAGMA optimize`,
/// bounded by `analysis_limit` so that it stays quick on large tables). PostgreSQL's
/// autovacuum does this itself.
///
/// # Errors
/// Database errors.
pub async fn optimize(db: &DatabaseConnection) -> CoreResult<()> {
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA analysis_limit = 1000")
            .await?;
        db.execute_unprepared("PRAGMA optimize = 0x10002").await?;
    }
    Ok(())
}
