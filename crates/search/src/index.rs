//! The index on disk: one writer, one long-lived reader, and the position in the
//! database's change log up to which the index is current.
//!
//! The position travels in tantivy's commit payload, so it is committed atomically with
//! the documents it describes: after a crash the index is exactly as of some earlier
//! position, and catching up from there is always correct because applying a change
//! twice yields the same document.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Schema};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use techmatch_core::posting::{PostingKind, PostingView, join_keywords};
use techmatch_core::services::{changes, postings};

use crate::error::{SearchError, SearchResult};
use crate::schema::{self, Fields, SCHEMA_VERSION};
use crate::tokenizer::{Analyzer, BIGRAM_ANALYZER, JIEBA_ANALYZER, SegmentMode, UNIGRAM_ANALYZER};

/// Memory for the writer's in-flight segment: large enough to index a 100k import in a
/// few segments, small enough for the 500 MB budget of a county deployment.
const WRITER_HEAP_BYTES: usize = 96 * 1024 * 1024;
/// Changes applied per commit while catching up.
const SYNC_BATCH: u64 = 2_000;
/// Postings read per page while rebuilding.
const REBUILD_PAGE: u64 = 1_000;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Payload {
    schema: u32,
    seq: i64,
}

/// What a catch-up did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Change-log entries applied.
    pub changes: u64,
    /// Whether the index was rebuilt from scratch instead (new or outdated index).
    pub rebuilt: bool,
    /// The change-log position the index is now current to.
    pub seq: i64,
}

