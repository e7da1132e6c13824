//! Turning raw list rows into validated postings, collecting every problem of a row
//! (not just the first) so that one report fixes the whole file.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::{
    AskingPrice, BudgetRange, CoopMode, IndustryCatalogue, PatentNo, Region, TransferMode, Trl,
    Uscc,
};
use crate::lists::RowProblem;
use crate::lists::columns::{
    self, ACHIEVEMENT_COLUMNS, AmountUnit, CONTACT_FIELD, Column, DATE_DAY_SUFFIX, DATE_SEPARATORS,
    FLAG_NO_WORDS, FLAG_YES_WORDS, ITEM_SEPARATOR, NEED_COLUMNS, PATENT_SEPARATOR,
};
use crate::lists::contacts::split_contact;
use crate::lists::layout::Placements;
use crate::lists::read::{Cell, RawRow};
use crate::posting::{
    AchievementInput, ContactDetails, NeedInput, OrgKind, OrgRef, split_keywords,
};
use crate::{CoreError, t};

const MAX_TITLE_CHARS: usize = 300;
const MAX_TEXT_CHARS: usize = 20_000;
const MAX_ID_CHARS: usize = 128;
/// The most characters a contact's name, phones or emails keep.
const MAX_CONTACT_CHARS: usize = 100;

/// The cells of one row keyed by English field name, remembering the header as written.
struct Fields<'r> {
    sheet: Option<&'r String>,
    row: usize,
    columns: &'static [Column],
    field_names: bool,
    cells: BTreeMap<&'static str, (&'r str, &'r Cell, Option<AmountUnit>)>,
    /// Combined contact cells ("联系人及电话"), with their headers.
    contact_cells: Vec<(&'r str, &'r Cell)>,
    /// Whether the list has any contact column, so that an empty one clears a contact.
    lists_contacts: bool,
    problems: Vec<RowProblem>,
}

impl<'r> Fields<'r> {
    fn new(row: &'r RawRow, columns: &'static [Column], placements: &Placements) -> Fields<'r> {
        let mut cells = BTreeMap::new();
        let mut contact_cells = Vec::new();
        for (header, cell) in &row.cells {
            match placements.get(header) {
                Some(placed) if placed.field == CONTACT_FIELD => {
                    contact_cells.push((header.as_str(), cell));
                }
                Some(placed) => {
                    cells
                        .entry(placed.field)
                        .or_insert((header.as_str(), cell, placed.unit));
                }
                None => {}
            }
        }
        let headers: Vec<&str> = row.cells.iter().map(|(h, _)| h.as_str()).collect();
        Fields {
            sheet: row.sheet.as_ref(),
            row: row.row,
            columns,
            field_names: columns::uses_field_names(columns, &headers),
            cells,
            contact_cells,
            lists_contacts: placements.names_a_contact_on(row.sheet.as_ref()),
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, field: &'static str, value: &str, reason: impl Into<String>) {
        let column = match self.cells.get(field) {
            Some((header, _, _)) => (*header).to_owned(),
            None => columns::display_name(self.columns, field, self.field_names),
        };
        self.problems.push(RowProblem {
            sheet: self.sheet.cloned(),
            row: self.row,
            column: Some(column),
            value: value.to_owned(),
            reason: reason.into(),
        });
    }

    /// The cell as one string; list cells are joined with the enumeration comma.
    fn text(&self, field: &'static str) -> Option<String> {
        self.cells.get(field).map(|(_, cell, _)| match cell {
            Cell::Text(t) => t.trim().to_owned(),
            Cell::List(items) => items.join(ITEM_SEPARATOR),
        })
    }

    /// The cell as a list of items: a JSON array as is, a text cell split by `split`.
    fn items(&self, field: &'static str, split: impl Fn(&str) -> Vec<String>) -> Vec<String> {
        match self.cells.get(field) {
            None => Vec::new(),
            Some((_, Cell::Text(t), _)) => split(t),
            Some((_, Cell::List(items), _)) => items.iter().flat_map(|i| split(i)).collect(),
        }
    }

