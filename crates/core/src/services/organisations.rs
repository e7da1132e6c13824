//! Organisations: the registry the bureau keeps (list imports, verification), the
//! provisional organisations that self-registration creates, and the conflicts between
//! the two that the bureau resolves by merging.
//!
//! Identity is the bureau's to give. Anyone can type a company's name or USCC into a
//! registration form, so a self-registered organisation is provisional until the bureau
//! verifies it: it holds no claim on the name or code it was registered under, imports
//! never attach rows to it, and user input never writes a code onto an existing
//! organisation.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select, Set,
};

use crate::domain::{Uscc, check_org_name, identity_key};
use crate::entities::organisation;
use crate::posting::{OrgKind, OrgLabel, OrgRef, PostingKind};
use crate::{CoreError, CoreResult, t};

mod merge;
pub use merge::{MergeOutcome, hold_against_merge, merge};

/// How many times smaller a provisional organisation's allowances are (attachment
/// storage, draft calls) than a registry organisation's. Every confirmed mailbox can
/// register a provisional organisation of its own, so full allowances for each would
/// let one person multiply them; the bureau's verification restores the full share.
pub const PROVISIONAL_ALLOWANCE_DIVISOR: u64 = 10;

/// What an organisation may hold of something a registry organisation may hold `full`
/// of: a provisional one gets a tenth, and at least one.
pub fn allowance(full: u64, provisional: bool) -> u64 {
    if provisional {
        (full / PROVISIONAL_ALLOWANCE_DIVISOR).max(1)
    } else {
        full
    }
}

/// Organisations of the bureau's registry: everything but provisional ones.
fn registry() -> Select<organisation::Entity> {
    organisation::Entity::find().filter(organisation::Column::Provisional.eq(false))
}

/// Finds the registry organisation a row of the bureau's list refers to, creating it
/// (unverified) when unknown. Provisional organisations are never matched: a stranger
/// who registered under a company's name first must not receive the company's postings.
///
/// A USCC identifies an organisation better than its name, so it is tried first. A code
/// that fails the GB 32100 check is only usable once the bureau has accepted it.
///
/// # Errors
/// `Invalid` when the row contradicts what is registered; database errors otherwise.
pub async fn resolve(conn: &impl ConnectionTrait, org: &OrgRef) -> CoreResult<i64> {
    if let Some(uscc) = &org.uscc {
        let by_code = registry()
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
    let by_name = registry()
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
                // The bureau's own list completes its registry entry.
                let id = found.id;
                let mut active: organisation::ActiveModel = found.into();
                active.uscc = Set(Some(uscc.as_str().to_owned()));
                active.update(conn).await?;
                Ok(id)
            }
        },
        (None, uscc) => insert(conn, org, uscc.as_ref(), false).await,
    }
}

/// The organisations one batch of the bureau's list may keep its existing postings
/// with, read in two queries however many rows the batch has: the postings' own
/// organisations, and the registry organisations its rows name (by name or USCC).
#[derive(Debug, Default)]
pub struct BatchOrgs {
    own: std::collections::HashMap<i64, organisation::Model>,
    registry: Vec<organisation::Model>,
}

/// Reads the organisations `own` (the existing postings' organisations) and the registry
/// organisations the rows' references `named` may resolve to.
///
/// # Errors
/// Database errors.
pub async fn for_batch(
    conn: &impl ConnectionTrait,
    own: &[i64],
    named: &[&OrgRef],
) -> CoreResult<BatchOrgs> {
    let own = if own.is_empty() {
        std::collections::HashMap::new()
    } else {
        organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(own.iter().copied()))
            .all(conn)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect()
    };
    let names: Vec<&str> = named.iter().map(|o| o.name.as_str()).collect();
    let codes: Vec<&str> = named
        .iter()
        .filter_map(|o| o.uscc.as_ref().map(Uscc::as_str))
        .collect();
    let registry = if names.is_empty() {
        Vec::new()
    } else {
        registry()
            .filter(
                sea_orm::Condition::any()
                    .add(organisation::Column::Name.is_in(names))
                    .add(organisation::Column::Uscc.is_in(codes)),
            )
            .all(conn)
            .await?
    };
    Ok(BatchOrgs { own, registry })
}

