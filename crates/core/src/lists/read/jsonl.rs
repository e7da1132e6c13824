//! JSONL: one JSON object a line, the values named by their keys.

use super::workbook::number_text;
use super::{Cell, MAX_ROWS, RawRow, empty_file, excerpt, list_file, too_many_rows};
use crate::error::CoreError;
use crate::lists::RowProblem;
use crate::t;

/// The rows, the problems, and every key any line named (empty values included).
pub(super) type Keyed = (Vec<RawRow>, Vec<RowProblem>, Vec<String>);

pub(super) fn read(name: &str, bytes: &[u8]) -> Result<Keyed, CoreError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(list_file(name, t!("list-jsonl-not-utf8")));
    };
    let mut rows = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    let mut non_empty_lines = 0_usize;
    let mut objects = 0_usize;
    for (index, line) in text.split('\n').enumerate() {
        let row = index + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if row > MAX_ROWS {
            return Err(too_many_rows(name));
        }
        non_empty_lines += 1;
        let object = match serde_json::from_str::<JsonLine>(line) {
            Ok(JsonLine::Object(object)) => object,
            Ok(JsonLine::NotObject) => {
                problems.push(RowProblem {
                    sheet: None,
                    row,
                    column: None,
                    value: excerpt(line),
                    reason: t!("list-jsonl-not-object"),
                });
                continue;
            }
            Err(error) => {
                problems.push(RowProblem {
                    sheet: None,
                    row,
                    column: None,
                    value: excerpt(line),
                    reason: t!("list-jsonl-malformed", column = error.column()),
                });
                continue;
            }
        };
        objects += 1;
        let mut cells: Vec<(String, Cell)> = Vec::with_capacity(object.len());
        let mut row_problems = Vec::new();
        for (key, value) in object {
            let key = key.trim();
            if !key.is_empty() && !keys.iter().any(|k| k == key) {
                keys.push(key.to_owned());
            }
            match json_value(key, value) {
                Ok(None) => {}
                Ok(Some(_)) if key.is_empty() => row_problems.push(RowProblem {
                    sheet: None,
                    row,
                    column: None,
                    value: excerpt(line),
                    reason: t!("list-jsonl-empty-key"),
                }),
                Ok(Some(_)) if cells.iter().any(|(name, _)| name == key) => {
                    row_problems.push(RowProblem {
                        sheet: None,
                        row,
                        column: Some(key.to_owned()),
                        value: excerpt(line),
                        reason: t!("list-jsonl-duplicate-key", key = key),
                    });
                }
                Ok(Some(cell)) => cells.push((key.to_owned(), cell)),
                Err((shown, reason)) => row_problems.push(RowProblem {
                    sheet: None,
                    row,
                    column: Some(key.to_owned()),
                    value: excerpt(&shown),
                    reason,
                }),
            }
        }
        if !row_problems.is_empty() {
            problems.append(&mut row_problems);
        } else if !cells.is_empty() {
            rows.push(RawRow {
                sheet: None,
                row,
                cells,
            });
        }
    }
    if non_empty_lines == 0 {
        return Err(empty_file(name));
    }
    if objects == 0 {
        return Err(list_file(name, t!("list-jsonl-no-objects")));
    }
    Ok((rows, problems, keys))
}

/// One parsed JSONL line. Objects keep their fields in file order, which
/// `serde_json::Map` (without the `preserve_order` feature) would sort.
enum JsonLine {
    Object(Vec<(String, serde_json::Value)>),
    NotObject,
}

impl<'de> serde::Deserialize<'de> for JsonLine {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonLineVisitor)
    }
}

struct JsonLineVisitor;

impl<'de> serde::de::Visitor<'de> for JsonLineVisitor {
    type Value = JsonLine;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a json value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<JsonLine, A::Error> {
        let mut fields = Vec::new();
        while let Some(field) = map.next_entry::<String, serde_json::Value>()? {
            fields.push(field);
        }
        Ok(JsonLine::Object(fields))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<JsonLine, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(JsonLine::NotObject)
    }

