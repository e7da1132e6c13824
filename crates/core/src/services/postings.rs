//! Needs and achievements in the database: upserts from validated input, lifecycle
//! actions, and reading them back as [`PostingView`]s.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::domain::{AskingPrice, CoopMode, TransferMode};
use crate::entities::{achievement, need};
use crate::posting::ids;
use crate::posting::view::{coop_from_code, transfer_from_code};
use crate::posting::{
    AchievementInput, Action, NeedInput, PostingKind, PostingView, RejectReason, Status,
    join_keywords, status,
};
use crate::services::{changes, organisations};
use crate::{CoreError, CoreResult, t};

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertOutcome {
    Created(i64),
    Updated(i64),
    Unchanged(i64),
}

impl UpsertOutcome {
    /// The posting's id, whatever the write did.
    pub fn id(self) -> i64 {
        match self {
            UpsertOutcome::Created(id)
            | UpsertOutcome::Updated(id)
            | UpsertOutcome::Unchanged(id) => id,
        }
    }

    /// The posting's id when the write changed it (and so must reach the change log).
    pub fn changed_id(self) -> Option<i64> {
        match self {
            UpsertOutcome::Created(id) | UpsertOutcome::Updated(id) => Some(id),
            UpsertOutcome::Unchanged(_) => None,
        }
    }
}

/// Where a write puts a posting: the status a new one starts in, whose it is, the time
/// the write records, and for a new posting from a list the private key of its row.
///
/// A list's rows share one time: created one after the other, their order in the list
/// would show in every newest-first listing (and a confidential need's place among its
/// enterprise's public ones with it).
#[derive(Debug, Clone, Copy)]
pub struct Placement<'a> {
    pub status_on_create: Status,
    pub org_id: Option<i64>,
    pub at: DateTime<Utc>,
    /// Stored on creation only: an existing posting keeps the key it has.
    pub source_key: Option<&'a str>,
    /// For a new posting, the one of its organisation it may repeat.
    pub duplicate_of: Option<i64>,
}

impl Placement<'_> {
    /// A write by a person on the platform, now, of a posting that came from no list.
    pub fn now(status_on_create: Status, org_id: Option<i64>) -> Self {
        Placement {
            status_on_create,
            org_id,
            at: Utc::now(),
            source_key: None,
            duplicate_of: None,
        }
    }
}

fn join_codes<'a>(codes: impl IntoIterator<Item = &'a str>) -> String {
    codes.into_iter().collect::<Vec<_>>().join(",")
}

fn apply_need(model: &mut need::Model, input: &NeedInput, org_id: Option<i64>) {
    model.external_id = input.external_id.clone();
    model.org_id = org_id;
    model.title = input.title.clone();
    model.description = input.description.clone();
    model.industry = input.industry.clone();
    model.keywords = join_keywords(&input.keywords);
    model.budget_min_yuan = input
        .budget
        .as_ref()
        .and_then(|b| b.min())
        .map(|w| w.yuan());
    model.budget_max_yuan = input
        .budget
        .as_ref()
        .and_then(|b| b.max())
        .map(|w| w.yuan());
    model.deadline = input.deadline;
    model.coop_modes = join_codes(input.coop_modes.iter().map(|m| m.code()));
    model.min_trl = input.min_trl.map(|t| i16::from(t.get()));
    model.region_code = input
        .region
        .as_ref()
        .and_then(|r| r.code().map(str::to_owned));
    model.region_name = input.region.as_ref().map(|r| r.name().to_owned());
    model.confidential = input.confidential;
    if let Some(contact) = &input.contact {
        model.contact_person = contact.person.clone();
        model.contact_phone = contact.phone.clone();
        model.contact_email = contact.email.clone();
    }
}

