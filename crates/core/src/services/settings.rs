//! Settings the bureau administrator changes while the platform runs: the industry
//! catalogue postings are filed under, whether organisations may register themselves,
//! and the yearly technology-transaction target the bureau reports against.
//!
//! Each setting is one row of JSON in `settings`, so every node of a deployment reads
//! the same values from the database; a missing row means the built-in default.

use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::{Deserialize, Serialize};

use crate::accounts::Role;
use crate::domain::{Industry, IndustryCatalogue, Wan};
use crate::entities::{achievement, need, setting};
use crate::posting::PostingKind;
use crate::services::users::User;
use crate::services::{audit, changes};
use crate::{CoreError, CoreResult, t};

const INDUSTRIES: &str = "industries";
const REGISTRATION_OPEN: &str = "registration_open";
const YEARLY_TARGET_YUAN: &str = "yearly_target_yuan";
const PUBLIC_FIGURES: &str = "public_figures";

/// The figures the public statistics page may show, by their code in
/// `services::statistics::Counts`.
pub const PUBLISHABLE_FIGURES: [&str; 8] = [
    "needs_published",
    "achievements_published",
    "matches_proposed",
    "contact_requests",
    "contacts_accepted",
    "deals_signed",
    "contract_amount_yuan",
    "technology_amount_yuan",
];

/// What the public page shows until the bureau chooses: activity, not money.
const DEFAULT_PUBLIC_FIGURES: [&str; 3] = [
    "needs_published",
    "achievements_published",
    "contacts_accepted",
];

/// The yearly 技术交易额 target when the bureau has not set one: 2,000 万元.
const DEFAULT_YEARLY_TARGET_YUAN: i64 = 20_000_000;

/// All settings with their current values.
#[derive(Debug, Clone)]
pub struct Settings {
    pub industries: Vec<Industry>,
    pub registration_open: bool,
    pub yearly_target: Wan,
    /// The figures the public statistics page shows, in [`PUBLISHABLE_FIGURES`] order.
    pub public_figures: Vec<String>,
}

/// What the administrator submits; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct SettingsChange {
    pub industries: Option<Vec<Industry>>,
    pub registration_open: Option<bool>,
    pub yearly_target: Option<Wan>,
    pub public_figures: Option<Vec<String>>,
}

async fn stored<T: for<'de> Deserialize<'de>>(
    conn: &impl ConnectionTrait,
    key: &str,
) -> CoreResult<Option<T>> {
    let Some(row) = setting::Entity::find_by_id(key).one(conn).await? else {
        return Ok(None);
    };
    serde_json::from_str(&row.value)
        .map(Some)
        .map_err(|e| CoreError::Internal(format!("setting {key} does not parse: {e}")))
}