impl BatchOrgs {
    /// Notes the organisation a row of this batch resolved to, which the row may have
    /// just created: the later rows' checks must see it as the next batch would, or a
    /// row naming a provisional organisation's posting and that name would keep it
    /// there beside the registry organisation made a row earlier.
    ///
    /// # Errors
    /// Database errors.
    pub async fn note_resolved(&mut self, conn: &impl ConnectionTrait, id: i64) -> CoreResult<()> {
        if self.registry.iter().any(|o| o.id == id) {
            return Ok(());
        }
        if let Some(found) = registry()
            .filter(organisation::Column::Id.eq(id))
            .one(conn)
            .await?
        {
            self.registry.push(found);
        }
        Ok(())
    }

    /// The registry organisation [`resolve`] would find for `org`, without making one.
    fn registry_match(&self, org: &OrgRef) -> Option<&organisation::Model> {
        let by_code = org.uscc.as_ref().and_then(|uscc| {
            self.registry
                .iter()
                .find(|o| o.uscc.as_deref() == Some(uscc.as_str()))
        });
        by_code.or_else(|| self.registry.iter().find(|o| o.name == org.name))
    }

    /// Where a row of the bureau's list keeps an existing posting of organisation
    /// `current`: there, when the row describes it as it is (the same name, and its USCC
    /// or none) and names no other existing organisation, so that the bureau's export
    /// of a provisional organisation's posting re-imports in place, where [`resolve`]
    /// would find or make a registry organisation of that name and refuse the row as a
    /// move. `None` when the row does not describe it (the row is resolved as usual).
    ///
    /// # Errors
    /// `Invalid` when the row describes `current` and also names another existing
    /// organisation (a provisional one squatting a registry name, say): a public id
    /// pasted into the wrong row would then write onto the squatter's posting. The
    /// bureau merges the two first.
    pub fn keeps(&self, current: i64, org: &OrgRef) -> CoreResult<Option<i64>> {
        let Some(found) = self.own.get(&current) else {
            return Ok(None);
        };
        let same_code = match &org.uscc {
            None => true,
            Some(uscc) => found.uscc.as_deref() == Some(uscc.as_str()),
        };
        if found.name != org.name || !same_code {
            return Ok(None);
        }
        match self.registry_match(org) {
            Some(other) if other.id != current => Err(CoreError::invalid(
                "org_name",
                t!("import-org-ambiguous", name = org.name.as_str()),
            )),
            _ => Ok(Some(current)),
        }
    }
}

async fn insert(
    conn: &impl ConnectionTrait,
    org: &OrgRef,
    uscc: Option<&Uscc>,
    provisional: bool,
) -> CoreResult<i64> {
    check_org_name(&org.name)?;
    let created = organisation::ActiveModel {
        kind: Set(org.kind.code().to_owned()),
        name: Set(org.name.clone()),
        uscc: Set(uscc.map(|u| u.as_str().to_owned())),
        verified: Set(false),
        provisional: Set(provisional),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(created.id)
}

/// Where a self-registration lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registration {
    /// A registry organisation: the registrant joins it unconfirmed, until the bureau
    /// confirms them.
    Existing(i64),
    /// A new provisional organisation, which the registrant runs until the bureau
    /// verifies it or merges it into the registry.
    Provisional(i64),
}

