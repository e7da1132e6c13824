//! From Chinese text to a tantivy query.
//!
//! tantivy's query parser turns a run of Chinese words into a strict phrase, which finds
//! nothing for a need like 镁铝合金压铸. Instead the text is segmented here, every term
//! is weighted by where it came from (title, keywords, body) and by how rare it is in
//! the index, the strongest terms are kept, and each becomes a scored clause on the
//! word fields and, as character bigrams, on the bigram fields.

use std::collections::HashMap;

use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
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
    pub layout: SectionLayout,
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
    /// Bigram terms a long query keeps: its words already say most of what bigrams would.
    pub long_query_bigrams: usize,
    /// In a long query, terms found in more than this share of postings are left out.
    pub common_term_share: f32,
    /// Characters found in more than this share of postings are left out of any query.
    pub common_char_share: f32,
    /// Pseudo-relevance feedback: how many top documents of a first pass lend their
    /// words to the query (0 turns it off), how many words they lend, and how much
    /// those words weigh relative to the query's own strongest word.
    pub feedback_docs: usize,
    pub feedback_terms: usize,
    pub feedback_weight: f32,
    /// Whether bare numbers (50, 2026, 3.5) are query terms. Someone who types one in a
    /// search means it; in a posting's text it is a quantity, a year or a batch number,
    /// and its rarity in the index says nothing about the topic: a need titled
    /// "（第50批）" must not be matched to whatever achievement mentions 50 μm.
    pub number_terms: bool,
}

impl Default for TextTuning {
    fn default() -> Self {
        TextTuning {
            query_mode: SegmentMode::Search,
            title_boost: 2.0,
            body_boost: 1.0,
            keywords_boost: 1.5,
            layout: SectionLayout::WholeWithTitle,
            bigram_weight: 0.5,
            max_word_terms: 16,
            max_bigram_terms: 48,
            char_weight: 1.0,
            max_char_terms: 24,
            short_query_words: 12,
            long_query_bigrams: 8,
            common_term_share: 0.1,
            common_char_share: 0.3,
            feedback_docs: 10,
            feedback_terms: 20,
            feedback_weight: 0.5,
            number_terms: false,
        }
    }
}

impl TextTuning {
    /// Whether a query of these terms is short (see `short_query_words`).
    pub fn is_short(&self, terms: &[QueryTerm]) -> bool {
        // Words lent by feedback do not make a query long: they only extend a short one.
        let own_words = terms
            .iter()
            .filter(|t| t.kind == TermKind::Word && !t.from_feedback);
        own_words.count() <= self.short_query_words
    }

    fn section_boost(&self, section: Section) -> f32 {
        match section {
            Section::Title => self.title_boost,
            Section::Body => self.body_boost,
            Section::Keywords => self.keywords_boost,
        }
    }
}

