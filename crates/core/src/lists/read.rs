//! Reading list files (CSV, XLSX, JSONL) into raw rows of header → text.
//!
//! Nothing here knows what a need or an achievement is: this layer only turns a
//! file into cells keyed by the headers written in it, and reports what it cannot
//! read in words the person who made the file understands. Row numbers are the
//! ones that person sees in a spreadsheet program (or the line numbers of a JSONL
//! file), so a report can say "row 14" and they can find it.
//!
//! A file that cannot be read as a whole is a [`CoreError::ListFile`]; a row that
//! cannot be read is a [`RowProblem`] and is left out of [`RawList::rows`], so the
//! rows and the problems of a file never describe the same row twice.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;
use std::path::Path;

use calamine::{DataRef, ExcelDateTime, Reader, SheetType, Xlsx, XlsxError};
use encoding_rs::{Encoding, GB18030};

use crate::error::CoreError;
use crate::lists::RowProblem;
use crate::t;

/// The highest row (or line) number a list may use; larger files are refused
/// before they exhaust memory.
pub const MAX_ROWS: usize = 1_000_000;

/// How much of an offending value a [`RowProblem`] quotes.
const PROBLEM_VALUE_CHARS: usize = 80;

/// The file formats a list can arrive in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Csv,
    Xlsx,
    Jsonl,
}

impl ListFormat {
    /// Picks the format from the file extension, ignoring case.
    ///
    /// # Errors
    ///
    /// Returns [`CoreError::ListFile`] when the extension is missing or not one of
    /// `.csv`, `.xlsx`, `.jsonl`, `.ndjson`.
    pub fn from_path(path: &Path) -> Result<ListFormat, CoreError> {
        let extension = path
            .extension()
            .and_then(|extension| extension.to_str())
            .map(str::to_ascii_lowercase);
        let reason = match extension.as_deref() {
            Some("csv") => return Ok(ListFormat::Csv),
            Some("xlsx") => return Ok(ListFormat::Xlsx),
            Some("jsonl" | "ndjson") => return Ok(ListFormat::Jsonl),
            Some("xls") => t!("list-xls-unsupported"),
            Some(other) => t!("list-extension-unsupported", extension = other),
            None => t!("list-extension-missing"),
        };
        Err(list_file(&path.display().to_string(), reason))
    }
}

/// One non-empty value of a row, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// Only JSON arrays produce lists; spreadsheets have no way to write one.
    List(Vec<String>),
}

/// One readable data row of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// The row number as a spreadsheet program shows it (header = row 1) or the JSONL line number.
    pub row: usize,
    /// (header as written in the file, trimmed; value), in file order; empty cells are absent.
    pub cells: Vec<(String, Cell)>,
}

impl RawRow {
    /// Returns the value under `header`, if the row has one.
    pub fn get(&self, header: &str) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|(name, _)| name == header)
            .map(|(_, cell)| cell)
    }
}

/// A list file read into rows, with the rows that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawList {
    pub format: ListFormat,
    pub rows: Vec<RawRow>,
    pub problems: Vec<RowProblem>,
}

/// Reads a list file from disk, picking the format from its extension.
///
/// # Errors
///
/// Returns [`CoreError::ListFile`] when the extension is not supported, the file
/// cannot be read, or its content is not the format its extension claims.
pub fn read_list(path: &Path) -> Result<RawList, CoreError> {
    let format = ListFormat::from_path(path)?;
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| {
        tracing::debug!(path = %name, %error, "cannot read list file");
        list_file(&name, io_reason(&error))
    })?;
    read_list_bytes(format, &name, &bytes)
}

/// Reads a list from bytes already in memory (an upload); `name` only appears in errors.
///
/// # Errors
///
/// Returns [`CoreError::ListFile`] when the content is not the given format, is
/// empty, has duplicate headers or more than [`MAX_ROWS`] rows.
pub fn read_list_bytes(format: ListFormat, name: &str, bytes: &[u8]) -> Result<RawList, CoreError> {
    let (rows, problems) = match format {
        ListFormat::Csv => read_csv(name, bytes)?,
        ListFormat::Xlsx => read_xlsx(name, bytes)?,
        ListFormat::Jsonl => read_jsonl(name, bytes)?,
    };
    Ok(RawList {
        format,
        rows,
        problems,
    })
}

fn list_file(name: &str, reason: impl Into<String>) -> CoreError {
    CoreError::ListFile {
        path: name.to_owned(),
        reason: reason.into(),
    }
}

fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => t!("list-file-not-found"),
        std::io::ErrorKind::PermissionDenied => t!("list-file-permission-denied"),
        std::io::ErrorKind::IsADirectory => t!("list-file-is-directory"),
        _ => t!("list-file-unreadable"),
    }
}

fn too_many_rows(name: &str) -> CoreError {
    list_file(name, t!("list-file-too-many-rows", max = MAX_ROWS))
}

