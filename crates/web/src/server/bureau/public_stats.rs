//! The public statistics page (`/statistics`, no login) and its API: this year's figures
//! that the bureau chose to publish on its settings page, in total and per cluster.
//! Nothing else of the dashboard is shown.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::State;
use chrono::Datelike;
use std::collections::BTreeMap;

use serde::Serialize;
use techmatch_core::challenge::calendar::china_standard_time;
use techmatch_core::services::settings;
use techmatch_core::services::statistics::{self, Counts, Filter};
use techmatch_core::t;

use crate::server::auth::Viewer;
use crate::server::bureau::dashboard::wan;
use crate::server::i18n::filters;
use crate::server::nav::Nav;
use crate::server::{AppState, PageError, WebError};

/// The label of a publishable figure.
pub fn figure_label(code: &str) -> String {
    match code {
        "needs_published" => t!("stats-needs-published"),
        "achievements_published" => t!("stats-achievements-published"),
        "matches_proposed" => t!("stats-matches-proposed"),
        "contact_requests" => t!("stats-contact-requests"),
        "contacts_accepted" => t!("stats-contacts-accepted"),
        "deals_signed" => t!("stats-deals-signed"),
        "contract_amount_yuan" => t!("stats-contract-amount"),
        "technology_amount_yuan" => t!("stats-technology-amount"),
        other => other.to_owned(),
    }
}

/// The value of a publishable figure as shown: amounts in 万元.
fn figure_value(counts: &Counts, code: &str) -> (i64, String) {
    let value = match code {
        "needs_published" => counts.needs_published,
        "achievements_published" => counts.achievements_published,
        "matches_proposed" => counts.matches_proposed,
        "contact_requests" => counts.contact_requests,
        "contacts_accepted" => counts.contacts_accepted,
        "deals_signed" => counts.deals_signed,
        "contract_amount_yuan" => counts.contract_amount_yuan,
        "technology_amount_yuan" => counts.technology_amount_yuan,
        _ => 0,
    };
    let shown = if code.ends_with("_yuan") {
        t!("stats-wan", amount = wan(&value))
    } else {
        value.to_string()
    };
    (value, shown)
}

/// One published figure: code, label, value and how it is shown.
pub struct Shown {
    pub code: String,
    pub label: String,
    pub value: i64,
    pub text: String,
}

struct Published {
    year: i32,
    totals: Vec<Shown>,
    clusters: Vec<(String, Vec<Shown>)>,
}

async fn published(app: &AppState) -> Result<Published, WebError> {
    let today = app
        .clock
        .now()
        .with_timezone(&china_standard_time())
        .date_naive();
    let chosen = settings::current(&app.db, &app.industries())
        .await?
        .public_figures;
    let figures = statistics::figures(&app.db, &Filter::year_to_date(today)).await?;
    let show = |counts: &Counts| -> Vec<Shown> {
        chosen
            .iter()
            .map(|code| {
                let (value, text) = figure_value(counts, code);
                Shown {
                    code: code.clone(),
                    label: figure_label(code),
                    value,
                    text,
                }
            })
            .collect()
    };
    Ok(Published {
        year: figures.filter.to.year(),
        totals: show(&figures.totals),
        clusters: figures
            .clusters
            .iter()
            .filter(|c| !c.cluster.is_empty())
            .map(|c| (c.cluster.clone(), show(&c.counts)))
            .collect(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "public_statistics.html")]
pub struct PublicStatisticsPage {
    pub nav: Nav,
    pub year: i32,
    pub totals: Vec<Shown>,
    pub clusters: Vec<(String, Vec<Shown>)>,
}

/// `GET /statistics` (anyone).
pub async fn show(
    State(app): State<AppState>,
    viewer: Viewer,
) -> Result<PublicStatisticsPage, PageError> {
    let Published {
        year,
        totals,
        clusters,
    } = published(&app).await?;
    Ok(PublicStatisticsPage {
        nav: Nav::of(&viewer),
        year,
        totals,
        clusters,
    })
}

fn by_code(shown: &[Shown]) -> BTreeMap<String, i64> {
    shown.iter().map(|s| (s.code.clone(), s.value)).collect()
}

/// The figures the bureau publishes for a year.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicStatistics {
    pub year: i32,
    /// Figure code (such as `deals_signed`) to value; amounts in yuan.
    pub totals: BTreeMap<String, i64>,
    pub clusters: Vec<PublicCluster>,
}

/// One industry cluster's published figures.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicCluster {
    pub cluster: String,
    /// Figure code to value; amounts in yuan.
    pub figures: BTreeMap<String, i64>,
}

/// The figures the bureau publishes for this year
#[utoipa::path(get, operation_id = "show_public_statistics", path = "/api/v1/public/statistics", tag = "public",
    responses((status = 200, description = "This year's figures the bureau publishes (amounts in yuan), in total and per cluster; figures it does not publish are absent", body = PublicStatistics)))]
pub async fn api_show(State(app): State<AppState>) -> Result<Json<PublicStatistics>, WebError> {
    let Published {
        year,
        totals,
        clusters,
    } = published(&app).await?;
    Ok(Json(PublicStatistics {
        year,
        totals: by_code(&totals),
        clusters: clusters
            .iter()
            .map(|(name, shown)| PublicCluster {
                cluster: name.clone(),
                figures: by_code(shown),
            })
            .collect(),
    }))
}
