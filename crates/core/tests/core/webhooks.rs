//! Webhooks on real databases: who may register them and what is refused, and the
//! outbox's fan-out: one post per webhook and cause whichever member the notice is
//! for, immediate whatever the member chose for mail, never for account notices or
//! members the bureau has not confirmed; a deleted webhook's posts are dropped.
//! Hostile members: hosts inside the bureau's network are refused at registration
//! and nothing is stored; personal notices never reach an organisation's webhooks;
//! a receiver's answer never reaches the members' view.

use chrono::{TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use techmatch_core::accounts::Role;
use techmatch_core::entities::outbox_entry;
use techmatch_core::posting::OrgKind;
use techmatch_core::services::outbox::{self, Notice, NoticeKind};
use techmatch_core::services::preferences::{self, Frequency};
use techmatch_core::services::users::{self, NewUser, User};
use techmatch_core::services::webhook_addresses::{self, AddressPolicy};
use techmatch_core::services::webhooks::{self, Message, WebhookInput};
use techmatch_core::testing::on_each_backend;
use techmatch_core::{CoreError, ErrorKind};

pub(crate) async fn user(
    conn: &sea_orm::DatabaseConnection,
    email: &str,
    name: &str,
    role: Role,
    org: (&str, OrgKind),
    vouched: bool,
) -> User {
    let new = NewUser {
        email: email.to_owned(),
        password: "a-good-password".to_owned(),
        display_name: name.to_owned(),
        role,
        organisation: Some(users::org_ref(org.0, org.1, None).unwrap()),
    };
    users::create(conn, &new, "x".to_owned(), vouched)
        .await
        .unwrap()
}

/// 王经理, a confirmed member of the enterprise.
async fn manager(conn: &sea_orm::DatabaseConnection) -> User {
    user(
        conn,
        "wang@ca.cn",
        "王经理",
        Role::Enterprise,
        ENTERPRISE,
        true,
    )
    .await
}

fn notice(to: &User, kind: NoticeKind, cause: &str) -> Notice {
    Notice {
        recipient_user_id: Some(to.id),
        address: to.email.clone(),
        kind,
        cause: cause.to_owned(),
        subject: "需求已通过审核".to_owned(),
        text: format!(
            "{}，您好：\n\n需求已公开发布。\n\n退订：https://x.cn/unsubscribe?u={}",
            to.display_name, to.id
        ),
        html: "<p>正文</p>".to_owned(),
        unsubscribe_url: Some(format!("https://x.cn/unsubscribe?u={}", to.id)),
        personal: false,
    }
}

fn input(url: &str, format: &str, secret: Option<&str>, kinds: &[&str]) -> WebhookInput {
    WebhookInput {
        url: url.to_owned(),
        format: format.to_owned(),
        secret: secret.map(str::to_owned),
        kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
    }
}

async fn posts(conn: &sea_orm::DatabaseConnection) -> Vec<outbox_entry::Model> {
    outbox_entry::Entity::find()
        .filter(outbox_entry::Column::Channel.eq("webhook"))
        .order_by_asc(outbox_entry::Column::Id)
        .all(conn)
        .await
        .unwrap()
}

const ENTERPRISE: (&str, OrgKind) = ("晋阳县测试钙业有限公司", OrgKind::Enterprise);

#[tokio::test]
async fn members_register_webhooks_and_each_cause_is_posted_once_per_webhook() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let reach = AddressPolicy::default();
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 8, 0, 0).unwrap();
        let wang = manager(conn).await;
        let li = user(conn, "li@ca.cn", "李工", Role::Enterprise, ENTERPRISE, true).await;
        let stranger = user(
            conn,
            "zhao@ca.cn",
            "赵某",
            Role::Enterprise,
            ENTERPRISE,
            false,
        )
        .await;
        let rival = user(
            conn,
            "boss@rival.cn",
            "对手",
            Role::Enterprise,
            ("别家公司", OrgKind::Enterprise),
            true,
        )
        .await;
        let admin = user(
            conn,
            "admin@kjj.cn",
            "管理员",
            Role::Admin,
            ("晋阳县科学技术局", OrgKind::Bureau),
            true,
        )
        .await;
        let org = wang.org_id.unwrap();
        assert_eq!(li.org_id, Some(org));
        assert!(!stranger.org_confirmed);

        // Refused: plain http, a generic webhook without a secret, account notices,
        // someone whose membership is unconfirmed, another organisation's member.
        let refused = [
            input(
                "http://hooks.ca.cn/in",
                "generic",
                Some("0123456789abcdef"),
                &["workflow"],
            ),
            input("https://hooks.ca.cn/in", "generic", None, &["workflow"]),
            input("https://hooks.ca.cn/in", "dingtalk", None, &["account"]),
            input("https://hooks.ca.cn/in", "slack", None, &["workflow"]),
        ];
        for bad in &refused {
            let error = webhooks::register(conn, &wang, org, bad, &reach, now)
                .await
                .unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Invalid, "{bad:?}: {error}");
        }
        let good = input(
            "https://hooks.ca.cn/in",
            "generic",
            Some("0123456789abcdef"),
            &["workflow"],
        );
        for outsider in [&stranger, &rival] {
            let error = webhooks::register(conn, outsider, org, &good, &reach, now)
                .await
                .unwrap_err();
            assert!(matches!(error, CoreError::Forbidden(_)), "{error}");
        }
        assert!(webhooks::own_org(&stranger).is_err());
        assert!(webhooks::list(conn, &rival, org).await.is_err());
        assert!(webhooks::list(conn, &wang, org).await.unwrap().is_empty());

        let generic = webhooks::register(conn, &wang, org, &good, &reach, now)
            .await
            .unwrap();
        let robot = input(
            "https://oapi.dingtalk.com/robot/send?access_token=t",
            "dingtalk",
            Some("SECabc"),
            &["match_alert", "workflow"],
        );
        let dingtalk = webhooks::register(conn, &li, org, &robot, &reach, now)
            .await
            .unwrap();
        assert_eq!(dingtalk.kinds, ["workflow", "match_alert"]);
        let listed = webhooks::list(conn, &admin, org).await.unwrap();
        assert_eq!(listed.len(), 2);
        assert!(
            listed
                .iter()
                .all(|w| w.has_secret && w.last_delivery.is_none())
        );
        assert!(
            !serde_json::to_string(&listed)
                .unwrap()
                .contains("0123456789abcdef"),
            "the secret is never shown"
        );

        // Wang has switched workflow mails off, Li takes them daily: the webhooks
        // still get the cause at once, once each.
        preferences::set(conn, wang.id, NoticeKind::Workflow, Frequency::Off, now)
            .await
            .unwrap();
        preferences::set(conn, li.id, NoticeKind::Workflow, Frequency::Daily, now)
            .await
            .unwrap();
        let cause = "moderation:need:1:approve:1";
        assert!(
            !outbox::enqueue(conn, &notice(&wang, NoticeKind::Workflow, cause), now)
                .await
                .unwrap(),
            "no mail for wang"
        );
        assert!(
            outbox::enqueue(conn, &notice(&li, NoticeKind::Workflow, cause), now)
                .await
                .unwrap(),
            "held for li's digest"
        );
        let sent = posts(conn).await;
        assert_eq!(sent.len(), 2, "one post per webhook: {sent:?}");
        for post in &sent {
            assert_eq!(post.status, "pending");
            assert_eq!(post.recipient_user_id, None);
            assert_eq!(post.kind, "workflow");
            assert_eq!(Message::of(post).cause, cause);
            assert_eq!(post.body_text, "需求已公开发布。", "no greeting, no link");
            assert!(post.unsubscribe_url.is_none());
        }
        let hooks: Vec<Option<i64>> = sent.iter().map(|p| p.webhook_id).collect();
        assert_eq!(hooks, [Some(generic.id), Some(dingtalk.id)]);
        assert_eq!(sent[0].address, "https://hooks.ca.cn/in");

        // Only the webhook taking match alerts; nothing for account notices or for a
        // member the bureau has not confirmed.
        outbox::enqueue(conn, &notice(&wang, NoticeKind::MatchAlert, "alert:1"), now)
            .await
            .unwrap();
        outbox::enqueue(conn, &notice(&wang, NoticeKind::Account, "reset:1"), now)
            .await
            .unwrap();
        outbox::enqueue(
            conn,
            &notice(&stranger, NoticeKind::Workflow, "other:1"),
            now,
        )
        .await
        .unwrap();
        let sent = posts(conn).await;
        assert_eq!(sent.len(), 3, "{sent:?}");
        assert_eq!(sent[2].webhook_id, Some(dingtalk.id));
        assert_eq!(sent[2].kind, "match_alert");

        // A deleted webhook: others cannot delete it (nor learn it exists), its
        // members can, and its queued post is dropped rather than sent.
        let error = webhooks::delete(conn, &rival, generic.id)
            .await
            .unwrap_err();
        assert!(matches!(error, CoreError::NotFound { .. }), "{error}");
        webhooks::delete(conn, &li, generic.id).await.unwrap();
        assert!(
            webhooks::deliverable(conn, generic.id)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            webhooks::deliverable(conn, dingtalk.id)
                .await
                .unwrap()
                .is_some()
        );
        let claimed = outbox::claim(conn, "w", 50, now).await.unwrap();
        let orphan = claimed
            .iter()
            .find(|n| n.webhook_id == Some(generic.id))
            .unwrap();
        outbox::mark_dropped(conn, orphan.id, "w", "webhook deleted or inactive")
            .await
            .unwrap();
        let summary = outbox::summary(conn).await.unwrap();
        assert_eq!(summary.dropped, 1, "{summary:?}");
        assert_eq!(
            summary.held, 2,
            "li's workflow and wang's match alert mails: {summary:?}"
        );

        // The newest post shows in the list.
        let listed = webhooks::list(conn, &wang, org).await.unwrap();
        assert_eq!(listed.len(), 1);
        let last = listed[0].last_delivery.clone().unwrap();
        assert_eq!(last.status, "sending");

        // At most ten per organisation.
        for n in 1..webhooks::MAX_PER_ORG {
            let more = input(
                &format!("https://hooks.ca.cn/{n}"),
                "wecom",
                None,
                &["workflow"],
            );
            webhooks::register(conn, &wang, org, &more, &reach, now)
                .await
                .unwrap();
        }
        let eleventh = input("https://hooks.ca.cn/11", "wecom", None, &["workflow"]);
        let error = webhooks::register(conn, &wang, org, &eleventh, &reach, now)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Conflict, "{error}");
        db
    })
    .await;
}

