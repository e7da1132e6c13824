//! The outbox worker: claims due notices and delivers them. Mails go by SMTP when the
//! platform has a mail server, else as `.eml` files under `<data dir>/mail/` so that a
//! newcomer sees what would have been sent. Webhook posts go over HTTPS with one
//! reqwest client per worker (see `techmatch_core::services::webhooks`), to permitted
//! addresses only (see `webhook_reach`).
//!
//! One organisation's slow or failing webhooks must not delay anyone else's notices:
//! webhook posts run beside the pass instead of inside it, each organisation may have
//! at most [`IN_FLIGHT_PER_ORG`] of them under way (a post beyond that is given back
//! and claimed again shortly), and each post has a short deadline.
//! `techmatch serve` runs one worker; `techmatch worker` runs one alone. Any number may
//! run against one PostgreSQL database: claims never overlap.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use futures_util::stream::{self, StreamExt};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::DatabaseConnection;
use techmatch_core::entities::outbox_entry;
use techmatch_core::entities::webhook;
use techmatch_core::services::outbox;
use techmatch_core::services::webhook_addresses::AddressPolicy;
use techmatch_core::services::webhooks::{self, Format};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::clock::Clock;
use crate::server::notifications::webhook_reach::{self, GuardedResolver};

/// How many notices one pass claims.
const BATCH: u64 = 20;

/// How many deliveries of one pass are in flight at once. One at a time, a mail costs
/// a round trip per SMTP command, plus lettre's 40 ms stall before the final `.` of
/// every message (it writes it apart from the body, and leaves Nagle's algorithm on):
/// about 20 mails a second, whatever the server. Sending eight at once over the
/// transport's pooled connections (lettre keeps up to ten). Webhook posts only start
/// here; they run on beside the pass.
const IN_FLIGHT: usize = 8;

/// How often an idle worker looks for due notices.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// How long a webhook may take to accept the connection, and to answer in all: a
/// robot answers in well under a second.
const WEBHOOK_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// How many posts to one organisation's webhooks are under way at once, from one
/// worker.
const IN_FLIGHT_PER_ORG: usize = 2;

/// How many webhook posts are under way at once, from one worker.
const WEBHOOK_IN_FLIGHT: usize = 32;

/// When a post given back for want of room is claimed again.
const BUSY_RETRY: chrono::Duration = chrono::Duration::seconds(2);

/// How much of a webhook's answer is read: enough for a robot's error code.
const WEBHOOK_ANSWER_BYTES: usize = 64 * 1024;

/// What became of one claimed notice.
enum Outcome {
    Sent,
    /// Never to be sent: the reason is recorded.
    Dropped(&'static str),
}

/// The client every webhook post of a worker goes through: names resolved to the
/// addresses `reach` permits only, no proxy (which would connect in the post's place,
/// wherever the name points), no redirects (a webhook that moved must be registered
/// again, and a redirect must not carry a signed post elsewhere), bounded waits, and
/// the extra roots of `ca_file` (PEM) besides the usual ones, for receivers on a
/// private network.
///
/// # Errors
/// An unreadable CA file, one without a certificate, or a TLS setup failure.
pub fn webhook_client(
    ca_file: Option<&Path>,
    reach: AddressPolicy,
) -> anyhow::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .dns_resolver(GuardedResolver::new(reach))
        .no_proxy()
        .connect_timeout(WEBHOOK_CONNECT_TIMEOUT)
        .timeout(WEBHOOK_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!(
            "techmatch/",
            env!("CARGO_PKG_VERSION"),
            " (notification webhooks)"
        ));
    if let Some(path) = ca_file {
        let pem = std::fs::read(path)
            .with_context(|| format!("cannot read webhook CA file {}", path.display()))?;
        let roots = reqwest::Certificate::from_pem_bundle(&pem)
            .with_context(|| format!("invalid webhook CA file {}", path.display()))?;
        anyhow::ensure!(
            !roots.is_empty(),
            "no certificate in webhook CA file {}",
            path.display()
        );
        builder = builder.tls_certs_merge(roots);
    }
    builder
        .build()
        .context("cannot build the http client for webhooks")
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// The room each organisation's webhook posts have: a permit per post under way.
struct Budgets {
    total: Arc<Semaphore>,
    per_org: Mutex<HashMap<i64, Arc<Semaphore>>>,
}

/// The room one post holds while under way.
struct Room {
    _total: OwnedSemaphorePermit,
    _org: OwnedSemaphorePermit,
}

impl Budgets {
    fn new() -> Budgets {
        Budgets {
            total: Arc::new(Semaphore::new(WEBHOOK_IN_FLIGHT)),
            per_org: Mutex::new(HashMap::new()),
        }
    }