fn apply_achievement(
    model: &mut achievement::Model,
    input: &AchievementInput,
    org_id: Option<i64>,
) {
    model.external_id = input.external_id.clone();
    model.org_id = org_id;
    model.title = input.title.clone();
    model.summary = input.summary.clone();
    model.keywords = join_keywords(&input.keywords);
    model.field = input.field.clone();
    model.trl = input.trl.map(|t| i16::from(t.get()));
    model.patents = join_codes(input.patents.iter().map(|p| p.as_str()));
    model.transfer_modes = join_codes(input.transfer_modes.iter().map(|m| m.code()));
    model.price_yuan = match &input.price {
        Some(AskingPrice::Amount(w)) => Some(w.yuan()),
        _ => None,
    };
    model.price_negotiable = matches!(input.price, Some(AskingPrice::Negotiable));
    model.team_lead = input.team_lead.clone();
    model.region_code = input
        .region
        .as_ref()
        .and_then(|r| r.code().map(str::to_owned));
    model.region_name = input.region.as_ref().map(|r| r.name().to_owned());
    if let Some(contact) = &input.contact {
        model.contact_person = contact.person.clone();
        model.contact_phone = contact.phone.clone();
        model.contact_email = contact.email.clone();
    }
}

fn blank_need(placement: &Placement) -> need::Model {
    let (status, now) = (placement.status_on_create, placement.at);
    need::Model {
        id: 0,
        external_id: String::new(),
        org_id: None,
        title: String::new(),
        description: String::new(),
        industry: None,
        keywords: String::new(),
        budget_min_yuan: None,
        budget_max_yuan: None,
        deadline: None,
        coop_modes: String::new(),
        min_trl: None,
        region_code: None,
        region_name: None,
        confidential: false,
        status: status.code().to_owned(),
        reject_reason: None,
        reject_note: None,
        source_key: placement.source_key.map(str::to_owned),
        created_at: now,
        updated_at: now,
        published_at: (status == Status::Published).then_some(now),
        contact_person: None,
        contact_phone: None,
        contact_email: None,
        duplicate_of: placement.duplicate_of,
    }
}

fn blank_achievement(placement: &Placement) -> achievement::Model {
    let (status, now) = (placement.status_on_create, placement.at);
    achievement::Model {
        id: 0,
        external_id: String::new(),
        org_id: None,
        title: String::new(),
        summary: String::new(),
        keywords: String::new(),
        field: None,
        trl: None,
        patents: String::new(),
        transfer_modes: String::new(),
        price_yuan: None,
        price_negotiable: false,
        team_lead: None,
        region_code: None,
        region_name: None,
        status: status.code().to_owned(),
        reject_reason: None,
        reject_note: None,
        source_key: placement.source_key.map(str::to_owned),
        created_at: now,
        updated_at: now,
        published_at: (status == Status::Published).then_some(now),
        contact_person: None,
        contact_phone: None,
        contact_email: None,
        duplicate_of: placement.duplicate_of,
    }
}

/// Resolves the organisation an input names, if any.
pub async fn org_id_of(
    conn: &impl ConnectionTrait,
    org: Option<&crate::posting::OrgRef>,
) -> CoreResult<Option<i64>> {
    match org {
        Some(org) => Ok(Some(organisations::resolve(conn, org).await?)),
        None => Ok(None),
    }
}

/// Creates the need with `input.external_id`, or updates it in place when it exists.
/// A new need starts in `status_on_create`; an existing one keeps its status.
///
/// # Errors
/// `Invalid` when the organisation contradicts the register; database errors otherwise.
pub async fn upsert_need(
    conn: &impl ConnectionTrait,
    input: &NeedInput,
    existing: Option<need::Model>,
    status_on_create: Status,
) -> CoreResult<UpsertOutcome> {
    let org_id = org_id_of(conn, input.organisation.as_ref()).await?;
    let placement = Placement::now(status_on_create, org_id);
    let outcome = write_need(conn, input, existing, &placement).await?;
    if let Some(id) = outcome.changed_id() {
        changes::record(conn, PostingKind::Need, id).await?;
    }
    Ok(outcome)
}

