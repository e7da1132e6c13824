//! `techmatch bench --dashboard`: how fast the bureau's dashboard is computed on a large
//! platform. A synthetic history (needs and achievements over two years in every
//! cluster and region, proposed matches, contacts, acceptances, deals, challenges with
//! bids) is written straight into a fresh database, then the dashboard's queries run as
//! its handler runs them: the year unfiltered, one cluster, one region, one kind of
//! organisation.

use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveValue::NotSet, ConnectionTrait, EntityTrait, Set, TransactionTrait};
use techmatch_core::db;
use techmatch_core::domain::IndustryCatalogue;
use techmatch_core::entities::{
    achievement, audit, bid, challenge, contact, deal, match_proposal, need, organisation,
};
use techmatch_core::posting::OrgKind;
use techmatch_core::services::statistics::{self, Filter};
use techmatch_core::services::{outbox, settings};

use super::bench::percentile;

/// Rows per multi-row INSERT: well under SQLite's limit on bound values.
const CHUNK: usize = 500;

/// Region codes the synthetic organisations are spread over.
const REGIONS: [&str; 6] = ["140721", "140702", "140100", "110000", "610000", "320000"];

fn moment(rng: &mut StdRng, start: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    start + Duration::seconds(rng.random_range(0..days * 86_400))
}

async fn insert_chunks<E, A>(conn: &impl ConnectionTrait, rows: Vec<A>) -> anyhow::Result<()>
where
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        E::insert_many(chunk).exec_without_returning(conn).await?;
    }
    Ok(())
}

