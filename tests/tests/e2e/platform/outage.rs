//! The database going away while the server runs: requests fail with a clear 503 and
//! change nothing, and the server recovers by itself once the database is back.
//!
//! Stopping the machine's PostgreSQL would break every other test running at the same
//! time, so the server reaches its database through a proxy the test can cut: while cut,
//! open connections are reset and new ones are closed at once, which is what a client
//! sees of a stopped or restarting server.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::{Client, DEMO_PASSWORD, need_body};
use crate::start_with;

/// A TCP proxy to PostgreSQL that can be cut and restored.
struct CuttableProxy {
    port: u16,
    up: Arc<AtomicBool>,
    /// Every forwarding task watches this; a new value ends them all.
    generation: watch::Sender<u64>,
    task: tokio::task::JoinHandle<()>,
}

impl CuttableProxy {
    async fn start(target: String) -> CuttableProxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let port = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("{e}"))
            .port();
        let up = Arc::new(AtomicBool::new(true));
        let (generation, _) = watch::channel(0_u64);
        let task = {
            let up = up.clone();
            let generation = generation.clone();
            tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    if !up.load(Ordering::SeqCst) {
                        drop(client);
                        continue;
                    }
                    let target = target.clone();
                    let mut cut = generation.subscribe();
                    tokio::spawn(async move {
                        let Ok(mut server) = TcpStream::connect(&target).await else {
                            return;
                        };
                        let mut client = client;
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                            _ = cut.changed() => {}
                        }
                    });
                }
            })
        };
        CuttableProxy {
            port,
            up,
            generation,
            task,
        }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for CuttableProxy {
    fn drop(&mut self) {
        self.task.abort();
        self.generation.send_modify(|g| *g += 1);
    }
}

// The proxy runs on the test's runtime while the test thread blocks starting the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_going_away_gives_a_clear_503_and_the_server_recovers_by_itself() {
    let Some(db) = techmatch_core::testing::postgres().await else {
        return;
    };
    let base = techmatch_core::testing::pg_base_url();
    let target = base
        .rsplit('@')
        .next()
        .unwrap_or("127.0.0.1:5432")
        .to_owned();
    let proxy = CuttableProxy::start(target).await;
    let database = db.url.rsplit('/').next().unwrap_or_default().to_owned();
    let user = base
        .trim_start_matches("postgres://")
        .split('@')
        .next()
        .unwrap_or("postgres")
        .to_owned();
    let proxied_url = format!("postgres://{user}@127.0.0.1:{}/{database}", proxy.port);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = start_with(&dir.path().join("data"), Some(&proxied_url), &[]);
    let enterprise = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
    let (status, before) = enterprise.get(&server, "/api/v1/me/postings").await;
    assert_eq!(status, StatusCode::OK, "{before}");
    let owned_before = before["postings"].as_array().map(Vec::len);

    proxy.cut();
    let (status, health) = enterprise.get(&server, "/healthz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{health}");
    assert_eq!(health["error"]["code"], "unavailable", "{health}");
    let (status, refused) = enterprise
        .post(
            &server,
            "/api/v1/me/postings",
            need_body("数据库中断时提交的需求"),
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("稍后")),
        "the message says to try later: {refused}"
    );
    let page = enterprise
        .http
        .get(server.url("/me"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.headers().contains_key("retry-after"));

    // Back: the same server answers again without a restart, and nothing was written.
    proxy.restore();
    let started = Instant::now();
    loop {
        let (status, _) = enterprise.get(&server, "/healthz").await;
        if status == StatusCode::OK {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not recover: {status}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (status, after) = enterprise.get(&server, "/api/v1/me/postings").await;
    assert_eq!(status, StatusCode::OK, "the session survived: {after}");
    assert_eq!(after["postings"].as_array().map(Vec::len), owned_before);
    let (status, created) = enterprise
        .post(
            &server,
            "/api/v1/me/postings",
            need_body("数据库恢复后提交的需求"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    drop(server);
    drop(proxy);
    db.cleanup().await;
}
