//! The bureau's dashboard (`techmatch_core::services::statistics`): the figures of a date
//! range with their trend by month and by industry cluster, the year's 技术交易额
//! against the target, and how notifications are delivered. The API gives the same
//! figures as JSON, which the browser test compares with the page.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Query, State};
use chrono::{Datelike, NaiveDate};
use sea_orm::EntityTrait;
use serde::{Deserialize, Serialize};
use techmatch_core::challenge::calendar::china_standard_time;
use techmatch_core::challenge::lifecycle::ChallengeStatus;
use techmatch_core::entities::organisation;
use techmatch_core::posting::OrgKind;
use techmatch_core::services::ecosystem::{self, EcosystemMap};
use techmatch_core::services::outbox::{self, OutboxSummary};
use techmatch_core::services::settings;
use techmatch_core::services::statistics::{
    self, ChallengeFigures, ClusterFigures, Counts, Figures, Filter, MonthFigures, TargetProgress,
};
use techmatch_core::services::users::User;
use techmatch_core::{CoreError, t};

use crate::server::auth::{ApiUser, PageUser};
use crate::server::bureau::charts::{self, Series};
use crate::server::bureau::ecosystem_map::{self, url_encode};
use crate::server::error::ErrorBody;
use crate::server::extract::ApiQuery;
use crate::server::i18n::filters;
use crate::server::nav::Nav;
use crate::server::{AppState, PageError, WebError};

fn require_bureau(user: &User) -> Result<(), WebError> {
    if user.role.is_bureau() {
        Ok(())
    } else {
        Err(CoreError::Forbidden(t!("stats-bureau-only")).into())
    }
}

/// The dashboard's filters as typed; empty means "any".
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilterQuery {
    /// First day, `YYYY-MM-DD` (default: 1 January of this year).
    pub from: Option<String>,
    /// Last day, included (default: today, Beijing time).
    pub to: Option<String>,
    /// An industry cluster's name.
    pub cluster: Option<String>,
    /// A region code, e.g. `140000` for all of Shanxi.
    pub region: Option<String>,
    /// enterprise, university, institute, bureau or agency.
    pub org_kind: Option<String>,
    /// One organisation's id (a node of the ecosystem map).
    pub org: Option<String>,
}

fn given(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

fn day(field: &'static str, text: &str) -> Result<NaiveDate, WebError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| CoreError::invalid(field, t!("stats-bad-date", value = text)).into())
}

impl FilterQuery {
    /// The filter, refusing a malformed date, an inverted range or an unknown kind.
    fn filter(&self, today: NaiveDate) -> Result<Filter, WebError> {
        let mut filter = Filter::year_to_date(today);
        if let Some(from) = given(&self.from) {
            filter.from = day("from", from)?;
        }
        if let Some(to) = given(&self.to) {
            filter.to = day("to", to)?;
        }
        if filter.from > filter.to {
            return Err(CoreError::invalid("to", t!("stats-range-inverted")).into());
        }
        filter.cluster = given(&self.cluster).map(str::to_owned);
        if let Some(region) = given(&self.region) {
            if region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit()) {
                return Err(
                    CoreError::invalid("region", t!("stats-bad-region", value = region)).into(),
                );
            }
            filter.region = Some(region.to_owned());
        }
        filter.org_kind = given(&self.org_kind).map(OrgKind::parse).transpose()?;
        if let Some(org) = given(&self.org) {
            filter.org_id = Some(org.parse().map_err(|_| {
                WebError::from(CoreError::invalid("org", t!("stats-bad-org", value = org)))
            })?);
        }
        Ok(filter)
    }
}

/// Everything the dashboard shows.
struct Dashboard {
    figures: Figures,
    target: TargetProgress,
    challenges: ChallengeFigures,
    ecosystem: EcosystemMap,
    /// The name of the organisation filtered to, if any.
    org_name: Option<String>,
    outbox: OutboxSummary,
}