/// Places a self-registration: joins the registry organisation it names, or creates a
/// provisional one. Never joins someone else's provisional organisation: the real staff
/// of a company a stranger claimed first would land in the stranger's hands; a second
/// claim is a conflict for the bureau instead. Changes nothing about an existing
/// organisation.
///
/// # Errors
/// Database errors.
pub async fn register(conn: &impl ConnectionTrait, org: &OrgRef) -> CoreResult<Registration> {
    if let Some(uscc) = &org.uscc
        && let Some(found) = registry()
            .filter(organisation::Column::Uscc.eq(uscc.as_str()))
            .one(conn)
            .await?
    {
        return Ok(Registration::Existing(found.id));
    }
    if let Some(found) = registry()
        .filter(organisation::Column::Name.eq(org.name.as_str()))
        .one(conn)
        .await?
    {
        return Ok(Registration::Existing(found.id));
    }
    let id = insert(conn, org, org.uscc.as_ref(), true).await?;
    Ok(Registration::Provisional(id))
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
    let holder = registry()
        .filter(organisation::Column::Uscc.eq(uscc.as_str()))
        .one(conn)
        .await?;
    if let Some(holder) = &holder
        && holder.name != name
    {
        let reason = t!("org-uscc-taken", uscc = uscc.as_str(), name = &holder.name);
        return Err(CoreError::invalid("org_uscc", reason));
    }
    let existing = registry()
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
    Ok(labels_by_id(conn, ids)
        .await?
        .into_iter()
        .map(|(id, label)| (id, label.name))
        .collect())
}

/// An organisation as the bureau's verification list shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OrgSummary {
    pub id: i64,
    pub name: String,
    pub kind: OrgKind,
    pub uscc: Option<String>,
    /// Why the registered code fails the GB 32100 check, when it does.
    pub uscc_check_failure: Option<String>,
    pub verified: bool,
    /// Self-registered and not yet verified (see the module's documentation).
    pub provisional: bool,
}

impl From<organisation::Model> for OrgSummary {
    fn from(m: organisation::Model) -> OrgSummary {
        OrgSummary {
            kind: OrgKind::parse(&m.kind).unwrap_or(OrgKind::Enterprise),
            id: m.id,
            name: m.name,
            uscc: m.uscc,
            uscc_check_failure: m.uscc_check_failure,
            verified: m.verified,
            provisional: m.provisional,
        }
    }
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
        .map(OrgSummary::from)
        .collect();
    all.sort_by_key(|o| o.verified);
    Ok(all)
}

/// The bureau verifies an organisation against its USCC. A code that passes the
/// GB 32100 check verifies it; a failing code only with an explicit acceptance reason,
/// which is recorded with who accepted it. A provisional organisation joins the registry
/// this way, unless the registry already holds its name or code: then it is a duplicate
/// for the bureau to merge.
///
/// # Errors
/// `Invalid` for a malformed code, or a failing one without a reason; `Conflict` when
/// the code or (for a provisional organisation) the name belongs to another registry
/// organisation; `NotFound` for an unknown id.
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
    let holder = registry()
        .filter(organisation::Column::Uscc.eq(uscc.as_str()))
        .filter(organisation::Column::Id.ne(id))
        .one(conn)
        .await?;
    if let Some(holder) = holder {
        let reason = t!("org-uscc-taken", uscc = uscc.as_str(), name = &holder.name);
        return Err(CoreError::Conflict(reason));
    }
    if found.provisional {
        // As a reader sees names (see `conflicts`); verification is rare, so one pass
        // over the registry is fine.
        let key = identity_key(&found.name);
        let holder = registry()
            .all(conn)
            .await?
            .into_iter()
            .find(|o| identity_key(&o.name) == key);
        if let Some(holder) = holder {
            let reason = t!("org-name-taken", name = &holder.name, id = holder.id);
            return Err(CoreError::Conflict(reason));
        }
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
    active.provisional = Set(false);
    active.update(conn).await?;
    // Every node's index shows the 已核验 mark beside the organisation's postings.
    for kind in [PostingKind::Need, PostingKind::Achievement] {
        let ids = postings_of(conn, kind, id).await?;
        crate::services::changes::record_many(conn, kind, &ids).await?;
    }
    Ok(())
}

