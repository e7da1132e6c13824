//! Checks that the index says what the database says: every posting present once, with
//! the status, title, text and edit time it has in the database, and nothing else. It is
//! how an operator (and the crash tests) tell a consistent node from a damaged one.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use serde::Serialize;
use tantivy::TantivyDocument;
use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};

use techmatch_core::posting::{PostingKind, PostingView};
use techmatch_core::services::postings;

use crate::{SearchIndex, SearchResult};

/// Postings read from the database per query.
const PAGE: u64 = 2000;
/// Disagreements listed by id; the counts cover all of them.
const EXAMPLES: usize = 20;

/// How the index compares with the database.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct Verification {
    /// Postings compared (the database's).
    pub checked: u64,
    /// In the database, not in the index.
    pub missing: u64,
    /// In the index, not (or no longer) in the database, or indexed more than once.
    pub extra: u64,
    /// In both, but the index holds an older version.
    pub stale: u64,
    /// Some of the postings concerned, as `need:12` or `achievement:7`.
    pub examples: Vec<String>,
}

impl Verification {
    pub fn agrees(&self) -> bool {
        self.missing == 0 && self.extra == 0 && self.stale == 0
    }

    fn note(&mut self, kind: PostingKind, id: i64) {
        if self.examples.len() < EXAMPLES {
            self.examples.push(format!("{}:{id}", kind.code()));
        }
    }
}

/// What the index stores of a posting that an edit changes.
#[derive(Debug, PartialEq, Eq)]
struct Fingerprint {
    status: String,
    title: String,
    body: String,
    updated: i64,
}

impl Fingerprint {
    fn of_view(view: &PostingView) -> Self {
        Fingerprint {
            status: view.status.code().to_owned(),
            title: view.title.clone(),
            body: view.body.clone(),
            updated: view.updated_at.timestamp(),
        }
    }
}

/// Compares the committed index with the database, posting by posting.
///
/// # Errors
/// Database or index errors.
pub async fn verify(index: &SearchIndex, db: &impl ConnectionTrait) -> SearchResult<Verification> {
    let mut report = Verification::default();
    for kind in [PostingKind::Need, PostingKind::Achievement] {
        let (mut indexed, duplicated) = indexed_fingerprints(index, kind)?;
        for id in duplicated {
            report.extra += 1;
            report.note(kind, id);
        }
        let mut after = 0;
        loop {
            let page = postings::views_page(db, kind, None, after, PAGE).await?;
            let Some(last) = page.last().map(|v| v.id) else {
                break;
            };
            for view in &page {
                report.checked += 1;
                match indexed.remove(&view.id) {
                    None => {
                        report.missing += 1;
                        report.note(kind, view.id);
                    }
                    Some(found) if found != Fingerprint::of_view(view) => {
                        report.stale += 1;
                        report.note(kind, view.id);
                    }
                    Some(_) => {}
                }
            }
            after = last;
        }
        for id in indexed.into_keys() {
            report.extra += 1;
            report.note(kind, id);
        }
    }
    Ok(report)
}

/// Every indexed posting of a kind by id, and the ids indexed more than once.
fn indexed_fingerprints(
    index: &SearchIndex,
    kind: PostingKind,
) -> SearchResult<(HashMap<i64, Fingerprint>, Vec<i64>)> {
    let fields = index.fields();
    let searcher = index.searcher();
    let query = TermQuery::new(
        tantivy::Term::from_field_text(fields.kind, kind.code()),
        IndexRecordOption::Basic,
    );
    let mut found = HashMap::new();
    let mut duplicated = Vec::new();
    for address in searcher.search(&query, &DocSetCollector)? {
        let doc: TantivyDocument = searcher.doc(address)?;
        let id = doc
            .get_first(fields.db_id)
            .and_then(|v| v.as_i64())
            .unwrap_or_default();
        let fingerprint = Fingerprint {
            status: fields.stored_text(&doc, fields.status),
            title: fields.stored_text(&doc, fields.title),
            body: fields.stored_text(&doc, fields.body),
            updated: doc
                .get_first(fields.updated)
                .and_then(|v| v.as_i64())
                .unwrap_or_default(),
        };
        if found.insert(id, fingerprint).is_some() {
            duplicated.push(id);
        }
    }
    Ok((found, duplicated))
}