/// Writes the need for an organisation already resolved, without recording the change:
/// for callers that resolve and record for many rows at once.
///
/// # Errors
/// Database errors.
pub async fn write_need(
    conn: &impl ConnectionTrait,
    input: &NeedInput,
    existing: Option<need::Model>,
    placement: &Placement<'_>,
) -> CoreResult<UpsertOutcome> {
    Ok(match existing {
        Some(existing) => {
            let mut next = existing.clone();
            apply_need(&mut next, input, placement.org_id);
            // An id from a list, or from before ids were random, would keep the need's
            // place in its sequence once it is confidential. The change this write
            // records makes the index drop the old id.
            if next.confidential && !ids::is_random_public_id(PostingKind::Need, &next.external_id)
            {
                next.external_id = ids::new_public_id(PostingKind::Need);
            }
            if next == existing {
                return Ok(UpsertOutcome::Unchanged(existing.id));
            }
            next.updated_at = placement.at;
            let active: need::ActiveModel = next.into();
            active.reset_all().update(conn).await?;
            UpsertOutcome::Updated(existing.id)
        }
        None => {
            let mut model = blank_need(placement);
            apply_need(&mut model, input, placement.org_id);
            let mut active = need::ActiveModel::from(model).reset_all();
            active.id = NotSet;
            UpsertOutcome::Created(active.insert(conn).await?.id)
        }
    })
}

/// Creates the achievement with `input.external_id`, or updates it in place.
///
/// # Errors
/// `Invalid` when the organisation contradicts the register; database errors otherwise.
pub async fn upsert_achievement(
    conn: &impl ConnectionTrait,
    input: &AchievementInput,
    existing: Option<achievement::Model>,
    status_on_create: Status,
) -> CoreResult<UpsertOutcome> {
    let org_id = org_id_of(conn, input.organisation.as_ref()).await?;
    let placement = Placement::now(status_on_create, org_id);
    let outcome = write_achievement(conn, input, existing, &placement).await?;
    if let Some(id) = outcome.changed_id() {
        changes::record(conn, PostingKind::Achievement, id).await?;
    }
    Ok(outcome)
}

/// Writes the achievement for an organisation already resolved, without recording the change:
/// for callers that resolve and record for many rows at once.
///
/// # Errors
/// Database errors.
pub async fn write_achievement(
    conn: &impl ConnectionTrait,
    input: &AchievementInput,
    existing: Option<achievement::Model>,
    placement: &Placement<'_>,
) -> CoreResult<UpsertOutcome> {
    Ok(match existing {
        Some(existing) => {
            let mut next = existing.clone();
            apply_achievement(&mut next, input, placement.org_id);
            if next == existing {
                return Ok(UpsertOutcome::Unchanged(existing.id));
            }
            next.updated_at = placement.at;
            let active: achievement::ActiveModel = next.into();
            active.reset_all().update(conn).await?;
            UpsertOutcome::Updated(existing.id)
        }
        None => {
            let mut model = blank_achievement(placement);
            apply_achievement(&mut model, input, placement.org_id);
            let mut active = achievement::ActiveModel::from(model).reset_all();
            active.id = NotSet;
            UpsertOutcome::Created(active.insert(conn).await?.id)
        }
    })
}

/// Existing needs by source key (see [`crate::posting::ids`]), for one batch of an import.
///
/// # Errors
/// Fails on a database error.
pub async fn needs_by_source_keys(
    conn: &impl ConnectionTrait,
    keys: &[String],
) -> CoreResult<Vec<need::Model>> {
    Ok(need::Entity::find()
        .filter(need::Column::SourceKey.is_in(keys.iter().cloned()))
        .all(conn)
        .await?)
}

/// Existing achievements by source key, for one batch of an import.
///
/// # Errors
/// Fails on a database error.
pub async fn achievements_by_source_keys(
    conn: &impl ConnectionTrait,
    keys: &[String],
) -> CoreResult<Vec<achievement::Model>> {
    Ok(achievement::Entity::find()
        .filter(achievement::Column::SourceKey.is_in(keys.iter().cloned()))
        .all(conn)
        .await?)
}

