//! The selection record (评审过程记录) of a 揭榜挂帅 challenge: one XLSX workbook the
//! bureau files, with a sheet each for the challenge, the bids and their formal
//! review, the experts' score sheets, the ranking, the 公示 with its objections and
//! the timeline of decisions.
//!
//! Every sheet has a bold, frozen, filterable header row and columns sized to their
//! contents, like the lists of [`crate::lists::write`]; ids, scores and amounts are
//! numbers, everything else text. Times are in Beijing time.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{ColNum, Format, RowNum, Workbook, XlsxError};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::challenge::Actor;
use crate::challenge::bid::{BidAction, BidStatus};
use crate::challenge::calendar::beijing_minute;
use crate::challenge::lifecycle::ChallengeStatus;
use crate::challenge::scoring::ExpertId;
use crate::domain::Wan;
use crate::entities::{bid, challenge, challenge_event, expert_score, objection};
use crate::services::bids::{self, FormalDecision};
use crate::services::challenges::{self, ChallengeKind};
use crate::services::{organisations, users};
use crate::{CoreError, CoreResult, t};

/// Narrowest and widest column, in Excel character units, as in `lists::write`.
const MIN_COLUMN_WIDTH: usize = 8;
const MAX_COLUMN_WIDTH: usize = 60;
/// Room for the bold header and the filter button beside it.
const COLUMN_PADDING: usize = 3;

/// The selection record of challenge `challenge_id` as the bytes of an XLSX file.
///
/// # Errors
/// `NotFound` for an unknown challenge; `Internal` for stored values that no longer
/// parse or a workbook that cannot be written; database errors.
pub async fn selection_record_xlsx(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
) -> CoreResult<Vec<u8>> {
    let found = challenges::model(conn, challenge_id).await?;
    let bid_rows = bids::of_challenge(conn, challenge_id).await?;
    let org_ids =
        std::iter::once(found.publisher_org_id).chain(bid_rows.iter().map(|b| b.lead_org_id));
    let mut names = Names {
        orgs: organisations::names_by_id(conn, org_ids).await?,
        users: HashMap::new(),
        bids: bid_rows.iter().map(|b| (b.id, b.lead_org_id)).collect(),
    };
    let sheets = [
        challenge_sheet(&found, &names)?,
        bids_sheet(&bid_rows, &names)?,
        scores_sheet(conn, &found, &mut names).await?,
        ranking_sheet(conn, challenge_id, &mut names).await?,
        objections_sheet(conn, challenge_id, &mut names).await?,
        timeline_sheet(conn, challenge_id, &mut names).await?,
    ];
    write_workbook(&sheets)
}

/// One value of a sheet.
enum Cell {
    Empty,
    Text(String),
    /// A number shown with `decimals` decimals, or as Excel's "General" (without
    /// trailing zeros) when `None`.
    Number(f64, Option<usize>),
}

impl Cell {
    fn text(value: impl Into<String>) -> Cell {
        Cell::Text(value.into())
    }

    fn id(id: i64) -> Cell {
        // Ids stay far below 2^53, so the conversion is exact.
        Cell::Number(id as f64, Some(0))
    }

    fn count(count: impl TryInto<u32>) -> Cell {
        count
            .try_into()
            .map_or(Cell::Empty, |n| Cell::Number(f64::from(n), Some(0)))
    }

    fn points(value: f64) -> Cell {
        Cell::Number(value, Some(2))
    }

    fn wan(yuan: i64) -> Cell {
        Wan::from_yuan(yuan).map_or(Cell::Empty, |w| Cell::Number(w.as_wan_f64(), None))
    }

    fn time(at: Option<DateTime<Utc>>) -> Cell {
        at.map_or(Cell::Empty, |at| Cell::Text(beijing_minute(at)))
    }

    fn yes_no(value: Option<bool>) -> Cell {
        match value {
            Some(true) => Cell::Text(t!("record-yes")),
            Some(false) => Cell::Text(t!("record-no")),
            None => Cell::Empty,
        }
    }

    /// What the cell shows, for sizing its column.
    fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Number(value, Some(decimals)) => format!("{value:.decimals$}"),
            Cell::Number(value, None) => value.to_string(),
        }
    }
}

struct Sheet {
    name: String,
    headers: Vec<String>,
    rows: Vec<Vec<Cell>>,
}

/// Names of the people, organisations and bids the record mentions, looked up once.
struct Names {
    orgs: HashMap<i64, String>,
    users: HashMap<i64, String>,
    /// Bid id to lead organisation id.
    bids: HashMap<i64, i64>,
}

impl Names {
    fn org(&self, id: i64) -> String {
        self.orgs
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }

