//! A small SMTP server for tests: it speaks enough real SMTP on 127.0.0.1 for lettre to
//! deliver to it, and keeps every message it receives.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// The messages received so far (raw DATA, dot-unstuffed), shared with the server task.
#[derive(Clone, Default)]
pub struct Inbox(Arc<Mutex<Vec<String>>>);

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