async fn store(
    conn: &impl ConnectionTrait,
    key: &str,
    value: &impl Serialize,
    by: i64,
) -> CoreResult<()> {
    let value = serde_json::to_string(value)
        .map_err(|e| CoreError::Internal(format!("setting {key} does not serialise: {e}")))?;
    let row = setting::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value),
        updated_by: Set(Some(by)),
        updated_at: Set(Utc::now()),
    };
    // One statement, so two first saves at once cannot both try to insert.
    setting::Entity::insert(row)
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .update_columns([
                    setting::Column::Value,
                    setting::Column::UpdatedBy,
                    setting::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(conn)
        .await?;
    Ok(())
}

/// The industry catalogue in force: the administrator's, else `fallback` (the
/// deployment's `industries.json` or the built-in one).
///
/// # Errors
/// Database errors, or a stored catalogue that no longer validates.
pub async fn industries(
    conn: &impl ConnectionTrait,
    fallback: &IndustryCatalogue,
) -> CoreResult<IndustryCatalogue> {
    match stored::<Vec<Industry>>(conn, INDUSTRIES).await? {
        Some(entries) => IndustryCatalogue::new(entries),
        None => Ok(fallback.clone()),
    }
}

/// Every setting's current value.
///
/// # Errors
/// Database errors.
pub async fn current(
    conn: &impl ConnectionTrait,
    fallback_industries: &IndustryCatalogue,
) -> CoreResult<Settings> {
    let yearly_target_yuan = stored::<i64>(conn, YEARLY_TARGET_YUAN)
        .await?
        .unwrap_or(DEFAULT_YEARLY_TARGET_YUAN);
    Ok(Settings {
        industries: industries(conn, fallback_industries).await?.all().to_vec(),
        registration_open: stored(conn, REGISTRATION_OPEN).await?.unwrap_or(true),
        yearly_target: Wan::from_yuan(yearly_target_yuan)?,
        public_figures: stored::<Vec<String>>(conn, PUBLIC_FIGURES)
            .await?
            .unwrap_or_else(|| DEFAULT_PUBLIC_FIGURES.map(str::to_owned).to_vec()),
    })
}

/// Whether enterprises and researchers may register themselves.
///
/// # Errors
/// Database errors.
pub async fn registration_open(conn: &impl ConnectionTrait) -> CoreResult<bool> {
    Ok(stored(conn, REGISTRATION_OPEN).await?.unwrap_or(true))
}

/// How many needs and achievements are filed under the industry named `name`.
async fn postings_filed_under(conn: &impl ConnectionTrait, name: &str) -> CoreResult<u64> {
    use sea_orm::PaginatorTrait;
    let needs = need::Entity::find()
        .filter(need::Column::Industry.eq(name))
        .count(conn)
        .await?;
    let achievements = achievement::Entity::find()
        .filter(achievement::Column::Field.eq(name))
        .count(conn)
        .await?;
    Ok(needs + achievements)
}

/// Files every posting under an industry that the new catalogue knows only as an alias
/// under its new canonical name, so that filters, facets and matching see one industry.
async fn rename_filed_industries(
    conn: &impl ConnectionTrait,
    old: &IndustryCatalogue,
    new: &IndustryCatalogue,
) -> CoreResult<()> {
    for industry in old.all() {
        let Ok(renamed) = new.resolve(&industry.name) else {
            continue;
        };
        if renamed.name == industry.name {
            continue;
        }
        let needs: Vec<i64> = need::Entity::find()
            .select_only()
            .column(need::Column::Id)
            .filter(need::Column::Industry.eq(industry.name.as_str()))
            .into_tuple()
            .all(conn)
            .await?;
        need::Entity::update_many()
            .col_expr(need::Column::Industry, Expr::value(renamed.name.clone()))
            .filter(need::Column::Industry.eq(industry.name.as_str()))
            .exec(conn)
            .await?;
        changes::record_many(conn, PostingKind::Need, &needs).await?;
        let achievements: Vec<i64> = achievement::Entity::find()
            .select_only()
            .column(achievement::Column::Id)
            .filter(achievement::Column::Field.eq(industry.name.as_str()))
            .into_tuple()
            .all(conn)
            .await?;
        achievement::Entity::update_many()
            .col_expr(
                achievement::Column::Field,
                Expr::value(renamed.name.clone()),
            )
            .filter(achievement::Column::Field.eq(industry.name.as_str()))
            .exec(conn)
            .await?;
        changes::record_many(conn, PostingKind::Achievement, &achievements).await?;
    }
    Ok(())
}

/// The administrator changes settings. Everything is checked before anything is
/// written, and every change lands in the audit log.
///
/// # Errors
/// `Forbidden` unless `actor` is a bureau administrator; `Invalid` for an ambiguous
/// catalogue, a negative target, or a catalogue that drops an industry postings are
/// still filed under (keep its name, or make it an alias of the industry that
/// replaces it).
pub async fn change(
    conn: &impl ConnectionTrait,
    actor: &User,
    fallback_industries: &IndustryCatalogue,
    change: &SettingsChange,
) -> CoreResult<Settings> {
    if actor.role != Role::Admin {
        return Err(CoreError::Forbidden(t!("settings-admin-only")));
    }
    let old = industries(conn, fallback_industries).await?;
    let new = match &change.industries {
        Some(entries) => Some(IndustryCatalogue::new(entries.clone())?),
        None => None,
    };
    if let Some(new) = &new {
        for dropped in old.all().iter().filter(|i| new.resolve(&i.name).is_err()) {
            let in_use = postings_filed_under(conn, &dropped.name).await?;
            if in_use > 0 {
                return Err(CoreError::invalid(
                    "industries",
                    t!(
                        "settings-industry-in-use",
                        name = dropped.name.as_str(),
                        count = in_use
                    ),
                ));
            }
        }
    }
    if change.yearly_target.is_some_and(|w| w.yuan() < 0) {
        return Err(CoreError::invalid(
            "yearly_target",
            t!("settings-target-negative"),
        ));
    }
    let public_figures = match &change.public_figures {
        Some(codes) => {
            if let Some(unknown) = codes
                .iter()
                .find(|c| !PUBLISHABLE_FIGURES.contains(&c.as_str()))
            {
                return Err(CoreError::invalid(
                    "public_figures",
                    t!("settings-unknown-figure", code = unknown.as_str()),
                ));
            }
            // In the catalogue's order, each once.
            Some(
                PUBLISHABLE_FIGURES
                    .iter()
                    .filter(|f| codes.iter().any(|c| c == *f))
                    .map(|f| (*f).to_owned())
                    .collect::<Vec<_>>(),
            )
        }
        None => None,
    };
    let mut changed = Vec::new();
    if let Some(figures) = &public_figures {
        store(conn, PUBLIC_FIGURES, figures, actor.id).await?;
        changed.push(PUBLIC_FIGURES);
    }
    if let (Some(entries), Some(new)) = (&change.industries, &new) {
        store(conn, INDUSTRIES, entries, actor.id).await?;
        rename_filed_industries(conn, &old, new).await?;
        changed.push(INDUSTRIES);
    }
    if let Some(open) = change.registration_open {
        store(conn, REGISTRATION_OPEN, &open, actor.id).await?;
        changed.push(REGISTRATION_OPEN);
    }
    if let Some(target) = change.yearly_target {
        store(conn, YEARLY_TARGET_YUAN, &target.yuan(), actor.id).await?;
        changed.push(YEARLY_TARGET_YUAN);
    }
    if !changed.is_empty() {
        let detail = changed.join(",");
        audit::record(
            conn,
            audit::Record {
                actor_user_id: Some(actor.id),
                action: "settings.change",
                entity: "settings",
                entity_id: 0,
                detail: Some(&detail),
                ..Default::default()
            },
        )
        .await?;
    }
    current(conn, fallback_industries).await
}

/// Parses the catalogue as the settings page shows it: one industry per line,
/// `code | name | alias, alias`.
///
/// # Errors
/// `Invalid` naming the line that lacks a code or a name.
pub fn parse_industry_lines(text: &str) -> CoreResult<Vec<Industry>> {
    let mut industries = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        // Full-width ｜ and the Chinese list separators are what a Chinese keyboard types.
        let mut parts = line.split(['|', '\u{FF5C}']).map(str::trim);
        let (code, name) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        if code.is_empty() || name.is_empty() {
            return Err(CoreError::invalid(
                "industries",
                t!("settings-industry-line", line = number + 1),
            ));
        }
        let aliases = parts
            .next()
            .unwrap_or("")
            .split([',', '\u{FF0C}', '\u{3001}'])
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect();
        industries.push(Industry {
            code: code.to_owned(),
            name: name.to_owned(),
            aliases,
        });
    }
    Ok(industries)
}

