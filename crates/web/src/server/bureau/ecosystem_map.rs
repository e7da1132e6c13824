//! The ecosystem map drawn as SVG on the server: enterprises with needs above, the
//! industry clusters in the middle, the universities and institutes whose achievements
//! were matched below; the thicker a line, the stronger the tie (needs, matches,
//! contacts, deals). A cluster in a gap (many needs, few suppliers) is outlined in red.
//! Every node is a link that narrows the dashboard to it: no script is needed.

use std::collections::HashMap;

use techmatch_core::services::ecosystem::{EcosystemMap, OrgNode};
use techmatch_core::t;

use techmatch_app::notices::escape;

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 600.0;
const MARGIN: f64 = 60.0;
const DEMAND_Y: f64 = 130.0;
const CLUSTER_Y: f64 = 300.0;
const SUPPLY_Y: f64 = 470.0;
/// Organisation names longer than this are cut on the map (the tooltip has them whole).
const LABEL_CHARS: usize = 8;

fn spread(count: usize, index: usize) -> f64 {
    if count <= 1 {
        return WIDTH / 2.0;
    }
    MARGIN + (WIDTH - 2.0 * MARGIN) * index as f64 / (count - 1) as f64
}

fn short(name: &str) -> String {
    if name.chars().count() <= LABEL_CHARS {
        name.to_owned()
    } else {
        let cut: String = name.chars().take(LABEL_CHARS).collect();
        format!("{cut}…")
    }
}

/// The map as SVG. `base` is the dashboard query without `cluster` and `org`, ending
/// in `&` or `?`, to which a node adds its own filter.
pub fn render(map: &EcosystemMap, base: &str) -> String {
    let cluster_x: HashMap<&str, f64> = map
        .clusters
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), spread(map.clusters.len(), i)))
        .collect();
    // Each organisation sits above or below the clusters it is tied to (the mean of
    // their places), which keeps lines short and crossings few.
    let place_of = |org: &OrgNode| -> f64 {
        let xs: Vec<f64> = map
            .links
            .iter()
            .filter(|l| l.org_id == org.id && l.side == org.side)
            .filter_map(|l| cluster_x.get(l.cluster.as_str()).copied())
            .collect();
        xs.iter().sum::<f64>() / xs.len().max(1) as f64
    };
    let mut positions: HashMap<(i64, &str), (f64, f64)> = HashMap::new();
    for (side, y) in [("demand", DEMAND_Y), ("supply", SUPPLY_Y)] {
        let mut orgs: Vec<(&OrgNode, f64)> = map
            .orgs
            .iter()
            .filter(|o| o.side == side)
            .map(|o| (o, place_of(o)))
            .collect();
        orgs.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.id.cmp(&b.0.id)));
        let count = orgs.len();
        for (i, (org, _)) in orgs.into_iter().enumerate() {
            positions.insert((org.id, org.side), (spread(count, i), y));
        }
    }
    let max_weight = map
        .links
        .iter()
        .map(|l| l.ties.weight())
        .max()
        .unwrap_or(1)
        .max(1);
    let max_needs = map
        .clusters
        .iter()
        .map(|c| c.needs)
        .max()
        .unwrap_or(1)
        .max(1);
    let title = t!("eco-title");
    let mut svg = format!(
        "<svg class=\"chart ecosystem\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{title}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title>{title}</title>\
         <text class=\"legend\" x=\"8\" y=\"20\">{demand}</text>\
         <text class=\"legend\" x=\"8\" y=\"{cy}\">{clusters}</text>\
         <text class=\"legend\" x=\"8\" y=\"{sy}\">{supply}</text>",
        title = escape(&title),
        demand = escape(&t!("eco-demand")),
        clusters = escape(&t!("eco-clusters")),
        supply = escape(&t!("eco-supply")),
        cy = CLUSTER_Y - 50.0,
        sy = HEIGHT - 10.0,
    );
    for link in &map.links {
        let (Some(&(x1, y1)), Some(&x2)) = (
            positions.get(&(link.org_id, link.side)),
            cluster_x.get(link.cluster.as_str()),
        ) else {
            continue;
        };
        let width = 1.0 + 7.0 * link.ties.weight() as f64 / max_weight as f64;
        svg.push_str(&format!(
            "<line class=\"tie {side}\" x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{CLUSTER_Y}\" stroke-width=\"{width:.1}\"><title>{text}</title></line>",
            side = link.side,
            text = escape(&t!(
                "eco-tie",
                needs = link.ties.needs,
                matches = link.ties.matches,
                contacts = link.ties.contacts,
                deals = link.ties.deals
            )),
        ));
    }
    for cluster in &map.clusters {
        let Some(&x) = cluster_x.get(cluster.name.as_str()) else {
            continue;
        };
        let r = 10.0 + 18.0 * (cluster.needs as f64 / max_needs as f64).sqrt();
        let class = if cluster.gap {
            "cluster gap"
        } else {
            "cluster"
        };
        let tooltip = t!(
            "eco-cluster-tip",
            name = cluster.name.as_str(),
            needs = cluster.needs,
            suppliers = cluster.suppliers,
            matches = cluster.matches,
            deals = cluster.deals
        );
        let gap_mark = if cluster.gap {
            format!(
                "<text class=\"gap-label\" x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\">{}</text>",
                escape(&t!("eco-gap")),
                y = CLUSTER_Y + r + 30.0
            )
        } else {
            String::new()
        };
        svg.push_str(&format!(
            "<a href=\"{href}\" data-cluster=\"{name}\"><circle class=\"{class}\" cx=\"{x:.1}\" cy=\"{CLUSTER_Y}\" r=\"{r:.1}\"><title>{tip}</title></circle>\
             <text class=\"node-label\" x=\"{x:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\">{name}</text>{gap_mark}</a>",
            href = escape(&format!("{base}cluster={}", url_encode(&cluster.name))),
            name = escape(&cluster.name),
            tip = escape(&tooltip),
            ly = CLUSTER_Y + r + 14.0,
        ));
    }
    for org in &map.orgs {
        let Some(&(x, y)) = positions.get(&(org.id, org.side)) else {
            continue;
        };
        let (angle, dy) = if org.side == "demand" {
            (-35, -10.0)
        } else {
            (35, 14.0)
        };
        svg.push_str(&format!(
            "<a href=\"{href}\" data-org=\"{id}\"><circle class=\"org {side}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"6\"><title>{name}</title></circle>\
             <text class=\"node-label\" transform=\"translate({x:.1} {ty:.1}) rotate({angle})\">{label}</text></a>",
            href = escape(&format!("{base}org={}", org.id)),
            id = org.id,
            side = org.side,
            name = escape(&org.name),
            label = escape(&short(&org.name)),
            ty = y + dy,
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Percent-encodes a query value.
pub fn url_encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}
