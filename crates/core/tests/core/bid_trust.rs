//! Sealed bids and clean panels, through the services on real databases: who may bid,
//! a consortium that cannot touch the organisation registry and that only the bureau
//! links to verified organisations, an expert of a bidding organisation kept off the
//! panel, and the cap on an organisation's draft calls.

use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect, Statement, TransactionTrait,
};
use techmatch_core::CoreError;
use techmatch_core::accounts::Role;
use techmatch_core::challenge::bid::BidAction;
use techmatch_core::challenge::lifecycle::ChallengeAction;
use techmatch_core::entities::{bid, challenge, organisation};
use techmatch_core::posting::OrgKind;
use techmatch_core::services::bids::{self, FormalDecision, MemberInput};
use techmatch_core::services::challenges::{self, ActionInput, MAX_OPEN_DRAFTS};
use techmatch_core::services::users::User;
use techmatch_core::services::{brokers, organisations};
use techmatch_core::testing::{self, on_each_backend};

use super::challenges::{bid_input, challenge_input, t0, user};

/// A member nobody in the bureau has decided on yet, as the console shows it.
const PENDING: bids::MemberState = bids::MemberState::Pending;

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
        assert!(!bids::may_read(conn, &expert, &row, t0()).await.unwrap());
        assert_eq!(row.status, "draft");
        db
    })
    .await;
}

/// A university the bureau verified, with an expert: the strong judge a bidder would
/// rather not face. Returns the expert and the university's id.
async fn verified_university(conn: &DatabaseConnection) -> (User, i64) {
    let expert = user(
        conn,
        "e1@inst.cn",
        Role::Expert,
        Some(("津沽材料研究院", OrgKind::Institute)),
    )
    .await;
    let org = expert.org_id.unwrap();
    organisations::verify(conn, org, UNIVERSITY_USCC, "admin", None)
        .await
        .unwrap();
    (expert, org)
}

const UNIVERSITY_USCC: &str = "91330100716105852F";

/// A submitted bid of `team` naming `consortium`. Returns its id.
async fn submitted_bid(
    conn: &DatabaseConnection,
    team: &User,
    call: i64,
    consortium: Vec<MemberInput>,
) -> i64 {
    let mut input = bid_input("T", t0() + Duration::days(120));
    input.consortium = consortium;
    let saved = bids::create(conn, team, call, &input, t0()).await.unwrap();
    bids::act(conn, team, saved, BidAction::Submit, t0())
        .await
        .unwrap();
    saved
}

fn links(row: &bid::Model) -> Vec<Option<i64>> {
    bids::consortium(row)
        .unwrap()
        .iter()
        .map(|m| m.org_id)
        .collect()
}

fn invalid(result: Result<impl std::fmt::Debug, CoreError>) -> String {
    match result {
        Err(CoreError::Invalid { reason, .. }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn naming_a_verified_universitys_uscc_conflicts_nobody_until_the_bureau_links_it() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, team) = cast(conn).await;
        let (strong_judge, university) = verified_university(conn).await;
        let other_expert = user(
            conn,
            "e2@inst.cn",
            Role::Expert,
            Some(("江南轻工研究院", OrgKind::Institute)),
        )
        .await;
        let unverified = other_expert.org_id.unwrap();
        let id = open_call(conn, &bureau, &publisher).await;
        let orgs_before = organisation::Entity::find().all(conn).await.unwrap();

        // The attack: the bidder names the judges' employers, one by its public USCC.
        let saved = submitted_bid(
            conn,
            &team,
            id,
            vec![
                MemberInput {
                    name: "江南轻工研究院".to_owned(),
                    uscc: Some("91110108551385082Q".to_owned()),
                },
                MemberInput {
                    name: "新成立的联合体公司".to_owned(),
                    uscc: Some("914403001922038216".to_owned()),
                },
                MemberInput {
                    name: "津沽院".to_owned(),
                    uscc: Some(UNIVERSITY_USCC.to_owned()),
                },
            ],
        )
        .await;

        // Stored as typed, linked to nothing; the registry is untouched.
        let row = bids::model(conn, saved).await.unwrap();
        assert_eq!(links(&row), [None, None, None]);
        let members = bids::consortium(&row).unwrap();
        assert_eq!(members[1].uscc.as_deref(), Some("914403001922038216"));
        assert_eq!(
            organisation::Entity::find().all(conn).await.unwrap(),
            orgs_before,
            "no new row, no code written"
        );
        assert_eq!(
            bids::parties(&row).unwrap().orgs,
            [team.org_id.unwrap()],
            "only the lead bids"
        );

        // The judge of the named code waits for the bureau's check, the other is seated.
        let refused = challenges::assign_expert(conn, &bureau, id, strong_judge.id, t0()).await;
        assert!(
            matches!(&refused, Err(CoreError::Conflict(r)) if r.contains(&format!("核对第 {saved} 号申报"))),
            "{refused:?}"
        );
        challenges::assign_expert(conn, &bureau, id, other_expert.id, t0())
            .await
            .unwrap();
        // The bureau checks the agreement: the member is not that university. Both judges
        // sit: the bidder kept nobody off the panel.
        bids::link_member(conn, &bureau, saved, 2, bids::LinkDecision::Unlink, PENDING, t0())
            .await
            .unwrap();
        challenges::assign_expert(conn, &bureau, id, strong_judge.id, t0())
            .await
            .unwrap();
        let seats = challenges::panel_seats(conn, Some(id), None).await.unwrap();
        assert_eq!(
            seats.iter().map(|s| s.expert_user_id).collect::<Vec<_>>(),
            [other_expert.id, strong_judge.id]
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
        // The bureau sees the verified university as the candidate for the member that
        // gave its code, and nothing for the others.
        let review = bids::consortium_review(conn, &bureau, saved).await.unwrap();
        let candidates: Vec<Vec<i64>> = review
            .iter()
            .map(|m| m.candidates.iter().map(|c| c.org_id).collect())
            .collect();
        assert_eq!(candidates, [vec![], vec![], vec![university]]);
        assert!(review[2].candidates[0].name_differs, "津沽院 is not its name");
        db
    })
    .await;
}