fn empty_file(name: &str) -> CoreError {
    list_file(name, t!("list-file-empty"))
}

fn excerpt(value: &str) -> String {
    value.chars().take(PROBLEM_VALUE_CHARS).collect()
}

type Rows = (Vec<RawRow>, Vec<RowProblem>);

/// A cell value before it is attached to its header.
enum Found {
    Text(String),
    /// A cell that holds something, but nothing usable (an Excel error value, a nested JSON object).
    Unreadable {
        shown: String,
        reason: String,
    },
}

/// How messages name a column that has no header: CSV columns by number, XLSX by letter.
type ColumnLabel = fn(usize) -> String;

fn column_number(column: usize) -> String {
    t!("list-column", column = column + 1)
}

fn column_letter(column: usize) -> String {
    let mut letters = Vec::new();
    let mut rest = column + 1;
    while rest > 0 {
        let digit = (rest - 1) % 26;
        // `digit` is below 26, so the addition stays inside ASCII upper case.
        letters.push(char::from(b'A' + digit as u8));
        rest = (rest - 1) / 26;
    }
    letters.reverse();
    let column: String = letters.into_iter().collect();
    t!("list-column", column = column)
}

/// Refuses a header row that names the same column twice, since its cells could not be told apart.
fn check_headers(name: &str, headers: &[String], label: ColumnLabel) -> Result<(), CoreError> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (column, header) in headers.iter().enumerate() {
        if header.is_empty() {
            continue;
        }
        if let Some(first) = seen.insert(header, column) {
            let (a, b) = (label(first), label(column));
            let reason = t!("list-header-twice", header = header, first = a, second = b);
            return Err(list_file(name, reason));
        }
    }
    Ok(())
}

/// Attaches the cells of one row to their headers; any unreadable cell rejects the whole row.
fn assemble(
    headers: &[String],
    row: usize,
    found: Vec<(usize, Found)>,
    label: ColumnLabel,
) -> Result<RawRow, Vec<RowProblem>> {
    let mut cells = Vec::with_capacity(found.len());
    let mut problems = Vec::new();
    for (column, value) in found {
        let header = headers.get(column).filter(|header| !header.is_empty());
        match (header, value) {
            (None, value) => {
                let shown = match value {
                    Found::Text(text) => text,
                    Found::Unreadable { shown, .. } => shown,
                };
                problems.push(RowProblem {
                    row,
                    column: None,
                    value: excerpt(&shown),
                    reason: t!("list-cell-without-header", column = label(column)),
                });
            }
            (Some(header), Found::Text(text)) => cells.push((header.clone(), Cell::Text(text))),
            (Some(header), Found::Unreadable { shown, reason }) => problems.push(RowProblem {
                row,
                column: Some(header.clone()),
                value: excerpt(&shown),
                reason,
            }),
        }
    }
    if problems.is_empty() {
        Ok(RawRow { row, cells })
    } else {
        Err(problems)
    }
}

// ---------------------------------------------------------------------------
// CSV

fn read_csv(name: &str, bytes: &[u8]) -> Result<Rows, CoreError> {
    let text = decode_csv_text(name, bytes)?;
    let Some(header_line) = text.lines().find(|line| !line.trim().is_empty()) else {
        return Err(empty_file(name));
    };
    let delimiter = detect_delimiter(header_line);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());

    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut record = csv::StringRecord::new();
    // Spreadsheet programs show a quoted multi-line value as one row and a blank
    // line as an empty row, so rows are counted as the line breaks *between*
    // records; the reader's own line numbers count the breaks inside values too.
    let bytes = text.as_bytes();
    let mut row = 1_usize;
    let mut previous_content_end = 0_usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                tracing::debug!(path = %name, %error, "csv record unreadable");
                return Err(list_file(name, t!("list-csv-malformed")));
            }
        }
        let Some(position) = record.position() else {
            return Err(CoreError::Internal(
                "csv record without a position".to_owned(),
            ));
        };
        let (content_start, content_end) = record_content(
            bytes,
            usize_from(position.byte()),
            usize_from(reader.position().byte()),
        );
        row += line_breaks(
            bytes
                .get(previous_content_end..content_start)
                .unwrap_or_default(),
        );
        previous_content_end = content_end;

        let fields: Vec<&str> = record.iter().map(str::trim).collect();
        let Some(last_filled) = fields.iter().rposition(|field| !field.is_empty()) else {
            continue;
        };
        let Some(headers) = headers.as_ref() else {
            let names: Vec<String> = fields[..=last_filled]
                .iter()
                .map(|field| (*field).to_owned())
                .collect();
            check_headers(name, &names, column_number)?;
            headers = Some(names);
            continue;
        };
        if row > MAX_ROWS {
            return Err(too_many_rows(name));
        }
        if last_filled >= headers.len() {
            let (cells, width) = (last_filled + 1, headers.len());
            problems.push(RowProblem {
                row,
                column: None,
                value: excerpt(&fields[..=last_filled].join(&char::from(delimiter).to_string())),
                reason: t!("list-csv-too-many-cells", cells = cells, headers = width),
            });
            continue;
        }
        let found = fields
            .iter()
            .enumerate()
            .filter(|(_, field)| !field.is_empty())
            .map(|(column, field)| {
                let text = super::write::restore_neutralised_csv_cell(field).trim();
                (column, Found::Text(text.to_owned()))
            })
            .collect();
        match assemble(headers, row, found, column_number) {
            Ok(raw) => rows.push(raw),
            Err(mut row_problems) => problems.append(&mut row_problems),
        }
    }
    Ok((rows, problems))
}

