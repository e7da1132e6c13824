//! Sealed bids and clean panels, through the services on real databases: who may bid,
//! a consortium that cannot touch the organisation registry and links only to verified
//! organisations, an expert of a bidding organisation kept off the panel, and the cap
//! on an organisation's draft calls.

use chrono::Duration;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use techmatch_core::CoreError;
use techmatch_core::accounts::Role;
use techmatch_core::challenge::bid::BidAction;
use techmatch_core::challenge::lifecycle::ChallengeAction;
use techmatch_core::entities::{bid, challenge, organisation};
use techmatch_core::posting::OrgKind;
use techmatch_core::services::bids::{self, MemberInput};
use techmatch_core::services::challenges::{self, ActionInput, MAX_OPEN_DRAFTS};
use techmatch_core::services::users::User;
use techmatch_core::services::{brokers, organisations};
use techmatch_core::testing::on_each_backend;

use super::challenges::{bid_input, challenge_input, t0, user};

/// The bureau, an enterprise that publishes calls, and a university team that bids.
async fn cast(conn: &DatabaseConnection) -> (User, User, User) {
    let bureau = user(
        conn,
        "admin@kjj.cn",
        Role::Admin,
        Some(("晋阳县科学技术局", OrgKind::Bureau)),
    )
    .await;
    let publisher = user(
        conn,
        "boss@huagai.cn",
        Role::Enterprise,
        Some(("晋阳县华钙纳米材料有限公司", OrgKind::Enterprise)),
    )
    .await;
    let team = user(
        conn,
        "t@uni.cn",
        Role::Researcher,
        Some(("华北材料科技大学", OrgKind::University)),
    )
    .await;
    (bureau, publisher, team)
}

/// An open call of a fresh enterprise, approved by `bureau`. Returns its id.
async fn open_call(conn: &DatabaseConnection, bureau: &User, publisher: &User) -> i64 {
    let id = challenges::create(
        conn,
        publisher,
        &challenge_input(t0() + Duration::days(10)),
        t0(),
    )
    .await
    .unwrap();
    let none = ActionInput::default();
    challenges::act(conn, publisher, id, ChallengeAction::Submit, &none, t0())
        .await
        .unwrap();
    challenges::act(conn, bureau, id, ChallengeAction::Approve, &none, t0())
        .await
        .unwrap();
    id
}

fn forbidden(result: Result<impl std::fmt::Debug, CoreError>) -> String {
    match result {
        Err(CoreError::Forbidden(reason)) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn only_those_who_speak_for_an_organisation_bid() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let moderator = user(
            conn,
            "mod@kjj.cn",
            Role::Moderator,
            Some(("晋阳县科学技术局", OrgKind::Bureau)),
        )
        .await;
        let (bureau, publisher, team) = cast(conn).await;
        let expert = user(
            conn,
            "e@uni.cn",
            Role::Expert,
            Some(("华北材料科技大学", OrgKind::University)),
        )
        .await;
        let broker = user(
            conn,
            "b@agency.cn",
            Role::Broker,
            Some(("晋阳技术转移中心", OrgKind::Agency)),
        )
        .await;
        let id = open_call(conn, &bureau, &publisher).await;
        let input = bid_input("T", t0() + Duration::days(120));

        for (who, role) in [
            (&expert, "评审专家"),
            (&moderator, "审核员"),
            (&broker, "技术经理人"),
        ] {
            let reason = forbidden(bids::create(conn, who, id, &input, t0()).await);
            assert!(
                reason.contains("不能揭榜") && reason.contains(role),
                "{reason}"
            );
        }
        assert_eq!(
            bid::Entity::find().count(conn).await.unwrap(),
            0,
            "nothing saved"
        );

        // A broker acting for an assigned university bids in its name.
        let university = team.org_id.unwrap();
        brokers::assign(conn, &bureau, broker.id, university)
            .await
            .unwrap();
        let (acting, _) = brokers::act_for(conn, broker.clone(), university)
            .await
            .unwrap();
        let saved = bids::create(conn, &acting, id, &input, t0()).await.unwrap();
        assert_eq!(
            bids::model(conn, saved).await.unwrap().lead_org_id,
            university
        );
        // The expert employed there is not its bidder: they neither send nor read it.
        forbidden(bids::act(conn, &expert, saved, BidAction::Submit, t0()).await);
        forbidden(bids::edit(conn, &expert, saved, &input, t0()).await);
        let row = bids::model(conn, saved).await.unwrap();
        assert!(!bids::may_read(conn, &expert, &row).await.unwrap());
        assert_eq!(row.status, "draft");
        db
    })
    .await;
}

