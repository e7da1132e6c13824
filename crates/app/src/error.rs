//! The application layer's one error type: what its use cases refuse or fail with.

use techmatch_core::CoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Core(#[from] CoreError),
}

impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> AppError {
        AppError::Core(CoreError::from(error))
    }
}

pub type AppResult<T> = Result<T, AppError>;
