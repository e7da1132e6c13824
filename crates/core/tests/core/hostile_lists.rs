//! Hostile list files: the fuzz corpus in `fuzz/corpus/` and generated input through the
//! same entry point as the fuzz targets. Nothing may panic; broken files are refused with
//! a reason; a zip bomb is refused before it is inflated.

use std::path::PathBuf;

use proptest::prelude::*;
use techmatch_core::lists::fuzzing::read_and_convert;
use techmatch_core::lists::read::{ListFormat, read_list_bytes};
use techmatch_core::lists::write::{Sheet, TableFormat, write_workbook};

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|entry| entry.path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "an empty corpus at {}", dir.display());
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
            (path, bytes)
        })
        .collect()
}

#[test]
fn every_corpus_file_is_read_or_refused_without_a_panic() {
    for (target, format) in [
        ("list_csv", ListFormat::Csv),
        ("list_xlsx", ListFormat::Spreadsheet),
        ("list_jsonl", ListFormat::Jsonl),
    ] {
        for (path, bytes) in corpus(target) {
            let outcome = read_and_convert(format, &bytes);
            // Each file is also read as the other formats: uploads lie about extensions.
            for other in [ListFormat::Csv, ListFormat::Spreadsheet, ListFormat::Jsonl] {
                read_and_convert(other, &bytes);
            }
            eprintln!("{}: {outcome:?}", path.display());
        }
    }
}

#[test]
fn a_zip_bomb_dressed_as_a_workbook_is_refused_with_a_reason() {
    let (_, bomb) = corpus("list_xlsx")
        .into_iter()
        .find(|(path, _)| path.ends_with("zip_bomb.xlsx"))
        .unwrap_or_else(|| panic!("the corpus holds zip_bomb.xlsx"));
    let error = read_list_bytes(ListFormat::Spreadsheet, "bomb.xlsx", &bomb)
        .err()
        .unwrap_or_else(|| panic!("a zip bomb was read"));
    assert!(error.to_string().contains("MB"), "{error}");
}

/// Text that looks like a list: headers the importer knows, separators, quotes, line
/// breaks, a BOM, Chinese and control characters.
fn list_like_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "需求名称",
        "成果名称",
        "预算(万元)",
        "截止日期",
        "合作方式",
        "所属领域",
        "关键词",
        "最低技术成熟度",
        "统一社会信用代码",
        "id",
        "title",
        ",",
        ";",
        "\t",
        "\n",
        "\r\n",
        "\"",
        "\"\"",
        "\u{feff}",
        "50-120",
        "80以内",
        "≤100",
        "2027/6/30",
        "2027年13月40日",
        "TRL6",
        "中试",
        "技术转让",
        "是",
        "91140000MA0XXXXX",
        "煤矸石",
        "{",
        "}",
        "[",
        "]",
        ":",
        "null",
        "\u{0}",
        "\u{202e}",
        "9999999999999999999999",
        "-1",
        "面议",
    ]);
    prop::collection::vec(pieces, 0..80).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        for format in [ListFormat::Csv, ListFormat::Spreadsheet, ListFormat::Jsonl] {
            read_and_convert(format, &bytes);
        }
    }

    #[test]
    fn list_like_text_never_panics(text in list_like_text()) {
        for format in [ListFormat::Csv, ListFormat::Jsonl] {
            let outcome = read_and_convert(format, text.as_bytes());
            // Every row read is accounted for: valid both ways, or with its problems.
            prop_assert!(outcome.refused || outcome.valid + outcome.problems >= outcome.rows);
        }
    }

    #[test]
    fn damaged_workbooks_are_refused_or_read(
        cells in prop::collection::vec(list_like_text(), 4..12),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
    ) {
        let headers = vec!["需求名称".to_owned(), "预算(万元)".to_owned()];
        let rows = cells.chunks(2).filter(|c| c.len() == 2).map(<[String]>::to_vec).collect();
        let sheet = Sheet { name: "list".to_owned(), headers, rows };
        let mut bytes = write_workbook(TableFormat::Xlsx, &[sheet])
            .unwrap_or_else(|e| panic!("{e}"));
        for (at, value) in flips {
            let at = at.index(bytes.len());
            bytes[at] = value;
        }
        bytes.truncate(cut.index(bytes.len() + 1).max(1));
        read_and_convert(ListFormat::Spreadsheet, &bytes);
    }
}