fn usize_from(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

/// Narrows a record's byte span to its content: the reader hands out spans that
/// start with the blank lines before the record and end with (part of) its line break.
fn record_content(bytes: &[u8], start: usize, end: usize) -> (usize, usize) {
    let span = bytes.get(start..end).unwrap_or_default();
    let is_break = |byte: &&u8| matches!(**byte, b'\r' | b'\n');
    let leading = span.iter().take_while(is_break).count();
    let trailing = span[leading..].iter().rev().take_while(is_break).count();
    (start + leading, end - trailing)
}

/// Counts line breaks, taking `\r\n`, `\n` and a lone `\r` as one each, as the CSV reader does.
fn line_breaks(gap: &[u8]) -> usize {
    let mut count = 0;
    let mut bytes = gap.iter().peekable();
    while let Some(byte) = bytes.next() {
        match byte {
            b'\n' => count += 1,
            b'\r' => {
                count += 1;
                bytes.next_if_eq(&&b'\n');
            }
            _ => {}
        }
    }
    count
}

/// Decodes CSV bytes: a BOM wins, then UTF-8, then GB18030 (what Chinese Excel writes as "CSV").
fn decode_csv_text(name: &str, bytes: &[u8]) -> Result<String, CoreError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(list_file(name, t!("list-csv-is-zip")));
    }
    let unknown_encoding = || list_file(name, t!("list-csv-unknown-encoding"));
    let text: Cow<'_, str> = if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_length..]);
        if had_errors {
            return Err(unknown_encoding());
        }
        text
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        Cow::Borrowed(text)
    } else {
        let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
        if had_errors {
            return Err(unknown_encoding());
        }
        text
    };
    if text.contains('\0') {
        return Err(list_file(name, t!("list-csv-binary")));
    }
    Ok(text.into_owned())
}

/// Picks the separator that occurs most often outside quotes in the header line;
/// commas win ties because they are by far the most common.
fn detect_delimiter(header_line: &str) -> u8 {
    const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];
    let mut counts = [0_usize; CANDIDATES.len()];
    let mut in_quotes = false;
    for byte in header_line.bytes() {
        if byte == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes && let Some(index) = CANDIDATES.iter().position(|c| *c == byte) {
            counts[index] += 1;
        }
    }
    let mut best = 0;
    for index in 1..CANDIDATES.len() {
        if counts[index] > counts[best] {
            best = index;
        }
    }
    CANDIDATES[best]
}

// ---------------------------------------------------------------------------
// XLSX

/// What an XLSX may expand to. A real list of tens of thousands of rows is a few tens of
/// megabytes of XML; a zip bomb is gigabytes.
const MAX_XLSX_UNCOMPRESSED: u64 = 200 * 1024 * 1024;

/// Refuses a workbook that would expand beyond [`MAX_XLSX_UNCOMPRESSED`] before the
/// spreadsheet reader inflates it. The sizes a zip declares can lie, so the parts are
/// inflated once into nothing, counting, and stopped at the limit.
fn refuse_zip_bomb(name: &str, bytes: &[u8]) -> Result<(), CoreError> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        // Not a zip at all: the spreadsheet reader says what it is instead.
        return Ok(());
    };
    let too_large = || {
        list_file(
            name,
            t!(
                "list-xlsx-too-large",
                max = MAX_XLSX_UNCOMPRESSED / (1024 * 1024)
            ),
        )
    };
    let mut declared: u64 = 0;
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(index) else {
            continue;
        };
        declared = declared.saturating_add(entry.size());
        if declared > MAX_XLSX_UNCOMPRESSED {
            return Err(too_large());
        }
    }
    let mut inflated: u64 = 0;
    for index in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(index) else {
            continue;
        };
        let budget = MAX_XLSX_UNCOMPRESSED - inflated;
        let read = std::io::copy(
            &mut std::io::Read::take(&mut entry, budget + 1),
            &mut std::io::sink(),
        )
        .unwrap_or(0);
        inflated += read;
        if inflated > MAX_XLSX_UNCOMPRESSED {
            return Err(too_large());
        }
    }
    Ok(())
}

