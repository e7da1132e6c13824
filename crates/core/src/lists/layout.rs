//! Finding the table in a sheet as offices make it: the header row is found, not
//! assumed; the title, unit and date rows above it and the notes, totals and repeated
//! headers below it are recognised and named in the report, not read as postings.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::lists::RowProblem;
use crate::lists::columns::{
    self, CONTACT_FIELD, Column, ColumnMapping, NOTE_MARK_FOLLOWERS, NOTE_MARKS, NOTE_WORDS,
    Placed, TOTAL_WORDS,
};
use crate::lists::read::{Cell, Content, GridCell, GridRow, RawList, RawRow, Sheet, excerpt};
use crate::t;

/// How far down a sheet its header may be: title, unit and date rows take a few.
const HEADER_SEARCH_ROWS: usize = 20;

/// Where each header of a file goes ([`None`]: nowhere), keyed by the header as written.
#[derive(Debug, Clone, Default)]
pub struct Placements {
    by_header: HashMap<String, Option<Placed>>,
    /// The sheets (none for CSV, JSONL and forms) with a contact column: only their
    /// rows say anything of contacts, so only theirs may clear one.
    contact_sheets: HashSet<Option<String>>,
}

fn is_contact(placed: Placed) -> bool {
    matches!(
        placed.field,
        CONTACT_FIELD | "contact_person" | "contact_phone" | "contact_email"
    )
}

impl Placements {
    /// Places every header in `headers` against `columns`, hand mappings first.
    pub fn of<'h>(
        columns: &[Column],
        mapping: &ColumnMapping,
        headers: impl IntoIterator<Item = &'h str>,
    ) -> Placements {
        let mut placements = Placements::default();
        for header in headers {
            if placements
                .add(columns, mapping, header)
                .is_some_and(is_contact)
            {
                placements.contact_sheets.insert(None);
            }
        }
        placements
    }

    /// Places the headers of one row, as a form or an API request names its fields.
    pub fn of_row(columns: &[Column], row: &RawRow) -> Placements {
        Placements::of(
            columns,
            &ColumnMapping::new(),
            row.cells.iter().map(|(header, _)| header.as_str()),
        )
    }

    fn add(&mut self, columns: &[Column], mapping: &ColumnMapping, header: &str) -> Option<Placed> {
        *self
            .by_header
            .entry(header.to_owned())
            .or_insert_with(|| columns::place(columns, mapping, header))
    }

    pub fn get(&self, header: &str) -> Option<Placed> {
        self.by_header.get(header).copied().flatten()
    }

    /// Whether the sheet `sheet` has a contact column (person, phone, email or combined).
    pub fn names_a_contact_on(&self, sheet: Option<&String>) -> bool {
        self.contact_sheets.contains(&sheet.cloned())
    }
}

/// A row of a sheet that is not a posting, as the report names it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRow {
    pub row: usize,
    /// The start of the row's text.
    pub text: String,
}

/// How one sheet was read.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetLayout {
    /// The sheet's name; a CSV file has none.
    pub sheet: Option<String>,
    /// The header row, and the row of sub-headers under grouped headers if there is one.
    pub header_rows: Vec<usize>,
    /// The title, unit and date rows above the header.
    pub title_rows: Vec<SkippedRow>,
    /// Notes, totals and repeated headers below it.
    pub notes_rows: Vec<SkippedRow>,
    /// The rows read as postings (good or with problems).
    pub data_rows: usize,
}

impl SheetLayout {
    /// One sentence for the person who made the file: where the header was found and
    /// which rows were taken as title and notes.
    pub fn summary(&self) -> String {
        let rows = |rows: &[SkippedRow]| {
            rows.iter()
                .map(|r| r.row.to_string())
                .collect::<Vec<_>>()
                .join(&t!("list-separator"))
        };
        let header = self
            .header_rows
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(&t!("list-separator"));
        let mut parts = vec![t!("layout-header-rows", rows = header)];
        if !self.title_rows.is_empty() {
            parts.push(t!("layout-title-rows", rows = rows(&self.title_rows)));
        }
        if !self.notes_rows.is_empty() {
            parts.push(t!("layout-notes-rows", rows = rows(&self.notes_rows)));
        }
        parts.push(t!("layout-data-rows", count = self.data_rows));
        let text = parts.join(&t!("layout-part-separator"));
        match &self.sheet {
            Some(sheet) => t!("layout-in-sheet", sheet = sheet.as_str(), text = text),
            None => text,
        }
    }
}

