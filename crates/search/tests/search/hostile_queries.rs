//! Whatever is typed into the search box: the fuzz corpus in `fuzz/corpus/query` and
//! generated text through the same entry point as the fuzz target. Answered, never a
//! panic.

use std::path::PathBuf;

use proptest::prelude::*;
use techmatch_search::fuzzing::search_any;

#[test]
fn every_corpus_query_is_answered() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/query");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
    {
        let bytes = std::fs::read(entry.path()).unwrap_or_else(|e| panic!("{e}"));
        search_any(&String::from_utf8_lossy(&bytes));
        seen += 1;
    }
    assert!(seen > 0, "an empty corpus at {}", dir.display());
    // The harness searches a real index: a plain query finds something.
    assert!(search_any("calcium carbonate") > 0);
}

fn query_like() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "纳米",
        "碳酸钙",
        "煤矸石",
        "304",
        "3.5",
        "AND",
        "OR",
        "NOT",
        "\"",
        "(",
        ")",
        ":",
        "title:",
        "*",
        "?",
        "~2",
        "^3",
        "+",
        "-",
        "\\",
        "/",
        " ",
        "　",
        "\u{0}",
        "\u{202e}",
        "😀",
        "ａｂｃ",
        "\n",
        "'",
        "[",
        "TO",
        "]",
        "{",
        "}",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_text_is_answered(text in any::<String>()) {
        search_any(&text);
    }

    #[test]
    fn query_syntax_and_chinese_are_answered(text in query_like()) {
        search_any(&text);
    }
}
