//! 揭榜挂帅 pages of the bureau and of the experts: every challenge with what it waits
//! for, the console of one challenge (review, panel and criteria, formal review,
//! ranking, 公示, award, task book, milestones and acceptance), an expert's panels and
//! the scoring sheet. The public, publisher and bidder pages live in
//! `challenges/pages.rs`.
//!
//! Every form posts to one step of the console and redirects back; a refusal (a step
//! the lifecycle does not allow now, or bad input) re-renders the page with the reason
//! as a notice, with the status the API would answer.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use techmatch_core::accounts::Role;
use techmatch_core::challenge::Actor;
use techmatch_core::challenge::bid::BidStatus;
use techmatch_core::challenge::calendar::{self, beijing_minute};
use techmatch_core::challenge::lifecycle::{ChallengeAction, ChallengeStatus};
use techmatch_core::challenge::milestone::{MilestoneAction, MilestoneStatus};
use techmatch_core::challenge::scoring::{self, Criteria, Criterion, Expert};
use techmatch_core::domain::Wan;
use techmatch_core::entities::{bid, challenge, challenge_event, challenge_expert};
use techmatch_core::services::bids::{self, FormalDecision, MilestoneStep};
use techmatch_core::services::challenges::{self, ActionInput, TaskBook};
use techmatch_core::services::organisations;
use techmatch_core::services::users::{self, User};
use techmatch_core::{CoreError, ErrorKind, t};

use techmatch_app::bids as app_bids;
use techmatch_app::challenges as app_challenges;

use crate::server::auth::{CsrfForm, PageUser};
use crate::server::i18n::filters;
use crate::server::nav::Nav;
use crate::server::{AppState, PageError, WebError};

/// How many item and reason rows the formal review form offers.
const FORMAL_REVIEW_ROWS: usize = 3;

fn bureau(page_user: &PageUser) -> Result<&User, WebError> {
    let user = &page_user.0.user;
    if !user.role.is_bureau() {
        return Err(CoreError::Forbidden(t!("challenge-bureau-only")).into());
    }
    Ok(user)
}

fn points(value: f64) -> String {
    format!("{value:.2}")
}

/// Whether the person can act on the error by changing the form or waiting: shown as a
/// notice on the page rather than as an error page.
fn is_refusal(error: &WebError) -> bool {
    matches!(error, WebError::Core(e) if matches!(e.kind(), ErrorKind::Invalid | ErrorKind::Conflict))
}

/// Names of people and organisations, looked up once per page.
struct Names {
    users: HashMap<i64, User>,
    orgs: HashMap<i64, String>,
    /// Bid id to lead organisation id.
    bid_orgs: HashMap<i64, i64>,
}

impl Names {
    fn user(&self, id: i64) -> String {
        self.users
            .get(&id)
            .map_or_else(|| format!("#{id}"), |u| u.display_name.clone())
    }

    fn users(&self, ids: &[i64]) -> String {
        ids.iter()
            .map(|id| self.user(*id))
            .collect::<Vec<_>>()
            .join(&t!("list-separator"))
    }

    fn org(&self, id: Option<i64>) -> String {
        id.and_then(|id| self.orgs.get(&id).cloned())
            .unwrap_or_default()
    }

    /// "第 12 号申报（某某大学）".
    fn bid(&self, id: i64) -> String {
        let org = self.org(self.bid_orgs.get(&id).copied());
        t!("record-bid-ref", id = id.to_string(), org = org)
    }
}

