//! The bureau's figures: postings, proposed matches, contacts, 对接 accepted, deals and
//! 技术交易额, by month (Beijing time) and by industry cluster, for a date range and
//! optionally one cluster, one region and one kind of organisation.
//!
//! Every measure is one aggregate query grouped by (month, cluster); totals, the monthly
//! series and the per-cluster table are sums of its rows, so their counts always agree
//! (the researchers' share is rounded down to the yuan in each).
//! The cluster and region of a match, a contact or a deal are its need's (the
//! enterprise's side, where the county's clusters are); its organisation kind is the
//! supplier's (the achievement's organisation). Postings are counted under their own
//! cluster, region and organisation. A posting withdrawn later no longer counts as
//! published.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};
use serde::Serialize;

use crate::CoreResult;
use crate::challenge::calendar::china_standard_time;
use crate::contact::{DealConfirmation, MAX_DEAL_AMOUNT_YUAN};
use crate::posting::OrgKind;

/// The deals the figures count, as a condition on the deal `d`: confirmed by the other
/// side, with figures the platform could have recorded. A row outside the limits can
/// only have been written around the platform; it counts for nothing rather than
/// overflowing the sums and taking every figures page down. A deal with a provisional
/// (self-registered, unverified) organisation on either side waits for the bureau to
/// verify it: otherwise one person with two self-registered accounts would be both sides.
/// Each side is its own `NOT EXISTS` that follows the deal's contact to one organisation
/// by primary keys: an `OR` over both sides made PostgreSQL hash whole tables (55 ms for
/// a year's deals, against 10), and an `OR` in a join condition made SQLite scan every
/// organisation for every deal.
pub(crate) static COUNTED_DEAL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "d.confirmation = '{confirmed}' \
         AND d.contract_amount_yuan BETWEEN 0 AND {max} \
         AND d.technology_amount_yuan BETWEEN 0 AND d.contract_amount_yuan \
         AND d.researcher_share_percent BETWEEN 0 AND 100 \
         AND NOT EXISTS (SELECT 1 FROM contacts pc \
             JOIN needs pn ON pn.id = pc.need_id \
             JOIN organisations po ON po.id = pn.org_id \
             WHERE pc.id = d.contact_id AND po.provisional) \
         AND NOT EXISTS (SELECT 1 FROM contacts pc \
             JOIN achievements pa ON pa.id = pc.achievement_id \
             JOIN organisations po ON po.id = pa.org_id \
             WHERE pc.id = d.contact_id AND po.provisional)",
        confirmed = DealConfirmation::Confirmed.code(),
        max = MAX_DEAL_AMOUNT_YUAN,
    )
});

/// What the figures are computed over.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filter {
    /// First and last day, both included, in Beijing time.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// An industry cluster's name as in the catalogue.
    pub cluster: Option<String>,
    /// A region code: `140000` is Shanxi, `140700` 晋中 and all its counties.
    pub region: Option<String>,
    pub org_kind: Option<OrgKind>,
    /// One organisation: its postings, and the matches, contacts and deals it is a
    /// party to on either side.
    pub org_id: Option<i64>,
}

impl Filter {
    /// The year to date of `today`, unfiltered.
    pub fn year_to_date(today: NaiveDate) -> Filter {
        Filter {
            from: NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
            to: today,
            cluster: None,
            region: None,
            org_kind: None,
            org_id: None,
        }
    }

    /// The whole calendar `year`, unfiltered; `None` for a year the calendar lacks.
    pub fn year(year: i32) -> Option<Filter> {
        Some(Filter {
            from: NaiveDate::from_ymd_opt(year, 1, 1)?,
            to: NaiveDate::from_ymd_opt(year, 12, 31)?,
            cluster: None,
            region: None,
            org_kind: None,
            org_id: None,
        })
    }

    /// The instants the range covers: from the first day's midnight to the midnight
    /// after the last day, in Beijing time.
    pub(crate) fn instants(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            beijing_midnight(self.from),
            beijing_midnight(self.to) + Duration::days(1),
        )
    }

    /// The prefix every code in the region starts with: trailing `00` pairs of a
    /// province or city code stand for "all of it".
    pub(crate) fn region_prefix(&self) -> Option<String> {
        let code = self.region.as_deref()?.trim();
        let mut prefix = code;
        while prefix.len() > 2 && prefix.ends_with("00") {
            prefix = &prefix[..prefix.len() - 2];
        }
        Some(prefix.to_owned()).filter(|p| !p.is_empty())
    }
}

