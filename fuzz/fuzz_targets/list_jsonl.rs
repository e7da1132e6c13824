//! Any bytes given as a .jsonl list: read and turned into postings without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use techmatch_core::lists::fuzzing::read_and_convert;
use techmatch_core::lists::read::ListFormat;

fuzz_target!(|data: &[u8]| {
    read_and_convert(ListFormat::Jsonl, data);
});