#[tokio::test]
async fn only_the_bureau_links_a_member_to_a_verified_organisation_with_no_expert_seated() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, team) = cast(conn).await;
        let (judge, university) = verified_university(conn).await;
        let unverified_expert = user(
            conn,
            "e2@inst.cn",
            Role::Expert,
            Some(("江南轻工研究院", OrgKind::Institute)),
        )
        .await;
        let unverified = unverified_expert.org_id.unwrap();
        let moderator = user(
            conn,
            "mod@kjj.cn",
            Role::Moderator,
            Some(("晋阳县科学技术局", OrgKind::Bureau)),
        )
        .await;
        let id = open_call(conn, &bureau, &publisher).await;
        let members = vec![
            MemberInput {
                name: "津沽院".to_owned(),
                uscc: Some(UNIVERSITY_USCC.to_owned()),
            },
            MemberInput {
                name: "江南轻工研究院".to_owned(),
                uscc: None,
            },
        ];
        // A draft's consortium may still change: nobody links it yet.
        let mut input = bid_input("T", t0() + Duration::days(120));
        input.consortium = members.clone();
        let saved = bids::create(conn, &team, id, &input, t0()).await.unwrap();
        let link = bids::LinkDecision::Link(university);
        assert!(matches!(
            bids::link_member(conn, &bureau, saved, 0, link, PENDING, t0()).await,
            Err(CoreError::IllegalTransition { .. })
        ));
        // The judge was seated before the bid came in.
        challenges::assign_expert(conn, &bureau, id, judge.id, t0())
            .await
            .unwrap();
        bids::act(conn, &team, saved, BidAction::Submit, t0())
            .await
            .unwrap();

        // Neither the bidder, nor the publisher, nor the judge links or reads the review.
        for who in [&team, &publisher, &judge] {
            forbidden(bids::link_member(conn, who, saved, 0, link, PENDING, t0()).await);
            forbidden(
                bids::link_member(
                    conn,
                    who,
                    saved,
                    0,
                    bids::LinkDecision::Unlink,
                    PENDING,
                    t0(),
                )
                .await,
            );
            forbidden(bids::consortium_review(conn, who, saved).await);
        }
        let row = bids::model(conn, saved).await.unwrap();
        assert_eq!(links(&row), [None, None]);

        // Not to an organisation the bureau has not verified, nor to a member that is not
        // there.
        let reason = invalid(
            bids::link_member(
                conn,
                &bureau,
                saved,
                1,
                bids::LinkDecision::Link(unverified),
                PENDING,
                t0(),
            )
            .await,
        );
        assert!(
            reason.contains("尚未经科技局核验") && reason.contains("江南轻工研究院"),
            "{reason}"
        );
        invalid(bids::link_member(conn, &bureau, saved, 5, link, PENDING, t0()).await);

        // The judge already sits on the panel: the bureau is told, and takes them off first.
        let reason = match bids::link_member(conn, &bureau, saved, 0, link, PENDING, t0()).await {
            Err(CoreError::Conflict(reason)) => reason,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert!(
            reason.contains("先核对联合体协议")
                && reason.contains("撤出专家组")
                && reason.contains("e1"),
            "{reason}"
        );
        assert_eq!(
            links(&bids::model(conn, saved).await.unwrap()),
            [None, None]
        );
        forbidden(challenges::unassign_expert(conn, &team, id, judge.id, t0()).await);
        challenges::unassign_expert(conn, &moderator, id, judge.id, t0())
            .await
            .unwrap();

        // A moderator links; the university's experts are now conflicted on the call.
        bids::link_member(conn, &moderator, saved, 0, link, PENDING, t0())
            .await
            .unwrap();
        bids::link_member(
            conn,
            &moderator,
            saved,
            1,
            bids::LinkDecision::Unlink,
            PENDING,
            t0(),
        )
        .await
        .unwrap();
        let row = bids::model(conn, saved).await.unwrap();
        assert_eq!(links(&row), [Some(university), None]);
        assert!(bids::consortium(&row).unwrap()[1].declined);
        let reason = invalid(challenges::assign_expert(conn, &bureau, id, judge.id, t0()).await);
        assert!(
            reason.contains("利益冲突") && reason.contains("津沽材料研究院"),
            "{reason}"
        );
        let review = bids::consortium_review(conn, &bureau, saved).await.unwrap();
        assert_eq!(review[0].linked_name.as_deref(), Some("津沽材料研究院"));

        // Recorded, with who did it.
        let steps: Vec<(String, Option<i64>)> = challenges::timeline(conn, id)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action.ends_with("_member") || e.action.ends_with("assign_expert"))
            .map(|e| (e.action, e.actor_user_id))
            .collect();
        assert_eq!(
            steps,
            [
                ("challenge.assign_expert".to_owned(), Some(bureau.id)),
                ("challenge.unassign_expert".to_owned(), Some(moderator.id)),
                ("bid.link_member".to_owned(), Some(moderator.id)),
                ("bid.unlink_member".to_owned(), Some(moderator.id)),
            ]
        );

        // The bureau may take the link back: the judge is seated again.
        bids::link_member(
            conn,
            &bureau,
            saved,
            0,
            bids::LinkDecision::Unlink,
            bids::MemberState::Linked(university),
            t0(),
        )
        .await
        .unwrap();
        challenges::assign_expert(conn, &bureau, id, judge.id, t0())
            .await
            .unwrap();
        db
    })
    .await;
}

#[tokio::test]
async fn a_bid_saved_with_a_link_keeps_it_through_a_correction() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, team) = cast(conn).await;
        let (judge, university) = verified_university(conn).await;
        let id = open_call(conn, &bureau, &publisher).await;
        let saved = submitted_bid(
            conn,
            &team,
            id,
            vec![MemberInput {
                name: "津沽院".to_owned(),
                uscc: Some(UNIVERSITY_USCC.to_owned()),
            }],
        )
        .await;
        // As a bid stored before the bureau linked members carries it.
        let legacy =
            format!(r#"[{{"name":"津沽院","uscc":"{UNIVERSITY_USCC}","org_id":{university}}}]"#);
        bid::Entity::update_many()
            .col_expr(bid::Column::Consortium, Expr::value(legacy))
            .exec(conn)
            .await
            .unwrap();
        assert_eq!(
            links(&bids::model(conn, saved).await.unwrap()),
            [Some(university)]
        );
        invalid(challenges::assign_expert(conn, &bureau, id, judge.id, t0()).await);

        // Returned for correction after the deadline and corrected: the link stays.
        let later = t0() + Duration::days(11);
        let items = vec![("联合体协议".to_owned(), "缺少盖章".to_owned())];
        bids::formal_review(
            conn,
            &bureau,
            saved,
            &FormalDecision::Return { items },
            later,
        )
        .await
        .unwrap();
        let mut input = bid_input("T", t0() + Duration::days(120));
        input.consortium = vec![MemberInput {
            name: "津沽院".to_owned(),
            uscc: Some(UNIVERSITY_USCC.to_owned()),
        }];
        input.existing_base = "联合体协议已盖章。".to_owned();
        bids::edit(conn, &team, saved, &input, later).await.unwrap();
        assert_eq!(
            links(&bids::model(conn, saved).await.unwrap()),
            [Some(university)]
        );
        db
    })
    .await;
}
#[tokio::test]
async fn an_unchecked_member_keeps_its_candidates_experts_off_and_its_bid_from_the_panel() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, team) = cast(conn).await;
        let (judge, _) = verified_university(conn).await;
        let reader = user(conn, "e2@expert.cn", Role::Expert, None).await;
        let id = open_call(conn, &bureau, &publisher).await;
        challenges::assign_expert(conn, &bureau, id, reader.id, t0())
            .await
            .unwrap();
        // The member is named as the judge's institute is, and nobody has checked it.
        let saved = submitted_bid(
            conn,
            &team,
            id,
            vec![MemberInput {
                name: "津沽材料研究院".to_owned(),
                uscc: None,
            }],
        )
        .await;

        // The judge is not seated before the bureau checks that bid's member.
        let refused = challenges::assign_expert(conn, &bureau, id, judge.id, t0()).await;
        assert!(
            matches!(&refused, Err(CoreError::Conflict(r)) if r.contains(&format!("请先核对第 {saved} 号申报"))),
            "{refused:?}"
        );
        let seats = challenges::panel_seats(conn, Some(id), None).await.unwrap();
        assert_eq!(
            seats.iter().map(|s| s.expert_user_id).collect::<Vec<_>>(),
            [reader.id]
        );

        // Bidding has closed: the bid neither passes the formal review nor reaches the
        // panel while its member is unchecked.
        let later = t0() + Duration::days(11);
        let refused = bids::formal_review(conn, &bureau, saved, &FormalDecision::Pass, later).await;
        assert!(
            matches!(&refused, Err(CoreError::IllegalTransition { reason, .. }) if reason.contains("尚未全部核对")),
            "{refused:?}"
        );
        let row = bids::model(conn, saved).await.unwrap();
        assert_eq!(row.status, "submitted");
        assert!(!bids::may_read(conn, &reader, &row, later).await.unwrap());

        // Checked and declined: the bid passes, the panel reads it, the judge is seated.
        bids::link_member(conn, &bureau, saved, 0, bids::LinkDecision::Unlink, PENDING, later)
            .await
            .unwrap();
        bids::formal_review(conn, &bureau, saved, &FormalDecision::Pass, later)
            .await
            .unwrap();
        let row = bids::model(conn, saved).await.unwrap();
        assert!(bids::may_read(conn, &reader, &row, later).await.unwrap());
        challenges::assign_expert(conn, &bureau, id, judge.id, later)
            .await
            .unwrap();
        db
    })
    .await;
}

