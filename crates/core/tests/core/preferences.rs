//! Notification preferences on real databases: a kind switched off is not enqueued, a
//! digest kind is held (never claimed alone), account notices always go out, a choice
//! can be changed, and an unsubscribe link holds only with its signature.

use chrono::{TimeZone, Utc};
use techmatch_core::accounts::Role;
use techmatch_core::services::outbox::{self, Notice, NoticeKind};
use techmatch_core::services::preferences::{self, Frequency};
use techmatch_core::services::settings;
use techmatch_core::services::users::{self, NewUser};
use techmatch_core::testing::on_each_backend;

fn notice(user_id: i64, kind: NoticeKind, cause: &str) -> Notice {
    Notice {
        recipient_user_id: Some(user_id),
        address: "someone@example.cn".to_owned(),
        kind,
        cause: cause.to_owned(),
        subject: "主题".to_owned(),
        text: "正文".to_owned(),
        html: "<p>正文</p>".to_owned(),
        unsubscribe_url: None,
        personal: false,
    }
}

#[tokio::test]
async fn preferences_decide_what_is_enqueued_and_links_need_their_signature() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 8, 0, 0).unwrap();
        let new = NewUser {
            email: "someone@example.cn".to_owned(),
            password: "a-good-password".to_owned(),
            display_name: "某人".to_owned(),
            role: Role::Admin,
            organisation: Some(
                users::org_ref(
                    "晋阳县科学技术局",
                    techmatch_core::posting::OrgKind::Bureau,
                    None,
                )
                .unwrap(),
            ),
        };
        let user = users::create(conn, &new, "x".to_owned(), true)
            .await
            .unwrap();

        let defaults = preferences::get(conn, user.id).await.unwrap();
        assert_eq!(
            defaults,
            vec![
                (NoticeKind::Workflow, Frequency::Immediate),
                (NoticeKind::MatchAlert, Frequency::Daily),
                (NoticeKind::SavedSearch, Frequency::Daily),
                (NoticeKind::Account, Frequency::Immediate),
            ]
        );

        // A digest kind is held: enqueued, never claimed alone.
        assert!(
            outbox::enqueue(conn, &notice(user.id, NoticeKind::MatchAlert, "m1"), now)
                .await
                .unwrap()
        );
        assert!(outbox::claim(conn, "w", 10, now).await.unwrap().is_empty());

        // Switched off, then changed again: the last choice holds.
        preferences::set(conn, user.id, NoticeKind::Workflow, Frequency::Weekly, now)
            .await
            .unwrap();
        preferences::set(conn, user.id, NoticeKind::Workflow, Frequency::Off, now)
            .await
            .unwrap();
        assert!(
            !outbox::enqueue(conn, &notice(user.id, NoticeKind::Workflow, "w1"), now)
                .await
                .unwrap()
        );
        // Account notices cannot be switched off and always go out at once.
        assert!(
            preferences::set(conn, user.id, NoticeKind::Account, Frequency::Off, now)
                .await
                .is_err()
        );
        assert!(
            outbox::enqueue(conn, &notice(user.id, NoticeKind::Account, "a1"), now)
                .await
                .unwrap()
        );
        assert_eq!(outbox::claim(conn, "w", 10, now).await.unwrap().len(), 1);

        // The secret is made once; a link holds with its signature only.
        let secret = settings::secret(conn, "unsubscribe", now).await.unwrap();
        assert_eq!(secret.len(), 64);
        assert_eq!(
            settings::secret(conn, "unsubscribe", now).await.unwrap(),
            secret
        );
        let token = preferences::unsubscribe_token(&secret, user.id, NoticeKind::SavedSearch);
        assert!(
            preferences::unsubscribe(conn, user.id, "saved_search", "00", now)
                .await
                .is_err()
        );
        assert!(
            preferences::unsubscribe(conn, user.id + 1, "saved_search", &token, now)
                .await
                .is_err()
        );
        assert_eq!(
            preferences::frequency(conn, user.id, NoticeKind::SavedSearch)
                .await
                .unwrap(),
            Frequency::Daily
        );
        preferences::unsubscribe(conn, user.id, "saved_search", &token, now)
            .await
            .unwrap();
        assert_eq!(
            preferences::frequency(conn, user.id, NoticeKind::SavedSearch)
                .await
                .unwrap(),
            Frequency::Off
        );
        let account = preferences::unsubscribe_token(&secret, user.id, NoticeKind::Account);
        assert!(
            preferences::unsubscribe(conn, user.id, "account", &account, now)
                .await
                .is_err(),
            "account notices have no unsubscribe link"
        );
        db
    })
    .await;
}
