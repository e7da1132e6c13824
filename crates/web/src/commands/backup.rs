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
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DbBackend, Statement};
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
    /// Tests only: stop dead after this step (`staged`, `folded`, `replaced`), as a
    /// crash or a power cut would, to show the data directory survives it.
    #[arg(long, env = "TECHMATCH_RESTORE_CRASH_AFTER", hide = true)]
    pub crash_after: Option<String>,
}

/// The steps of a restore, in order. A crash after any of them leaves a database that
/// opens: the old one with everything it committed (its write-ahead log included), or
/// the restored one, never a mix.
const STAGED: &str = "staged";
const FOLDED: &str = "folded";
const REPLACED: &str = "replaced";

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
    let crash_point = |step: &str| {
        if args.crash_after.as_deref() == Some(step) {
            std::process::exit(86);
        }
    };
    // 1. The replacement, whole and on disk, under a name nothing opens.
    std::fs::copy(&args.src, &staged)
        .with_context(|| format!("cannot copy {} into the data directory", args.src.display()))?;
    std::fs::File::open(&staged)
        .and_then(|file| file.sync_all())
        .with_context(|| format!("cannot write {}", staged.display()))?;
    crash_point(STAGED);
    // 2. The old database's write-ahead log holds transactions it committed: they are
    //    folded into its main file, by SQLite, before the log may go. A log left beside
    //    the restored file would be replayed into it, so none may be left.
    if target.exists() {
        fold_write_ahead_log(&target).await?;
    }
    crash_point(FOLDED);
    // 3. One atomic rename: the old database or the restored one, nothing between.
    std::fs::rename(&staged, &target)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    sync_directory(data_dir);
    crash_point(REPLACED);
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

/// Makes `database` whole on its own: checkpoints its write-ahead log into the main file
/// and leaves rollback-journal mode, which removes the log. Only then is the shared-memory
/// index of the log (`-shm`) stale, and it goes too. A database that cannot be opened
/// keeps its log, and the restore stops: the operator decides about a log SQLite
/// could not apply.
async fn fold_write_ahead_log(database: &Path) -> anyhow::Result<()> {
    let mut options = ConnectOptions::new(format!("sqlite://{}?mode=rw", database.display()));
    options.max_connections(1).min_connections(1);
    let refuse = |error: sea_orm::DbErr| {
        anyhow::anyhow!(
            "cannot fold the write-ahead log into {}: {error}; nothing was replaced \
             (move the database and its -wal file aside by hand to restore over it)",
            database.display()
        )
    };
    let conn = Database::connect(options).await.map_err(refuse)?;
    for pragma in [
        "PRAGMA wal_checkpoint(TRUNCATE)",
        "PRAGMA journal_mode=DELETE",
    ] {
        conn.execute_raw(Statement::from_string(DbBackend::Sqlite, pragma))
            .await
            .map_err(refuse)?;
    }
    conn.close().await.map_err(refuse)?;
    let log = with_suffix(database, "-wal");
    if std::fs::metadata(&log).is_ok_and(|m| m.len() > 0) {
        bail!(
            "{} still holds transactions after the checkpoint; nothing was replaced",
            log.display()
        );
    }
    for stale in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(database, stale));
    }
    Ok(())
}

/// Makes the rename durable; a file system without directory sync loses nothing but
/// that guarantee.
fn sync_directory(dir: &Path) {
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
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