#[tokio::test]
async fn consortium_members_never_touch_the_registry_and_conflict_only_when_verified() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, team) = cast(conn).await;
        // Two registry organisations with an expert each: one verified by the bureau with
        // its USCC, one never verified and without a code.
        let verified_expert = user(
            conn,
            "e1@inst.cn",
            Role::Expert,
            Some(("津沽材料研究院", OrgKind::Institute)),
        )
        .await;
        let unverified_expert = user(
            conn,
            "e2@inst.cn",
            Role::Expert,
            Some(("江南轻工研究院", OrgKind::Institute)),
        )
        .await;
        let verified = verified_expert.org_id.unwrap();
        let unverified = unverified_expert.org_id.unwrap();
        organisations::verify(conn, verified, "91330100716105852F", "admin", None)
            .await
            .unwrap();
        let id = open_call(conn, &bureau, &publisher).await;
        let orgs_before = organisation::Entity::find().all(conn).await.unwrap();

        let mut input = bid_input("T", t0() + Duration::days(120));
        input.consortium = vec![
            // The unverified organisation's name with a code it never had.
            MemberInput {
                name: "江南轻工研究院".to_owned(),
                uscc: Some("91110108551385082Q".to_owned()),
            },
            // Nobody the registry knows.
            MemberInput {
                name: "新成立的联合体公司".to_owned(),
                uscc: Some("914403001922038216".to_owned()),
            },
            // The verified organisation, by its code.
            MemberInput {
                name: "津沽院".to_owned(),
                uscc: Some("91330100716105852F".to_owned()),
            },
        ];
        let saved = bids::create(conn, &team, id, &input, t0()).await.unwrap();

        let orgs_after = organisation::Entity::find().all(conn).await.unwrap();
        assert_eq!(
            orgs_after, orgs_before,
            "the registry is untouched: no new row, no code written"
        );
        let members = bids::consortium(&bids::model(conn, saved).await.unwrap()).unwrap();
        let links: Vec<Option<i64>> = members.iter().map(|m| m.org_id).collect();
        assert_eq!(links, [None, None, Some(verified)]);
        assert_eq!(members[1].uscc.as_deref(), Some("914403001922038216"));

        // The verified member's expert is conflicted and kept off the panel, with the
        // reason; a name alone links nothing, so the other expert is seated.
        let refused = challenges::assign_expert(conn, &bureau, id, verified_expert.id, t0()).await;
        match refused {
            Err(CoreError::Invalid { reason, .. }) => {
                assert!(
                    reason.contains("利益冲突") && reason.contains("津沽材料研究院"),
                    "{reason}"
                );
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        challenges::assign_expert(conn, &bureau, id, unverified_expert.id, t0())
            .await
            .unwrap();
        let seats = challenges::panel_seats(conn, Some(id), None).await.unwrap();
        assert_eq!(
            seats.iter().map(|s| s.expert_user_id).collect::<Vec<_>>(),
            [unverified_expert.id]
        );
        assert_eq!(
            organisation::Entity::find_by_id(unverified)
                .one(conn)
                .await
                .unwrap()
                .unwrap()
                .uscc,
            None
        );
        db
    })
    .await;
}

