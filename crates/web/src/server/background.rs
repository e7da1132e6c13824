//! The server's background work: each job is a task of its own with its own interval,
//! so one job's failure or slow run (a digest pass, a large catch-up) does not hold the
//! others' turns, and no request handler does any of it. On SQLite they still take turns
//! on its one connection, as requests do.

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinHandle;

use techmatch_core::services::{challenges, digests, lockout};

use super::AppState;
use crate::server::notifications::alerts;

/// Applies database changes to the index, then turns new publications into alerts.
/// One job, in that order: an alert matches against an index that already holds every
/// posting written before it, so a failed catch-up also waits the alerts for the next
/// tick.
const INDEX_INTERVAL: Duration = Duration::from_millis(500);
/// Closes bidding on calls whose deadline has passed. Reads do not wait for it: they
/// read a call as the clock has it (`challenges::as_of`).
const DEADLINE_INTERVAL: Duration = Duration::from_secs(1);
/// Turns 揭榜挂帅 steps into notices for the people they concern.
const CHALLENGE_NOTICE_INTERVAL: Duration = Duration::from_millis(500);
/// Looks for held notices whose digest is due; a pass reads every held notice.
const DIGEST_INTERVAL: Duration = Duration::from_secs(5);
/// Follows a catalogue another node changed.
const CATALOGUE_INTERVAL: Duration = Duration::from_secs(1);
/// Drops login-limiter state whose budget has refilled.
const LIMITER_INTERVAL: Duration = Duration::from_secs(10);
/// Refreshes SQLite's planner statistics (`PRAGMA optimize`, as SQLite recommends for
/// long-lived connections: the dashboard's aggregates pick their covering indexes only
/// with statistics); purges old login failures.
const MAINTENANCE_INTERVAL: Duration = Duration::from_secs(3600);

/// The running jobs; dropping this does not stop them, [`Jobs::stop`] does.
pub struct Jobs(Vec<JoinHandle<()>>);

impl Jobs {
    pub fn stop(self) {
        for job in self.0 {
            job.abort();
        }
    }
}

/// Starts every job.
pub fn start(app: &AppState) -> Jobs {
    Jobs(vec![
        every(app, "index", INDEX_INTERVAL, |app| async move {
            app.catch_up().await?;
            alerts::run_once(&app, app.clock.now()).await?;
            Ok(())
        }),
        every(app, "deadlines", DEADLINE_INTERVAL, |app| async move {
            challenges::settle_all(&app.db, app.clock.now()).await?;
            Ok(())
        }),
        every(
            app,
            "challenge notices",
            CHALLENGE_NOTICE_INTERVAL,
            |app| async move {
                techmatch_app::notices::challenge_events(&app.db, &app.public_url, app.clock.now())
                    .await?;
                Ok(())
            },
        ),
        every(app, "digests", DIGEST_INTERVAL, |app| async move {
            digests::build_due(&app.db, &app.public_url, app.clock.now()).await?;
            Ok(())
        }),
        every(app, "catalogue", CATALOGUE_INTERVAL, |app| async move {
            app.reload_industries().await
        }),
        every(app, "login limiter", LIMITER_INTERVAL, |app| async move {
            app.login_limiter.forget_old();
            app.registration_limiter.forget_old();
            Ok(())
        }),
        every(
            app,
            "planner statistics",
            MAINTENANCE_INTERVAL,
            |app| async move {
                techmatch_core::db::optimize(&app.db).await?;
                Ok(())
            },
        ),
        every(
            app,
            "login failures",
            MAINTENANCE_INTERVAL,
            |app| async move {
                lockout::purge(&app.db, app.clock.now()).await?;
                Ok(())
            },
        ),
    ])
}

/// Runs `job` now and then every `interval`; a failure is logged and retried at the
/// next tick. A job that overruns its interval starts again a full interval after it
/// finished, never in a burst of make-up runs.
fn every<F, Fut>(app: &AppState, name: &'static str, interval: Duration, job: F) -> JoinHandle<()>
where
    F: Fn(AppState) -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let app = app.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(error) = job(app.clone()).await {
                tracing::warn!(job = name, error = %format!("{error:#}"), "background job failed, retrying");
            }
        }
    })
}
