//! `techmatch bench`: import throughput, index size, match latency and memory on a
//! synthetic corpus, so that the figures can be reproduced on any machine.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use serde::Serialize;
use techmatch_core::db;
use techmatch_core::domain::IndustryCatalogue;
use techmatch_core::lists::read::read_list;
use techmatch_core::posting::{PostingKind, Status};
use techmatch_core::services::import::{import_achievements, import_needs};
use techmatch_core::services::postings;
use techmatch_search::{MatchOptions, SearchIndex, find_matches};

use super::synth;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Corpus sizes (achievements), comma-separated; run the largest alone for a clean
    /// memory figure.
    #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
    pub sizes: Vec<usize>,
    /// Seed of the synthetic corpus.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// How many needs to match for the latency figures.
    #[arg(long, default_value_t = 300)]
    pub queries: usize,
    #[arg(long)]
    pub json: bool,
    /// Internal: measure matching on an already imported data directory, in this fresh
    /// process, so that the memory figure is that of a platform serving the corpus rather
    /// than of the importer that built it.
    #[arg(long, hide = true)]
    pub measure_dir: Option<std::path::PathBuf>,
    /// Keep each generated platform in DIR/<size> (to inspect it or re-measure it with
    /// `--measure-dir`) instead of a temporary directory.
    #[arg(long)]
    pub keep: Option<std::path::PathBuf>,
    /// Time the bureau's dashboard instead: on `--postings` needs and achievements and
    /// `--deals` deals written into a fresh database.
    #[arg(long)]
    pub dashboard: bool,
    #[arg(long, default_value_t = 100_000)]
    pub postings: usize,
    #[arg(long, default_value_t = 10_000)]
    pub deals: usize,
    /// How many times each dashboard view is computed.
    #[arg(long, default_value_t = 30)]
    pub rounds: usize,
    /// An empty PostgreSQL database to run the dashboard bench on instead of SQLite.
    #[arg(long)]
    pub dashboard_database_url: Option<String>,
}

/// What the measuring child process reports.
#[derive(Debug, Serialize, serde::Deserialize)]
struct Serving {
    match_p50_ms: f64,
    match_p99_ms: f64,
    rss_mb: f64,
    peak_rss_mb: f64,
}

#[derive(Debug, Serialize)]
pub struct BenchResult {
    pub achievements: usize,
    pub import_seconds: f64,
    pub import_rows_per_second: f64,
    /// Of `import_seconds`, the part spent writing the database (the rest is indexing).
    pub import_database_seconds: f64,
    pub import_peak_rss_mb: f64,
    pub index_bytes: u64,
    pub match_p50_ms: f64,
    pub match_p99_ms: f64,
    pub rss_mb: f64,
    pub peak_rss_mb: f64,
}

/// Where a benchmark builds its platform.
enum Workdir {
    Temporary(tempfile::TempDir),
    Kept(std::path::PathBuf),
}

impl Workdir {
    fn path(&self) -> &Path {
        match self {
            Workdir::Temporary(dir) => dir.path(),
            Workdir::Kept(dir) => dir,
        }
    }
}

