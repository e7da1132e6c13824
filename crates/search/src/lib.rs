//! techmatch-search: the tantivy index of postings (with a jieba tokenizer), full-text
//! search with facets and highlights, and two-way matching with explanations.
//!
//! The index is derived data: it follows the database's change log and can always be
//! rebuilt from the database.

pub mod error;
pub mod fit;
pub mod fuzzing;
pub mod index;
pub mod matching;
pub mod query;
pub mod rank;
pub mod schema;
pub mod search;
pub mod tokenizer;
pub mod verify;

pub use error::{SearchError, SearchResult};
pub use index::{SearchIndex, SyncReport};
pub use matching::{Match, MatchOptions, MatchedTerm, find_matches};
pub use search::{SearchHit, SearchRequest, SearchResults, search};
pub use verify::{Verification, verify};
