//! From Chinese text to a tantivy query.
//!
//! tantivy's query parser turns a run of Chinese words into a strict phrase, which finds
//! nothing for a need like 镁铝合金压铸. Instead the text is segmented here, every term
//! is weighted by where it came from (title, keywords, body) and by how rare it is in
//! the index, the strongest terms are kept, and each becomes a scored clause on the
//! word fields and, as character bigrams, on the bigram fields.

use std::collections::HashMap;

use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use crate::schema::{Fields, Section};
use crate::tokenizer::{SegmentMode, bigrams, segment, unigrams};

/// The knobs of text relevance. The defaults are the measured best on the evaluation
/// corpus (see the README); `techmatch eval` can override them to measure alternatives.
#[derive(Debug, Clone, PartialEq)]
pub struct TextTuning {
    /// How a query is segmented.
    pub query_mode: SegmentMode,
    /// Weight of a match in the document's title, body and keywords.
    pub title_boost: f32,
    pub body_boost: f32,
    pub keywords_boost: f32,
    /// Weight of bigram clauses relative to word clauses; 0 turns bigrams off.
    pub bigram_weight: f32,
    /// How many word terms and bigram terms a long query keeps.
    pub max_word_terms: usize,
    pub max_bigram_terms: usize,
    /// Weight of single-character clauses (0 turns them off) and how many are kept.
    pub char_weight: f32,
    pub max_char_terms: usize,
    /// A query with at most this many words counts as short. Short queries (a title, a
    /// few keywords) are where vocabulary mismatch hurts, so only they get the
    /// single-character clauses and feedback; a long description already says enough in
    /// its own words, and skipping both keeps it fast.
    pub short_query_words: usize,
    /// Pseudo-relevance feedback: how many top documents of a first pass lend their
    /// words to the query (0 turns it off), how many words they lend, and how much
    /// those words weigh relative to the query's own strongest word.
    pub feedback_docs: usize,
    pub feedback_terms: usize,
    pub feedback_weight: f32,
}

impl Default for TextTuning {
    fn default() -> Self {
        TextTuning {
            query_mode: SegmentMode::Search,
            title_boost: 2.0,
            body_boost: 1.0,
            keywords_boost: 1.5,
            bigram_weight: 0.5,
            max_word_terms: 32,
            max_bigram_terms: 48,
            char_weight: 1.0,
            max_char_terms: 24,
            short_query_words: 12,
            feedback_docs: 10,
            feedback_terms: 20,
            feedback_weight: 0.5,
        }
    }
}

impl TextTuning {
    /// Whether a query of these terms is short (see `short_query_words`).
    pub fn is_short(&self, terms: &[QueryTerm]) -> bool {
        terms.iter().filter(|t| t.kind == TermKind::Word).count() <= self.short_query_words
    }

    fn section_boost(&self, section: Section) -> f32 {
        match section {
            Section::Title => self.title_boost,
            Section::Body => self.body_boost,
            Section::Keywords => self.keywords_boost,
        }
    }
}

/// A piece of query text and how much it counts (a need's title counts more than its
/// description).
#[derive(Debug, Clone, Copy)]
pub struct QueryPart<'a> {
    pub text: &'a str,
    pub weight: f32,
}

/// How a query term was cut from the text, which decides the fields it is matched in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    Word,
    Bigram,
    Char,
}

/// A term kept for the query, with the weight it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTerm {
    pub text: String,
    /// How much the query text stresses it (where it came from, how often).
    pub query_weight: f32,
    /// How rare it is in the index.
    pub idf: f32,
    pub kind: TermKind,
    /// Lent by feedback documents rather than written in the query.
    pub from_feedback: bool,
}

impl QueryTerm {
    /// What a match on this term is worth, roughly: used to rank and explain terms.
    pub fn importance(&self) -> f32 {
        self.query_weight * self.idf
    }
}

/// The query built from text, with the terms it kept (for explanations).
pub struct TextQuery {
    pub query: Box<dyn Query>,
    pub terms: Vec<QueryTerm>,
}

