//! Saved searches (`techmatch_core::services::alerts`): a user keeps a search (text and
//! facets) from the search page, the API or `/me/searches`, and is told of new postings
//! that answer it (see `server::alerts`).

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use techmatch_core::posting::PostingKind;
use techmatch_core::services::alerts::{self, SavedSearch, SearchSpec};

use crate::app::App;
use crate::server::auth::{ApiUser, CsrfForm, PageUser};
use crate::server::error::ErrorBody;
use crate::server::extract::{ApiJson, ApiPath};
use crate::server::i18n::filters;
use crate::server::nav::{AfterSave, Nav};
use crate::server::{AppState, PageError, WebError};

/// A search to keep, from the search page's form or as JSON.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NewSearch {
    /// A name to recognise it by in mails, e.g. "镁合金成果".
    pub name: String,
    /// `needs` or `achievements`.
    pub kind: String,
    /// Words to search for; may be empty when a facet narrows the search.
    #[serde(default)]
    pub q: Option<String>,
    /// An industry of the catalogue, by name, code or alias.
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub min_trl: Option<u8>,
    /// A cooperation or transfer mode code.
    #[serde(default)]
    pub mode: Option<String>,
    /// A province code such as `140000`.
    #[serde(default)]
    pub province: Option<String>,
}

/// An HTML form sends an empty field for "no minimum".
fn empty_as_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Given {
        Number(u8),
        Text(String),
    }
    match Option::<Given>::deserialize(d)? {
        None => Ok(None),
        Some(Given::Number(n)) => Ok(Some(n)),
        Some(Given::Text(text)) if text.trim().is_empty() => Ok(None),
        Some(Given::Text(text)) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("min_trl: not a number: {text}"))),
    }
}

impl NewSearch {
    fn spec(&self, app: &App) -> Result<SearchSpec, WebError> {
        let industry = match self.industry.as_deref().map(str::trim) {
            Some(given) if !given.is_empty() => Some(app.industries().resolve(given)?.name.clone()),
            _ => None,
        };
        Ok(SearchSpec {
            name: self.name.clone(),
            kind: PostingKind::from_section(&self.kind),
            query: self.q.clone().unwrap_or_default(),
            industry,
            min_trl: self.min_trl,
            mode: self.mode.clone(),
            province: self.province.clone(),
        })
    }
}

/// One kept search as the page lists it.
pub struct SearchRow {
    pub search: SavedSearch,
    /// The search page showing its current results.
    pub link: String,
}

fn row_of(search: SavedSearch) -> SearchRow {
    let kind = search.kind.section();
    let mut link = format!("/?kind={kind}");
    let encode = |v: &str| {
        percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    for (name, value) in [
        ("q", Some(search.query.clone())),
        ("industry", search.industry.clone()),
        ("min_trl", search.min_trl.map(|t| t.to_string())),
        ("mode", search.mode.clone()),
        ("province", search.province.clone()),
    ] {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            link.push_str(&format!("&{name}={}", encode(&value)));
        }
    }
    SearchRow { search, link }
}

#[derive(Template, WebTemplate)]
#[template(path = "saved_searches.html")]
pub struct SearchesPage {
    pub nav: Nav,
    pub searches: Vec<SearchRow>,
    pub industries: Vec<String>,
    pub saved: bool,
    pub max: u64,
}

pub async fn show(
    State(app): State<AppState>,
    page_user: PageUser,
    Query(query): Query<AfterSave>,
) -> Result<SearchesPage, PageError> {
    let searches = alerts::of_user(&app.db, page_user.0.user.id).await?;
    Ok(SearchesPage {
        nav: Nav::of_user(&page_user),
        searches: searches.into_iter().map(row_of).collect(),
        industries: app.industry_names(),
        saved: query.saved(),
        max: alerts::MAX_SAVED_SEARCHES,
    })
}

pub async fn create(
    State(app): State<AppState>,
    page_user: PageUser,
    CsrfForm { form, .. }: CsrfForm<NewSearch>,
) -> Result<Response, PageError> {
    let spec = form.spec(&app)?;
    alerts::save(&app.db, &page_user.0.user, &spec, app.clock.now()).await?;
    Ok(Redirect::to("/me/searches?saved=1").into_response())
}

pub async fn delete(
    State(app): State<AppState>,
    page_user: PageUser,
    Path(id): Path<i64>,
    CsrfForm { .. }: CsrfForm<crate::server::accounts::pages::Empty>,
) -> Result<Response, PageError> {
    alerts::delete(&app.db, &page_user.0.user, id).await?;
    Ok(Redirect::to("/me/searches").into_response())
}

#[utoipa::path(get, operation_id = "list_saved_searches", path = "/api/v1/me/searches", tag = "notifications", security(("token" = []), ("session" = [])),
    responses((status = 200, description = "The user's saved searches", body = SavedSearches), (status = 401, description = "Not logged in", body = ErrorBody)))]
/// The caller's saved searches
pub async fn api_list(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<SavedSearches>, WebError> {
    Ok(Json(SavedSearches {
        searches: alerts::of_user(&app.db, user.id).await?,
    }))
}

/// A user's saved searches.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SavedSearches {
    pub searches: Vec<SavedSearch>,
}

#[utoipa::path(post, operation_id = "save_search", path = "/api/v1/me/searches", tag = "notifications", security(("token" = []), ("session" = [])), request_body = NewSearch,
    responses((status = 201, description = "Saved: new postings that answer it are notified", body = SavedSearch),
        (status = 401, description = "Not logged in", body = ErrorBody), (status = 422, description = "Invalid search", body = ErrorBody)))]
/// Saves a search to be told of new postings that answer it
pub async fn api_create(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<NewSearch>,
) -> Result<(StatusCode, Json<SavedSearch>), WebError> {
    let spec = body.spec(&app)?;
    let saved = alerts::save(&app.db, &user, &spec, app.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

#[utoipa::path(delete, operation_id = "delete_saved_search", path = "/api/v1/me/searches/{id}", tag = "notifications", security(("token" = []), ("session" = [])), params(("id" = i64, Path, description = "Saved search id")),
    responses((status = 204, description = "Deleted"), (status = 404, description = "No such saved search of this user", body = ErrorBody)))]
/// Deletes a saved search
pub async fn api_delete(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, WebError> {
    alerts::delete(&app.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
