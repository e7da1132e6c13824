//! 揭榜挂帅 over JSON: challenges, bids, expert review, the public notice, award, milestones and
//! acceptance. Calls and the bidder's side of bids are use cases of `techmatch_app`, the
//! same the pages call; the bureau's review steps still call
//! `techmatch_core::services::{challenges, bids}` in one transaction each, at the time of
//! the server's clock.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use techmatch_core::challenge::bid::BidAction;
use techmatch_core::challenge::lifecycle::ChallengeAction;
use techmatch_core::challenge::milestone::MilestoneAction;
use techmatch_core::challenge::scoring::{BidRanking, Criteria, Criterion};
use techmatch_core::domain::Wan;
use techmatch_core::services::bids::{
    self, BidInput, FormalDecision, MemberInput, MilestoneInput, MilestoneStep,
};
use techmatch_core::services::challenge_record;
use techmatch_core::services::challenges::{
    self, ActionInput, ChallengeInput, TaskBook, default_winners,
};
use techmatch_core::services::users::User;
use techmatch_core::{CoreError, t};

use techmatch_app::bids::{self as app_bids, BidDetail, ConsortiumReview};
use techmatch_app::challenges::{
    self as app_challenges, ChallengeDetail, ChallengeList, ChallengeQuery, CriterionWeight,
};
use techmatch_app::challenges::{InvitationBody, Invited, Solvers};

use crate::server::auth::{ApiUser, Viewer};
use crate::server::error::ErrorBody;
use crate::server::extract::{ApiJson, ApiPath, ApiQuery};
use crate::server::{AppState, WebError};

/// A challenge as the API takes it; amounts in 万元.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChallengeBody {
    pub title: String,
    pub industry: Option<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub background: String,
    pub problem: String,
    /// Quantified acceptance metrics, at least one.
    pub metrics: Vec<String>,
    pub scenario: String,
    pub final_user: String,
    /// The enterprise's money, in 10k yuan.
    pub reward_enterprise: String,
    /// The fiscal subsidy, in 10k yuan.
    pub reward_subsidy: String,
    pub bid_deadline: DateTime<Utc>,
    pub completion_months: u16,
    pub eligibility: String,
    #[serde(default)]
    pub horse_race: bool,
    /// How many winners a 赛马 call names (default 2; always 1 without a race).
    #[serde(default)]
    pub max_winners: Option<u8>,
    #[serde(default = "public")]
    pub confidentiality: String,
    pub contact_name: String,
    pub contact_phone: String,
}

fn public() -> String {
    "public".to_owned()
}

impl ChallengeBody {
    fn input(&self, app: &AppState) -> Result<ChallengeInput, WebError> {
        Ok(ChallengeInput {
            title: self.title.clone(),
            industry: app_challenges::industry_named(&app.industries(), self.industry.as_deref())?,
            keywords: self.keywords.clone(),
            background: self.background.clone(),
            problem: self.problem.clone(),
            metrics: self.metrics.clone(),
            scenario: self.scenario.clone(),
            final_user: self.final_user.clone(),
            reward_enterprise_yuan: Wan::parse_for("reward_enterprise", &self.reward_enterprise)?
                .yuan(),
            reward_subsidy_yuan: Wan::parse_for("reward_subsidy", &self.reward_subsidy)?.yuan(),
            bid_deadline: self.bid_deadline,
            completion_months: self.completion_months,
            eligibility: self.eligibility.clone(),
            horse_race: self.horse_race,
            max_winners: self
                .max_winners
                .unwrap_or_else(|| default_winners(self.horse_race)),
            confidentiality: self.confidentiality.clone(),
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
        })
    }
}

#[utoipa::path(get, operation_id = "list_challenges", path = "/api/v1/challenges", tag = "challenges", params(ChallengeQuery),
    responses((status = 200, description = "The challenges the caller may see that answer the query (by relevance, else newest first), with status and industry facets", body = ChallengeList), (status = 422, description = "Unknown status or industry", body = ErrorBody)))]
/// Lists the open calls the caller may see, with facets
pub async fn list(
    State(app): State<AppState>,
    viewer: Viewer,
    ApiQuery(query): ApiQuery<ChallengeQuery>,
) -> Result<Json<ChallengeList>, WebError> {
    let found = app_challenges::find(
        &app.db,
        &app.industries(),
        viewer.user(),
        &query,
        app.clock.now(),
    )
    .await?;
    Ok(Json(found))
}

/// The id of what a request created or changed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Saved {
    pub id: i64,
}

