//! The bureau's yearly report, for handing upward: the figures (totals with the target,
//! by month, by cluster), the deals with their amounts, and the outcomes of the
//! challenges, one sheet each with Chinese headers, as XLSX or CSV.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Statement, Value};

use crate::challenge::calendar::china_standard_time;
use crate::challenge::lifecycle::ChallengeStatus;
use crate::contact::ContractType;
use crate::lists::write::{Sheet, TableFormat, write_workbook};
use crate::services::statistics::{self, Counts, Filter};
use crate::{CoreError, CoreResult, t};

/// One signed deal as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealLine {
    pub signed_at: DateTime<Utc>,
    pub need: String,
    pub enterprise: String,
    pub achievement: String,
    pub supplier: String,
    pub cluster: String,
    pub contract_type: String,
    pub contract_amount_yuan: i64,
    pub technology_amount_yuan: i64,
    pub researcher_share_percent: i64,
}

/// One challenge published in the year and how it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeLine {
    pub public_id: String,
    pub title: String,
    pub cluster: String,
    pub stage: String,
    pub reward_yuan: i64,
    pub bids: i64,
    /// The lead organisations of the awarded teams, in the order awarded.
    pub winners: Vec<String>,
}

fn year_filter(year: i32) -> CoreResult<Filter> {
    Filter::year(year).ok_or_else(|| CoreError::invalid("year", t!("report-bad-year", year = year)))
}

fn sql(conn: &impl ConnectionTrait, text: &str, values: Vec<Value>) -> Statement {
    let backend = conn.get_database_backend();
    Statement::from_sql_and_values(backend, statistics::placeholders(backend, text), values)
}

/// The deals signed in `year` (Beijing time), oldest first.
///
/// # Errors
/// `Invalid` for a year the calendar does not have; database errors.
pub async fn deals(conn: &impl ConnectionTrait, year: i32) -> CoreResult<Vec<DealLine>> {
    let (start, end) = year_filter(year)?.instants();
    // The deals the figures count, and no others: the sheet adds up to the totals.
    let text = format!(
        "SELECT d.signed_at, n.title, COALESCE(no.name, ''), a.title, COALESCE(ao.name, ''), \
         COALESCE(n.industry, ''), d.contract_type, d.contract_amount_yuan, \
         d.technology_amount_yuan, CAST(d.researcher_share_percent AS BIGINT) \
         FROM deals d JOIN contacts c ON c.id = d.contact_id \
         JOIN needs n ON n.id = c.need_id JOIN achievements a ON a.id = c.achievement_id \
         LEFT JOIN organisations no ON no.id = n.org_id \
         LEFT JOIN organisations ao ON ao.id = a.org_id \
         WHERE d.signed_at >= ? AND d.signed_at < ? AND {} ORDER BY d.signed_at, d.id",
        statistics::COUNTED_DEAL.as_str()
    );
    let statement = sql(conn, &text, vec![start.into(), end.into()]);
    let mut lines = Vec::new();
    for row in conn.query_all_raw(statement).await? {
        lines.push(DealLine {
            signed_at: row.try_get_by_index(0)?,
            need: row.try_get_by_index(1)?,
            enterprise: row.try_get_by_index(2)?,
            achievement: row.try_get_by_index(3)?,
            supplier: row.try_get_by_index(4)?,
            cluster: row.try_get_by_index(5)?,
            contract_type: row.try_get_by_index(6)?,
            contract_amount_yuan: row.try_get_by_index(7)?,
            technology_amount_yuan: row.try_get_by_index(8)?,
            researcher_share_percent: row.try_get_by_index(9)?,
        });
    }
    Ok(lines)
}

