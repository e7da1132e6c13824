//! Any text as a search query over a small index: answered or refused, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    techmatch_search::fuzzing::search_any(&text);
});
