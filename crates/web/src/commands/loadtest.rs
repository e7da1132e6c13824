//! `techmatch loadtest`: a platform of synthetic postings, a real `techmatch serve` process
//! on it, and a fixed rate of requests from many concurrent clients: searches, match
//! lists, new postings and moderation. Reports throughput, latency percentiles and errors
//! per kind of request.
//!
//! The load is open-loop: request `i` is due at `start + i / rate` whether or not earlier
//! ones have finished, and its latency is counted from when it was due. A server that
//! falls behind therefore shows it in the percentiles instead of slowing the test down
//! (no coordinated omission). At most `--clients` requests are in flight.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rand::Rng;
use rand::rngs::StdRng;
use serde::Serialize;
use serde_json::{Value, json};
use techmatch_core::accounts::{Role, password};
use techmatch_core::db;
use techmatch_core::domain::IndustryCatalogue;
use techmatch_core::lists::read::read_list;
use techmatch_core::posting::{OrgKind, PostingKind, Status};
use techmatch_core::services::import::{import_achievements, import_needs};
use techmatch_core::services::{postings, users};
use tokio::sync::{Mutex, Semaphore};

use super::bench::percentile;
use super::synth;

#[derive(clap::Args, Debug)]
pub struct LoadtestArgs {
    /// Postings on the platform: a fifth needs, the rest achievements.
    #[arg(long, default_value_t = 100_000)]
    pub postings: usize,
    /// Requests in flight at most (concurrent clients).
    #[arg(long, default_value_t = 200)]
    pub clients: usize,
    /// Requests per second, all kinds together.
    #[arg(long, default_value_t = 500)]
    pub rate: u32,
    /// Measured seconds, after the warm-up.
    #[arg(long, default_value_t = 30)]
    pub duration: u64,
    /// Seconds of load before measuring (caches, connection pools).
    #[arg(long, default_value_t = 5)]
    pub warmup: u64,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Keep the platform in DIR (reused by the next run when it holds the postings).
    #[arg(long)]
    pub workdir: Option<PathBuf>,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
    /// Shares of the kinds of request, in percent (they must add up to 100).
    #[arg(long, default_value = "search=80,matches=12,post=6,moderate=2", value_parser = parse_mix)]
    pub mix: Mix,
}

/// The share of each kind of request, in percent.
#[derive(Debug, Clone)]
pub struct Mix(Vec<(Kind, u32)>);

fn parse_mix(text: &str) -> Result<Mix, String> {
    let mut shares = Vec::new();
    for part in text.split(',') {
        let (name, share) = part
            .split_once('=')
            .ok_or_else(|| format!("{part}: expected kind=percent"))?;
        let kind = match name.trim() {
            "search" => Kind::Search,
            "matches" => Kind::Matches,
            "post" => Kind::Post,
            "moderate" => Kind::Moderate,
            other => return Err(format!("{other}: not search, matches, post or moderate")),
        };
        let share: u32 = share
            .trim()
            .parse()
            .map_err(|_| format!("{part}: the share is not a whole number"))?;
        shares.push((kind, share));
    }
    if shares.iter().map(|(_, s)| s).sum::<u32>() != 100 {
        return Err(format!("{text}: the shares do not add up to 100"));
    }
    Ok(Mix(shares))
}

const ENTERPRISE: &str = "loadtest-enterprise@techmatch.invalid";
const MODERATOR: &str = "loadtest-moderator@techmatch.invalid";
const PASSWORD: &str = "loadtest-password";

/// Every kind of request, in the order figures are reported.
const KINDS: [Kind; 4] = [Kind::Search, Kind::Matches, Kind::Post, Kind::Moderate];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Search,
    Matches,
    Post,
    Moderate,
}

impl Kind {
    fn pick(rng: &mut StdRng, mix: &Mix) -> Kind {
        let mut roll = rng.random_range(0..100);
        for &(kind, share) in &mix.0 {
            if roll < share {
                return kind;
            }
            roll -= share;
        }
        Kind::Search
    }
}