    async fn user(&mut self, conn: &impl ConnectionTrait, id: i64) -> CoreResult<String> {
        if let Some(name) = self.users.get(&id) {
            return Ok(name.clone());
        }
        let name = match users::get(conn, id).await {
            Ok(user) => user.display_name,
            Err(CoreError::NotFound { .. }) => format!("#{id}"),
            Err(other) => return Err(other),
        };
        self.users.insert(id, name.clone());
        Ok(name)
    }

    async fn users(&mut self, conn: &impl ConnectionTrait, ids: &[ExpertId]) -> CoreResult<String> {
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            found.push(self.user(conn, *id).await?);
        }
        Ok(found.join(&t!("list-separator")))
    }

    fn bid_org(&self, bid_id: i64) -> String {
        self.bids
            .get(&bid_id)
            .map(|org| self.org(*org))
            .unwrap_or_default()
    }

    /// "第 12 号申报（某某大学）".
    fn bid(&self, bid_id: i64) -> String {
        t!(
            "record-bid-ref",
            id = bid_id.to_string(),
            org = self.bid_org(bid_id)
        )
    }
}

fn challenge_sheet(found: &challenge::Model, names: &Names) -> CoreResult<Sheet> {
    let kind = [ChallengeKind::Government, ChallengeKind::Enterprise]
        .into_iter()
        .find(|k| k.code() == found.kind)
        .map_or_else(|| found.kind.clone(), ChallengeKind::label);
    let row = vec![
        Cell::text(found.public_id.as_str()),
        Cell::text(found.title.as_str()),
        Cell::Text(kind),
        Cell::Text(names.org(found.publisher_org_id)),
        Cell::Text(ChallengeStatus::from_code(&found.status)?.label()),
        Cell::wan(found.reward_enterprise_yuan),
        Cell::wan(found.reward_subsidy_yuan),
        Cell::time(Some(found.bid_deadline)),
        Cell::count(found.max_winners),
        Cell::yes_no(Some(found.horse_race)),
        Cell::text(found.metrics.as_str()),
        Cell::time(found.publicity_starts),
        Cell::time(found.publicity_ends),
    ];
    Ok(Sheet {
        name: t!("record-sheet-challenge"),
        headers: vec![
            t!("record-challenge-public-id"),
            t!("record-challenge-title"),
            t!("record-challenge-kind"),
            t!("record-challenge-publisher"),
            t!("record-challenge-status"),
            t!("record-challenge-reward-enterprise"),
            t!("record-challenge-reward-subsidy"),
            t!("record-challenge-bid-deadline"),
            t!("record-challenge-max-winners"),
            t!("record-challenge-horse-race"),
            t!("record-challenge-metrics"),
            t!("record-challenge-publicity-starts"),
            t!("record-challenge-publicity-ends"),
        ],
        rows: vec![row],
    })
}

/// The formal review's outcome and its reasons, one item a line.
fn formal_review(row: &bid::Model) -> CoreResult<(Cell, Cell)> {
    let Some(json) = &row.formal_review else {
        return Ok((Cell::Empty, Cell::Empty));
    };
    let decision: FormalDecision = serde_json::from_str(json)
        .map_err(|e| CoreError::Internal(format!("formal review does not parse: {e}")))?;
    let (action, items) = match &decision {
        FormalDecision::Pass => (BidAction::PassFormalReview, &[][..]),
        FormalDecision::Return { items } => (BidAction::ReturnForCorrection, &items[..]),
        FormalDecision::Reject { items } => (BidAction::RejectFormally, &items[..]),
    };
    let reasons: Vec<String> = items
        .iter()
        .map(|(item, reason)| {
            t!(
                "bid-formal-item",
                item = item.as_str(),
                reason = reason.as_str()
            )
        })
        .collect();
    let reasons = if reasons.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(reasons.join("\n"))
    };
    Ok((Cell::Text(action.label()), reasons))
}

/// Every bid that was submitted (drafts never were).
fn bids_sheet(bid_rows: &[bid::Model], names: &Names) -> CoreResult<Sheet> {
    let mut rows = Vec::new();
    for row in bid_rows {
        let status = BidStatus::from_code(&row.status)?;
        if status == BidStatus::Draft {
            continue;
        }
        let members: Vec<String> = bids::consortium(row)?.into_iter().map(|m| m.name).collect();
        let (outcome, reasons) = formal_review(row)?;
        rows.push(vec![
            Cell::id(row.id),
            Cell::Text(names.org(row.lead_org_id)),
            Cell::Text(members.join(&t!("list-separator"))),
            Cell::text(row.team_leader.as_str()),
            Cell::wan(row.budget_yuan),
            Cell::Text(status.label()),
            Cell::time(row.submitted_at),
            outcome,
            reasons,
        ]);
    }
    Ok(Sheet {
        name: t!("record-sheet-bids"),
        headers: vec![
            t!("record-bid-id"),
            t!("record-bid-lead-org"),
            t!("record-bid-consortium"),
            t!("record-bid-team-leader"),
            t!("record-bid-budget"),
            t!("record-bid-status"),
            t!("record-bid-submitted-at"),
            t!("record-bid-formal-outcome"),
            t!("record-bid-formal-reasons"),
        ],
        rows,
    })
}