#[tokio::test]
async fn a_member_cannot_point_a_webhook_inside_the_bureau_s_network() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 8, 0, 0).unwrap();
        let wang = manager(conn).await;
        let org = wang.org_id.unwrap();
        let reach = AddressPolicy::default();
        for url in [
            "https://127.0.0.1:3000/api/v1/outbox",
            "https://localhost:5432/",
            "https://[::1]/hook",
            "https://10.20.0.5/hook",
            "https://192.168.1.1/admin",
            "https://169.254.169.254/latest/meta-data/",
            "https://100.64.0.1/hook",
            "https://[fd00::1]/hook",
            "https://0.0.0.0:8080/hook",
            "https://2130706433/hook",
        ] {
            let hostile = input(url, "wecom", None, &["workflow"]);
            let error = webhooks::register(conn, &wang, org, &hostile, &reach, now)
                .await
                .unwrap_err();
            assert!(
                matches!(&error, CoreError::Invalid { field: "url", reason } if reason.contains("内网")),
                "{url}: {error}"
            );
        }
        assert!(webhooks::list(conn, &wang, org).await.unwrap().is_empty());

        // An intranet deployment names its receivers' range: that range only.
        let intranet = AddressPolicy::allowing(vec![
            webhook_addresses::parse_range("10.20.0.0/16").unwrap(),
        ]);
        let inside = input("https://10.20.0.5/hook", "wecom", None, &["workflow"]);
        webhooks::register(conn, &wang, org, &inside, &intranet, now)
            .await
            .unwrap();
        let elsewhere = input("https://10.21.0.5/hook", "wecom", None, &["workflow"]);
        assert!(
            webhooks::register(conn, &wang, org, &elsewhere, &intranet, now)
                .await
                .is_err()
        );
        assert_eq!(webhooks::list(conn, &wang, org).await.unwrap().len(), 1);
        db
    })
    .await;
}