#[tokio::test]
async fn a_withdrawn_bids_members_are_no_longer_linked() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, team) = cast(conn).await;
        let (judge, university) = verified_university(conn).await;
        let id = open_call(conn, &bureau, &publisher).await;
        let saved = submitted_bid(
            conn,
            &team,
            id,
            vec![MemberInput {
                name: "津沽院".to_owned(),
                uscc: Some(UNIVERSITY_USCC.to_owned()),
            }],
        )
        .await;
        bids::act(conn, &team, saved, BidAction::Withdraw, t0())
            .await
            .unwrap();
        let link = bids::LinkDecision::Link(university);
        for decision in [link, bids::LinkDecision::Unlink] {
            let refused = bids::link_member(conn, &bureau, saved, 0, decision, PENDING, t0()).await;
            assert!(
                matches!(&refused, Err(CoreError::IllegalTransition { .. })),
                "{refused:?}"
            );
        }
        // Nor does its unchecked member keep the judge off the panel.
        challenges::assign_expert(conn, &bureau, id, judge.id, t0())
            .await
            .unwrap();
        assert_eq!(links(&bids::model(conn, saved).await.unwrap()), [None]);
        db
    })
    .await;
}

/// On PostgreSQL a correction reads the bid before the bureau's link commits and writes
/// after it; SQLite has one writer and cannot show the race.
#[tokio::test]
async fn a_correction_saved_while_the_bureau_links_leaves_the_link() {
    let Some(db) = testing::postgres().await else {
        return;
    };
    let conn = db.conn.clone();
    let (bureau, publisher, team) = cast(&conn).await;
    let (_, university) = verified_university(&conn).await;
    let id = open_call(&conn, &bureau, &publisher).await;
    let member = MemberInput {
        name: "津沽院".to_owned(),
        uscc: Some(UNIVERSITY_USCC.to_owned()),
    };
    let saved = submitted_bid(&conn, &team, id, vec![member.clone()]).await;
    let later = t0() + Duration::days(11);
    let items = vec![("联合体协议".to_owned(), "缺少盖章".to_owned())];
    bids::formal_review(
        &conn,
        &bureau,
        saved,
        &FormalDecision::Return { items },
        later,
    )
    .await
    .unwrap();

    // The bureau links and has not committed when the bidder saves its correction.
    let linking = conn.begin().await.unwrap();
    let link = bids::LinkDecision::Link(university);
    bids::link_member(&linking, &bureau, saved, 0, link, PENDING, later)
        .await
        .unwrap();
    let mut input = bid_input("T", t0() + Duration::days(120));
    input.consortium = vec![member];
    input.existing_base = "联合体协议已盖章。".to_owned();
    let bidder_conn = conn.clone();
    let correcting = tokio::spawn(async move {
        let txn = bidder_conn.begin().await.unwrap();
        bids::edit(&txn, &team, saved, &input, later).await.unwrap();
        txn.commit().await.unwrap();
    });
    wait_until_blocked(&conn).await;
    linking.commit().await.unwrap();
    correcting.await.unwrap();
    let row = bids::model(&conn, saved).await.unwrap();
    assert_eq!(row.existing_base, "联合体协议已盖章。");
    assert_eq!(links(&row), [Some(university)], "the link survives");
    db.cleanup().await;
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
        organisations::verify(conn, duplicate, UNIVERSITY_USCC, "admin", None)
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
        let saved = submitted_bid(
            conn,
            &team,
            id,
            vec![MemberInput {
                name: "津沽院".to_owned(),
                uscc: Some(UNIVERSITY_USCC.to_owned()),
            }],
        )
        .await;
        bids::link_member(
            conn,
            &bureau,
            saved,
            0,
            bids::LinkDecision::Link(duplicate),
            PENDING,
            t0(),
        )
        .await
        .unwrap();

        organisations::merge(conn, bureau.id, duplicate, survivor, t0())
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

/// The organisation `user` belongs to, with a second member of another role: how two
/// people of one institute are set up.
async fn colleague(conn: &DatabaseConnection, email: &str, role: Role, org: &str) -> User {
    user(conn, email, role, Some((org, OrgKind::Institute))).await
}

#[tokio::test]
async fn a_merge_that_would_seat_an_expert_in_judgement_of_their_own_organisation_is_refused() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, team) = cast(conn).await;
        // A: the registry's institute, verified, with a judge.
        let (judge, registry) = verified_university(conn).await;
        // B: its duplicate under a longer name, with an expert and a researcher who bids.
        let duplicate_name = "天津津沽材料研究院";
        let duplicate_team = colleague(conn, "t@tj.cn", Role::Researcher, duplicate_name).await;
        let other_judge = colleague(conn, "e3@tj.cn", Role::Expert, duplicate_name).await;
        let duplicate = duplicate_team.org_id.unwrap();
        assert_eq!(other_judge.org_id, Some(duplicate));

        // Call 1: B bids as lead; A's judge sits on the panel (no conflict today).
        let first = open_call(conn, &bureau, &publisher).await;
        challenges::assign_expert(conn, &bureau, first, judge.id, t0())
            .await
            .unwrap();
        submitted_bid(conn, &duplicate_team, first, Vec::new()).await;
        // Call 2: the university's consortium member is linked to A; B's expert sits.
        let second = open_call(conn, &bureau, &publisher).await;
        let saved = submitted_bid(
            conn,
            &team,
            second,
            vec![MemberInput {
                name: "津沽院".to_owned(),
                uscc: Some(UNIVERSITY_USCC.to_owned()),
            }],
        )
        .await;
        let link = bids::LinkDecision::Link(registry);
        bids::link_member(conn, &bureau, saved, 0, link, PENDING, t0())
            .await
            .unwrap();
        challenges::assign_expert(conn, &bureau, second, other_judge.id, t0())
            .await
            .unwrap();

        // The attack on the panel: merged, both experts would judge their own institute.
        let public_id = |id| async move { challenges::model(conn, id).await.unwrap().public_id };
        for (absorbed, survivor) in [(duplicate, registry), (registry, duplicate)] {
            let refused = organisations::merge(conn, bureau.id, absorbed, survivor, t0()).await;
            let reason = match refused {
                Err(CoreError::Conflict(reason)) => reason,
                other => panic!("expected a refusal, got {other:?}"),
            };
            assert!(
                reason.contains("e1")
                    && reason.contains(&public_id(first).await)
                    && reason.contains("撤出"),
                "{reason}"
            );
        }
        // Nothing moved.
        assert!(
            organisation::Entity::find_by_id(duplicate)
                .one(conn)
                .await
                .unwrap()
                .is_some()
        );
        // The bureau takes the first judge off; the second still holds the merge back.
        challenges::unassign_expert(conn, &bureau, first, judge.id, t0())
            .await
            .unwrap();
        match organisations::merge(conn, bureau.id, duplicate, registry, t0()).await {
            Err(CoreError::Conflict(reason)) => assert!(
                reason.contains("e3") && reason.contains(&public_id(second).await),
                "{reason}"
            ),
            other => panic!("expected a refusal, got {other:?}"),
        }
        challenges::unassign_expert(conn, &bureau, second, other_judge.id, t0())
            .await
            .unwrap();
        organisations::merge(conn, bureau.id, duplicate, registry, t0())
            .await
            .unwrap();
        // Merged, neither expert is seated on a call their institute bids on.
        for (call, expert) in [(first, &judge), (second, &other_judge)] {
            let refused = challenges::assign_expert(conn, &bureau, call, expert.id, t0()).await;
            assert!(
                matches!(refused, Err(CoreError::Invalid { .. })),
                "{refused:?}"
            );
        }
        db
    })
    .await;
}

