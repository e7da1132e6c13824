//! 揭榜挂帅 pages of the public, the publisher and the bidder: the list of challenges,
//! one challenge with its timeline and the 公示, the publisher's form and actions, the
//! bid form, and the bidder's view of its bid with its milestones.
//!
//! The bureau's and the experts' pages live in `challenges/console.rs`. Who may do
//! what is decided in `techmatch_core::services::{challenges, bids}`; every change runs
//! in one transaction at the time of the server's clock, as in `challenges/api.rs`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use techmatch_core::challenge::bid::{BidAction, BidStatus};
use techmatch_core::challenge::calendar::{self, beijing_date, beijing_input, china_standard_time};
use techmatch_core::challenge::lifecycle::ChallengeAction;
use techmatch_core::challenge::milestone::MilestoneAction;
use techmatch_core::domain::Wan;
use techmatch_core::entities::{bid, bid_milestone, challenge};
use techmatch_core::services::bids::{self, BidInput, MemberInput, MilestoneInput, MilestoneStep};
use techmatch_core::services::challenges::{
    ActionInput, ChallengeInput, DEFAULT_RACE_WINNERS, default_winners,
};
use techmatch_core::{CoreError, t};

use techmatch_app::bids::{self as app_bids, BidCard, BidDetail};
use techmatch_app::challenges::{
    self as app_challenges, ChallengeCard, ChallengeDetail, ChallengeQuery, StatusFilter,
};
use techmatch_app::values::lines;

use crate::server::auth::{CsrfForm, PageUser, Viewer};
use crate::server::i18n::filters;
use crate::server::nav::Nav;
use crate::server::{AppState, PageError, WebError};

/// How many milestone rows the bid form offers (the service accepts up to twelve; a
/// bid with more is edited through the API).
const MILESTONE_ROWS: usize = 4;

fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

// ---------------------------------------------------------------------------------
// Formatting and parsing: Beijing time, 万元, one item per line.

/// A `datetime-local` value (or `YYYY-MM-DD HH:MM`) read as Beijing time.
fn parse_beijing(field: &'static str, text: &str) -> Result<DateTime<Utc>, CoreError> {
    calendar::parse_beijing(text)
        .ok_or_else(|| CoreError::invalid(field, t!("challenge-form-datetime-invalid")))
}

/// A due date: the end of that day in Beijing.
fn parse_due(number: usize, text: &str) -> Result<DateTime<Utc>, CoreError> {
    let invalid = || CoreError::invalid("milestones", t!("bid-form-due-invalid", number = number));
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| invalid())?;
    let end_of_day = NaiveTime::from_hms_opt(23, 59, 59).ok_or_else(invalid)?;
    date.and_time(end_of_day)
        .and_local_timezone(china_standard_time())
        .single()
        .map(|at| at.with_timezone(&Utc))
        .ok_or_else(invalid)
}

/// Splits at an ASCII or a full-width comma.
fn comma_parts(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '\u{FF0C}'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// The name a person knows a form field by, for error messages.
fn field_label(field: &str) -> Option<String> {
    Some(match field {
        "title" => t!("challenge-form-title"),
        "industry" => t!("challenge-form-industry"),
        "background" => t!("challenge-form-background"),
        "problem" => t!("challenge-form-problem-text"),
        "metrics" => t!("challenge-form-metrics"),
        "scenario" => t!("challenge-form-scenario"),
        "final_user" => t!("challenge-form-final-user"),
        "reward" | "reward_enterprise" => t!("challenge-form-reward-enterprise"),
        "reward_subsidy" => t!("challenge-form-reward-subsidy"),
        "bid_deadline" => t!("challenge-form-bid-deadline"),
        "completion_months" => t!("challenge-form-completion-months"),
        "eligibility" => t!("challenge-form-eligibility"),
        "max_winners" => t!("challenge-form-max-winners"),
        "confidentiality" => t!("challenge-form-confidentiality"),
        "contact_name" => t!("challenge-form-contact-name"),
        "contact_phone" => t!("challenge-form-contact-phone"),
        "org_name" | "org_uscc" | "uscc" | "consortium" => t!("bid-form-consortium"),
        "team_leader" => t!("bid-form-team-leader"),
        "team" => t!("bid-form-team"),
        "technical_plan" => t!("bid-form-technical-plan"),
        "budget" => t!("bid-form-budget"),
        "existing_base" => t!("bid-form-existing-base"),
        "patent" | "patents" | "patent_no" => t!("bid-form-patents"),
        "achievement_ids" => t!("bid-form-achievement-ids"),
        "milestones" => t!("bid-form-milestones"),
        _ => return None,
    })
}

/// An invalid form becomes the message shown above it; any other error stays an error.
fn form_problem(error: WebError) -> Result<String, WebError> {
    match error {
        WebError::Core(CoreError::Invalid { field, reason }) => Ok(match field_label(field) {
            Some(label) => t!(
                "challenge-form-field-problem",
                field = label,
                reason = reason
            ),
            None => reason,
        }),
        other => Err(other),
    }
}

// ---------------------------------------------------------------------------------
// Views of a challenge.

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    pub status: String,
}