#[utoipa::path(post, operation_id = "create_challenge", path = "/api/v1/challenges", tag = "challenges", security(("token" = []), ("session" = [])), request_body = ChallengeBody,
    responses((status = 201, description = "A draft challenge of the caller's organisation", body = Saved), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not an enterprise or the bureau", body = ErrorBody), (status = 409, description = "The organisation holds the most draft calls allowed", body = ErrorBody), (status = 422, description = "Invalid content", body = ErrorBody)))]
/// Drafts a new open call
pub async fn create(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<ChallengeBody>,
) -> Result<(StatusCode, Json<Saved>), WebError> {
    let input = body.input(&app)?;
    let id = app_challenges::create(&app.db, &user, &input, app.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(Saved { id })))
}

#[utoipa::path(put, operation_id = "edit_challenge", path = "/api/v1/challenges/{id}", tag = "challenges", security(("token" = []), ("session" = [])), request_body = ChallengeBody, params(("id" = i64, Path)),
    responses((status = 200, description = "Saved", body = Saved), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not the publisher", body = ErrorBody), (status = 404, description = "Unknown or not visible", body = ErrorBody), (status = 409, description = "No longer a draft", body = ErrorBody), (status = 422, description = "Invalid content", body = ErrorBody)))]
/// Edits a draft call
pub async fn edit(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ChallengeBody>,
) -> Result<Json<Saved>, WebError> {
    let input = body.input(&app)?;
    app_challenges::edit(&app.db, &user, id, &input, app.clock.now()).await?;
    Ok(Json(Saved { id }))
}

/// The status a call or bid moved to.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NewStatus {
    pub status: String,
    pub status_label: String,
}

impl NewStatus {
    /// The status `code` with its `label`, of a call, bid or milestone alike.
    fn new(code: &str, label: String) -> NewStatus {
        NewStatus {
            status: code.to_owned(),
            status_label: label,
        }
    }
}

#[utoipa::path(get, operation_id = "show_challenge", path = "/api/v1/challenges/{id}", tag = "challenges", params(("id" = i64, Path)),
    responses((status = 200, description = "The challenge, its timeline, the proposed winners during and after the public notice, the actions the caller may take; for the bureau also every bid and objection; for a bidder its own bid", body = ChallengeDetail), (status = 404, description = "Unknown or not visible", body = ErrorBody)))]