/// Writes the synthetic history. Returns the clusters used.
async fn generate(
    conn: &sea_orm::DatabaseConnection,
    postings: usize,
    deals: usize,
    seed: u64,
) -> anyhow::Result<Vec<String>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let clusters: Vec<String> = IndustryCatalogue::default()
        .all()
        .iter()
        .map(|i| i.name.clone())
        .collect();
    let start = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let days = 700;
    let txn = conn.begin().await?;
    let kinds = [OrgKind::Enterprise, OrgKind::University, OrgKind::Institute];
    let orgs: Vec<organisation::ActiveModel> = (0..300)
        .map(|i| organisation::ActiveModel {
            id: NotSet,
            kind: Set(kinds[i % 3].code().to_owned()),
            name: Set(format!("bench-org-{i}")),
            uscc: Set(None),
            uscc_check_failure: Set(None),
            uscc_accepted_by: Set(None),
            uscc_accepted_reason: Set(None),
            uscc_accepted_at: Set(None),
            region_code: Set(Some(REGIONS[i % REGIONS.len()].to_owned())),
            region_name: Set(None),
            verified: Set(true),
            created_at: Set(start),
            provisional: Set(false),
        })
        .collect();
    insert_chunks(&txn, orgs).await?;
    let org_ids: Vec<i64> = organisation::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    let half = postings / 2;
    let mut needs = Vec::with_capacity(half);
    let mut achievements = Vec::with_capacity(half);
    // Each need's cluster and region, which its proposed matches are counted under.
    let mut need_places = Vec::with_capacity(half);
    for i in 0..half {
        let created = moment(&mut rng, start, days);
        let published = rng.random_bool(0.9).then(|| created + Duration::days(1));
        let status = if published.is_none() {
            "pending_review"
        } else if rng.random_bool(0.05) {
            "withdrawn"
        } else {
            "published"
        };
        let cluster = clusters[rng.random_range(0..clusters.len())].clone();
        let region = REGIONS[rng.random_range(0..REGIONS.len())].to_owned();
        need_places.push((cluster.clone(), region.clone()));
        needs.push(need::ActiveModel {
            id: NotSet,
            external_id: Set(format!("bench-n-{i}")),
            org_id: Set(Some(org_ids[rng.random_range(0..org_ids.len())])),
            title: Set(format!("bench need {i}")),
            description: Set(String::new()),
            industry: Set(Some(cluster.clone())),
            keywords: Set(String::new()),
            budget_min_yuan: Set(None),
            budget_max_yuan: Set(None),
            deadline: Set(None),
            coop_modes: Set(String::new()),
            min_trl: Set(None),
            region_code: Set(Some(region.clone())),
            region_name: Set(None),
            confidential: Set(false),
            status: Set(status.to_owned()),
            reject_reason: Set(None),
            reject_note: Set(None),
            source_key: Set(None),
            created_at: Set(created),
            updated_at: Set(created),
            published_at: Set(published),
            contact_person: Set(None),
            contact_phone: Set(None),
            contact_email: Set(None),
            duplicate_of: Set(None),
        });
        achievements.push(achievement::ActiveModel {
            id: NotSet,
            external_id: Set(format!("bench-a-{i}")),
            org_id: Set(Some(org_ids[rng.random_range(0..org_ids.len())])),
            title: Set(format!("bench achievement {i}")),
            summary: Set(String::new()),
            keywords: Set(String::new()),
            field: Set(Some(cluster)),
            trl: Set(None),
            patents: Set(String::new()),
            transfer_modes: Set(String::new()),
            price_yuan: Set(None),
            price_negotiable: Set(true),
            team_lead: Set(None),
            region_code: Set(Some(region)),
            region_name: Set(None),
            status: Set(status.to_owned()),
            reject_reason: Set(None),
            reject_note: Set(None),
            source_key: Set(None),
            created_at: Set(created),
            updated_at: Set(created),
            published_at: Set(published),
            contact_person: Set(None),
            contact_phone: Set(None),
            contact_email: Set(None),
            duplicate_of: Set(None),
        });
    }
    insert_chunks(&txn, needs).await?;
    insert_chunks(&txn, achievements).await?;
    let pair_count = postings.max(deals * 3);
    let proposals: Vec<match_proposal::ActiveModel> = (0..pair_count)
        .map(|i| {
            // Distinct pairs: the i-th need with a spread of achievements.
            let need = i % half.max(1);
            let (cluster, region) = need_places.get(need).cloned().unwrap_or_default();
            match_proposal::ActiveModel {
                id: NotSet,
                need_id: Set(1 + need as i64),
                achievement_id: Set(1 + ((i * 7 + i / half.max(1)) % half.max(1)) as i64),
                strength: Set(rng.random_range(45..100)),
                cluster: Set(Some(cluster)),
                region_code: Set(Some(region)),
                proposed_at: Set(moment(&mut rng, start, days)),
            }
        })
        .collect();
    insert_chunks(&txn, proposals).await?;
    let contacts: Vec<contact::ActiveModel> = (0..deals * 3)
        .map(|i| {
            let created = moment(&mut rng, start, days);
            contact::ActiveModel {
                id: NotSet,
                need_id: Set(1 + (i % half.max(1)) as i64),
                achievement_id: Set(1 + ((i * 7 + i / half.max(1)) % half.max(1)) as i64),
                initiator_side: Set("need".to_owned()),
                initiator_user_id: Set(1),
                message: Set(String::new()),
                status: Set(if i < deals { "signed" } else { "requested" }.to_owned()),
                close_reason: Set(None),
                created_at: Set(created),
                updated_at: Set(created),
            }
        })
        .collect();
    insert_chunks(&txn, contacts).await?;
    let accepted: Vec<audit::ActiveModel> = (0..deals * 2)
        .map(|i| audit::ActiveModel {
            id: NotSet,
            actor_user_id: Set(Some(1)),
            action: Set("contact.accept".to_owned()),
            entity: Set("contact".to_owned()),
            entity_id: Set(1 + i as i64),
            reason: Set(None),
            detail: Set(None),
            at: Set(moment(&mut rng, start, days)),
        })
        .collect();
    insert_chunks(&txn, accepted).await?;
    let signed: Vec<deal::ActiveModel> = (0..deals)
        .map(|i| {
            let contract = rng.random_range(10..500) * 10_000;
            deal::ActiveModel {
                id: NotSet,
                contact_id: Set(1 + i as i64),
                contract_type: Set("transfer".to_owned()),
                contract_amount_yuan: Set(contract),
                technology_amount_yuan: Set(contract * rng.random_range(60..100) / 100),
                researcher_share_percent: Set(rng.random_range(10..70)),
                recorded_by: Set(1),
                signed_at: Set(moment(&mut rng, start, days)),
                confirmation: Set("confirmed".to_owned()),
                recorded_side: Set(Some("need".to_owned())),
                answered_by: Set(Some(2)),
                answered_at: Set(None),
                dispute_reason: Set(None),
            }
        })
        .collect();
    insert_chunks(&txn, signed).await?;
    let challenges: Vec<challenge::ActiveModel> = (0..200)
        .map(|i| {
            let published = moment(&mut rng, start, days);
            challenge::ActiveModel {
                id: NotSet,
                public_id: Set(format!("BENCH-{i}")),
                kind: Set("technology".to_owned()),
                title: Set(format!("bench challenge {i}")),
                publisher_org_id: Set(org_ids[i % org_ids.len()]),
                created_by: Set(1),
                industry: Set(Some(clusters[i % clusters.len()].clone())),
                keywords: Set(String::new()),
                background: Set(String::new()),
                problem: Set(String::new()),
                metrics: Set(String::new()),
                scenario: Set(String::new()),
                final_user: Set(String::new()),
                reward_enterprise_yuan: Set(1_000_000),
                reward_subsidy_yuan: Set(0),
                bid_deadline: Set(published + Duration::days(30)),
                completion_months: Set(12),
                eligibility: Set(String::new()),
                horse_race: Set(false),
                max_winners: Set(1),
                confidentiality: Set("public".to_owned()),
                contact_name: Set(String::new()),
                contact_phone: Set(String::new()),
                status: Set(["open", "selection", "in_execution", "accepted"][i % 4].to_owned()),
                status_reason: Set(None),
                criteria: Set(String::new()),
                drop_extremes: Set(false),
                publicity_working_days: Set(5),
                publicity_starts: Set(None),
                publicity_ends: Set(None),
                task_book: Set(None),
                created_at: Set(published),
                updated_at: Set(published),
                published_at: Set(Some(published)),
            }
        })
        .collect();
    insert_chunks(&txn, challenges).await?;
    let bids: Vec<bid::ActiveModel> = (0..1000)
        .map(|i| bid::ActiveModel {
            id: NotSet,
            challenge_id: Set(1 + (i % 200) as i64),
            lead_org_id: Set(org_ids[i / 200 % org_ids.len()]),
            created_by: Set(1),
            consortium: Set(String::new()),
            team_leader: Set(String::new()),
            team: Set(String::new()),
            technical_plan: Set(String::new()),
            budget_yuan: Set(100_000),
            existing_base: Set(String::new()),
            patents: Set(String::new()),
            achievement_ids: Set(String::new()),
            pledge_signed_at: Set(None),
            status: Set("submitted".to_owned()),
            formal_review: Set(None),
            status_reason: Set(None),
            submitted_at: Set(Some(start)),
            created_at: Set(start),
            updated_at: Set(start),
        })
        .collect();
    insert_chunks(&txn, bids).await?;
    txn.commit().await?;
    Ok(clusters)
}