/// As code before the bureau's check stored a consortium: the member's name or code
/// resolved to an organisation when the bid was saved.
fn automatic_link(member: &str, org: i64) -> String {
    format!(r#"[{{"name":"{member}","uscc":"{UNIVERSITY_USCC}","org_id":{org}}}]"#)
}

async fn store_consortium(conn: &DatabaseConnection, id: i64, json: String) {
    bid::Entity::update_many()
        .col_expr(bid::Column::Consortium, Expr::value(json))
        .filter(bid::Column::Id.eq(id))
        .exec(conn)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_draft_saved_with_an_automatic_link_is_submitted_unlinked() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, team) = cast(conn).await;
        let (judge, university) = verified_university(conn).await;
        let id = open_call(conn, &bureau, &publisher).await;
        let mut input = bid_input("T", t0() + Duration::days(120));
        input.consortium = Vec::new();
        let saved = bids::create(conn, &team, id, &input, t0()).await.unwrap();
        // A draft saved under the old code kept the link its code made.
        store_consortium(conn, saved, automatic_link("津沽院", university)).await;

        bids::act(conn, &team, saved, BidAction::Submit, t0())
            .await
            .unwrap();
        let row = bids::model(conn, saved).await.unwrap();
        assert_eq!(links(&row), [None], "only the bureau links");
        assert_eq!(bids::parties(&row).unwrap().orgs, [team.org_id.unwrap()]);
        // The member waits for the bureau like any other: the judge is not seated
        // before it checks, and is once it declines.
        assert!(matches!(
            challenges::assign_expert(conn, &bureau, id, judge.id, t0()).await,
            Err(CoreError::Conflict(_))
        ));
        bids::link_member(
            conn,
            &bureau,
            saved,
            0,
            bids::LinkDecision::Unlink,
            PENDING,
            t0(),
        )
        .await
        .unwrap();
        challenges::assign_expert(conn, &bureau, id, judge.id, t0())
            .await
            .unwrap();
        db
    })
    .await;
}

/// A database from before the bureau's check: submitted bids and drafts carry the links
/// the old code made. The upgrade keeps only those the bureau decided.
#[tokio::test]
async fn upgrading_clears_every_link_the_bureau_did_not_make() {
    use techmatch_migration::{Migrator, MigratorTrait};
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, team) = cast(conn).await;
        let (_, university) = verified_university(conn).await;
        let other_team = user(
            conn,
            "t@jn.cn",
            Role::Researcher,
            Some(("江南轻工研究院", OrgKind::Institute)),
        )
        .await;
        let id = open_call(conn, &bureau, &publisher).await;
        // Bid 1: its first member linked by the bureau; its second linked by old code.
        let decided = submitted_bid(
            conn,
            &team,
            id,
            vec![
                MemberInput {
                    name: "津沽院".to_owned(),
                    uscc: Some(UNIVERSITY_USCC.to_owned()),
                },
                MemberInput {
                    name: "江南轻工研究院".to_owned(),
                    uscc: None,
                },
            ],
        )
        .await;
        let link = bids::LinkDecision::Link(university);
        bids::link_member(conn, &bureau, decided, 0, link, PENDING, t0())
            .await
            .unwrap();
        let mut members = bids::consortium(&bids::model(conn, decided).await.unwrap()).unwrap();
        members[1].org_id = Some(other_team.org_id.unwrap());
        store_consortium(conn, decided, serde_json::to_string(&members).unwrap()).await;
        // Bid 2: a draft whose only member old code linked.
        let mut input = bid_input("J", t0() + Duration::days(120));
        input.consortium = Vec::new();
        let draft = bids::create(conn, &other_team, id, &input, t0())
            .await
            .unwrap();
        store_consortium(conn, draft, automatic_link("津沽院", university)).await;

        let rerun = |db: &DatabaseConnection| {
            let db = db.clone();
            async move {
                use sea_orm::ConnectionTrait;
                db.execute_unprepared(
                    "DELETE FROM seaql_migrations WHERE version = 'm20261207_000011_bureau_links'",
                )
                .await
                .unwrap();
                Migrator::up(&db, None).await.unwrap();
            }
        };
        rerun(conn).await;
        let after = bids::model(conn, decided).await.unwrap();
        assert_eq!(links(&after), [Some(university), None]);
        let states: Vec<_> = bids::consortium(&after)
            .unwrap()
            .iter()
            .map(bids::Member::state)
            .collect();
        assert_eq!(
            states,
            [bids::MemberState::Linked(university), PENDING],
            "the automatic link waits for the bureau's check"
        );
        assert_eq!(links(&bids::model(conn, draft).await.unwrap()), [None]);
        // Run again, it finds its work done.
        rerun(conn).await;
        assert_eq!(bids::model(conn, decided).await.unwrap(), after);
        db
    })
    .await;
}

#[tokio::test]
async fn a_decision_on_a_member_taken_on_a_stale_view_is_refused() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, team) = cast(conn).await;
        let (_, university) = verified_university(conn).await;
        let moderator = user(
            conn,
            "mod@kjj.cn",
            Role::Moderator,
            Some(("晋阳县科学技术局", OrgKind::Bureau)),
        )
        .await;
        let id = open_call(conn, &bureau, &publisher).await;
        let saved = submitted_bid(
            conn,
            &team,
            id,
            vec![MemberInput {
                name: "津沽院".to_owned(),
                uscc: Some(UNIVERSITY_USCC.to_owned()),
            }],
        )
        .await;
        // Both read the member as pending; the bureau links it first.
        let seen = bids::consortium_review(conn, &moderator, saved)
            .await
            .unwrap();
        assert_eq!(seen[0].state, "pending");
        let link = bids::LinkDecision::Link(university);
        bids::link_member(conn, &bureau, saved, 0, link, PENDING, t0())
            .await
            .unwrap();
        // The moderator's tab still says pending: the 不关联 is refused, saying why.
        let expected = bids::MemberState::parse(&seen[0].state).unwrap();
        let unlink = bids::LinkDecision::Unlink;
        match bids::link_member(conn, &moderator, saved, 0, unlink, expected, t0()).await {
            Err(CoreError::Conflict(reason)) => assert!(
                reason.contains("已由其他工作人员核对") && reason.contains("津沽材料研究院"),
                "{reason}"
            ),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(
            links(&bids::model(conn, saved).await.unwrap()),
            [Some(university)]
        );
        // The same decision from a stale tab is already in force: nothing to refuse.
        bids::link_member(conn, &moderator, saved, 0, link, expected, t0())
            .await
            .unwrap();
        // Read again, the moderator's decision goes through.
        let seen = bids::consortium_review(conn, &moderator, saved)
            .await
            .unwrap();
        assert_eq!(seen[0].state, format!("linked:{university}"));
        let expected = bids::MemberState::parse(&seen[0].state).unwrap();
        bids::link_member(conn, &moderator, saved, 0, unlink, expected, t0())
            .await
            .unwrap();
        assert!(bids::consortium(&bids::model(conn, saved).await.unwrap()).unwrap()[0].declined);
        invalid(bids::MemberState::parse("linked:abc"));
        let steps = challenges::timeline(conn, id)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action.ends_with("_member"))
            .count();
        assert_eq!(steps, 2, "the refused and the idle decisions left no trace");
        db
    })
    .await;
}

