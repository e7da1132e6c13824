//! `techmatch backup DEST` and `techmatch restore SRC`: a consistent copy of the SQLite
//! database taken while the platform runs, and bringing one back.
//!
//! The copy is SQLite's `VACUUM INTO`: one read transaction, so the copy is the database
//! as it was at one instant, while the server keeps writing (WAL readers do not block
//! writers). Unlike page-by-page copying it never restarts under write load and leaves
//! a compacted file. The search index is not copied: it is derived, and a restored data
//! directory rebuilds it on first start. PostgreSQL deployments back up with `pg_dump`
//! (see the README), which is consistent in the same way.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use techmatch_core::db;

#[derive(clap::Args, Debug)]
pub struct BackupArgs {
    /// The file to write; it must not exist yet.
    pub dest: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct RestoreArgs {
    /// A file written by `techmatch backup`.
    pub src: PathBuf,
}

/// Backup and restore work on the data directory's own SQLite file; a database named by
/// URL (PostgreSQL, or SQLite elsewhere) has its own tools.
fn refuse_database_url(database_url: Option<&str>, what: &str) -> anyhow::Result<()> {
    if database_url.is_some_and(|url| !url.trim().is_empty()) {
        bail!(
            "{what} works on the data directory's SQLite database; for PostgreSQL use \
             pg_dump --format=custom and pg_restore (see the README, Backups)"
        );
    }
    Ok(())
}

pub async fn backup(
    data_dir: &Path,
    database_url: Option<&str>,
    args: BackupArgs,
) -> anyhow::Result<ExitCode> {
    refuse_database_url(database_url, "backup")?;
    if args.dest.exists() {
        bail!("{} exists already; choose a new file", args.dest.display());
    }
    let source = data_dir.join(db::SQLITE_FILE);
    if !source.exists() {
        bail!("no database at {}", source.display());
    }
    let _data_lock = crate::data_lock::DataDirLock::shared(data_dir)?;
    // Read-only and unmigrated: a backup changes nothing, not even the schema of a
    // database a server of another version is serving. A restored copy of an older
    // schema is migrated by the next start.
    let conn = Database::connect(format!("sqlite://{}?mode=ro", source.display()))
        .await
        .context("cannot open the database")?;
    // Written beside the destination and renamed: a backup file is whole or absent.
    let partial = with_suffix(&args.dest, ".partial");
    let _ = std::fs::remove_file(&partial);
    conn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [partial.to_string_lossy().into_owned().into()],
    ))
    .await
    .with_context(|| format!("cannot write the backup to {}", partial.display()))?;
    conn.close().await?;
    check_integrity(&partial).await?;
    std::fs::rename(&partial, &args.dest)
        .with_context(|| format!("cannot move the backup to {}", args.dest.display()))?;
    let bytes = std::fs::metadata(&args.dest)?.len();
    println!("backup: {} ({bytes} bytes)", args.dest.display());
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(
    data_dir: &Path,
    database_url: Option<&str>,
    args: RestoreArgs,
) -> anyhow::Result<ExitCode> {
    refuse_database_url(database_url, "restore")?;
    check_integrity(&args.src).await?;
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
    // Replacing the database under a running process would leave it writing to the
    // deleted file: every process that opens it holds the data directory's lock.
    let _data_lock = crate::data_lock::DataDirLock::exclusive(data_dir)?;
    let index_dir = data_dir.join("index");
    let target = data_dir.join(db::SQLITE_FILE);
    let staged = with_suffix(&target, ".restoring");
    std::fs::copy(&args.src, &staged)
        .with_context(|| format!("cannot copy {} into the data directory", args.src.display()))?;
    for stale in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(&target, stale));
    }
    std::fs::rename(&staged, &target)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    // The index reflects the database that was replaced: the next start rebuilds it.
    if index_dir.exists() {
        std::fs::remove_dir_all(&index_dir)
            .with_context(|| format!("cannot remove the old index {}", index_dir.display()))?;
    }
    println!(
        "restored {} into {}; the search index is rebuilt on the next start",
        args.src.display(),
        target.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Refuses a file that is not a whole techmatch SQLite database.
async fn check_integrity(path: &Path) -> anyhow::Result<()> {
    if !path.is_file() {
        bail!("{} is not a file", path.display());
    }
    let url = format!("sqlite://{}?mode=ro", path.display());
    let conn = Database::connect(url)
        .await
        .with_context(|| format!("{} is not a SQLite database", path.display()))?;
    let verdict = conn
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .with_context(|| format!("{} is not a SQLite database", path.display()))?
        .and_then(|row| row.try_get_by_index::<String>(0).ok())
        .unwrap_or_default();
    if verdict != "ok" {
        bail!("{} is damaged: {verdict}", path.display());
    }
    let migrated = conn
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'seaql_migrations'",
        ))
        .await?
        .and_then(|row| row.try_get_by_index::<i64>(0).ok())
        .unwrap_or_default();
    conn.close().await?;
    if migrated == 0 {
        bail!("{} is not a techmatch database", path.display());
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
