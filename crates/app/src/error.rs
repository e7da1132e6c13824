//! The application layer's one error type: what its use cases refuse or fail with.

use techmatch_core::CoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Core(#[from] CoreError),
    /// The index failed a search or match (not a refusal: a fault of this node).
    #[error(transparent)]
    Search(#[from] techmatch_search::SearchError),
}

impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> AppError {
        AppError::Core(CoreError::from(error))
    }
}

pub type AppResult<T> = Result<T, AppError>;