#[tokio::test]
async fn personal_notices_never_reach_an_organisation_s_webhooks() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 8, 0, 0).unwrap();
        let wang = manager(conn).await;
        let org = wang.org_id.unwrap();
        let reach = AddressPolicy::default();
        // A saved search is one member's: a webhook cannot take its alerts.
        let error = webhooks::register(
            conn,
            &wang,
            org,
            &input("https://hooks.ca.cn/in", "wecom", None, &["saved_search"]),
            &reach,
            now,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&error, CoreError::Invalid { field: "kinds", .. }),
            "{error}"
        );
        let hook = webhooks::register(
            conn,
            &wang,
            org,
            &input(
                "https://hooks.ca.cn/in",
                "wecom",
                None,
                &["workflow", "match_alert"],
            ),
            &reach,
            now,
        )
        .await
        .unwrap();
        // A webhook stored before saved searches were refused still takes none.
        techmatch_core::entities::webhook::Entity::update_many()
            .col_expr(
                techmatch_core::entities::webhook::Column::Kinds,
                "workflow,match_alert,saved_search".into(),
            )
            .exec(conn)
            .await
            .unwrap();

        let panel_seat = Notice {
            personal: true,
            ..notice(&wang, NoticeKind::Workflow, "challenge-event:7")
        };
        for personal in [
            panel_seat,
            notice(&wang, NoticeKind::SavedSearch, "saved-search:1:need:3"),
            notice(&wang, NoticeKind::Account, "password-reset:1"),
        ] {
            outbox::enqueue(conn, &personal, now).await.unwrap();
        }
        assert!(posts(conn).await.is_empty(), "{:?}", posts(conn).await);
        // The member still gets each by mail.
        let mails = outbox_entry::Entity::find()
            .filter(outbox_entry::Column::Channel.eq("email"))
            .all(conn)
            .await
            .unwrap();
        assert_eq!(mails.len(), 3, "{mails:?}");

        outbox::enqueue(
            conn,
            &notice(&wang, NoticeKind::Workflow, "moderation:need:1:approve:1"),
            now,
        )
        .await
        .unwrap();
        let sent = posts(conn).await;
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].webhook_id, Some(hook.id));
        db
    })
    .await;
}