    /// Room for one more post to `org_id`'s webhooks, if it has any left.
    fn take(&self, org_id: i64) -> Option<Room> {
        let org = {
            let mut per_org = self.per_org.lock().unwrap_or_else(|p| p.into_inner());
            // Organisations with nothing under way (no permit holds their semaphore)
            // are forgotten, so the map stays as small as the posts in flight.
            per_org.retain(|_, slots| Arc::strong_count(slots) > 1);
            per_org
                .entry(org_id)
                .or_insert_with(|| Arc::new(Semaphore::new(IN_FLIGHT_PER_ORG)))
                .clone()
        };
        let org = org.try_acquire_owned().ok()?;
        let total = self.total.clone().try_acquire_owned().ok()?;
        Some(Room {
            _total: total,
            _org: org,
        })
    }
}

/// Posts notices to webhooks: cheap to clone into each post's task.
#[derive(Clone)]
struct Poster {
    http: reqwest::Client,
    reach: AddressPolicy,
}

impl Poster {
    /// Posts a `webhook` notice to `hook`, as its format says, signed at `now`. A
    /// failure says what went wrong in generic words or codes only (`last_error` is
    /// shown to the organisation's members); the detail goes to the log.
    async fn post(
        &self,
        hook: &webhook::Model,
        notice: &outbox_entry::Model,
        now: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<Outcome> {
        let format = Format::parse(&hook.format)
            .with_context(|| format!("unknown webhook format {}", hook.format))?;
        let request = webhooks::request(
            format,
            &hook.url,
            hook.secret.as_deref(),
            &webhooks::Message::of(notice),
            now,
        )?;
        let url = reqwest::Url::parse(&request.url).context("invalid webhook url")?;
        webhook_reach::check_literal_host(&self.reach, &url)?;
        let mut builder = self.http.post(url).body(request.body);
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        let mut response = builder
            .send()
            .await
            .map_err(|error| failure(notice, error))?;
        let status = response.status().as_u16();
        let mut answer = Vec::new();
        while answer.len() < WEBHOOK_ANSWER_BYTES {
            match response
                .chunk()
                .await
                .map_err(|error| failure(notice, error))?
            {
                Some(chunk) => answer.extend_from_slice(&chunk),
                None => break,
            }
        }
        webhooks::check_answer(format, status, &String::from_utf8_lossy(&answer))
            .map_err(anyhow::Error::msg)?;
        Ok(Outcome::Sent)
    }
}

/// A post's transport failure in generic words, its detail logged. The URL may hold a
/// robot's access token: the log goes without it.
fn failure(notice: &outbox_entry::Model, error: reqwest::Error) -> anyhow::Error {
    let error = error.without_url();
    let reason = if webhook_reach::is_refused(&error) {
        "address not allowed"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    tracing::info!(id = notice.id, reason, error = ?error, "webhook post failed");
    anyhow::Error::msg(reason)
}

/// Records the outcome of a claimed notice's delivery, if `worker` still holds it.
async fn record(
    db: &DatabaseConnection,
    notice: &outbox_entry::Model,
    worker: &str,
    outcome: anyhow::Result<Outcome>,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    match outcome {
        Ok(Outcome::Sent) => {
            outbox::mark_sent(db, notice, worker, now).await?;
        }
        Ok(Outcome::Dropped(reason)) => {
            outbox::mark_dropped(db, notice.id, worker, reason).await?;
            tracing::info!(id = notice.id, reason, "notice dropped");
        }
        Err(error) => {
            let dead = outbox::mark_failed(db, notice, worker, &format!("{error:#}"), now).await?;
            tracing::warn!(id = notice.id, channel = %notice.channel, attempts = notice.attempts, dead, %error, "notice not delivered");
        }
    }
    Ok(())
}

/// Delivers notices for one worker.
pub struct Deliverer {
    transport: Transport,
    from: Mailbox,
    poster: Poster,
    budgets: Arc<Budgets>,
    /// Names this worker's claims: host, process and a random part.
    worker: Arc<str>,
}

impl Deliverer {
    /// # Errors
    /// A malformed SMTP URL or sender address, or an unusable webhook CA file.
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        data_dir: &Path,
        webhook_ca_file: Option<&Path>,
        webhook_reach: AddressPolicy,
    ) -> anyhow::Result<Deliverer> {
        let transport = match smtp_url {
            Some(url) => {
                Transport::Smtp(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build())
            }
            None => Transport::Files(data_dir.join("mail")),
        };
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "node".to_owned());
        let random = &techmatch_core::services::sessions::random_token()[..8];
        Ok(Deliverer {
            transport,
            from: from.parse().context("invalid sender address")?,
            poster: Poster {
                http: webhook_client(webhook_ca_file, webhook_reach.clone())?,
                reach: webhook_reach,
            },
            budgets: Arc::new(Budgets::new()),
            worker: format!("{host}:{}:{random}", std::process::id()).into(),
        })
    }

    /// The directory `.eml` files go to, when there is no SMTP server.
    pub fn mail_dir(&self) -> Option<&PathBuf> {
        match &self.transport {
            Transport::Files(dir) => Some(dir),
            Transport::Smtp(_) => None,
        }
    }