/// How the text sections of a posting are scored for a short query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionLayout {
    /// Title, body and keywords each scored on their own, each with its boost.
    Separate,
    /// The whole posting scored as one text, plus extra for matches in the title and
    /// keywords (a cheap approximation of BM25F).
    WholeWithTitle,
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
    number_terms: bool,
) -> Vec<QueryTerm> {
    let mut terms: Vec<QueryTerm> = weights
        .into_iter()
        .filter(|(text, _)| number_terms || !is_bare_number(text))
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

/// A number and nothing else: digits, perhaps with a decimal point.
pub fn is_bare_number(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// Below this many postings, document-frequency shares are too noisy to drop terms by.
const MIN_POSTINGS_FOR_SHARES: u64 = 1_000;

/// The idf of a term found in `share` of all postings.
fn min_idf_for_share(share: f32) -> f32 {
    let share = share.clamp(1e-6, 1.0);
    (1.0 + (1.0 - share) / share).ln()
}

/// A query that only marks the query's words in one field, for highlighting: the
/// ranking query may match in other fields (the whole posting, bigrams) that a snippet of
/// this field cannot show.
pub fn highlight_query(field: Field, terms: &[QueryTerm]) -> Box<dyn Query> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .iter()
        .filter(|t| t.kind == TermKind::Word)
        .map(|t| {
            let query: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(field, &t.text),
                IndexRecordOption::WithFreqs,
            ));
            (Occur::Should, query)
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
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
        tuning.number_terms,
    );
    let short = tuning.is_short(&terms);
    // Shares of a small corpus say nothing about how common a word is in the language.
    let large = searcher.num_docs() >= MIN_POSTINGS_FOR_SHARES;
    if !short && large {
        // A long query has enough telling words; those in a large share of all postings
        // add almost nothing to the ranking but cost a walk over most of the index.
        let min_idf = min_idf_for_share(tuning.common_term_share);
        if terms.iter().any(|t| t.idf >= min_idf) {
            terms.retain(|t| t.idf >= min_idf);
        }
    }
    if tuning.bigram_weight > 0.0 {
        let grams = weigh(parts, |t| bigrams(t).into_iter().map(|t| t.text).collect());
        let max = if short {
            tuning.max_bigram_terms
        } else {
            tuning.long_query_bigrams
        };
        terms.extend(strongest(
            searcher,
            fields.body_bigram,
            grams,
            max,
            TermKind::Bigram,
            tuning.number_terms,
        ));
    }
    if tuning.char_weight > 0.0 && short {
        let chars = weigh(parts, |t| unigrams(t).into_iter().map(|t| t.text).collect());
        let min_idf = if large {
            min_idf_for_share(tuning.common_char_share)
        } else {
            0.0
        };
        // A character in a large share of postings matches nearly everything: it would
        // cost a walk over the index for no ranking signal.
        terms.extend(
            strongest(
                searcher,
                fields.chars,
                chars,
                tuning.max_char_terms,
                TermKind::Char,
                tuning.number_terms,
            )
            .into_iter()
            .filter(|t| t.idf >= min_idf),
        );
    }
    terms
}

/// Builds the scored query of `terms`: for a short query every term is one clause per
/// text section (so a title match can count more); for a long one, one clause on the
/// sections together.
pub fn build_query(fields: &Fields, terms: &[QueryTerm], tuning: &TextTuning) -> Box<dyn Query> {
    let compact = !tuning.is_short(terms);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(terms.len() * 3);
    for term in terms {
        let scale = match term.kind {
            TermKind::Word => 1.0,
            TermKind::Bigram => tuning.bigram_weight,
            TermKind::Char => tuning.char_weight,
        };
        let (words, pairs) = (term.kind == TermKind::Word, term.kind == TermKind::Bigram);
        let mut targets: Vec<(Field, f32)> = Vec::with_capacity(3);
        match (term.kind, compact, tuning.layout) {
            (TermKind::Char, _, _) => targets.push((fields.chars, 1.0)),
            (_, true, _) => targets.push((
                if words {
                    fields.all_words
                } else {
                    fields.all_bigrams
                },
                tuning.body_boost,
            )),
            (_, false, SectionLayout::Separate) => {
                for section in Section::ALL {
                    let field = if pairs {
                        fields.bigrams(section)
                    } else {
                        fields.words(section)
                    };
                    targets.push((field, tuning.section_boost(section)));
                }
            }
            (_, false, SectionLayout::WholeWithTitle) => {
                targets.push((
                    if words {
                        fields.all_words
                    } else {
                        fields.all_bigrams
                    },
                    tuning.body_boost,
                ));
                for section in [Section::Title, Section::Keywords] {
                    let field = if pairs {
                        fields.bigrams(section)
                    } else {
                        fields.words(section)
                    };
                    targets.push((
                        field,
                        (tuning.section_boost(section) - tuning.body_boost).max(0.0),
                    ));
                }
            }
        }
        for (field, section_boost) in targets.into_iter().filter(|(_, b)| *b > 0.0) {
            // The boost carries the query-side weight only: BM25 adds the idf itself.
            let boost = term.query_weight * scale * section_boost;
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
            if word.text.chars().count() > 1 && !is_bare_number(&word.text) {
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