/// Threads one query's segments are searched on: `TECHMATCH_SEARCH_THREADS`, default 1.
pub fn search_threads() -> usize {
    std::env::var(SEARCH_THREADS_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(1)
}

pub const SEARCH_THREADS_ENV: &str = "TECHMATCH_SEARCH_THREADS";

/// The search index of postings.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Option<Mutex<IndexWriter>>,
    fields: Fields,
    mode: SegmentMode,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing. An index written with another
    /// schema version is discarded: it is derived data and will be rebuilt.
    ///
    /// When another process holds the writer the index opens read-only.
    ///
    /// # Errors
    /// Fails when the directory cannot be created or read.
    pub fn open(dir: &Path) -> SearchResult<SearchIndex> {
        Self::open_with_mode(dir, SegmentMode::Search)
    }

    /// Opens (or creates) the index with another jieba mode for indexing, so that the
    /// evaluation can measure the choice; everything else uses [`SearchIndex::open`].
    ///
    /// # Errors
    /// Fails when the directory cannot be created or read.
    pub fn open_with_mode(dir: &Path, mode: SegmentMode) -> SearchResult<SearchIndex> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema::build();
        let existing = Index::open_in_dir(dir).ok();
        let index = match existing {
            Some(index)
                if payload_of(&index).schema == SCHEMA_VERSION && index.schema() == schema =>
            {
                index
            }
            Some(_) => {
                tracing::warn!(dir = %dir.display(), "search index has an outdated schema, rebuilding");
                clear_dir(dir)?;
                Index::create_in_dir(dir, schema)?
            }
            None => {
                clear_dir(dir)?;
                Index::open_or_create(MmapDirectory::open(dir)?, schema)?
            }
        };
        Self::from_index(index, fields, mode)
    }

    /// An index held in memory, for evaluation, benchmarks and tests.
    ///
    /// # Errors
    /// Fails only if tantivy cannot allocate the writer.
    pub fn in_memory() -> SearchResult<SearchIndex> {
        let (schema, fields) = schema::build();
        Self::from_index(Index::create_in_ram(schema), fields, SegmentMode::Search)
    }

    fn from_index(
        mut index: Index,
        fields: Fields,
        mode: SegmentMode,
    ) -> SearchResult<SearchIndex> {
        // One query's segments are searched on several threads only when asked
        // (TECHMATCH_SEARCH_THREADS): that shortens a lone query on an idle machine, the
        // benchmark's single client, but a server answering many requests at once has no
        // idle core, and the hand-offs then cost more than they save (measured with
        // `techmatch loadtest`: search p99 121 ms in parallel, 39 ms sequential).
        let threads = search_threads();
        if threads > 1 {
            index.set_multithread_executor(threads)?;
        }
        index
            .tokenizers()
            .register(JIEBA_ANALYZER, Analyzer::jieba(mode));
        index
            .tokenizers()
            .register(BIGRAM_ANALYZER, Analyzer::bigram());
        index
            .tokenizers()
            .register(UNIGRAM_ANALYZER, Analyzer::unigram());
        let writer = match index.writer(WRITER_HEAP_BYTES) {
            Ok(writer) => Some(Mutex::new(writer)),
            Err(tantivy::TantivyError::LockFailure(..)) => None,
            Err(other) => return Err(other.into()),
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer,
            fields,
            mode,
        })
    }

    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    pub fn schema(&self) -> Schema {
        self.index.schema()
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    pub fn segment_mode(&self) -> SegmentMode {
        self.mode
    }

    /// A searcher over the last reloaded commit; take a fresh one per request.
    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// Whether this process may write (no other process holds the writer).
    pub fn is_writable(&self) -> bool {
        self.writer.is_some()
    }

    /// The change-log position the committed index reflects.
    pub fn applied_seq(&self) -> i64 {
        payload_of(&self.index).seq
    }

    /// How many documents of a kind the current searcher sees.
    pub fn count(&self, kind: PostingKind) -> u64 {
        let query = TermQuery::new(
            Term::from_field_text(self.fields.kind, kind.code()),
            IndexRecordOption::Basic,
        );
        self.searcher()
            .search(&query, &tantivy::collector::Count)
            .map_or(0, |n| n as u64)
    }

    fn writer(&self) -> SearchResult<MutexGuard<'_, IndexWriter>> {
        let lock = self.writer.as_ref().ok_or(SearchError::Locked)?;
        // A panic while holding the writer leaves it usable: tantivy's writer keeps its
        // own consistency, and the next commit or rollback settles it.
        Ok(lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// Brings the index up to the newest change in the database: replays the change log
    /// from the saved position, or rebuilds everything when the index has no position.
    ///
    /// # Errors
    /// `Locked` when another process owns the index; database or index errors.
    pub async fn sync(&self, db: &impl ConnectionTrait) -> SearchResult<SyncReport> {
        if self.applied_seq() == 0 && changes::head(db).await? > 0 {
            let seq = self.rebuild(db).await?;
            return Ok(SyncReport {
                changes: 0,
                rebuilt: true,
                seq,
            });
        }
        let mut report = SyncReport {
            seq: self.applied_seq(),
            ..Default::default()
        };
        loop {
            let batch = changes::since(db, report.seq, SYNC_BATCH).await?;
            let Some(last) = batch.last().map(|c| c.seq) else {
                break;
            };
            let mut needs = BTreeSet::new();
            let mut achievements = BTreeSet::new();
            for change in &batch {
                match PostingKind::from_code(&change.entity) {
                    Some(PostingKind::Need) => needs.insert(change.entity_id),
                    Some(PostingKind::Achievement) => achievements.insert(change.entity_id),
                    None => false,
                };
            }
            self.replace(
                db,
                PostingKind::Need,
                &needs.into_iter().collect::<Vec<_>>(),
            )
            .await?;
            self.replace(
                db,
                PostingKind::Achievement,
                &achievements.into_iter().collect::<Vec<_>>(),
            )
            .await?;
            self.commit(last)?;
            report.changes += batch.len() as u64;
            report.seq = last;
        }
        Ok(report)
    }

    /// Re-reads the given postings from the database and replaces their documents.
    async fn replace(
        &self,
        db: &impl ConnectionTrait,
        kind: PostingKind,
        ids: &[i64],
    ) -> SearchResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let views = postings::views_by_ids(db, kind, ids).await?;
        let writer = self.writer()?;
        for id in ids {
            writer.delete_term(Term::from_field_text(self.fields.key, &doc_key(kind, *id)));
        }
        for view in &views {
            writer.add_document(self.document(view))?;
        }
        Ok(())
    }

    /// Discards the index and indexes every posting in the database again. Returns the
    /// change-log position the new index reflects.
    ///
    /// # Errors
    /// `Locked` when another process owns the index; database or index errors.
    pub async fn rebuild(&self, db: &impl ConnectionTrait) -> SearchResult<i64> {
        // Read the position first: changes made during the scan are replayed by the
        // next sync, which is harmless for postings the scan already saw.
        let seq = changes::head(db).await?;
        self.writer()?.delete_all_documents()?;
        for kind in [PostingKind::Need, PostingKind::Achievement] {
            let mut after = 0;
            loop {
                let page = postings::views_page(db, kind, None, after, REBUILD_PAGE).await?;
                let Some(last) = page.last().map(|v| v.id) else {
                    break;
                };
                self.add_views(&page)?;
                after = last;
            }
        }
        self.commit(seq)?;
        Ok(seq)
    }

    /// Adds documents without committing; callers commit with the position they reflect.
    ///
    /// # Errors
    /// `Locked` or index errors.
    pub fn add_views(&self, views: &[PostingView]) -> SearchResult<()> {
        let writer = self.writer()?;
        for view in views {
            writer.add_document(self.document(view))?;
        }
        Ok(())
    }

    /// Commits everything added so far, recording `seq` as the position reached, and
    /// makes it visible to new searchers.
    ///
    /// # Errors
    /// `Locked` or index errors.
    pub fn commit(&self, seq: i64) -> SearchResult<()> {
        let mut writer = self.writer()?;
        let payload = serde_json::to_string(&Payload {
            schema: SCHEMA_VERSION,
            seq,
        })
        .map_err(|e| SearchError::Io(std::io::Error::other(e)))?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    fn document(&self, view: &PostingView) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, doc_key(view.kind, view.id));
        doc.add_text(f.kind, view.kind.code());
        doc.add_i64(f.db_id, view.id);
        doc.add_text(f.external_id, &view.external_id);
        let keywords = join_keywords(&view.keywords);
        for (words, bigrams, text) in [
            (f.title, f.title_bigram, view.title.as_str()),
            (f.body, f.body_bigram, view.body.as_str()),
            (f.keywords, f.keywords_bigram, keywords.as_str()),
        ] {
            doc.add_text(words, text);
            doc.add_text(bigrams, text);
            doc.add_text(f.chars, text);
            doc.add_text(f.all_words, text);
            doc.add_text(f.all_bigrams, text);
        }
        doc.add_text(f.industry, view.industry.as_deref().unwrap_or(""));
        doc.add_u64(f.trl, view.trl.map_or(0, u64::from));
        doc.add_u64(f.modes, view.modes_mask);
        for code in &view.mode_codes {
            doc.add_text(f.mode_codes, code);
        }
        doc.add_i64(f.price_min, view.price_min_yuan.unwrap_or(-1));
        doc.add_i64(f.price_max, view.price_max_yuan.unwrap_or(-1));
        doc.add_u64(f.negotiable, u64::from(view.price_negotiable));
        doc.add_text(f.province, province_of(view.region_code.as_deref()));
        doc.add_text(f.region_name, view.region_name.as_deref().unwrap_or(""));
        doc.add_text(f.status, view.status.code());
        doc.add_text(f.org_name, view.org_name.as_deref().unwrap_or(""));
        doc.add_u64(f.org_verified, u64::from(view.org_verified));
        doc.add_i64(f.updated, view.updated_at.timestamp());
        doc.add_i64(f.listed_day, view.listed_day());
        doc
    }
}