async fn names(
    app: &AppState,
    bid_rows: &[bid::Model],
    more_orgs: impl IntoIterator<Item = i64>,
) -> Result<Names, WebError> {
    let users: HashMap<i64, User> = users::all(&app.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut org_ids: Vec<i64> = more_orgs.into_iter().collect();
    org_ids.extend(bid_rows.iter().map(|b| b.lead_org_id));
    org_ids.extend(users.values().filter_map(|u| u.org_id));
    let orgs = organisations::names_by_id(&app.db, org_ids).await?;
    Ok(Names {
        users,
        orgs,
        bid_orgs: bid_rows.iter().map(|b| (b.id, b.lead_org_id)).collect(),
    })
}

fn bid_status(row: &bid::Model) -> Result<BidStatus, WebError> {
    Ok(BidStatus::from_code(&row.status)?)
}

fn panel_of(seats: &[challenge_expert::Model]) -> Vec<Expert> {
    seats
        .iter()
        .map(|s| Expert {
            id: s.expert_user_id,
            org: s.expert_org_id,
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// GET /bureau/challenges

/// One challenge in the bureau's list.
pub struct ChallengeRow {
    pub id: i64,
    pub public_id: String,
    pub title: String,
    pub publisher: String,
    pub status_code: &'static str,
    pub status_label: String,
    pub bid_deadline: String,
    pub submitted: usize,
    pub awaiting_review: usize,
    pub sheets_missing: usize,
    pub objections_open: usize,
    /// What the bureau has to do now, for the challenges listed first.
    pub attention: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "bureau_challenges.html")]
pub struct ChallengesPage {
    pub nav: Nav,
    pub rows: Vec<ChallengeRow>,
}

pub async fn list(
    State(app): State<AppState>,
    page_user: PageUser,
) -> Result<ChallengesPage, PageError> {
    let user = bureau(&page_user)?;
    let now = app.clock.now();
    let all = challenges::list(&app.db, Some(user), now).await?;
    let orgs = organisations::names_by_id(&app.db, all.iter().map(|c| c.publisher_org_id)).await?;
    let mut rows = Vec::with_capacity(all.len());
    for c in &all {
        let status = ChallengeStatus::from_code(&c.status)?;
        let bid_rows = bids::of_challenge(&app.db, c.id).await?;
        let mut statuses = Vec::with_capacity(bid_rows.len());
        for row in &bid_rows {
            statuses.push(bid_status(row)?);
        }
        let sheets_missing = if status == ChallengeStatus::Selection {
            let gaps = challenges::review_gaps(&app.db, c.id).await?;
            gaps.missing.len() + gaps.unscorable.len()
        } else {
            0
        };
        let objections_open = challenges::objections(&app.db, c.id)
            .await?
            .iter()
            .filter(|o| o.answered_at.is_none())
            .count();
        let attention = match status {
            ChallengeStatus::UnderReview => Some(t!("bureau-challenges-attention-review")),
            ChallengeStatus::Selection => Some(t!("bureau-challenges-attention-selection")),
            ChallengeStatus::Publicity if c.publicity_ends.is_some_and(|ends| now >= ends) => {
                Some(t!("bureau-challenges-attention-publicity-over"))
            }
            _ => None,
        };
        rows.push(ChallengeRow {
            id: c.id,
            public_id: c.public_id.clone(),
            title: c.title.clone(),
            publisher: orgs.get(&c.publisher_org_id).cloned().unwrap_or_default(),
            status_code: status.code(),
            status_label: status.label(),
            bid_deadline: beijing_minute(c.bid_deadline),
            submitted: statuses.iter().filter(|s| s.counts_as_submitted()).count(),
            awaiting_review: statuses.iter().filter(|s| s.awaits_formal_review()).count(),
            sheets_missing,
            objections_open,
            attention,
        });
    }
    // Those waiting for the bureau first; otherwise newest first, as listed.
    rows.sort_by_key(|r| r.attention.is_none());
    Ok(ChallengesPage {
        nav: Nav::of_user(&page_user),
        rows,
    })
}

// ---------------------------------------------------------------------------------
// GET /bureau/challenges/{id}

pub struct PanelSeat {
    pub expert_id: i64,
    pub name: String,
    pub org: String,
    pub sheets: usize,
    /// The bureau may take the expert off the panel: the call is not over and they
    /// have not scored.
    pub removable: bool,
}

pub struct ExpertOption {
    pub id: i64,
    pub label: String,
}

pub struct BidRow {
    pub id: i64,
    pub lead_org: String,
    pub consortium: String,
    pub status_code: &'static str,
    pub status_label: String,
    pub status_reason: Option<String>,
    pub submitted_at: Option<String>,
    /// The formal review may decide it now.
    pub reviewable: bool,
    /// A candidate for the winners.
    pub in_expert_review: bool,
    pub members: Vec<MemberRow>,
    /// The bureau may link the members now.
    pub links_open: bool,
}

/// A consortium member as the bureau checks it.
pub struct MemberRow {
    pub index: usize,
    pub number: usize,
    pub name: String,
    pub uscc: String,
    pub state: String,
    /// The state as the form sends it back ([`bids::MemberReview::state`]).
    pub state_code: String,
    pub linked: bool,
    pub declined: bool,
    /// Verified organisations sharing its USCC or name: `(id, label)`.
    pub candidates: Vec<(i64, String)>,
}

fn member_row(review: bids::MemberReview) -> MemberRow {
    let state = match (&review.linked_name, review.member.declined) {
        (Some(org), _) => t!("bureau-challenge-member-linked", org = org.as_str()),
        (None, true) => t!("bureau-challenge-member-declined"),
        (None, false) => t!("bureau-challenge-member-pending"),
    };
    let candidates = review
        .candidates
        .iter()
        .map(|c| {
            let label = if c.matched == "uscc" && c.name_differs {
                t!(
                    "bureau-challenge-candidate-uscc-other-name",
                    org = c.name.as_str(),
                    uscc = c.uscc.as_deref().unwrap_or("")
                )
            } else if c.matched == "uscc" {
                t!(
                    "bureau-challenge-candidate-uscc",
                    org = c.name.as_str(),
                    uscc = c.uscc.as_deref().unwrap_or("")
                )
            } else {
                t!("bureau-challenge-candidate-name", org = c.name.as_str())
            };
            (c.org_id, label)
        })
        .collect();
    MemberRow {
        index: review.index,
        number: review.index + 1,
        name: review.member.name.clone(),
        uscc: review.member.uscc.clone().unwrap_or_default(),
        state,
        state_code: review.state.clone(),
        linked: review.member.org_id.is_some(),
        declined: review.member.declined,
        candidates,
    }
}

/// A submitted score sheet as the bureau may void it.
pub struct SheetRow {
    pub bid_id: i64,
    pub bid: String,
    pub expert_id: i64,
    pub expert: String,
    pub submitted_at: String,
    /// Why the bureau voided it.
    pub voided: Option<String>,
}

pub struct RankRow {
    pub rank: u32,
    pub bid: String,
    pub mean: String,
    pub sheets: usize,
    pub counted: usize,
    pub min: String,
    pub max: String,
    pub spread: String,
    pub std_dev: String,
    pub outliers: String,
    pub dropped: String,
}

pub struct ObjectionRow {
    pub id: i64,
    pub by: String,
    pub bid: Option<String>,
    pub reason: String,
    pub created_at: String,
    pub answer: Option<String>,
    pub upheld: bool,
}

pub struct MilestoneRow {
    pub id: i64,
    pub seq: i32,
    pub title: String,
    pub metrics: String,
    pub due: String,
    pub amount_wan: String,
    pub status_label: String,
    pub overdue: bool,
    pub report: Option<String>,
    pub evidence: Option<String>,
    pub decision_reason: Option<String>,
    /// Reported and waiting for the bureau's decision.
    pub decidable: bool,
}

pub struct WinnerView {
    pub bid_id: i64,
    pub label: String,
    pub status_label: String,
    pub in_execution: bool,
    pub milestones: Vec<MilestoneRow>,
}

pub struct TaskBookView {
    pub agreement_no: String,
    pub signed_on: String,
    pub starts_on: String,
    pub ends_on: String,
    pub total_wan: String,
}

pub struct EventRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub bid: Option<String>,
    pub detail: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "bureau_challenge.html")]
pub struct ConsolePage {
    pub nav: Nav,
    /// Why the last step was refused.
    pub notice: Option<String>,
    pub id: i64,
    pub public_id: String,
    pub title: String,
    pub publisher: String,
    pub kind_label: String,
    pub status_code: &'static str,
    pub status_label: String,
    pub status_reason: Option<String>,
    pub bid_deadline: String,
    pub max_winners: i32,
    pub horse_race: bool,
    pub under_review: bool,
    pub unfilled: bool,
    pub selection: bool,
    pub publicity: bool,
    pub awarded: bool,
    pub is_final: bool,
    pub may_withdraw: bool,
    pub may_terminate: bool,
    pub publicity_ends: Option<String>,
    pub publicity_over: bool,
    pub panel: Vec<PanelSeat>,
    pub candidates: Vec<ExpertOption>,
    pub criteria: Vec<(String, u32, String)>,
    pub criteria_text: String,
    pub drop_extremes: bool,
    pub criteria_editable: bool,
    pub bids: Vec<BidRow>,
    pub formal_rows: Vec<usize>,
    pub ranking: Vec<RankRow>,
    pub sheets: Vec<SheetRow>,
    pub missing: Vec<String>,
    pub unscorable: Vec<String>,
    pub objections: Vec<ObjectionRow>,
    pub shortlisted: Vec<(i64, String)>,
    pub winners: Vec<WinnerView>,
    pub task_book: Option<TaskBookView>,
    pub timeline: Vec<EventRow>,
}

async fn console_page(
    app: &AppState,
    page_user: &PageUser,
    id: i64,
    notice: Option<String>,
) -> Result<ConsolePage, WebError> {
    bureau(page_user)?;
    let now = app.clock.now();
    let c: challenge::Model = challenges::model_as_of(&app.db, id, now).await?;
    let status = ChallengeStatus::from_code(&c.status)?;
    let bid_rows = bids::of_challenge(&app.db, id).await?;
    let seats = challenges::panel_seats(&app.db, Some(id), None).await?;
    let criteria = challenges::criteria_of(&c)?;
    let sheets = bids::score_sheets(&app.db, id, &criteria).await?;
    let names = names(
        app,
        &bid_rows,
        seats
            .iter()
            .filter_map(|s| s.expert_org_id)
            .chain([c.publisher_org_id]),
    )
    .await?;

    let panel = seats
        .iter()
        .map(|s| {
            let scored = sheets
                .iter()
                .filter(|sheet| sheet.expert() == s.expert_user_id)
                .count();
            PanelSeat {
                expert_id: s.expert_user_id,
                name: names.user(s.expert_user_id),
                org: names.org(s.expert_org_id),
                sheets: scored,
                removable: scored == 0 && !status.is_final(),
            }
        })
        .collect();
    let mut candidates: Vec<ExpertOption> = names
        .users
        .values()
        .filter(|u| u.role == Role::Expert && !u.suspended)
        .filter(|u| !seats.iter().any(|s| s.expert_user_id == u.id))
        .map(|u| {
            let org = names.org(u.org_id);
            let label = if org.is_empty() {
                u.display_name.clone()
            } else {
                t!(
                    "bureau-challenge-expert-option",
                    name = u.display_name.as_str(),
                    org = org
                )
            };
            ExpertOption { id: u.id, label }
        })
        .collect();
    candidates.sort_by(|a, b| a.label.cmp(&b.label));

    let shares = criteria.shares_percent();
    let criteria_rows = criteria
        .criteria()
        .iter()
        .zip(shares)
        .map(|(c, share)| (c.name.clone(), c.weight, format!("{share:.1}")))
        .collect();
    let criteria_text = criteria
        .criteria()
        .iter()
        .map(|c| format!("{} | {}", c.name, c.weight))
        .collect::<Vec<_>>()
        .join("\n");

    let mut bid_views = Vec::new();
    // The registry is read once for the page, however many bids the call holds.
    let shown: Vec<bid::Model> = bid_rows
        .iter()
        .filter(|row| row.status != BidStatus::Draft.code())
        .cloned()
        .collect();
    let reviews = bids::reviews_of(&app.db, &shown).await?;
    for (row, review) in shown.iter().zip(reviews) {
        let s = bid_status(row)?;
        let members: Vec<MemberRow> = review.into_iter().map(member_row).collect();
        let consortium = members
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(&t!("list-separator"));
        bid_views.push(BidRow {
            id: row.id,
            lead_org: names.org(Some(row.lead_org_id)),
            consortium,
            status_code: s.code(),
            status_label: s.label(),
            // A reason from an earlier step (a return for correction) no longer applies.
            status_reason: row.status_reason.clone().filter(|_| {
                matches!(
                    s,
                    BidStatus::Returned
                        | BidStatus::NotAccepted
                        | BidStatus::NotAwarded
                        | BidStatus::DroppedOut
                        | BidStatus::Accepted
                        | BidStatus::AcceptanceFailed
                )
            }),
            submitted_at: row.submitted_at.map(beijing_minute),
            reviewable: s == BidStatus::Submitted && status == ChallengeStatus::Selection,
            in_expert_review: s == BidStatus::InExpertReview,
            links_open: !members.is_empty() && bids::links_open(row, &c.status),
            members,
        });
    }

    let ranking = scoring::aggregate(&criteria, &sheets, c.drop_extremes)
        .into_iter()
        .map(|r| RankRow {
            rank: r.rank,
            bid: names.bid(r.bid),
            mean: points(r.mean),
            sheets: r.sheets,
            counted: r.counted,
            min: points(r.min),
            max: points(r.max),
            spread: points(r.spread),
            std_dev: points(r.std_dev),
            outliers: names.users(&r.outlier_experts),
            dropped: names.users(&r.dropped_experts),
        })
        .collect();
    let on_record = bids::sheets_of(&app.db, id).await?;
    let sheet_rows = on_record
        .iter()
        .map(|sheet| SheetRow {
            bid_id: sheet.bid_id,
            bid: names.bid(sheet.bid_id),
            expert_id: sheet.expert_user_id,
            expert: names.user(sheet.expert_user_id),
            submitted_at: beijing_minute(sheet.submitted_at),
            voided: sheet
                .voided_at
                .map(|_| sheet.void_reason.clone().unwrap_or_default()),
        })
        .collect();
    let (missing, unscorable) = if status == ChallengeStatus::Selection {
        let gaps = challenges::review_gaps(&app.db, id).await?;
        let missing = gaps
            .missing
            .into_iter()
            .map(|(expert, bid)| {
                t!(
                    "bureau-challenge-missing-sheet",
                    expert = names.user(expert),
                    bid = names.bid(bid)
                )
            })
            .collect();
        let unscorable = gaps
            .unscorable
            .into_iter()
            .map(|bid| names.bid(bid))
            .collect();
        (missing, unscorable)
    } else {
        (Vec::new(), Vec::new())
    };

    let objections = challenges::objections(&app.db, id)
        .await?
        .into_iter()
        .map(|o| ObjectionRow {
            id: o.id,
            by: names.user(o.user_id),
            bid: o.bid_id.map(|b| names.bid(b)),
            reason: o.reason,
            created_at: beijing_minute(o.created_at),
            answer: o.answer,
            upheld: o.upheld == Some(true),
        })
        .collect();
    let shortlisted = bid_rows
        .iter()
        .filter(|b| b.status == BidStatus::Shortlisted.code())
        .map(|b| (b.id, names.bid(b.id)))
        .collect();

    let mut winners = Vec::new();
    for row in &bid_rows {
        let s = bid_status(row)?;
        if !s.was_awarded() {
            continue;
        }
        let in_execution = s == BidStatus::InExecution;
        let milestones = bids::milestones(&app.db, row.id)
            .await?
            .into_iter()
            .map(|m| {
                let ms = MilestoneStatus::from_code(&m.status).ok();
                MilestoneRow {
                    id: m.id,
                    seq: m.seq,
                    title: m.title,
                    metrics: m.metrics,
                    due: beijing_minute(m.due_date),
                    amount_wan: Wan::yuan_as_wan(m.amount_yuan),
                    status_label: ms.map(MilestoneStatus::label).unwrap_or_default(),
                    overdue: ms.is_some_and(|s| s.is_overdue(m.due_date, now)),
                    report: m.report,
                    evidence: m.evidence,
                    decision_reason: m.decision_reason.filter(|r| !r.is_empty()),
                    decidable: in_execution && ms == Some(MilestoneStatus::Reported),
                }
            })
            .collect();
        winners.push(WinnerView {
            bid_id: row.id,
            label: names.bid(row.id),
            status_label: s.label(),
            in_execution,
            milestones,
        });
    }
    let task_book = c
        .task_book
        .as_deref()
        .and_then(|json| serde_json::from_str::<TaskBook>(json).ok())
        .map(|b| TaskBookView {
            agreement_no: b.agreement_no,
            signed_on: b.signed_on.to_string(),
            starts_on: b.starts_on.to_string(),
            ends_on: b.ends_on.to_string(),
            total_wan: Wan::yuan_as_wan(b.total_yuan),
        });

    let timeline = challenges::timeline(&app.db, id)
        .await?
        .into_iter()
        .map(|e| event_row(&e, &names))
        .collect();

    use ChallengeStatus as S;
    Ok(ConsolePage {
        nav: Nav::of_user(page_user),
        notice,
        id,
        public_id: c.public_id.clone(),
        title: c.title.clone(),
        publisher: names.org(Some(c.publisher_org_id)),
        kind_label: [
            challenges::ChallengeKind::Government,
            challenges::ChallengeKind::Enterprise,
        ]
        .into_iter()
        .find(|k| k.code() == c.kind)
        .map(challenges::ChallengeKind::label)
        .unwrap_or_default(),
        status_code: status.code(),
        status_label: status.label(),
        status_reason: c.status_reason.clone(),
        bid_deadline: beijing_minute(c.bid_deadline),
        max_winners: c.max_winners,
        horse_race: c.horse_race,
        under_review: status == S::UnderReview,
        unfilled: status == S::Unfilled,
        selection: status == S::Selection,
        publicity: status == S::Publicity,
        awarded: status == S::Awarded,
        is_final: status.is_final(),
        may_withdraw: matches!(
            status,
            S::Draft | S::UnderReview | S::Open | S::Unfilled | S::Selection | S::Publicity
        ),
        may_terminate: matches!(status, S::Awarded | S::InExecution),
        publicity_ends: c.publicity_ends.map(beijing_minute),
        publicity_over: c.publicity_ends.is_some_and(|ends| now >= ends),
        panel,
        candidates,
        criteria: criteria_rows,
        criteria_text,
        drop_extremes: c.drop_extremes,
        criteria_editable: on_record.is_empty() && !status.is_final(),
        bids: bid_views,
        formal_rows: (1..=FORMAL_REVIEW_ROWS).collect(),
        ranking,
        sheets: sheet_rows,
        missing,
        unscorable,
        objections,
        shortlisted,
        winners,
        task_book,
        timeline,
    })
}

fn event_row(e: &challenge_event::Model, names: &Names) -> EventRow {
    let ids = e.detail.as_deref().and_then(|d| {
        d.split(',')
            .map(|id| id.trim().parse::<i64>().ok())
            .collect::<Option<Vec<i64>>>()
    });
    let detail = match (e.action.as_str(), ids) {
        ("challenge.assign_expert" | "challenge.unassign_expert", Some(ids)) => {
            Some(names.users(&ids))
        }
        ("challenge.propose_winners", Some(ids)) => Some(
            ids.iter()
                .map(|id| names.bid(*id))
                .collect::<Vec<_>>()
                .join(&t!("list-separator")),
        ),
        _ => e.detail.clone(),
    };
    EventRow {
        at: beijing_minute(e.at),
        actor: e
            .actor_user_id
            .map_or_else(|| Actor::System.label(), |id| names.user(id)),
        action: techmatch_core::challenge::timeline_label(&e.action),
        bid: e.bid_id.map(|b| names.bid(b)),
        detail,
    }
}

pub async fn console(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
) -> Result<ConsolePage, PageError> {
    Ok(console_page(&app, &page_user, id, None).await?)
}

/// After a step: back to the console (whatever the step returned: the console shows
/// it), or the console again with the refusal.
async fn done<T>(
    app: &AppState,
    page_user: &PageUser,
    id: i64,
    result: Result<T, WebError>,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/bureau/challenges/{id}")).into_response()),
        Err(error) if is_refusal(&error) => {
            let (status, _, message) = error.describe();
            let page = console_page(app, page_user, id, Some(message)).await?;
            Ok((status, page).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

/// The bid, when it belongs to the challenge.
async fn bid_of(app: &AppState, challenge_id: i64, bid_id: i64) -> Result<bid::Model, WebError> {
    let row = bids::model(&app.db, bid_id).await?;
    if row.challenge_id != challenge_id {
        return Err(CoreError::NotFound {
            what: t!("what-bid"),
            id: bid_id.to_string(),
        }
        .into());
    }
    Ok(row)
}

// ---------------------------------------------------------------------------------
// POST /bureau/challenges/{id}/<step>

#[derive(Debug, Deserialize)]
pub struct ActForm {
    pub action: String,
    #[serde(default)]
    pub reason: String,
    /// For republishing: Beijing time as a `datetime-local` input sends it.
    #[serde(default)]
    pub new_bid_deadline: String,
}

fn local_time(field: &'static str, text: &str) -> Result<Option<DateTime<Utc>>, WebError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match calendar::parse_beijing(text) {
        Some(at) => Ok(Some(at)),
        None => Err(CoreError::invalid(field, t!("bureau-challenge-time-malformed")).into()),
    }
}

/// Approve, reject, withdraw, terminate, revoke the 公示, declare 流榜, republish, close.
pub async fn act(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<ActForm>,
) -> Result<Response, PageError> {
    let user = bureau(&page_user)?;
    let result = async {
        let action = ChallengeAction::parse(&form.action)?;
        let input = ActionInput {
            reason: Some(form.reason.clone()),
            new_bid_deadline: local_time("new_bid_deadline", &form.new_bid_deadline)?,
        };
        Ok(app_challenges::act(&app.db, user, id, action, &input, app.clock.now()).await?)
    }
    .await;
    done(&app, &page_user, id, result).await
}

#[derive(Debug, Deserialize)]
pub struct ExpertForm {
    pub expert: i64,
}

pub async fn assign_expert(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<ExpertForm>,
) -> Result<Response, PageError> {
    let user = bureau(&page_user)?;
    let result = async {
        Ok(app_challenges::assign_expert(&app.db, user, id, form.expert, app.clock.now()).await?)
    }
    .await;
    done(&app, &page_user, id, result).await
}

pub async fn unassign_expert(
    State(app): State<AppState>,
    page_user: PageUser,
    Path((id, expert_id)): Path<(i64, i64)>,
    CsrfForm { .. }: CsrfForm<crate::server::accounts::pages::Empty>,
) -> Result<Response, PageError> {
    let user = bureau(&page_user)?;
    let result = async {
        Ok(app_challenges::unassign_expert(&app.db, user, id, expert_id, app.clock.now()).await?)
    }
    .await;
    done(&app, &page_user, id, result).await
}

#[derive(Debug, Deserialize)]
pub struct LinkForm {
    pub bid: i64,
    /// The member's place in the consortium, from 0.
    pub index: usize,
    /// `link` or `unlink`.
    pub decision: String,
    #[serde(default)]
    pub org_id: String,
    /// The member's state as the page showed it ([`bids::MemberState::code`]).
    #[serde(default)]
    pub expected: String,
}

/// Links a consortium member to a verified organisation, or records that it is none.
pub async fn link_member(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<LinkForm>,
) -> Result<Response, PageError> {
    let user = bureau(&page_user)?;
    let result = async {
        bid_of(&app, id, form.bid).await?;
        let decision = match form.decision.as_str() {
            "link" => {
                let org = form.org_id.trim().parse::<i64>().map_err(|_| {
                    CoreError::invalid("org_id", t!("bureau-challenge-link-choose"))
                })?;
                bids::LinkDecision::Link(org)
            }
            "unlink" => bids::LinkDecision::Unlink,
            _ => {
                return Err(CoreError::invalid(
                    "decision",
                    t!("bureau-challenge-link-decision-choose"),
                )
                .into());
            }
        };
        let expected = bids::MemberState::parse(&form.expected)?;
        let now = app.clock.now();
        Ok(
            app_bids::link_member(&app.db, user, form.bid, form.index, decision, expected, now)
                .await?,
        )
    }
    .await;
    done(&app, &page_user, id, result).await
}

#[derive(Debug, Deserialize)]
pub struct VoidSheetForm {
    pub bid: i64,
    pub expert: i64,
    #[serde(default)]
    pub reason: String,
}

/// Voids an expert's submitted sheet on a bid of the call, with the reason.
pub async fn void_sheet(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<VoidSheetForm>,
) -> Result<Response, PageError> {
    let user = bureau(&page_user)?;
    let result = async {
        let now = app.clock.now();
        Ok(
            app_bids::void_sheet(&app.db, user, id, form.bid, form.expert, &form.reason, now)
                .await?,
        )
    }
    .await;
    done(&app, &page_user, id, result).await
}

#[derive(Debug, Deserialize)]
pub struct CriteriaForm {
    /// One criterion per line: `name | weight`.
    #[serde(default)]
    pub criteria: String,
    pub drop_extremes: Option<String>,
}

/// Reads the criteria editor: one `name | weight` per line, blank lines ignored.
fn parse_criteria(text: &str) -> Result<Criteria, WebError> {
    let mut parsed = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        // The full-width bar too, as Chinese input methods type it.
        let Some((name, weight)) = line.rsplit_once(['|', '\u{ff5c}']) else {
            return Err(CoreError::invalid(
                "criteria",
                t!("bureau-challenge-criteria-line", line = line),
            )
            .into());
        };
        parsed.push(Criterion::parse(name, weight)?);
    }
    Ok(Criteria::new(parsed)?)
}

pub async fn set_criteria(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<CriteriaForm>,
) -> Result<Response, PageError> {
    let user = bureau(&page_user)?;
    let result = async {
        let criteria = parse_criteria(&form.criteria)?;
        let drop_extremes = form.drop_extremes.is_some();
        Ok(app_challenges::set_criteria(
            &app.db,
            user,
            id,
            &criteria,
            drop_extremes,
            app.clock.now(),
        )
        .await?)
    }
    .await;
    done(&app, &page_user, id, result).await
}

#[derive(Debug, Deserialize)]
pub struct FormalReviewForm {
    pub bid: i64,
    /// `pass`, `return` or `reject`.
    pub decision: String,
    #[serde(default)]
    pub item: Vec<String>,
    #[serde(default)]
    pub reason: Vec<String>,
}

pub async fn formal_review(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<FormalReviewForm>,
) -> Result<Response, PageError> {
    let user = bureau(&page_user)?;
    let result = async {
        bid_of(&app, id, form.bid).await?;
        let items: Vec<(String, String)> = form
            .item
            .iter()
            .zip(&form.reason)
            .map(|(item, reason)| (item.trim().to_owned(), reason.trim().to_owned()))
            .filter(|(item, reason)| !item.is_empty() || !reason.is_empty())
            .collect();
        if items
            .iter()
            .any(|(item, reason)| item.is_empty() || reason.is_empty())
        {
            return Err(CoreError::invalid("items", t!("bureau-challenge-item-incomplete")).into());
        }
        let decision = match form.decision.as_str() {
            "pass" => FormalDecision::Pass,
            "return" => FormalDecision::Return { items },
            "reject" => FormalDecision::Reject { items },
            _ => {
                return Err(
                    CoreError::invalid("decision", t!("bureau-challenge-decision-choose")).into(),
                );
            }
        };
        Ok(app_bids::formal_review(&app.db, user, form.bid, &decision, app.clock.now()).await?)
    }
    .await;
    done(&app, &page_user, id, result).await
}

#[derive(Debug, Deserialize)]
pub struct WinnersForm {
    #[serde(default)]
    pub bid: Vec<i64>,
}

pub async fn propose_winners(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<WinnersForm>,
) -> Result<Response, PageError> {
    let user = bureau(&page_user)?;
    let result = async {
        app_challenges::propose_winners(&app.db, user, id, &form.bid, app.clock.now()).await?;
        Ok(())
    }
    .await;
    done(&app, &page_user, id, result).await
}

#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    pub objection: i64,
    #[serde(default)]
    pub answer: String,
    pub upheld: Option<String>,
}

pub async fn answer_objection(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<AnswerForm>,
) -> Result<Response, PageError> {
    let user = bureau(&page_user)?;
    let result = async {
        let ours = challenges::objections(&app.db, id)
            .await?
            .iter()
            .any(|o| o.id == form.objection);
        if !ours {
            return Err(CoreError::NotFound {
                what: t!("what-objection"),
                id: form.objection.to_string(),
            }
            .into());
        }
        Ok(app_challenges::answer_objection(
            &app.db,
            user,
            form.objection,
            &form.answer,
            form.upheld.is_some(),
            app.clock.now(),
        )
        .await?)
    }
    .await;
    done(&app, &page_user, id, result).await
}

#[derive(Debug, Deserialize)]
pub struct AwardForm {
    /// A shortlisted bid not to award (after an upheld objection), or empty.
    #[serde(default)]
    pub deny_bid: String,
    #[serde(default)]
    pub deny_reason: String,
}

pub async fn award(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<AwardForm>,
) -> Result<Response, PageError> {
    let user = bureau(&page_user)?;
    let result = async {
        let mut denied = Vec::new();
        if let Ok(bid_id) = form.deny_bid.trim().parse::<i64>() {
            bid_of(&app, id, bid_id).await?;
            let reason = form.deny_reason.trim();
            if reason.is_empty() {
                return Err(
                    CoreError::invalid("deny_reason", t!("bureau-challenge-deny-reason")).into(),
                );
            }
            denied.push((bid_id, reason.to_owned()));
        }
        Ok(app_challenges::award(&app.db, user, id, &denied, app.clock.now()).await?)
    }
    .await;
    done(&app, &page_user, id, result).await
}

#[derive(Debug, Deserialize)]
pub struct TaskBookForm {
    #[serde(default)]
    pub agreement_no: String,
    #[serde(default)]
    pub signed_on: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    /// In 万元.
    #[serde(default)]
    pub total: String,
}

fn date(field: &'static str, text: &str) -> Result<NaiveDate, WebError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| CoreError::invalid(field, t!("bureau-challenge-date-malformed")).into())
}

pub async fn start_execution(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<TaskBookForm>,
) -> Result<Response, PageError> {
    let user = bureau(&page_user)?;
    let result = async {
        let total_yuan = Wan::parse(&form.total).map(Wan::yuan)?;
        let task_book = TaskBook {
            agreement_no: form.agreement_no.trim().to_owned(),
            signed_on: date("signed_on", &form.signed_on)?,
            starts_on: date("starts_on", &form.starts_on)?,
            ends_on: date("ends_on", &form.ends_on)?,
            total_yuan,
        };
        Ok(app_challenges::start_execution(&app.db, user, id, &task_book, app.clock.now()).await?)
    }
    .await;
    done(&app, &page_user, id, result).await
}

#[derive(Debug, Deserialize)]
pub struct MilestoneForm {
    pub milestone: i64,
    /// `pass`, `order_rectification` or `fail`.
    pub action: String,
    #[serde(default)]
    pub reason: String,
}

pub async fn milestone(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<MilestoneForm>,
) -> Result<Response, PageError> {
    let user = bureau(&page_user)?;
    let result = async {
        let mut ours = false;
        for row in bids::of_challenge(&app.db, id).await? {
            ours |= bids::milestones(&app.db, row.id)
                .await?
                .iter()
                .any(|m| m.id == form.milestone);
        }
        if !ours {
            return Err(CoreError::NotFound {
                what: t!("what-milestone"),
                id: form.milestone.to_string(),
            }
            .into());
        }
        let action = MilestoneAction::parse(&form.action)?;
        if action == MilestoneAction::Report {
            return Err(CoreError::invalid("action", t!("challenge-action-dedicated")).into());
        }
        let step = MilestoneStep {
            action,
            text: form.reason.clone(),
            evidence: String::new(),
        };
        Ok(app_bids::milestone_step(&app.db, user, form.milestone, &step, app.clock.now()).await?)
    }
    .await;
    done(&app, &page_user, id, result).await
}

#[derive(Debug, Deserialize)]
pub struct AcceptanceForm {
    pub bid: i64,
    /// `true` when the result passed.
    pub passed: String,
    #[serde(default)]
    pub reason: String,
}

pub async fn acceptance(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<AcceptanceForm>,
) -> Result<Response, PageError> {
    let user = bureau(&page_user)?;
    let result = async {
        bid_of(&app, id, form.bid).await?;
        let passed = form.passed == "true";
        if !passed && form.reason.trim().is_empty() {
            return Err(
                CoreError::invalid("reason", t!("challenge-refused-reason-missing")).into(),
            );
        }
        Ok(app_bids::final_acceptance(
            &app.db,
            user,
            form.bid,
            passed,
            &form.reason,
            app.clock.now(),
        )
        .await?)
    }
    .await;
    done(&app, &page_user, id, result).await
}

// ---------------------------------------------------------------------------------
// GET /expert

pub struct PanelBid {
    pub id: i64,
    pub label: String,
    pub scored: bool,
    /// The expert works for one of the bid's organisations (回避).
    pub conflict: bool,
}

pub struct PanelView {
    pub id: i64,
    pub public_id: String,
    pub title: String,
    pub status_label: String,
    pub selection: bool,
    pub bids: Vec<PanelBid>,
    /// The expert may still declare a conflict and leave the panel: the call is not over
    /// and no sheet of theirs counts.
    pub may_recuse: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "expert_home.html")]
