//! A small SMTP server for tests: it speaks enough real SMTP on 127.0.0.1 for lettre to
//! deliver to it, and keeps every message it receives. For fault tests it can refuse
//! deliveries with a temporary failure, or hold them unanswered.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// The messages received so far (raw DATA, dot-unstuffed), shared with the server task.
#[derive(Clone, Default)]
pub struct Inbox(Arc<Mutex<Vec<String>>>, Arc<Faults>);

/// The faults the server plays, shared with its sessions.
#[derive(Default)]
pub struct Faults {
    /// How many more recipients to refuse with `451` (a temporary failure).
    to_refuse: AtomicUsize,
    /// How many were refused so far.
    refused: AtomicUsize,
    /// While set, a recipient gets no answer: the sender hangs mid-delivery.
    hold: AtomicBool,
    /// How many deliveries were held so far.
    held: AtomicUsize,
}

impl Inbox {
    /// Waits until a message satisfying `wanted` arrives.
    pub async fn wait_for(&self, wanted: impl Fn(&str) -> bool) -> String {
        for _ in 0..100 {
            let found = self
                .0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .find(|m| wanted(m))
                .cloned();
            if let Some(message) = found {
                return message;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no such mail arrived within 10 s");
    }

    /// How many deliveries were refused so far.
    pub fn refused(&self) -> usize {
        self.1.refused.load(Ordering::SeqCst)
    }

    /// Waits until `n` deliveries in all were refused.
    pub async fn wait_refused(&self, n: usize) {
        for _ in 0..100 {
            if self.refused() >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("not {n} refusals within 10 s (got {})", self.refused());
    }

    /// From now on, holds every delivery unanswered at RCPT (`true`), or answers again.
    pub fn hold(&self, hold: bool) {
        self.1.hold.store(hold, Ordering::SeqCst);
    }

    /// Waits until a delivery is being held.
    pub async fn wait_held(&self) {
        for _ in 0..100 {
            if self.1.held.load(Ordering::SeqCst) > 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no delivery was attempted within 10 s");
    }

    /// How many received mails satisfy `wanted`.
    pub fn count(&self, wanted: impl Fn(&str) -> bool) -> usize {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|m| wanted(m))
            .count()
    }
}

/// Starts a server that refuses the first `n` deliveries with `451` at RCPT (a
/// temporary failure, which the sender retries later), then accepts.
pub async fn start_refusing(n: usize) -> (u16, Inbox) {
    let (port, inbox) = start().await;
    inbox.1.to_refuse.store(n, Ordering::SeqCst);
    (port, inbox)
}

/// Starts the server; returns its port and the inbox.
pub async fn start() -> (u16, Inbox) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("smtp bind: {e}"));
    let port = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("smtp addr: {e}"))
        .port();
    let inbox = Inbox::default();
    let kept = inbox.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(session(socket, kept.clone()));
        }
    });
    (port, inbox)
}

async fn session(socket: tokio::net::TcpStream, inbox: Inbox) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    if write.write_all(b"220 test smtp\r\n").await.is_err() {
        return;
    }
    let mut data: Option<String> = None;
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(body) = data.as_mut() {
            if line == "." {
                let message = data.take().unwrap_or_default();
                inbox
                    .0
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(message);
                let _ = write.write_all(b"250 queued\r\n").await;
            } else {
                body.push_str(line.strip_prefix('.').unwrap_or(&line));
                body.push('\n');
            }
            continue;
        }
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-test smtp\r\n250 8BITMIME\r\n",
            "DATA" => {
                data = Some(String::new());
                b"354 end with .\r\n"
            }
            "RCPT" => {
                let faults = &inbox.1;
                if faults.hold.load(Ordering::SeqCst) {
                    faults.held.fetch_add(1, Ordering::SeqCst);
                    while faults.hold.load(Ordering::SeqCst) {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
                let refuse = faults
                    .to_refuse
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                if refuse {
                    faults.refused.fetch_add(1, Ordering::SeqCst);
                    b"451 4.3.0 try again later\r\n"
                } else {
                    b"250 ok\r\n"
                }
            }
            "QUIT" => {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            }
            _ => b"250 ok\r\n",
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}