fn read_xlsx(name: &str, bytes: &[u8]) -> Result<Rows, CoreError> {
    refuse_zip_bomb(name, bytes)?;
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|error| {
        tracing::debug!(path = %name, %error, "not an xlsx workbook");
        list_file(name, not_xlsx_reason(bytes, &error))
    })?;
    let broken = |error: XlsxError| {
        tracing::debug!(path = %name, %error, "xlsx worksheet unreadable");
        list_file(name, t!("list-xlsx-sheet-corrupt"))
    };
    let Some(sheet) = workbook
        .sheets_metadata()
        .iter()
        .find(|sheet| sheet.typ == SheetType::WorkSheet)
        .map(|sheet| sheet.name.clone())
    else {
        return Err(list_file(name, t!("list-xlsx-no-sheet")));
    };

    // Only non-empty cells are kept, so memory follows the content, not the declared sheet size.
    let mut by_row: BTreeMap<usize, Vec<(usize, Found)>> = BTreeMap::new();
    let mut cells = workbook.worksheet_cells_reader(&sheet).map_err(broken)?;
    while let Some(cell) = cells.next_cell().map_err(broken)? {
        let Some(found) = xlsx_value(cell.get_value()) else {
            continue;
        };
        let (row, column) = cell.get_position();
        let (row, column) = (row as usize, column as usize);
        if row >= MAX_ROWS {
            return Err(too_many_rows(name));
        }
        by_row.entry(row).or_default().push((column, found));
    }

    let mut sheet_rows = by_row.into_iter();
    let Some((header_row, header_cells)) = sheet_rows.next() else {
        return Err(empty_file(name));
    };
    let width = header_cells
        .iter()
        .map(|(column, _)| column + 1)
        .max()
        .unwrap_or_default();
    let mut headers = vec![String::new(); width];
    for (column, value) in header_cells {
        match value {
            Found::Text(text) => headers[column] = text,
            Found::Unreadable { shown, .. } => {
                let (r, c) = (header_row + 1, column_letter(column));
                let reason = t!("list-xlsx-header-error", row = r, column = c, value = shown);
                return Err(list_file(name, reason));
            }
        }
    }
    check_headers(name, &headers, column_letter)?;

    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (row, mut found) in sheet_rows {
        found.sort_by_key(|(column, _)| *column);
        match assemble(&headers, row + 1, found, column_letter) {
            Ok(raw) => rows.push(raw),
            Err(mut row_problems) => problems.append(&mut row_problems),
        }
    }
    Ok((rows, problems))
}

/// Explains, from the first bytes, what a file that claims to be XLSX really is.
fn not_xlsx_reason(bytes: &[u8], error: &XlsxError) -> String {
    const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    if matches!(error, XlsxError::Password) {
        t!("list-xlsx-password")
    } else if bytes.is_empty() {
        t!("list-xlsx-empty")
    } else if bytes.starts_with(OLE_MAGIC) {
        t!("list-xlsx-is-xls")
    } else if bytes.starts_with(b"PK") {
        t!("list-xlsx-no-workbook")
    } else if std::str::from_utf8(bytes).is_ok() || !GB18030.decode_without_bom_handling(bytes).1 {
        t!("list-xlsx-plain-text")
    } else {
        t!("list-xlsx-corrupt")
    }
}

fn xlsx_value(value: &DataRef<'_>) -> Option<Found> {
    let text = match value {
        DataRef::Empty => return None,
        DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text)
            if text.trim().is_empty() =>
        {
            return None;
        }
        DataRef::String(text) => text.trim().to_owned(),
        DataRef::SharedString(text) => {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            text.to_owned()
        }
        DataRef::Int(number) => number.to_string(),
        DataRef::Float(number) => number_text(*number),
        DataRef::Bool(flag) => flag.to_string(),
        DataRef::DateTime(datetime) => excel_datetime_text(datetime),
        DataRef::DateTimeIso(text) => iso_datetime_text(text.trim()),
        DataRef::DurationIso(text) => text.trim().to_owned(),
        DataRef::Error(error) => {
            return Some(Found::Unreadable {
                shown: error.to_string(),
                reason: t!("list-xlsx-cell-error", value = error.to_string()),
            });
        }
    };
    Some(Found::Text(text))
}

/// Writes a number the way a person typed it: no ".0" on whole numbers, and
/// rounded to the 15 significant digits Excel shows, so 0.1 + 0.2 reads "0.3".
fn number_text(number: f64) -> String {
    if !number.is_finite() {
        return number.to_string();
    }
    if number.fract() == 0.0 && number.abs() < 1e15 {
        // Whole and below 2^53: the conversion is exact.
        return format!("{}", number as i64);
    }
    let rounded: f64 = format!("{number:.14e}").parse().unwrap_or(number);
    rounded.to_string()
}

