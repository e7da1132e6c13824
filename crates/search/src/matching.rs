//! Two-way matching: ranked achievements for a need, ranked needs for an achievement,
//! each with the matched terms and every factor's contribution.

use std::collections::HashSet;

use serde::Serialize;
use tantivy::collector::sort_key::{NaturalComparator, SortByString};
use tantivy::collector::{SegmentSortKeyComputer, SortKeyComputer, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, DocId, Order, Score, SegmentReader, TantivyDocument, Term};
use techmatch_core::domain::compatible_masks;
use techmatch_core::posting::{PostingKind, PostingView, Status};

use crate::error::SearchResult;
use crate::fit::{Factor, FitFacts, FitWeights, HardFilters, assess, explain};
use crate::index::{SearchIndex, province_of};
use crate::query::{
    QueryPart, QueryTerm, TermKind, TextTuning, build_query, feedback_terms, text_query,
};
use crate::tokenizer::{SegmentMode, bigrams, segment};

/// How a match list is computed.
#[derive(Debug, Clone)]
pub struct MatchOptions {
    pub top: usize,
    pub hard: HardFilters,
    pub tuning: TextTuning,
    pub weights: FitWeights,
    /// A candidate whose text relevance is below this share of the best candidate's is
    /// not proposed: structured fit may reorder relevant candidates, but must not turn a
    /// posting that shares one incidental word into a recommendation.
    pub min_text_share: f32,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            top: 10,
            hard: HardFilters::default(),
            tuning: TextTuning::default(),
            weights: FitWeights::default(),
            min_text_share: 0.15,
        }
    }
}

/// A query term and whether the candidate contains it whole or only in part.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchedTerm {
    pub term: String,
    /// Only some of its characters pairs occur (for example 面料 of 弹力面料).
    pub partial: bool,
}

/// One proposed counterpart.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    pub kind: PostingKind,
    /// The database's sequence number, for the server's own use; never serialised (see
    /// `PostingView::id`).
    #[serde(skip)]
    pub id: i64,
    pub external_id: String,
    pub title: String,
    pub org_name: Option<String>,
    /// Whether the bureau has verified the organisation (已核验).
    pub org_verified: bool,
    pub score: f32,
    pub factors: Vec<Factor>,
    pub matched_terms: Vec<MatchedTerm>,
    /// How good the match is on an absolute scale of 0 to 100, comparable between
    /// postings (the score is not: it grows with the length of the texts). It is the
    /// share of what the posting asks for that the candidate covers, see [`strength`].
    pub strength: u8,
}

/// The texts of a posting as query parts: the title weighs most, then keywords.
fn parts(view: &PostingView) -> Vec<(String, f32)> {
    vec![
        (view.title.clone(), 2.0),
        (view.keywords.join(" "), 1.5),
        (view.body.clone(), 1.0),
    ]
}

/// Ranks candidates by their text score raised by how well their facts fit.
struct FitScore {
    probe: Probe,
    weights: FitWeights,
    hard: HardFilters,
}

struct SegmentFitScore {
    facts: SegmentFacts,
    probe: Probe,
    weights: FitWeights,
    hard: HardFilters,
}

impl SortKeyComputer for FitScore {
    type SortKey = Score;
    type Child = SegmentFitScore;
    type Comparator = NaturalComparator;

    fn requires_scoring(&self) -> bool {
        true
    }

    fn segment_sort_key_computer(&self, reader: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok(SegmentFitScore {
            facts: SegmentFacts::new(reader, &self.probe),
            probe: self.probe.clone(),
            weights: self.weights,
            hard: self.hard,
        })
    }
}

impl SegmentSortKeyComputer for SegmentFitScore {
    type SortKey = Score;
    type SegmentSortKey = Score;
    type SegmentComparator = NaturalComparator;

    fn segment_sort_key(&mut self, doc: DocId, text_score: Score) -> Score {
        let fit = assess(
            &self.facts.facts(&self.probe, doc),
            &self.weights,
            &self.hard,
        );
        // Excluded candidates sink below every real one and are dropped afterwards;
        // they can only reach the top list when fewer real candidates exist.
        if fit.excluded {
            f32::MIN
        } else {
            text_score * (1.0 + fit.bonus)
        }
    }

    fn convert_segment_sort_key(&self, score: Score) -> Score {
        score
    }
}