fn beijing_midnight(day: NaiveDate) -> DateTime<Utc> {
    let local = day.and_time(NaiveTime::MIN);
    china_standard_time()
        .from_local_datetime(&local)
        .single()
        .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
}

/// The counts and amounts of one month, one cluster or the whole range.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub needs_posted: i64,
    pub needs_published: i64,
    pub achievements_posted: i64,
    pub achievements_published: i64,
    pub matches_proposed: i64,
    pub contact_requests: i64,
    pub contacts_accepted: i64,
    pub deals_signed: i64,
    pub contract_amount_yuan: i64,
    /// 技术交易额: contract amounts less non-technical costs.
    pub technology_amount_yuan: i64,
    /// The researchers' share of the technology amounts, rounded down to the yuan.
    pub researcher_share_yuan: i64,
    /// Technology amount × share percent, summed: the share in hundredths of a yuan.
    #[serde(skip)]
    share_hundredths: i64,
}

impl Counts {
    fn add(&mut self, measure: Measure, row: &Row) {
        match measure {
            Measure::NeedsPosted => self.needs_posted += row.count,
            Measure::NeedsPublished => self.needs_published += row.count,
            Measure::AchievementsPosted => self.achievements_posted += row.count,
            Measure::AchievementsPublished => self.achievements_published += row.count,
            Measure::MatchesProposed => self.matches_proposed += row.count,
            Measure::ContactRequests => self.contact_requests += row.count,
            Measure::ContactsAccepted => self.contacts_accepted += row.count,
            // Every counted deal is bounded, so these sums stay far from the limit;
            // saturating keeps even a broken invariant from panicking a page.
            Measure::Deals => {
                self.deals_signed = self.deals_signed.saturating_add(row.count);
                self.contract_amount_yuan = self.contract_amount_yuan.saturating_add(row.contract);
                self.technology_amount_yuan =
                    self.technology_amount_yuan.saturating_add(row.technology);
                self.share_hundredths = self.share_hundredths.saturating_add(row.share_hundredths);
                self.researcher_share_yuan = self.share_hundredths / 100;
            }
        }
    }
}

/// One month's figures; `month` is `2026-03`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthFigures {
    pub month: String,
    #[serde(flatten)]
    pub counts: Counts,
}

/// One cluster's figures; postings without a cluster are under the empty name.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterFigures {
    pub cluster: String,
    #[serde(flatten)]
    pub counts: Counts,
}

/// Where the year's 技术交易额 stands against the bureau's target.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TargetProgress {
    pub year: i32,
    pub target_yuan: i64,
    pub achieved_yuan: i64,
    /// Whole percent of the target reached, not capped at 100.
    pub percent: i64,
}

/// The figures of a range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub filter: Filter,
    pub totals: Counts,
    /// Every month of the range, in order, including empty ones.
    pub months: Vec<MonthFigures>,
    /// Clusters with any figure, the largest 技术交易额 first, then the most needs.
    pub clusters: Vec<ClusterFigures>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Measure {
    NeedsPosted,
    NeedsPublished,
    AchievementsPosted,
    AchievementsPublished,
    MatchesProposed,
    ContactRequests,
    ContactsAccepted,
    Deals,
}

impl Measure {
    const ALL: [Measure; 8] = [
        Measure::NeedsPosted,
        Measure::NeedsPublished,
        Measure::AchievementsPosted,
        Measure::AchievementsPublished,
        Measure::MatchesProposed,
        Measure::ContactRequests,
        Measure::ContactsAccepted,
        Measure::Deals,
    ];

