//! Technology brokers (技术经理人) act for organisations the bureau assigns to them.
//!
//! A broker has no postings of their own. While acting for an assigned organisation the
//! broker is, for every posting and 对接 rule, a confirmed member of that organisation:
//! [`act_for`] returns the broker's [`User`] with `org_id` set to it and
//! `acting_as` set to the kind of posting it publishes (needs for an enterprise,
//! achievements for a university or institute). The audit log records the broker as
//! the actor, so the organisation can always see who did what in its name. The
//! assignment is checked on every request, so removing it ends the broker's authority
//! at once.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use crate::accounts::Role;
use crate::entities::{broker_assignment, organisation, session};
use crate::posting::{OrgKind, PostingKind};
use crate::services::audit;
use crate::services::sessions::token_hash;
use crate::services::users::{self, User};
use crate::{CoreError, CoreResult, t};

/// An organisation a broker may act for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: OrgKind,
    /// What the broker publishes for it.
    pub posts: PostingKind,
}

/// The kind of posting an organisation of `kind` publishes through a broker.
fn posts_for(kind: OrgKind) -> Option<PostingKind> {
    match kind {
        OrgKind::Enterprise => Some(PostingKind::Need),
        OrgKind::University | OrgKind::Institute => Some(PostingKind::Achievement),
        OrgKind::Bureau | OrgKind::Agency => None,
    }
}

async fn organisation(conn: &impl ConnectionTrait, org_id: i64) -> CoreResult<organisation::Model> {
    organisation::Entity::find_by_id(org_id)
        .one(conn)
        .await?
        .ok_or_else(|| CoreError::NotFound {
            what: t!("what-organisation"),
            id: org_id.to_string(),
        })
}

fn assignment_of(org: organisation::Model) -> Option<Assignment> {
    let kind = OrgKind::parse(&org.kind).ok()?;
    Some(Assignment {
        posts: posts_for(kind)?,
        org_id: org.id,
        org_name: org.name,
        org_kind: kind,
    })
}

fn check_bureau(actor: &User) -> CoreResult<()> {
    if actor.role.is_bureau() {
        Ok(())
    } else {
        Err(CoreError::Forbidden(t!("broker-assign-bureau-only")))
    }
}