async fn dashboard(app: &AppState, query: &FilterQuery) -> Result<Dashboard, WebError> {
    let now = app.clock.now();
    let today = now.with_timezone(&china_standard_time()).date_naive();
    let filter = query.filter(today)?;
    let figures = statistics::figures(&app.db, &filter).await?;
    let target_yuan = settings::current(&app.db, &app.industries())
        .await?
        .yearly_target
        .yuan();
    let target = statistics::target_progress(&app.db, filter.to.year(), target_yuan).await?;
    let challenges = statistics::challenges(&app.db, &filter, now).await?;
    let ecosystem = ecosystem::map(&app.db, &filter).await?;
    let org_name = match filter.org_id {
        Some(id) => Some(
            organisation::Entity::find_by_id(id)
                .one(&app.db)
                .await
                .map_err(CoreError::from)?
                .map(|o| o.name)
                .ok_or_else(|| CoreError::NotFound {
                    what: t!("what-organisation"),
                    id: id.to_string(),
                })?,
        ),
        None => None,
    };
    Ok(Dashboard {
        figures,
        target,
        challenges,
        ecosystem,
        org_name,
        outbox: outbox::summary(&app.db).await?,
    })
}

/// The label of a challenge stage code.
pub fn stage_label(code: &str) -> String {
    ChallengeStatus::from_code(code).map_or_else(|_| code.to_owned(), ChallengeStatus::label)
}

/// An amount in 万元 with two decimals (templates pass references).
pub fn wan(yuan: &i64) -> String {
    techmatch_core::services::report::wan(*yuan)
}

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub nav: Nav,
    pub figures: Figures,
    pub target: TargetProgress,
    pub challenges: ChallengeFigures,
    pub ecosystem: EcosystemMap,
    pub ecosystem_chart: String,
    pub org_name: Option<String>,
    pub outbox: OutboxSummary,
    /// The filters as typed, to fill the form again.
    pub from: String,
    pub to: String,
    pub cluster: String,
    pub region: String,
    pub org_kind: String,
    pub org: String,
    /// The page's query without cluster and organisation, for links that set one.
    pub base_query: String,
    pub clusters: Vec<String>,
    pub org_kinds: Vec<(&'static str, String)>,
    pub amount_chart: String,
    pub postings_chart: String,
    pub target_chart: String,
}

/// `GET /bureau/dashboard` (bureau roles).
pub async fn show(
    State(app): State<AppState>,
    page_user: PageUser,
    Query(query): Query<FilterQuery>,
) -> Result<DashboardPage, PageError> {
    require_bureau(&page_user.0.user)?;
    let Dashboard {
        figures,
        target,
        challenges,
        ecosystem,
        org_name,
        outbox,
    } = dashboard(&app, &query).await?;
    let base_query = {
        let mut query_text = format!(
            "/bureau/dashboard?from={}&to={}",
            figures.filter.from, figures.filter.to
        );
        for (name, value) in [("region", &query.region), ("org_kind", &query.org_kind)] {
            if let Some(value) = given(value) {
                query_text.push_str(&format!("&{name}={}", url_encode(value)));
            }
        }
        query_text.push('&');
        query_text
    };
    let ecosystem_chart = ecosystem_map::render(&ecosystem, &base_query);
    let labels: Vec<String> = figures.months.iter().map(|m| m.month.clone()).collect();
    let amount_chart = charts::bars(
        &t!("stats-chart-amount"),
        &labels,
        &[
            Series {
                name: &t!("stats-contract-amount"),
                class: "s1",
                values: figures
                    .months
                    .iter()
                    .map(|m| m.counts.contract_amount_yuan)
                    .collect(),
            },
            Series {
                name: &t!("stats-technology-amount"),
                class: "s2",
                values: figures
                    .months
                    .iter()
                    .map(|m| m.counts.technology_amount_yuan)
                    .collect(),
            },
        ],
        |yuan| t!("stats-wan", amount = wan(&yuan)),
    );
    let postings_chart = charts::bars(
        &t!("stats-chart-postings"),
        &labels,
        &[
            Series {
                name: &t!("stats-needs-published"),
                class: "s1",
                values: figures
                    .months
                    .iter()
                    .map(|m| m.counts.needs_published)
                    .collect(),
            },
            Series {
                name: &t!("stats-achievements-published"),
                class: "s2",
                values: figures
                    .months
                    .iter()
                    .map(|m| m.counts.achievements_published)
                    .collect(),
            },
            Series {
                name: &t!("stats-contacts-accepted"),
                class: "s3",
                values: figures
                    .months
                    .iter()
                    .map(|m| m.counts.contacts_accepted)
                    .collect(),
            },
        ],
        |n| n.to_string(),
    );
    let target_chart = charts::progress(
        &t!("stats-target-title", year = target.year),
        target.percent,
    );
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    Ok(DashboardPage {
        nav: Nav::of_user(&page_user),
        from: figures.filter.from.to_string(),
        to: figures.filter.to.to_string(),
        cluster: text(&query.cluster),
        region: text(&query.region),
        org_kind: text(&query.org_kind),
        org: text(&query.org),
        base_query,
        clusters: app.industry_names(),
        org_kinds: OrgKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        figures,
        target,
        challenges,
        ecosystem,
        ecosystem_chart,
        org_name,
        outbox,
        amount_chart,
        postings_chart,
        target_chart,
    })
}