    fn message(&self, notice: &outbox_entry::Model) -> anyhow::Result<Message> {
        let mut builder = Message::builder();
        // RFC 8058 one-click unsubscribe: the mail client POSTs
        // `List-Unsubscribe=One-Click` to the signed URL.
        if let Some(url) = &notice.unsubscribe_url {
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        Ok(builder
            .from(self.from.clone())
            // A bare address: were a display name parsed out of it, the mailbox reached
            // would not be the address every rule was applied to.
            .to(Mailbox::new(
                None,
                notice
                    .address
                    .parse::<lettre::Address>()
                    .context("invalid recipient address")?,
            ))
            .subject(&notice.subject)
            // The same for every attempt: a resend after a crash is the same message.
            .message_id(Some(notice.message_id.clone()))
            .multipart(MultiPart::alternative_plain_html(
                notice.body_text.clone(),
                notice.body_html.clone(),
            ))?)
    }

    async fn deliver(&self, notice: &outbox_entry::Model) -> anyhow::Result<()> {
        let message = self.message(notice)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Transport::Files(dir) => {
                tokio::fs::create_dir_all(dir).await?;
                let path = dir.join(format!("{:08}.eml", notice.id));
                let temporary = dir.join(format!(".{:08}.eml.tmp", notice.id));
                tokio::fs::write(&temporary, message.formatted()).await?;
                tokio::fs::rename(&temporary, &path).await?;
            }
        }
        Ok(())
    }

    /// One pass: claims due notices and delivers them. Returns how many were claimed.
    ///
    /// # Errors
    /// Database errors (a delivery failure is recorded on the notice instead).
    pub async fn run_once(&self, db: &DatabaseConnection, clock: &Clock) -> anyhow::Result<usize> {
        let claimed = outbox::claim(db, &self.worker, BATCH, clock.now()).await?;
        // The futures are made up front, not by a closure of the stream: a closure
        // returning a future that borrows its argument is not `Send` for every lifetime,
        // and the worker runs on a spawned task.
        let deliveries: Vec<_> = claimed
            .iter()
            .map(|notice| self.deliver_and_record(db, notice, clock))
            .collect();
        // Each delivery records its own outcome, inside the stream: awaiting the
        // database between items would leave the other deliveries unpolled, and one of
        // them may hold SQLite's only connection.
        let mut recorded = stream::iter(deliveries).buffer_unordered(IN_FLIGHT);
        while let Some(result) = recorded.next().await {
            result?;
        }
        Ok(claimed.len())
    }

    /// Delivers one claimed notice by its channel and records the outcome at once, so
    /// that a worker that dies in the middle of a pass resends only what it had not
    /// recorded. A webhook post goes on in its own task, so that the pass, and the
    /// mail of the next one, never wait for a slow receiver.
    async fn deliver_and_record(
        &self,
        db: &DatabaseConnection,
        notice: &outbox_entry::Model,
        clock: &Clock,
    ) -> anyhow::Result<()> {
        if notice.channel == "webhook" {
            return self.start_post(db, notice, clock).await;
        }
        let outcome = self.deliver(notice).await.map(|()| Outcome::Sent);
        record(db, notice, &self.worker, outcome, clock.now()).await
    }

    /// Starts the post of a claimed `webhook` notice when its organisation has room,
    /// or gives it back to be claimed again shortly.
    async fn start_post(
        &self,
        db: &DatabaseConnection,
        notice: &outbox_entry::Model,
        clock: &Clock,
    ) -> anyhow::Result<()> {
        let Some(webhook_id) = notice.webhook_id else {
            let outcome = Ok(Outcome::Dropped("webhook notice without a webhook"));
            return record(db, notice, &self.worker, outcome, clock.now()).await;
        };
        let Some(hook) = webhooks::deliverable(db, webhook_id).await? else {
            let outcome = Ok(Outcome::Dropped("webhook deleted or inactive"));
            return record(db, notice, &self.worker, outcome, clock.now()).await;
        };
        let Some(room) = self.budgets.take(hook.org_id) else {
            outbox::defer(db, notice.id, &self.worker, clock.now() + BUSY_RETRY).await?;
            tracing::debug!(
                id = notice.id,
                org = hook.org_id,
                "webhook post deferred: no room"
            );
            return Ok(());
        };
        let poster = self.poster.clone();
        let (db, notice, clock, worker) = (
            db.clone(),
            notice.clone(),
            clock.clone(),
            self.worker.clone(),
        );
        tokio::spawn(async move {
            let _room = room;
            let outcome = poster.post(&hook, &notice, clock.now()).await;
            if let Err(error) = record(&db, &notice, &worker, outcome, clock.now()).await {
                tracing::warn!(id = notice.id, %error, "webhook outcome not recorded");
            }
        });
        Ok(())
    }

    /// Delivers until the task is dropped, looking again at once while there is work.
    pub async fn run(self, db: DatabaseConnection, clock: Clock) {
        loop {
            match self.run_once(&db, &clock).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "outbox pass failed, retrying"),
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }
}
