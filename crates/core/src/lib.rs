//! techmatch-core: domain types, validation, state machines, list import/export and
//! services over sea-orm. Nothing here knows about HTTP or the search index.

pub mod accounts;
pub mod challenge;
pub mod contact;
pub mod db;
pub mod domain;
pub mod entities;
pub mod error;
pub mod i18n;
pub mod lists;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod posting;
pub mod services;

#[cfg(feature = "testing")]
pub mod testing;

pub use error::{CoreError, CoreResult, ErrorKind};
