//! The catalogue stays whole: it parses, every key the code asks for exists, every
//! message is asked for somewhere, and no user-visible Chinese hides outside it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{Catalogue, Locale, ZH_CN};

/// Source files whose Chinese literals are input vocabulary or data, not messages:
/// the words parsers accept, the catalogues of regions and industries, the header
/// names of list files, the tokenizer's dictionary and the synthetic-data generator.
const VOCABULARY_FILES: &[&str] = &[
    "crates/core/src/domain/money.rs",
    "crates/core/src/domain/trl.rs",
    "crates/core/src/domain/region.rs",
    "crates/core/src/domain/industry.rs",
    "crates/core/src/domain/modes.rs",
    "crates/core/src/domain/patent.rs",
    "crates/core/src/lists/columns.rs",
    "crates/core/src/lists/contacts.rs",
    "crates/search/src/tokenizer.rs",
    "crates/web/src/commands/synth.rs",
];

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files_under(dir: &Path, extension: &str, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, extension, found);
        } else if path.extension().is_some_and(|e| e == extension) {
            found.push(path);
        }
    }
}

fn rust_sources() -> Vec<PathBuf> {
    let root = repository_root();
    let mut found = Vec::new();
    for krate in [
        "crates/core/src",
        "crates/search/src",
        "crates/app/src",
        "crates/web/src",
    ] {
        files_under(&root.join(krate), "rs", &mut found);
    }
    // `tests.rs` files are test modules (`#[cfg(test)] mod tests;`).
    found.retain(|p| !p.ends_with("tests.rs"));
    found
}

fn templates() -> Vec<PathBuf> {
    let mut found = Vec::new();
    files_under(&repository_root().join("web/templates"), "html", &mut found);
    found
}

fn relative(path: &Path) -> String {
    let root = repository_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The code a release runs: everything before the file's test module.
fn production_part(source: &str) -> &str {
    source
        .find("\n#[cfg(test)]")
        .map_or(source, |at| &source[..at])
}

fn is_chinese(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303F}' // CJK punctuation
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{FF00}'..='\u{FFEF}') // full-width forms such as ，（）：
}

/// Keys of `t!("…"` calls, also when rustfmt puts the key on the next line (but not
/// of `format!("…"`, which also ends in `t!(`).
fn macro_keys(text: &str, keys: &mut BTreeSet<String>) {
    const MARKER: &str = "t!(";
    for (at, _) in text.match_indices(MARKER) {
        let called_t = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let Some(rest) = text[at + MARKER.len()..].trim_start().strip_prefix('"') else {
            continue;
        };
        if let (true, Some(end)) = (called_t, rest.find('"')) {
            keys.insert(rest[..end].to_owned());
        }
    }
}

/// Keys in templates: a string literal piped into one of the `t` filters.
fn template_keys(text: &str, keys: &mut BTreeSet<String>) {
    for (start, _) in text.match_indices('"') {
        let after = &text[start + 1..];
        let Some(end) = after.find('"') else { break };
        let key = &after[..end];
        let tail = after[end + 1..].trim_start();
        let piped = tail
            .strip_prefix('|')
            .map(str::trim_start)
            .is_some_and(|f| {
                f.starts_with("t ")
                    || f.starts_with("t}")
                    || f.starts_with("t(")
                    || f.starts_with("t1(")
                    || f.starts_with("t2(")
                    || f.starts_with("t3(")
            });
        if piped && !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            keys.insert(key.to_owned());
        }
    }
}

fn defined_keys() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for (_, source) in ZH_CN {
        for line in source.lines() {
            let Some((id, _)) = line.split_once(" =") else {
                continue;
            };
            if !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && line.starts_with(id)
            {
                keys.insert(id.to_owned());
            }
        }
    }
    keys
}

fn used_keys() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for path in rust_sources() {
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        macro_keys(&source, &mut keys);
    }
    for path in templates() {
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        template_keys(&source, &mut keys);
    }
    keys
}

#[test]
fn the_catalogue_parses_without_duplicate_keys() {
    let catalogue = Catalogue::load(Locale::ZhCn);
    assert!(catalogue.is_ok(), "{:?}", catalogue.err());
}

#[test]
fn every_key_in_use_exists_and_every_message_is_used() {
    let catalogue = super::catalogue();
    let used = used_keys();
    assert!(!used.is_empty(), "the scanner found no keys at all");
    let missing: Vec<_> = used.iter().filter(|k| !catalogue.has(k)).collect();
    assert!(
        missing.is_empty(),
        "keys used but not in the catalogue: {missing:?}"
    );
    let unused: Vec<_> = defined_keys()
        .into_iter()
        .filter(|k| !used.contains(k))
        .collect();
    assert!(unused.is_empty(), "messages no code asks for: {unused:?}");
}

