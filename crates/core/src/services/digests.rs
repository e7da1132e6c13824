//! Digests: the notices a user chose to receive daily or weekly are held in the outbox
//! and sent as one mail per kind and period, at 08:00 Beijing time (daily: every day;
//! weekly: on Mondays) for everything held before then. Reading the held notices,
//! building the digest and marking them is one transaction, under a (recipient, kind,
//! period) key, so a digest is never sent twice nor a notice lost, whichever node
//! builds it. On PostgreSQL the held notices are read `FOR UPDATE`: a notice another
//! node releases (its recipient now wants it at once) or digests meanwhile waits for
//! this transaction and is then left alone, so it never goes out both alone and in a
//! digest. SQLite has one writer and needs no lock.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use crate::challenge::calendar::china_standard_time;
use crate::entities::outbox_entry;
use crate::services::outbox::{self, Notice};
use crate::services::preferences::{self, Frequency};
use crate::{CoreResult, t};

/// The hour (Beijing time) digests go out.
const DIGEST_HOUR: u32 = 8;

/// The start of the period whose digest is due at `now`: today's (daily) or this
/// Monday's (weekly) 08:00 Beijing time, if already past, else the one before.
pub fn period_start(frequency: Frequency, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let cst = china_standard_time();
    let local = now.with_timezone(&cst);
    let at_eight = |date: chrono::NaiveDate| {
        cst.from_local_datetime(&date.and_time(NaiveTime::from_hms_opt(DIGEST_HOUR, 0, 0)?))
            .single()
            .map(|t| t.with_timezone(&Utc))
    };
    let today = at_eight(local.date_naive())?;
    match frequency {
        Frequency::Daily => Some(if now >= today {
            today
        } else {
            today - Duration::days(1)
        }),
        Frequency::Weekly => {
            let monday = local.date_naive()
                - Duration::days(i64::from(local.weekday().num_days_from_monday()));
            let start = at_eight(monday)?;
            Some(if now >= start {
                start
            } else {
                start - Duration::days(7)
            })
        }
        Frequency::Immediate | Frequency::Off => None,
    }
}