/// One status filter link: (query value, label, whether it is the current one).
pub type FilterLink = (&'static str, String, bool);

#[derive(Template, WebTemplate)]
#[template(path = "challenges.html")]
pub struct ChallengesPage {
    pub nav: Nav,
    pub challenges: Vec<ChallengeCard>,
    pub filters: Vec<FilterLink>,
    pub all_current: bool,
    pub may_publish: bool,
}

pub async fn list(
    State(app): State<AppState>,
    viewer: Viewer,
    Query(params): Query<ListParams>,
) -> Result<ChallengesPage, PageError> {
    let user = viewer.user();
    let query = ChallengeQuery {
        status: Some(params.status.clone()),
        ..ChallengeQuery::default()
    };
    let found =
        app_challenges::find(&app.db, &app.industries(), user, &query, app.clock.now()).await?;
    let current = params.status.trim();
    Ok(ChallengesPage {
        nav: Nav::of(&viewer),
        challenges: found.challenges,
        filters: StatusFilter::stages()
            .into_iter()
            .map(|(code, label)| (code, label, code == current))
            .collect(),
        all_current: current.is_empty(),
        may_publish: user.is_some_and(|u| app_challenges::check_may_publish(u).is_ok()),
    })
}

// ---------------------------------------------------------------------------------
// One challenge.

#[derive(Template, WebTemplate)]
#[template(path = "challenge.html")]
pub struct ChallengePage {
    pub nav: Nav,
    pub c: ChallengeCard,
    pub d: ChallengeDetail,
    pub logged_in: bool,
    pub objection_lodged: bool,
    /// The deadline of a republished call, pre-filled a month ahead.
    pub republish_default: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowParams {
    #[serde(default)]
    pub objection: String,
}

pub async fn show(
    State(app): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(params): Query<ShowParams>,
) -> Result<ChallengePage, PageError> {
    let user = viewer.user();
    let now = app.clock.now();
    let d = app_challenges::detail(&app.db, user, id, now).await?;
    Ok(ChallengePage {
        nav: Nav::of(&viewer),
        c: d.challenge.clone(),
        logged_in: user.is_some(),
        objection_lodged: params.objection == "lodged",
        republish_default: beijing_input(now + chrono::Duration::days(30)),
        d,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ChallengeActionForm {
    pub action: String,
    pub reason: String,
    /// For `republish`: `datetime-local`, Beijing time.
    pub new_bid_deadline: String,
}

/// A lifecycle action taken from the call's page (the publisher's: submit, withdraw,
/// republish after 流榜, close).
pub async fn act(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<ChallengeActionForm>,
) -> Result<Response, PageError> {
    let action = ChallengeAction::parse(&form.action)?;
    let new_bid_deadline = match form.new_bid_deadline.trim() {
        "" => None,
        text if action == ChallengeAction::Republish => {
            Some(parse_beijing("new_bid_deadline", text)?)
        }
        _ => None,
    };
    let input = ActionInput {
        reason: Some(form.reason).filter(|r| !r.trim().is_empty()),
        new_bid_deadline,
    };
    app_challenges::act(
        &app.db,
        &page_user.0.user,
        id,
        action,
        &input,
        app.clock.now(),
    )
    .await?;
    Ok(see_other(&format!("/challenges/{id}")))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ObjectionForm {
    /// A bid id, or empty for the 公示 as a whole.
    pub bid_id: String,
    pub reason: String,
}

pub async fn object(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<ObjectionForm>,
) -> Result<Response, PageError> {
    let bid_id = match form.bid_id.trim() {
        "" => None,
        text => Some(
            text.parse::<i64>()
                .map_err(|_| WebError::BadForm("bid_id".to_owned()))?,
        ),
    };
    app_challenges::object(
        &app.db,
        &page_user.0.user,
        id,
        bid_id,
        &form.reason,
        app.clock.now(),
    )
    .await?;
    Ok(see_other(&format!(
        "/challenges/{id}?objection=lodged#objection"
    )))
}

// ---------------------------------------------------------------------------------
// The publisher's form.

/// The challenge form as typed; amounts in 万元, the deadline in Beijing time.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ChallengeForm {
    pub title: String,
    pub industry: String,
    /// One per line.
    pub keywords: String,
    pub background: String,
    pub problem: String,
    /// One per line.
    pub metrics: String,
    pub scenario: String,
    pub final_user: String,
    pub reward_enterprise: String,
    pub reward_subsidy: String,
    pub bid_deadline: String,
    pub completion_months: String,
    pub eligibility: String,
    pub horse_race: Option<String>,
    pub max_winners: String,
    pub confidentiality: String,
    pub contact_name: String,
    pub contact_phone: String,
}

impl ChallengeForm {
    fn blank() -> ChallengeForm {
        ChallengeForm {
            max_winners: DEFAULT_RACE_WINNERS.to_string(),
            confidentiality: "public".to_owned(),
            ..ChallengeForm::default()
        }
    }

    fn of(c: &challenge::Model) -> ChallengeForm {
        ChallengeForm {
            title: c.title.clone(),
            industry: c.industry.clone().unwrap_or_default(),
            keywords: c.keywords.clone(),
            background: c.background.clone(),
            problem: c.problem.clone(),
            metrics: c.metrics.clone(),
            scenario: c.scenario.clone(),
            final_user: c.final_user.clone(),
            reward_enterprise: Wan::yuan_as_wan(c.reward_enterprise_yuan),
            reward_subsidy: Wan::yuan_as_wan(c.reward_subsidy_yuan),
            bid_deadline: beijing_input(c.bid_deadline),
            completion_months: c.completion_months.to_string(),
            eligibility: c.eligibility.clone(),
            horse_race: c.horse_race.then(|| "on".to_owned()),
            // The field only counts for a 赛马 call, whose minimum is two.
            max_winners: if c.horse_race {
                c.max_winners
            } else {
                i32::from(DEFAULT_RACE_WINNERS)
            }
            .to_string(),
            confidentiality: c.confidentiality.clone(),
            contact_name: c.contact_name.clone(),
            contact_phone: c.contact_phone.clone(),
        }
    }

    fn input(&self, app: &AppState) -> Result<ChallengeInput, WebError> {
        let industry = app_challenges::industry_named(&app.industries(), Some(&self.industry))?;
        let horse_race = self.horse_race.is_some();
        let number = |field: &'static str, text: &str| {
            text.trim()
                .parse::<u16>()
                .map_err(|_| CoreError::invalid(field, t!("challenge-form-number-invalid")))
        };
        let max_winners = match self.max_winners.trim() {
            "" => default_winners(horse_race),
            _ if !horse_race => default_winners(false),
            text => u8::try_from(number("max_winners", text)?).map_err(|_| {
                CoreError::invalid("max_winners", t!("challenge-form-number-invalid"))
            })?,
        };
        Ok(ChallengeInput {
            title: self.title.clone(),
            industry,
            keywords: lines(&self.keywords),
            background: self.background.clone(),
            problem: self.problem.clone(),
            metrics: lines(&self.metrics),
            scenario: self.scenario.clone(),
            final_user: self.final_user.clone(),
            reward_enterprise_yuan: Wan::parse_for("reward_enterprise", &self.reward_enterprise)?
                .yuan(),
            reward_subsidy_yuan: Wan::parse_for("reward_subsidy", &self.reward_subsidy)?.yuan(),
            bid_deadline: parse_beijing("bid_deadline", &self.bid_deadline)?,
            completion_months: number("completion_months", &self.completion_months)?,
            eligibility: self.eligibility.clone(),
            horse_race,
            max_winners,
            confidentiality: match self.confidentiality.trim() {
                "" => "public".to_owned(),
                other => other.to_owned(),
            },
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "challenge_form.html")]
pub struct ChallengeFormPage {
    pub nav: Nav,
    /// Where the form posts to.
    pub action: String,
    pub editing: bool,
    pub form: ChallengeForm,
    pub errors: Vec<String>,
    pub industries: Vec<String>,
}

fn challenge_form_page(
    app: &AppState,
    page_user: &PageUser,
    action: String,
    form: ChallengeForm,
    errors: Vec<String>,
) -> ChallengeFormPage {
    ChallengeFormPage {
        nav: Nav::of_user(page_user),
        editing: action.ends_with("/edit"),
        action,
        form,
        errors,
        industries: app.industry_names(),
    }
}

pub async fn new_form(
    State(app): State<AppState>,
    page_user: PageUser,
) -> Result<ChallengeFormPage, PageError> {
    app_challenges::check_may_publish(&page_user.0.user)?;
    Ok(challenge_form_page(
        &app,
        &page_user,
        "/challenges/new".to_owned(),
        ChallengeForm::blank(),
        Vec::new(),
    ))
}

/// Saves the challenge form (a new draft, or the draft `existing`); a form with a
/// mistake comes back with the message and everything typed, and nothing is saved.
async fn save_challenge(
    app: &AppState,
    page_user: &PageUser,
    existing: Option<i64>,
    form: ChallengeForm,
) -> Result<Response, PageError> {
    let user = &page_user.0.user;
    let saved: Result<i64, WebError> = async {
        let input = form.input(app)?;
        let now = app.clock.now();
        Ok(match existing {
            Some(id) => {
                app_challenges::edit(&app.db, user, id, &input, now).await?;
                id
            }
            None => app_challenges::create(&app.db, user, &input, now).await?,
        })
    }
    .await;
    match saved {
        Ok(id) => Ok(see_other(&format!("/challenges/{id}"))),
        Err(error) => {
            let problem = form_problem(error)?;
            let action = match existing {
                Some(id) => format!("/challenges/{id}/edit"),
                None => "/challenges/new".to_owned(),
            };
            let page = challenge_form_page(app, page_user, action, form, vec![problem]);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

pub async fn create(
    State(app): State<AppState>,
    page_user: PageUser,
    CsrfForm { form, .. }: CsrfForm<ChallengeForm>,
) -> Result<Response, PageError> {
    save_challenge(&app, &page_user, None, form).await
}

pub async fn edit_form(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
) -> Result<ChallengeFormPage, PageError> {
    let c = app_challenges::own_draft(&app.db, &page_user.0.user, id, app.clock.now()).await?;
    Ok(challenge_form_page(
        &app,
        &page_user,
        format!("/challenges/{id}/edit"),
        ChallengeForm::of(&c),
        Vec::new(),
    ))
}

pub async fn edit(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<ChallengeForm>,
) -> Result<Response, PageError> {
    save_challenge(&app, &page_user, Some(id), form).await
}

// ---------------------------------------------------------------------------------
// The bid form.

/// The bid form as typed. Milestones come as parallel lists, one entry per row.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct BidForm {
    /// One member per line: `name` or `name,USCC`.
    pub consortium: String,
    pub team_leader: String,
    pub team: String,
    pub technical_plan: String,
    /// In 万元.
    pub budget: String,
    pub existing_base: String,
    /// One per line.
    pub patents: String,
    /// Comma separated.
    pub achievement_ids: String,
    pub milestone_title: Vec<String>,
    pub milestone_metrics: Vec<String>,
    /// `date` inputs: due at the end of that day, Beijing time.
    pub milestone_due: Vec<String>,
    /// In 万元.
    pub milestone_amount: Vec<String>,
    pub pledge: Option<String>,
}

/// One row of the milestone table, numbered from 1.
#[derive(Debug, Clone, Default)]
pub struct MilestoneRow {
    pub number: usize,
    pub title: String,
    pub metrics: String,
    pub due: String,
    pub amount: String,
}

fn nth(values: &[String], index: usize) -> String {
    values.get(index).cloned().unwrap_or_default()
}

impl BidForm {
    fn of(b: &bid::Model, milestones: &[bid_milestone::Model]) -> BidForm {
        BidForm {
            // One member a line, its USCC after a comma, as the form reads them back.
            consortium: bids::consortium(b)
                .unwrap_or_default()
                .into_iter()
                .map(|m| match m.uscc {
                    Some(uscc) => format!("{}, {uscc}", m.name),
                    None => m.name,
                })
                .collect::<Vec<_>>()
                .join("\n"),
            team_leader: b.team_leader.clone(),
            team: b.team.clone(),
            technical_plan: b.technical_plan.clone(),
            budget: Wan::yuan_as_wan(b.budget_yuan),
            existing_base: b.existing_base.clone(),
            patents: b.patents.clone(),
            achievement_ids: b.achievement_ids.replace(',', ", "),
            milestone_title: milestones.iter().map(|m| m.title.clone()).collect(),
            milestone_metrics: milestones.iter().map(|m| m.metrics.clone()).collect(),
            milestone_due: milestones
                .iter()
                .map(|m| beijing_date(m.due_date))
                .collect(),
            milestone_amount: milestones
                .iter()
                .map(|m| Wan::yuan_as_wan(m.amount_yuan))
                .collect(),
            pledge: b.pledge_signed_at.map(|_| "on".to_owned()),
        }
    }

    fn row_count(&self) -> usize {
        [
            self.milestone_title.len(),
            self.milestone_metrics.len(),
            self.milestone_due.len(),
            self.milestone_amount.len(),
            MILESTONE_ROWS,
        ]
        .into_iter()
        .max()
        .unwrap_or(MILESTONE_ROWS)
    }

    /// The milestone rows to show, at least [`MILESTONE_ROWS`].
    fn rows(&self) -> Vec<MilestoneRow> {
        (0..self.row_count())
            .map(|i| MilestoneRow {
                number: i + 1,
                title: nth(&self.milestone_title, i),
                metrics: nth(&self.milestone_metrics, i),
                due: nth(&self.milestone_due, i),
                amount: nth(&self.milestone_amount, i),
            })
            .collect()
    }

    fn input(&self) -> Result<BidInput, CoreError> {
        let consortium = lines(&self.consortium)
            .iter()
            .map(|line| {
                let mut parts = comma_parts(line);
                MemberInput {
                    name: parts.next().unwrap_or_default().to_owned(),
                    uscc: parts.next().map(str::to_owned),
                }
            })
            .collect();
        let mut achievement_ids = Vec::new();
        for part in comma_parts(&self.achievement_ids) {
            let id = part.parse::<i64>().map_err(|_| {
                CoreError::invalid("achievement_ids", t!("bid-form-achievement-ids-invalid"))
            })?;
            achievement_ids.push(id);
        }
        let mut milestones = Vec::new();
        for row in self.rows() {
            let typed = [&row.title, &row.metrics, &row.due, &row.amount];
            if typed.iter().all(|v| v.trim().is_empty()) {
                continue;
            }
            let number = milestones.len() + 1;
            milestones.push(MilestoneInput {
                due: parse_due(number, &row.due)?,
                amount_yuan: Wan::parse_for("milestones", &row.amount)?.yuan(),
                title: row.title,
                metrics: row.metrics,
            });
        }
        Ok(BidInput {
            consortium,
            team_leader: self.team_leader.clone(),
            team: self.team.clone(),
            technical_plan: self.technical_plan.clone(),
            budget_yuan: Wan::parse_for("budget", &self.budget)?.yuan(),
            existing_base: self.existing_base.clone(),
            patents: lines(&self.patents),
            achievement_ids,
            milestones,
            pledge: self.pledge.is_some(),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "bid_form.html")]
pub struct BidFormPage {
    pub nav: Nav,
    pub challenge_id: i64,
    pub challenge_title: String,
    /// Where the form posts to.
    pub action: String,
    pub form: BidForm,
    pub milestones: Vec<MilestoneRow>,
    pub errors: Vec<String>,
}

fn bid_form_page(
    page_user: &PageUser,
    c: &challenge::Model,
    action: String,
    form: BidForm,
    errors: Vec<String>,
) -> BidFormPage {
    BidFormPage {
        nav: Nav::of_user(page_user),
        challenge_id: c.id,
        challenge_title: c.title.clone(),
        action,
        milestones: form.rows(),
        form,
        errors,
    }
}

pub async fn new_bid_form(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let user = &page_user.0.user;
    let c = app_challenges::visible(&app.db, Some(user), id, app.clock.now()).await?;
    if let Some(existing) = app_bids::own_bid_on(&app.db, user, id).await? {
        return Ok(see_other(&format!("/bids/{existing}")));
    }
    bids::check_may_bid(user, &c, app.clock.now())?;
    Ok(bid_form_page(
        &page_user,
        &c,
        format!("/challenges/{id}/bid"),
        BidForm::default(),
        Vec::new(),
    )
    .into_response())
}

/// Saves the bid form (a new draft on `challenge`, or the bid `existing`); a form with
/// a mistake comes back with the message and everything typed, and nothing is saved.
async fn save_bid(
    app: &AppState,
    page_user: &PageUser,
    c: &challenge::Model,
    existing: Option<i64>,
    form: BidForm,
) -> Result<Response, PageError> {
    let user = &page_user.0.user;
    let saved: Result<i64, WebError> = async {
        let input = form.input()?;
        let now = app.clock.now();
        Ok(match existing {
            Some(id) => {
                app_bids::edit(&app.db, user, id, &input, now).await?;
                id
            }
            None => app_bids::create(&app.db, user, c.id, &input, now).await?,
        })
    }
    .await;
    match saved {
        Ok(id) => Ok(see_other(&format!("/bids/{id}"))),
        Err(error) => {
            let problem = form_problem(error)?;
            let action = match existing {
                Some(id) => format!("/bids/{id}/edit"),
                None => format!("/challenges/{}/bid", c.id),
            };
            let page = bid_form_page(page_user, c, action, form, vec![problem]);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

pub async fn create_bid(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<BidForm>,
) -> Result<Response, PageError> {
    let c = app_challenges::visible(&app.db, Some(&page_user.0.user), id, app.clock.now()).await?;
    save_bid(&app, &page_user, &c, None, form).await
}

pub async fn edit_bid_form(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
) -> Result<BidFormPage, PageError> {
    let (b, c) = app_bids::own_editable(&app.db, &page_user.0.user, id, app.clock.now()).await?;
    let milestones = bids::milestones(&app.db, id).await?;
    Ok(bid_form_page(
        &page_user,
        &c,
        format!("/bids/{id}/edit"),
        BidForm::of(&b, &milestones),
        Vec::new(),
    ))
}

pub async fn edit_bid(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<BidForm>,
) -> Result<Response, PageError> {
    let (_, c) = app_bids::own_editable(&app.db, &page_user.0.user, id, app.clock.now()).await?;
    save_bid(&app, &page_user, &c, Some(id), form).await
}

// ---------------------------------------------------------------------------------
// The bidder's view of its bid.

#[derive(Template, WebTemplate)]
#[template(path = "bid.html")]
pub struct BidPage {
    pub nav: Nav,
    pub b: BidCard,
    pub d: BidDetail,
    /// The formal review's items (one per line), or why the bid ended.
    pub reasons: Vec<String>,
    /// Whether the reasons are the formal review's.
    pub formal_review: bool,
}

pub async fn show_bid(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
) -> Result<BidPage, PageError> {
    let d = app_bids::detail(&app.db, &page_user.0.user, id, app.clock.now()).await?;
    let status = BidStatus::from_code(&d.bid.status)?;
    Ok(BidPage {
        nav: Nav::of_user(&page_user),
        b: d.bid.clone(),
        reasons: d
            .bid
            .status_reason
            .as_deref()
            .map(lines)
            .unwrap_or_default(),
        formal_review: matches!(status, BidStatus::Returned | BidStatus::NotAccepted),
        d,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BidActionForm {
    pub action: String,
}

/// The bidder submits, withdraws or resubmits.
pub async fn act_on_bid(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<BidActionForm>,
) -> Result<Response, PageError> {
    let action = BidAction::parse(&form.action)?;
    app_bids::act(&app.db, &page_user.0.user, id, action, app.clock.now()).await?;
    Ok(see_other(&format!("/bids/{id}")))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    pub text: String,
    pub evidence: String,
}

/// The winner reports a milestone.
pub async fn report_milestone(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<ReportForm>,
) -> Result<Response, PageError> {
    let step = MilestoneStep {
        action: MilestoneAction::Report,
        text: form.text,
        evidence: form.evidence,
    };
    let (_, bid_id) =
        app_bids::milestone_step(&app.db, &page_user.0.user, id, &step, app.clock.now()).await?;
    Ok(see_other(&format!("/bids/{bid_id}")))
}