#[test]
fn no_user_visible_chinese_outside_the_catalogue() {
    let mut offenders = Vec::new();
    for path in templates() {
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        for (number, line) in source.lines().enumerate() {
            if line.chars().any(is_chinese) {
                offenders.push(format!(
                    "{}:{}: {}",
                    relative(&path),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    for path in rust_sources() {
        let name = relative(&path);
        if VOCABULARY_FILES.contains(&name.as_str()) {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        for (number, line) in production_part(&source).lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if code.chars().any(is_chinese) {
                offenders.push(format!("{name}:{}: {}", number + 1, code));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "{} line(s) of Chinese outside i18n/ (move them into the catalogue):\n{}",
        offenders.len(),
        offenders.join("\n")
    );
}

#[test]
fn arguments_are_filled_in_without_isolation_marks() {
    let catalogue = super::catalogue();
    let text = catalogue.message(
        "contact-refused",
        &[
            ("status", super::arg("待回应")),
            ("action", super::arg("接受")),
            ("reason", super::arg(3)),
        ],
    );
    assert!(!text.contains('\u{2068}'), "{text:?}");
    assert!(text == "「待回应」状态下不能接受：3", "{text}");
}

#[test]
fn a_missing_key_shows_itself_rather_than_nothing() {
    assert_eq!(super::text("no-such-message"), "no-such-message");
}

/// The `$variables` a message uses.
fn message_variables(source: &str, key: &str) -> Option<BTreeSet<String>> {
    let lines: Vec<&str> = source.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.split_once(" =").is_some_and(|(id, _)| id == key))?;
    // The message: its first line and the indented lines that continue it, blank lines
    // included when an indented line follows them.
    let mut end = start + 1;
    let mut last = start + 1;
    while end < lines.len() && (lines[end].is_empty() || lines[end].starts_with(' ')) {
        end += 1;
        if lines[end - 1].starts_with(' ') {
            last = end;
        }
    }
    let text = lines[start..last].join("\n");
    Some(
        text.split('$')
            .skip(1)
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect()
            })
            .collect(),
    )
}

/// The comma-separated pieces of an argument list, from just after its opening
/// parenthesis to the matching closing one.
fn top_level_pieces(text: &str) -> Vec<String> {
    let (mut depth, mut in_string, mut previous) = (0usize, false, ' ');
    let (mut pieces, mut piece) = (Vec::new(), String::new());
    for c in text.chars() {
        if in_string {
            in_string = !(c == '"' && previous != '\\');
        } else if c == '"' {
            in_string = true;
        } else if matches!(c, '(' | '[' | '{') {
            depth += 1;
        } else if matches!(c, ')' | ']' | '}') {
            if depth == 0 {
                break;
            }
            depth -= 1;
        } else if c == ',' && depth == 0 {
            pieces.push(std::mem::take(&mut piece));
            previous = c;
            continue;
        }
        piece.push(c);
        previous = c;
    }
    pieces.push(piece);
    pieces
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The argument names of each `t!("key", name = …)` call.
fn macro_arguments(text: &str, found: &mut Vec<(String, BTreeSet<String>)>) {
    const MARKER: &str = "t!(";
    for (at, _) in text.match_indices(MARKER) {
        let called_t = text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        if !called_t || !text[at + MARKER.len()..].trim_start().starts_with('"') {
            continue;
        }
        let pieces = top_level_pieces(&text[at + MARKER.len()..]);
        let Some(key) = pieces.first().map(|k| k.trim_matches('"').to_owned()) else {
            continue;
        };
        let names = pieces[1..]
            .iter()
            .filter_map(|p| p.split_once('=').map(|(name, _)| name.trim().to_owned()))
            .collect();
        found.push((key, names));
    }
}

/// The argument names of each `"key"|t1("name", …)` / `t2("name", …, "name", …)` filter.
fn filter_arguments(text: &str, found: &mut Vec<(String, BTreeSet<String>)>) {
    for (filter, name_positions) in [("\"|t1(", &[0][..]), ("\"|t2(", &[0, 2][..])] {
        for (at, _) in text.match_indices(filter) {
            let Some(key_start) = text[..at].rfind('"') else {
                continue;
            };
            let key = text[key_start + 1..at].to_owned();
            let pieces = top_level_pieces(&text[at + filter.len()..]);
            let names = name_positions
                .iter()
                .filter_map(|i| pieces.get(*i))
                .map(|n| n.trim_matches('"').to_owned())
                .collect();
            found.push((key, names));
        }
    }
}

#[test]
fn every_call_passes_exactly_the_arguments_its_message_uses() {
    let catalogue: String = ZH_CN
        .iter()
        .map(|(_, source)| *source)
        .collect::<Vec<_>>()
        .join("\n");
    let mut calls = Vec::new();
    for path in rust_sources() {
        macro_arguments(
            &std::fs::read_to_string(&path).unwrap_or_default(),
            &mut calls,
        );
    }
    for path in templates() {
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        filter_arguments(&source, &mut calls);
        let mut plain = BTreeSet::new();
        template_keys(&source, &mut plain);
        for key in plain {
            if !source.contains(&format!("\"{key}\"|t1("))
                && !source.contains(&format!("\"{key}\"|t2("))
            {
                calls.push((key, BTreeSet::new()));
            }
        }
    }
    assert!(
        calls.len() > 100,
        "the scanner found only {} calls",
        calls.len()
    );
    let mut mismatches = Vec::new();
    for (key, passed) in calls {
        if let Some(used) = message_variables(&catalogue, &key)
            && used != passed
        {
            mismatches.push(format!(
                "{key}: message uses {used:?}, call passes {passed:?}"
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
