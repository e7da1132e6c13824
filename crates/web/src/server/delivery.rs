//! The outbox worker: claims due notices and delivers them. Mails go by SMTP when the
//! platform has a mail server, else as `.eml` files under `<data dir>/mail/` so that a
//! newcomer sees what would have been sent. Webhook posts go over HTTPS with one
//! reqwest client per worker (see `techmatch_core::services::webhooks`).
//! `techmatch serve` runs one worker; `techmatch worker` runs one alone. Any number may
//! run against one PostgreSQL database: claims never overlap.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use futures_util::stream::{self, StreamExt};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::DatabaseConnection;
use techmatch_core::entities::outbox_entry;
use techmatch_core::services::outbox;
use techmatch_core::services::webhooks::{self, Format};

use crate::clock::Clock;

/// How many notices one pass claims.
const BATCH: u64 = 20;

/// How many deliveries of one pass are in flight at once. One at a time, a mail costs
/// a round trip per SMTP command, plus lettre's 40 ms stall before the final `.` of
/// every message (it writes it apart from the body, and leaves Nagle's algorithm on):
/// about 20 mails a second, whatever the server. Sending eight at once over the
/// transport's pooled connections (lettre keeps up to ten) also keeps a pass of slow
/// webhooks well inside the claim lease: 20 posts that all time out take three rounds
/// of 15 s, not twenty.
const IN_FLIGHT: usize = 8;

/// How often an idle worker looks for due notices.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// How long a webhook may take to accept the connection, and to answer in all.
const WEBHOOK_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(15);

/// How much of a webhook's answer is read: enough for a robot's error code.
const WEBHOOK_ANSWER_BYTES: usize = 64 * 1024;

/// What became of one claimed notice.
enum Outcome {
    Sent,
    /// Never to be sent: the reason is recorded.
    Dropped(&'static str),
}

/// The client every webhook post of a worker goes through: no redirects (a webhook
/// that moved must be registered again, and a redirect must not carry a signed post
/// elsewhere), bounded waits, and the extra roots of `ca_file` (PEM) besides the usual
/// ones, for receivers on a private network.
///
/// # Errors
/// An unreadable CA file, one without a certificate, or a TLS setup failure.
pub fn webhook_client(ca_file: Option<&Path>) -> anyhow::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
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

/// Delivers notices for one worker.
pub struct Deliverer {
    transport: Transport,
    from: Mailbox,
    /// Posts to webhooks.
    http: reqwest::Client,
    /// Names this worker's claims: host, process and a random part.
    worker: String,
}

impl Deliverer {
    /// # Errors
    /// A malformed SMTP URL or sender address, or an unusable webhook CA file.
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        data_dir: &Path,
        webhook_ca_file: Option<&Path>,
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
            http: webhook_client(webhook_ca_file)?,
            worker: format!("{host}:{}:{random}", std::process::id()),
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
            .to(notice
                .address
                .parse()
                .context("invalid recipient address")?)
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

    /// Posts a `webhook` notice to its webhook, as the webhook's format says, signed at
    /// `now`.
    async fn post(
        &self,
        db: &DatabaseConnection,
        notice: &outbox_entry::Model,
        now: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<Outcome> {
        let Some(webhook_id) = notice.webhook_id else {
            return Ok(Outcome::Dropped("webhook notice without a webhook"));
        };
        let Some(hook) = webhooks::deliverable(db, webhook_id).await? else {
            return Ok(Outcome::Dropped("webhook deleted or inactive"));
        };
        let format = Format::parse(&hook.format)
            .with_context(|| format!("unknown webhook format {}", hook.format))?;
        let request = webhooks::request(
            format,
            &hook.url,
            hook.secret.as_deref(),
            &webhooks::Message::of(notice),
            now,
        )?;
        let mut builder = self.http.post(&request.url).body(request.body);
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        // The URL may hold a robot's access token: errors, which the outbox page shows,
        // go without it.
        let mut response = builder.send().await.map_err(reqwest::Error::without_url)?;
        let status = response.status().as_u16();
        let mut answer = Vec::new();
        while answer.len() < WEBHOOK_ANSWER_BYTES {
            match response
                .chunk()
                .await
                .map_err(reqwest::Error::without_url)?
            {
                Some(chunk) => answer.extend_from_slice(&chunk),
                None => break,
            }
        }
        webhooks::check_answer(format, status, &String::from_utf8_lossy(&answer))
            .map_err(anyhow::Error::msg)?;
        Ok(Outcome::Sent)
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
    /// recorded.
    async fn deliver_and_record(
        &self,
        db: &DatabaseConnection,
        notice: &outbox_entry::Model,
        clock: &Clock,
    ) -> anyhow::Result<()> {
        let outcome = match notice.channel.as_str() {
            "webhook" => self.post(db, notice, clock.now()).await,
            _ => self.deliver(notice).await.map(|()| Outcome::Sent),
        };
        match outcome {
            Ok(Outcome::Sent) => {
                outbox::mark_sent(db, notice.id, &self.worker, clock.now()).await?;
            }
            Ok(Outcome::Dropped(reason)) => {
                outbox::mark_dropped(db, notice.id, &self.worker, reason).await?;
                tracing::info!(id = notice.id, reason, "notice dropped");
            }
            Err(error) => {
                let dead = outbox::mark_failed(
                    db,
                    notice,
                    &self.worker,
                    &format!("{error:#}"),
                    clock.now(),
                )
                .await?;
                tracing::warn!(id = notice.id, channel = %notice.channel, attempts = notice.attempts, dead, %error, "notice not delivered");
            }
        }
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
