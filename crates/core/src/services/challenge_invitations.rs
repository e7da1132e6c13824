//! Invitations to take a 揭榜挂帅 call up (邀请揭榜): the publisher or the bureau invites
//! the researchers behind achievements the platform proposed as likely solvers.
//!
//! The platform's proposal bounds who can be reached: an invitation is a mail sent in
//! the platform's name, so it must not become a way to mail any researcher at will. Each
//! researcher is invited to a call at most once, and the publisher's note is short.
//! Sending the mails is the caller's; this module decides who gets one and records it.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, SqlErr,
};

use crate::accounts::Role;
use crate::challenge::lifecycle::ChallengeStatus;
use crate::entities::{challenge, challenge_invitation};
use crate::posting::{PostingKind, Status};
use crate::services::users::{self, User};
use crate::services::{challenges, postings};
use crate::{CoreError, CoreResult, t};

/// The longest personal note an invitation carries, in characters.
pub const MAX_NOTE_CHARS: usize = 500;

/// Whether `actor` may see a call's likely solvers and invite them: the bureau and the
/// publisher.
///
/// # Errors
/// `Forbidden` for anyone else.
pub fn check_may_recruit(actor: &User, found: &challenge::Model) -> CoreResult<()> {
    if actor.role.is_bureau() || challenges::is_publisher(actor, found) {
        Ok(())
    } else {
        Err(CoreError::Forbidden(t!("solvers-refused")))
    }
}

/// What the inviter asks for.
#[derive(Debug, Clone, Copy)]
pub struct InvitationRequest<'a> {
    /// Achievements chosen from the proposed solvers: their organisations' researchers
    /// are invited.
    pub achievement_ids: &'a [i64],
    pub note: &'a str,
}

/// Records the invitations of the researchers behind the chosen achievements and
/// returns those invited now; researchers invited to this call before are left out.
/// `proposed` is the platform's solver list for the call.
///
/// # Errors
/// `Forbidden` as [`check_may_recruit`]; `IllegalTransition` when the call is not open;
/// `Invalid` for an achievement the platform did not propose or an overlong note;
/// `Conflict` when everyone behind the chosen achievements was invited already.
pub async fn invite(
    conn: &impl ConnectionTrait,
    actor: &User,
    found: &challenge::Model,
    proposed: &[i64],
    request: InvitationRequest<'_>,
    now: DateTime<Utc>,
) -> CoreResult<Vec<User>> {
    check_may_recruit(actor, found)?;
    if found.status != ChallengeStatus::Open.code() {
        return Err(CoreError::IllegalTransition {
            from: found.status.clone(),
            to: "invite".to_owned(),
            reason: t!("solvers-not-open"),
        });
    }
    if request.note.trim().chars().count() > MAX_NOTE_CHARS {
        return Err(CoreError::invalid(
            "note",
            t!("solvers-note-too-long", max = MAX_NOTE_CHARS),
        ));
    }
    if request.achievement_ids.is_empty() {
        return Err(CoreError::invalid(
            "achievement_ids",
            t!("solvers-none-chosen"),
        ));
    }
    if let Some(stranger) = request
        .achievement_ids
        .iter()
        .find(|id| !proposed.contains(id))
    {
        return Err(CoreError::invalid(
            "achievement_ids",
            t!("solvers-not-proposed", id = *stranger),
        ));
    }
    let views =
        postings::views_by_ids(conn, PostingKind::Achievement, request.achievement_ids).await?;
    let mut orgs: Vec<i64> = views
        .iter()
        .filter(|v| v.status == Status::Published)
        .filter_map(|v| v.org_id)
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    let mut researchers = Vec::new();
    for org in orgs {
        researchers.extend(
            users::members_of(conn, org)
                .await?
                .into_iter()
                .filter(|u| u.role == Role::Researcher),
        );
    }
    let invited_before: Vec<i64> = challenge_invitation::Entity::find()
        .filter(challenge_invitation::Column::ChallengeId.eq(found.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|i| i.user_id)
        .collect();
    let (again, new): (Vec<User>, Vec<User>) = researchers
        .into_iter()
        .partition(|u| invited_before.contains(&u.id));
    if new.is_empty() && !again.is_empty() {
        return Err(CoreError::Conflict(t!("solvers-invited-already")));
    }
    for invitee in &new {
        challenge_invitation::ActiveModel {
            challenge_id: Set(found.id),
            user_id: Set(invitee.id),
            invited_by: Set(actor.id),
            invited_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await
        .map_err(|e| match e.sql_err() {
            // Someone invited the same researcher at the same moment.
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                CoreError::Conflict(t!("solvers-invited-already"))
            }
            _ => CoreError::from(e),
        })?;
    }
    Ok(new)
}