pub struct ExpertHomePage {
    pub nav: Nav,
    /// Why the last step was refused.
    pub notice: Option<String>,
    pub panels: Vec<PanelView>,
}

fn expert(page_user: &PageUser) -> Result<&User, WebError> {
    let user = &page_user.0.user;
    if user.role != Role::Expert {
        return Err(CoreError::Forbidden(t!("expert-home-experts-only")).into());
    }
    Ok(user)
}

pub async fn expert_home(
    State(app): State<AppState>,
    page_user: PageUser,
) -> Result<ExpertHomePage, PageError> {
    Ok(expert_home_page(&app, &page_user, None).await?)
}

async fn expert_home_page(
    app: &AppState,
    page_user: &PageUser,
    notice: Option<String>,
) -> Result<ExpertHomePage, WebError> {
    let user = expert(page_user)?;
    let now = app.clock.now();
    let seats = challenges::panel_seats(&app.db, None, Some(user.id)).await?;
    let mut panels = Vec::with_capacity(seats.len());
    for seat in seats.iter().rev() {
        let c = challenges::model_as_of(&app.db, seat.challenge_id, now).await?;
        let status = ChallengeStatus::from_code(&c.status)?;
        let sheets = bids::sheets_of(&app.db, c.id).await?;
        let mine: Vec<i64> = sheets
            .iter()
            .filter(|s| s.expert_user_id == user.id)
            .map(|s| s.bid_id)
            .collect();
        let counting = sheets
            .iter()
            .any(|s| s.expert_user_id == user.id && s.voided_at.is_none());
        let bid_rows = bids::of_challenge(&app.db, c.id).await?;
        let orgs =
            organisations::names_by_id(&app.db, bid_rows.iter().map(|b| b.lead_org_id)).await?;
        let mut panel_bids = Vec::new();
        for row in &bid_rows {
            if row.status != BidStatus::InExpertReview.code() {
                continue;
            }
            let org = orgs.get(&row.lead_org_id).cloned().unwrap_or_default();
            panel_bids.push(PanelBid {
                id: row.id,
                label: t!("record-bid-ref", id = row.id.to_string(), org = org),
                scored: mine.contains(&row.id),
                conflict: scoring::conflicts(seat.expert_org_id, &bids::parties(row)?.orgs),
            });
        }
        panels.push(PanelView {
            id: c.id,
            public_id: c.public_id.clone(),
            title: c.title.clone(),
            status_label: status.label(),
            selection: status == ChallengeStatus::Selection,
            bids: panel_bids,
            may_recuse: !status.is_final() && !counting,
        });
    }
    Ok(ExpertHomePage {
        nav: Nav::of_user(page_user),
        notice,
        panels,
    })
}