    fn visit_bool<E>(self, _: bool) -> Result<JsonLine, E> {
        Ok(JsonLine::NotObject)
    }

    fn visit_i64<E>(self, _: i64) -> Result<JsonLine, E> {
        Ok(JsonLine::NotObject)
    }

    fn visit_u64<E>(self, _: u64) -> Result<JsonLine, E> {
        Ok(JsonLine::NotObject)
    }

    fn visit_f64<E>(self, _: f64) -> Result<JsonLine, E> {
        Ok(JsonLine::NotObject)
    }

    fn visit_str<E>(self, _: &str) -> Result<JsonLine, E> {
        Ok(JsonLine::NotObject)
    }

    fn visit_unit<E>(self) -> Result<JsonLine, E> {
        Ok(JsonLine::NotObject)
    }
}

/// Converts one JSON field to a cell: `Ok(None)` for values that count as empty,
/// `Err((shown, reason))` for shapes a list column cannot hold.
fn json_value(key: &str, value: serde_json::Value) -> Result<Option<Cell>, (String, String)> {
    use serde_json::Value;
    match value {
        Value::Array(items) => {
            let mut texts = Vec::with_capacity(items.len());
            for item in &items {
                match json_scalar(item) {
                    Some(Some(text)) => texts.push(text),
                    Some(None) => {}
                    None => {
                        return Err((
                            Value::Array(items.clone()).to_string(),
                            t!("list-jsonl-nested-list", key = key),
                        ));
                    }
                }
            }
            Ok((!texts.is_empty()).then_some(Cell::List(texts)))
        }
        Value::Object(_) => Err((value.to_string(), t!("list-jsonl-nested-object", key = key))),
        scalar => Ok(json_scalar(&scalar).flatten().map(Cell::Text)),
    }
}