#[tokio::test]
async fn the_console_reads_the_registry_once_however_many_bids() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, _) = cast(conn).await;
        verified_university(conn).await;
        let id = open_call(conn, &bureau, &publisher).await;
        let mut rows = Vec::new();
        for n in 0..4 {
            let team = user(
                conn,
                &format!("t{n}@uni{n}.cn"),
                Role::Researcher,
                Some((&format!("测试大学{n}"), OrgKind::University)),
            )
            .await;
            let member = MemberInput {
                name: "津沽院".to_owned(),
                uscc: Some(UNIVERSITY_USCC.to_owned()),
            };
            let saved = submitted_bid(conn, &team, id, vec![member]).await;
            rows.push(bids::model(conn, saved).await.unwrap());
        }
        let statements = Arc::new(AtomicUsize::new(0));
        let mut counted = conn.clone();
        let counter = Arc::clone(&statements);
        counted.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let one = bids::reviews_of(&counted, &rows[..1]).await.unwrap();
        let for_one = statements.swap(0, Ordering::SeqCst);
        let all = bids::reviews_of(&counted, &rows).await.unwrap();
        let for_all = statements.load(Ordering::SeqCst);
        assert!(for_one > 0);
        assert_eq!(for_all, for_one, "the registry is read once per page");
        assert_eq!(all.len(), 4);
        assert_eq!(all[0], one[0]);
        for (row, review) in rows.iter().zip(&all) {
            assert_eq!(&bids::review_of(conn, row).await.unwrap(), review);
            assert_eq!(review[0].candidates.len(), 1);
        }
        db
    })
    .await;
}

/// On PostgreSQL a bid is submitted while the bureau seats an expert of the institute it
/// names: the seating waits for the submission and then sees it. Without the call's
/// lock the seating checks the bids it read before the submission committed, and seats
/// the expert. SQLite has one writer, so there the two follow each other anyway (as in
/// `an_unchecked_member_keeps_its_candidates_experts_off_and_its_bid_from_the_panel`).
#[tokio::test]
async fn a_submission_takes_the_calls_lock_so_a_seating_at_the_same_time_sees_it() {
    let Some(db) = testing::postgres().await else {
        return;
    };
    let conn = db.conn.clone();
    let (bureau, publisher, team) = cast(&conn).await;
    let (judge, _) = verified_university(&conn).await;
    let id = open_call(&conn, &bureau, &publisher).await;
    let mut input = bid_input("T", t0() + Duration::days(120));
    input.consortium = vec![MemberInput {
        name: "津沽材料研究院".to_owned(),
        uscc: None,
    }];
    let saved = bids::create(&conn, &team, id, &input, t0()).await.unwrap();

    // The bidder submits and has not committed when the bureau seats the judge.
    let submitting = conn.begin().await.unwrap();
    bids::act(&submitting, &team, saved, BidAction::Submit, t0())
        .await
        .unwrap();
    let bureau_conn = conn.clone();
    let seating = tokio::spawn(async move {
        let txn = bureau_conn.begin().await.unwrap();
        let outcome = challenges::assign_expert(&txn, &bureau, id, judge.id, t0()).await;
        if outcome.is_ok() {
            txn.commit().await.unwrap();
        }
        outcome
    });
    wait_until_blocked(&conn).await;
    assert!(!seating.is_finished(), "the seating waits for the call");
    submitting.commit().await.unwrap();
    let outcome = seating.await.unwrap();
    assert!(
        matches!(&outcome, Err(CoreError::Conflict(r)) if r.contains(&format!("核对第 {saved} 号申报"))),
        "{outcome:?}"
    );
    assert!(
        challenges::panel_seats(&conn, Some(id), None)
            .await
            .unwrap()
            .is_empty()
    );
    db.cleanup().await;
}

/// An open call with a bid of `team` in the expert review and `experts` on the panel.
/// Returns the call, the bid and a time in the review.
async fn in_expert_review(
    conn: &DatabaseConnection,
    bureau: &User,
    publisher: &User,
    team: &User,
    experts: &[&User],
) -> (i64, i64, chrono::DateTime<chrono::Utc>) {
    let id = open_call(conn, bureau, publisher).await;
    for expert in experts {
        challenges::assign_expert(conn, bureau, id, expert.id, t0())
            .await
            .unwrap();
    }
    let saved = submitted_bid(
        conn,
        team,
        id,
        vec![MemberInput {
            name: "晋阳县装备制造有限公司".to_owned(),
            uscc: None,
        }],
    )
    .await;
    let later = t0() + Duration::days(11);
    let decline = bids::LinkDecision::Unlink;
    bids::link_member(conn, bureau, saved, 0, decline, PENDING, later)
        .await
        .unwrap();
    bids::formal_review(conn, bureau, saved, &FormalDecision::Pass, later)
        .await
        .unwrap();
    (id, saved, later)
}

fn sheet(plan: &str) -> Vec<(String, String)> {
    ["技术方案", "团队能力", "经费合理性"]
        .into_iter()
        .map(|c| (c.to_owned(), plan.to_owned()))
        .collect()
}

#[tokio::test]
async fn an_expert_declares_a_conflict_before_scoring_and_leaves_the_panel() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, team) = cast(conn).await;
        let judge = user(conn, "e1@expert.cn", Role::Expert, None).await;
        let reader = user(conn, "e2@expert.cn", Role::Expert, None).await;
        let idle = user(conn, "e3@expert.cn", Role::Expert, None).await;
        let (id, saved, later) =
            in_expert_review(conn, &bureau, &publisher, &team, &[&judge, &reader]).await;
        let why = "本人曾为该申报单位提供技术咨询";

        // Only an expert on the panel recuses, and says why.
        for who in [&team, &idle, &bureau] {
            forbidden(challenges::declare_conflict(conn, who, id, why, later).await);
        }
        invalid(challenges::declare_conflict(conn, &judge, id, "  ", later).await);
        challenges::declare_conflict(conn, &judge, id, why, later)
            .await
            .unwrap();
        let seats = challenges::panel_seats(conn, Some(id), None).await.unwrap();
        assert_eq!(
            seats.iter().map(|s| s.expert_user_id).collect::<Vec<_>>(),
            [reader.id]
        );
        let recused = challenges::timeline(conn, id)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.action == "challenge.declare_conflict")
            .unwrap();
        assert_eq!(recused.actor_user_id, Some(judge.id));
        assert_eq!(recused.detail.as_deref(), Some(why));
        // Off the panel, they no longer read or score the bid.
        let row = bids::model(conn, saved).await.unwrap();
        assert!(!bids::may_read(conn, &judge, &row, later).await.unwrap());

        // Once their sheet is in, only the bureau decides.
        bids::score(conn, &reader, saved, &sheet("80"), "可行", later)
            .await
            .unwrap();
        match challenges::declare_conflict(conn, &reader, id, why, later).await {
            Err(CoreError::Conflict(reason)) => {
                assert!(
                    reason.contains("不能自行回避") && reason.contains("作废"),
                    "{reason}"
                )
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(
            challenges::panel_seats(conn, Some(id), None)
                .await
                .unwrap()
                .len(),
            1
        );
        db
    })
    .await;
}