#[derive(Debug, Deserialize)]
pub struct ConflictForm {
    #[serde(default)]
    pub reason: String,
}

/// The expert declares a conflict of interest on a call and leaves its panel.
pub async fn declare_conflict(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<ConflictForm>,
) -> Result<Response, PageError> {
    let user = &page_user.0.user;
    let result: Result<(), WebError> = async {
        Ok(
            app_challenges::declare_conflict(&app.db, user, id, &form.reason, app.clock.now())
                .await?,
        )
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/expert").into_response()),
        Err(error) if is_refusal(&error) => {
            let (status, _, message) = error.describe();
            let page = expert_home_page(&app, &page_user, Some(message)).await?;
            Ok((status, page).into_response())
        }
        Err(error) => Err(error.into()),
    }
}

// ---------------------------------------------------------------------------------
// GET/POST /bids/{id}/score

pub struct CriterionInput {
    pub name: String,
    pub weight: u32,
    pub share: String,
    /// The name with its weight and share, as the form labels it.
    pub label: String,
    /// What was typed (after a refusal) or scored.
    pub value: String,
}

pub struct BidSummary {
    pub id: i64,
    pub lead_org: String,
    pub consortium: String,
    pub team_leader: String,
    pub team: String,
    pub technical_plan: String,
    pub budget_wan: String,
    pub existing_base: String,
    pub patents: Vec<String>,
    pub status_label: String,
    /// (seq, title, metrics, due, amount in 万元)
    pub milestones: Vec<(i32, String, String, String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "bid_score.html")]
