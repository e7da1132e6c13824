//! The index schema: one index for needs and achievements, told apart by `kind`.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use tantivy::TantivyDocument;
use tantivy::schema::Value;

use crate::tokenizer::{BIGRAM_ANALYZER, JIEBA_ANALYZER, UNIGRAM_ANALYZER};

/// Bumped whenever the schema or the analyzers change, so that an index built by an
/// older binary is rebuilt from the database instead of being read wrongly.
pub const SCHEMA_VERSION: u32 = 6;

/// The text sections of a posting, each indexed as jieba words and as bigrams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Title,
    Body,
    Keywords,
}

impl Section {
    pub const ALL: [Section; 3] = [Section::Title, Section::Body, Section::Keywords];
}

/// Handles to every field, resolved once.
#[derive(Debug, Clone)]
pub struct Fields {
    /// `n:<id>` or `a:<id>`: the unique key used to replace a document.
    pub key: Field,
    pub kind: Field,
    pub db_id: Field,
    pub external_id: Field,
    pub title: Field,
    pub body: Field,
    pub keywords: Field,
    pub title_bigram: Field,
    pub body_bigram: Field,
    pub keywords_bigram: Field,
    /// Single CJK characters of all three sections together.
    pub chars: Field,
    /// All three sections together as words and as bigrams: long queries match here,
    /// one clause per term instead of three, which keeps them fast on large corpora.
    pub all_words: Field,
    pub all_bigrams: Field,
    pub industry: Field,
    /// TRL: achieved level of an achievement, wanted minimum of a need; 0 when unknown.
    pub trl: Field,
    pub modes: Field,
    /// Mode codes, one value each, for facet filters.
    pub mode_codes: Field,
    /// Price range in yuan; -1 when unknown.
    pub price_min: Field,
    pub price_max: Field,
    pub negotiable: Field,
    /// The province part of the region code, or empty.
    pub province: Field,
    pub region_name: Field,
    pub status: Field,
    pub org_name: Field,
    /// 1 when the bureau has verified the posting's organisation.
    pub org_verified: Field,
    /// The last write's time, to the second: for checking the index against the
    /// database only, never for ordering.
    pub updated: Field,
    /// The last write's day (`PostingView::listed_day`): what newest-first lists order
    /// by, so that approvals minutes apart cannot be told apart by their order.
    pub listed_day: Field,
}

impl Fields {
    pub fn words(&self, section: Section) -> Field {
        match section {
            Section::Title => self.title,
            Section::Body => self.body,
            Section::Keywords => self.keywords,
        }
    }

    /// A stored text field of a document, empty when absent.
    pub fn stored_text(&self, doc: &TantivyDocument, field: Field) -> String {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned()
    }

    /// Title, keywords and body of a stored document, one per line.
    pub fn full_text(&self, doc: &TantivyDocument) -> String {
        let [title, keywords, body] =
            [self.title, self.keywords, self.body].map(|field| self.stored_text(doc, field));
        format!("{title}\n{keywords}\n{body}")
    }

    pub fn bigrams(&self, section: Section) -> Field {
        match section {
            Section::Title => self.title_bigram,
            Section::Body => self.body_bigram,
            Section::Keywords => self.keywords_bigram,
        }
    }
}

fn text(analyzer: &str, stored: bool) -> TextOptions {
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analyzer)
        .set_index_option(IndexRecordOption::WithFreqs);
    let options = TextOptions::default().set_indexing_options(indexing);
    if stored {
        options.set_stored()
    } else {
        options
    }
}

/// Builds the schema and the field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        key: b.add_text_field("key", STRING),
        kind: b.add_text_field("kind", STRING | FAST),
        db_id: b.add_i64_field("db_id", INDEXED | FAST | STORED),
        // Fast: newest-first lists break ties of time by it (see `search`).
        external_id: b.add_text_field("external_id", STRING | STORED | FAST),
        title: b.add_text_field("title", text(JIEBA_ANALYZER, true)),
        body: b.add_text_field("body", text(JIEBA_ANALYZER, true)),
        keywords: b.add_text_field("keywords", text(JIEBA_ANALYZER, true)),
        title_bigram: b.add_text_field("title_bigram", text(BIGRAM_ANALYZER, false)),
        body_bigram: b.add_text_field("body_bigram", text(BIGRAM_ANALYZER, false)),
        keywords_bigram: b.add_text_field("keywords_bigram", text(BIGRAM_ANALYZER, false)),
        chars: b.add_text_field("chars", text(UNIGRAM_ANALYZER, false)),
        all_words: b.add_text_field("all_words", text(JIEBA_ANALYZER, false)),
        all_bigrams: b.add_text_field("all_bigrams", text(BIGRAM_ANALYZER, false)),
        industry: b.add_text_field("industry", STRING | FAST | STORED),
        trl: b.add_u64_field("trl", INDEXED | FAST | STORED),
        modes: b.add_u64_field("modes", FAST | STORED),
        mode_codes: b.add_text_field("mode_codes", STRING | FAST | STORED),
        price_min: b.add_i64_field("price_min", INDEXED | FAST | STORED),
        price_max: b.add_i64_field("price_max", INDEXED | FAST | STORED),
        negotiable: b.add_u64_field("negotiable", FAST | STORED),
        province: b.add_text_field("province", STRING | FAST | STORED),
        region_name: b.add_text_field("region_name", STORED),
        status: b.add_text_field("status", STRING | FAST | STORED),
        org_name: b.add_text_field("org_name", STORED),
        org_verified: b.add_u64_field("org_verified", STORED),
        updated: b.add_i64_field("updated", FAST | STORED),
        listed_day: b.add_i64_field("listed_day", FAST),
    };
    (b.build(), fields)
}