    /// The rows, their time, cluster, region and organisation kind, and what else must
    /// hold, as SQL. The organisation kind is tested against the set of organisations
    /// (or suppliers' achievements) of that kind, found once per query, rather than by
    /// a join per row.
    fn source(self) -> Source {
        // A match, contact or deal is the need's cluster and region and the supplier's
        // organisation kind.
        const OF_KIND: &str = "IN (SELECT id FROM organisations WHERE kind = ?)";
        // Through the index of achievements by organisation: no achievement row is read.
        const SUPPLIED_BY_KIND: &str = "IN (SELECT sa.id FROM achievements sa \
             WHERE sa.org_id IN (SELECT id FROM organisations WHERE kind = ?))";
        const SUPPLIED_BY_ORG: &str = "IN (SELECT id FROM achievements WHERE org_id = ?)";
        let need = |time: &'static str, condition: &'static str| Source {
            from: "needs n".to_owned(),
            time,
            cluster: "n.industry",
            region: "n.region_code",
            condition,
            org_kind: format!("n.org_id {OF_KIND}"),
            org: "n.org_id = ?".to_owned(),
        };
        let achievement = |time: &'static str, condition: &'static str| Source {
            from: "achievements a".to_owned(),
            time,
            cluster: "a.field",
            region: "a.region_code",
            condition,
            org_kind: format!("a.org_id {OF_KIND}"),
            org: "a.org_id = ?".to_owned(),
        };
        let pair = |from: &str, pair: &str, time: &'static str, condition: &'static str| Source {
            from: format!("{from} JOIN needs n ON n.id = {pair}.need_id"),
            time,
            cluster: "n.industry",
            region: "n.region_code",
            condition,
            org_kind: format!("{pair}.achievement_id {SUPPLIED_BY_KIND}"),
            org: format!("(n.org_id = ? OR {pair}.achievement_id {SUPPLIED_BY_ORG})"),
        };
        match self {
            Measure::NeedsPosted => need("n.created_at", ""),
            Measure::NeedsPublished => need("n.published_at", "n.status <> 'withdrawn'"),
            Measure::AchievementsPosted => achievement("a.created_at", ""),
            Measure::AchievementsPublished => {
                achievement("a.published_at", "a.status <> 'withdrawn'")
            }
            // Counted where it was proposed, from the proposal's own row.
            Measure::MatchesProposed => Source {
                from: "match_proposals m".to_owned(),
                time: "m.proposed_at",
                cluster: "m.cluster",
                region: "m.region_code",
                condition: "",
                org_kind: format!("m.achievement_id {SUPPLIED_BY_KIND}"),
                org: format!(
                    "(m.need_id IN (SELECT id FROM needs WHERE org_id = ?) \
                     OR m.achievement_id {SUPPLIED_BY_ORG})"
                ),
            },
            Measure::ContactRequests => pair("contacts c", "c", "c.created_at", ""),
            Measure::ContactsAccepted => pair(
                "audit_log l JOIN contacts c ON c.id = l.entity_id",
                "c",
                "l.at",
                "l.action = 'contact.accept' AND l.entity = 'contact'",
            ),
            Measure::Deals => pair(
                "deals d JOIN contacts c ON c.id = d.contact_id",
                "c",
                "d.signed_at",
                COUNTED_DEAL.as_str(),
            ),
        }
    }
}

struct Source {
    from: String,
    time: &'static str,
    cluster: &'static str,
    region: &'static str,
    condition: &'static str,
    /// The condition of the organisation kind, with one `?` for it.
    org_kind: String,
    /// The condition of one organisation, with `?` for its id (as many as it holds).
    org: String,
}

/// One (month, cluster) group of one measure.
#[derive(Debug, Clone)]
struct Row {
    /// The index of the month in the range.
    month: usize,
    cluster: String,
    count: i64,
    contract: i64,
    technology: i64,
    /// Technology amount × researcher share percent, summed: divided by 100 once.
    share_hundredths: i64,
}

/// `column` as the index of the month it falls in, given the instants each month after
/// the first begins: a CASE that halves the months at each step. Comparing stored
/// instants is far cheaper than converting every row's time to Beijing time in SQL
/// (SQLite would parse each timestamp's text), and it reads the same on both backends.
fn month_index(column: &str, starts: &[DateTime<Utc>], values: &mut Vec<Value>) -> String {
    fn split(
        column: &str,
        starts: &[DateTime<Utc>],
        first: usize,
        values: &mut Vec<Value>,
    ) -> String {
        if starts.is_empty() {
            return first.to_string();
        }
        let middle = starts.len() / 2;
        values.push(starts[middle].into());
        let condition = format!("{column} < ?");
        let before = split(column, &starts[..middle], first, values);
        let after = split(column, &starts[middle + 1..], first + middle + 1, values);
        format!("CASE WHEN {condition} THEN {before} ELSE {after} END")
    }
    split(column, starts, 0, values)
}