impl ColumnReport {
    /// The fields a header might be, by their Chinese headers, for a person to choose from.
    pub fn candidate_headers(&self, columns: &[Column]) -> Vec<String> {
        self.candidates
            .iter()
            .map(|field| columns::display_name(columns, field, false))
            .collect()
    }
}

/// A sheet that holds no table.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedSheet {
    pub sheet: String,
    pub reason: String,
}

/// What became of one header.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnReport {
    pub sheet: Option<String>,
    /// The header as written.
    pub header: String,
    /// The field it was read as (`None`: its cells were not imported).
    pub field: Option<String>,
    /// For a header not read: the fields it might be, best first.
    pub candidates: Vec<String>,
}

/// The fields a list must have a column for, with the sheet that lacks it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingColumn {
    pub sheet: Option<String>,
    pub field: String,
    /// The column's header as the report names it ("需求描述").
    pub header: String,
}

/// How a file was laid out, for the report.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    pub sheets: Vec<SheetLayout>,
    pub skipped_sheets: Vec<SkippedSheet>,
    pub columns: Vec<ColumnReport>,
    pub missing: Vec<MissingColumn>,
}

/// A list file read as a table of one kind of posting.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub rows: Vec<RawRow>,
    pub problems: Vec<RowProblem>,
    pub placements: Placements,
    pub layout: Layout,
}

/// Reads `list` as a table of `columns`. `required` is the field without which a
/// posting cannot be matched (a need's description, an achievement's abstract): a
/// sheet whose header lacks it is named in [`Layout::missing`].
///
/// # Errors
/// [`CoreError::ListFile`] when no sheet has a header naming the title column, or a
/// header names one field twice.
pub fn tabulate(
    list: RawList,
    name: &str,
    columns: &[Column],
    mapping: &ColumnMapping,
    required: &'static str,
) -> Result<Table, CoreError> {
    match list.content {
        Content::Keyed {
            rows,
            problems,
            keys,
        } => {
            let mut table = keyed(rows, problems, columns, mapping);
            // Each line names its own fields: the list lacks one only if no line has it.
            let has_required = keys.iter().any(|key| {
                columns::place(columns, mapping, key).is_some_and(|p| p.field == required)
            });
            if !table.rows.is_empty() && !has_required {
                table.layout.missing.push(MissingColumn {
                    sheet: None,
                    field: required.to_owned(),
                    header: columns::display_name(columns, required, false),
                });
            }
            Ok(table)
        }
        Content::Sheets { sheets, skipped } => {
            let mut table = Table::default();
            for (sheet, reason) in skipped {
                table
                    .layout
                    .skipped_sheets
                    .push(SkippedSheet { sheet, reason });
            }
            for sheet in sheets {
                tabulate_sheet(&mut table, name, sheet, columns, mapping, required)?;
            }
            if table.layout.sheets.is_empty() {
                let title = columns::display_name(columns, "title", false);
                return Err(CoreError::ListFile {
                    path: name.to_owned(),
                    reason: t!("list-no-header", title = title, rows = HEADER_SEARCH_ROWS),
                });
            }
            Ok(table)
        }
    }
}

fn keyed(
    rows: Vec<RawRow>,
    problems: Vec<RowProblem>,
    columns: &[Column],
    mapping: &ColumnMapping,
) -> Table {
    let mut table = Table {
        problems,
        ..Table::default()
    };
    for row in &rows {
        for (header, _) in &row.cells {
            if table.placements.by_header.contains_key(header) {
                continue;
            }
            let placed = table.placements.add(columns, mapping, header);
            if placed.is_some_and(is_contact) {
                table.placements.contact_sheets.insert(None);
            }
            table
                .layout
                .columns
                .push(column_report(columns, None, header, placed));
        }
    }
    table.rows = rows;
    table
}