/// Sums the weight of each distinct term over the parts; a term repeated within a part
/// counts with diminishing returns so that one verbose description cannot dominate.
fn weigh(parts: &[QueryPart<'_>], tokenize: impl Fn(&str) -> Vec<String>) -> HashMap<String, f32> {
    let mut weights: HashMap<String, f32> = HashMap::new();
    for part in parts {
        let mut counts: HashMap<String, u32> = HashMap::new();
        for term in tokenize(part.text) {
            *counts.entry(term).or_default() += 1;
        }
        for (term, count) in counts {
            *weights.entry(term).or_default() += part.weight * (1.0 + (count as f32).ln());
        }
    }
    weights
}

fn idf(searcher: &Searcher, field: tantivy::schema::Field, term: &str) -> f32 {
    let n = searcher.num_docs() as f32;
    let df = searcher
        .doc_freq(&Term::from_field_text(field, term))
        .unwrap_or(0) as f32;
    ((n - df + 0.5) / (df + 0.5) + 1.0).ln()
}

/// Keeps the `max` terms with the highest weight × idf, dropping terms absent from the
/// index (they can match nothing).
fn strongest(
    searcher: &Searcher,
    field: tantivy::schema::Field,
    weights: HashMap<String, f32>,
    max: usize,
    kind: TermKind,
) -> Vec<QueryTerm> {
    let mut terms: Vec<QueryTerm> = weights
        .into_iter()
        .filter_map(|(text, w)| {
            let df = searcher
                .doc_freq(&Term::from_field_text(field, &text))
                .unwrap_or(0);
            (df > 0).then(|| QueryTerm {
                idf: idf(searcher, field, &text),
                query_weight: w,
                text,
                kind,
                from_feedback: false,
            })
        })
        .collect();
    terms.sort_by(|a, b| {
        b.importance()
            .total_cmp(&a.importance())
            .then_with(|| a.text.cmp(&b.text))
    });
    terms.truncate(max);
    terms
}

/// Selects the weighted terms of a query: the strongest jieba words and, unless turned
/// off, the strongest character bigrams.
pub fn query_terms(
    searcher: &Searcher,
    fields: &Fields,
    parts: &[QueryPart<'_>],
    tuning: &TextTuning,
) -> Vec<QueryTerm> {
    let words = weigh(parts, |t| {
        segment(t, tuning.query_mode)
            .into_iter()
            .map(|t| t.text)
            .collect()
    });
    let mut terms = strongest(
        searcher,
        fields.body,
        words,
        tuning.max_word_terms,
        TermKind::Word,
    );
    if tuning.bigram_weight > 0.0 {
        let grams = weigh(parts, |t| bigrams(t).into_iter().map(|t| t.text).collect());
        terms.extend(strongest(
            searcher,
            fields.body_bigram,
            grams,
            tuning.max_bigram_terms,
            TermKind::Bigram,
        ));
    }
    if tuning.char_weight > 0.0 && tuning.is_short(&terms) {
        let chars = weigh(parts, |t| unigrams(t).into_iter().map(|t| t.text).collect());
        terms.extend(strongest(
            searcher,
            fields.chars,
            chars,
            tuning.max_char_terms,
            TermKind::Char,
        ));
    }
    terms
}

/// Builds the scored query of `terms`: every term is one clause per text section.
pub fn build_query(fields: &Fields, terms: &[QueryTerm], tuning: &TextTuning) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        Vec::with_capacity(terms.len() * Section::ALL.len());
    for term in terms {
        if term.kind == TermKind::Char {
            let clause = TermQuery::new(
                Term::from_field_text(fields.chars, &term.text),
                IndexRecordOption::WithFreqs,
            );
            let boost = term.query_weight * tuning.char_weight;
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(clause), boost)),
            ));
            continue;
        }
        for section in Section::ALL {
            let (field, scale) = if term.kind == TermKind::Bigram {
                (fields.bigrams(section), tuning.bigram_weight)
            } else {
                (fields.words(section), 1.0)
            };
            // The boost carries the query-side weight only: BM25 adds the idf itself.
            let boost = term.query_weight * scale * tuning.section_boost(section);
            let clause = TermQuery::new(
                Term::from_field_text(field, &term.text),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(clause), boost)),
            ));
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Builds the scored text query. Returns `None` when the text has no term that occurs in
/// the index at all.
pub fn text_query(
    searcher: &Searcher,
    fields: &Fields,
    parts: &[QueryPart<'_>],
    tuning: &TextTuning,
) -> Option<TextQuery> {
    let terms = query_terms(searcher, fields, parts, tuning);
    if terms.is_empty() {
        return None;
    }
    Some(TextQuery {
        query: build_query(fields, &terms, tuning),
        terms,
    })
}

/// Words that the best documents of a first pass share, as extra query terms (relevance
/// model RM3: P(w|R) = Σ_d P(w|d)·P(d|q), here weighted by idf so that words common to
/// the whole corpus do not crowd out the telling ones). This bridges vocabulary
/// mismatch: a need saying 弹力面料 reaches achievements that say 氨纶织物 when the
/// first documents found use both.
pub fn feedback_terms(
    searcher: &Searcher,
    fields: &Fields,
    feedback: &[(f32, String)],
    existing: &[QueryTerm],
    tuning: &TextTuning,
) -> Vec<QueryTerm> {
    let total: f32 = feedback.iter().map(|(score, _)| score.max(0.0)).sum();
    if total <= 0.0 || tuning.feedback_terms == 0 {
        return Vec::new();
    }
    let mut relevance: HashMap<String, f32> = HashMap::new();
    for (score, text) in feedback {
        let words = segment(text, tuning.query_mode);
        let length = words.len().max(1) as f32;
        let mut counts: HashMap<String, u32> = HashMap::new();
        for word in words {
            if word.text.chars().count() > 1 && !word.text.chars().all(|c| c.is_ascii_digit()) {
                *counts.entry(word.text).or_default() += 1;
            }
        }
        for (word, count) in counts {
            *relevance.entry(word).or_default() +=
                (count as f32 / length) * (score.max(0.0) / total);
        }
    }
    let known: std::collections::HashSet<&str> = existing.iter().map(|t| t.text.as_str()).collect();
    let mut candidates: Vec<QueryTerm> = relevance
        .into_iter()
        .filter(|(word, _)| !known.contains(word.as_str()))
        .map(|(text, p)| {
            let idf = idf(searcher, fields.body, &text);
            QueryTerm {
                query_weight: p * idf,
                idf,
                text,
                kind: TermKind::Word,
                from_feedback: true,
            }
        })
        .collect();
    candidates.sort_by(|a, b| {
        b.query_weight
            .total_cmp(&a.query_weight)
            .then_with(|| a.text.cmp(&b.text))
    });
    candidates.truncate(tuning.feedback_terms);
    let strongest_query = existing
        .iter()
        .filter(|t| t.kind == TermKind::Word)
        .map(|t| t.query_weight)
        .fold(0.0_f32, f32::max);
    let strongest_feedback = candidates.first().map_or(0.0, |t| t.query_weight);
    if strongest_feedback <= 0.0 {
        return Vec::new();
    }
    for term in &mut candidates {
        term.query_weight =
            tuning.feedback_weight * strongest_query * term.query_weight / strongest_feedback;
    }
    candidates
}