/// Existing needs by external id, for one batch of an import.
///
/// # Errors
/// Fails on a database error.
pub async fn needs_by_external_ids(
    conn: &impl ConnectionTrait,
    ids: &[String],
) -> CoreResult<Vec<need::Model>> {
    Ok(need::Entity::find()
        .filter(need::Column::ExternalId.is_in(ids.iter().cloned()))
        .all(conn)
        .await?)
}

/// Existing achievements by external id, for one batch of an import.
///
/// # Errors
/// Fails on a database error.
pub async fn achievements_by_external_ids(
    conn: &impl ConnectionTrait,
    ids: &[String],
) -> CoreResult<Vec<achievement::Model>> {
    Ok(achievement::Entity::find()
        .filter(achievement::Column::ExternalId.is_in(ids.iter().cloned()))
        .all(conn)
        .await?)
}

/// Applies a lifecycle action to a posting and records the change.
///
/// # Errors
/// `NotFound` for an unknown id, `IllegalTransition` when the lifecycle forbids it.
pub async fn apply_action(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    id: i64,
    action: &Action,
) -> CoreResult<Status> {
    let (reason, note) = match action {
        Action::Reject { reason, note } => (
            Some(*reason),
            Some(note.trim().to_owned()).filter(|n| !n.is_empty()),
        ),
        _ => (None, None),
    };
    let reason: Option<RejectReason> = reason;
    let now = Utc::now();
    let to = match kind {
        PostingKind::Need => {
            let model = need::Entity::find_by_id(id)
                .one(conn)
                .await?
                .ok_or_else(|| not_found(kind, id))?;
            let from = model.status.clone();
            let to = status::transition(Status::from_code(&from)?, action)?;
            // Only if nobody changed the status meanwhile (two moderators deciding at once).
            let changed = need::Entity::update_many()
                .col_expr(need::Column::Status, Expr::value(to.code()))
                .col_expr(
                    need::Column::RejectReason,
                    Expr::value(reason.map(|r| r.code().to_owned())),
                )
                .col_expr(need::Column::RejectNote, Expr::value(note))
                .col_expr(need::Column::UpdatedAt, Expr::value(now))
                .filter(need::Column::Id.eq(id))
                .filter(need::Column::Status.eq(from))
                .exec(conn)
                .await?;
            if changed.rows_affected == 0 {
                return Err(changed_meanwhile());
            }
            if to == Status::Published && model.published_at.is_none() {
                need::Entity::update_many()
                    .col_expr(need::Column::PublishedAt, Expr::value(now))
                    .filter(need::Column::Id.eq(id))
                    .exec(conn)
                    .await?;
            }
            to
        }
        PostingKind::Achievement => {
            let model = achievement::Entity::find_by_id(id)
                .one(conn)
                .await?
                .ok_or_else(|| not_found(kind, id))?;
            let from = model.status.clone();
            let to = status::transition(Status::from_code(&from)?, action)?;
            // Only if nobody changed the status meanwhile (two moderators deciding at once).
            let changed = achievement::Entity::update_many()
                .col_expr(achievement::Column::Status, Expr::value(to.code()))
                .col_expr(
                    achievement::Column::RejectReason,
                    Expr::value(reason.map(|r| r.code().to_owned())),
                )
                .col_expr(achievement::Column::RejectNote, Expr::value(note))
                .col_expr(achievement::Column::UpdatedAt, Expr::value(now))
                .filter(achievement::Column::Id.eq(id))
                .filter(achievement::Column::Status.eq(from))
                .exec(conn)
                .await?;
            if changed.rows_affected == 0 {
                return Err(changed_meanwhile());
            }
            if to == Status::Published && model.published_at.is_none() {
                achievement::Entity::update_many()
                    .col_expr(achievement::Column::PublishedAt, Expr::value(now))
                    .filter(achievement::Column::Id.eq(id))
                    .exec(conn)
                    .await?;
            }
            to
        }
    };
    changes::record(conn, kind, id).await?;
    Ok(to)
}

fn changed_meanwhile() -> CoreError {
    CoreError::Conflict(t!("posting-changed-meanwhile"))
}