    /// Parses an optional field, recording a problem (and yielding `None`) on failure.
    fn parse<T>(
        &mut self,
        field: &'static str,
        parse: impl Fn(&str) -> Result<T, CoreError>,
    ) -> Option<T> {
        let text = self.text(field)?;
        if text.is_empty() {
            return None;
        }
        match parse(&text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.problem(field, &text, reason_of(e));
                None
            }
        }
    }

    /// An amount field, with the unit its header names written after bare numbers:
    /// under "预算（元）", 500000 is 50 万元.
    fn amount<T>(
        &mut self,
        field: &'static str,
        parse: impl Fn(&str) -> Result<T, CoreError>,
    ) -> Option<T> {
        let unit = self.cells.get(field).and_then(|(_, _, unit)| *unit);
        self.parse(field, |text| match unit {
            Some(unit) if text.ends_with(|c: char| c.is_ascii_digit()) => {
                parse(&format!("{text}{}", unit.suffix()))
            }
            _ => parse(text),
        })
    }

    /// The contact of the row, from its person, phone and email columns and any
    /// combined one, each split (a phone column holding "王工 138…" names the person
    /// too); `None` when the list has no contact column at all.
    fn contact(&mut self) -> Option<ContactDetails> {
        if !self.lists_contacts {
            return None;
        }
        let mut person: Option<String> = None;
        let mut phones: Vec<String> = Vec::new();
        let mut emails: Vec<String> = Vec::new();
        let mut texts: Vec<(&'static str, String)> = Vec::new();
        for field in ["contact_person", "contact_phone", "contact_email"] {
            if let Some(text) = self.text(field).filter(|t| !t.is_empty()) {
                texts.push((field, text));
            }
        }
        for (_, cell) in &self.contact_cells {
            let text = match cell {
                Cell::Text(t) => t.trim().to_owned(),
                Cell::List(items) => items.join(ITEM_SEPARATOR),
            };
            texts.push((CONTACT_FIELD, text));
        }
        for (field, text) in &texts {
            let parts = split_contact(text);
            let named = match (field, parts.person) {
                (_, Some(name)) => Some(name),
                // A name that is not only a name ("王工（技术部主任）") is kept as written.
                (&"contact_person", None) if parts.phones.is_empty() => Some(text.clone()),
                _ => None,
            };
            if person.is_none() {
                person = named;
            }
            for phone in parts.phones {
                if !phones.contains(&phone) {
                    phones.push(phone);
                }
            }
            for email in parts.emails {
                if !emails.contains(&email) {
                    emails.push(email);
                }
            }
        }
        let phone = (!phones.is_empty()).then(|| phones.join(ITEM_SEPARATOR));
        let email = (!emails.is_empty()).then(|| emails.join(ITEM_SEPARATOR));
        for (field, value) in [
            ("contact_person", &person),
            ("contact_phone", &phone),
            ("contact_email", &email),
        ] {
            if let Some(value) = value
                && value.chars().count() > MAX_CONTACT_CHARS
            {
                let shown: String = value.chars().take(20).collect();
                self.problem(
                    field,
                    &format!("{shown}…"),
                    t!(
                        "row-text-too-long",
                        length = value.chars().count(),
                        max = MAX_CONTACT_CHARS
                    ),
                );
            }
        }
        Some(ContactDetails {
            person,
            phone,
            email,
        })
    }

    fn bounded_text(&mut self, field: &'static str, max: usize) -> String {
        let text = self.text(field).unwrap_or_default();
        let len = text.chars().count();
        if len > max {
            let shown: String = text.chars().take(20).collect();
            self.problem(
                field,
                &format!("{shown}…"),
                t!("row-text-too-long", length = len, max = max),
            );
        }
        text
    }

    fn title(&mut self) -> String {
        let title = self.bounded_text("title", MAX_TITLE_CHARS);
        if title.is_empty() {
            self.problem("title", "", t!("row-title-empty"));
        }
        title
    }

    fn external_id(&mut self, kind: &str, title: &str, org: Option<&OrgRef>) -> String {
        match self.text("id").filter(|id| !id.is_empty()) {
            Some(id) if id.chars().count() > MAX_ID_CHARS => {
                self.problem("id", &id, t!("row-id-too-long", max = MAX_ID_CHARS));
                id
            }
            Some(id) => id,
            // Without an id the row is known by who posted what, which keeps re-imports
            // of the same list idempotent.
            None => derived_id(kind, title, org.map(|o| o.name.as_str()).unwrap_or("")),
        }
    }

    fn organisation(&mut self, default_kind: impl Fn(&str) -> OrgKind) -> Option<OrgRef> {
        let name = self.text("org_name").filter(|n| !n.is_empty());
        let uscc_text = self.text("org_uscc").filter(|u| !u.is_empty());
        let mut uscc = None;
        let mut uscc_check_failure = None;
        if let Some(text) = &uscc_text {
            match Uscc::parse_lenient(text) {
                Ok((code, failure)) => {
                    uscc = Some(code);
                    uscc_check_failure = failure;
                }
                Err(e) => self.problem("org_uscc", text, reason_of(e)),
            }
        }
        let kind = self.parse("org_kind", OrgKind::parse);
        if let Some(name) = &name
            && let Err(refused) = crate::domain::check_org_name(name)
        {
            self.problem("org_name", name, reason_of(refused));
        }
        match name {
            Some(name) => Some(OrgRef {
                kind: kind.unwrap_or_else(|| default_kind(&name)),
                name,
                uscc,
                uscc_check_failure,
            }),
            None => {
                if let Some(text) = uscc_text {
                    self.problem("org_name", &text, t!("row-org-name-missing"));
                }
                None
            }
        }
    }

    fn finish<T>(self, value: T) -> Result<T, Vec<RowProblem>> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(self.problems)
        }
    }
}