fn excel_datetime_text(datetime: &ExcelDateTime) -> String {
    if datetime.is_duration() {
        let total_seconds = (datetime.as_f64() * 86_400.0).round() as i64;
        return format!(
            "{}:{:02}:{:02}",
            total_seconds / 3600,
            (total_seconds % 3600) / 60,
            total_seconds % 60
        );
    }
    let (year, month, day, hour, minute, second, _) = datetime.to_ymd_hms_milli();
    let has_time = (hour, minute, second) != (0, 0, 0);
    // Serial values below one day carry no date: the cell holds a time of day only.
    if datetime.as_f64() < 1.0 {
        format!("{hour:02}:{minute:02}:{second:02}")
    } else if has_time {
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02}")
    }
}

fn iso_datetime_text(text: &str) -> String {
    use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
    if let Ok(datetime) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        if datetime.time().num_seconds_from_midnight() == 0 {
            return datetime.format("%Y-%m-%d").to_string();
        }
        return datetime.format("%Y-%m-%d %H:%M:%S").to_string();
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return date.format("%Y-%m-%d").to_string();
    }
    if let Ok(time) = NaiveTime::parse_from_str(text, "%H:%M:%S%.f") {
        return time.format("%H:%M:%S").to_string();
    }
    text.to_owned()
}

// ---------------------------------------------------------------------------
// JSONL