/// The bureau's figures of a range (bureau roles)
#[utoipa::path(get, operation_id = "show_statistics", path = "/api/v1/statistics", tag = "bureau", security(("token" = []), ("session" = [])), params(FilterQuery),
    responses((status = 200, description = "The figures of the range: totals, every month (Beijing time) and every cluster (needs and achievements posted and published, matches proposed, contact requests, contacts accepted, deals signed, contract amount, technology amount and the researchers' share, in yuan); the year's technology amount against the target; challenges published in the range by stage with their submitted bids, milestones passed in the range and overdue now; the ecosystem map (clusters with needs, suppliers and gap flag; organisations on the demand and supply sides; links with needs, matches, contacts and deals); notification delivery counts", body = Statistics),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a bureau user", body = ErrorBody),
        (status = 422, description = "A malformed date or region, an inverted range or an unknown organisation kind", body = ErrorBody)))]
pub async fn api_show(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(query): ApiQuery<FilterQuery>,
) -> Result<Json<Statistics>, WebError> {
    require_bureau(&user)?;
    let Dashboard {
        figures,
        target,
        challenges,
        ecosystem,
        org_name: _,
        outbox,
    } = dashboard(&app, &query).await?;
    Ok(Json(Statistics {
        filter: figures.filter,
        totals: figures.totals,
        months: figures.months,
        clusters: figures.clusters,
        target,
        challenges,
        ecosystem,
        outbox,
    }))
}

/// The bureau's figures of a range, as the dashboard shows them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Statistics {
    pub filter: Filter,
    pub totals: Counts,
    /// Every month of the range, in order, including empty ones.
    pub months: Vec<MonthFigures>,
    /// Clusters with any figure, the largest 技术交易额 first.
    pub clusters: Vec<ClusterFigures>,
    /// The year's technology amount against the yearly target.
    pub target: TargetProgress,
    pub challenges: ChallengeFigures,
    pub ecosystem: EcosystemMap,
    /// Notification delivery counts.
    pub outbox: OutboxSummary,
}

/// Which report to download.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// The calendar year (Beijing time).
    pub year: i32,
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
}

/// The year's report as a spreadsheet (bureau roles)
///
/// The dashboard's download button, and what `techmatch report` writes.
#[utoipa::path(get, operation_id = "download_statistics_report", path = "/api/v1/statistics/report", tag = "bureau", security(("token" = []), ("session" = [])), params(ReportQuery),
    responses((status = 200, description = "The yearly report as a download: summary with the target, months, clusters, deals, challenge outcomes; one sheet each (in CSV one after another)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not a bureau user", body = ErrorBody),
        (status = 422, description = "An unknown format or a year out of range", body = ErrorBody)))]
pub async fn report(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> Result<axum::response::Response, WebError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    use techmatch_core::lists::write::TableFormat;
    require_bureau(&user)?;
    let (format, content_type, extension) = match query.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => (
            TableFormat::Xlsx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        "csv" => (TableFormat::Csv, "text/csv; charset=utf-8", "csv"),
        other => {
            return Err(
                CoreError::invalid("format", t!("report-bad-format", format = other)).into(),
            );
        }
    };
    if !(2000..=2100).contains(&query.year) {
        return Err(CoreError::invalid("year", t!("report-bad-year", year = query.year)).into());
    }
    let target = settings::current(&app.db, &app.industries())
        .await?
        .yearly_target
        .yuan();
    let bytes =
        techmatch_core::services::report::build(&app.db, query.year, target, format).await?;
    let disposition = format!(
        "attachment; filename=\"techmatch-report-{}.{extension}\"",
        query.year
    );
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
