//! The one error type of techmatch-search.

use techmatch_core::{CoreError, ErrorKind};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Core(#[from] CoreError),

    #[error("index error: {0}")]
    Index(#[from] tantivy::TantivyError),

    #[error("index directory error: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),

    /// Another process (a running server) holds the index writer.
    #[error("the search index is locked by another techmatch process")]
    Locked,

    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl SearchError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            SearchError::Core(e) => e.kind(),
            SearchError::Locked => ErrorKind::Conflict,
            _ => ErrorKind::Internal,
        }
    }
}

pub type SearchResult<T> = Result<T, SearchError>;