fn reason_of(error: CoreError) -> String {
    match error {
        CoreError::Invalid { reason, .. } => reason,
        other => other.to_string(),
    }
}

/// A stable identifier for rows that bring none: FNV-1a over kind, organisation and title.
fn derived_id(kind: &str, title: &str, org: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in kind
        .bytes()
        .chain([0])
        .chain(org.bytes())
        .chain([0])
        .chain(title.bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("auto-{hash:016x}")
}

/// Whether a team lead's name (already split from its cell, full-width signs made
/// ASCII) is a name and nothing else: no address, no number that could be a phone, a QQ
/// or an extension. Anything more is left out of the public lead.
fn is_plain_name(text: &str) -> bool {
    const MAX_DIGITS_IN_A_NAME: usize = 3;
    !text.contains('@') && text.chars().filter(char::is_ascii_digit).count() <= MAX_DIGITS_IN_A_NAME
}

/// Parses a yes/no cell in the ways spreadsheets spell it.
pub fn parse_flag(text: &str) -> Result<bool, CoreError> {
    let word = text.trim().to_ascii_lowercase();
    if FLAG_YES_WORDS.contains(&word.as_str()) {
        Ok(true)
    } else if FLAG_NO_WORDS.contains(&word.as_str()) {
        Ok(false)
    } else {
        Err(CoreError::invalid(
            "flag",
            t!("row-flag-unknown", text = word),
        ))
    }
}

/// Parses a date as people type it: 2026-12-31, 2026/12/31, 2026.12.31, 2026年12月31日,
/// with or without a time part (spreadsheets add one).
pub fn parse_date(text: &str) -> Result<NaiveDate, CoreError> {
    let date_part = text.trim().split([' ', 'T']).next().unwrap_or("");
    let normalised: String = date_part
        .trim_end_matches(DATE_DAY_SUFFIX)
        .chars()
        .map(|c| if DATE_SEPARATORS.contains(&c) { '-' } else { c })
        .collect();
    NaiveDate::parse_from_str(&normalised, "%Y-%m-%d")
        .map_err(|_| CoreError::invalid("date", t!("row-date-unknown", text = text.trim())))
}

/// Maps one raw row to a need, or to all the problems found in it.
pub fn need_from_row(
    row: &RawRow,
    placements: &Placements,
    industries: &IndustryCatalogue,
) -> Result<NeedInput, Vec<RowProblem>> {
    let mut f = Fields::new(row, NEED_COLUMNS, placements);
    let title = f.title();
    let description = f.bounded_text("description", MAX_TEXT_CHARS);
    let industry = f.parse("industry", |t| {
        industries.resolve(t).map(|i| i.name.clone())
    });
    let keywords = f.items("keywords", split_keywords);
    let budget = f.amount("budget", BudgetRange::parse);
    let deadline = f.parse("deadline", parse_date);
    let coop_text = f
        .items("coop_modes", |t| vec![t.to_owned()])
        .join(ITEM_SEPARATOR);
    let coop_modes = if coop_text.is_empty() {
        Vec::new()
    } else {
        match CoopMode::parse_set(&coop_text) {
            Ok(modes) => modes,
            Err(e) => {
                f.problem("coop_modes", &coop_text, reason_of(e));
                Vec::new()
            }
        }
    };
    let min_trl = f.parse("min_trl", Trl::parse);
    let region = f.parse("region", Region::parse);
    let confidential = f.parse("confidential", parse_flag).unwrap_or(false);
    let organisation = f.organisation(|_| OrgKind::Enterprise);
    let contact = f.contact();
    let external_id = f.external_id("need", &title, organisation.as_ref());
    f.finish(NeedInput {
        external_id,
        title,
        description,
        industry,
        keywords,
        budget,
        deadline,
        coop_modes,
        min_trl,
        region,
        confidential,
        organisation,
        contact,
    })
}

/// Maps one raw row to an achievement, or to all the problems found in it.
pub fn achievement_from_row(
    row: &RawRow,
    placements: &Placements,
    industries: &IndustryCatalogue,
) -> Result<AchievementInput, Vec<RowProblem>> {
    let mut f = Fields::new(row, ACHIEVEMENT_COLUMNS, placements);
    let title = f.title();
    let summary = f.bounded_text("abstract", MAX_TEXT_CHARS);
    let keywords = f.items("keywords", split_keywords);
    let field = f.parse("field", |t| industries.resolve(t).map(|i| i.name.clone()));
    let trl = f.parse("trl", Trl::parse);
    let patent_text = f
        .items("patents", |t| vec![t.to_owned()])
        .join(PATENT_SEPARATOR);
    let patents = if patent_text.is_empty() {
        Vec::new()
    } else {
        match PatentNo::parse_list(&patent_text) {
            Ok(p) => p,
            Err(e) => {
                f.problem("patents", &patent_text, reason_of(e));
                Vec::new()
            }
        }
    };
    let modes_text = f
        .items("transfer_modes", |t| vec![t.to_owned()])
        .join(ITEM_SEPARATOR);
    let transfer_modes = if modes_text.is_empty() {
        Vec::new()
    } else {
        match TransferMode::parse_set(&modes_text) {
            Ok(m) => m,
            Err(e) => {
                f.problem("transfer_modes", &modes_text, reason_of(e));
                Vec::new()
            }
        }
    };
    let price = f.amount("price", AskingPrice::parse);
    let organisation = f.organisation(OrgKind::guess_from_name);
    let contact = f.contact();
    // The team lead is shown in public: only a name is kept of what the cell holds, so
    // that a phone or an email written beside it stays private.
    let team_lead = f
        .text("team_lead")
        .filter(|t| !t.is_empty())
        .and_then(|text| split_contact(&text).person)
        .filter(|name| is_plain_name(name));
    let region = f.parse("region", Region::parse);
    let external_id = f.external_id("achievement", &title, organisation.as_ref());
    f.finish(AchievementInput {
        external_id,
        title,
        summary,
        keywords,
        field,
        trl,
        patents,
        transfer_modes,
        price,
        organisation,
        team_lead,
        region,
        contact,
    })
}