/// Reads the structured facts of candidates in one segment and compares them with the
/// posting being matched.
struct SegmentFacts {
    industry: Option<StrColumn>,
    wanted_industry: Option<u64>,
    /// The ordinal of the empty string ("not stated") in this segment's column.
    unstated_industry: Option<u64>,
    province: Option<StrColumn>,
    wanted_province: Option<u64>,
    unstated_province: Option<u64>,
    trl: Option<tantivy::columnar::Column<u64>>,
    modes: Option<tantivy::columnar::Column<u64>>,
    price_min: Option<tantivy::columnar::Column<i64>>,
    price_max: Option<tantivy::columnar::Column<i64>>,
}

/// What the posting being matched says, reduced to what fast fields can be compared with.
#[derive(Debug, Clone)]
struct Probe {
    /// The posting is a need (candidates are achievements).
    is_need: bool,
    industry: Option<String>,
    province: Option<String>,
    trl: Option<u64>,
    modes: u64,
    price_min: Option<i64>,
    price_max: Option<i64>,
}

fn ord_of(column: &Option<StrColumn>, value: &Option<String>) -> Option<u64> {
    let (column, value) = (column.as_ref()?, value.as_ref()?);
    column.dictionary().term_ord(value).ok().flatten()
}

impl SegmentFacts {
    fn new(reader: &SegmentReader, probe: &Probe) -> SegmentFacts {
        let fast = reader.fast_fields();
        let industry = fast.str("industry").ok().flatten();
        let province = fast.str("province").ok().flatten();
        SegmentFacts {
            wanted_industry: ord_of(&industry, &probe.industry),
            unstated_industry: ord_of(&industry, &Some(String::new())),
            wanted_province: ord_of(&province, &probe.province),
            unstated_province: ord_of(&province, &Some(String::new())),
            industry,
            province,
            trl: fast.u64("trl").ok(),
            modes: fast.u64("modes").ok(),
            price_min: fast.i64("price_min").ok(),
            price_max: fast.i64("price_max").ok(),
        }
    }

    /// Compares ordinals only: this runs for every candidate, so no string is read.
    fn same(
        column: &Option<StrColumn>,
        wanted: Option<u64>,
        unstated: Option<u64>,
        probe_has: bool,
        doc: DocId,
    ) -> Option<bool> {
        if !probe_has {
            return None;
        }
        let ord = column.as_ref()?.term_ords(doc).next()?;
        if Some(ord) == unstated {
            return None;
        }
        Some(Some(ord) == wanted)
    }

    fn facts(&self, probe: &Probe, doc: DocId) -> FitFacts {
        let trl = self
            .trl
            .as_ref()
            .and_then(|c| c.first(doc))
            .filter(|t| *t > 0);
        let modes = self.modes.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
        let price_min = self
            .price_min
            .as_ref()
            .and_then(|c| c.first(doc))
            .filter(|p| *p >= 0);
        let price_max = self
            .price_max
            .as_ref()
            .and_then(|c| c.first(doc))
            .filter(|p| *p >= 0);
        // Orient the comparison: (need's wanted TRL, achievement's TRL), and so on.
        let (wanted_trl, offered_trl) = if probe.is_need {
            (probe.trl, trl)
        } else {
            (trl, probe.trl)
        };
        let (need_modes, offer_modes) = if probe.is_need {
            (probe.modes, modes)
        } else {
            (modes, probe.modes)
        };
        let (budget_max, asking) = if probe.is_need {
            (probe.price_max, price_min)
        } else {
            (price_max, probe.price_min)
        };
        FitFacts {
            same_industry: Self::same(
                &self.industry,
                self.wanted_industry,
                self.unstated_industry,
                probe.industry.is_some(),
                doc,
            ),
            maturity_ok: wanted_trl.zip(offered_trl).map(|(w, o)| o >= w),
            price_ok: budget_max.zip(asking).map(|(b, a)| a <= b),
            modes_overlap: (need_modes != 0 && offer_modes != 0)
                .then(|| compatible_masks(need_modes, offer_modes)),
            same_province: Self::same(
                &self.province,
                self.wanted_province,
                self.unstated_province,
                probe.province.is_some(),
                doc,
            ),
        }
    }
}

fn probe_of(view: &PostingView) -> Probe {
    let province = province_of(view.region_code.as_deref());
    Probe {
        is_need: view.kind == PostingKind::Need,
        industry: view.industry.clone(),
        province: (!province.is_empty()).then_some(province),
        trl: view.trl.map(u64::from),
        modes: view.modes_mask,
        price_min: view.price_min_yuan,
        price_max: view.price_max_yuan,
    }
}

/// Published postings of a kind, as a filter that adds nothing to the score.
pub(crate) fn published_filter(index: &SearchIndex, kind: PostingKind) -> Box<dyn Query> {
    let f = index.fields();
    let term = |field, text: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::Basic,
        ))
    };
    let both = BooleanQuery::new(vec![
        (Occur::Must, term(f.kind, kind.code())),
        (Occur::Must, term(f.status, Status::Published.code())),
    ]);
    Box::new(ConstScoreQuery::new(Box::new(both), 0.0))
}