fn column_report(
    columns: &[Column],
    sheet: Option<&String>,
    header: &str,
    placed: Option<Placed>,
) -> ColumnReport {
    ColumnReport {
        sheet: sheet.cloned(),
        header: header.to_owned(),
        field: placed.map(|p| p.field.to_owned()),
        candidates: match placed {
            Some(_) => Vec::new(),
            None => columns::candidates(columns, header)
                .into_iter()
                .map(str::to_owned)
                .collect(),
        },
    }
}

/// The text cells of a row, by column.
fn texts(row: &GridRow) -> impl Iterator<Item = (usize, &str)> {
    row.cells.iter().filter_map(|(column, cell)| match cell {
        GridCell::Text(text) => Some((*column, text.as_str())),
        GridCell::Unreadable { .. } => None,
    })
}

/// The distinct fields a row's cells name, if it were the header.
fn header_score(row: &GridRow, columns: &[Column], mapping: &ColumnMapping) -> (usize, bool) {
    let mut fields: Vec<&'static str> = Vec::new();
    for (_, text) in texts(row) {
        if let Some(placed) = columns::place(columns, mapping, text)
            && !fields.contains(&placed.field)
        {
            fields.push(placed.field);
        }
    }
    (fields.len(), fields.contains(&"title"))
}

fn row_text(row: &GridRow) -> String {
    let joined: Vec<&str> = texts(row).map(|(_, text)| text).collect();
    excerpt(&joined.join(" "))
}

fn tabulate_sheet(
    table: &mut Table,
    name: &str,
    sheet: Sheet,
    columns: &[Column],
    mapping: &ColumnMapping,
    required: &'static str,
) -> Result<(), CoreError> {
    // The header is the row among the first ones that names the most columns, the
    // title column among them; ties go to the upper row.
    let mut best: Option<(usize, usize)> = None;
    for (index, row) in sheet.rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let (score, has_title) = header_score(row, columns, mapping);
        // The title and at least one more cell: a lone "项目名称" in a sheet of
        // instructions is not a table, but "项目名称 | 难题简述" is one whose second
        // column the person may place by hand.
        let cells = texts(row).count();
        if has_title && cells >= 2 && best.is_none_or(|(_, top)| score > top) {
            best = Some((index, score));
        }
    }
    let Some((header_index, _)) = best else {
        if let Some(sheet_name) = sheet.name {
            let reason = if sheet.rows.is_empty() {
                t!("list-sheet-blank")
            } else {
                t!("list-sheet-no-header")
            };
            table.layout.skipped_sheets.push(SkippedSheet {
                sheet: sheet_name,
                reason,
            });
        }
        return Ok(());
    };
    let header_row = &sheet.rows[header_index];
    let mut headers: BTreeMap<usize, String> = BTreeMap::new();
    for (column, cell) in &header_row.cells {
        match cell {
            GridCell::Text(text) => {
                headers.insert(*column, text.clone());
            }
            GridCell::Unreadable { shown, .. } => {
                let reason = t!(
                    "list-xlsx-header-error",
                    row = header_row.row,
                    column = sheet.columns.label(*column),
                    value = shown.as_str()
                );
                return Err(CoreError::ListFile {
                    path: name.to_owned(),
                    reason,
                });
            }
        }
    }
    let mut header_rows = vec![header_row.row];
    // Grouped headers merged down over two rows ("联系方式" over 联系人, 电话, 邮箱, the
    // other names merged down beside it) leave the upper row naming columns too: it is
    // part of the header, not a title.
    let mut title_end = header_index;
    if let Some(above) = header_index.checked_sub(1).map(|i| &sheet.rows[i])
        && above.row + 1 == header_row.row
        && header_score(above, columns, mapping).0 >= 2
    {
        header_rows.insert(0, above.row);
        title_end -= 1;
    }
    let mut first_data = header_index + 1;
    // Grouped headers ("联系方式" over 联系人, 电话, 邮箱) put names in the row under
    // the header: a row of nothing but column names, none under the title column.
    if let Some(next) = sheet.rows.get(header_index + 1)
        && next.row == header_row.row + 1
        && is_sub_header(next, &headers, columns, mapping)
    {
        for (column, text) in texts(next) {
            headers.insert(column, text.to_owned());
        }
        header_rows.push(next.row);
        first_data += 1;
    }
    let placed = place_headers(table, name, &sheet, &headers, columns, mapping)?;

    let title_column = placed
        .iter()
        .find(|(_, p)| p.field == "title")
        .map(|(column, _)| *column);
    let first_column = headers.keys().next().copied().unwrap_or(0);
    let mut layout = SheetLayout {
        sheet: sheet.name.clone(),
        header_rows,
        title_rows: sheet.rows[..title_end]
            .iter()
            .map(|row| SkippedRow {
                row: row.row,
                text: row_text(row),
            })
            .collect(),
        notes_rows: Vec::new(),
        data_rows: 0,
    };
    if !placed.iter().any(|(_, p)| p.field == required) {
        table.layout.missing.push(MissingColumn {
            sheet: sheet.name.clone(),
            field: required.to_owned(),
            header: columns::display_name(columns, required, false),
        });
    }
    let width = headers.keys().next_back().map_or(0, |last| last + 1);
    for row in &sheet.rows[first_data..] {
        if is_notes_row(row, &headers, title_column, first_column) {
            layout.notes_rows.push(SkippedRow {
                row: row.row,
                text: row_text(row),
            });
            continue;
        }
        layout.data_rows += 1;
        match assemble(&sheet, row, &headers, width) {
            Ok(cells) => table.rows.push(RawRow {
                sheet: sheet.name.clone(),
                row: row.row,
                cells,
            }),
            Err(problems) => table.problems.extend(problems),
        }
    }
    table.layout.sheets.push(layout);
    Ok(())
}

