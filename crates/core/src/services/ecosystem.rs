//! The industry innovation ecosystem map (产业创新生态云图): the industry clusters, the
//! enterprises with needs in them, the universities and institutes whose achievements
//! were matched to those needs, and how strong each link is (needs, proposed matches,
//! contacts, deals) over the dashboard's range and filters. A cluster with many needs
//! and few matching suppliers is a gap to recruit for (招才引智).

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ConnectionTrait, Statement, Value};
use serde::Serialize;

use crate::CoreResult;
use crate::services::statistics::{self, Filter, placeholders};

/// How many organisations of each side a cluster shows: the map must stay readable.
pub const ORGS_PER_CLUSTER: usize = 6;

/// A cluster counts as a gap when it has at least this many needs…
const GAP_MIN_NEEDS: i64 = 3;
/// …and fewer matched suppliers than one per this many needs.
const GAP_NEEDS_PER_SUPPLIER: i64 = 3;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterNode {
    pub name: String,
    /// Needs published in the range.
    pub needs: i64,
    /// Organisations whose achievements were proposed for its needs.
    pub suppliers: i64,
    pub matches: i64,
    pub deals: i64,
    /// Many needs, few suppliers: where to recruit.
    pub gap: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgNode {
    pub id: i64,
    pub name: String,
    pub kind: String,
    /// `demand` (an enterprise with needs) or `supply` (matched achievements).
    pub side: &'static str,
}

/// What ties an organisation to a cluster.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Ties {
    pub needs: i64,
    pub matches: i64,
    pub contacts: i64,
    pub deals: i64,
}