#[tokio::test]
async fn the_bureau_voids_a_sheet_with_a_reason_and_can_then_unseat_its_expert() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, team) = cast(conn).await;
        let judge = user(conn, "e1@expert.cn", Role::Expert, None).await;
        let reader = user(conn, "e2@expert.cn", Role::Expert, None).await;
        let (id, saved, later) =
            in_expert_review(conn, &bureau, &publisher, &team, &[&judge, &reader]).await;
        bids::score(conn, &judge, saved, &sheet("95"), "很好", later)
            .await
            .unwrap();
        bids::score(conn, &reader, saved, &sheet("75"), "一般", later)
            .await
            .unwrap();
        assert_eq!(challenges::ranking(conn, id).await.unwrap()[0].sheets, 2);
        let why = "评分后发现该专家与揭榜方存在合作关系";

        // Only the bureau voids, with a reason, a sheet that is there, on its own call.
        for who in [&team, &judge, &publisher] {
            forbidden(bids::void_sheet(conn, who, id, saved, judge.id, why, later).await);
        }
        invalid(bids::void_sheet(conn, &bureau, id, saved, judge.id, " ", later).await);
        let other_call = open_call(conn, &bureau, &publisher).await;
        assert!(matches!(
            bids::void_sheet(conn, &bureau, other_call, saved, judge.id, why, later).await,
            Err(CoreError::NotFound { .. })
        ));
        bids::void_sheet(conn, &bureau, id, saved, judge.id, why, later)
            .await
            .unwrap();

        // It no longer counts, stays on record, and is on the timeline.
        let ranking = challenges::ranking(conn, id).await.unwrap();
        assert_eq!(ranking[0].sheets, 1);
        assert!((ranking[0].mean - 75.0).abs() < 1e-9, "{ranking:?}");
        let stored = bids::sheets_of(conn, id).await.unwrap();
        let voided = stored
            .iter()
            .find(|s| s.expert_user_id == judge.id)
            .unwrap();
        assert_eq!(voided.void_reason.as_deref(), Some(why));
        assert_eq!(voided.voided_by, Some(bureau.id));
        let event = challenges::timeline(conn, id)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.action == "bid.void_sheet")
            .unwrap();
        assert_eq!(event.actor_user_id, Some(bureau.id));
        assert!(event.detail.unwrap_or_default().contains(why));
        assert!(matches!(
            bids::void_sheet(conn, &bureau, id, saved, judge.id, why, later).await,
            Err(CoreError::NotFound { .. })
        ));
        // The expert has seen the other sheet: they write no second one.
        assert!(matches!(
            bids::score(conn, &judge, saved, &sheet("60"), "重评", later).await,
            Err(CoreError::Conflict(_))
        ));
        // Nothing of theirs counts: the bureau takes them off the panel; the other stays.
        challenges::unassign_expert(conn, &bureau, id, judge.id, later)
            .await
            .unwrap();
        assert!(matches!(
            challenges::unassign_expert(conn, &bureau, id, reader.id, later).await,
            Err(CoreError::Conflict(_))
        ));
        // The sheets count as in: the winners may be proposed; then nothing is voided.
        let calendar = techmatch_core::challenge::calendar::WorkCalendar::weekends_only();
        challenges::propose_winners(conn, &bureau, id, &[saved], &calendar, later)
            .await
            .unwrap();
        assert!(matches!(
            bids::void_sheet(conn, &bureau, id, saved, reader.id, why, later).await,
            Err(CoreError::IllegalTransition { .. })
        ));
        db
    })
    .await;
}

/// Returns once a session of the test's PostgreSQL database waits for a lock: the step
/// spawned meanwhile has reached the lock the test holds. Polls rather than sleeps, so
/// the test neither races a slow machine nor waits longer than it must.
pub(crate) async fn wait_until_blocked(conn: &DatabaseConnection) {
    let waiting = Statement::from_string(
        DbBackend::Postgres,
        "SELECT count(*)::bigint AS n FROM pg_stat_activity \
         WHERE wait_event_type = 'Lock' AND datname = current_database()",
    );
    for _ in 0..3_000 {
        let row = conn.query_one_raw(waiting.clone()).await.unwrap().unwrap();
        if row.try_get::<i64>("", "n").unwrap() > 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("no session waits for a lock");
}

/// The duplicate of the verified institute of `verified_university`, under a longer
/// name, with a researcher who bids. Returns the researcher and its id.
async fn duplicate_institute(conn: &DatabaseConnection) -> (User, i64) {
    let team = colleague(conn, "t@tj.cn", Role::Researcher, "天津津沽材料研究院").await;
    let id = team.org_id.unwrap();
    (team, id)
}

/// Finding 1: the merge read the seats before it locked the calls, so a seating not yet
/// committed slipped past it. Now the seating holds its organisation's row, the merge
/// waits for it and then sees the seat.
#[tokio::test]
async fn a_merge_waits_for_a_seating_of_its_expert_and_then_refuses() {
    let Some(db) = testing::postgres().await else {
        return;
    };
    let conn = db.conn.clone();
    let (bureau, publisher, _) = cast(&conn).await;
    let (judge, registry) = verified_university(&conn).await;
    let (duplicate_team, duplicate) = duplicate_institute(&conn).await;
    let id = open_call(&conn, &bureau, &publisher).await;
    submitted_bid(&conn, &duplicate_team, id, Vec::new()).await;

    // The bureau seats the registry's judge and has not committed when a merge starts.
    let seating = conn.begin().await.unwrap();
    challenges::assign_expert(&seating, &bureau, id, judge.id, t0())
        .await
        .unwrap();
    let merging_conn = conn.clone();
    let bureau_id = bureau.id;
    let merging = tokio::spawn(async move {
        let txn = merging_conn.begin().await.unwrap();
        let outcome = organisations::merge(&txn, bureau_id, duplicate, registry, t0()).await;
        if outcome.is_ok() {
            txn.commit().await.unwrap();
        }
        outcome
    });
    wait_until_blocked(&conn).await;
    assert!(!merging.is_finished(), "the merge waits for the seating");
    seating.commit().await.unwrap();
    let outcome = merging.await.unwrap();
    assert!(
        matches!(&outcome, Err(CoreError::Conflict(r)) if r.contains("e1")),
        "{outcome:?}"
    );
    assert!(
        organisation::Entity::find_by_id(duplicate)
            .one(&conn)
            .await
            .unwrap()
            .is_some()
    );
    db.cleanup().await;
}

/// Finding 2: a stranger's provisional look-alike bid where the genuine organisation's
/// expert sits, so that merging it was refused until the bureau unseated the judge.
/// The merge now withdraws the look-alike's bids and leaves them out of its check.
#[tokio::test]
async fn merging_a_provisional_look_alike_withdraws_its_bids_and_keeps_the_judge() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, _) = cast(conn).await;
        let (judge, registry) = verified_university(conn).await;
        let stranger = colleague(conn, "x@fake.cn", Role::Researcher, "津沽材料研究院大学").await;
        let look_alike = stranger.org_id.unwrap();
        organisation::Entity::update_many()
            .col_expr(organisation::Column::Provisional, Expr::value(true))
            .filter(organisation::Column::Id.eq(look_alike))
            .exec(conn)
            .await
            .unwrap();
        let id = open_call(conn, &bureau, &publisher).await;
        challenges::assign_expert(conn, &bureau, id, judge.id, t0())
            .await
            .unwrap();
        let planted = submitted_bid(conn, &stranger, id, Vec::new()).await;

        let outcome = organisations::merge(conn, bureau.id, look_alike, registry, t0())
            .await
            .unwrap();
        assert_eq!(outcome.bids_withdrawn, [planted]);
        let row = bids::model(conn, planted).await.unwrap();
        assert_eq!(row.status, "withdrawn");
        assert!(row.status_reason.unwrap_or_default().contains("合并时撤回"));
        let seats = challenges::panel_seats(conn, Some(id), None).await.unwrap();
        assert_eq!(
            seats.iter().map(|s| s.expert_user_id).collect::<Vec<_>>(),
            [judge.id],
            "the judge stays"
        );
        let event = challenges::timeline(conn, id)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.action == "bid.withdraw_by_merge")
            .unwrap();
        assert_eq!(
            (event.bid_id, event.actor_user_id),
            (Some(planted), Some(bureau.id))
        );
        db
    })
    .await;
}

/// Finding 3: past the selection the refusal was a dead end (no voiding, no unseating a
/// sheet that counts). The judging is over there, and the merge goes through.
#[tokio::test]
async fn a_merge_after_the_winners_are_proposed_is_not_held_back_by_the_panel() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, _) = cast(conn).await;
        let (judge, registry) = verified_university(conn).await;
        let (duplicate_team, duplicate) = duplicate_institute(conn).await;
        let (id, saved, later) =
            in_expert_review(conn, &bureau, &publisher, &duplicate_team, &[&judge]).await;
        bids::score(conn, &judge, saved, &sheet("80"), "可行", later)
            .await
            .unwrap();
        // In the selection the bureau is told (and can void and unseat).
        assert!(matches!(
            organisations::merge(conn, bureau.id, duplicate, registry, later).await,
            Err(CoreError::Conflict(_))
        ));
        let calendar = techmatch_core::challenge::calendar::WorkCalendar::weekends_only();
        challenges::propose_winners(conn, &bureau, id, &[saved], &calendar, later)
            .await
            .unwrap();
        organisations::merge(conn, bureau.id, duplicate, registry, later)
            .await
            .unwrap();
        db
    })
    .await;
}

