//! The one error type of techmatch-core.
//!
//! Domain code never knows about HTTP: every error exposes a stable [`ErrorKind`]
//! and the web crate maps kinds to statuses in one place. Messages in `reason`
//! fields are written for the person who supplied the input, in Chinese, because
//! they end up verbatim in import reports and form errors.

use crate::lists::RowProblem;

/// Everything that can go wrong inside techmatch-core.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// A value supplied by a user does not parse or breaks a rule.
    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },

    /// A state change that the lifecycle does not allow.
    #[error("illegal transition from {from} to {to}: {reason}")]
    IllegalTransition {
        from: String,
        to: String,
        reason: String,
    },

    /// The record exists already (an email that is taken, a duplicate request).
    #[error("conflict: {0}")]
    Conflict(String),

    /// The person acting may not do this to this record.
    #[error("forbidden: {0}")]
    Forbidden(String),

    /// A record that was asked for by identifier does not exist.
    #[error("{what} not found: {id}")]
    NotFound { what: String, id: String },

    /// A list file as a whole cannot be read (wrong format, not the extension it claims, unreadable).
    #[error("cannot read list file {path}: {reason}")]
    ListFile { path: String, reason: String },

    /// Some rows of an import were rejected; the good rows were imported.
    #[error("{} row(s) rejected", problems.len())]
    RowsRejected { problems: Vec<RowProblem> },

    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),

    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),

    /// A bug or broken invariant; never caused by user input.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The stable classification of a [`CoreError`], for callers that must react to it
/// (the web crate maps it to an HTTP status, the CLI to an exit code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Invalid,
    Conflict,
    Forbidden,
    NotFound,
    /// The database cannot be reached or cannot write for now (stopped, restarting, disk
    /// full). Nothing is half-written (every change is one transaction); a failure while
    /// committing may leave the change made, so clients look before they repeat one.
    Unavailable,
    Internal,
}

impl CoreError {
    /// The reason a move was refused (it is forbidden to the actor, or the lifecycle does
    /// not allow it now): what a reader is told an offered move would meet. Any other
    /// error is passed on.
    ///
    /// # Errors
    /// `self`, when it is not a refusal.
    pub fn into_refusal(self) -> Result<String, CoreError> {
        match self {
            CoreError::IllegalTransition { reason, .. } | CoreError::Forbidden(reason) => {
                Ok(reason)
            }
            other => Err(other),
        }
    }

    /// Shorthand for a validation failure of one field.
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        CoreError::Invalid {
            field,
            reason: reason.into(),
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            CoreError::Invalid { .. }
            | CoreError::ListFile { .. }
            | CoreError::RowsRejected { .. } => ErrorKind::Invalid,
            CoreError::IllegalTransition { .. } | CoreError::Conflict(_) => ErrorKind::Conflict,
            CoreError::Forbidden(_) => ErrorKind::Forbidden,
            CoreError::NotFound { .. } => ErrorKind::NotFound,
            CoreError::Db(error) if database_unavailable(error) => ErrorKind::Unavailable,
            CoreError::Db(_) | CoreError::Io(_) | CoreError::Internal(_) => ErrorKind::Internal,
        }
    }
}

/// Whether a database error means "not reachable or not writable right now" rather than a
/// bug: no connection (refused, reset, timed out, pool closed), PostgreSQL shutting down or
/// starting up (SQLSTATE classes 08 and 57P), or SQLite's storage failing (busy, full,
/// read-only, I/O).
pub fn database_unavailable(error: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, sqlx};
    let sqlx_error = match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match sqlx_error.as_ref() {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db)
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() =>
        {
            // sqlx reports the extended code; its low byte is the primary one.
            db.code()
                .and_then(|code| code.parse::<i32>().ok())
                .is_some_and(|code| SQLITE_UNAVAILABLE.contains(&(code & 0xff)))
        }
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

/// SQLite result codes (primary and extended, as sqlx reports them) of storage that cannot
/// serve now: BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN.
const SQLITE_UNAVAILABLE: [i32; 6] = [5, 6, 8, 10, 13, 14];

pub type CoreResult<T> = Result<T, CoreError>;