fn not_found(kind: PostingKind, id: impl ToString) -> CoreError {
    CoreError::NotFound {
        what: kind.label(),
        id: id.to_string(),
    }
}

/// Loads postings by database id as views, in no particular order; unknown ids are skipped.
///
/// # Errors
/// Fails on a database error.
pub async fn views_by_ids(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    ids: &[i64],
) -> CoreResult<Vec<PostingView>> {
    let mut views = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        views.extend(match kind {
            PostingKind::Need => {
                let models = need::Entity::find()
                    .filter(need::Column::Id.is_in(chunk.iter().copied()))
                    .all(conn)
                    .await?;
                needs_to_views(conn, models).await?
            }
            PostingKind::Achievement => {
                let models = achievement::Entity::find()
                    .filter(achievement::Column::Id.is_in(chunk.iter().copied()))
                    .all(conn)
                    .await?;
                achievements_to_views(conn, models).await?
            }
        });
    }
    Ok(views)
}

/// A page of postings in id order after `after_id`, for rebuilding derived state.
///
/// # Errors
/// Fails on a database error.
pub async fn views_page(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    status: Option<Status>,
    after_id: i64,
    limit: u64,
) -> CoreResult<Vec<PostingView>> {
    match kind {
        PostingKind::Need => {
            let mut query = need::Entity::find().filter(need::Column::Id.gt(after_id));
            if let Some(status) = status {
                query = query.filter(need::Column::Status.eq(status.code()));
            }
            let models = query
                .order_by_asc(need::Column::Id)
                .limit(limit)
                .all(conn)
                .await?;
            needs_to_views(conn, models).await
        }
        PostingKind::Achievement => {
            let mut query =
                achievement::Entity::find().filter(achievement::Column::Id.gt(after_id));
            if let Some(status) = status {
                query = query.filter(achievement::Column::Status.eq(status.code()));
            }
            let models = query
                .order_by_asc(achievement::Column::Id)
                .limit(limit)
                .all(conn)
                .await?;
            achievements_to_views(conn, models).await
        }
    }
}

/// Finds one posting as the bureau's command line names it: by the identifier it has
/// in the bureau's list, or else by its public id.
///
/// # Errors
/// `NotFound` when no posting of that kind has the id.
pub async fn view_by_bureau_id(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    id: &str,
) -> CoreResult<PostingView> {
    let key = ids::bureau_source_key(id);
    let models = match kind {
        PostingKind::Need => {
            let models = need::Entity::find()
                .filter(need::Column::SourceKey.eq(key))
                .all(conn)
                .await?;
            needs_to_views(conn, models).await?
        }
        PostingKind::Achievement => {
            let models = achievement::Entity::find()
                .filter(achievement::Column::SourceKey.eq(key))
                .all(conn)
                .await?;
            achievements_to_views(conn, models).await?
        }
    };
    match models.into_iter().next() {
        Some(view) => Ok(view),
        None => view_by_external_id(conn, kind, id).await,
    }
}

/// The ids the bureau's own surfaces show for postings (see
/// [`ids::bureau_facing_id`]), by database id.
///
/// # Errors
/// Fails on a database error.
pub async fn bureau_facing_ids(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    db_ids: &[i64],
) -> CoreResult<HashMap<i64, String>> {
    let mut found = HashMap::with_capacity(db_ids.len());
    for chunk in db_ids.chunks(500) {
        let rows: Vec<(i64, String, Option<String>)> = match kind {
            PostingKind::Need => {
                need::Entity::find()
                    .select_only()
                    .columns([
                        need::Column::Id,
                        need::Column::ExternalId,
                        need::Column::SourceKey,
                    ])
                    .filter(need::Column::Id.is_in(chunk.iter().copied()))
                    .into_tuple()
                    .all(conn)
                    .await?
            }
            PostingKind::Achievement => {
                achievement::Entity::find()
                    .select_only()
                    .columns([
                        achievement::Column::Id,
                        achievement::Column::ExternalId,
                        achievement::Column::SourceKey,
                    ])
                    .filter(achievement::Column::Id.is_in(chunk.iter().copied()))
                    .into_tuple()
                    .all(conn)
                    .await?
            }
        };
        for (id, public_id, key) in rows {
            let shown = ids::bureau_facing_id(key.as_deref(), &public_id).to_owned();
            found.insert(id, shown);
        }
    }
    Ok(found)
}