fn is_sub_header(
    row: &GridRow,
    headers: &BTreeMap<usize, String>,
    columns: &[Column],
    mapping: &ColumnMapping,
) -> bool {
    let title_column = headers
        .iter()
        .find(|(_, h)| columns::place(columns, mapping, h).is_some_and(|p| p.field == "title"))
        .map(|(c, _)| *c);
    let mut any = false;
    for (column, cell) in &row.cells {
        let GridCell::Text(text) = cell else {
            return false;
        };
        if Some(*column) == title_column && headers.get(column) != Some(text) {
            return false;
        }
        if headers.get(column) == Some(text) {
            continue;
        }
        if columns::place(columns, mapping, text).is_none() {
            return false;
        }
        any = true;
    }
    any
}

/// Places the sheet's headers, refusing a field named twice, and adds them to the report.
fn place_headers(
    table: &mut Table,
    name: &str,
    sheet: &Sheet,
    headers: &BTreeMap<usize, String>,
    columns: &[Column],
    mapping: &ColumnMapping,
) -> Result<Vec<(usize, Placed)>, CoreError> {
    let mut placed: Vec<(usize, Placed)> = Vec::new();
    for (column, header) in headers {
        let place = table.placements.add(columns, mapping, header);
        if place.is_some_and(is_contact) {
            table.placements.contact_sheets.insert(sheet.name.clone());
        }
        if let Some(place) = place {
            // The combined contact cell may come with separate ones: each is split.
            if place.field != CONTACT_FIELD
                && let Some((first, _)) = placed.iter().find(|(_, p)| p.field == place.field)
            {
                let first_header = headers.get(first).map(String::as_str).unwrap_or_default();
                let reason = t!(
                    "list-field-twice",
                    field = columns::display_name(columns, place.field, false),
                    first = t!(
                        "list-column-named",
                        column = sheet.columns.label(*first),
                        header = first_header
                    ),
                    second = t!(
                        "list-column-named",
                        column = sheet.columns.label(*column),
                        header = header.as_str()
                    )
                );
                return Err(CoreError::ListFile {
                    path: name.to_owned(),
                    reason: with_sheet(sheet.name.as_ref(), reason),
                });
            }
            placed.push((*column, place));
        } else if headers
            .iter()
            .any(|(other, text)| other < column && text == header)
        {
            continue;
        }
        table
            .layout
            .columns
            .push(column_report(columns, sheet.name.as_ref(), header, place));
    }
    Ok(placed)
}

