//! Organisations: finding the one a list row names, creating unknown ones unverified,
//! and the bureau's explicit acceptance of a USCC that fails its check.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::domain::{Uscc, check_org_name};
use crate::entities::organisation;
use crate::posting::{OrgKind, OrgRef};
use crate::{CoreError, CoreResult, t};

/// Finds the organisation a row refers to, creating it (unverified) when unknown.
///
/// A USCC identifies an organisation better than its name, so it is tried first. A code
/// that fails the GB 32100 check is only usable once the bureau has accepted it.
///
/// # Errors
/// `Invalid` when the row contradicts what is registered; database errors otherwise.
pub async fn resolve(conn: &impl ConnectionTrait, org: &OrgRef) -> CoreResult<i64> {
    if let Some(uscc) = &org.uscc {
        let by_code = organisation::Entity::find()
            .filter(organisation::Column::Uscc.eq(uscc.as_str()))
            .one(conn)
            .await?;
        if let Some(found) = by_code {
            if let Some(failure) = &org.uscc_check_failure
                && found.uscc_accepted_by.is_none()
            {
                return Err(unaccepted(uscc, failure));
            }
            return Ok(found.id);
        }
        if let Some(failure) = &org.uscc_check_failure {
            return Err(unaccepted(uscc, failure));
        }
    }
    let by_name = organisation::Entity::find()
        .filter(organisation::Column::Name.eq(org.name.as_str()))
        .one(conn)
        .await?;
    match (by_name, &org.uscc) {
        (Some(found), None) => Ok(found.id),
        (Some(found), Some(uscc)) => match &found.uscc {
            Some(held) if held != uscc.as_str() => {
                let (name, uscc) = (&org.name, uscc.as_str());
                let reason = t!("org-uscc-mismatch", name = name, held = held, uscc = uscc);
                Err(CoreError::invalid("org_uscc", reason))
            }
            Some(_) => Ok(found.id),
            None => {
                let id = found.id;
                let mut active: organisation::ActiveModel = found.into();
                active.uscc = Set(Some(uscc.as_str().to_owned()));
                active.update(conn).await?;
                Ok(id)
            }
        },
        (None, uscc) => {
            check_org_name(&org.name)?;
            let created = organisation::ActiveModel {
                kind: Set(org.kind.code().to_owned()),
                name: Set(org.name.clone()),
                uscc: Set(uscc.as_ref().map(|u| u.as_str().to_owned())),
                verified: Set(false),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(conn)
            .await?;
            Ok(created.id)
        }
    }
}

/// The organisation a reference names, if the platform knows it (by USCC, then by
/// name), without creating or changing anything.
///
/// # Errors
/// Database errors.
pub async fn find_existing(conn: &impl ConnectionTrait, org: &OrgRef) -> CoreResult<Option<i64>> {
    if let Some(uscc) = &org.uscc
        && let Some(found) = organisation::Entity::find()
            .filter(organisation::Column::Uscc.eq(uscc.as_str()))
            .one(conn)
            .await?
    {
        return Ok(Some(found.id));
    }
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Name.eq(org.name.as_str()))
        .one(conn)
        .await?
        .map(|found| found.id))
}

fn unaccepted(uscc: &Uscc, failure: &str) -> CoreError {
    let uscc = uscc.as_str();
    CoreError::invalid(
        "org_uscc",
        t!("org-uscc-unaccepted", uscc = uscc, failure = failure),
    )
}