/// An open call as the caller may read it, with its bids, timeline and the moves open to them
pub async fn show(
    State(app): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ChallengeDetail>, WebError> {
    let detail = app_challenges::detail(&app.db, viewer.user(), id, app.clock.now()).await?;
    Ok(Json(detail))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ChallengeActionBody {
    /// submit, approve, reject, republish, close, declare_unfilled, withdraw,
    /// terminate, revoke_publicity
    pub action: String,
    pub reason: Option<String>,
    /// For `republish`.
    pub new_bid_deadline: Option<DateTime<Utc>>,
}

#[utoipa::path(post, operation_id = "act_on_challenge", path = "/api/v1/challenges/{id}/actions", tag = "challenges", security(("token" = []), ("session" = [])), request_body = ChallengeActionBody, params(("id" = i64, Path)),
    responses((status = 200, description = "The new status", body = NewStatus), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not allowed for the caller", body = ErrorBody), (status = 404, description = "Unknown or not visible", body = ErrorBody), (status = 409, description = "Not allowed now, with the reason", body = ErrorBody), (status = 422, description = "Unknown action, or one with its own endpoint", body = ErrorBody)))]
/// A lifecycle move on a call: submit, approve, reject, close, withdraw …
pub async fn act(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ChallengeActionBody>,
) -> Result<Json<NewStatus>, WebError> {
    let action = ChallengeAction::parse(&body.action)?;
    let input = ActionInput {
        reason: body.reason,
        new_bid_deadline: body.new_bid_deadline,
    };
    let to = app_challenges::act(&app.db, &user, id, action, &input, app.clock.now()).await?;
    Ok(Json(NewStatus::new(to.code(), to.label())))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CriterionBody {
    pub name: String,
    pub weight: u32,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CriteriaBody {
    pub criteria: Vec<CriterionBody>,
    /// Drop the highest and the lowest total (from three sheets on).
    #[serde(default)]
    pub drop_extremes: bool,
}

#[utoipa::path(put, operation_id = "set_criteria", path = "/api/v1/challenges/{id}/criteria", tag = "challenges", security(("token" = []), ("session" = [])), request_body = CriteriaBody, params(("id" = i64, Path)),
    responses((status = 200, description = "Saved", body = CriteriaSaved), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not bureau", body = ErrorBody), (status = 404, description = "Unknown call", body = ErrorBody), (status = 409, description = "Scoring has begun", body = ErrorBody), (status = 422, description = "Invalid criteria", body = ErrorBody)))]
/// Sets the scoring criteria of a call
pub async fn set_criteria(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CriteriaBody>,
) -> Result<Json<CriteriaSaved>, WebError> {
    let criteria = Criteria::new(
        body.criteria
            .into_iter()
            .map(|c| Criterion {
                name: c.name,
                weight: c.weight,
            })
            .collect(),
    )?;
    app_challenges::set_criteria(
        &app.db,
        &user,
        id,
        &criteria,
        body.drop_extremes,
        app.clock.now(),
    )
    .await?;
    Ok(Json(CriteriaSaved {
        criteria: criteria
            .criteria()
            .iter()
            .map(CriterionWeight::from)
            .collect(),
    }))
}

/// The criteria in force after a change.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CriteriaSaved {
    pub criteria: Vec<CriterionWeight>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ExpertBody {
    pub user_id: i64,
}

#[utoipa::path(post, operation_id = "assign_expert", path = "/api/v1/challenges/{id}/experts", tag = "challenges", security(("token" = []), ("session" = [])), request_body = ExpertBody, params(("id" = i64, Path)),
    responses((status = 201, description = "On the panel"), (status = 403, description = "Not bureau", body = ErrorBody), (status = 409, description = "Already on the panel, or their organisation may be a consortium member of a submitted bid the bureau has not checked (the reason names the bid)", body = ErrorBody), (status = 422, description = "Not an expert, or their organisation bids on the call (the reason names it)", body = ErrorBody)))]
/// Puts an expert on the call's review panel
pub async fn assign_expert(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ExpertBody>,
) -> Result<StatusCode, WebError> {
    app_challenges::assign_expert(&app.db, &user, id, body.user_id, app.clock.now()).await?;
    Ok(StatusCode::CREATED)
}

#[utoipa::path(delete, operation_id = "unassign_expert", path = "/api/v1/challenges/{id}/experts/{user_id}", tag = "challenges", security(("token" = []), ("session" = [])), params(("id" = i64, Path), ("user_id" = i64, Path)),
    responses((status = 204, description = "Off the panel"), (status = 403, description = "Not bureau", body = ErrorBody), (status = 404, description = "The expert is not on the panel", body = ErrorBody), (status = 409, description = "The expert has submitted a score sheet on the call", body = ErrorBody), (status = 422, description = "The call is over", body = ErrorBody)))]
/// Takes an expert off the call's review panel
pub async fn unassign_expert(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, user_id)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, WebError> {
    app_challenges::unassign_expert(&app.db, &user, id, user_id, app.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ConflictBody {
    /// Why the expert cannot judge the call (at most 2000 characters).
    pub reason: String,
}

#[utoipa::path(post, operation_id = "declare_conflict", path = "/api/v1/challenges/{id}/conflict", tag = "challenges", security(("token" = []), ("session" = [])), request_body = ConflictBody, params(("id" = i64, Path)),
    responses((status = 204, description = "The expert declared a conflict of interest and is off the panel; the reason is on the call's timeline and the bureau is told"), (status = 403, description = "Not an expert on the call's panel", body = ErrorBody), (status = 409, description = "The expert has a score sheet that counts: the bureau decides whether to void it", body = ErrorBody), (status = 422, description = "No reason, or the call is over", body = ErrorBody)))]
/// An expert declares a conflict of interest
pub async fn declare_conflict(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ConflictBody>,
) -> Result<StatusCode, WebError> {
    app_challenges::declare_conflict(&app.db, &user, id, &body.reason, app.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct VoidSheetBody {
    pub bid_id: i64,
    /// The expert who wrote the sheet.
    pub expert_id: i64,
    /// Why it must not count (at most 2000 characters).
    pub reason: String,
}

#[utoipa::path(post, operation_id = "void_score_sheet", path = "/api/v1/challenges/{id}/sheets/void", tag = "challenges", security(("token" = []), ("session" = [])), request_body = VoidSheetBody, params(("id" = i64, Path)),
    responses((status = 204, description = "Voided: the sheet no longer counts in the ranking and stays on record; the expert writes no second sheet on that bid, and with no sheet left that counts may be taken off the panel"), (status = 403, description = "Not bureau", body = ErrorBody), (status = 404, description = "No such bid on the call, or no sheet of the expert on it that counts", body = ErrorBody), (status = 409, description = "Not in the expert review", body = ErrorBody), (status = 422, description = "No reason", body = ErrorBody)))]
/// Voids an expert's score sheet so that it is scored again
pub async fn void_sheet(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<VoidSheetBody>,
) -> Result<StatusCode, WebError> {
    let now = app.clock.now();
    let reason = body.reason.as_str();
    app_bids::void_sheet(&app.db, &user, id, body.bid_id, body.expert_id, reason, now).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, operation_id = "rank_bids", path = "/api/v1/challenges/{id}/ranking", tag = "challenges", security(("token" = []), ("session" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "The ranking with each bid's mean, spread and outlier experts", body = Ranking), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not bureau", body = ErrorBody), (status = 404, description = "Unknown call", body = ErrorBody)))]
/// The panel's ranking of the submitted bids
pub async fn ranking(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Ranking>, WebError> {
    let ranking = app_challenges::ranking(&app.db, &user, id).await?;
    Ok(Json(Ranking { ranking }))
}

/// The bids of a call in their order after the expert review.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = BidRankingList)]
pub struct Ranking {
    pub ranking: Vec<BidRanking>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct WinnersBody {
    pub bids: Vec<i64>,
}

#[utoipa::path(post, operation_id = "propose_winners", path = "/api/v1/challenges/{id}/winners", tag = "challenges", security(("token" = []), ("session" = [])), request_body = WinnersBody, params(("id" = i64, Path)),
    responses((status = 200, description = "The public notice is open until publicity_ends", body = PublicityEnds), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not bureau", body = ErrorBody), (status = 404, description = "Unknown call", body = ErrorBody), (status = 409, description = "Reviews or scores missing, or too many winners", body = ErrorBody), (status = 422, description = "A bid not in the expert review", body = ErrorBody)))]
/// Proposes the winners and opens the public notice
pub async fn propose_winners(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<WinnersBody>,
) -> Result<Json<PublicityEnds>, WebError> {
    let publicity_ends =
        app_challenges::propose_winners(&app.db, &user, id, &body.bids, app.clock.now()).await?;
    Ok(Json(PublicityEnds { publicity_ends }))
}

/// When the 公示 that just started ends.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = PublicNoticeEnd)]
pub struct PublicityEnds {
    pub publicity_ends: DateTime<Utc>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ObjectionBody {
    pub bid_id: Option<i64>,
    pub reason: String,
}

#[utoipa::path(post, operation_id = "object_to_winners", path = "/api/v1/challenges/{id}/objections", tag = "challenges", security(("token" = []), ("session" = [])), request_body = ObjectionBody, params(("id" = i64, Path)),
    responses((status = 201, description = "Lodged", body = Saved), (status = 401, description = "Not logged in", body = ErrorBody), (status = 404, description = "Unknown or not visible", body = ErrorBody), (status = 409, description = "Not during the public notice", body = ErrorBody), (status = 422, description = "No reason, or a bid that is not a proposed winner", body = ErrorBody)))]
/// Lodges an objection during the public notice (公示)
pub async fn object(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ObjectionBody>,
) -> Result<(StatusCode, Json<Saved>), WebError> {
    let objection = app_challenges::object(
        &app.db,
        &user,
        id,
        body.bid_id,
        &body.reason,
        app.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Saved { id: objection })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AnswerBody {
    pub answer: String,
    #[serde(default)]
    pub upheld: bool,
}

#[utoipa::path(post, operation_id = "answer_objection", path = "/api/v1/objections/{id}/answer", tag = "challenges", security(("token" = []), ("session" = [])), request_body = AnswerBody, params(("id" = i64, Path)),
    responses((status = 200, description = "Answered"), (status = 403, description = "Not bureau", body = ErrorBody), (status = 409, description = "Already answered", body = ErrorBody)))]
/// The bureau's answer to an objection
pub async fn answer_objection(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AnswerBody>,
) -> Result<StatusCode, WebError> {
    app_challenges::answer_objection(
        &app.db,
        &user,
        id,
        &body.answer,
        body.upheld,
        app.clock.now(),
    )
    .await?;
    Ok(StatusCode::OK)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DeniedBody {
    pub bid_id: i64,
    pub reason: String,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AwardBody {
    /// Shortlisted bids not awarded after an upheld objection.
    #[serde(default)]
    pub denied: Vec<DeniedBody>,
}

#[utoipa::path(post, operation_id = "award_challenge", path = "/api/v1/challenges/{id}/award", tag = "challenges", security(("token" = []), ("session" = [])), request_body = AwardBody, params(("id" = i64, Path)),
    responses((status = 200, description = "Awarded"), (status = 409, description = "The public notice is running or objections are unanswered", body = ErrorBody)))]
/// Awards the call to the winners after the public notice
pub async fn award(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AwardBody>,
) -> Result<StatusCode, WebError> {
    let denied: Vec<(i64, String)> = body
        .denied
        .into_iter()
        .map(|d| (d.bid_id, d.reason))
        .collect();
    app_challenges::award(&app.db, &user, id, &denied, app.clock.now()).await?;
    Ok(StatusCode::OK)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TaskBookBody {
    pub agreement_no: String,
    pub signed_on: chrono::NaiveDate,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    /// In 10k yuan.
    pub total: String,
}

#[utoipa::path(post, operation_id = "start_execution", path = "/api/v1/challenges/{id}/execution", tag = "challenges", security(("token" = []), ("session" = [])), request_body = TaskBookBody, params(("id" = i64, Path)),
    responses((status = 200, description = "The winners start work"), (status = 409, description = "Not awarded", body = ErrorBody)))]
/// Starts the execution of an awarded call, with its task books
pub async fn start_execution(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<TaskBookBody>,
) -> Result<StatusCode, WebError> {
    let task_book = TaskBook {
        agreement_no: body.agreement_no,
        signed_on: body.signed_on,
        starts_on: body.starts_on,
        ends_on: body.ends_on,
        total_yuan: Wan::parse_for("total", &body.total)?.yuan(),
    };
    app_challenges::start_execution(&app.db, &user, id, &task_book, app.clock.now()).await?;
    Ok(StatusCode::OK)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MemberBody {
    pub name: String,
    pub uscc: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MilestoneBody {
    pub title: String,
    pub metrics: String,
    pub due: DateTime<Utc>,
    /// The funding tranche, in 10k yuan.
    pub amount: String,
}

/// A bid as the API takes it; amounts in 万元.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BidBody {
    #[serde(default)]
    pub consortium: Vec<MemberBody>,
    pub team_leader: String,
    pub team: String,
    pub technical_plan: String,
    /// In 10k yuan.
    pub budget: String,
    pub existing_base: String,
    #[serde(default)]
    pub patents: Vec<String>,
    #[serde(default)]
    pub achievement_ids: Vec<i64>,
    pub milestones: Vec<MilestoneBody>,
    /// The signed integrity pledge.
    #[serde(default)]
    pub pledge: bool,
}

impl BidBody {
    fn input(self) -> Result<BidInput, WebError> {
        let mut milestones = Vec::with_capacity(self.milestones.len());
        for m in self.milestones {
            milestones.push(MilestoneInput {
                amount_yuan: Wan::parse_for("milestones", &m.amount)?.yuan(),
                title: m.title,
                metrics: m.metrics,
                due: m.due,
            });
        }
        Ok(BidInput {
            consortium: self
                .consortium
                .into_iter()
                .map(|m| MemberInput {
                    name: m.name,
                    uscc: m.uscc,
                })
                .collect(),
            team_leader: self.team_leader,
            team: self.team,
            technical_plan: self.technical_plan,
            budget_yuan: Wan::parse_for("budget", &self.budget)?.yuan(),
            existing_base: self.existing_base,
            patents: self.patents,
            achievement_ids: self.achievement_ids,
            milestones,
            pledge: self.pledge,
        })
    }
}

#[utoipa::path(post, operation_id = "create_bid", path = "/api/v1/challenges/{id}/bids", tag = "bids", security(("token" = []), ("session" = [])), request_body = BidBody, params(("id" = i64, Path)),
    responses((status = 201, description = "A draft bid of the caller's organisation", body = Saved), (status = 401, description = "Not logged in", body = ErrorBody), (status = 404, description = "Unknown or not visible call", body = ErrorBody), (status = 422, description = "Invalid content", body = ErrorBody), (status = 403, description = "Not speaking for an organisation (experts, bureau staff, brokers acting for nobody), no confirmed organisation, or the publisher", body = ErrorBody), (status = 409, description = "The call is not open, or the organisation has a bid already", body = ErrorBody)))]
/// Drafts a bid on an open call
pub async fn create_bid(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<BidBody>,
) -> Result<(StatusCode, Json<Saved>), WebError> {
    let input = body.input()?;
    let bid_id = app_bids::create(&app.db, &user, id, &input, app.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(Saved { id: bid_id })))
}

#[utoipa::path(get, operation_id = "show_bid", path = "/api/v1/bids/{id}", tag = "bids", security(("token" = []), ("session" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "The bid with its milestones and the moves the caller may make", body = BidDetail), (status = 401, description = "Not logged in", body = ErrorBody), (status = 404, description = "Unknown, or not the caller's to see", body = ErrorBody)))]
/// A bid as the caller may read it, with its milestones and the moves open to them
pub async fn show_bid(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<BidDetail>, WebError> {
    let detail = app_bids::detail(&app.db, &user, id, app.clock.now()).await?;
    Ok(Json(detail))
}

#[utoipa::path(put, operation_id = "edit_bid", path = "/api/v1/bids/{id}", tag = "bids", security(("token" = []), ("session" = [])), request_body = BidBody, params(("id" = i64, Path)),
    responses((status = 200, description = "Saved", body = Saved), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "A reader who is not the bidder", body = ErrorBody), (status = 404, description = "Unknown, or not the caller's to see", body = ErrorBody), (status = 409, description = "Not a draft or returned bid, or a change to the consortium of a bid submitted before", body = ErrorBody), (status = 422, description = "Invalid content", body = ErrorBody)))]
