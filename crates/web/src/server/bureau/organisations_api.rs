//! The bureau's register of organisations and the audit log over JSON: adapters over
//! `techmatch_app::organisations` and `techmatch_app::audit`, which the pages call too.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use techmatch_app::audit::{self as app_audit, AuditLog};
use techmatch_app::organisations::{self as app_orgs, MergeForm, Register, Verified, VerifyForm};
use techmatch_core::services::organisations::MergeOutcome;

use crate::server::auth::ApiUser;
use crate::server::error::ErrorBody;
use crate::server::extract::{ApiJson, ApiPath, ApiQuery};
use crate::server::{AppState, WebError};

#[derive(Debug, Deserialize)]
pub struct AuditParams {
    pub limit: Option<u64>,
}

#[utoipa::path(get, operation_id = "read_audit_log", path = "/api/v1/audit", tag = "bureau", security(("token" = []), ("session" = [])), params(("limit" = Option<u64>, Query, description = "Number of entries: 100 by default, at most 1000")),
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not bureau staff", body = ErrorBody), (status = 200, description = "The audit log, newest first", body = AuditLog)))]
/// The audit log, newest first
pub async fn audit(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<AuditLog>, WebError> {
    Ok(Json(
        app_audit::audit_log(&app.db, &user, params.limit).await?,
    ))
}

#[utoipa::path(get, operation_id = "list_organisations", path = "/api/v1/organisations", tag = "bureau", security(("token" = []), ("session" = [])),
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Not bureau staff", body = ErrorBody), (status = 200, description = "Organisations, unverified first, and the conflicts among them", body = Register)))]
/// The register of organisations and its conflicts
pub async fn orgs(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Register>, WebError> {
    Ok(Json(app_orgs::register(&app.db, &user).await?))
}

#[utoipa::path(post, operation_id = "merge_organisation", path = "/api/v1/organisations/{id}/merge", tag = "bureau", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "The duplicate organisation, absorbed by the merge")), request_body = MergeForm,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 404, description = "No such organisation", body = ErrorBody), (status = 200, description = "Merged: what moved", body = MergeOutcome), (status = 409, description = "Both organisations bid on one call", body = ErrorBody), (status = 422, description = "The two are one, or the survivor is provisional", body = ErrorBody)))]
/// Merges a duplicate organisation into the genuine one
pub async fn merge_org(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<MergeForm>,
) -> Result<Json<MergeOutcome>, WebError> {
    let outcome = app_orgs::merge(&app.db, &user, id, &form, app.clock.now()).await?;
    Ok(Json(outcome))
}

#[utoipa::path(post, operation_id = "verify_organisation", path = "/api/v1/organisations/{id}/verify", tag = "bureau", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Organisation id")), request_body = VerifyForm,
    responses((status = 401, description = "Not logged in", body = ErrorBody), (status = 403, description = "Role not allowed, or CSRF check failed", body = ErrorBody), (status = 200, description = "Verified", body = Verified), (status = 409, description = "The code belongs to another organisation", body = ErrorBody), (status = 422, description = "Invalid code, or the reason for accepting it is missing", body = ErrorBody)))]
/// Verifies an organisation
pub async fn verify_org(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(form): ApiJson<VerifyForm>,
) -> Result<Json<Verified>, WebError> {
    Ok(Json(app_orgs::verify(&app.db, &user, id, &form).await?))
}
