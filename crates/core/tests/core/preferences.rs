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

/// Review: the bureau approves P1, a confidential need C and P2 minutes apart; a saved
/// search at the default daily frequency held all three, and the digest listed them in
/// the order of approval, placing C between P1 and P2. The digest lists by public id.
#[tokio::test]
async fn a_digest_lists_its_notices_by_public_id_not_in_the_order_of_approval() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let new = NewUser {
            email: "someone@example.cn".to_owned(),
            password: "a-good-password".to_owned(),
            display_name: "某人".to_owned(),
            role: Role::Enterprise,
            organisation: Some(
                users::org_ref(
                    "某某公司",
                    techmatch_core::posting::OrgKind::Enterprise,
                    None,
                )
                .unwrap(),
            ),
        };
        let user = users::create(conn, &new, "x".to_owned(), true)
            .await
            .unwrap();
        // 2026-12-03 10:00, 10:03, 10:06 CST; the digest is due 2026-12-04 08:00 CST.
        let approved = |minute| Utc.with_ymd_and_hms(2026, 12, 3, 2, minute, 0).unwrap();
        for (minute, id) in [
            (0, "WN-c00000000001"),
            (3, "WN-a00000000002"),
            (6, "WN-b00000000003"),
        ] {
            let mut held = notice(
                user.id,
                NoticeKind::SavedSearch,
                &format!("saved-search:1:need:{id}"),
            );
            held.subject = id.to_owned();
            assert!(
                outbox::enqueue(conn, &held, approved(minute))
                    .await
                    .unwrap()
            );
        }
        let due = Utc.with_ymd_and_hms(2026, 12, 4, 0, 1, 0).unwrap();
        assert_eq!(
            techmatch_core::services::digests::build_due(conn, "https://kjj.example.cn", due)
                .await
                .unwrap(),
            1
        );
        let digest = outbox::claim(conn, "w", 10, due).await.unwrap();
        assert_eq!(digest.len(), 1);
        let text = &digest[0].body_text;
        let at = |id: &str| text.find(id).unwrap_or_else(|| panic!("{id} in {text}"));
        assert!(
            at("WN-a00000000002") < at("WN-b00000000003")
                && at("WN-b00000000003") < at("WN-c00000000001"),
            "{text}"
        );
        db
    })
    .await;
}
