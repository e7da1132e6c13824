//! Likely solvers of a challenge: the achievements that match it (the challenge read as
//! a need, through the same matching and explanations as every need), the organisations
//! and researchers behind them, and an invitation by mail to take the challenge up.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use techmatch_core::challenge::calendar::beijing_minute;
use techmatch_core::entities::challenge;
use techmatch_core::posting::{PostingKind, PostingView, Status};
use techmatch_core::services::challenge_invitations::{self, InvitationRequest};
use techmatch_core::services::outbox::{self, NoticeKind};
use techmatch_core::services::users::User;
use techmatch_core::services::{challenges, postings};
use techmatch_core::t;
use techmatch_search::{Match, MatchOptions, SearchIndex, find_matches};

use super::detail::visible;
use crate::AppResult;
use crate::cpu::index_work;
use crate::txn::in_transaction;

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
    db: &DatabaseConnection,
    index: &SearchIndex,
    c: &challenge::Model,
) -> AppResult<Vec<(Match, PostingView)>> {
    let options = MatchOptions {
        top: SOLVERS,
        ..MatchOptions::default()
    };
    let found = index_work(|| find_matches(index, &as_need(c), &options))?;
    let ids: Vec<i64> = found.iter().map(|m| m.id).collect();
    let views = postings::views_by_ids(db, PostingKind::Achievement, &ids).await?;
    Ok(found
        .into_iter()
        .filter_map(|m| {
            let view = views.iter().find(|v| v.id == m.id)?.clone();
            Some((m, view))
        })
        .collect())
}

/// An achievement proposed as a solver, with the id invitations name it by.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SolverAchievement {
    /// Achievements are public postings; invitations name them by this id.
    pub id: i64,
    #[serde(flatten)]
    pub matched: Match,
}

/// An organisation behind proposed achievements, by its best match.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SolverOrganisation {
    pub name: String,
    pub best_score: f32,
    pub achievement_ids: Vec<i64>,
}

/// A team lead named by a proposed achievement.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Researcher {
    pub name: String,
    pub organisation: Option<String>,
    pub achievement_id: i64,
}

/// Who could solve a call: the matching achievements with explanations, and the
/// organisations and researchers behind them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Solvers {
    pub achievements: Vec<SolverAchievement>,
    /// Ordered by their best match.
    pub organisations: Vec<SolverOrganisation>,
    pub researchers: Vec<Researcher>,
}

/// The likely solvers of call `id`, for its publisher and the bureau.
///
/// # Errors
/// `NotFound` for a call the actor may not see; `Forbidden` for anyone but its
/// publisher and the bureau.
pub async fn likely_solvers(
    db: &DatabaseConnection,
    index: &SearchIndex,
    actor: &User,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<Solvers> {
    let c = visible(db, Some(actor), id, now).await?;
    challenge_invitations::check_may_recruit(actor, &c)?;
    let found = solvers(db, index, &c).await?;
    let mut organisations: BTreeMap<String, (f32, Vec<i64>)> = BTreeMap::new();
    let mut researchers = Vec::new();
    for (m, view) in &found {
        if let Some(name) = &view.org_name {
            let entry = organisations
                .entry(name.clone())
                .or_insert((0.0, Vec::new()));
            entry.0 = entry.0.max(m.score);
            entry.1.push(m.id);
        }
        if let Some(lead) = view.team_lead.as_deref().filter(|l| !l.is_empty()) {
            researchers.push(Researcher {
                name: lead.to_owned(),
                organisation: view.org_name.clone(),
                achievement_id: m.id,
            });
        }
    }
    let mut organisations: Vec<SolverOrganisation> = organisations
        .into_iter()
        .map(|(name, (best_score, achievement_ids))| SolverOrganisation {
            name,
            best_score,
            achievement_ids,
        })
        .collect();
    organisations.sort_by(|a, b| b.best_score.total_cmp(&a.best_score));
    Ok(Solvers {
        achievements: found
            .into_iter()
            .map(|(matched, _)| SolverAchievement {
                id: matched.id,
                matched,
            })
            .collect(),
        organisations,
        researchers,
    })
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

/// How many researchers were invited, and how many of them mailed.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Invited {
    pub invited: usize,
    pub mailed: usize,
}

/// Invites the researchers of chosen proposed solvers to take call `id` up, by mail,
/// recorded in the call's history, in one transaction.
///
/// # Errors
/// `NotFound` for a call the actor may not see; `Forbidden` for anyone but its
/// publisher and the bureau; `Conflict` when the call is not open or everyone chosen
/// was invited already; `Invalid` for an achievement not proposed or an overlong note.
pub async fn invite(
    db: &DatabaseConnection,
    index: &SearchIndex,
    public_url: &str,
    actor: &User,
    id: i64,
    body: &InvitationBody,
    now: DateTime<Utc>,
) -> AppResult<Invited> {
    let c = visible(db, Some(actor), id, now).await?;
    // Who asks comes before the search, which is the costly part.
    challenge_invitations::check_may_recruit(actor, &c)?;
    let proposed: Vec<i64> = solvers(db, index, &c)
        .await?
        .iter()
        .map(|(m, _)| m.id)
        .collect();
    in_transaction(db, async |txn| {
        let request = InvitationRequest {
            achievement_ids: &body.achievement_ids,
            note: &body.note,
        };
        let invitees =
            challenge_invitations::invite(txn, actor, &c, &proposed, request, now).await?;
        let link = format!("{public_url}/challenges/{}", c.id);
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
            let mut notice = crate::notices::notice_for(
                txn,
                public_url,
                invitee,
                NoticeKind::Workflow,
                &cause,
                &subject,
                text,
                &link,
                now,
            )
            .await?;
            // Addressed to one researcher, with the publisher's own words in it: never
            // for the university's group chat.
            notice.personal = true;
            if outbox::enqueue(txn, &notice, now).await? {
                mailed += 1;
            }
        }
        let detail = t!(
            "solvers-invited-detail",
            invited = invitees.len(),
            mailed = mailed
        );
        challenges::record_event(
            txn,
            id,
            None,
            Some(actor),
            "challenge.invite",
            Some(&detail),
            now,
        )
        .await?;
        Ok(Invited {
            invited: invitees.len(),
            mailed,
        })
    })
    .await
}