/// Builds the digests due at `now` and releases held notices whose recipient has since
/// chosen to hear at once (or drops them when they chose off). Returns the number of
/// digests enqueued.
///
/// # Errors
/// Database errors.
pub async fn build_due(
    conn: &sea_orm::DatabaseConnection,
    base_url: &str,
    now: DateTime<Utc>,
) -> CoreResult<usize> {
    // Which (recipient, kind) hold notices, and since when: a small aggregate, so that
    // the check every tick does not load every held notice (a large import holds tens
    // of thousands of match alerts until the next digest).
    let held: Vec<(Option<i64>, String, DateTime<Utc>)> = outbox_entry::Entity::find()
        .select_only()
        .column(outbox_entry::Column::RecipientUserId)
        .column(outbox_entry::Column::Kind)
        .column_as(outbox_entry::Column::CreatedAt.min(), "oldest")
        .filter(outbox_entry::Column::Status.eq("held"))
        .group_by(outbox_entry::Column::RecipientUserId)
        .group_by(outbox_entry::Column::Kind)
        .into_tuple()
        .all(conn)
        .await?;
    let mut built = 0;
    for (user_id, kind_code, oldest) in held {
        let Some(user_id) = user_id else {
            continue;
        };
        let Some(kind) = preferences::kind_of(&kind_code) else {
            continue;
        };
        let frequency = preferences::frequency(conn, user_id, kind).await?;
        if period_start(frequency, now).is_some_and(|start| oldest >= start) {
            // Nothing held is due yet, and the user still wants a digest.
            continue;
        }
        let txn = conn.begin().await?;
        let notices = outbox_entry::Entity::find()
            .filter(outbox_entry::Column::Status.eq("held"))
            .filter(outbox_entry::Column::RecipientUserId.eq(user_id))
            .filter(outbox_entry::Column::Kind.eq(kind_code.as_str()))
            .order_by_asc(outbox_entry::Column::Id)
            .lock_exclusive()
            .all(&txn)
            .await?;
        let frequency = preferences::frequency(&txn, user_id, kind).await?;
        let ids: Vec<i64> = notices.iter().map(|n| n.id).collect();
        match period_start(frequency, now) {
            None => {
                let status = if frequency == Frequency::Off {
                    "dropped"
                } else {
                    "pending"
                };
                set_status(&txn, &ids, status, now).await?;
            }
            Some(start) => {
                let mut due: Vec<&outbox_entry::Model> =
                    notices.iter().filter(|n| n.created_at < start).collect();
                // Listed by cause, not in the order they were written: a match alert's
                // or a saved search's cause names postings by public id, and the order
                // of writing is the order in which the bureau approved them, which
                // would place a confidential need among public ones.
                due.sort_by(|a, b| digest_order(a).cmp(&digest_order(b)));
                if let Some(first) = due.first() {
                    let items: Vec<String> = due
                        .iter()
                        .map(|n| t!("digest-item", subject = n.subject.as_str()))
                        .collect();
                    let text = t!(
                        "digest-body",
                        count = due.len(),
                        items = items.join("\n"),
                        link = format!("{base_url}/me")
                    );
                    let html = format!(
                        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head><body><pre>{}</pre></body></html>",
                        text.replace('&', "&amp;")
                            .replace('<', "&lt;")
                            .replace('>', "&gt;")
                    );
                    let period = start
                        .with_timezone(&china_standard_time())
                        .format("%Y-%m-%d");
                    let notice = Notice {
                        recipient_user_id: Some(user_id),
                        address: first.address.clone(),
                        kind,
                        cause: format!("digest:{kind_code}:{}:{period}", frequency.code()),
                        subject: t!(
                            "digest-subject",
                            count = due.len(),
                            period = period.to_string()
                        ),
                        text,
                        html,
                        unsubscribe_url: first.unsubscribe_url.clone(),
                        personal: false,
                    };
                    let key = format!("user:{user_id}|{}", notice.cause);
                    if outbox::insert(&txn, &notice, &key, "pending", now).await? {
                        built += 1;
                    }
                    let due_ids: Vec<i64> = due.iter().map(|n| n.id).collect();
                    set_status(&txn, &due_ids, "digested", now).await?;
                }
            }
        }
        txn.commit().await?;
    }
    Ok(built)
}

/// Where a held notice stands in its digest: its cause (the part of its key after the
/// recipient), then its id for notices of one cause.
fn digest_order(notice: &outbox_entry::Model) -> (&str, i64) {
    let cause = notice
        .dedup_key
        .split_once('|')
        .map_or(notice.dedup_key.as_str(), |(_, cause)| cause);
    (cause, notice.id)
}

async fn set_status(
    conn: &impl ConnectionTrait,
    ids: &[i64],
    status: &str,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    outbox_entry::Entity::update_many()
        .col_expr(outbox_entry::Column::Status, status.into())
        .col_expr(outbox_entry::Column::NextAttemptAt, now.into())
        .filter(outbox_entry::Column::Id.is_in(ids.iter().copied()))
        .filter(outbox_entry::Column::Status.eq("held"))
        .exec(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_digests_cover_until_eight_in_the_morning_in_beijing() {
        // 2026-12-02 07:59 CST is before today's 08:00: the period started yesterday.
        let before = Utc.with_ymd_and_hms(2026, 12, 1, 23, 59, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 12, 2, 0, 1, 0).unwrap();
        assert_eq!(
            period_start(Frequency::Daily, before),
            Some(Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap())
        );
        assert_eq!(
            period_start(Frequency::Daily, after),
            Some(Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).unwrap())
        );
        // Wednesday 2026-12-02: the week started Monday 2026-11-30 at 08:00 CST.
        assert_eq!(
            period_start(Frequency::Weekly, after),
            Some(Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap())
        );
        assert_eq!(period_start(Frequency::Immediate, after), None);
    }
}