/// Records the bureau's decision to accept a USCC that fails its check, for an
/// organisation created (or found) by name. Returns the organisation's id.
///
/// # Errors
/// `Invalid` when the code is not even well-formed, the reason is empty, or the code
/// belongs to another organisation.
pub async fn accept_uscc(
    conn: &impl ConnectionTrait,
    name: &str,
    kind: OrgKind,
    code: &str,
    accepted_by: &str,
    reason: &str,
) -> CoreResult<i64> {
    check_org_name(name)?;
    let (uscc, failure) = Uscc::parse_lenient(code)?;
    if reason.trim().is_empty() || accepted_by.trim().is_empty() {
        return Err(CoreError::invalid(
            "reason",
            t!("org-accept-uscc-reason-required"),
        ));
    }
    let holder = organisation::Entity::find()
        .filter(organisation::Column::Uscc.eq(uscc.as_str()))
        .one(conn)
        .await?;
    if let Some(holder) = &holder
        && holder.name != name
    {
        let reason = t!("org-uscc-taken", uscc = uscc.as_str(), name = &holder.name);
        return Err(CoreError::invalid("org_uscc", reason));
    }
    let existing = organisation::Entity::find()
        .filter(organisation::Column::Name.eq(name))
        .one(conn)
        .await?;
    let now = Utc::now();
    let mut active = match existing {
        Some(found) => found.into(),
        None => organisation::ActiveModel {
            kind: Set(kind.code().to_owned()),
            name: Set(name.to_owned()),
            verified: Set(false),
            created_at: Set(now),
            ..Default::default()
        },
    };
    active.uscc = Set(Some(uscc.as_str().to_owned()));
    active.uscc_check_failure = Set(failure);
    active.uscc_accepted_by = Set(Some(accepted_by.trim().to_owned()));
    active.uscc_accepted_reason = Set(Some(reason.trim().to_owned()));
    active.uscc_accepted_at = Set(Some(now));
    let saved = active.save(conn).await?;
    saved
        .id
        .try_as_ref()
        .copied()
        .ok_or_else(|| CoreError::Internal("saved organisation has no id".into()))
}

/// Looks organisations up by id, for showing names beside postings.
///
/// # Errors
/// Fails on a database error.
pub async fn names_by_id(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> CoreResult<std::collections::HashMap<i64, String>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let mut names = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let found = organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        names.extend(found.into_iter().map(|o| (o.id, o.name)));
    }
    Ok(names)
}

/// An organisation as the bureau's verification list shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OrgSummary {
    pub id: i64,
    pub name: String,
    pub kind: OrgKind,
    pub uscc: Option<String>,
    /// Why the registered code fails the GB 32100 check, when it does.
    pub uscc_check_failure: Option<String>,
    pub verified: bool,
}

/// Every organisation, unverified first, then by name.
///
/// # Errors
/// Database errors.
pub async fn list(conn: &impl ConnectionTrait) -> CoreResult<Vec<OrgSummary>> {
    use sea_orm::QueryOrder;
    let mut all: Vec<OrgSummary> = organisation::Entity::find()
        .order_by_asc(organisation::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| OrgSummary {
            kind: OrgKind::parse(&m.kind).unwrap_or(OrgKind::Enterprise),
            id: m.id,
            name: m.name,
            uscc: m.uscc,
            uscc_check_failure: m.uscc_check_failure,
            verified: m.verified,
        })
        .collect();
    all.sort_by_key(|o| o.verified);
    Ok(all)
}

/// The bureau verifies an organisation against its USCC. A code that passes the
/// GB 32100 check verifies it; a failing code only with an explicit acceptance reason,
/// which is recorded with who accepted it.
///
/// # Errors
/// `Invalid` for a malformed code, or a failing one without a reason; `Conflict` when
/// the code belongs to another organisation; `NotFound` for an unknown id.
pub async fn verify(
    conn: &impl ConnectionTrait,
    id: i64,
    code: &str,
    accepted_by: &str,
    accept_reason: Option<&str>,
) -> CoreResult<()> {
    let found = organisation::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| CoreError::NotFound {
            what: t!("what-organisation"),
            id: id.to_string(),
        })?;
    let (uscc, failure) = Uscc::parse_lenient(code)?;
    let reason = accept_reason.map(str::trim).filter(|r| !r.is_empty());
    if let (Some(failure), None) = (&failure, reason) {
        let code = uscc.as_str();
        let message = t!("org-verify-needs-reason", uscc = code, failure = failure);
        return Err(CoreError::invalid("org_uscc", message));
    }
    let holder = organisation::Entity::find()
        .filter(organisation::Column::Uscc.eq(uscc.as_str()))
        .one(conn)
        .await?;
    if let Some(holder) = holder
        && holder.id != id
    {
        let reason = t!("org-uscc-taken", uscc = uscc.as_str(), name = &holder.name);
        return Err(CoreError::Conflict(reason));
    }
    let mut active: organisation::ActiveModel = found.into();
    active.uscc = Set(Some(uscc.as_str().to_owned()));
    if failure.is_some() {
        active.uscc_accepted_by = Set(Some(accepted_by.to_owned()));
        active.uscc_accepted_reason = Set(reason.map(str::to_owned));
        active.uscc_accepted_at = Set(Some(Utc::now()));
    }
    active.uscc_check_failure = Set(failure);
    active.verified = Set(true);
    active.update(conn).await?;
    Ok(())
}