pub struct ScorePage {
    pub nav: Nav,
    pub notice: Option<String>,
    pub challenge_id: i64,
    pub challenge_title: String,
    pub metrics: Vec<String>,
    pub bid: BidSummary,
    pub criteria: Vec<CriterionInput>,
    pub comment: String,
    /// The form is offered: the bid is in expert review and this expert has not scored it.
    pub open: bool,
    /// This expert's submitted sheet: its total and comment.
    pub my_total: Option<String>,
    pub my_comment: String,
    /// The other experts' totals, once this expert's own sheet is in.
    pub others: Vec<String>,
    pub others_mean: Option<String>,
    /// The bureau's reason when it voided this expert's sheet on the bid: they write no
    /// second one, and are told why theirs no longer counts.
    pub my_void: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ScoreForm {
    #[serde(default)]
    pub criterion: Vec<String>,
    #[serde(default)]
    pub score: Vec<String>,
    #[serde(default)]
    pub comment: String,
}

async fn score_page(
    app: &AppState,
    page_user: &PageUser,
    id: i64,
    notice: Option<String>,
    typed: Option<&ScoreForm>,
) -> Result<ScorePage, WebError> {
    let user = &page_user.0.user;
    let row = bids::model(&app.db, id).await?;
    let status = bid_status(&row)?;
    if matches!(status, BidStatus::Draft | BidStatus::Withdrawn) {
        return Err(CoreError::NotFound {
            what: t!("what-bid"),
            id: id.to_string(),
        }
        .into());
    }
    let c = challenges::model_as_of(&app.db, row.challenge_id, app.clock.now()).await?;
    bids::expert_seat(&app.db, user, &row, &c).await?;
    let seats = challenges::panel_seats(&app.db, Some(c.id), None).await?;
    let parties = bids::parties(&row)?;
    let criteria = challenges::criteria_of(&c)?;
    let sheets: Vec<_> = bids::score_sheets(&app.db, c.id, &criteria)
        .await?
        .into_iter()
        .filter(|s| s.bid() == id)
        .collect();
    let mine = sheets.iter().find(|s| s.expert() == user.id);
    let submitted: Vec<(i64, i64)> = sheets.iter().map(|s| (s.expert(), s.bid())).collect();
    let may_see = scoring::may_see_others(
        scoring::Viewer::Expert(user.id),
        &parties,
        &panel_of(&seats),
        &submitted,
    );
    let other_totals: Vec<f64> = if may_see {
        sheets
            .iter()
            .filter(|s| s.expert() != user.id)
            .map(|s| s.total(&criteria))
            .collect()
    } else {
        Vec::new()
    };
    let criteria_inputs = criteria
        .criteria()
        .iter()
        .zip(criteria.shares_percent())
        .enumerate()
        .map(|(index, (criterion, share))| {
            let value = match (mine, typed) {
                (Some(sheet), _) => sheet
                    .scores()
                    .get(index)
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                (None, Some(form)) => form.score.get(index).cloned().unwrap_or_default(),
                (None, None) => String::new(),
            };
            let share = format!("{share:.1}");
            CriterionInput {
                name: criterion.name.clone(),
                weight: criterion.weight,
                label: t!(
                    "score-sheet-criterion",
                    name = criterion.name.as_str(),
                    weight = criterion.weight.to_string(),
                    share = share.as_str()
                ),
                share,
                value,
            }
        })
        .collect();
    let orgs = organisations::names_by_id(&app.db, [row.lead_org_id]).await?;
    let bid = BidSummary {
        id,
        lead_org: orgs.get(&row.lead_org_id).cloned().unwrap_or_default(),
        consortium: bids::consortium(&row)?
            .into_iter()
            .map(|m| m.name)
            .collect::<Vec<_>>()
            .join(&t!("list-separator")),
        team_leader: row.team_leader.clone(),
        team: row.team.clone(),
        technical_plan: row.technical_plan.clone(),
        budget_wan: Wan::yuan_as_wan(row.budget_yuan),
        existing_base: row.existing_base.clone(),
        patents: row.patents.lines().map(str::to_owned).collect(),
        status_label: status.label(),
        milestones: bids::milestones(&app.db, id)
            .await?
            .into_iter()
            .map(|m| {
                (
                    m.seq,
                    m.title,
                    m.metrics,
                    beijing_minute(m.due_date),
                    Wan::yuan_as_wan(m.amount_yuan),
                )
            })
            .collect(),
    };
    // A voided sheet is not the expert's to write again: they have seen the others'.
    let my_record = bids::sheets_of(&app.db, c.id)
        .await?
        .into_iter()
        .find(|s| s.expert_user_id == user.id && s.bid_id == id);
    let handed_in = my_record.is_some();
    let my_void = my_record
        .filter(|s| s.voided_at.is_some())
        .map(|s| s.void_reason.unwrap_or_default());
    let open = !handed_in
        && status == BidStatus::InExpertReview
        && c.status == ChallengeStatus::Selection.code();
    let others_mean = (!other_totals.is_empty())
        .then(|| points(other_totals.iter().sum::<f64>() / other_totals.len() as f64));
    Ok(ScorePage {
        nav: Nav::of_user(page_user),
        notice,
        challenge_id: c.id,
        challenge_title: c.title.clone(),
        metrics: c.metrics.lines().map(str::to_owned).collect(),
        bid,
        criteria: criteria_inputs,
        comment: match (mine, typed) {
            (Some(sheet), _) => sheet.comment().to_owned(),
            (None, Some(form)) => form.comment.clone(),
            (None, None) => String::new(),
        },
        open,
        my_total: mine.map(|s| points(s.total(&criteria))),
        my_comment: mine.map(|s| s.comment().to_owned()).unwrap_or_default(),
        others: other_totals.into_iter().map(points).collect(),
        others_mean,
        my_void,
    })
}

pub async fn score_form(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
) -> Result<ScorePage, PageError> {
    Ok(score_page(&app, &page_user, id, None, None).await?)
}

pub async fn score(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<ScoreForm>,
) -> Result<Response, PageError> {
    let user = &page_user.0.user;
    let result = async {
        let scores: Vec<(String, String)> = form
            .criterion
            .iter()
            .cloned()
            .zip(form.score.iter().cloned())
            .collect();
        Ok(app_bids::score(&app.db, user, id, &scores, &form.comment, app.clock.now()).await?)
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/bids/{id}/score")).into_response()),
        Err(error) if is_refusal(&error) => {
            let (status, _, message) = error.describe();
            let page = score_page(&app, &page_user, id, Some(message), Some(&form)).await?;
            Ok((status, page).into_response())
        }
        Err(error) => Err(error.into()),
    }
}
