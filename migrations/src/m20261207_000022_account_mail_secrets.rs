//! Account mails delivered or dead-lettered before their links were forgotten.
//!
//! An account mail (registration, password reset, appointment) carries a link that
//! signs its reader in as the recipient. Today's code removes the link's secret in the
//! same statement that records the mail as delivered or dead; rows that ended before
//! that still hold a working link in the database and its backups. This adds
//! `outbox.secrets_forgotten` (the flag the outbox reads instead of searching bodies)
//! and redacts every such row, a page of rows at a time so that a large outbox is never
//! held in memory. It runs in one transaction and can run again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Outbox {
    Table,
    SecretsForgotten,
}

/// How many rows one page reads.
const PAGE: i64 = 500;

/// `body` with the value of every `token=` link parameter replaced by `redacted`, as
/// `techmatch_core::services::outbox::redact_tokens` does (a migration keeps its own
/// copy: it must do what it did when it was written).
pub(crate) fn redact_tokens(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find("token=") {
        let (before, after) = rest.split_at(at + "token=".len());
        out.push_str(before);
        let secret_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(after.len());
        if secret_len > 0 {
            out.push_str("redacted");
        }
        rest = &after[secret_len..];
    }
    out.push_str(rest);
    out
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if !manager.has_column("outbox", "secrets_forgotten").await? {
            manager
                .alter_table(
                    Table::alter()
                        .table(Outbox::Table)
                        .add_column(
                            ColumnDef::new(Outbox::SecretsForgotten)
                                .boolean()
                                .not_null()
                                .default(false),
                        )
                        .to_owned(),
                )
                .await?;
        }
        let conn = manager.get_connection();
        let backend = manager.get_database_backend();
        let (select, update) = match backend {
            DbBackend::Postgres => (
                "SELECT id, body_text, body_html FROM outbox \
                 WHERE kind = 'account' AND status IN ('sent', 'dead') \
                 AND NOT secrets_forgotten AND id > $1 ORDER BY id LIMIT $2",
                "UPDATE outbox SET body_text = $1, body_html = $2, secrets_forgotten = TRUE \
                 WHERE id = $3",
            ),
            _ => (
                "SELECT id, body_text, body_html FROM outbox \
                 WHERE kind = 'account' AND status IN ('sent', 'dead') \
                 AND NOT secrets_forgotten AND id > ? ORDER BY id LIMIT ?",
                "UPDATE outbox SET body_text = ?, body_html = ?, secrets_forgotten = TRUE \
                 WHERE id = ?",
            ),
        };
        let mut after = 0_i64;
        loop {
            let rows = conn
                .query_all_raw(Statement::from_sql_and_values(
                    backend,
                    select,
                    [Value::from(after), Value::from(PAGE)],
                ))
                .await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = last.try_get_by_index(0)?;
            // One statement per account mail: there are as many as registrations and
            // resets, each redacted by code the database cannot run.
            for row in &rows {
                let id: i64 = row.try_get_by_index(0)?;
                let text: String = row.try_get_by_index(1)?;
                let html: String = row.try_get_by_index(2)?;
                let values: Vec<Value> = vec![
                    redact_tokens(&text).into(),
                    redact_tokens(&html).into(),
                    id.into(),
                ];
                conn.execute_raw(Statement::from_sql_and_values(backend, update, values))
                    .await?;
            }
        }
        Ok(())
    }

    /// Drops the flag; the secrets stay forgotten (nothing could bring them back).
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Outbox::Table)
                    .drop_column(Outbox::SecretsForgotten)
                    .to_owned(),
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_lose_their_secrets_and_nothing_else() {
        assert_eq!(
            redact_tokens("打开 https://x/password/reset?token=AbC-1_2 设置新密码"),
            "打开 https://x/password/reset?token=redacted 设置新密码"
        );
        assert_eq!(redact_tokens("token=redacted"), "token=redacted");
        assert_eq!(redact_tokens("没有链接"), "没有链接");
    }
}
