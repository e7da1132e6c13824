//! The outbox worker: claims due notices and delivers them, by SMTP when the platform
//! has a mail server, else as `.eml` files under `<data dir>/mail/` so that a newcomer
//! sees what would have been sent. `techmatch serve` runs one; `techmatch worker` runs
//! one alone. Any number may run against one PostgreSQL database: claims never overlap.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::DatabaseConnection;
use techmatch_core::entities::outbox_entry;
use techmatch_core::services::outbox;

use crate::clock::Clock;

/// How many notices one pass claims.
const BATCH: u64 = 20;

/// How often an idle worker looks for due notices.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

/// Delivers notices for one worker.
pub struct Deliverer {
    transport: Transport,
    from: Mailbox,
    /// Names this worker's claims: host, process and a random part.
    worker: String,
}

impl Deliverer {
    /// # Errors
    /// A malformed SMTP URL or sender address.
    pub fn new(
        smtp_url: Option<&str>,
        from: &str,
        data_dir: &std::path::Path,
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

    /// One pass: claims due notices and delivers them. Returns how many were claimed.
    ///
    /// # Errors
    /// Database errors (a delivery failure is recorded on the notice instead).
    pub async fn run_once(&self, db: &DatabaseConnection, clock: &Clock) -> anyhow::Result<usize> {
        let claimed = outbox::claim(db, &self.worker, BATCH, clock.now()).await?;
        for notice in &claimed {
            match self.deliver(notice).await {
                Ok(()) => outbox::mark_sent(db, notice.id, &self.worker, clock.now()).await?,
                Err(error) => {
                    let dead = outbox::mark_failed(
                        db,
                        notice,
                        &self.worker,
                        &format!("{error:#}"),
                        clock.now(),
                    )
                    .await?;
                    tracing::warn!(id = notice.id, attempts = notice.attempts, dead, %error, "notice not delivered");
                }
            }
        }
        Ok(claimed.len())
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