/// Finding 4: with its only sheet voided a bid dropped out of the ranking, and the
/// winners could be proposed without it. It is now listed as unscorable and holds the
/// proposal back until another expert is seated and scores it.
#[tokio::test]
async fn a_bid_whose_only_sheet_was_voided_is_unscorable_and_holds_back_the_winners() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, team) = cast(conn).await;
        let judge = user(conn, "e1@expert.cn", Role::Expert, None).await;
        let (id, saved, later) =
            in_expert_review(conn, &bureau, &publisher, &team, &[&judge]).await;
        bids::score(conn, &judge, saved, &sheet("90"), "很好", later)
            .await
            .unwrap();
        bids::void_sheet(conn, &bureau, id, saved, judge.id, "存在合作关系", later)
            .await
            .unwrap();
        let gaps = challenges::review_gaps(conn, id).await.unwrap();
        assert!(gaps.missing.is_empty());
        assert_eq!(gaps.unscorable, [saved]);
        let calendar = techmatch_core::challenge::calendar::WorkCalendar::weekends_only();
        let refused = challenges::propose_winners(conn, &bureau, id, &[], &calendar, later).await;
        assert!(
            matches!(refused, Err(CoreError::IllegalTransition { .. })),
            "{refused:?}"
        );
        // Another expert scores it: it is ranked, and the winners may be proposed.
        let second = user(conn, "e2@expert.cn", Role::Expert, None).await;
        challenges::assign_expert(conn, &bureau, id, second.id, later)
            .await
            .unwrap();
        assert!(
            challenges::review_gaps(conn, id)
                .await
                .unwrap()
                .unscorable
                .is_empty()
        );
        bids::score(conn, &second, saved, &sheet("70"), "可行", later)
            .await
            .unwrap();
        challenges::propose_winners(conn, &bureau, id, &[saved], &calendar, later)
            .await
            .unwrap();
        db
    })
    .await;
}

/// Finding 5: the proposal of winners read the review without the call's lock, so a
/// voiding committing meanwhile was not seen. Now it waits for the voiding.
#[tokio::test]
async fn a_proposal_of_winners_waits_for_a_voiding_and_sees_it() {
    let Some(db) = testing::postgres().await else {
        return;
    };
    let conn = db.conn.clone();
    let (bureau, publisher, team) = cast(&conn).await;
    let judge = user(&conn, "e1@expert.cn", Role::Expert, None).await;
    let (id, saved, later) = in_expert_review(&conn, &bureau, &publisher, &team, &[&judge]).await;
    bids::score(&conn, &judge, saved, &sheet("90"), "很好", later)
        .await
        .unwrap();
    let voiding = conn.begin().await.unwrap();
    bids::void_sheet(
        &voiding,
        &bureau,
        id,
        saved,
        judge.id,
        "存在合作关系",
        later,
    )
    .await
    .unwrap();
    let proposing_conn = conn.clone();
    let proposer = bureau.clone();
    let proposing = tokio::spawn(async move {
        let txn = proposing_conn.begin().await.unwrap();
        let calendar = techmatch_core::challenge::calendar::WorkCalendar::weekends_only();
        let outcome =
            challenges::propose_winners(&txn, &proposer, id, &[saved], &calendar, later).await;
        if outcome.is_ok() {
            txn.commit().await.unwrap();
        }
        outcome
    });
    wait_until_blocked(&conn).await;
    voiding.commit().await.unwrap();
    let outcome = proposing.await.unwrap();
    assert!(
        matches!(outcome, Err(CoreError::IllegalTransition { .. })),
        "{outcome:?}"
    );
    assert_eq!(
        challenges::model(&conn, id).await.unwrap().status,
        "selection"
    );
    db.cleanup().await;
}

/// Finding 6: nothing stopped a seated expert's colleague from bidding on the call the
/// expert judges. The bid is refused, with the reason.
#[tokio::test]
async fn an_organisation_with_an_expert_on_the_panel_does_not_bid() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, _) = cast(conn).await;
        let institute = "晋阳县新材料研究所";
        let expert = colleague(conn, "e@xcl.cn", Role::Expert, institute).await;
        let researcher = colleague(conn, "r@xcl.cn", Role::Researcher, institute).await;
        let id = open_call(conn, &bureau, &publisher).await;
        challenges::assign_expert(conn, &bureau, id, expert.id, t0())
            .await
            .unwrap();
        let input = bid_input("T", t0() + Duration::days(120));
        let reason = forbidden(bids::create(conn, &researcher, id, &input, t0()).await);
        assert!(reason.contains("评审专家组"), "{reason}");
        assert!(bids::of_challenge(conn, id).await.unwrap().is_empty());
        // Unseated, the expert no longer stands in the way.
        challenges::unassign_expert(conn, &bureau, id, expert.id, t0())
            .await
            .unwrap();
        bids::create(conn, &researcher, id, &input, t0())
            .await
            .unwrap();
        db
    })
    .await;
}

/// Finding 7: a recusal on an unknown call answered 404 and on an existing one 403 (and
/// locked it first), so anyone could tell which hidden calls exist. Anyone without a
/// seat now gets one answer.
#[tokio::test]
async fn a_stranger_recusing_learns_nothing_of_a_call() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (_, publisher, team) = cast(conn).await;
        let stranger = user(conn, "e9@expert.cn", Role::Expert, None).await;
        let draft = challenges::create(
            conn,
            &publisher,
            &challenge_input(t0() + Duration::days(10)),
            t0(),
        )
        .await
        .unwrap();
        let unknown = draft + 1_000;
        for who in [&stranger, &team] {
            let existing =
                forbidden(challenges::declare_conflict(conn, who, draft, "x", t0()).await);
            let missing =
                forbidden(challenges::declare_conflict(conn, who, unknown, "x", t0()).await);
            assert_eq!(existing, missing);
        }
        db
    })
    .await;
}

/// Finding 9: the merge's check read every bid whose consortium text merely contained
/// the organisation's id, and one that did not parse aborted the merge. It reads the
/// bids of the calls concerned and skips one that does not parse.
#[tokio::test]
async fn a_merge_is_not_aborted_by_an_unrelated_bid_that_does_not_parse() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, team) = cast(conn).await;
        let (_, registry) = verified_university(conn).await;
        let (_, duplicate) = duplicate_institute(conn).await;
        let id = open_call(conn, &bureau, &publisher).await;
        let saved = submitted_bid(conn, &team, id, Vec::new()).await;
        store_consortium(conn, saved, format!("broken {duplicate} {registry}")).await;
        organisations::merge(conn, bureau.id, duplicate, registry, t0())
            .await
            .unwrap();
        db
    })
    .await;
}

/// Finding 12: migration 12 adds three columns one statement at a time, outside a
/// transaction on SQLite; an upgrade stopped after the first could not run again. It
/// now adds only the columns that are missing.
#[tokio::test]
async fn the_score_voids_upgrade_runs_again_over_columns_already_added() {
    use techmatch_migration::{Migrator, MigratorTrait};
    on_each_backend(|db| async move {
        db.conn
            .execute_unprepared(
                "DELETE FROM seaql_migrations WHERE version = 'm20261207_000012_score_voids'",
            )
            .await
            .unwrap();
        Migrator::up(&db.conn, None).await.unwrap();
        let applied = Migrator::get_pending_migrations(&db.conn).await.unwrap();
        assert!(applied.is_empty());
        db
    })
    .await;
}

/// A stranger's provisional look-alike of the verified institute of
/// `verified_university`, with a researcher who bids. Returns the researcher and its id.
async fn provisional_look_alike(conn: &DatabaseConnection) -> (User, i64) {
    let stranger = colleague(conn, "x@fake.cn", Role::Researcher, "津沽材料研究院大学").await;
    let id = stranger.org_id.unwrap();
    organisation::Entity::update_many()
        .col_expr(organisation::Column::Provisional, Expr::value(true))
        .filter(organisation::Column::Id.eq(id))
        .exec(conn)
        .await
        .unwrap();
    (stranger, id)
}

