//! End-to-end tests through the real binary. One test binary, one module per capability.

mod catch_up;
mod cli_lists;
mod serve;

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