/// The catalogue in the line format of [`parse_industry_lines`].
pub fn industry_lines(industries: &[Industry]) -> String {
    industries
        .iter()
        .map(|i| format!("{} | {} | {}", i.code, i.name, i.aliases.join(", ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A position the platform keeps for itself, such as how far a follower has read a log;
/// stored with the settings so that every node shares it.
///
/// # Errors
/// Database errors.
pub async fn cursor(conn: &impl ConnectionTrait, name: &str) -> CoreResult<Option<i64>> {
    stored(conn, &format!("cursor.{name}")).await
}

/// Moves a cursor forward (never back: two nodes may race, the further one wins).
///
/// # Errors
/// Database errors.
pub async fn advance_cursor(
    conn: &impl ConnectionTrait,
    name: &str,
    value: i64,
    now: chrono::DateTime<Utc>,
) -> CoreResult<()> {
    if cursor(conn, name)
        .await?
        .is_some_and(|current| current >= value)
    {
        return Ok(());
    }
    let row = setting::ActiveModel {
        key: Set(format!("cursor.{name}")),
        value: Set(value.to_string()),
        updated_by: Set(None),
        updated_at: Set(now),
    };
    setting::Entity::insert(row)
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .update_columns([setting::Column::Value, setting::Column::UpdatedAt])
                .to_owned(),
        )
        .exec(conn)
        .await?;
    Ok(())
}

/// A secret the platform keeps for itself, such as the key that signs unsubscribe
/// links: 32 random bytes in hex, created on first use and the same on every node
/// afterwards (the first insert wins; a racing one does nothing).
///
/// # Errors
/// Database errors.
pub async fn secret(
    conn: &impl ConnectionTrait,
    name: &str,
    now: chrono::DateTime<Utc>,
) -> CoreResult<String> {
    use rand::RngCore;
    let key = format!("secret.{name}");
    if let Some(value) = stored::<String>(conn, &key).await? {
        return Ok(value);
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let fresh: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let row = setting::ActiveModel {
        key: Set(key.clone()),
        value: Set(serde_json::Value::String(fresh).to_string()),
        updated_by: Set(None),
        updated_at: Set(now),
    };
    setting::Entity::insert(row)
        .on_conflict(
            OnConflict::column(setting::Column::Key)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    stored::<String>(conn, &key)
        .await?
        .ok_or_else(|| CoreError::Internal(format!("secret {name} was not stored")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn industry_lines_round_trip() {
        let catalogue = IndustryCatalogue::default();
        let text = industry_lines(catalogue.all());
        let parsed = parse_industry_lines(&text).unwrap();
        assert_eq!(parsed, catalogue.all());
    }

    #[test]
    fn a_line_without_a_name_is_refused_by_number() {
        let error = parse_industry_lines("c-1 | 煤层气\n\nc-2 |  | 别名").unwrap_err();
        assert!(error.to_string().contains('3'), "{error}");
    }
}