/// Second review, finding 1: the rival-bid check ran before the stranger's bids were
/// cleared and counted bids in any status, so a look-alike's draft on every call the
/// genuine institute bids on kept the merge refused for ever. The draft is deleted (and
/// audited) and the merge goes through.
#[tokio::test]
async fn a_look_alikes_draft_on_the_genuine_bidders_call_does_not_block_the_merge() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, _) = cast(conn).await;
        let (_, registry) = verified_university(conn).await;
        let genuine = colleague(conn, "r@inst.cn", Role::Researcher, "津沽材料研究院").await;
        let (stranger, look_alike) = provisional_look_alike(conn).await;
        let id = open_call(conn, &bureau, &publisher).await;
        let input = bid_input("T", t0() + Duration::days(120));
        let draft = bids::create(conn, &stranger, id, &input, t0())
            .await
            .unwrap();
        let real = submitted_bid(conn, &genuine, id, Vec::new()).await;

        let outcome = organisations::merge(conn, bureau.id, look_alike, registry, t0())
            .await
            .unwrap();
        assert_eq!(outcome.bids_deleted, [draft]);
        assert!(matches!(
            bids::model(conn, draft).await,
            Err(CoreError::NotFound { .. })
        ));
        let kept = bids::model(conn, real).await.unwrap();
        assert_eq!(
            (kept.lead_org_id, kept.status.as_str()),
            (registry, "submitted")
        );
        db
    })
    .await;
}

/// Finding 1, the variant with the look-alike's bid sent and already withdrawn: the
/// unique (call, lead organisation) index refused to move even a withdrawn bid. It now
/// stays behind under the absorbed id, and the merge goes through.
#[tokio::test]
async fn a_look_alikes_withdrawn_bid_on_the_genuine_bidders_call_does_not_block_the_merge() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, _) = cast(conn).await;
        let (_, registry) = verified_university(conn).await;
        let genuine = colleague(conn, "r@inst.cn", Role::Researcher, "津沽材料研究院").await;
        let (stranger, look_alike) = provisional_look_alike(conn).await;
        let id = open_call(conn, &bureau, &publisher).await;
        let planted = submitted_bid(conn, &stranger, id, Vec::new()).await;
        bids::act(conn, &stranger, planted, BidAction::Withdraw, t0())
            .await
            .unwrap();
        let real = submitted_bid(conn, &genuine, id, Vec::new()).await;

        let outcome = organisations::merge(conn, bureau.id, look_alike, registry, t0())
            .await
            .unwrap();
        assert_eq!(outcome.bids_left_behind, [planted]);
        let left = bids::model(conn, planted).await.unwrap();
        assert_eq!(
            (left.lead_org_id, left.status.as_str()),
            (look_alike, "withdrawn")
        );
        assert_eq!(bids::model(conn, real).await.unwrap().lead_org_id, registry);
        db
    })
    .await;
}

/// Second review, finding 2: the merge withdrew only the stranger's bids up to the
/// expert review and moved a shortlisted (or awarded) one to the genuine institute. It
/// now refuses, naming the bid, until the bureau deals with it.
#[tokio::test]
async fn a_look_alikes_shortlisted_bid_holds_the_merge_back_with_its_number() {
    use techmatch_core::challenge::bid::BidStatus;
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, _) = cast(conn).await;
        let (_, registry) = verified_university(conn).await;
        let (stranger, look_alike) = provisional_look_alike(conn).await;
        let id = open_call(conn, &bureau, &publisher).await;
        let planted = submitted_bid(conn, &stranger, id, Vec::new()).await;
        for status in [BidStatus::Shortlisted, BidStatus::Awarded, BidStatus::InExecution] {
            bid::Entity::update_many()
                .col_expr(bid::Column::Status, Expr::value(status.code()))
                .filter(bid::Column::Id.eq(planted))
                .exec(conn)
                .await
                .unwrap();
            let refused = organisations::merge(conn, bureau.id, look_alike, registry, t0()).await;
            assert!(
                matches!(&refused, Err(CoreError::Conflict(r)) if r.contains(&format!("第 {planted} 号"))),
                "{refused:?}"
            );
            let row = bids::model(conn, planted).await.unwrap();
            assert_eq!((row.lead_org_id, row.status.as_str()), (look_alike, status.code()));
        }
        db
    })
    .await;
}

/// Second review, finding 3: a request that read its user before a merge went on after
/// it with the stale user (the hold passed over the missing row) and made a bid for the
/// organisation the merge had deleted. The hold now refuses a missing organisation, and
/// the bid re-reads its author after the hold.
#[tokio::test]
async fn a_bid_begun_before_a_merge_is_not_made_for_the_merged_organisation() {
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let (bureau, publisher, _) = cast(conn).await;
        let (_, registry) = verified_university(conn).await;
        let (stale, look_alike) = provisional_look_alike(conn).await;
        let (duplicate_team, duplicate) = duplicate_institute(conn).await;
        let id = open_call(conn, &bureau, &publisher).await;
        organisations::merge(conn, bureau.id, look_alike, registry, t0())
            .await
            .unwrap();
        organisations::merge(conn, bureau.id, duplicate, registry, t0())
            .await
            .unwrap();
        let input = bid_input("T", t0() + Duration::days(120));
        for (actor, org) in [(&stale, look_alike), (&duplicate_team, duplicate)] {
            let refused = bids::create(conn, actor, id, &input, t0()).await;
            assert!(
                matches!(refused, Err(CoreError::Conflict(_))),
                "{refused:?}"
            );
            let made = bid::Entity::find()
                .filter(bid::Column::LeadOrgId.eq(org))
                .count(conn)
                .await
                .unwrap();
            assert_eq!(made, 0);
        }
        db
    })
    .await;
}

/// Second review, finding 4: linking a member settled the call (an UPDATE of its row)
/// before holding the organisation, the opposite order to a merge's, so the two could
/// deadlock. The link now holds the organisation first: while a merge holds it, the
/// link waits without touching the call, and the merge takes the call's lock.
#[tokio::test]
async fn a_link_waits_for_a_merge_of_its_organisation_without_holding_the_call() {
    let Some(db) = testing::postgres().await else {
        return;
    };
    let conn = db.conn.clone();
    let (bureau, publisher, team) = cast(&conn).await;
    let (_, university) = verified_university(&conn).await;
    let id = open_call(&conn, &bureau, &publisher).await;
    let members = vec![MemberInput {
        name: "津沽院".to_owned(),
        uscc: Some(UNIVERSITY_USCC.to_owned()),
    }];
    let saved = submitted_bid(&conn, &team, id, members).await;
    // Past the deadline: the link settles the call first.
    let later = t0() + Duration::days(11);

    // A merge of the university has its row and not yet the call's.
    let merging = conn.begin().await.unwrap();
    organisation::Entity::find_by_id(university)
        .lock_exclusive()
        .one(&merging)
        .await
        .unwrap()
        .unwrap();
    let linking_conn = conn.clone();
    let linking = tokio::spawn(async move {
        let link = bids::LinkDecision::Link(university);
        let txn = linking_conn.begin().await.unwrap();
        let outcome = bids::link_member(&txn, &bureau, saved, 0, link, PENDING, later).await;
        if outcome.is_ok() {
            txn.commit().await.unwrap();
        }
        outcome
    });
    wait_until_blocked(&conn).await;
    let locked = challenges::locked(&merging, id).await;
    assert!(locked.is_ok(), "{locked:?}");
    merging.rollback().await.unwrap();
    let linked = linking.await.unwrap();
    assert!(linked.is_ok(), "{linked:?}");
    db.cleanup().await;
}