fn published_of_any_kind(index: &SearchIndex) -> Box<dyn Query> {
    let status = Term::from_field_text(index.fields().status, Status::Published.code());
    let published = TermQuery::new(status, IndexRecordOption::Basic);
    Box::new(ConstScoreQuery::new(Box::new(published), 0.0))
}

/// Ranks the published counterparts of `view`: achievements for a need, needs for an
/// achievement.
///
/// # Errors
/// Index errors only; a posting with no usable text yields an empty list.
pub fn find_matches(
    index: &SearchIndex,
    view: &PostingView,
    options: &MatchOptions,
) -> SearchResult<Vec<Match>> {
    let searcher = index.searcher();
    let fields = index.fields();
    let owned = parts(view);
    let query_parts: Vec<QueryPart<'_>> = owned
        .iter()
        .map(|(text, weight)| QueryPart {
            text,
            weight: *weight,
        })
        .collect();
    let Some(mut text) = text_query(&searcher, fields, &query_parts, &options.tuning) else {
        return Ok(Vec::new());
    };
    let target = match view.kind {
        PostingKind::Need => PostingKind::Achievement,
        PostingKind::Achievement => PostingKind::Need,
    };
    if options.tuning.feedback_docs > 0 && options.tuning.is_short(&text.terms) {
        // The first pass searches published postings of either kind: feedback only
        // needs texts on the topic. Drafts, pending and rejected postings (confidential
        // needs among them) must not lend their words to anyone's matches.
        let first_pass = BooleanQuery::new(vec![
            (Occur::Must, published_of_any_kind(index)),
            (Occur::Must, text.query.box_clone()),
        ]);
        let top = searcher.search(
            &first_pass,
            &TopDocs::with_limit(options.tuning.feedback_docs).order_by_score(),
        )?;
        let mut feedback = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            feedback.push((score, fields.full_text(&doc)));
        }
        let extra = feedback_terms(&searcher, fields, &feedback, &text.terms, &options.tuning);
        if !extra.is_empty() {
            text.terms.extend(extra);
            text.query = build_query(fields, &text.terms, &options.tuning);
        }
    }
    let query = BooleanQuery::new(vec![
        (Occur::Must, published_filter(index, target)),
        (Occur::Must, text.query),
    ]);

    let probe = probe_of(view);
    let (weights, hard) = (options.weights, options.hard);
    let tweak_probe = probe.clone();
    // Equal scores are common (a list's rows often share their words); tantivy would
    // break the tie by index order, which is the list's order, so the public id does.
    let collector = TopDocs::with_limit(options.top.max(1)).order_by((
        FitScore {
            probe: tweak_probe,
            weights,
            hard,
        },
        (SortByString::for_field("external_id"), Order::Desc),
    ));
    let ranked: Vec<((Score, Option<String>), DocAddress)> = searcher.search(&query, &collector)?;

    let mut matches = Vec::with_capacity(ranked.len());
    for ((score, _), address) in ranked.into_iter().filter(|((s, _), _)| *s > f32::MIN) {
        let segment = searcher.segment_reader(address.segment_ord);
        let facts = SegmentFacts::new(segment, &probe).facts(&probe, address.doc_id);
        let bonus = assess(&facts, &weights, &hard).bonus;
        let doc: TantivyDocument = searcher.doc(address)?;
        let text_of = |field| fields.stored_text(&doc, field);
        let title = text_of(fields.title);
        let haystack = fields.full_text(&doc);
        let hits = term_hits(&text.terms, &haystack);
        matches.push(Match {
            kind: target,
            id: doc
                .get_first(fields.db_id)
                .and_then(|v| v.as_i64())
                .unwrap_or(0),
            external_id: text_of(fields.external_id),
            org_name: Some(text_of(fields.org_name)).filter(|n| !n.is_empty()),
            org_verified: doc.get_first(fields.org_verified).and_then(|v| v.as_u64()) == Some(1),
            title,
            score,
            factors: explain(&facts, &weights, score / (1.0 + bonus)),
            strength: strength(&text.terms, &hits, bonus),
            matched_terms: hits
                .iter()
                .take(MATCHED_TERMS_SHOWN)
                .map(|(term, partial)| MatchedTerm {
                    term: term.text.clone(),
                    partial: *partial,
                })
                .collect(),
        });
    }
    let best_text = matches.iter().map(text_score).fold(0.0_f32, f32::max);
    matches.retain(|m| text_score(m) >= options.min_text_share * best_text);
    Ok(matches)
}