#[derive(Debug, Serialize)]
struct KindFigures {
    kind: Kind,
    requests: usize,
    errors: usize,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

#[derive(Debug, Serialize)]
struct Figures {
    database: &'static str,
    postings: usize,
    clients: usize,
    target_rate: u32,
    mix: String,
    seconds: f64,
    throughput: f64,
    errors: usize,
    kinds: Vec<KindFigures>,
}

/// One finished request: its kind, latency from when it was due, and whether it failed.
type Sample = (Kind, Duration, bool);

pub async fn run(
    data_dir_default: &Path,
    database_url: Option<&str>,
    args: LoadtestArgs,
) -> anyhow::Result<ExitCode> {
    let temporary;
    let dir = match &args.workdir {
        Some(dir) => dir.clone(),
        None if data_dir_default.join(db::SQLITE_FILE).exists() || database_url.is_some() => {
            bail!("loadtest builds its own platform: give --workdir DIR (and an empty database)")
        }
        None => {
            temporary = tempfile::tempdir()?;
            temporary.path().to_owned()
        }
    };
    std::fs::create_dir_all(&dir)?;
    seed(&dir, database_url, args.postings, args.seed).await?;
    let needs = published_needs(&dir, database_url).await?;
    let mut server = ServerProcess::start(&dir, database_url)?;
    eprintln!("loadtest: server at {}, warming up", server.base);
    let result = drive(&server.base, &args, needs).await;
    server.stop();
    let (samples, seconds) = result?;
    let figures = summarise(&samples, seconds, &args, database_url);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&figures)?);
    } else {
        print_table(&figures);
    }
    Ok(if figures.errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Fills an empty platform with the synthetic postings and two accounts; a platform
/// that holds them already is reused as it is.
async fn seed(
    dir: &Path,
    database_url: Option<&str>,
    postings_wanted: usize,
    seed: u64,
) -> anyhow::Result<()> {
    let conn = db::connect(&db::database_url(database_url, dir)).await?;
    let present = postings::count(&conn, PostingKind::Achievement, None).await?
        + postings::count(&conn, PostingKind::Need, None).await?;
    if present >= postings_wanted as u64 && users::credentials(&conn, ENTERPRISE).await?.is_some() {
        eprintln!("loadtest: reusing {present} postings in {}", dir.display());
        return Ok(());
    }
    if present > 0 {
        bail!("the database holds {present} postings but not the load test's: use an empty one");
    }
    let started = Instant::now();
    let needs = postings_wanted / 5;
    let mut rng = synth::rng(seed);
    let industries = IndustryCatalogue::default();
    let list = dir.join("loadtest-list.jsonl");
    // In slices, so that the importer's memory stays that of one slice.
    const SLICE: usize = 20_000;
    for (kind, total) in [
        (PostingKind::Need, needs),
        (PostingKind::Achievement, postings_wanted - needs),
    ] {
        let mut done = 0;
        while done < total {
            let count = SLICE.min(total - done);
            let mut out = std::io::BufWriter::new(std::fs::File::create(&list)?);
            for n in done..done + count {
                let row = match kind {
                    PostingKind::Need => synth::need(&mut rng, n),
                    PostingKind::Achievement => synth::achievement(&mut rng, n),
                };
                writeln!(out, "{row}")?;
            }
            out.flush()?;
            drop(out);
            let report = match kind {
                PostingKind::Need => import_needs(&conn, read_list(&list)?, &industries).await?,
                PostingKind::Achievement => {
                    import_achievements(&conn, read_list(&list)?, &industries).await?
                }
            };
            anyhow::ensure!(
                report.problems.is_empty(),
                "synthetic rows were rejected: {:?}",
                report.problems.first()
            );
            done += count;
            eprintln!("loadtest: {} {done}/{total}", kind.code());
        }
    }
    let _ = std::fs::remove_file(&list);
    for (email, role, org, org_kind) in [
        (
            ENTERPRISE,
            Role::Enterprise,
            "loadtest enterprise",
            OrgKind::Enterprise,
        ),
        (
            MODERATOR,
            Role::Moderator,
            "loadtest bureau",
            OrgKind::Bureau,
        ),
    ] {
        let new = users::NewUser {
            email: email.to_owned(),
            password: PASSWORD.to_owned(),
            display_name: email.to_owned(),
            role,
            organisation: Some(users::org_ref(org, org_kind, None)?),
        };
        let hash = tokio::task::spawn_blocking(|| password::hash(PASSWORD)).await??;
        users::create(&conn, &new, hash, true).await?;
    }
    conn.close().await?;
    eprintln!(
        "loadtest: seeded {postings_wanted} postings in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The public ids of the published needs, whose match lists the clients ask for: the
/// ids are random, nothing a client could derive from the synthetic list's.
async fn published_needs(dir: &Path, database_url: Option<&str>) -> anyhow::Result<Vec<String>> {
    let conn = db::connect(&db::database_url(database_url, dir)).await?;
    let ids = postings::public_ids(&conn, PostingKind::Need, Status::Published).await?;
    conn.close().await?;
    Ok(ids)
}

/// A `techmatch serve` child process on the platform, killed when dropped.
struct ServerProcess {
    child: Child,
    base: String,
}

impl ServerProcess {
    fn start(dir: &Path, database_url: Option<&str>) -> anyhow::Result<ServerProcess> {
        let mut command = std::process::Command::new(std::env::current_exe()?);
        command
            .arg("--data-dir")
            .arg(dir)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env("TECHMATCH_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(url) = database_url {
            command.arg("--database-url").arg(url);
        }
        let mut child = command.spawn().context("cannot start techmatch serve")?;
        let stdout = child.stdout.take().context("no stdout from the server")?;
        // The first start indexes every posting, which takes a while at 100k.
        let base = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                line.strip_prefix("techmatch: ")
                    .map(|u| u.trim_end_matches('/').to_owned())
            });
        match base {
            Some(base) => Ok(ServerProcess { child, base }),
            None => {
                let _ = child.kill();
                bail!("the server did not start")
            }
        }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Logged-in clients and what they work on.
struct Session {
    anonymous: reqwest::Client,
    enterprise: (reqwest::Client, String),
    moderator: (reqwest::Client, String),
    /// Public ids of published needs.
    needs: Vec<String>,
}

async fn login(base: &str, email: &str) -> anyhow::Result<(reqwest::Client, String)> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(30))
        .build()?;
    let response = client
        .post(format!("{base}/api/v1/session"))
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await?;
    anyhow::ensure!(
        response.status().is_success(),
        "login {email}: {}",
        response.status()
    );
    let body: Value = response.json().await?;
    let csrf = body["csrf_token"].as_str().unwrap_or_default().to_owned();
    Ok((client, csrf))
}

async fn drive(
    base: &str,
    args: &LoadtestArgs,
    needs: Vec<String>,
) -> anyhow::Result<(Vec<Sample>, f64)> {
    let session = Arc::new(Session {
        anonymous: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(args.clients)
            .build()?,
        enterprise: login(base, ENTERPRISE).await?,
        moderator: login(base, MODERATOR).await?,
        needs,
    });
    let base: Arc<str> = Arc::from(base);
    let in_flight = Arc::new(Semaphore::new(args.clients.max(1)));
    let samples = Arc::new(Mutex::new(Vec::new()));
    let interval = Duration::from_secs_f64(1.0 / f64::from(args.rate.max(1)));
    let warmup = Duration::from_secs(args.warmup);
    let total = warmup + Duration::from_secs(args.duration);
    let mut rng = synth::rng(args.seed ^ 0x10AD);
    let start = tokio::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0_u32.. {
        let due = start + interval * i;
        if due - start >= total {
            break;
        }
        tokio::time::sleep_until(due).await;
        let permit = in_flight.clone().acquire_owned().await?;
        let kind = Kind::pick(&mut rng, &args.mix);
        let query = synth::query(&mut rng);
        let need = rng.random_range(0..session.needs.len().max(1));
        let measured = due - start >= warmup;
        let (session, base, samples) = (session.clone(), base.clone(), samples.clone());
        tasks.spawn(async move {
            let ok = request(&session, &base, kind, &query, need, i).await;
            let latency = due.elapsed();
            drop(permit);
            if measured {
                samples.lock().await.push((kind, latency, !ok));
            }
        });
        // Finished tasks are reaped as the test goes, so their memory does not pile up.
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
    let seconds = (start.elapsed() - warmup).as_secs_f64();
    let samples = std::mem::take(&mut *samples.lock().await);
    Ok((samples, seconds))
}

/// Sends one request (or two, for posting and moderating); true when all succeeded.
async fn request(
    session: &Session,
    base: &str,
    kind: Kind,
    query: &str,
    need: usize,
    n: u32,
) -> bool {
    let ok =
        |r: Result<reqwest::Response, reqwest::Error>| r.is_ok_and(|r| r.status().is_success());
    match kind {
        Kind::Search => {
            let target = if n.is_multiple_of(2) {
                "achievements"
            } else {
                "needs"
            };
            ok(session
                .anonymous
                .get(format!("{base}/api/v1/search"))
                .query(&[("kind", target), ("q", query)])
                .send()
                .await)
        }
        Kind::Matches => {
            let id = session.needs.get(need).map_or("", String::as_str);
            ok(session
                .anonymous
                .get(format!("{base}/api/v1/needs/{id}/matches"))
                .send()
                .await)
        }
        Kind::Post => {
            let (client, csrf) = &session.enterprise;
            let created = client
                .post(format!("{base}/api/v1/me/postings"))
                .header("X-CSRF-Token", csrf)
                .json(&json!({
                    "title": format!("{query} {n}"),
                    "body": format!("{query} {query}"),
                    "keywords": query,
                }))
                .send()
                .await;
            let Ok(created) = created else { return false };
            if !created.status().is_success() {
                return false;
            }
            let id = created
                .json::<Value>()
                .await
                .ok()
                .and_then(|v| v["id"].as_i64());
            let Some(id) = id else { return false };
            ok(client
                .post(format!("{base}/api/v1/me/postings/{id}/actions"))
                .header("X-CSRF-Token", csrf)
                .json(&json!({ "action": "submit" }))
                .send()
                .await)
        }
        Kind::Moderate => {
            let (client, csrf) = &session.moderator;
            let queue = client
                .get(format!("{base}/api/v1/moderation/queue"))
                .send()
                .await;
            let Ok(queue) = queue else { return false };
            if !queue.status().is_success() {
                return false;
            }
            let pending = queue.json::<Value>().await.unwrap_or_default();
            let first = pending["postings"]
                .as_array()
                .and_then(|items| items.get(n as usize % items.len().max(1)).cloned());
            let Some(first) = first else {
                // Nothing waiting: reading the queue was the work.
                return true;
            };
            let kind = if first["kind"] == "achievement" {
                "achievements"
            } else {
                "needs"
            };
            let id = first["id"].as_i64().unwrap_or_default();
            let response = client
                .post(format!("{base}/api/v1/moderation/{kind}/{id}"))
                .header("X-CSRF-Token", csrf)
                .json(&json!({ "action": "approve" }))
                .send()
                .await;
            // Two moderators on one posting: the loser's 409 is the platform working.
            response.is_ok_and(|r| {
                r.status().is_success() || r.status() == reqwest::StatusCode::CONFLICT
            })
        }
    }
}

fn summarise(
    samples: &[Sample],
    seconds: f64,
    args: &LoadtestArgs,
    database_url: Option<&str>,
) -> Figures {
    let mut kinds = Vec::new();
    for kind in KINDS {
        let mut latencies: Vec<f64> = samples
            .iter()
            .filter(|s| s.0 == kind)
            .map(|s| s.1.as_secs_f64() * 1000.0)
            .collect();
        latencies.sort_by(f64::total_cmp);
        kinds.push(KindFigures {
            kind,
            requests: latencies.len(),
            errors: samples.iter().filter(|s| s.0 == kind && s.2).count(),
            p50_ms: percentile(&latencies, 50.0),
            p99_ms: percentile(&latencies, 99.0),
            max_ms: latencies.last().copied().unwrap_or_default(),
        });
    }
    Figures {
        database: if database_url.is_some() {
            "postgres"
        } else {
            "sqlite"
        },
        postings: args.postings,
        clients: args.clients,
        target_rate: args.rate,
        mix: args
            .mix
            .0
            .iter()
            .map(|(k, s)| format!("{k:?}={s}"))
            .collect::<Vec<_>>()
            .join(","),
        seconds,
        throughput: samples.len() as f64 / seconds.max(1e-9),
        errors: samples.iter().filter(|s| s.2).count(),
        kinds,
    }
}

fn print_table(figures: &Figures) {
    println!(
        "{} · {} postings · {} clients · target {} req/s ({}) · {:.0} s measured",
        figures.database,
        figures.postings,
        figures.clients,
        figures.target_rate,
        figures.mix,
        figures.seconds
    );
    println!(
        "throughput {:.0} req/s, errors {}",
        figures.throughput, figures.errors
    );
    println!("| kind | requests | errors | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|");
    for k in &figures.kinds {
        println!(
            "| {:?} | {} | {} | {:.1} | {:.1} | {:.1} |",
            k.kind, k.requests, k.errors, k.p50_ms, k.p99_ms, k.max_ms
        );
    }
}