/// Reads a `VmRSS`/`VmHWM` style line of /proc/self/status, in MB.
fn proc_status_mb(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

pub(super) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub async fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    if args.dashboard {
        let dir = tempfile::tempdir()?;
        super::bench_dashboard::run(
            dir.path(),
            args.dashboard_database_url.as_deref(),
            args.postings,
            args.deals,
            args.seed,
            args.rounds,
        )
        .await?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(dir) = &args.measure_dir {
        let serving = measure_serving(dir, args.queries).await?;
        println!("{}", serde_json::to_string(&serving)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut results = Vec::new();
    for size in &args.sizes {
        let result = bench_one(*size, args.seed, args.queries, args.keep.as_deref()).await?;
        if !args.json {
            println!(
                "{:>8} achievements: import+index {:>7.0} rows/s ({:.1} s of which database {:.1} s, importer peak {:.0} MB), index {:.1} MB; serving: match p50 {:.2} ms p99 {:.2} ms, rss {:.0} MB (peak {:.0} MB)",
                result.achievements,
                result.import_rows_per_second,
                result.import_seconds,
                result.import_database_seconds,
                result.import_peak_rss_mb,
                result.index_bytes as f64 / 1_048_576.0,
                result.match_p50_ms,
                result.match_p99_ms,
                result.rss_mb,
                result.peak_rss_mb
            );
        }
        results.push(result);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    }
    Ok(ExitCode::SUCCESS)
}

async fn bench_one(
    size: usize,
    seed: u64,
    queries: usize,
    keep: Option<&Path>,
) -> anyhow::Result<BenchResult> {
    let dir = match keep {
        Some(root) => {
            let dir = root.join(size.to_string());
            anyhow::ensure!(!dir.exists(), "{} exists already", dir.display());
            std::fs::create_dir_all(&dir)?;
            Workdir::Kept(dir)
        }
        None => Workdir::Temporary(tempfile::tempdir()?),
    };
    let mut rng = synth::rng(seed);
    let achievements_file = dir.path().join("achievements.jsonl");
    let needs_file = dir.path().join("needs.jsonl");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&achievements_file)?);
        for n in 0..size {
            writeln!(out, "{}", synth::achievement(&mut rng, n))?;
        }
        out.flush()?;
        let mut out = std::io::BufWriter::new(std::fs::File::create(&needs_file)?);
        for n in 0..queries.max(1) {
            writeln!(out, "{}", synth::need(&mut rng, n))?;
        }
        out.flush()?;
    }
    let conn = db::connect(&db::database_url(None, dir.path())).await?;
    let index = SearchIndex::open(&dir.path().join("index"))?;
    let industries = IndustryCatalogue::default();

    // Import and indexing are measured together: a list is usable once it is searchable.
    let started = Instant::now();
    let report = import_achievements(&conn, read_list(&achievements_file)?, &industries).await?;
    let database_seconds = started.elapsed().as_secs_f64();
    index.sync(&conn).await?;
    let import_seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        report.problems.is_empty(),
        "synthetic rows were rejected: {:?}",
        report.problems.first()
    );

    import_needs(&conn, read_list(&needs_file)?, &industries).await?;
    index.sync(&conn).await?;
    let import_peak_rss_mb = proc_status_mb("VmHWM:");
    drop(index);
    conn.close().await?;

    let child = std::process::Command::new(std::env::current_exe()?)
        .args(["bench", "--queries", &queries.to_string(), "--measure-dir"])
        .arg(dir.path())
        .env("TECHMATCH_LOG", "warn")
        // One client on an idle machine: each query may use every core, as the figures
        // in the README were measured.
        .env(
            techmatch_search::index::SEARCH_THREADS_ENV,
            std::env::var(techmatch_search::index::SEARCH_THREADS_ENV).unwrap_or_else(|_| {
                std::thread::available_parallelism()
                    .map_or(1, std::num::NonZero::get)
                    .to_string()
            }),
        )
        .stderr(std::process::Stdio::inherit())
        .output()?;
    anyhow::ensure!(
        child.status.success(),
        "measuring process failed: {}",
        String::from_utf8_lossy(&child.stderr)
    );
    let serving: Serving = serde_json::from_slice(&child.stdout)?;
    Ok(BenchResult {
        achievements: size,
        import_seconds,
        import_rows_per_second: size as f64 / import_seconds.max(1e-9),
        import_database_seconds: database_seconds,
        index_bytes: dir_size(&dir.path().join("index")),
        import_peak_rss_mb,
        match_p50_ms: serving.match_p50_ms,
        match_p99_ms: serving.match_p99_ms,
        rss_mb: serving.rss_mb,
        peak_rss_mb: serving.peak_rss_mb,
    })
}

/// Opens an imported data directory the way the server does and times matching.
async fn measure_serving(dir: &Path, queries: usize) -> anyhow::Result<Serving> {
    let app = crate::app::App::open(dir, None).await?;
    let needs = postings::views_page(
        &app.db,
        PostingKind::Need,
        Some(Status::Published),
        0,
        queries as u64,
    )
    .await?;
    let options = MatchOptions {
        top: 10,
        ..Default::default()
    };
    // One warm-up pass so that the figures describe a running server, not a cold cache.
    for need in needs.iter().take(20) {
        find_matches(&app.index, need, &options)?;
    }
    let mut latencies = Vec::with_capacity(needs.len());
    for need in &needs {
        let t = Instant::now();
        find_matches(&app.index, need, &options)?;
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    latencies.sort_by(f64::total_cmp);
    Ok(Serving {
        match_p50_ms: percentile(&latencies, 50.0),
        match_p99_ms: percentile(&latencies, 99.0),
        rss_mb: proc_status_mb("VmRSS:"),
        peak_rss_mb: proc_status_mb("VmHWM:"),
    })
}