/// Numbers `?` placeholders as `$1, $2, …` for PostgreSQL.
pub(crate) fn placeholders(backend: DbBackend, sql: &str) -> String {
    if backend != DbBackend::Postgres {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}

async fn rows_of(
    conn: &impl ConnectionTrait,
    measure: Measure,
    filter: &Filter,
) -> CoreResult<Vec<Row>> {
    let backend = conn.get_database_backend();
    let source = measure.source();
    let (start, end) = filter.instants();
    let mut values: Vec<Value> = Vec::new();
    let month = format!(
        "CAST({} AS BIGINT)",
        month_index(source.time, &month_starts(filter)[1..], &mut values)
    );
    let mut conditions = vec![format!("{t} >= ? AND {t} < ?", t = source.time)];
    values.push(start.into());
    values.push(end.into());
    if !source.condition.is_empty() {
        conditions.push(source.condition.to_owned());
    }
    if let Some(cluster) = &filter.cluster {
        conditions.push(format!("{} = ?", source.cluster));
        values.push(cluster.clone().into());
    }
    if let Some(prefix) = filter.region_prefix() {
        conditions.push(format!("{} LIKE ?", source.region));
        values.push(format!("{prefix}%").into());
    }
    if let Some(kind) = filter.org_kind {
        conditions.push(source.org_kind.clone());
        values.push(kind.code().into());
    }
    if let Some(org) = filter.org_id {
        for _ in source.org.matches('?') {
            values.push(org.into());
        }
        conditions.push(source.org.clone());
    }
    let sums = if measure == Measure::Deals {
        "CAST(COALESCE(SUM(d.contract_amount_yuan), 0) AS BIGINT), \
         CAST(COALESCE(SUM(d.technology_amount_yuan), 0) AS BIGINT), \
         CAST(COALESCE(SUM(d.technology_amount_yuan * d.researcher_share_percent), 0) AS BIGINT)"
    } else {
        "CAST(0 AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT)"
    };
    let sql = format!(
        "SELECT {month} AS month, COALESCE({cluster}, '') AS cluster, COUNT(*) AS n, \
         {sums} FROM {from} WHERE {conditions} GROUP BY 1, 2",
        month = month,
        cluster = source.cluster,
        from = source.from,
        conditions = conditions.join(" AND "),
    );
    let statement = Statement::from_sql_and_values(backend, placeholders(backend, &sql), values);
    let mut rows = Vec::new();
    for row in conn.query_all_raw(statement).await? {
        let index: i64 = row.try_get_by_index(0)?;
        rows.push(Row {
            month: usize::try_from(index).unwrap_or(0),
            cluster: row.try_get_by_index(1)?,
            count: row.try_get_by_index(2)?,
            contract: row.try_get_by_index(3)?,
            technology: row.try_get_by_index(4)?,
            share_hundredths: row.try_get_by_index(5)?,
        });
    }
    Ok(rows)
}

/// The instant each month of the range begins (Beijing time); the first is the range's
/// own start.
fn month_starts(filter: &Filter) -> Vec<DateTime<Utc>> {
    let mut starts = vec![filter.instants().0];
    let (mut year, mut month) = (filter.from.year(), filter.from.month());
    loop {
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        match NaiveDate::from_ymd_opt(year, month, 1) {
            Some(first) if first <= filter.to => starts.push(beijing_midnight(first)),
            _ => break,
        }
    }
    starts
}

/// Every month from `from` to `to`, as `YYYY-MM`.
fn months_between(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut months = Vec::new();
    let (mut year, mut month) = (from.year(), from.month());
    while (year, month) <= (to.year(), to.month()) {
        months.push(format!("{year:04}-{month:02}"));
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    months
}

/// The figures of `filter`'s range.
///
/// # Errors
/// Database errors.
pub async fn figures(conn: &impl ConnectionTrait, filter: &Filter) -> CoreResult<Figures> {
    let mut totals = Counts::default();
    let labels = months_between(filter.from, filter.to);
    let mut months = vec![Counts::default(); labels.len()];
    let mut clusters: BTreeMap<String, Counts> = BTreeMap::new();
    // The measures are independent queries: on PostgreSQL they run at once on the
    // pool's connections; SQLite's one connection takes them in turn.
    let found = futures_util::future::try_join_all(
        Measure::ALL.map(|measure| rows_of(conn, measure, filter)),
    )
    .await?;
    for (measure, rows) in Measure::ALL.into_iter().zip(found) {
        for row in rows {
            totals.add(measure, &row);
            if let Some(month) = months.get_mut(row.month) {
                month.add(measure, &row);
            }
            clusters
                .entry(row.cluster.clone())
                .or_default()
                .add(measure, &row);
        }
    }
    let mut clusters: Vec<ClusterFigures> = clusters
        .into_iter()
        .map(|(cluster, counts)| ClusterFigures { cluster, counts })
        .collect();
    clusters.sort_by(|a, b| {
        b.counts
            .technology_amount_yuan
            .cmp(&a.counts.technology_amount_yuan)
            .then(b.counts.needs_published.cmp(&a.counts.needs_published))
            .then(a.cluster.cmp(&b.cluster))
    });
    Ok(Figures {
        filter: filter.clone(),
        totals,
        months: labels
            .into_iter()
            .zip(months)
            .map(|(month, counts)| MonthFigures { month, counts })
            .collect(),
        clusters,
    })
}

/// 揭榜挂帅 in the range: the challenges published in it by their stage now, the bids
/// each received, and the milestones of awarded teams.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChallengeFigures {
    /// (stage code, how many), in the lifecycle's order, only stages with any.
    pub by_stage: Vec<StageCount>,
    /// Every challenge published in the range with its submitted bids, most bids first.
    pub bids: Vec<ChallengeBids>,
    /// Milestones accepted in the range.
    pub milestones_passed: i64,
    /// Milestones due before `now` and neither reported nor passed.
    pub milestones_overdue: i64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageCount {
    pub stage: String,
    pub count: i64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChallengeBids {
    pub id: i64,
    pub public_id: String,
    pub title: String,
    pub stage: String,
    pub bids: i64,
}

/// The challenges' part of the figures. A challenge is filtered by its cluster and by
/// its publisher's region and kind of organisation.
///
/// # Errors
/// Database errors.
pub async fn challenges(
    conn: &impl ConnectionTrait,
    filter: &Filter,
    now: DateTime<Utc>,
) -> CoreResult<ChallengeFigures> {
    let backend = conn.get_database_backend();
    let (start, end) = filter.instants();
    let mut conditions = vec!["ch.published_at >= ? AND ch.published_at < ?".to_owned()];
    let mut values: Vec<Value> = vec![start.into(), end.into()];
    if let Some(cluster) = &filter.cluster {
        conditions.push("ch.industry = ?".to_owned());
        values.push(cluster.clone().into());
    }
    if let Some(prefix) = filter.region_prefix() {
        conditions.push("o.region_code LIKE ?".to_owned());
        values.push(format!("{prefix}%").into());
    }
    if let Some(kind) = filter.org_kind {
        conditions.push("o.kind = ?".to_owned());
        values.push(kind.code().into());
    }
    let scope = format!(
        "challenges ch LEFT JOIN organisations o ON o.id = ch.publisher_org_id WHERE {}",
        conditions.join(" AND ")
    );
    let sql = format!(
        "SELECT ch.id, ch.public_id, ch.title, ch.status, \
         (SELECT COUNT(*) FROM bids b WHERE b.challenge_id = ch.id AND b.submitted_at IS NOT NULL) \
         FROM {scope}"
    );
    let statement =
        Statement::from_sql_and_values(backend, placeholders(backend, &sql), values.clone());
    let mut bids = Vec::new();
    for row in conn.query_all_raw(statement).await? {
        bids.push(ChallengeBids {
            id: row.try_get_by_index(0)?,
            public_id: row.try_get_by_index(1)?,
            title: row.try_get_by_index(2)?,
            stage: row.try_get_by_index(3)?,
            bids: row.try_get_by_index(4)?,
        });
    }
    bids.sort_by(|a, b| b.bids.cmp(&a.bids).then(a.public_id.cmp(&b.public_id)));
    let by_stage = crate::challenge::lifecycle::ChallengeStatus::ALL
        .iter()
        .map(|stage| StageCount {
            stage: stage.code().to_owned(),
            count: bids.iter().filter(|b| b.stage == stage.code()).count() as i64,
        })
        .filter(|s| s.count > 0)
        .collect();
    let milestones = |condition: &str, mut extra: Vec<Value>| {
        let sql = format!(
            "SELECT COUNT(*) FROM bid_milestones m JOIN bids b ON b.id = m.bid_id \
             WHERE {condition} AND b.challenge_id IN (SELECT ch.id FROM {scope})"
        );
        extra.extend(values.iter().cloned());
        Statement::from_sql_and_values(backend, placeholders(backend, &sql), extra)
    };
    let count = |statement: Statement| async move {
        let row = conn.query_one_raw(statement).await?;
        Ok::<i64, crate::CoreError>(match row {
            Some(row) => row.try_get_by_index(0)?,
            None => 0,
        })
    };
    let milestones_passed = count(milestones(
        "m.status = 'passed' AND m.decided_at >= ? AND m.decided_at < ?",
        vec![start.into(), end.into()],
    ))
    .await?;
    let milestones_overdue = count(milestones(
        "m.status IN ('pending', 'rectification') AND m.due_date < ?",
        vec![now.into()],
    ))
    .await?;
    Ok(ChallengeFigures {
        by_stage,
        bids,
        milestones_passed,
        milestones_overdue,
    })
}

/// The year's 技术交易额 against `target_yuan`, whatever the dashboard's filters: the
/// target is the bureau's, for everything.
///
/// # Errors
/// Database errors.
pub async fn target_progress(
    conn: &impl ConnectionTrait,
    year: i32,
    target_yuan: i64,
) -> CoreResult<TargetProgress> {
    let Some(filter) = Filter::year(year) else {
        return Ok(TargetProgress {
            year,
            target_yuan,
            achieved_yuan: 0,
            percent: 0,
        });
    };
    let achieved_yuan: i64 = rows_of(conn, Measure::Deals, &filter)
        .await?
        .iter()
        .fold(0_i64, |sum, r| sum.saturating_add(r.technology));
    let percent = if target_yuan > 0 {
        achieved_yuan.saturating_mul(100) / target_yuan
    } else {
        0
    };
    Ok(TargetProgress {
        year,
        target_yuan,
        achieved_yuan,
        percent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_code_stands_for_everything_under_it() {
        let mut filter = Filter::year_to_date(NaiveDate::from_ymd_opt(2026, 5, 1).unwrap());
        for (code, prefix) in [
            ("140000", "14"),
            ("140700", "1407"),
            ("140721", "140721"),
            ("140100", "1401"),
        ] {
            filter.region = Some(code.to_owned());
            assert_eq!(filter.region_prefix().as_deref(), Some(prefix), "{code}");
        }
    }

    #[test]
    fn the_range_is_beijing_days() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let filter = Filter {
            from: day,
            to: day,
            ..Filter::year_to_date(day)
        };
        let (start, end) = filter.instants();
        assert_eq!(start.to_rfc3339(), "2025-12-31T16:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-01-01T16:00:00+00:00");
    }

    #[test]
    fn months_run_across_years() {
        let from = NaiveDate::from_ymd_opt(2025, 11, 20).unwrap();
        let to = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
        assert_eq!(
            months_between(from, to),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
    }

    #[test]
    fn a_month_is_found_in_a_few_comparisons() {
        let filter = Filter {
            from: NaiveDate::from_ymd_opt(2025, 11, 20).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
            ..Filter::year_to_date(NaiveDate::from_ymd_opt(2026, 2, 1).unwrap())
        };
        let starts = month_starts(&filter);
        let shown: Vec<String> = starts.iter().map(|s| s.to_rfc3339()).collect();
        assert_eq!(
            shown,
            [
                "2025-11-19T16:00:00+00:00",
                "2025-11-30T16:00:00+00:00",
                "2025-12-31T16:00:00+00:00",
                "2026-01-31T16:00:00+00:00"
            ]
        );
        let mut values = Vec::new();
        let sql = month_index("t", &starts[1..], &mut values);
        assert_eq!(
            sql,
            "CASE WHEN t < ? THEN CASE WHEN t < ? THEN 0 ELSE 1 END ELSE CASE WHEN t < ? THEN 2 ELSE 3 END END"
        );
        assert_eq!(values.len(), 3);
    }

    #[test]
    fn postgres_placeholders_are_numbered() {
        assert_eq!(
            placeholders(DbBackend::Postgres, "a = ? AND b LIKE ?"),
            "a = $1 AND b LIKE $2"
        );
        assert_eq!(placeholders(DbBackend::Sqlite, "a = ?"), "a = ?");
    }
}