fn read_jsonl(name: &str, bytes: &[u8]) -> Result<Rows, CoreError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(list_file(name, t!("list-jsonl-not-utf8")));
    };
    let mut rows = Vec::new();
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
                    row,
                    column: None,
                    value: excerpt(line),
                    reason: t!("list-jsonl-not-object"),
                });
                continue;
            }
            Err(error) => {
                problems.push(RowProblem {
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
            match json_value(key, value) {
                Ok(None) => {}
                Ok(Some(_)) if key.is_empty() => row_problems.push(RowProblem {
                    row,
                    column: None,
                    value: excerpt(line),
                    reason: t!("list-jsonl-empty-key"),
                }),
                Ok(Some(_)) if cells.iter().any(|(name, _)| name == key) => {
                    row_problems.push(RowProblem {
                        row,
                        column: Some(key.to_owned()),
                        value: excerpt(line),
                        reason: t!("list-jsonl-duplicate-key", key = key),
                    });
                }
                Ok(Some(cell)) => cells.push((key.to_owned(), cell)),
                Err((shown, reason)) => row_problems.push(RowProblem {
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
            rows.push(RawRow { row, cells });
        }
    }
    if non_empty_lines == 0 {
        return Err(empty_file(name));
    }
    if objects == 0 {
        return Err(list_file(name, t!("list-jsonl-no-objects")));
    }
    Ok((rows, problems))
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
    use super::*;

    fn text(value: &str) -> Cell {
        Cell::Text(value.to_owned())
    }

    fn cells(pairs: &[(&str, &str)]) -> Vec<(String, Cell)> {
        pairs
            .iter()
            .map(|(header, value)| ((*header).to_owned(), text(value)))
            .collect()
    }

    fn csv(bytes: &[u8]) -> RawList {
        read_list_bytes(ListFormat::Csv, "test.csv", bytes).unwrap()
    }

    fn list_file_reason(result: Result<RawList, CoreError>) -> String {
        match result {
            Err(CoreError::ListFile { reason, .. }) => reason,
            other => panic!("expected a ListFile error, got {other:?}"),
        }
    }

    // --- format detection -------------------------------------------------

    #[test]
    fn format_follows_the_extension_ignoring_case() {
        let cases = [
            ("a.csv", ListFormat::Csv),
            ("a.CSV", ListFormat::Csv),
            ("dir/需求清单.Xlsx", ListFormat::Xlsx),
            ("a.jsonl", ListFormat::Jsonl),
            ("a.NDJSON", ListFormat::Jsonl),
        ];
        for (path, expected) in cases {
            assert_eq!(
                ListFormat::from_path(Path::new(path)).unwrap(),
                expected,
                "{path}"
            );
        }
    }

    #[test]
    fn unsupported_extensions_name_the_supported_ones() {
        for path in ["a.txt", "a.xls", "a", "a.json"] {
            let reason = match ListFormat::from_path(Path::new(path)) {
                Err(CoreError::ListFile { reason, .. }) => reason,
                other => panic!("{path}: {other:?}"),
            };
            assert!(
                reason.contains(".csv") && reason.contains(".xlsx") && reason.contains(".jsonl"),
                "{reason}"
            );
        }
    }

    // --- CSV ----------------------------------------------------------------

    #[test]
    fn csv_rows_are_numbered_as_in_a_spreadsheet() {
        let list = csv("名称,领域\n新材料,化工\n\n  ,  \n储能,能源\n".as_bytes());
        assert_eq!(list.format, ListFormat::Csv);
        assert!(list.problems.is_empty(), "{:?}", list.problems);
        assert_eq!(
            list.rows,
            vec![
                RawRow {
                    row: 2,
                    cells: cells(&[("名称", "新材料"), ("领域", "化工")])
                },
                RawRow {
                    row: 5,
                    cells: cells(&[("名称", "储能"), ("领域", "能源")])
                },
            ]
        );
    }

    #[test]
    fn csv_header_after_blank_lines_keeps_its_row_number() {
        let list = csv(b"\n,,\nname,code\nx,1\n");
        assert_eq!(
            list.rows,
            vec![RawRow {
                row: 4,
                cells: cells(&[("name", "x"), ("code", "1")])
            }]
        );
    }

    #[test]
    fn csv_multi_line_values_count_as_one_row() {
        let list = csv(b"name,note\r\na,\"line 1\r\nline 2\nline 3\"\r\nb,x\r\n\r\nc,y");
        let numbers: Vec<usize> = list.rows.iter().map(|row| row.row).collect();
        assert_eq!(numbers, vec![2, 3, 5]);
        assert_eq!(
            list.rows[0].get("note"),
            Some(&text("line 1\r\nline 2\nline 3"))
        );
    }

    #[test]
    fn csv_values_are_trimmed_and_empty_cells_omitted() {
        let list = csv(b" name , code ,note\n  a  ,, \n");
        assert_eq!(
            list.rows,
            vec![RawRow {
                row: 2,
                cells: cells(&[("name", "a")])
            }]
        );
    }

    #[test]
    fn csv_strips_a_utf8_bom() {
        let list = csv("\u{feff}名称,金额\n甲,50\n".as_bytes());
        assert_eq!(list.rows[0].cells, cells(&[("名称", "甲"), ("金额", "50")]));
    }

    #[test]
    fn csv_in_gbk_is_decoded() {
        let source = "企业名称,技术需求\n某某科技有限公司,高效储能材料\n";
        let (encoded, _, had_errors) = encoding_rs::GBK.encode(source);
        assert!(!had_errors);
        assert!(
            std::str::from_utf8(&encoded).is_err(),
            "the sample must not be valid UTF-8"
        );
        let list = csv(&encoded);
        assert_eq!(
            list.rows[0].cells,
            cells(&[
                ("企业名称", "某某科技有限公司"),
                ("技术需求", "高效储能材料")
            ])
        );
    }

    #[test]
    fn csv_in_utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "名称\t领域\n储能\t能源\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let list = csv(&bytes);
        assert_eq!(
            list.rows[0].cells,
            cells(&[("名称", "储能"), ("领域", "能源")])
        );
    }

    #[test]
    fn csv_in_an_unknown_encoding_is_refused() {
        // 0x80 and 0xFF are not lead bytes in GB18030 either.
        let reason = list_file_reason(read_list_bytes(
            ListFormat::Csv,
            "x.csv",
            b"a,b\n\x80\xFF,1\n",
        ));
        assert!(reason.contains("编码"), "{reason}");
    }

    #[test]
    fn csv_with_semicolons_or_tabs_is_split_on_them() {
        let list = csv("名称;金额;备注\n甲;12,5;\"a;b\"\n".as_bytes());
        assert_eq!(
            list.rows[0].cells,
            cells(&[("名称", "甲"), ("金额", "12,5"), ("备注", "a;b")])
        );
        let list = csv(b"name\tcode\nx, y\t007\n");
        assert_eq!(
            list.rows[0].cells,
            cells(&[("name", "x, y"), ("code", "007")])
        );
    }

    #[test]
    fn csv_row_with_more_columns_than_the_header_is_a_problem() {
        let list = csv(b"a,b,c,d,e\n1,2,3,4,5\n1,2,3,4,5,6,7\n1,2,3,4,5,,\n");
        assert_eq!(
            list.rows.len(),
            2,
            "trailing empty fields are not extra columns"
        );
        assert_eq!(list.rows[1].row, 4);
        assert_eq!(list.problems.len(), 1);
        let problem = &list.problems[0];
        assert_eq!(problem.row, 3);
        assert_eq!(problem.column, None);
        assert_eq!(problem.value, "1,2,3,4,5,6,7");
        assert!(
            problem.reason.contains("该行有 7 列，表头只有 5 列"),
            "{}",
            problem.reason
        );
    }

    #[test]
    fn csv_data_under_an_empty_header_is_a_problem() {
        let list = csv(b"a,,c\n1,,3\n1,2,3\n");
        assert_eq!(
            list.rows,
            vec![RawRow {
                row: 2,
                cells: cells(&[("a", "1"), ("c", "3")])
            }]
        );
        assert_eq!(
            list.problems,
            vec![RowProblem {
                row: 3,
                column: None,
                value: "2".to_owned(),
                reason: "第 2 列有内容，但这一列没有表头".to_owned(),
            }]
        );
    }

    #[test]
    fn csv_duplicate_headers_are_refused() {
        let reason = list_file_reason(read_list_bytes(
            ListFormat::Csv,
            "x.csv",
            "名称,名称 \n1,2\n".as_bytes(),
        ));
        assert!(
            reason.contains("名称") && reason.contains("两次"),
            "{reason}"
        );
    }

    #[test]
    fn csv_that_is_empty_or_binary_is_refused() {
        list_file_reason(read_list_bytes(ListFormat::Csv, "x.csv", b""));
        list_file_reason(read_list_bytes(ListFormat::Csv, "x.csv", b"\n \n"));
        list_file_reason(read_list_bytes(
            ListFormat::Csv,
            "x.csv",
            b"a,b\n\0\0\0,1\n",
        ));
        let reason = list_file_reason(read_list_bytes(ListFormat::Csv, "x.csv", b"PK\x03\x04rest"));
        assert!(reason.contains(".xlsx"), "{reason}");
    }

    #[test]
    fn csv_header_without_rows_is_an_empty_list() {
        let list = csv(b"a,b\n");
        assert!(list.rows.is_empty() && list.problems.is_empty());
    }

    #[test]
    fn read_list_reads_from_disk_by_extension() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("清单.CSV");
        std::fs::write(&path, "名称\n甲\n").unwrap();
        let list = read_list(&path).unwrap();
        assert_eq!(list.rows[0].cells, cells(&[("名称", "甲")]));

        let missing = dir.path().join("missing.csv");
        let reason = list_file_reason(read_list(&missing));
        assert_eq!(reason, "文件不存在");
    }

    // --- XLSX ---------------------------------------------------------------

    fn xlsx_bytes(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        build(workbook.add_worksheet());
        workbook.save_to_buffer().unwrap()
    }

    fn xlsx(bytes: &[u8]) -> RawList {
        read_list_bytes(ListFormat::Xlsx, "test.xlsx", bytes).unwrap()
    }

    #[test]
    fn xlsx_cells_become_text() {
        let bytes = xlsx_bytes(|sheet| {
            let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
            let datetime = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
            let headers = ["名称", "预算", "比例", "合作", "截止", "时间", "代码"];
            for (column, header) in headers.iter().enumerate() {
                sheet.write_string(0, column as u16, *header).unwrap();
            }
            sheet.write_string(1, 0, "  新型电池  ").unwrap();
            sheet.write_number(1, 1, 50.0).unwrap();
            sheet.write_number(1, 2, 12.5).unwrap();
            sheet.write_boolean(1, 3, true).unwrap();
            let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 3, 9).unwrap();
            sheet.write_datetime_with_format(1, 4, &day, &date).unwrap();
            let moment = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 3, 9)
                .unwrap()
                .and_hms(14, 30, 5)
                .unwrap();
            sheet
                .write_datetime_with_format(1, 5, &moment, &datetime)
                .unwrap();
            sheet.write_string(1, 6, "007").unwrap();
            sheet.write_number(2, 1, 0.1 + 0.2).unwrap();
        });
        let list = xlsx(&bytes);
        assert_eq!(list.format, ListFormat::Xlsx);
        assert!(list.problems.is_empty(), "{:?}", list.problems);
        assert_eq!(
            list.rows,
            vec![
                RawRow {
                    row: 2,
                    cells: cells(&[
                        ("名称", "新型电池"),
                        ("预算", "50"),
                        ("比例", "12.5"),
                        ("合作", "true"),
                        ("截止", "2025-03-09"),
                        ("时间", "2025-03-09 14:30:05"),
                        ("代码", "007"),
                    ]),
                },
                RawRow {
                    row: 3,
                    cells: cells(&[("预算", "0.3")])
                },
            ]
        );
    }

    #[test]
    fn xlsx_error_cell_is_a_problem_for_its_row_and_column() {
        let bytes = xlsx_bytes(|sheet| {
            sheet.write_string(0, 0, "名称").unwrap();
            sheet.write_string(0, 1, "比率").unwrap();
            sheet.write_string(1, 0, "甲").unwrap();
            sheet.write_formula(1, 1, "=1/0").unwrap();
            sheet.set_formula_result(1, 1, "#DIV/0!");
            sheet.write_string(2, 0, "乙").unwrap();
            sheet.write_number(2, 1, 3).unwrap();
        });
        let list = xlsx(&bytes);
        assert_eq!(
            list.rows,
            vec![RawRow {
                row: 3,
                cells: cells(&[("名称", "乙"), ("比率", "3")])
            }]
        );
        assert_eq!(list.problems.len(), 1);
        let problem = &list.problems[0];
        assert_eq!(
            (
                problem.row,
                problem.column.as_deref(),
                problem.value.as_str()
            ),
            (2, Some("比率"), "#DIV/0!")
        );
    }

    #[test]
    fn xlsx_header_is_the_first_non_empty_row_and_rows_keep_sheet_numbers() {
        let bytes = xlsx_bytes(|sheet| {
            sheet.write_string(2, 1, "名称").unwrap();
            sheet.write_string(2, 2, "领域").unwrap();
            sheet.write_string(3, 1, "甲").unwrap();
            sheet.write_string(5, 2, "能源").unwrap();
            sheet.write_string(6, 1, "   ").unwrap();
        });
        let list = xlsx(&bytes);
        assert!(list.problems.is_empty());
        assert_eq!(
            list.rows,
            vec![
                RawRow {
                    row: 4,
                    cells: cells(&[("名称", "甲")])
                },
                RawRow {
                    row: 6,
                    cells: cells(&[("领域", "能源")])
                },
            ]
        );
    }

    #[test]
    fn xlsx_data_without_a_header_is_a_problem() {
        let bytes = xlsx_bytes(|sheet| {
            sheet.write_string(0, 0, "名称").unwrap();
            sheet.write_string(1, 0, "甲").unwrap();
            sheet.write_string(1, 27, "多余").unwrap();
        });
        let list = xlsx(&bytes);
        assert!(list.rows.is_empty());
        assert_eq!(list.problems[0].reason, "第 AB 列有内容，但这一列没有表头");
    }

    #[test]
    fn xlsx_duplicate_headers_are_refused() {
        let bytes = xlsx_bytes(|sheet| {
            sheet.write_string(0, 0, "名称").unwrap();
            sheet.write_string(0, 3, "名称").unwrap();
        });
        let reason = list_file_reason(read_list_bytes(ListFormat::Xlsx, "x.xlsx", &bytes));
        assert!(
            reason.contains("第 A 列") && reason.contains("第 D 列"),
            "{reason}"
        );
    }

    #[test]
    fn xlsx_reads_the_first_worksheet() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        for name in ["first", "second"] {
            let sheet = workbook.add_worksheet();
            sheet.write_string(0, 0, "sheet").unwrap();
            sheet.write_string(1, 0, name).unwrap();
        }
        let bytes = workbook.save_to_buffer().unwrap();
        assert_eq!(xlsx(&bytes).rows[0].cells, cells(&[("sheet", "first")]));
    }

    #[test]
    fn xlsx_that_is_really_csv_is_one_list_file_error() {
        let result = read_list_bytes(ListFormat::Xlsx, "x.xlsx", "名称,领域\n甲,乙\n".as_bytes());
        let reason = list_file_reason(result);
        assert!(reason.starts_with("不是有效的 XLSX 文件："), "{reason}");
        assert!(reason.contains(".csv"), "{reason}");
    }

    #[test]
    fn xlsx_that_is_empty_or_an_old_xls_is_refused() {
        list_file_reason(read_list_bytes(ListFormat::Xlsx, "x.xlsx", b""));
        let reason = list_file_reason(read_list_bytes(
            ListFormat::Xlsx,
            "x.xlsx",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0",
        ));
        assert!(reason.contains(".xls"), "{reason}");
        let empty_sheet = xlsx_bytes(|_| {});
        list_file_reason(read_list_bytes(ListFormat::Xlsx, "x.xlsx", &empty_sheet));
    }

    #[test]
    fn xlsx_over_the_row_limit_is_refused() {
        let bytes = xlsx_bytes(|sheet| {
            sheet.write_string(0, 0, "名称").unwrap();
            sheet.write_string(MAX_ROWS as u32, 0, "太远").unwrap();
        });
        let reason = list_file_reason(read_list_bytes(ListFormat::Xlsx, "x.xlsx", &bytes));
        assert!(reason.contains("1000000"), "{reason}");
    }

    #[test]
    fn numbers_are_written_without_a_trailing_zero() {
        assert_eq!(number_text(50.0), "50");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(12.5), "12.5");
        assert_eq!(number_text(13_800_138_000.0), "13800138000");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
    }

    #[test]
    fn excel_dates_and_times_become_iso_text() {
        use calamine::ExcelDateTimeType;
        let serial = |value| ExcelDateTime::new(value, ExcelDateTimeType::DateTime, false);
        assert_eq!(excel_datetime_text(&serial(45_725.0)), "2025-03-09");
        assert_eq!(
            excel_datetime_text(&serial(45_725.5)),
            "2025-03-09 12:00:00"
        );
        assert_eq!(excel_datetime_text(&serial(0.75)), "18:00:00");
        assert_eq!(
            excel_datetime_text(&serial(45_725.0 + 12.5 / 24.0)),
            "2025-03-09 12:30:00"
        );
        assert_eq!(iso_datetime_text("2025-03-09T00:00:00"), "2025-03-09");
        assert_eq!(
            iso_datetime_text("2025-03-09T08:15:00.5"),
            "2025-03-09 08:15:00"
        );
    }

    // --- JSONL --------------------------------------------------------------

    fn jsonl(source: &str) -> RawList {
        read_list_bytes(ListFormat::Jsonl, "test.jsonl", source.as_bytes()).unwrap()
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