#[tokio::test]
async fn members_read_a_failure_s_reason_never_the_receiver_s_answer() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 8, 0, 0).unwrap();
        let wang = manager(conn).await;
        let org = wang.org_id.unwrap();
        webhooks::register(
            conn,
            &wang,
            org,
            &input("https://hooks.ca.cn/in", "wecom", None, &["workflow"]),
            &AddressPolicy::default(),
            now,
        )
        .await
        .unwrap();
        outbox::enqueue(conn, &notice(&wang, NoticeKind::Workflow, "c:1"), now)
            .await
            .unwrap();
        let claimed = outbox::claim(conn, "w", 10, now).await.unwrap();
        let post = claimed.iter().find(|n| n.channel == "webhook").unwrap();
        // A row written by an older worker, with the receiver's answer after a colon.
        outbox::mark_failed(
            conn,
            post,
            "w",
            "http status 500: <title>内网 OA 登录</title>",
            now,
        )
        .await
        .unwrap();
        let listed = webhooks::list(conn, &wang, org).await.unwrap();
        let last = listed[0].last_delivery.clone().unwrap();
        assert_eq!(last.last_error.as_deref(), Some("http status 500"));
        db
    })
    .await;
}

#[tokio::test]
async fn a_post_given_back_for_want_of_room_keeps_its_attempts() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 8, 0, 0).unwrap();
        let wang = manager(conn).await;
        outbox::enqueue(conn, &notice(&wang, NoticeKind::Workflow, "c:1"), now)
            .await
            .unwrap();
        let claimed = outbox::claim(conn, "w", 10, now).await.unwrap();
        assert_eq!(claimed[0].attempts, 1);
        let later = now + chrono::Duration::seconds(2);
        outbox::defer(conn, claimed[0].id, "w", later)
            .await
            .unwrap();
        assert!(outbox::claim(conn, "w", 10, now).await.unwrap().is_empty());
        let again = outbox::claim(conn, "w", 10, later).await.unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].attempts, 1, "giving back is not a failed attempt");
        db
    })
    .await;
}
