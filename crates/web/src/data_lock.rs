//! Who is using a data directory. Every process that opens its database (server, worker,
//! commands, backup) holds a shared lock on `<data dir>/techmatch.lock` for as long as it
//! runs; `techmatch restore` replaces the database only under the exclusive lock, so it
//! never swaps the file under a process that would go on writing to the old one. The
//! operating system drops a killed process's lock.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use anyhow::{Context, bail};

const LOCK_FILE: &str = "techmatch.lock";

pub struct DataDirLock {
    _file: File,
}

fn open(data_dir: &Path) -> anyhow::Result<File> {
    let path = data_dir.join(LOCK_FILE);
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))
}

impl DataDirLock {
    /// A user of the data directory, among others.
    ///
    /// # Errors
    /// When a restore holds the directory, or the lock file cannot be opened.
    pub fn shared(data_dir: &Path) -> anyhow::Result<DataDirLock> {
        let file = open(data_dir)?;
        match file.try_lock_shared() {
            Ok(()) => Ok(DataDirLock { _file: file }),
            Err(TryLockError::WouldBlock) => {
                bail!(
                    "{} is being restored; try again when it is done",
                    data_dir.display()
                )
            }
            Err(TryLockError::Error(error)) => Err(error).context("cannot lock the data directory"),
        }
    }

    /// The only user of the data directory.
    ///
    /// # Errors
    /// When any other techmatch process uses the directory.
    pub fn exclusive(data_dir: &Path) -> anyhow::Result<DataDirLock> {
        let file = open(data_dir)?;
        match file.try_lock() {
            Ok(()) => Ok(DataDirLock { _file: file }),
            Err(TryLockError::WouldBlock) => bail!(
                "a techmatch process (server, worker or command) is using {}; stop it before restoring",
                data_dir.display()
            ),
            Err(TryLockError::Error(error)) => Err(error).context("cannot lock the data directory"),
        }
    }
}