/// The ids of an organisation's postings of one kind.
async fn postings_of(
    conn: &impl ConnectionTrait,
    kind: PostingKind,
    org_id: i64,
) -> CoreResult<Vec<i64>> {
    use crate::entities::{achievement, need};
    use sea_orm::QuerySelect;
    Ok(match kind {
        PostingKind::Need => {
            need::Entity::find()
                .select_only()
                .column(need::Column::Id)
                .filter(need::Column::OrgId.eq(org_id))
                .into_tuple()
                .all(conn)
                .await?
        }
        PostingKind::Achievement => {
            achievement::Entity::find()
                .select_only()
                .column(achievement::Column::Id)
                .filter(achievement::Column::OrgId.eq(org_id))
                .into_tuple()
                .all(conn)
                .await?
        }
    })
}

/// A provisional organisation that claims what another organisation holds: the same
/// USCC or the same name. The bureau verifies the genuine one and merges the other.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Conflict {
    pub provisional: OrgSummary,
    pub other: OrgSummary,
    /// `uscc` or `name`: what the two share.
    pub shared: &'static str,
}

/// Every conflict, oldest provisional organisation first. Names are compared as a reader
/// sees them ([`identity_key`]): full-width brackets or a space make no new company.
///
/// # Errors
/// Database errors.
pub async fn conflicts(conn: &impl ConnectionTrait) -> CoreResult<Vec<Conflict>> {
    Ok(conflicts_among(&list(conn).await?))
}

/// The conflicts among organisations already read (see [`conflicts`]): the bureau's page
/// lists the register and its conflicts from one read.
pub fn conflicts_among(orgs: &[OrgSummary]) -> Vec<Conflict> {
    use std::collections::HashMap;
    let mut by_id: Vec<&OrgSummary> = orgs.iter().collect();
    by_id.sort_by_key(|o| o.id);
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_uscc: HashMap<&str, Vec<usize>> = HashMap::new();
    for (at, org) in by_id.iter().enumerate() {
        by_name.entry(identity_key(&org.name)).or_default().push(at);
        if let Some(uscc) = &org.uscc {
            by_uscc.entry(uscc.as_str()).or_default().push(at);
        }
    }
    let mut found = Vec::new();
    for claimant in by_id.iter().filter(|o| o.provisional) {
        let same_code = claimant
            .uscc
            .as_deref()
            .and_then(|u| by_uscc.get(u))
            .map_or(&[][..], Vec::as_slice);
        let same_name = by_name
            .get(&identity_key(&claimant.name))
            .map_or(&[][..], Vec::as_slice);
        let mut others: Vec<usize> = same_code.iter().chain(same_name).copied().collect();
        others.sort_unstable();
        others.dedup();
        for other in others.into_iter().map(|at| by_id[at]) {
            // Two provisional claimants of one company are one conflict, listed once.
            if other.id == claimant.id || (other.provisional && other.id < claimant.id) {
                continue;
            }
            let shared = if claimant.uscc.is_some() && other.uscc == claimant.uscc {
                "uscc"
            } else {
                "name"
            };
            found.push(Conflict {
                provisional: (*claimant).clone(),
                other: other.clone(),
                shared,
            });
        }
    }
    found
}

/// The name and 已核验 mark of each organisation, for showing beside its postings.
///
/// # Errors
/// Database errors.
pub async fn labels_by_id(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> CoreResult<std::collections::HashMap<i64, OrgLabel>> {
    let ids: Vec<i64> = ids.into_iter().collect();
    let mut labels = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        let found = organisation::Entity::find()
            .filter(organisation::Column::Id.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        labels.extend(found.into_iter().map(|o| {
            let label = OrgLabel {
                name: o.name,
                verified: o.verified,
            };
            (o.id, label)
        }));
    }
    Ok(labels)
}