fn with_sheet(sheet: Option<&String>, reason: String) -> String {
    match sheet {
        Some(sheet) => t!("list-in-sheet", sheet = sheet.as_str(), reason = reason),
        None => reason,
    }
}

/// Whether a row below the header is a note, a total or the header repeated (as long
/// lists print it on every page), not a posting.
fn is_notes_row(
    row: &GridRow,
    headers: &BTreeMap<usize, String>,
    title_column: Option<usize>,
    first_column: usize,
) -> bool {
    let cells: Vec<(usize, &str)> = texts(row).collect();
    let Some((first_cell_column, first_text)) = cells.first().copied() else {
        return false;
    };
    let distinct = {
        let mut values: Vec<&str> = cells.iter().map(|(_, t)| *t).collect();
        values.sort_unstable();
        values.dedup();
        values.len()
    };
    let compact = columns::normalise(first_text);
    let repeats_header = cells
        .iter()
        .filter(|(column, text)| headers.get(column).is_some_and(|h| h == text))
        .count();
    if repeats_header >= 2 && repeats_header * 2 >= cells.len() {
        return true;
    }
    // A row that fills several columns is a posting, whatever its first words: "小计量泵…"
    // or "说明书…" may start a title. Notes and totals say little beside their first cell
    // (a total has its sum, a signature row a name or two).
    if distinct > 3 {
        return false;
    }
    if TOTAL_WORDS.iter().any(|w| compact.starts_with(w)) && compact.chars().count() <= 8 {
        return true;
    }
    if NOTE_WORDS.iter().any(|w| compact.starts_with(w)) {
        return true;
    }
    if NOTE_MARKS.iter().any(|mark| {
        compact.strip_prefix(mark).is_some_and(|rest| {
            rest.starts_with(|c: char| c.is_ascii_digit() || NOTE_MARK_FOLLOWERS.contains(&c))
        })
    }) {
        return true;
    }
    // A lone value in the first column, outside the title column: a section heading
    // ("一、新材料") or a note merged across the table.
    distinct == 1 && first_cell_column == first_column && Some(first_column) != title_column
}

/// Attaches a data row's cells to their headers; a cell under no header, or an
/// unreadable one, rejects the row.
fn assemble(
    sheet: &Sheet,
    row: &GridRow,
    headers: &BTreeMap<usize, String>,
    width: usize,
) -> Result<Vec<(String, Cell)>, Vec<RowProblem>> {
    let mut problems = Vec::new();
    if let Some(delimiter) = sheet.delimiter
        && let Some((last, _)) = row.cells.last()
        && *last >= width
    {
        let values: Vec<&str> = row
            .cells
            .iter()
            .map(|(_, cell)| match cell {
                GridCell::Text(text) => text.as_str(),
                GridCell::Unreadable { shown, .. } => shown.as_str(),
            })
            .collect();
        problems.push(RowProblem {
            sheet: sheet.name.clone(),
            row: row.row,
            column: None,
            value: excerpt(&values.join(&delimiter.to_string())),
            reason: t!("list-csv-too-many-cells", cells = last + 1, headers = width),
        });
        return Err(problems);
    }
    let mut cells = Vec::with_capacity(row.cells.len());
    for (column, value) in &row.cells {
        match (headers.get(column), value) {
            (None, value) => {
                let shown = match value {
                    GridCell::Text(text) => text,
                    GridCell::Unreadable { shown, .. } => shown,
                };
                problems.push(RowProblem {
                    sheet: sheet.name.clone(),
                    row: row.row,
                    column: None,
                    value: excerpt(shown),
                    reason: t!(
                        "list-cell-without-header",
                        column = sheet.columns.label(*column)
                    ),
                });
            }
            (Some(header), GridCell::Text(text)) => {
                cells.push((header.clone(), Cell::Text(text.clone())));
            }
            (Some(header), GridCell::Unreadable { shown, reason }) => problems.push(RowProblem {
                sheet: sheet.name.clone(),
                row: row.row,
                column: Some(header.clone()),
                value: excerpt(shown),
                reason: reason.clone(),
            }),
        }
    }
    if problems.is_empty() {
        Ok(cells)
    } else {
        Err(problems)
    }
}
