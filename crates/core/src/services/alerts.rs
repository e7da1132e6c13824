//! What users want to be told of as new postings appear: the lowest match strength
//! that makes a match alert worth a mail, and the searches they keep (saved searches).
//!
//! Computing the matches needs the search index, which this crate does not know: the
//! web crate's alert follower reads these settings and enqueues the notices.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;

use crate::entities::{match_proposal, match_threshold, saved_search};
use crate::posting::{PostingKind, PostingView};
use crate::services::users::User;
use crate::{CoreError, CoreResult, t};

/// The strength (0 to 100) a match needs before its counterpart's owners are told,
/// until they choose their own. Chosen so that a candidate covering about half of
/// what a posting asks for, with a neutral fit, is worth a mail: lower, and alerts
/// would name postings that share a few generic words.
pub const DEFAULT_MIN_STRENGTH: u8 = 45;

/// How many searches one user may keep: each is evaluated against every new posting.
pub const MAX_SAVED_SEARCHES: u64 = 20;

const MAX_NAME_CHARS: usize = 100;
const MAX_QUERY_CHARS: usize = 200;

/// Records that the platform proposed the pair (at least [`DEFAULT_MIN_STRENGTH`] strong)
/// when one side was published: the bureau counts proposed matches, and links of the
/// ecosystem map, from these. A pair proposed again keeps its first date and takes the
/// new strength.
///
/// # Errors
/// Database errors.
pub async fn record_proposal(
    conn: &impl ConnectionTrait,
    need: &PostingView,
    achievement_id: i64,
    strength: u8,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    let row = match_proposal::ActiveModel {
        need_id: Set(need.id),
        achievement_id: Set(achievement_id),
        strength: Set(i32::from(strength)),
        cluster: Set(need.industry.clone()),
        region_code: Set(need.region_code.clone()),
        proposed_at: Set(now),
        ..Default::default()
    };
    match_proposal::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                match_proposal::Column::NeedId,
                match_proposal::Column::AchievementId,
            ])
            .update_column(match_proposal::Column::Strength)
            .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The lowest strength `user_id` wants to be told of.
///
/// # Errors
/// Database errors.
pub async fn min_strength(conn: &impl ConnectionTrait, user_id: i64) -> CoreResult<u8> {
    let row = match_threshold::Entity::find()
        .filter(match_threshold::Column::UserId.eq(user_id))
        .one(conn)
        .await?;
    Ok(row
        .and_then(|r| u8::try_from(r.min_strength).ok())
        .unwrap_or(DEFAULT_MIN_STRENGTH))
}

