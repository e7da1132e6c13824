//! Likely solvers of a challenge: the achievements that match it (the challenge read as
//! a need, through the same matching and explanations as every need), the organisations
//! and researchers behind them, and an invitation by mail to take the challenge up.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use sea_orm::TransactionTrait;
use serde::Deserialize;
use serde_json::{Value, json};
use techmatch_core::challenge::calendar::beijing_minute;
use techmatch_core::entities::challenge;
use techmatch_core::posting::{PostingKind, PostingView, Status};
use techmatch_core::services::challenge_invitations::{self, InvitationRequest};
use techmatch_core::services::outbox::{self, NoticeKind};
use techmatch_core::services::{challenges, postings};
use techmatch_core::{CoreError, t};
use techmatch_search::{Match, MatchOptions, find_matches};

use techmatch_app::challenges as app_challenges;

use super::auth::ApiUser;
use super::error::ErrorBody;
use super::extract::{ApiJson, ApiPath};
use super::{AppState, WebError};

/// How many achievements are proposed.
const SOLVERS: usize = 20;

/// The challenge as the need it is: its problem, metrics and keywords are what a
/// solver's achievement must answer; the whole reward is the budget.
fn as_need(c: &challenge::Model) -> PostingView {
    PostingView {
        kind: PostingKind::Need,
        id: c.id,
        external_id: c.public_id.clone(),
        title: c.title.clone(),
        body: [
            c.background.as_str(),
            c.problem.as_str(),
            c.metrics.as_str(),
        ]
        .join("\n"),
        keywords: c.keywords.lines().map(str::to_owned).collect(),
        industry: c.industry.clone(),
        trl: None,
        modes: Vec::new(),
        mode_codes: Vec::new(),
        modes_mask: 0,
        price_min_yuan: None,
        price_max_yuan: Some(
            c.reward_enterprise_yuan
                .saturating_add(c.reward_subsidy_yuan),
        ),
        price_negotiable: false,
        region_code: None,
        region_name: None,
        status: Status::Published,
        org_name: None,
        org_verified: false,
        confidential: false,
        updated_at: c.updated_at,
        org_id: Some(c.publisher_org_id),
        reject_reason: None,
        reject_note: None,
        deadline: None,
        patents: Vec::new(),
        team_lead: None,
    }
}

/// The matching achievements with the views behind them (organisation, team lead).
async fn solvers(
    app: &AppState,
    c: &challenge::Model,
) -> Result<Vec<(Match, PostingView)>, WebError> {
    let options = MatchOptions {
        top: SOLVERS,
        ..MatchOptions::default()
    };
    let found = super::cpu::index_work(|| find_matches(&app.index, &as_need(c), &options))?;
    let ids: Vec<i64> = found.iter().map(|m| m.id).collect();
    let views = postings::views_by_ids(&app.db, PostingKind::Achievement, &ids).await?;
    Ok(found
        .into_iter()
        .filter_map(|m| {
            let view = views.iter().find(|v| v.id == m.id)?.clone();
            Some((m, view))
        })
        .collect())
}