/// Converts a JSON scalar to trimmed text: `None` for non-scalars, `Some(None)` for empty values.
fn json_scalar(value: &serde_json::Value) -> Option<Option<String>> {
    use serde_json::Value;
    match value {
        Value::Null => Some(None),
        Value::Bool(flag) => Some(Some(flag.to_string())),
        Value::Number(number) => Some(Some(if let Some(integer) = number.as_i64() {
            integer.to_string()
        } else if let Some(integer) = number.as_u64() {
            integer.to_string()
        } else {
            number_text(number.as_f64().unwrap_or(f64::NAN))
        })),
        Value::String(text) => {
            let text = text.trim();
            Some((!text.is_empty()).then(|| text.to_owned()))
        }
        Value::Array(_) | Value::Object(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::list_file_reason;
    use super::super::{Cell, Content, ListFormat, RawList, RawRow, read_list_bytes};

    fn text(value: &str) -> Cell {
        Cell::Text(value.to_owned())
    }

    fn cells(pairs: &[(&str, &str)]) -> Vec<(String, Cell)> {
        pairs
            .iter()
            .map(|(h, v)| ((*h).to_owned(), text(v)))
            .collect()
    }

    struct Keyed {
        format: ListFormat,
        rows: Vec<RawRow>,
        problems: Vec<crate::lists::RowProblem>,
    }

    fn keyed(list: RawList) -> Keyed {
        let Content::Keyed { rows, problems, .. } = list.content else {
            panic!("not keyed")
        };
        Keyed {
            format: list.format,
            rows,
            problems,
        }
    }

    // --- JSONL --------------------------------------------------------------

    fn jsonl(source: &str) -> Keyed {
        keyed(read_list_bytes(ListFormat::Jsonl, "test.jsonl", source.as_bytes()).unwrap())
    }

    #[test]
    fn jsonl_values_become_cells() {
        let list = jsonl(
            "{\"名称\": \" 储能 \", \"预算\": 50.0, \"比例\": 12.5, \"数量\": 3, \"公开\": false, \"备注\": null, \"空\": \"\", \"关键词\": [\"电池\", 7, true, null, \" \"]}\n",
        );
        assert!(list.problems.is_empty());
        assert_eq!(list.format, ListFormat::Jsonl);
        let row = &list.rows[0];
        assert_eq!(row.row, 1);
        assert_eq!(
            row.cells,
            vec![
                ("名称".to_owned(), text("储能")),
                ("预算".to_owned(), text("50")),
                ("比例".to_owned(), text("12.5")),
                ("数量".to_owned(), text("3")),
                ("公开".to_owned(), text("false")),
                (
                    "关键词".to_owned(),
                    Cell::List(vec!["电池".to_owned(), "7".to_owned(), "true".to_owned()])
                ),
            ]
        );
    }

    #[test]
    fn jsonl_bad_line_among_good_ones_is_one_problem() {
        let long_line = format!("{{\"a\": \"{}\"", "x".repeat(200));
        let list = jsonl(&format!("{{\"a\": 1}}\n\n{long_line}\r\n{{\"a\": 2}}\r\n"));
        let rows: Vec<usize> = list.rows.iter().map(|row| row.row).collect();
        assert_eq!(rows, vec![1, 4]);
        assert_eq!(list.problems.len(), 1);
        let problem = &list.problems[0];
        assert_eq!(problem.row, 3);
        assert_eq!(problem.column, None);
        assert_eq!(problem.value.chars().count(), 80);
        assert!(problem.reason.contains("JSON"), "{}", problem.reason);
    }

    #[test]
    fn jsonl_line_that_is_not_an_object_is_a_problem() {
        let list = jsonl("{\"a\": 1}\n[1, 2]\n\"text\"\n");
        assert_eq!(list.rows.len(), 1);
        let rows: Vec<usize> = list.problems.iter().map(|problem| problem.row).collect();
        assert_eq!(rows, vec![2, 3]);
    }

    #[test]
    fn jsonl_nested_values_are_problems_for_their_column() {
        let list = jsonl(
            "{\"a\": 1, \"b\": {\"c\": 2}}\n{\"a\": 2, \"b\": [{\"c\": 2}]}\n{\"a\": 3, \"b\": [[1]]}\n{}\n",
        );
        assert!(list.rows.is_empty());
        assert_eq!(list.problems.len(), 3);
        for problem in &list.problems {
            assert_eq!(problem.column.as_deref(), Some("b"));
        }
        assert_eq!(list.problems[0].value, "{\"c\":2}");
    }

    #[test]
    fn jsonl_that_is_binary_or_has_no_object_is_refused() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
        list_file_reason(read_list_bytes(ListFormat::Jsonl, "x.jsonl", png));
        let reason = list_file_reason(read_list_bytes(
            ListFormat::Jsonl,
            "x.jsonl",
            b"name,code\na,1\n",
        ));
        assert!(reason.contains("JSONL"), "{reason}");
        list_file_reason(read_list_bytes(ListFormat::Jsonl, "x.jsonl", b"\n\n"));
    }

    #[test]
    fn jsonl_repeated_or_empty_keys_are_problems() {
        let list = jsonl("{\"a\": 1, \" a \": 2}\n{\"\": 1}\n{\"\": null, \"b\": 1}\n");
        assert_eq!(
            list.rows,
            vec![RawRow {
                sheet: None,
                row: 3,
                cells: cells(&[("b", "1")])
            }]
        );
        assert_eq!(list.problems.len(), 2);
        assert_eq!(list.problems[0].column.as_deref(), Some("a"));
        assert_eq!(list.problems[1].row, 2);
    }

    #[test]
    fn jsonl_strips_a_bom() {
        let list = jsonl("\u{feff}{\"a\": \"b\"}\n");
        assert_eq!(list.rows[0].cells, cells(&[("a", "b")]));
    }
}