/// The parts of the dashboard's work, timed apart so that a slow one shows itself.
const PARTS: [&str; 4] = ["figures", "target", "challenges", "outbox"];

/// Everything the dashboard's handler asks the database, once: the milliseconds each
/// part took.
async fn dashboard_once(
    conn: &sea_orm::DatabaseConnection,
    filter: &Filter,
    now: DateTime<Utc>,
) -> anyhow::Result<[f64; PARTS.len()]> {
    let mut took = [0.0; PARTS.len()];
    let mut lap = Instant::now();
    let mut record = |part: usize| {
        took[part] = lap.elapsed().as_secs_f64() * 1000.0;
        lap = Instant::now();
    };
    statistics::figures(conn, filter).await?;
    record(0);
    let target = settings::current(conn, &IndustryCatalogue::default())
        .await?
        .yearly_target
        .yuan();
    statistics::target_progress(conn, 2026, target).await?;
    record(1);
    statistics::challenges(conn, filter, now).await?;
    record(2);
    outbox::summary(conn).await?;
    record(3);
    Ok(took)
}

/// Generates the platform under `dir` (or on `database_url`), then times the dashboard.
///
/// # Errors
/// Database errors.
pub async fn run(
    dir: &Path,
    database_url: Option<&str>,
    postings: usize,
    deals: usize,
    seed: u64,
    rounds: usize,
) -> anyhow::Result<()> {
    let url = database_url.map_or_else(|| db::database_url(None, dir), str::to_owned);
    let conn = db::connect(&url).await?;
    let started = Instant::now();
    let clusters = generate(&conn, postings, deals, seed).await?;
    // A serving database has planner statistics (PostgreSQL's autovacuum gathers them,
    // the server runs `PRAGMA optimize` on SQLite hourly); a freshly written one has
    // none yet.
    conn.execute_unprepared("ANALYZE").await?;
    println!(
        "dashboard bench: {postings} postings, {deals} deals, {} proposed matches written in {:.1} s",
        postings.max(deals * 3),
        started.elapsed().as_secs_f64()
    );
    let year = |from: (i32, u32, u32), to: (i32, u32, u32)| -> anyhow::Result<Filter> {
        let day = |(y, m, d): (i32, u32, u32)| {
            NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow::anyhow!("bad date"))
        };
        Ok(Filter {
            from: day(from)?,
            to: day(to)?,
            cluster: None,
            region: None,
            org_kind: None,
            org_id: None,
        })
    };
    let now = Utc
        .with_ymd_and_hms(2026, 11, 30, 8, 0, 0)
        .single()
        .unwrap_or_default();
    let whole = year((2026, 1, 1), (2026, 11, 30))?;
    let mut cluster = whole.clone();
    cluster.cluster = clusters.first().cloned();
    let mut region = whole.clone();
    region.region = Some("140000".to_owned());
    let mut kind = whole.clone();
    kind.org_kind = Some(OrgKind::University);
    let two_years = year((2025, 1, 1), (2026, 11, 30))?;
    for (name, filter) in [
        ("year to date", &whole),
        ("one cluster", &cluster),
        ("Shanxi", &region),
        ("universities", &kind),
        ("two years", &two_years),
    ] {
        // One untimed round warms the database's caches, as a serving platform's are.
        dashboard_once(&conn, filter, now).await?;
        let mut times = Vec::with_capacity(rounds);
        let mut parts: [Vec<f64>; PARTS.len()] = Default::default();
        for _ in 0..rounds {
            let took = dashboard_once(&conn, filter, now).await?;
            times.push(took.iter().sum::<f64>());
            for (part, ms) in parts.iter_mut().zip(took) {
                part.push(ms);
            }
        }
        times.sort_by(f64::total_cmp);
        let breakdown: Vec<String> = PARTS
            .iter()
            .zip(parts.iter_mut())
            .map(|(name, times)| {
                times.sort_by(f64::total_cmp);
                format!("{name} {:.1}", percentile(times, 50.0))
            })
            .collect();
        println!(
            "  {name:<13} p50 {:>6.1} ms  p99 {:>6.1} ms  max {:>6.1} ms ({rounds} rounds; p50 ms of {})",
            percentile(&times, 50.0),
            percentile(&times, 99.0),
            times.last().copied().unwrap_or_default(),
            breakdown.join(", ")
        );
    }
    Ok(())
}