#[tokio::test]
async fn an_organisation_holds_a_bounded_number_of_draft_calls() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let publisher = user(
            conn,
            "boss@huagai.cn",
            Role::Enterprise,
            Some(("晋阳县华钙纳米材料有限公司", OrgKind::Enterprise)),
        )
        .await;
        let colleague = user(
            conn,
            "two@huagai.cn",
            Role::Enterprise,
            Some(("晋阳县华钙纳米材料有限公司", OrgKind::Enterprise)),
        )
        .await;
        let other = user(
            conn,
            "boss@other.cn",
            Role::Enterprise,
            Some(("晋阳县另一家企业有限公司", OrgKind::Enterprise)),
        )
        .await;
        let input = challenge_input(t0() + Duration::days(10));
        let mut drafts = Vec::new();
        for _ in 0..MAX_OPEN_DRAFTS {
            drafts.push(
                challenges::create(conn, &publisher, &input, t0())
                    .await
                    .unwrap(),
            );
        }
        // The cap is the organisation's, whichever member asks.
        match challenges::create(conn, &colleague, &input, t0()).await {
            Err(CoreError::Conflict(reason)) => {
                assert!(
                    reason.contains("草稿") && reason.contains(&MAX_OPEN_DRAFTS.to_string()),
                    "{reason}"
                );
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(
            challenge::Entity::find().count(conn).await.unwrap(),
            MAX_OPEN_DRAFTS
        );
        // Another organisation is not affected; a submitted draft frees a place.
        challenges::create(conn, &other, &input, t0())
            .await
            .unwrap();
        challenges::act(
            conn,
            &publisher,
            drafts[0],
            ChallengeAction::Submit,
            &ActionInput::default(),
            t0(),
        )
        .await
        .unwrap();
        challenges::create(conn, &colleague, &input, t0())
            .await
            .unwrap();
        db
    })
    .await;
}

#[tokio::test]
async fn merging_an_organisation_keeps_its_consortium_links() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, team) = cast(conn).await;
        let member = user(
            conn,
            "e1@inst.cn",
            Role::Expert,
            Some(("津沽材料研究院", OrgKind::Institute)),
        )
        .await;
        let duplicate = member.org_id.unwrap();
        organisations::verify(conn, duplicate, "91330100716105852F", "admin", None)
            .await
            .unwrap();
        let survivor = user(
            conn,
            "e2@inst.cn",
            Role::Expert,
            Some(("天津津沽材料研究院", OrgKind::Institute)),
        )
        .await
        .org_id
        .unwrap();
        let id = open_call(conn, &bureau, &publisher).await;
        let mut input = bid_input("T", t0() + Duration::days(120));
        input.consortium = vec![MemberInput {
            name: "津沽院".to_owned(),
            uscc: Some("91330100716105852F".to_owned()),
        }];
        let saved = bids::create(conn, &team, id, &input, t0()).await.unwrap();

        organisations::merge(conn, bureau.id, duplicate, survivor)
            .await
            .unwrap();
        let members = bids::consortium(&bids::model(conn, saved).await.unwrap()).unwrap();
        assert_eq!(members[0].org_id, Some(survivor));
        // The merged expert, now of the survivor, is still conflicted on this call.
        let refused = challenges::assign_expert(conn, &bureau, id, member.id, t0()).await;
        assert!(
            matches!(refused, Err(CoreError::Invalid { .. })),
            "{refused:?}"
        );
        db
    })
    .await;
}

#[test]
fn a_reward_beyond_plausible_is_refused_before_it_can_overflow_a_sum() {
    let mut input = challenge_input(t0() + Duration::days(30));
    input.reward_enterprise_yuan = i64::MAX;
    input.reward_subsidy_yuan = i64::MAX;
    match input.check() {
        Err(CoreError::Invalid { reason, .. }) => assert!(reason.contains("万元"), "{reason}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}
