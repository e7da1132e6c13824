//! Technology brokers (技术经理人): the bureau assigns organisations to them, and a
//! broker chooses which assigned organisation their session acts for. While acting,
//! every posting and 对接 page works for the broker as for a member of that
//! organisation (see `techmatch_core::services::brokers`).

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde::{Deserialize, Serialize};
use techmatch_core::accounts::Role;
use techmatch_core::posting::OrgKind;
use techmatch_core::services::brokers::{self, Assignment};
use techmatch_core::services::organisations::{self, OrgSummary};
use techmatch_core::services::users::{self, User};
use techmatch_core::{CoreError, t};

use crate::server::auth::{ApiUser, CsrfForm, PageUser, SESSION_COOKIE};
use crate::server::extract::{ApiJson, ApiPath};
use crate::server::i18n::filters;
use crate::server::nav::Nav;
use crate::server::{AppState, PageError, WebError};

/// One broker and the organisations they serve, for the bureau's page.
pub struct BrokerRow {
    pub user: User,
    pub assignments: Vec<Assignment>,
}

#[derive(Template, WebTemplate)]
#[template(path = "brokers.html")]
pub struct BrokersPage {
    pub nav: Nav,
    pub brokers: Vec<BrokerRow>,
    /// Organisations a broker can act for: enterprises, universities, institutes.
    pub orgs: Vec<OrgSummary>,
}

fn require_bureau(user: &User) -> Result<(), WebError> {
    if user.role.is_bureau() {
        Ok(())
    } else {
        Err(CoreError::Forbidden(t!("broker-assign-bureau-only")).into())
    }
}

async fn broker_rows(app: &AppState) -> Result<Vec<BrokerRow>, WebError> {
    let mut rows = Vec::new();
    for user in users::all(&app.db).await? {
        if user.role == Role::Broker {
            let assignments = brokers::assignments(&app.db, user.id).await?;
            rows.push(BrokerRow { user, assignments });
        }
    }
    Ok(rows)
}

/// The bureau's list of brokers and the organisations assigned to each.
pub async fn list(
    State(app): State<AppState>,
    page_user: PageUser,
) -> Result<BrokersPage, PageError> {
    require_bureau(&page_user.0.user)?;
    let orgs = organisations::list(&app.db)
        .await?
        .into_iter()
        .filter(|o| {
            matches!(
                o.kind,
                OrgKind::Enterprise | OrgKind::University | OrgKind::Institute
            )
        })
        .collect();
    Ok(BrokersPage {
        nav: Nav::of_user(&page_user),
        brokers: broker_rows(&app).await?,
        orgs,
    })
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AssignForm {
    pub org_id: i64,
}

pub async fn assign(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(broker_id): Path<i64>,
    CsrfForm { form, .. }: CsrfForm<AssignForm>,
) -> Result<Response, PageError> {
    techmatch_app::brokers::assign(&app.db, &page_user.0.user, broker_id, form.org_id).await?;
    Ok(Redirect::to("/bureau/brokers").into_response())
}

pub async fn unassign(
    State(app): State<AppState>,
    page_user: PageUser,
    Path((broker_id, org_id)): Path<(i64, i64)>,
    CsrfForm { .. }: CsrfForm<crate::server::accounts::pages::Empty>,
) -> Result<Response, PageError> {
    techmatch_app::brokers::unassign(&app.db, &page_user.0.user, broker_id, org_id).await?;
    Ok(Redirect::to("/bureau/brokers").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "acting.html")]
pub struct ActingPage {
    pub nav: Nav,
    pub assignments: Vec<Assignment>,
    pub acting_org_id: Option<i64>,
}

impl ActingPage {
    pub fn is_current(&self, assignment: &Assignment) -> bool {
        self.acting_org_id == Some(assignment.org_id)
    }
}

fn require_broker(user: &User) -> Result<(), WebError> {
    if user.role == Role::Broker {
        Ok(())
    } else {
        Err(CoreError::Forbidden(t!("broker-act-not-broker")).into())
    }
}

/// A broker's organisations, with a button to act for each.
pub async fn acting_page(
    State(app): State<AppState>,
    page_user: PageUser,
) -> Result<ActingPage, PageError> {
    let user = &page_user.0.user;
    require_broker(user)?;
    Ok(ActingPage {
        nav: Nav::of_user(&page_user),
        assignments: brokers::assignments(&app.db, user.id).await?,
        acting_org_id: page_user.0.acting.as_ref().map(|a| a.org_id),
    })
}

#[derive(Debug, Deserialize)]
pub struct ActingForm {
    /// Empty to stop acting for anyone.
    #[serde(default)]
    pub org_id: String,
}

fn session_token(jar: &CookieJar) -> Result<String, WebError> {
    jar.get(SESSION_COOKIE)
        .map(|c| c.value().to_owned())
        .ok_or(WebError::Unauthenticated)
}

pub async fn choose_acting(
    State(app): State<AppState>,
    page_user: PageUser,
    jar: CookieJar,
    CsrfForm { form, .. }: CsrfForm<ActingForm>,
) -> Result<Response, PageError> {
    let user = &page_user.0.user;
    require_broker(user)?;
    let org_id = match form.org_id.trim() {
        "" => None,
        text => Some(
            text.parse::<i64>()
                .map_err(|_| CoreError::Forbidden(t!("broker-act-not-assigned")))?,
        ),
    };
    brokers::set_session_acting(&app.db, &session_token(&jar)?, user, org_id).await?;
    let next = if org_id.is_some() {
        "/me"
    } else {
        "/me/acting"
    };
    Ok(Redirect::to(next).into_response())
}

/// An organisation a broker may act for.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssignmentCard {
    pub org_id: i64,
    pub org_name: String,
    /// `enterprise`, `university` or `institute`.
    pub org_kind: &'static str,
    /// `need` or `achievement`: what the broker posts for it.
    pub posts: &'static str,
}