/// Sets the lowest strength `user_id` wants to be told of.
///
/// # Errors
/// `Invalid` outside 0..=100; database errors.
pub async fn set_min_strength(
    conn: &impl ConnectionTrait,
    user_id: i64,
    strength: i64,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    if !(0..=100).contains(&strength) {
        return Err(CoreError::invalid(
            "min_strength",
            t!("alerts-strength-range"),
        ));
    }
    let row = match_threshold::ActiveModel {
        user_id: Set(user_id),
        min_strength: Set(i32::try_from(strength).unwrap_or(i32::from(DEFAULT_MIN_STRENGTH))),
        updated_at: Set(now),
        ..Default::default()
    };
    match_threshold::Entity::insert(row)
        .on_conflict(
            OnConflict::column(match_threshold::Column::UserId)
                .update_columns([
                    match_threshold::Column::MinStrength,
                    match_threshold::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// A search as a user keeps it: the text and the facets of the search page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchSpec {
    pub name: String,
    pub kind: Option<PostingKind>,
    pub query: String,
    /// The industry's name in the catalogue (the caller resolves codes and aliases).
    pub industry: Option<String>,
    pub min_trl: Option<u8>,
    pub mode: Option<String>,
    pub province: Option<String>,
}

/// A kept search, as the pages and the API show it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedSearch {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub kind: PostingKind,
    pub query: String,
    pub industry: Option<String>,
    pub min_trl: Option<u8>,
    pub mode: Option<String>,
    pub province: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl SavedSearch {
    fn from_row(row: saved_search::Model) -> Option<SavedSearch> {
        Some(SavedSearch {
            id: row.id,
            user_id: row.user_id,
            name: row.name,
            kind: PostingKind::from_code(&row.kind)?,
            query: row.query,
            industry: row.industry,
            min_trl: row.min_trl.and_then(|t| u8::try_from(t).ok()),
            mode: row.mode,
            province: row.province,
            created_at: row.created_at,
        })
    }
}

fn non_empty(value: Option<&String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Checks a search before it is kept: a name, a kind, and something to look for.
///
/// # Errors
/// `Invalid`, naming the field.
pub fn check(spec: &SearchSpec) -> CoreResult<SearchSpec> {
    let name = spec.name.trim();
    if name.is_empty() {
        return Err(CoreError::invalid("name", t!("alerts-name-required")));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(CoreError::invalid(
            "name",
            t!("alerts-too-long", max = MAX_NAME_CHARS),
        ));
    }
    let Some(kind) = spec.kind else {
        return Err(CoreError::invalid("kind", t!("alerts-kind-required")));
    };
    let query = spec.query.trim();
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(CoreError::invalid(
            "query",
            t!("alerts-too-long", max = MAX_QUERY_CHARS),
        ));
    }
    let checked = SearchSpec {
        name: name.to_owned(),
        kind: Some(kind),
        query: query.to_owned(),
        industry: non_empty(spec.industry.as_ref()),
        min_trl: spec.min_trl,
        mode: non_empty(spec.mode.as_ref()),
        province: non_empty(spec.province.as_ref()),
    };
    if let Some(trl) = checked.min_trl
        && !(1..=9).contains(&trl)
    {
        return Err(CoreError::invalid("min_trl", t!("alerts-trl-range")));
    }
    // A search without text or facets would report every new posting.
    if checked.query.is_empty()
        && checked.industry.is_none()
        && checked.min_trl.is_none()
        && checked.mode.is_none()
        && checked.province.is_none()
    {
        return Err(CoreError::invalid("query", t!("alerts-search-empty")));
    }
    Ok(checked)
}

/// Keeps a search for `user`.
///
/// # Errors
/// `Invalid` for a search [`check`] refuses or beyond [`MAX_SAVED_SEARCHES`]; database
/// errors.
pub async fn save(
    conn: &impl ConnectionTrait,
    user: &User,
    spec: &SearchSpec,
    now: DateTime<Utc>,
) -> CoreResult<SavedSearch> {
    let spec = check(spec)?;
    let kept = saved_search::Entity::find()
        .filter(saved_search::Column::UserId.eq(user.id))
        .count(conn)
        .await?;
    if kept >= MAX_SAVED_SEARCHES {
        return Err(CoreError::invalid(
            "name",
            t!("alerts-too-many", max = MAX_SAVED_SEARCHES),
        ));
    }
    let kind = spec.kind.unwrap_or(PostingKind::Achievement);
    let row = saved_search::ActiveModel {
        user_id: Set(user.id),
        name: Set(spec.name),
        kind: Set(kind.code().to_owned()),
        query: Set(spec.query),
        industry: Set(spec.industry),
        min_trl: Set(spec.min_trl.map(i32::from)),
        mode: Set(spec.mode),
        province: Set(spec.province),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(SavedSearch {
        id: row.id,
        user_id: row.user_id,
        name: row.name,
        kind,
        query: row.query,
        industry: row.industry,
        min_trl: spec.min_trl,
        mode: row.mode,
        province: row.province,
        created_at: row.created_at,
    })
}

/// The searches `user_id` keeps, oldest first.
///
/// # Errors
/// Database errors.
pub async fn of_user(conn: &impl ConnectionTrait, user_id: i64) -> CoreResult<Vec<SavedSearch>> {
    Ok(saved_search::Entity::find()
        .filter(saved_search::Column::UserId.eq(user_id))
        .order_by_asc(saved_search::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(SavedSearch::from_row)
        .collect())
}

/// Every kept search for postings of `kind`, by id.
///
/// # Errors
/// Database errors.
pub async fn for_kind(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
) -> CoreResult<Vec<SavedSearch>> {
    Ok(saved_search::Entity::find()
        .filter(saved_search::Column::Kind.eq(kind.code()))
        .order_by_asc(saved_search::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(SavedSearch::from_row)
        .collect())
}

/// Deletes one of `user`'s searches.
///
/// # Errors
/// `NotFound` when `user` keeps no search `id` (someone else's included); database
/// errors.
pub async fn delete(conn: &impl ConnectionTrait, user: &User, id: i64) -> CoreResult<()> {
    let deleted = saved_search::Entity::delete_many()
        .filter(saved_search::Column::Id.eq(id))
        .filter(saved_search::Column::UserId.eq(user.id))
        .exec(conn)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(CoreError::NotFound {
            what: t!("what-saved-search"),
            id: id.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(query: &str) -> SearchSpec {
        SearchSpec {
            name: "n".to_owned(),
            kind: Some(PostingKind::Achievement),
            query: query.to_owned(),
            ..SearchSpec::default()
        }
    }

    #[test]
    fn a_search_needs_a_name_a_kind_and_something_to_look_for() {
        assert!(check(&spec("镁合金")).is_ok());
        let mut facets_only = spec(" ");
        facets_only.industry = Some("新材料".to_owned());
        assert_eq!(
            check(&facets_only).map(|s| s.query).ok(),
            Some(String::new())
        );
        assert!(matches!(
            check(&spec("  ")),
            Err(CoreError::Invalid { field: "query", .. })
        ));
        let mut nameless = spec("x");
        nameless.name = " ".to_owned();
        assert!(matches!(
            check(&nameless),
            Err(CoreError::Invalid { field: "name", .. })
        ));
        let mut kindless = spec("x");
        kindless.kind = None;
        assert!(matches!(
            check(&kindless),
            Err(CoreError::Invalid { field: "kind", .. })
        ));
        let mut bad_trl = spec("x");
        bad_trl.min_trl = Some(10);
        assert!(matches!(
            check(&bad_trl),
            Err(CoreError::Invalid {
                field: "min_trl",
                ..
            })
        ));
        assert!(matches!(
            check(&spec(&"字".repeat(201))),
            Err(CoreError::Invalid { field: "query", .. })
        ));
    }
}