/// Edits a draft bid, or one returned for correction
pub async fn edit_bid(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<BidBody>,
) -> Result<Json<Saved>, WebError> {
    let input = body.input()?;
    app_bids::edit(&app.db, &user, id, &input, app.clock.now()).await?;
    Ok(Json(Saved { id }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BidActionBody {
    /// submit, withdraw or resubmit
    pub action: String,
}

#[utoipa::path(post, operation_id = "act_on_bid", path = "/api/v1/bids/{id}/actions", tag = "bids", security(("token" = []), ("session" = [])), request_body = BidActionBody, params(("id" = i64, Path)),
    responses((status = 200, description = "The new status", body = NewStatus), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "A reader who is not the bidder", body = ErrorBody), (status = 404, description = "Unknown, or not the caller's to see", body = ErrorBody), (status = 409, description = "Not allowed now (e.g. after the deadline), with the reason", body = ErrorBody), (status = 422, description = "Unknown action, or a step of the bureau", body = ErrorBody)))]
/// A bidder's move on their bid: submit, withdraw
pub async fn act_on_bid(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<BidActionBody>,
) -> Result<Json<NewStatus>, WebError> {
    let action = BidAction::parse(&body.action)?;
    let to = app_bids::act(&app.db, &user, id, action, app.clock.now()).await?;
    Ok(Json(NewStatus::new(to.code(), to.label())))
}

