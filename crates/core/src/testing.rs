//! Test support shared by the workspace's test suites: a fresh database per test on
//! every backend the machine offers.
//!
//! SQLite always runs. PostgreSQL runs when reachable at `TECHMATCH_TEST_PG_URL`
//! (default `postgres://postgres@127.0.0.1:5432`); with `TECHMATCH_TEST_PG=require`
//! (as CI sets it) an unreachable server fails the test instead of skipping it.

use std::future::Future;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

use crate::db;

/// A database made for one test; PostgreSQL ones are dropped by [`TestDb::cleanup`].
pub struct TestDb {
    pub conn: DatabaseConnection,
    pub url: String,
    pub backend: &'static str,
    /// Keeps the SQLite directory alive for the test's duration.
    pub dir: Option<tempfile::TempDir>,
    admin: Option<(DatabaseConnection, String)>,
}

impl TestDb {
    /// Drops a PostgreSQL test database; SQLite files go with their directory.
    pub async fn cleanup(self) {
        let TestDb { conn, admin, .. } = self;
        let _ = conn.close().await;
        if let Some((admin, name)) = admin {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
        }
    }
}

/// The base URL of the PostgreSQL server used by tests.
pub fn pg_base_url() -> String {
    std::env::var("TECHMATCH_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

fn pg_required() -> bool {
    std::env::var("TECHMATCH_TEST_PG").is_ok_and(|v| v == "require")
}

/// A fresh SQLite database in a temporary directory, migrated.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let url = db::database_url(None, dir.path());
    let conn = db::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("sqlite: {e}"));
    TestDb {
        conn,
        url,
        backend: "sqlite",
        dir: Some(dir),
        admin: None,
    }
}

/// A freshly created, migrated PostgreSQL database, or `None` when no server answers
/// and PostgreSQL is not required.
pub async fn postgres() -> Option<TestDb> {
    let base = pg_base_url();
    let admin = match Database::connect(format!("{base}/postgres")).await {
        Ok(admin) => admin,
        Err(error) if !pg_required() => {
            eprintln!("skipping PostgreSQL: {error}");
            return None;
        }
        Err(error) => panic!("PostgreSQL required but unreachable: {error}"),
    };
    let name = format!("techmatch_test_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap_or_else(|e| panic!("create database: {e}"));
    let url = format!("{base}/{name}");
    let conn = db::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("postgres: {e}"));
    Some(TestDb {
        conn,
        url,
        backend: "postgres",
        dir: None,
        admin: Some((admin, name)),
    })
}

/// Runs `test` once on SQLite and once on PostgreSQL (when available), each time on a
/// fresh database.
pub async fn on_each_backend<F, Fut>(test: F)
where
    F: Fn(TestDb) -> Fut,
    Fut: Future<Output = TestDb>,
{
    let done = test(sqlite().await).await;
    done.cleanup().await;
    if let Some(pg) = postgres().await {
        let done = test(pg).await;
        done.cleanup().await;
    }
}