fn text_score(m: &Match) -> f32 {
    m.factors
        .iter()
        .find(|f| f.code == "text")
        .map_or(0.0, |f| f.contribution)
}

/// Whether a word says something to a person reading an explanation: not a lone
/// character or a bare number, which segmentation produces but nobody would call a match.
fn is_telling(word: &str) -> bool {
    word.chars().count() > 1 && !crate::query::is_bare_number(word)
}

/// How many matched words an explanation lists.
const MATCHED_TERMS_SHOWN: usize = 12;

/// The words of the posting itself (not lent by feedback) that a reader would call a
/// match: what an explanation lists and what [`strength`] measures against.
fn own_telling_words(terms: &[QueryTerm]) -> impl Iterator<Item = &QueryTerm> {
    terms
        .iter()
        .filter(|t| t.kind == TermKind::Word && !t.from_feedback && is_telling(&t.text))
}

/// The query's words found in a candidate, most important first, each with whether it
/// was found only as some of its character pairs.
fn term_hits<'t>(terms: &'t [QueryTerm], haystack: &str) -> Vec<(&'t QueryTerm, bool)> {
    let lowered = haystack.to_lowercase();
    let words: HashSet<String> = segment(haystack, SegmentMode::Search)
        .into_iter()
        .map(|t| t.text)
        .collect();
    let pairs: HashSet<String> = bigrams(haystack).into_iter().map(|t| t.text).collect();
    let mut found = Vec::new();
    for term in own_telling_words(terms) {
        if words.contains(&term.text) || lowered.contains(&term.text) {
            found.push((term, false));
        } else if bigrams(&term.text).iter().any(|g| pairs.contains(&g.text)) {
            found.push((term, true));
        }
    }
    found
}

/// The absolute quality of a match, 0 to 100: the share of the posting's own words,
/// each weighted by its importance (how much the posting stresses it and how rare it
/// is), that the candidate contains (a word found only in part counts half), times
/// the structured fit (industry, maturity, price, mode, region) as `1 + bonus`.
///
/// Unlike the score, it does not grow with the length of the texts, so one threshold
/// serves every posting: that is what match alerts compare with a user's threshold.
pub fn strength(terms: &[QueryTerm], hits: &[(&QueryTerm, bool)], bonus: f32) -> u8 {
    let asked: f32 = own_telling_words(terms).map(QueryTerm::importance).sum();
    if asked <= 0.0 {
        return 0;
    }
    let covered: f32 = hits
        .iter()
        .map(|(term, partial)| term.importance() * if *partial { 0.5 } else { 1.0 })
        .sum();
    let value = 100.0 * (covered / asked) * (1.0 + bonus).max(0.0);
    // Clamped to 0..=100 first, so the cast cannot truncate.
    value.clamp(0.0, 100.0).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str, query_weight: f32, idf: f32, from_feedback: bool) -> QueryTerm {
        QueryTerm {
            text: text.to_owned(),
            query_weight,
            idf,
            kind: TermKind::Word,
            from_feedback,
        }
    }

    #[test]
    fn strength_is_the_weighted_share_of_the_postings_own_words_times_the_fit() {
        let terms = vec![
            term("镁合金", 2.0, 2.0, false),
            term("压铸", 1.0, 2.0, false),
            term("工艺", 1.0, 1.0, false),
            // Lent by feedback, or a lone character: not what the posting asks for.
            term("汽车", 5.0, 5.0, true),
            term("镁", 5.0, 5.0, false),
        ];
        let whole_and_partial = [(&terms[0], false), (&terms[1], true)];
        // (4 + 2 / 2) of 7.
        assert_eq!(strength(&terms, &whole_and_partial, 0.0), 71);
        assert_eq!(strength(&terms, &whole_and_partial, 0.2), 86);
        assert_eq!(strength(&terms, &whole_and_partial, -2.0), 0);
        let all = [(&terms[0], false), (&terms[1], false), (&terms[2], false)];
        assert_eq!(strength(&terms, &all, 0.0), 100);
        assert_eq!(strength(&terms, &all, 0.5), 100, "never above 100");
        assert_eq!(strength(&terms, &[], 0.0), 0);
        assert_eq!(strength(&terms[3..], &[], 0.0), 0, "nothing asked");
    }

    #[test]
    fn hits_are_found_whole_or_in_part() {
        let terms = vec![
            term("弹力面料", 1.0, 1.0, false),
            term("染色", 1.0, 1.0, false),
        ];
        let hits = term_hits(&terms, "高弹面料的数码印花工艺");
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].0.text.as_str(), hits[0].1), ("弹力面料", true));
    }
}