/// One row per submitted score sheet, by bid and then expert.
async fn scores_sheet(
    conn: &impl ConnectionTrait,
    found: &challenge::Model,
    names: &mut Names,
) -> CoreResult<Sheet> {
    let criteria = challenges::criteria_of(found)?;
    let mut sheets = bids::score_sheets(conn, found.id, &criteria).await?;
    sheets.sort_by_key(|s| (s.bid(), s.expert()));
    let submitted: HashMap<(i64, i64), DateTime<Utc>> = expert_score::Entity::find()
        .filter(expert_score::Column::ChallengeId.eq(found.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| ((s.bid_id, s.expert_user_id), s.submitted_at))
        .collect();
    let mut rows = Vec::with_capacity(sheets.len());
    for sheet in &sheets {
        let mut row = vec![
            Cell::id(sheet.bid()),
            Cell::Text(names.bid_org(sheet.bid())),
            Cell::Text(names.user(conn, sheet.expert()).await?),
        ];
        row.extend(
            sheet
                .scores()
                .iter()
                .map(|s| Cell::Number(s.points(), Some(1))),
        );
        row.push(Cell::points(sheet.total(&criteria)));
        row.push(Cell::text(sheet.comment()));
        row.push(Cell::time(
            submitted.get(&(sheet.bid(), sheet.expert())).copied(),
        ));
        rows.push(row);
    }
    let mut headers = vec![
        t!("record-bid-id"),
        t!("record-bid-lead-org"),
        t!("record-score-expert"),
    ];
    headers.extend(criteria.criteria().iter().map(|c| c.name.clone()));
    headers.extend([
        t!("record-score-total"),
        t!("record-score-comment"),
        t!("record-score-submitted-at"),
    ]);
    Ok(Sheet {
        name: t!("record-sheet-scores"),
        headers,
        rows,
    })
}

async fn ranking_sheet(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
    names: &mut Names,
) -> CoreResult<Sheet> {
    let ranking = challenges::ranking(conn, challenge_id).await?;
    let mut rows = Vec::with_capacity(ranking.len());
    for entry in &ranking {
        rows.push(vec![
            Cell::count(entry.rank),
            Cell::id(entry.bid),
            Cell::Text(names.bid_org(entry.bid)),
            Cell::points(entry.mean),
            Cell::count(entry.counted),
            Cell::points(entry.min),
            Cell::points(entry.max),
            Cell::points(entry.spread),
            Cell::points(entry.std_dev),
            Cell::Text(names.users(conn, &entry.dropped_experts).await?),
            Cell::Text(names.users(conn, &entry.outlier_experts).await?),
        ]);
    }
    Ok(Sheet {
        name: t!("record-sheet-ranking"),
        headers: vec![
            t!("record-rank"),
            t!("record-bid-id"),
            t!("record-bid-lead-org"),
            t!("record-rank-mean"),
            t!("record-rank-counted"),
            t!("record-rank-min"),
            t!("record-rank-max"),
            t!("record-rank-spread"),
            t!("record-rank-std-dev"),
            t!("record-rank-dropped"),
            t!("record-rank-outliers"),
        ],
        rows,
    })
}

async fn objections_sheet(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
    names: &mut Names,
) -> CoreResult<Sheet> {
    let found: Vec<objection::Model> = challenges::objections(conn, challenge_id).await?;
    let mut rows = Vec::with_capacity(found.len());
    for objection in &found {
        rows.push(vec![
            Cell::Text(names.user(conn, objection.user_id).await?),
            Cell::time(Some(objection.created_at)),
            objection
                .bid_id
                .map_or(Cell::Empty, |b| Cell::Text(names.bid(b))),
            Cell::text(objection.reason.as_str()),
            objection.answer.as_deref().map_or(Cell::Empty, Cell::text),
            Cell::yes_no(objection.upheld),
            Cell::time(objection.answered_at),
        ]);
    }
    Ok(Sheet {
        name: t!("record-sheet-objections"),
        headers: vec![
            t!("record-objection-by"),
            t!("record-objection-at"),
            t!("record-objection-bid"),
            t!("record-objection-reason"),
            t!("record-objection-answer"),
            t!("record-objection-upheld"),
            t!("record-objection-answered-at"),
        ],
        rows,
    })
}

/// The detail of a timeline entry, with the ids some actions record named.
async fn event_detail(
    conn: &impl ConnectionTrait,
    event: &challenge_event::Model,
    names: &mut Names,
) -> CoreResult<Cell> {
    let Some(detail) = event.detail.as_deref() else {
        return Ok(Cell::Empty);
    };
    let ids =
        || -> Option<Vec<i64>> { detail.split(',').map(|id| id.trim().parse().ok()).collect() };
    let named = match (event.action.as_str(), ids()) {
        ("challenge.assign_expert" | "challenge.unassign_expert", Some(ids)) => {
            names.users(conn, &ids).await?
        }
        ("challenge.propose_winners", Some(ids)) => ids
            .iter()
            .map(|id| names.bid(*id))
            .collect::<Vec<_>>()
            .join(&t!("list-separator")),
        _ => detail.to_owned(),
    };
    Ok(Cell::Text(named))
}

async fn timeline_sheet(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
    names: &mut Names,
) -> CoreResult<Sheet> {
    let events = challenges::timeline(conn, challenge_id).await?;
    let mut rows = Vec::with_capacity(events.len());
    for event in &events {
        let actor = match event.actor_user_id {
            Some(id) => names.user(conn, id).await?,
            None => Actor::System.label(),
        };
        rows.push(vec![
            Cell::time(Some(event.at)),
            Cell::Text(actor),
            Cell::Text(crate::challenge::timeline_label(&event.action)),
            event
                .bid_id
                .map_or(Cell::Empty, |b| Cell::Text(names.bid(b))),
            event_detail(conn, event, names).await?,
        ]);
    }
    Ok(Sheet {
        name: t!("record-sheet-timeline"),
        headers: vec![
            t!("record-event-at"),
            t!("record-event-actor"),
            t!("record-event-action"),
            t!("record-event-bid"),
            t!("record-event-detail"),
        ],
        rows,
    })
}

fn write_workbook(sheets: &[Sheet]) -> CoreResult<Vec<u8>> {
    let xlsx_error = |error: XlsxError| CoreError::Internal(format!("cannot write xlsx: {error}"));
    let too_large = || CoreError::Internal("record too large for an xlsx worksheet".to_owned());
    let header_format = Format::new().set_bold();
    let text_format = Format::new().set_num_format("@");
    let wrapped_format = Format::new().set_num_format("@").set_text_wrap();
    let number_format = |decimals: Option<usize>| match decimals {
        Some(0) => Format::new().set_num_format("0"),
        Some(d) => Format::new().set_num_format(format!("0.{}", "0".repeat(d))),
        None => Format::new().set_num_format("General"),
    };

    let mut workbook = Workbook::new();
    for sheet in sheets {
        let last_row = RowNum::try_from(sheet.rows.len()).map_err(|_| too_large())?;
        let last_column =
            ColNum::try_from(sheet.headers.len().saturating_sub(1)).map_err(|_| too_large())?;
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(&sheet.name).map_err(xlsx_error)?;
        for (column, header) in (0..=last_column).zip(&sheet.headers) {
            worksheet
                .write_string_with_format(0, column, header, &header_format)
                .map_err(xlsx_error)?;
            let shown = sheet
                .rows
                .iter()
                .filter_map(|row| row.get(usize::from(column)))
                .map(Cell::shown);
            let width = std::iter::once(header.clone())
                .chain(shown)
                .map(|value| display_width(&value))
                .max()
                .unwrap_or_default()
                .clamp(MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH)
                + COLUMN_PADDING;
            // Widths are at most MAX_COLUMN_WIDTH + COLUMN_PADDING, so the cast is exact.
            worksheet
                .set_column_width(column, width as f64)
                .map_err(xlsx_error)?;
        }
        for (row_number, row) in (1..=last_row).zip(&sheet.rows) {
            debug_assert_eq!(row.len(), sheet.headers.len(), "{}", sheet.name);
            for (column, cell) in (0..=last_column).zip(row) {
                match cell {
                    Cell::Empty => {}
                    Cell::Text(text) if text.is_empty() => {}
                    Cell::Text(text) => {
                        let format = if text.contains('\n') {
                            &wrapped_format
                        } else {
                            &text_format
                        };
                        worksheet
                            .write_string_with_format(row_number, column, text, format)
                            .map_err(xlsx_error)?;
                    }
                    Cell::Number(value, decimals) => {
                        worksheet
                            .write_number_with_format(
                                row_number,
                                column,
                                *value,
                                &number_format(*decimals),
                            )
                            .map_err(xlsx_error)?;
                    }
                }
            }
        }
        worksheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        worksheet
            .autofilter(0, 0, last_row, last_column)
            .map_err(xlsx_error)?;
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}

/// Estimates how many Excel character widths the longest line of `value` needs,
/// counting non-ASCII characters (Chinese, full-width punctuation) as two.
fn display_width(value: &str) -> usize {
    value
        .lines()
        .map(|line| line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum())
        .max()
        .unwrap_or_default()
}