impl AssignmentCard {
    fn of(a: &Assignment) -> AssignmentCard {
        AssignmentCard {
            org_id: a.org_id,
            org_name: a.org_name.clone(),
            org_kind: a.org_kind.code(),
            posts: a.posts.code(),
        }
    }
}

/// The organisations a broker may act for.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssignmentList {
    pub assignments: Vec<AssignmentCard>,
}

impl AssignmentList {
    fn of(list: &[Assignment]) -> AssignmentList {
        AssignmentList {
            assignments: list.iter().map(AssignmentCard::of).collect(),
        }
    }
}

/// The calling broker's organisations, and the one its session acts for now.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OwnAssignments {
    /// `null` while acting for none.
    pub acting_org_id: Option<i64>,
    pub assignments: Vec<AssignmentCard>,
}

/// The organisations the calling broker may act for
#[utoipa::path(get, operation_id = "list_own_assignments", path = "/api/v1/me/assignments", tag = "brokers", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "The organisations the calling broker may act for, and the one the session acts for now", body = OwnAssignments), (status = 401, description = "Not logged in", body = crate::server::error::ErrorBody), (status = 403, description = "Not a broker", body = crate::server::error::ErrorBody)))]
pub async fn api_own_assignments(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<OwnAssignments>, WebError> {
    require_broker(&user)?;
    let list = brokers::assignments(&app.db, user.id).await?;
    Ok(Json(OwnAssignments {
        acting_org_id: user.acting_as.and(user.org_id),
        assignments: list.iter().map(AssignmentCard::of).collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ActingBody {
    pub org_id: Option<i64>,
}

#[utoipa::path(put, operation_id = "choose_acting_org", summary = "Chooses the assigned organisation the session acts for", description = "A personal API token carries no session; its requests name the organisation in the `X-Acting-Org` header instead.", path = "/api/v1/me/acting", tag = "brokers", security(("session" = [])), request_body = ActingBody,
    responses((status = 204, description = "The session now acts for the organisation (or for nobody with null)"), (status = 401, description = "Not logged in, or not a session", body = crate::server::error::ErrorBody), (status = 403, description = "Not a broker, or the organisation is not assigned to the broker", body = crate::server::error::ErrorBody)))]
/// A personal API token carries no session; its requests name the organisation in the
/// `X-Acting-Org` header instead.
pub async fn api_choose_acting(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    jar: CookieJar,
    ApiJson(body): ApiJson<ActingBody>,
) -> Result<StatusCode, WebError> {
    require_broker(&user)?;
    brokers::set_session_acting(&app.db, &session_token(&jar)?, &user, body.org_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A broker's organisations (bureau)
#[utoipa::path(get, operation_id = "list_broker_assignments", path = "/api/v1/brokers/{id}/assignments", tag = "brokers", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "The broker's user id")),
    responses((status = 200, description = "The organisations assigned to the broker", body = AssignmentList), (status = 401, description = "Not logged in", body = crate::server::error::ErrorBody), (status = 403, description = "Not bureau staff", body = crate::server::error::ErrorBody)))]
pub async fn api_assignments(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(broker_id): ApiPath<i64>,
) -> Result<Json<AssignmentList>, WebError> {
    require_bureau(&user)?;
    let list = brokers::assignments(&app.db, broker_id).await?;
    Ok(Json(AssignmentList::of(&list)))
}

/// Lets a broker act for an organisation (bureau)
#[utoipa::path(post, operation_id = "assign_broker", path = "/api/v1/brokers/{id}/assignments", tag = "brokers", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "The broker's user id")), request_body = AssignForm,
    responses((status = 201, description = "Assigned", body = AssignmentCard), (status = 401, description = "Not logged in", body = crate::server::error::ErrorBody), (status = 403, description = "Not bureau staff", body = crate::server::error::ErrorBody), (status = 404, description = "No such user or organisation", body = crate::server::error::ErrorBody), (status = 409, description = "Already assigned", body = crate::server::error::ErrorBody), (status = 422, description = "The user is not a broker, or the organisation is not an enterprise, university or institute", body = crate::server::error::ErrorBody)))]
pub async fn api_assign(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(broker_id): ApiPath<i64>,
    ApiJson(body): ApiJson<AssignForm>,
) -> Result<(StatusCode, Json<AssignmentCard>), WebError> {
    let assignment = techmatch_app::brokers::assign(&app.db, &user, broker_id, body.org_id).await?;
    Ok((StatusCode::CREATED, Json(AssignmentCard::of(&assignment))))
}

/// Ends a broker's acting for an organisation (bureau)
#[utoipa::path(delete, operation_id = "unassign_broker", path = "/api/v1/brokers/{id}/assignments/{org_id}", tag = "brokers", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "The broker's user id"), ("org_id" = i64, Path, description = "The organisation")),
    responses((status = 204, description = "The broker no longer acts for the organisation, from the next request on"), (status = 401, description = "Not logged in", body = crate::server::error::ErrorBody), (status = 403, description = "Not bureau staff", body = crate::server::error::ErrorBody), (status = 404, description = "No such assignment", body = crate::server::error::ErrorBody)))]
pub async fn api_unassign(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath((broker_id, org_id)): ApiPath<(i64, i64)>,
) -> Result<StatusCode, WebError> {
    techmatch_app::brokers::unassign(&app.db, &user, broker_id, org_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
