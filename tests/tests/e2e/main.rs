//! End-to-end tests through the real binary. One test binary, one module per capability.

mod backup;
mod browser;
mod catch_up;
mod cli_lists;
mod platform;
mod serve;
mod smtp;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under test: built by Cargo from crates/web/src/main.rs.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_techmatch-under-test"))
}

/// A `techmatch` command on a data directory, with the logging quiet.
pub fn techmatch(data_dir: &Path) -> Command {
    let mut command = Command::new(binary());
    command
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DATABASE_URL")
        .env("TECHMATCH_LOG", "warn");
    command
}

pub fn run(data_dir: &Path, args: &[&str]) -> Output {
    techmatch(data_dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run techmatch: {e}"))
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn status_json(data_dir: &Path) -> serde_json::Value {
    let output = run(data_dir, &["status"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("status is not JSON: {e}"))
}

/// A read-only connection to a SQLite database file, to look at what a running server
/// wrote without disturbing it (WAL readers do not block the writer).
pub async fn read_only_sqlite(file: &Path) -> sea_orm::DatabaseConnection {
    sea_orm::Database::connect(format!("sqlite://{}?mode=ro", file.display()))
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// An HTTP client for talking to a server under test. The TLS provider is installed
/// first because reqwest is built without one (see DEPENDENCIES.md, pitfall 1).
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .cookie_store(true)
        .build()
        .unwrap_or_else(|e| panic!("http client: {e}"))
}

/// A `techmatch serve` process on an ephemeral port, killed when dropped.
pub struct Server {
    child: std::process::Child,
    pub base: String,
    /// Where the server writes its mail as `.eml` files when it has no mail server.
    mail_dir: PathBuf,
    /// The test SMTP server it delivers to instead, when it has one.
    inbox: Option<smtp::Inbox>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Kills the process at once (SIGKILL, as dropping does), as a crash would: no
    /// graceful shutdown, work in flight is left as it was.
    pub fn kill(self) {
        drop(self);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// For a server started with `TECHMATCH_SMTP_URL` pointing at `inbox`: its mail is
    /// read there rather than from its data directory.
    pub fn reading_mail_from(mut self, inbox: &smtp::Inbox) -> Self {
        self.inbox = Some(inbox.clone());
        self
    }

    /// How many mails the server sent so far mention `address` and satisfy `wanted`.
    pub fn mail_count(&self, address: &str, wanted: impl Fn(&str) -> bool) -> usize {
        let matches = |m: &str| m.contains(address) && wanted(m);
        if let Some(inbox) = &self.inbox {
            return inbox.count(matches);
        }
        std::fs::read_dir(&self.mail_dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                    .filter(|m| matches(m))
                    .count()
            })
            .unwrap_or(0)
    }

    /// Waits for a mail the server sent that mentions `address` and satisfies
    /// `wanted` (the newest such mail), wherever the server delivers.
    pub async fn mail_to(&self, address: &str, wanted: impl Fn(&str) -> bool) -> String {
        let matches = |m: &str| m.contains(address) && wanted(m);
        if let Some(inbox) = &self.inbox {
            return inbox.wait_for(matches).await;
        }
        for _ in 0..150 {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&self.mail_dir)
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                        .collect()
                })
                .unwrap_or_default();
            files.sort();
            let found = files
                .iter()
                .rev()
                .filter_map(|p| std::fs::read_to_string(p).ok())
                .find(|m| matches(m));
            if let Some(mail) = found {
                return mail;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "no mail to {address} within 15 s in {}",
            self.mail_dir.display()
        );
    }
}

/// Starts `techmatch serve --demo` on the data directory's SQLite database.
pub fn start(data: &Path) -> Server {
    start_on(data, None)
}

/// Starts `techmatch serve --demo` with the database at `database_url` (or the data
/// directory's SQLite file) and waits until it announces its address.
pub fn start_on(data: &Path, database_url: Option<&str>) -> Server {
    start_with(data, database_url, &[])
}

/// As [`start_on`], with extra environment (for example the SMTP server to use).
pub fn start_with(data: &Path, database_url: Option<&str>, env: &[(&str, String)]) -> Server {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut command = techmatch(data);
    command.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    let mut child = command
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        // TECHMATCH_E2E_SERVER_LOG=1 shows the servers' warnings, to debug a test.
        .stderr(if std::env::var_os("TECHMATCH_E2E_SERVER_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start techmatch serve: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut base = None;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        if let Some(url) = line.strip_prefix("techmatch: ") {
            base = Some(url.trim_end_matches('/').to_owned());
            break;
        }
    }
    let base = base.unwrap_or_else(|| panic!("the server did not announce its address"));
    Server {
        child,
        base,
        mail_dir: data.join("mail"),
        inbox: None,
    }
}