#[utoipa::path(get, path = "/api/v1/challenges/{id}/solvers", tag = "challenges", security(("token" = []), ("session" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "Matching achievements with explanations, and the organisations and researchers behind them"), (status = 403, description = "Neither the bureau nor the publisher", body = ErrorBody)))]
pub async fn list(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Value>, WebError> {
    // A call the caller may not see is answered as if it did not exist.
    let c = app_challenges::visible(&app.db, Some(&user), id, app.clock.now()).await?;
    challenge_invitations::check_may_recruit(&user, &c)?;
    let found = solvers(&app, &c).await?;
    // Organisations ordered by their best match, each with its achievements.
    let mut organisations: BTreeMap<String, (f32, Vec<i64>)> = BTreeMap::new();
    let mut researchers: Vec<Value> = Vec::new();
    for (m, view) in &found {
        if let Some(name) = &view.org_name {
            let entry = organisations
                .entry(name.clone())
                .or_insert((0.0, Vec::new()));
            entry.0 = entry.0.max(m.score);
            entry.1.push(m.id);
        }
        if let Some(lead) = view.team_lead.as_deref().filter(|l| !l.is_empty()) {
            researchers.push(
                json!({ "name": lead, "organisation": view.org_name, "achievement_id": m.id }),
            );
        }
    }
    let mut organisations: Vec<(String, (f32, Vec<i64>))> = organisations.into_iter().collect();
    organisations.sort_by(|a, b| b.1.0.total_cmp(&a.1.0));
    Ok(Json(json!({
        // Achievements are public postings, and invitations name them by these ids.
        "achievements": found
            .iter()
            .map(|(m, _)| {
                let mut shown = json!(m);
                shown["id"] = json!(m.id);
                shown
            })
            .collect::<Vec<_>>(),
        "organisations": organisations
            .into_iter()
            .map(|(name, (score, achievements))| json!({ "name": name, "best_score": score, "achievement_ids": achievements }))
            .collect::<Vec<_>>(),
        "researchers": researchers,
    })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct InvitationBody {
    /// Achievements from the solver list: their organisations' researchers are invited,
    /// each at most once per call.
    pub achievement_ids: Vec<i64>,
    /// A personal note added to the mail, at most 500 characters.
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/api/v1/challenges/{id}/invitations", tag = "challenges", security(("token" = []), ("session" = [])), request_body = InvitationBody, params(("id" = i64, Path)),
    responses((status = 200, description = "How many researchers were invited and mailed"), (status = 403, description = "Neither the bureau nor the publisher", body = ErrorBody), (status = 409, description = "The call is not open, or everyone chosen was invited already", body = ErrorBody), (status = 422, description = "An achievement not on the proposed solver list, or an overlong note", body = ErrorBody)))]
pub async fn invite(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<InvitationBody>,
) -> Result<Json<Value>, WebError> {
    // A call the caller may not see is answered as if it did not exist.
    let c = app_challenges::visible(&app.db, Some(&user), id, app.clock.now()).await?;
    // Who asks comes before the search, which is the costly part.
    challenge_invitations::check_may_recruit(&user, &c)?;
    let proposed: Vec<i64> = solvers(&app, &c).await?.iter().map(|(m, _)| m.id).collect();
    let now = app.clock.now();
    let txn = app.db.begin().await.map_err(CoreError::from)?;
    let request = InvitationRequest {
        achievement_ids: &body.achievement_ids,
        note: &body.note,
    };
    let invitees = challenge_invitations::invite(&txn, &user, &c, &proposed, request, now).await?;
    let link = format!("{}/challenges/{}", app.public_url, c.id);
    let subject = t!("solvers-mail-subject", title = c.title.as_str());
    let deadline = beijing_minute(c.bid_deadline);
    let cause = format!("challenge-invitation:{}:{}", c.id, now.timestamp_micros());
    let mut mailed = 0usize;
    for invitee in &invitees {
        let text = t!(
            "solvers-mail-body",
            name = invitee.display_name.as_str(),
            title = c.title.as_str(),
            deadline = deadline.as_str(),
            note = body.note.trim(),
            link = link.as_str()
        );
        let mut notice = super::notices::notice_for(
            &txn,
            &app.public_url,
            invitee,
            NoticeKind::Workflow,
            &cause,
            &subject,
            text,
            &link,
            now,
        )
        .await?;
        // Addressed to one researcher, with the publisher's own words in it: never for
        // the university's group chat.
        notice.personal = true;
        if outbox::enqueue(&txn, &notice, now).await? {
            mailed += 1;
        }
    }
    let detail = t!(
        "solvers-invited-detail",
        invited = invitees.len(),
        mailed = mailed
    );
    challenges::record_event(
        &txn,
        id,
        None,
        Some(&user),
        "challenge.invite",
        Some(&detail),
        now,
    )
    .await?;
    txn.commit().await.map_err(CoreError::from)?;
    Ok(Json(json!({
        "invited": invitees.len(),
        "mailed": mailed,
    })))
}
