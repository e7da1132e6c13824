//! techmatch-core against real databases: SQLite always, PostgreSQL when reachable
//! (required in CI). One test binary with a module per area keeps link time down.

mod bid_trust;
mod challenge_record;
mod challenges;
mod hostile_lists;
mod hostile_notices;
mod identity;
mod import_lists;
mod lifecycle;
mod list_corpus;
mod lockout;
mod organisations;
mod outbox;
mod preferences;
mod statistics;
mod webhooks;

use techmatch_core::domain::IndustryCatalogue;
use techmatch_core::lists::read::{ListFormat, RawList, read_list_bytes};

pub fn catalogue() -> IndustryCatalogue {
    IndustryCatalogue::default()
}

pub fn csv(text: &str) -> RawList {
    read_list_bytes(ListFormat::Csv, "test.csv", text.as_bytes())
        .unwrap_or_else(|e| panic!("csv: {e}"))
}

pub fn jsonl(text: &str) -> RawList {
    read_list_bytes(ListFormat::Jsonl, "test.jsonl", text.as_bytes())
        .unwrap_or_else(|e| panic!("jsonl: {e}"))
}