/// The bureau assigns an organisation to a broker.
///
/// # Errors
/// `Forbidden` unless `actor` is bureau staff; `Invalid` when the user is not a broker
/// or the organisation publishes nothing a broker could handle; `Conflict` when the
/// assignment exists; `NotFound` for unknown ids.
pub async fn assign(
    conn: &impl ConnectionTrait,
    actor: &User,
    broker_id: i64,
    org_id: i64,
) -> CoreResult<Assignment> {
    check_bureau(actor)?;
    let broker = users::get(conn, broker_id).await?;
    if broker.role != Role::Broker {
        return Err(CoreError::invalid(
            "broker",
            t!(
                "broker-assign-not-broker",
                name = broker.display_name.as_str()
            ),
        ));
    }
    let org = organisation(conn, org_id).await?;
    let name = org.name.clone();
    let assignment = assignment_of(org).ok_or_else(|| {
        CoreError::invalid(
            "org_id",
            t!("broker-assign-wrong-kind", org = name.as_str()),
        )
    })?;
    let exists = broker_assignment::Entity::find()
        .filter(broker_assignment::Column::BrokerUserId.eq(broker_id))
        .filter(broker_assignment::Column::OrganisationId.eq(org_id))
        .one(conn)
        .await?
        .is_some();
    if exists {
        return Err(CoreError::Conflict(t!(
            "broker-assign-exists",
            name = broker.display_name.as_str(),
            org = name.as_str()
        )));
    }
    broker_assignment::ActiveModel {
        broker_user_id: Set(broker_id),
        organisation_id: Set(org_id),
        assigned_by: Set(actor.id),
        assigned_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let detail = org_id.to_string();
    audit::record(
        conn,
        audit::Record {
            actor_user_id: Some(actor.id),
            action: "broker.assign",
            entity: "user",
            entity_id: broker_id,
            detail: Some(&detail),
            ..Default::default()
        },
    )
    .await?;
    Ok(assignment)
}

/// The bureau takes an organisation away from a broker; the broker's sessions stop
/// acting for it at once.
///
/// # Errors
/// `Forbidden` unless `actor` is bureau staff; `NotFound` when there is no such
/// assignment.
pub async fn unassign(
    conn: &impl ConnectionTrait,
    actor: &User,
    broker_id: i64,
    org_id: i64,
) -> CoreResult<()> {
    check_bureau(actor)?;
    let removed = broker_assignment::Entity::delete_many()
        .filter(broker_assignment::Column::BrokerUserId.eq(broker_id))
        .filter(broker_assignment::Column::OrganisationId.eq(org_id))
        .exec(conn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(CoreError::NotFound {
            what: t!("what-assignment"),
            id: format!("{broker_id}/{org_id}"),
        });
    }
    session::Entity::update_many()
        .col_expr(
            session::Column::ActingOrgId,
            sea_orm::sea_query::Expr::value(Option::<i64>::None),
        )
        .filter(session::Column::UserId.eq(broker_id))
        .filter(session::Column::ActingOrgId.eq(org_id))
        .exec(conn)
        .await?;
    let detail = org_id.to_string();
    audit::record(
        conn,
        audit::Record {
            actor_user_id: Some(actor.id),
            action: "broker.unassign",
            entity: "user",
            entity_id: broker_id,
            detail: Some(&detail),
            ..Default::default()
        },
    )
    .await
}

/// The organisations assigned to a broker, by name.
///
/// # Errors
/// Database errors.
pub async fn assignments(
    conn: &impl ConnectionTrait,
    broker_id: i64,
) -> CoreResult<Vec<Assignment>> {
    let org_ids: Vec<i64> = broker_assignment::Entity::find()
        .filter(broker_assignment::Column::BrokerUserId.eq(broker_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| a.organisation_id)
        .collect();
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(org_ids))
        .order_by_asc(organisation::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(assignment_of)
        .collect())
}

/// `broker` as a member of the assigned organisation `org_id`.
///
/// # Errors
/// `Forbidden` when the user is not a broker or the organisation is not assigned to
/// them (any more).
pub async fn act_for(
    conn: &impl ConnectionTrait,
    broker: User,
    org_id: i64,
) -> CoreResult<(User, Assignment)> {
    if broker.role != Role::Broker || broker.suspended {
        return Err(CoreError::Forbidden(t!("broker-act-not-broker")));
    }
    let assigned = broker_assignment::Entity::find()
        .filter(broker_assignment::Column::BrokerUserId.eq(broker.id))
        .filter(broker_assignment::Column::OrganisationId.eq(org_id))
        .one(conn)
        .await?
        .is_some();
    let assignment = if assigned {
        assignment_of(organisation(conn, org_id).await?)
    } else {
        None
    };
    let Some(assignment) = assignment else {
        return Err(CoreError::Forbidden(t!("broker-act-not-assigned")));
    };
    let acting = User {
        org_id: Some(assignment.org_id),
        org_confirmed: true,
        acting_as: Some(assignment.posts),
        ..broker
    };
    Ok((acting, assignment))
}

/// Makes a broker's session act for `org_id`, or for nobody with `None`.
///
/// # Errors
/// As [`act_for`].
pub async fn set_session_acting(
    conn: &impl ConnectionTrait,
    session_token: &str,
    broker: &User,
    org_id: Option<i64>,
) -> CoreResult<()> {
    if let Some(org_id) = org_id {
        act_for(conn, broker.clone(), org_id).await?;
    }
    session::Entity::update_many()
        .col_expr(
            session::Column::ActingOrgId,
            sea_orm::sea_query::Expr::value(org_id),
        )
        .filter(session::Column::TokenHash.eq(token_hash(session_token)))
        .filter(session::Column::UserId.eq(broker.id))
        .exec(conn)
        .await?;
    Ok(())
}