#[utoipa::path(post, operation_id = "decide_formal_review", path = "/api/v1/bids/{id}/formal-review", tag = "bids", security(("token" = []), ("session" = [])), request_body = Object, params(("id" = i64, Path)),
    responses((status = 200, description = "The bid's new status. The body is {\"decision\": \"pass\"} or {\"decision\": \"return\"|\"reject\", \"items\": [[item, reason], …]}", body = NewStatus), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not bureau", body = ErrorBody), (status = 404, description = "Unknown bid", body = ErrorBody), (status = 409, description = "Not allowed now, or a pass while a consortium member awaits the bureau's check", body = ErrorBody), (status = 422, description = "No reasons for a return or rejection", body = ErrorBody)))]
/// The bureau's formal review of a submitted bid
pub async fn formal_review(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<FormalDecision>,
) -> Result<Json<NewStatus>, WebError> {
    let to = app_bids::formal_review(&app.db, &user, id, &body, app.clock.now()).await?;
    Ok(Json(NewStatus::new(to.code(), to.label())))
}

/// The consortium of a bid as the bureau reviews it, and whether its links may change now.
async fn consortium_json(
    app: &AppState,
    user: &User,
    id: i64,
) -> Result<Json<ConsortiumReview>, WebError> {
    Ok(Json(
        app_bids::consortium(&app.db, user, id, app.clock.now()).await?,
    ))
}

/// Records the bureau's decision on member `index` of bid `id` and answers the
/// consortium as it now stands.
async fn decide_link(
    app: &AppState,
    user: &User,
    (id, index): (i64, usize),
    decision: bids::LinkDecision,
    expected: bids::MemberState,
) -> Result<Json<ConsortiumReview>, WebError> {
    let now = app.clock.now();
    app_bids::link_member(&app.db, user, id, index, decision, expected, now).await?;
    consortium_json(app, user, id).await
}

#[utoipa::path(get, operation_id = "show_consortium", path = "/api/v1/bids/{id}/consortium", tag = "bids", security(("token" = []), ("session" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "Each consortium member as typed (`index` from 0), its link (`org_id`, `linked_name`, `declined`) and the verified organisations sharing its USCC or name (`candidates`); `links_open` while links may change", body = ConsortiumReview), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not bureau", body = ErrorBody), (status = 404, description = "Unknown bid", body = ErrorBody)))]
/// A consortium bid's members and how they match the register
pub async fn consortium(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ConsortiumReview>, WebError> {
    consortium_json(&app, &user, id).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LinkBody {
    /// A registry organisation the bureau has verified.
    pub org_id: i64,
    /// The member's `state` as `GET …/consortium` showed it (`pending`, `declined` or
    /// `linked:<id>`): a decision taken on a stale view is refused.
    pub expected: String,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct UnlinkBody {
    /// As in `LinkBody`. The body is optional so that a client posting none is told, as
    /// JSON, that the decision needs the state it was taken on.
    pub expected: Option<String>,
}

#[utoipa::path(post, operation_id = "link_consortium_member", path = "/api/v1/bids/{id}/consortium/{index}/link", tag = "bids", security(("token" = []), ("session" = [])), request_body = LinkBody, params(("id" = i64, Path), ("index" = usize, Path)),
    responses((status = 200, description = "Linked: the organisation's experts are conflicted on the call; the consortium as `GET …/consortium` shows it", body = ConsortiumReview), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not bureau", body = ErrorBody), (status = 404, description = "Unknown bid", body = ErrorBody), (status = 409, description = "Not submitted, the call is past selection, an expert of the organisation is on the panel (the reason names them), or the member is no longer in the `expected` state (the reason says what it is now)", body = ErrorBody), (status = 422, description = "Unknown member or organisation, an organisation not verified, or no readable `expected`", body = ErrorBody)))]
/// Links a consortium member to an organisation of the register
pub async fn link_member(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, index)): ApiPath<(i64, usize)>,
    ApiJson(body): ApiJson<LinkBody>,
) -> Result<Json<ConsortiumReview>, WebError> {
    let decision = bids::LinkDecision::Link(body.org_id);
    let expected = bids::MemberState::parse(&body.expected)?;
    decide_link(&app, &user, (id, index), decision, expected).await
}

#[utoipa::path(post, operation_id = "unlink_consortium_member", path = "/api/v1/bids/{id}/consortium/{index}/unlink", tag = "bids", security(("token" = []), ("session" = [])), request_body(content = UnlinkBody, description = "`expected` is required: a request without it (or without a body) is answered 422 with an `ErrorBody`"), params(("id" = i64, Path), ("index" = usize, Path)),
    responses((status = 200, description = "The member stands for no registry organisation (recorded as the bureau's decision); the consortium as `GET …/consortium` shows it", body = ConsortiumReview), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not bureau", body = ErrorBody), (status = 404, description = "Unknown bid", body = ErrorBody), (status = 409, description = "Not submitted, the call is past selection, or the member is no longer in the `expected` state", body = ErrorBody), (status = 422, description = "Unknown member, or no readable `expected`", body = ErrorBody)))]
/// Unlinks a consortium member from the register
pub async fn unlink_member(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((id, index)): ApiPath<(i64, usize)>,
    body: axum::body::Bytes,
) -> Result<Json<ConsortiumReview>, WebError> {
    let decision = bids::LinkDecision::Unlink;
    // Read by hand rather than by `ApiJson`: a request without a body (or a content type)
    // is told that the decision needs the state it was taken on (422), not that its body
    // is not JSON (415).
    let body: UnlinkBody = if body.iter().all(u8::is_ascii_whitespace) {
        UnlinkBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|_| CoreError::invalid("expected", t!("bid-consortium-expected-unknown")))?
    };
    let expected = bids::MemberState::parse(body.expected.as_deref().unwrap_or_default())?;
    decide_link(&app, &user, (id, index), decision, expected).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ScoreBody {
    /// `[[criterion, score], …]`, scores 0–100 with at most one decimal.
    #[schema(schema_with = criterion_scores)]
    pub scores: Vec<(String, String)>,
    pub comment: String,
}

fn criterion_scores() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::Type;
    techmatch_core::openapi::pairs(Type::String, Type::String, "[[criterion, score], …]")
}

#[utoipa::path(post, operation_id = "score_bid", path = "/api/v1/bids/{id}/scores", tag = "bids", security(("token" = []), ("session" = [])), request_body = ScoreBody, params(("id" = i64, Path)),
    responses((status = 201, description = "The sheet is in; it is final"), (status = 403, description = "Not on the panel, or a conflict of interest", body = ErrorBody), (status = 409, description = "Already scored, or not in expert review", body = ErrorBody)))]
/// An expert's score sheet for a bid
pub async fn score(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ScoreBody>,
) -> Result<StatusCode, WebError> {
    app_bids::score(
        &app.db,
        &user,
        id,
        &body.scores,
        &body.comment,
        app.clock.now(),
    )
    .await?;
    Ok(StatusCode::CREATED)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AcceptanceBody {
    pub passed: bool,
    #[serde(default)]
    pub reason: String,
}

#[utoipa::path(post, operation_id = "decide_final_acceptance", path = "/api/v1/bids/{id}/acceptance", tag = "bids", security(("token" = []), ("session" = [])), request_body = AcceptanceBody, params(("id" = i64, Path)),
    responses((status = 200, description = "Decided (the bid's new status); the challenge ends when no team is left working", body = NewStatus), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not bureau", body = ErrorBody), (status = 404, description = "Unknown bid", body = ErrorBody), (status = 409, description = "Milestones still open", body = ErrorBody), (status = 422, description = "No reason for a failed acceptance", body = ErrorBody)))]
/// The bureau's final acceptance (验收) of an executed task
pub async fn final_acceptance(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AcceptanceBody>,
) -> Result<Json<NewStatus>, WebError> {
    let to = app_bids::final_acceptance(
        &app.db,
        &user,
        id,
        body.passed,
        &body.reason,
        app.clock.now(),
    )
    .await?;
    Ok(Json(NewStatus::new(to.code(), to.label())))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MilestoneStepBody {
    /// report (bidder), pass, order_rectification or fail (bureau)
    pub action: String,
    /// The report, or the reason of a rectification or failure.
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub evidence: String,
}

#[utoipa::path(post, operation_id = "take_milestone_step", path = "/api/v1/milestones/{id}/steps", tag = "bids", security(("token" = []), ("session" = [])), request_body = MilestoneStepBody, params(("id" = i64, Path)),
    responses((status = 200, description = "The milestone's new status", body = NewStatus), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Wrong person", body = ErrorBody), (status = 404, description = "Unknown, or its bid not the caller's to see", body = ErrorBody), (status = 409, description = "Not allowed now", body = ErrorBody), (status = 422, description = "Unknown step", body = ErrorBody)))]
/// A step of a milestone: report, accept, return
pub async fn milestone_step(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MilestoneStepBody>,
) -> Result<Json<NewStatus>, WebError> {
    let step = MilestoneStep {
        action: MilestoneAction::parse(&body.action)?,
        text: body.text,
        evidence: body.evidence,
    };
    let (to, _) = app_bids::milestone_step(&app.db, &user, id, &step, app.clock.now()).await?;
    Ok(Json(NewStatus::new(to.code(), to.label())))
}

#[utoipa::path(get, operation_id = "download_selection_record", path = "/api/v1/challenges/{id}/record.xlsx", tag = "challenges", security(("token" = []), ("session" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "The selection record as XLSX: the challenge, bids, expert scores, ranking, public notice and objections, decisions", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, description = "Not bureau", body = ErrorBody)))]
/// The selection record as a spreadsheet
pub async fn selection_record(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::response::Response, WebError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    if !user.role.is_bureau() {
        return Err(CoreError::Forbidden(t!("challenge-bureau-only")).into());
    }
    let found = challenges::model(&app.db, id).await?;
    let bytes = challenge_record::selection_record_xlsx(&app.db, id).await?;
    let disposition = format!("attachment; filename=\"{}.xlsx\"", found.public_id);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

#[utoipa::path(post, operation_id = "register_achievement", path = "/api/v1/bids/{id}/achievement", tag = "bids", security(("token" = []), ("session" = [])), params(("id" = i64, Path)),
    responses((status = 201, description = "The accepted result is an achievement of the lead organisation, waiting for review", body = RegisteredAchievement), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not the bidder", body = ErrorBody), (status = 404, description = "Unknown bid", body = ErrorBody), (status = 409, description = "Not accepted, or registered already", body = ErrorBody)))]
/// Registers an accepted task's result as an achievement
pub async fn register_achievement(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<RegisteredAchievement>), WebError> {
    let achievement_id =
        app_bids::register_as_achievement(&app.db, &user, id, app.clock.now()).await?;
    Ok((
        StatusCode::CREATED,
        Json(RegisteredAchievement { achievement_id }),
    ))
}

/// The achievement an accepted result became.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RegisteredAchievement {
    pub achievement_id: i64,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PublicityBody {
    /// Working days of the public notice, 1 to 60 (default 5).
    pub working_days: u32,
}

#[utoipa::path(put, operation_id = "set_publicity_days", path = "/api/v1/challenges/{id}/publicity", tag = "challenges", security(("token" = []), ("session" = [])), request_body = PublicityBody, params(("id" = i64, Path)),
    responses((status = 200, description = "Saved", body = PublicityDays), (status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not bureau", body = ErrorBody), (status = 404, description = "Unknown call", body = ErrorBody), (status = 409, description = "The public notice has started", body = ErrorBody), (status = 422, description = "Out of range", body = ErrorBody)))]
/// Sets how many working days the public notice runs
pub async fn set_publicity_days(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PublicityBody>,
) -> Result<Json<PublicityDays>, WebError> {
    app_challenges::set_publicity_days(&app.db, &user, id, body.working_days, app.clock.now())
        .await?;
    Ok(Json(PublicityDays {
        working_days: body.working_days,
    }))
}

/// How many working days the call's 公示 runs.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicityDays {
    pub working_days: u32,
}

/// The likely solvers of a call: matching achievements and the people behind them
#[utoipa::path(get, operation_id = "list_likely_solvers", path = "/api/v1/challenges/{id}/solvers", tag = "challenges", security(("token" = []), ("session" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "Matching achievements with explanations, and the organisations and researchers behind them", body = Solvers), (status = 403, description = "Neither the bureau nor the publisher", body = ErrorBody)))]
pub async fn solvers(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Solvers>, WebError> {
    let now = app.clock.now();
    let found = app_challenges::likely_solvers(&app.db, &app.index, &user, id, now).await?;
    Ok(Json(found))
}

/// Invites the researchers behind chosen solvers to take the call up
#[utoipa::path(post, operation_id = "invite_solvers", path = "/api/v1/challenges/{id}/invitations", tag = "challenges", security(("token" = []), ("session" = [])), request_body = InvitationBody, params(("id" = i64, Path)),
    responses((status = 200, description = "How many researchers were invited and mailed", body = Invited), (status = 403, description = "Neither the bureau nor the publisher", body = ErrorBody), (status = 409, description = "The call is not open, or everyone chosen was invited already", body = ErrorBody), (status = 422, description = "An achievement not on the proposed solver list, or an overlong note", body = ErrorBody)))]
pub async fn invite(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<InvitationBody>,
) -> Result<Json<Invited>, WebError> {
    let (index, url, now) = (&app.index, &app.public_url, app.clock.now());
    let invited = app_challenges::invite(&app.db, index, url, &user, id, &body, now).await?;
    Ok(Json(invited))
}
