//! Webhooks on real databases: who may register them and what is refused, and the
//! outbox's fan-out: one post per webhook and cause whichever member the notice is
//! for, immediate whatever the member chose for mail, never for account notices or
//! members the bureau has not confirmed; a deleted webhook's posts are dropped.

use chrono::{TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use techmatch_core::accounts::Role;
use techmatch_core::entities::outbox_entry;
use techmatch_core::posting::OrgKind;
use techmatch_core::services::outbox::{self, Notice, NoticeKind};
use techmatch_core::services::preferences::{self, Frequency};
use techmatch_core::services::users::{self, NewUser, User};
use techmatch_core::services::webhooks::{self, Message, WebhookInput};
use techmatch_core::testing::on_each_backend;
use techmatch_core::{CoreError, ErrorKind};

async fn user(
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
        let now = Utc.with_ymd_and_hms(2026, 12, 4, 8, 0, 0).unwrap();
        let wang = user(
            conn,
            "wang@ca.cn",
            "王经理",
            Role::Enterprise,
            ENTERPRISE,
            true,
        )
        .await;
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
            let error = webhooks::register(conn, &wang, org, bad, now)
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
            let error = webhooks::register(conn, outsider, org, &good, now)
                .await
                .unwrap_err();
            assert!(matches!(error, CoreError::Forbidden(_)), "{error}");
        }
        assert!(webhooks::own_org(&stranger).is_err());
        assert!(webhooks::list(conn, &rival, org).await.is_err());
        assert!(webhooks::list(conn, &wang, org).await.unwrap().is_empty());

        let generic = webhooks::register(conn, &wang, org, &good, now)
            .await
            .unwrap();
        let robot = input(
            "https://oapi.dingtalk.com/robot/send?access_token=t",
            "dingtalk",
            Some("SECabc"),
            &["match_alert", "workflow"],
        );
        let dingtalk = webhooks::register(conn, &li, org, &robot, now)
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
            webhooks::register(conn, &wang, org, &more, now)
                .await
                .unwrap();
        }
        let eleventh = input("https://hooks.ca.cn/11", "wecom", None, &["workflow"]);
        let error = webhooks::register(conn, &wang, org, &eleventh, now)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Conflict, "{error}");
        db
    })
    .await;
}
