//! What every command and the server share: the database, the search index and the
//! configuration they were opened with.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use anyhow::Context;
use sea_orm::DatabaseConnection;
use techmatch_core::db;
use techmatch_core::domain::IndustryCatalogue;
use techmatch_core::services::settings;
use techmatch_search::{SearchIndex, SyncReport};

/// The opened platform.
pub struct App {
    /// The source of truth.
    pub db: DatabaseConnection,
    /// Derived from `db`; caught up on open.
    pub index: SearchIndex,
    /// The industry catalogue when the administrator has not set one: the deployment's
    /// `industries.json`, else the built-in catalogue.
    pub default_industries: IndustryCatalogue,
    /// The catalogue in force (the administrator's setting, else the default),
    /// refreshed from the database by [`App::reload_industries`].
    industries: RwLock<Arc<IndustryCatalogue>>,
    pub data_dir: PathBuf,
    /// Held while the platform is open: no restore replaces the database under it.
    _data_lock: crate::data_lock::DataDirLock,
}

/// The file in the data directory that replaces the default industry catalogue.
pub const INDUSTRIES_FILE: &str = "industries.json";

impl App {
    /// Opens the database (creating and migrating it), opens the index and catches it up
    /// with changes it missed, for example after the process was killed mid-import.
    ///
    /// # Errors
    /// Fails when the data directory, the database or the index cannot be opened.
    pub async fn open(data_dir: &Path, database_url: Option<&str>) -> anyhow::Result<App> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create data directory {}", data_dir.display()))?;
        ensure_writable(data_dir)?;
        let data_lock = crate::data_lock::DataDirLock::shared(data_dir)?;
        let url = db::database_url(database_url, data_dir);
        let db = db::connect(&url)
            .await
            .context("cannot open the database")?;
        let index =
            SearchIndex::open(&data_dir.join("index")).context("cannot open the search index")?;
        let default_industries = load_industries(data_dir)?;
        let in_force = settings::industries(&db, &default_industries)
            .await
            .context("the industry catalogue in the settings does not validate")?;
        let app = App {
            db,
            index,
            industries: RwLock::new(Arc::new(in_force)),
            default_industries,
            data_dir: data_dir.to_owned(),
            _data_lock: data_lock,
        };
        let report = app.catch_up().await?;
        if report.rebuilt || report.changes > 0 {
            tracing::info!(
                changes = report.changes,
                rebuilt = report.rebuilt,
                seq = report.seq,
                "search index caught up"
            );
        }
        Ok(app)
    }

    /// The industry catalogue postings are filed under.
    pub fn industries(&self) -> Arc<IndustryCatalogue> {
        // A poisoned lock only means a writer panicked between two whole values.
        self.industries
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The catalogue's industry names, in its order, for a form's choices.
    pub fn industry_names(&self) -> Vec<String> {
        self.industries()
            .all()
            .iter()
            .map(|industry| industry.name.clone())
            .collect()
    }

    /// Re-reads the catalogue from the settings, after this process or another node
    /// changed it.
    ///
    /// # Errors
    /// Database errors, or a stored catalogue that does not validate.
    pub async fn reload_industries(&self) -> anyhow::Result<()> {
        let fresh = settings::industries(&self.db, &self.default_industries).await?;
        let mut slot = self
            .industries
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.all() != fresh.all() {
            *slot = Arc::new(fresh);
        }
        Ok(())
    }

    /// Applies pending database changes to the index. When another process (a running
    /// server) owns the index, that process follows the changes instead.
    ///
    /// # Errors
    /// Database or index failures.
    pub async fn catch_up(&self) -> anyhow::Result<SyncReport> {
        if !self.index.is_writable() {
            tracing::info!(
                "search index is owned by another techmatch process; it will apply the changes"
            );
            return Ok(SyncReport::default());
        }
        Ok(self.index.sync(&self.db).await?)
    }
}

/// Fails with a plain reason when the data directory is read-only or its disk is full,
/// before the database or the index meet the problem halfway through a write.
fn ensure_writable(data_dir: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    let probe = data_dir.join(".write-check");
    let written = std::fs::File::create(&probe).and_then(|mut file| {
        // Enough to need a fresh block on a full disk.
        file.write_all(&[0_u8; 64 * 1024])?;
        file.sync_all()
    });
    let _ = std::fs::remove_file(&probe);
    written.with_context(|| {
        format!(
            "the data directory {} is not writable (read-only or full disk?)",
            data_dir.display()
        )
    })
}

fn load_industries(data_dir: &Path) -> anyhow::Result<IndustryCatalogue> {
    let path = data_dir.join(INDUSTRIES_FILE);
    if !path.exists() {
        return Ok(IndustryCatalogue::default());
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    IndustryCatalogue::from_json(&text)
        .with_context(|| format!("invalid industry catalogue {}", path.display()))
}
