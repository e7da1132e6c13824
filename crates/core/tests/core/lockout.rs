//! Account lockout under concurrent guesses, on every backend.

use chrono::Utc;
use techmatch_core::services::lockout::{self, FAILURES_TO_LOCK};
use techmatch_core::testing::on_each_backend;

#[tokio::test]
async fn concurrent_failures_lock_once_and_nothing_in_flight_lifts_the_lock() {
    on_each_backend(|db| async move {
        let now = Utc::now();
        let email = "target@example.cn";
        let guesses = (0..FAILURES_TO_LOCK + 5).map(|_| {
            let conn = db.conn.clone();
            tokio::spawn(async move { lockout::record_failure(&conn, email, now).await })
        });
        let mut locks = 0;
        for guess in guesses {
            let started = guess
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|e| panic!("{}: {e}", db.backend));
            locks += usize::from(started.is_some());
        }
        assert_eq!(
            locks, 1,
            "{}: exactly one failure starts the lock",
            db.backend
        );
        let until = lockout::locked_until(&db.conn, email, now)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            until.is_some(),
            "{}: still locked after the late failures",
            db.backend
        );
        // Another address is not affected; a cleared address is free again.
        assert!(
            lockout::locked_until(&db.conn, "other@example.cn", now)
                .await
                .unwrap_or_default()
                .is_none()
        );
        lockout::clear(&db.conn, email)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            lockout::locked_until(&db.conn, email, now)
                .await
                .unwrap_or_default()
                .is_none()
        );
        db
    })
    .await;
}
