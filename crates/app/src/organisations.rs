//! The bureau's register of organisations: reading it with its conflicts, verifying an
//! organisation and merging a duplicate into the genuine one, each audited.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use techmatch_core::services::audit;
use techmatch_core::services::organisations::{self, Conflict, MergeOutcome, OrgSummary};
use techmatch_core::services::users::User;
use techmatch_core::{CoreError, t};

use crate::AppResult;
use crate::txn::in_transaction;

/// Refuses anyone but bureau staff, saying what they may not do.
pub(crate) fn check_bureau(actor: &User, refusal: impl FnOnce() -> String) -> AppResult<()> {
    if actor.role.is_bureau() {
        Ok(())
    } else {
        Err(CoreError::Forbidden(refusal()).into())
    }
}

/// The register as the bureau reads it: unverified organisations first, and the
/// provisional ones that claim what another holds.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Register {
    pub conflicts: Vec<Conflict>,
    pub organisations: Vec<OrgSummary>,
}

/// # Errors
/// `Forbidden` for anyone but the bureau.
pub async fn register(db: &DatabaseConnection, actor: &User) -> AppResult<Register> {
    check_bureau(actor, || t!("bureau-error-organisation-list"))?;
    let organisations = organisations::list(db).await?;
    Ok(Register {
        conflicts: organisations::conflicts_among(&organisations),
        organisations,
    })
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MergeForm {
    /// The registry organisation that absorbs the one in the path.
    pub into: i64,
}

/// Merges a duplicate organisation into a registry one, audited, in one transaction.
///
/// # Errors
/// `Forbidden` for anyone but the bureau; `NotFound`; `Conflict` when both bid on one
/// call; `Invalid` when the two are one or the survivor is provisional.
pub async fn merge(
    db: &DatabaseConnection,
    actor: &User,
    absorbed_id: i64,
    form: &MergeForm,
    now: DateTime<Utc>,
) -> AppResult<MergeOutcome> {
    check_bureau(actor, || t!("bureau-error-merge-organisation"))?;
    in_transaction(db, async |txn| {
        Ok(organisations::merge(txn, actor.id, absorbed_id, form.into, now).await?)
    })
    .await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct VerifyForm {
    /// The unified social credit code (统一社会信用代码) the bureau checked.
    #[serde(default)]
    pub uscc: String,
    /// Why a code that fails the GB 32100 check is accepted all the same.
    pub accept_reason: Option<String>,
}

/// An organisation the bureau verified.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Verified {
    pub id: i64,
    pub verified: bool,
}

/// Verifies an organisation and records it in the audit log, in one transaction.
///
/// # Errors
/// `Forbidden` for anyone but the bureau; `Conflict` for a code another organisation
/// holds; `Invalid` for a bad code without the reason for accepting it.
pub async fn verify(
    db: &DatabaseConnection,
    actor: &User,
    id: i64,
    form: &VerifyForm,
) -> AppResult<Verified> {
    check_bureau(actor, || t!("bureau-error-verify-organisation"))?;
    let accept_reason = form
        .accept_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    in_transaction(db, async |txn| {
        organisations::verify(txn, id, &form.uscc, &actor.email, accept_reason).await?;
        audit::record(
            txn,
            audit::Record {
                actor_user_id: Some(actor.id),
                action: "org.verify",
                entity: "organisation",
                entity_id: id,
                reason: None,
                detail: accept_reason,
            },
        )
        .await?;
        Ok(Verified { id, verified: true })
    })
    .await
}
