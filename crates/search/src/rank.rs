//! Ranks a small set of texts against a query in memory, with the index's own Chinese
//! segmentation and BM25. For collections too small and too few to deserve an index of
//! their own (a county's challenges), so that searching them behaves like searching
//! needs: the same words match, longer documents do not win by length.

use std::collections::{HashMap, HashSet};

use crate::tokenizer::{SegmentMode, segment};

const K1: f32 = 1.2;
const B: f32 = 0.75;

/// One document: its id and its fields with their weights (title above body).
pub struct Document<'a> {
    pub id: i64,
    pub fields: Vec<(&'a str, f32)>,
}

/// One field of one document: how often each query word occurs, its length in words
/// and its weight.
struct FieldStats {
    counts: HashMap<String, f32>,
    length: f32,
    weight: f32,
}

fn terms(text: &str) -> Vec<String> {
    segment(text, SegmentMode::Search)
        .into_iter()
        .map(|t| t.text)
        .collect()
}

/// The documents that contain at least one query word, best first, with their scores.
/// An empty query ranks nothing.
pub fn rank(query: &str, documents: &[Document<'_>]) -> Vec<(i64, f32)> {
    let wanted: HashSet<String> = terms(query).into_iter().collect();
    if wanted.is_empty() || documents.is_empty() {
        return Vec::new();
    }
    // Per document and field: term frequencies and length.
    let analysed: Vec<Vec<FieldStats>> = documents
        .iter()
        .map(|d| {
            d.fields
                .iter()
                .map(|(text, weight)| {
                    let words = terms(text);
                    let length = words.len() as f32;
                    let mut counts = HashMap::new();
                    for word in words.into_iter().filter(|w| wanted.contains(w)) {
                        *counts.entry(word).or_insert(0.0) += 1.0;
                    }
                    FieldStats {
                        counts,
                        length,
                        weight: *weight,
                    }
                })
                .collect()
        })
        .collect();
    let n = documents.len() as f32;
    let field_count = documents.iter().map(|d| d.fields.len()).max().unwrap_or(0);
    let average_length: Vec<f32> = (0..field_count)
        .map(|f| {
            let total: f32 = analysed
                .iter()
                .filter_map(|d| d.get(f))
                .map(|x| x.length)
                .sum();
            (total / n).max(1.0)
        })
        .collect();
    let idf: HashMap<&String, f32> = wanted
        .iter()
        .map(|term| {
            let df = analysed
                .iter()
                .filter(|d| d.iter().any(|field| field.counts.contains_key(term)))
                .count() as f32;
            (term, ((n - df + 0.5) / (df + 0.5) + 1.0).ln())
        })
        .collect();
    let mut ranked: Vec<(i64, f32)> = documents
        .iter()
        .zip(&analysed)
        .filter_map(|(document, fields)| {
            let mut score = 0.0;
            for (f, field) in fields.iter().enumerate() {
                for (term, tf) in &field.counts {
                    let norm = K1 * (1.0 - B + B * field.length / average_length[f]);
                    score += field.weight * idf[term] * tf * (K1 + 1.0) / (tf + norm);
                }
            }
            (score > 0.0).then_some((document.id, score))
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(id: i64, title: &'a str, body: &'a str) -> Document<'a> {
        Document {
            id,
            fields: vec![(title, 2.0), (body, 1.0)],
        }
    }

    #[test]
    fn the_words_of_the_query_decide_and_the_title_weighs_more() {
        let docs = [
            doc(1, "煤层气高效抽采技术", "针对低渗透煤层的增透与抽采。"),
            doc(2, "纳米碳酸钙表面改性", "湿法改性提高分散性，降低吸油值。"),
            doc(3, "透水砖配方", "利用纳米碳酸钙作为填料提高强度。"),
        ];
        let ranked = rank("纳米碳酸钙 改性", &docs);
        let ids: Vec<i64> = ranked.iter().map(|r| r.0).collect();
        assert_eq!(ids, [2, 3], "{ranked:?}");
        assert!(rank("量子计算", &docs).is_empty());
        assert!(rank("  ", &docs).is_empty());
    }
}