/// The province part of a GB/T 2260 code (`140522` → `140000`), or empty when unknown.
pub fn province_of(code: Option<&str>) -> String {
    match code {
        Some(code) if code.len() == 6 && code.is_ascii() => format!("{}0000", &code[..2]),
        _ => String::new(),
    }
}

fn doc_key(kind: PostingKind, id: i64) -> String {
    let prefix = match kind {
        PostingKind::Need => 'n',
        PostingKind::Achievement => 'a',
    };
    format!("{prefix}:{id}")
}

fn payload_of(index: &Index) -> Payload {
    index
        .load_metas()
        .ok()
        .and_then(|m| m.payload)
        .and_then(|p| serde_json::from_str(&p).ok())
        .unwrap_or_default()
}

/// Empties an index directory of tantivy's files; anything else in it is left alone.
fn clear_dir(dir: &Path) -> SearchResult<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let is_index_file = name == "meta.json"
            || name == ".managed.json"
            || name.ends_with(".lock")
            || path.extension().is_some_and(|e| {
                [
                    "idx",
                    "pos",
                    "term",
                    "store",
                    "fast",
                    "fieldnorm",
                    "del",
                    "json",
                ]
                .contains(&e.to_str().unwrap_or(""))
            });
        if is_index_file && path.is_file() {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}
