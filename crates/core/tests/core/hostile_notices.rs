//! Notices under concurrent writers on PostgreSQL, where rows become visible at commit
//! and not in the order their numbers were drawn: the 揭榜挂帅 notice follower never
//! skips an event, and a digest never lists a notice another node released meanwhile.
//! SQLite has one writer and cannot show either race.

use std::time::Duration;

use chrono::{TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use techmatch_core::accounts::Role;
use techmatch_core::entities::{challenge_event, outbox_entry};
use techmatch_core::posting::OrgKind;
use techmatch_core::services::outbox::{self, Notice, NoticeKind};
use techmatch_core::services::preferences::{self, Frequency};
use techmatch_core::services::{challenges, digests};
use techmatch_core::testing;

use super::webhooks::user;

/// How long a writer that should be waiting for a lock is given to prove it is not.
const BLOCKED_FOR: Duration = Duration::from_millis(700);

#[tokio::test]
async fn challenge_events_become_visible_in_the_order_they_are_numbered() {
    let Some(db) = testing::postgres().await else {
        return;
    };
    let conn = db.conn.clone();
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 2, 0, 0).unwrap();
    // A slow step: its event is numbered first, its transaction commits late.
    let slow = conn.begin().await.unwrap();
    challenges::record_event(&slow, 1, None, None, "challenge.approve", None, now)
        .await
        .unwrap();
    let quick_conn = conn.clone();
    let quick = tokio::spawn(async move {
        let txn = quick_conn.begin().await.unwrap();
        challenges::record_event(&txn, 2, None, None, "challenge.approve", None, now)
            .await
            .unwrap();
        txn.commit().await.unwrap();
    });
    tokio::time::sleep(BLOCKED_FOR).await;
    // What the follower would read now: nothing, rather than the quick step's event
    // with the slow step's lower number still invisible (and then skipped for good).
    let visible = challenge_event::Entity::find().all(&conn).await.unwrap();
    assert!(visible.is_empty(), "{visible:?}");
    assert!(
        !quick.is_finished(),
        "the second writer waits for the first"
    );
    slow.commit().await.unwrap();
    quick.await.unwrap();
    let events = challenge_event::Entity::find()
        .order_by_asc(challenge_event::Column::Id)
        .all(&conn)
        .await
        .unwrap();
    let calls: Vec<i64> = events.iter().map(|e| e.challenge_id).collect();
    assert_eq!(calls, [1, 2], "numbered in commit order");
    db.cleanup().await;
}

#[tokio::test]
async fn a_digest_never_lists_a_notice_released_meanwhile() {
    let Some(db) = testing::postgres().await else {
        return;
    };
    let conn = db.conn.clone();
    let held_at = Utc.with_ymd_and_hms(2026, 12, 3, 4, 0, 0).unwrap();
    let now = held_at + chrono::Duration::days(2);
    let li = user(
        &conn,
        "li@ca.cn",
        "李工",
        Role::Enterprise,
        ("晋阳县测试钙业有限公司", OrgKind::Enterprise),
        true,
    )
    .await;
    let alert = Notice {
        recipient_user_id: Some(li.id),
        address: li.email.clone(),
        kind: NoticeKind::MatchAlert,
        cause: "match:1:2".to_owned(),
        subject: "新的匹配".to_owned(),
        text: "正文".to_owned(),
        html: "<p>正文</p>".to_owned(),
        unsubscribe_url: None,
        personal: false,
    };
    assert!(outbox::enqueue(&conn, &alert, held_at).await.unwrap());
    let held = outbox_entry::Entity::find()
        .filter(outbox_entry::Column::Status.eq("held"))
        .one(&conn)
        .await
        .unwrap()
        .unwrap();

    // Another node is releasing the notice (li now wants match alerts at once) and
    // has not committed yet when this node builds the digests.
    let releasing = conn.begin().await.unwrap();
    preferences::set(
        &releasing,
        li.id,
        NoticeKind::MatchAlert,
        Frequency::Immediate,
        now,
    )
    .await
    .unwrap();
    outbox_entry::Entity::update_many()
        .col_expr(outbox_entry::Column::Status, "pending".into())
        .filter(outbox_entry::Column::Id.eq(held.id))
        .exec(&releasing)
        .await
        .unwrap();
    let building_conn = conn.clone();
    let building = tokio::spawn(async move {
        digests::build_due(&building_conn, "https://kjj.example.cn", now)
            .await
            .unwrap()
    });
    tokio::time::sleep(BLOCKED_FOR).await;
    releasing.commit().await.unwrap();
    let built = building.await.unwrap();

    assert_eq!(built, 0, "no digest lists the released notice");
    let rows = outbox_entry::Entity::find()
        .order_by_asc(outbox_entry::Column::Id)
        .all(&conn)
        .await
        .unwrap();
    let states: Vec<&str> = rows.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(states, ["pending"], "sent once, alone: {rows:?}");
    db.cleanup().await;
}