/// The public ids of every posting of a kind in a status, in the order of the ids: for
/// tools that drive the platform from outside (the load test). Not in the order they
/// were made, which would be a list's and would place its confidential needs.
///
/// # Errors
/// Fails on a database error.
pub async fn public_ids(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    status: Status,
) -> CoreResult<Vec<String>> {
    Ok(match kind {
        PostingKind::Need => {
            need::Entity::find()
                .select_only()
                .column(need::Column::ExternalId)
                .filter(need::Column::Status.eq(status.code()))
                .order_by_asc(need::Column::ExternalId)
                .into_tuple()
                .all(conn)
                .await?
        }
        PostingKind::Achievement => {
            achievement::Entity::find()
                .select_only()
                .column(achievement::Column::ExternalId)
                .filter(achievement::Column::Status.eq(status.code()))
                .order_by_asc(achievement::Column::ExternalId)
                .into_tuple()
                .all(conn)
                .await?
        }
    })
}

/// Finds one posting by its public id.
///
/// # Errors
/// `NotFound` when no posting of that kind has the id.
pub async fn view_by_external_id(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    external_id: &str,
) -> CoreResult<PostingView> {
    let views = match kind {
        PostingKind::Need => {
            let models = need::Entity::find()
                .filter(need::Column::ExternalId.eq(external_id))
                .all(conn)
                .await?;
            needs_to_views(conn, models).await?
        }
        PostingKind::Achievement => {
            let models = achievement::Entity::find()
                .filter(achievement::Column::ExternalId.eq(external_id))
                .all(conn)
                .await?;
            achievements_to_views(conn, models).await?
        }
    };
    views
        .into_iter()
        .next()
        .ok_or_else(|| not_found(kind, external_id))
}

/// How many postings of a kind are in a status (all statuses when `None`).
///
/// # Errors
/// Fails on a database error.
pub async fn count(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    status: Option<Status>,
) -> CoreResult<u64> {
    Ok(match kind {
        PostingKind::Need => {
            let mut q = need::Entity::find();
            if let Some(s) = status {
                q = q.filter(need::Column::Status.eq(s.code()));
            }
            q.count(conn).await?
        }
        PostingKind::Achievement => {
            let mut q = achievement::Entity::find();
            if let Some(s) = status {
                q = q.filter(achievement::Column::Status.eq(s.code()));
            }
            q.count(conn).await?
        }
    })
}

async fn needs_to_views(
    conn: &impl ConnectionTrait,
    models: Vec<need::Model>,
) -> CoreResult<Vec<PostingView>> {
    let labels = organisations::labels_by_id(conn, models.iter().filter_map(|m| m.org_id)).await?;
    Ok(models
        .iter()
        .map(|m| PostingView::from_need(m, m.org_id.and_then(|id| labels.get(&id))))
        .collect())
}

async fn achievements_to_views(
    conn: &impl ConnectionTrait,
    models: Vec<achievement::Model>,
) -> CoreResult<Vec<PostingView>> {
    let labels = organisations::labels_by_id(conn, models.iter().filter_map(|m| m.org_id)).await?;
    Ok(models
        .iter()
        .map(|m| PostingView::from_achievement(m, m.org_id.and_then(|id| labels.get(&id))))
        .collect())
}

/// Parses stored mode codes back into modes, for exports.
pub fn stored_coop_modes(stored: &str) -> Vec<CoopMode> {
    stored.split(',').filter_map(coop_from_code).collect()
}

/// Parses stored transfer mode codes back into modes, for exports.
pub fn stored_transfer_modes(stored: &str) -> Vec<TransferMode> {
    stored.split(',').filter_map(transfer_from_code).collect()
}