impl Ties {
    /// How thick the link is drawn: a deal outweighs contacts, which outweigh matches.
    pub fn weight(&self) -> i64 {
        self.needs + self.matches + 3 * self.contacts + 10 * self.deals
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub cluster: String,
    pub org_id: i64,
    pub side: &'static str,
    #[serde(flatten)]
    pub ties: Ties,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EcosystemMap {
    pub clusters: Vec<ClusterNode>,
    pub orgs: Vec<OrgNode>,
    pub links: Vec<Link>,
}

/// The filter's conditions on rows timed by `time`, whose cluster and region are in
/// `place` (`n` for a need's columns, `m` for a proposal's).
fn conditions_on(filter: &Filter, time: &str, place: Place, values: &mut Vec<Value>) -> String {
    let (start, end) = filter.instants();
    let mut conditions = vec![format!("{time} >= ? AND {time} < ?")];
    values.push(start.into());
    values.push(end.into());
    let (cluster_column, region_column) = match place {
        Place::Need => ("n.industry", "n.region_code"),
        Place::Proposal => ("m.cluster", "m.region_code"),
    };
    if let Some(cluster) = &filter.cluster {
        conditions.push(format!("{cluster_column} = ?"));
        values.push(cluster.clone().into());
    }
    if let Some(prefix) = filter.region_prefix() {
        conditions.push(format!("{region_column} LIKE ?"));
        values.push(format!("{prefix}%").into());
    }
    conditions.join(" AND ")
}

#[derive(Debug, Clone, Copy)]
enum Place {
    Need,
    Proposal,
}

/// (cluster, organisation, count) rows of one query.
async fn counted(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> CoreResult<Vec<(String, i64, i64)>> {
    let backend = conn.get_database_backend();
    let statement = Statement::from_sql_and_values(backend, placeholders(backend, sql), values);
    let mut rows = Vec::new();
    for row in conn.query_all_raw(statement).await? {
        rows.push((
            row.try_get_by_index(0)?,
            row.try_get_by_index(1)?,
            row.try_get_by_index(2)?,
        ));
    }
    Ok(rows)
}

/// The map of `filter`'s range. The organisation kind filter does not apply: the map
/// shows both sides.
///
/// # Errors
/// Database errors.
pub async fn map(conn: &impl ConnectionTrait, filter: &Filter) -> CoreResult<EcosystemMap> {
    let mut ties: BTreeMap<(String, &'static str, i64), Ties> = BTreeMap::new();
    // Enterprises: their needs published in the range, per cluster.
    let mut values = Vec::new();
    let conditions = conditions_on(filter, "n.published_at", Place::Need, &mut values);
    let sql = format!(
        "SELECT n.industry, n.org_id, COUNT(*) FROM needs n WHERE {conditions} \
         AND n.status <> 'withdrawn' AND n.industry IS NOT NULL AND n.org_id IS NOT NULL \
         GROUP BY n.industry, n.org_id"
    );
    for (cluster, org, n) in counted(conn, &sql, values).await? {
        ties.entry((cluster, "demand", org)).or_default().needs += n;
    }
    // Suppliers: proposed matches, contacts and deals, under the need's cluster.
    let mut values = Vec::new();
    let conditions = conditions_on(filter, "m.proposed_at", Place::Proposal, &mut values);
    let sql = format!(
        "SELECT m.cluster, a.org_id, COUNT(*) FROM match_proposals m \
         JOIN achievements a ON a.id = m.achievement_id \
         WHERE {conditions} AND m.cluster IS NOT NULL AND a.org_id IS NOT NULL \
         GROUP BY m.cluster, a.org_id"
    );
    for (cluster, org, n) in counted(conn, &sql, values).await? {
        ties.entry((cluster, "supply", org)).or_default().matches += n;
    }
    let counted_deals = format!(
        "deals d JOIN contacts c ON c.id = d.contact_id AND {}",
        statistics::COUNTED_DEAL.as_str()
    );
    for (time, from) in [
        ("c.created_at", "contacts c"),
        ("d.signed_at", counted_deals.as_str()),
    ] {
        for (side, org_column) in [("demand", "n.org_id"), ("supply", "a.org_id")] {
            let mut values = Vec::new();
            let conditions = conditions_on(filter, time, Place::Need, &mut values);
            let sql = format!(
                "SELECT n.industry, {org_column}, COUNT(*) FROM {from} \
                 JOIN needs n ON n.id = c.need_id JOIN achievements a ON a.id = c.achievement_id \
                 WHERE {conditions} AND n.industry IS NOT NULL AND {org_column} IS NOT NULL \
                 GROUP BY n.industry, {org_column}"
            );
            for (cluster, org, n) in counted(conn, &sql, values).await? {
                let entry = ties.entry((cluster, side, org)).or_default();
                if time == "c.created_at" {
                    entry.contacts += n;
                } else {
                    entry.deals += n;
                }
            }
        }
    }

    let mut clusters: BTreeMap<String, ClusterNode> = BTreeMap::new();
    for ((cluster, side, _), t) in &ties {
        let node = clusters
            .entry(cluster.clone())
            .or_insert_with(|| ClusterNode {
                name: cluster.clone(),
                needs: 0,
                suppliers: 0,
                matches: 0,
                deals: 0,
                gap: false,
            });
        if *side == "demand" {
            node.needs += t.needs;
            node.deals += t.deals;
        } else {
            node.matches += t.matches;
            if t.matches + t.contacts + t.deals > 0 {
                node.suppliers += 1;
            }
        }
    }
    for node in clusters.values_mut() {
        node.gap =
            node.needs >= GAP_MIN_NEEDS && node.suppliers * GAP_NEEDS_PER_SUPPLIER < node.needs;
    }

    // The strongest organisations of each side of each cluster.
    let mut per_cluster: HashMap<(String, &'static str), Vec<(i64, Ties)>> = HashMap::new();
    for ((cluster, side, org), t) in ties {
        per_cluster
            .entry((cluster, side))
            .or_default()
            .push((org, t));
    }
    let mut links = Vec::new();
    for ((cluster, side), mut orgs) in per_cluster {
        orgs.sort_by(|a, b| b.1.weight().cmp(&a.1.weight()).then(a.0.cmp(&b.0)));
        for (org_id, t) in orgs.into_iter().take(ORGS_PER_CLUSTER) {
            links.push(Link {
                cluster: cluster.clone(),
                org_id,
                side,
                ties: t,
            });
        }
    }
    links.sort_by(|a, b| {
        (a.cluster.as_str(), a.side, a.org_id).cmp(&(b.cluster.as_str(), b.side, b.org_id))
    });

    let mut ids: Vec<(i64, &'static str)> = links.iter().map(|l| (l.org_id, l.side)).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut orgs = Vec::new();
    if !ids.is_empty() {
        let backend = conn.get_database_backend();
        let mut unique: Vec<i64> = ids.iter().map(|(id, _)| *id).collect();
        unique.dedup();
        let marks = vec!["?"; unique.len()].join(", ");
        let sql = format!("SELECT id, name, kind FROM organisations WHERE id IN ({marks})");
        let values: Vec<Value> = unique.iter().map(|id| (*id).into()).collect();
        let statement =
            Statement::from_sql_and_values(backend, placeholders(backend, &sql), values);
        let mut found: HashMap<i64, (String, String)> = HashMap::new();
        for row in conn.query_all_raw(statement).await? {
            found.insert(
                row.try_get_by_index(0)?,
                (row.try_get_by_index(1)?, row.try_get_by_index(2)?),
            );
        }
        for (id, side) in ids {
            if let Some((name, kind)) = found.get(&id) {
                orgs.push(OrgNode {
                    id,
                    name: name.clone(),
                    kind: kind.clone(),
                    side,
                });
            }
        }
    }
    Ok(EcosystemMap {
        clusters: clusters.into_values().collect(),
        orgs,
        links,
    })
}