/// The challenges published in `year`, with their bids and winners.
///
/// # Errors
/// `Invalid` for a year the calendar does not have; database errors.
pub async fn challenges(conn: &impl ConnectionTrait, year: i32) -> CoreResult<Vec<ChallengeLine>> {
    let (start, end) = year_filter(year)?.instants();
    let statement = sql(
        conn,
        "SELECT ch.id, ch.public_id, ch.title, COALESCE(ch.industry, ''), ch.status, \
         ch.reward_enterprise_yuan, ch.reward_subsidy_yuan, \
         (SELECT COUNT(*) FROM bids b WHERE b.challenge_id = ch.id AND b.submitted_at IS NOT NULL) \
         FROM challenges ch WHERE ch.published_at >= ? AND ch.published_at < ? \
         ORDER BY ch.published_at, ch.id",
        vec![start.into(), end.into()],
    );
    // The winners of every challenge of the year in one query, not one per challenge.
    let winners = sql(
        conn,
        "SELECT b.challenge_id, o.name FROM bids b \
         JOIN organisations o ON o.id = b.lead_org_id \
         JOIN challenges ch ON ch.id = b.challenge_id \
         WHERE ch.published_at >= ? AND ch.published_at < ? \
         AND b.status IN ('awarded', 'in_execution', 'accepted') ORDER BY b.id",
        vec![start.into(), end.into()],
    );
    let mut winners_of: HashMap<i64, Vec<String>> = HashMap::new();
    for row in conn.query_all_raw(winners).await? {
        winners_of
            .entry(row.try_get_by_index(0)?)
            .or_default()
            .push(row.try_get_by_index(1)?);
    }
    let mut lines = Vec::new();
    for row in conn.query_all_raw(statement).await? {
        let id: i64 = row.try_get_by_index(0)?;
        lines.push(ChallengeLine {
            public_id: row.try_get_by_index(1)?,
            title: row.try_get_by_index(2)?,
            cluster: row.try_get_by_index(3)?,
            stage: row.try_get_by_index(4)?,
            // Added here, not in SQL, where two huge rewards would overflow the query.
            reward_yuan: row
                .try_get_by_index::<i64>(5)?
                .saturating_add(row.try_get_by_index::<i64>(6)?),
            bids: row.try_get_by_index(7)?,
            winners: winners_of.remove(&id).unwrap_or_default(),
        });
    }
    Ok(lines)
}

/// An amount in 万元 with two decimals, as the bureau reports it.
pub fn wan(yuan: i64) -> String {
    format!("{:.2}", yuan as f64 / 10_000.0)
}

/// Writes one figure of a month or a cluster as a cell.
type Figure = fn(&Counts) -> String;

/// The figure columns of the month and cluster sheets, with their headers.
fn count_columns() -> Vec<(String, Figure)> {
    vec![
        (t!("stats-needs-posted"), |c| c.needs_posted.to_string()),
        (t!("stats-needs-published"), |c| {
            c.needs_published.to_string()
        }),
        (t!("stats-achievements-posted"), |c| {
            c.achievements_posted.to_string()
        }),
        (t!("stats-achievements-published"), |c| {
            c.achievements_published.to_string()
        }),
        (t!("stats-matches-proposed"), |c| {
            c.matches_proposed.to_string()
        }),
        (t!("stats-contact-requests"), |c| {
            c.contact_requests.to_string()
        }),
        (t!("stats-contacts-accepted"), |c| {
            c.contacts_accepted.to_string()
        }),
        (t!("stats-deals-signed"), |c| c.deals_signed.to_string()),
        (t!("stats-contract-amount-wan"), |c| {
            wan(c.contract_amount_yuan)
        }),
        (t!("stats-technology-amount-wan"), |c| {
            wan(c.technology_amount_yuan)
        }),
        (t!("report-researcher-share-wan"), |c| {
            wan(c.researcher_share_yuan)
        }),
    ]
}

/// The report of `year` as a file in `format`. `target_yuan` is the year's 技术交易额
/// target.
///
/// # Errors
/// `Invalid` for a year the calendar does not have; database errors.
pub async fn build(
    conn: &impl ConnectionTrait,
    year: i32,
    target_yuan: i64,
    format: TableFormat,
) -> CoreResult<Vec<u8>> {
    let filter = year_filter(year)?;
    let figures = statistics::figures(conn, &filter).await?;
    let target = statistics::target_progress(conn, year, target_yuan).await?;
    let columns = count_columns();
    let two = |a: String, b: String| vec![a, b];

    let mut summary = vec![
        two(t!("report-year"), year.to_string()),
        two(t!("report-target-wan"), wan(target.target_yuan)),
        two(t!("report-target-percent"), format!("{}%", target.percent)),
    ];
    summary.extend(
        columns
            .iter()
            .map(|(header, value)| two(header.clone(), value(&figures.totals))),
    );
    let by = |first: String, rows: Vec<(String, &Counts)>| Sheet {
        name: String::new(),
        headers: std::iter::once(first)
            .chain(columns.iter().map(|(h, _)| h.clone()))
            .collect(),
        rows: rows
            .into_iter()
            .map(|(key, counts)| {
                std::iter::once(key)
                    .chain(columns.iter().map(|(_, value)| value(counts)))
                    .collect()
            })
            .collect(),
    };
    let mut months = by(
        t!("stats-month"),
        figures
            .months
            .iter()
            .map(|m| (m.month.clone(), &m.counts))
            .collect(),
    );
    months.name = t!("report-sheet-months");
    let mut clusters = by(
        t!("stats-cluster"),
        figures
            .clusters
            .iter()
            .map(|c| {
                let name = if c.cluster.is_empty() {
                    t!("stats-no-cluster")
                } else {
                    c.cluster.clone()
                };
                (name, &c.counts)
            })
            .collect(),
    );
    clusters.name = t!("report-sheet-clusters");

    let deal_rows = deals(conn, year)
        .await?
        .into_iter()
        .map(|d| {
            vec![
                d.signed_at
                    .with_timezone(&china_standard_time())
                    .format("%Y-%m-%d")
                    .to_string(),
                d.need,
                d.enterprise,
                d.achievement,
                d.supplier,
                d.cluster,
                ContractType::parse(&d.contract_type)
                    .map_or(d.contract_type.clone(), ContractType::label),
                wan(d.contract_amount_yuan),
                wan(d.technology_amount_yuan),
                format!("{}%", d.researcher_share_percent),
            ]
        })
        .collect();
    let challenge_rows = challenges(conn, year)
        .await?
        .into_iter()
        .map(|c| {
            vec![
                c.public_id,
                c.title,
                c.cluster,
                ChallengeStatus::from_code(&c.stage)
                    .map_or(c.stage.clone(), ChallengeStatus::label),
                wan(c.reward_yuan),
                c.bids.to_string(),
                c.winners.join(&t!("list-separator")),
            ]
        })
        .collect();
    let sheets = vec![
        Sheet {
            name: t!("report-sheet-summary"),
            headers: vec![t!("report-figure"), t!("report-value")],
            rows: summary,
        },
        months,
        clusters,
        Sheet {
            name: t!("report-sheet-deals"),
            headers: vec![
                t!("report-signed-at"),
                t!("report-need"),
                t!("report-enterprise"),
                t!("report-achievement"),
                t!("report-supplier"),
                t!("stats-cluster"),
                t!("report-contract-type"),
                t!("stats-contract-amount-wan"),
                t!("stats-technology-amount-wan"),
                t!("report-researcher-share-percent"),
            ],
            rows: deal_rows,
        },
        Sheet {
            name: t!("report-sheet-challenges"),
            headers: vec![
                t!("report-challenge-id"),
                t!("stats-challenge"),
                t!("stats-cluster"),
                t!("stats-stage"),
                t!("report-reward-wan"),
                t!("stats-bids"),
                t!("report-winners"),
            ],
            rows: challenge_rows,
        },
    ];
    write_workbook(format, &sheets)
}
