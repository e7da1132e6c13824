//! Organisation identity against a stranger who registers first: a self-registered
//! organisation is provisional, the bureau's imports never attach rows to it, the
//! conflict is shown to the bureau, and merging it gives the stranger nothing.

use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set, TransactionTrait};
use techmatch_core::ErrorKind;
use techmatch_core::accounts::Role;
use techmatch_core::entities::{audit, contact, deal, need, organisation, webhook};
use techmatch_core::posting::{OrgKind, PostingKind};
use techmatch_core::services::import::import_needs;
use techmatch_core::services::organisations;
use techmatch_core::services::postings;
use techmatch_core::services::users::{self, NewUser, User};
use techmatch_core::testing::on_each_backend;

use super::challenges::t0;

use super::{catalogue, csv};

const COMPANY: &str = "晋阳县华钙纳米材料有限公司";
/// A code that passes the GB 32100 check.
const COMPANY_USCC: &str = "91350100M000100Y43";

async fn register(
    conn: &impl sea_orm::ConnectionTrait,
    email: &str,
    org_name: &str,
    uscc: Option<&str>,
) -> User {
    let new = NewUser {
        email: email.to_owned(),
        password: "a-good-password".to_owned(),
        display_name: "某人".to_owned(),
        role: Role::Enterprise,
        organisation: Some(users::org_ref(org_name, OrgKind::Enterprise, uscc).unwrap()),
    };
    users::create(conn, &new, "x".to_owned(), false)
        .await
        .unwrap()
}

async fn org(conn: &impl sea_orm::ConnectionTrait, id: i64) -> Option<organisation::Model> {
    organisation::Entity::find_by_id(id)
        .one(conn)
        .await
        .unwrap()
}

fn company_list() -> String {
    format!(
        "需求编号,需求名称,企业名称,统一社会信用代码,是否保密,需求描述\n\
         HG-1,纳米碳酸钙表面改性,{COMPANY},{COMPANY_USCC},否\n\
         HG-2,高纯氧化钙煅烧工艺,{COMPANY},{COMPANY_USCC},是\n"
    )
}

#[tokio::test]
async fn a_stranger_registering_first_gets_a_provisional_organisation_the_import_never_touches() {
    on_each_backend(|db| async move {
        let stranger = register(
            &db.conn,
            "stranger@example.com",
            COMPANY,
            Some(COMPANY_USCC),
        )
        .await;
        let claimed = stranger.org_id.unwrap();
        assert!(
            stranger.org_confirmed,
            "the registrant runs their own provisional organisation"
        );
        let provisional = org(&db.conn, claimed).await.unwrap();
        assert!(provisional.provisional && !provisional.verified);

        let report = import_needs(&db.conn, csv(&company_list()), &catalogue())
            .await
            .unwrap();
        assert_eq!(report.created, 2, "{:?}", report.problems);
        for id in ["HG-1", "HG-2"] {
            let need = postings::view_by_bureau_id(&db.conn, PostingKind::Need, id)
                .await
                .unwrap();
            let owner = need.org_id.unwrap();
            assert_ne!(
                owner, claimed,
                "{id}: the company's posting went to the stranger"
            );
            assert!(!org(&db.conn, owner).await.unwrap().provisional);
        }
        let registry_id = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "HG-1")
            .await
            .unwrap()
            .org_id
            .unwrap();

        let conflicts = organisations::conflicts(&db.conn).await.unwrap();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0].provisional.id, claimed);
        assert_eq!(conflicts[0].other.id, registry_id);
        assert_eq!(conflicts[0].shared, "uscc");

        // The real staff, registering now, land in the registry organisation unconfirmed.
        let staff = register(&db.conn, "staff@example.com", COMPANY, None).await;
        assert_eq!(staff.org_id, Some(registry_id));
        assert!(!staff.org_confirmed);
        db
    })
    .await;
}

#[tokio::test]
async fn a_look_alike_name_with_the_real_code_claims_nothing() {
    on_each_backend(|db| async move {
        let look_alike = "晋阳县华钙纳米材料有限責任公司";
        let stranger = register(
            &db.conn,
            "stranger@example.com",
            look_alike,
            Some(COMPANY_USCC),
        )
        .await;
        import_needs(&db.conn, csv(&company_list()), &catalogue())
            .await
            .unwrap();
        let need = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "HG-1")
            .await
            .unwrap();
        assert_ne!(need.org_id, stranger.org_id);
        assert_eq!(need.org_name.as_deref(), Some(COMPANY));

        // Registering again after the import, the code leads to the registry: unconfirmed.
        let second = register(
            &db.conn,
            "second@example.com",
            look_alike,
            Some(COMPANY_USCC),
        )
        .await;
        assert_eq!(second.org_id, need.org_id);
        assert!(!second.org_confirmed);
        let registry = org(&db.conn, need.org_id.unwrap()).await.unwrap();
        assert_eq!(registry.name, COMPANY, "a registration renamed nothing");
        db
    })
    .await;
}

#[tokio::test]
async fn registration_never_writes_a_code_onto_an_existing_organisation() {
    on_each_backend(|db| async move {
        let list =
            format!("需求编号,需求名称,企业名称,需求描述\nHG-1,纳米碳酸钙表面改性,{COMPANY}\n");
        import_needs(&db.conn, csv(&list), &catalogue())
            .await
            .unwrap();
        let before = organisation::Entity::find().all(&db.conn).await.unwrap();
        let stranger = register(
            &db.conn,
            "stranger@example.com",
            COMPANY,
            Some(COMPANY_USCC),
        )
        .await;
        assert!(!stranger.org_confirmed);
        let after = organisation::Entity::find().all(&db.conn).await.unwrap();
        assert_eq!(before, after, "the registry is as the bureau left it");
        db
    })
    .await;
}

#[tokio::test]
async fn verifying_a_duplicate_is_refused_and_merging_it_gives_the_stranger_nothing() {
    on_each_backend(|db| async move {
        let stranger = register(&db.conn, "stranger@example.com", COMPANY, None).await;
        let claimed = stranger.org_id.unwrap();
        webhook::ActiveModel {
            org_id: Set(claimed),
            url: Set("https://hooks.example.com/stranger".to_owned()),
            format: Set("generic".to_owned()),
            secret: Set(Some("s".repeat(32))),
            kinds: Set("posting_decided".to_owned()),
            active: Set(true),
            created_by: Set(stranger.id),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&db.conn)
        .await
        .unwrap();
        import_needs(&db.conn, csv(&company_list()), &catalogue())
            .await
            .unwrap();
        let registry_id = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "HG-1")
            .await
            .unwrap()
            .org_id
            .unwrap();

        let verified = organisations::verify(&db.conn, claimed, COMPANY_USCC, "王科长", None).await;
        let error = verified.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Conflict, "{error}");
        assert!(org(&db.conn, claimed).await.unwrap().provisional);

        let refused = organisations::merge(&db.conn, 1, registry_id, claimed, t0())
            .await
            .unwrap_err();
        assert_eq!(
            refused.kind(),
            ErrorKind::Invalid,
            "the survivor must be a registry organisation"
        );
        let refused = organisations::merge(&db.conn, 1, claimed, claimed, t0())
            .await
            .unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::Invalid);

        let (stranger_need, deal_id) = strangers_published_work(&db.conn, claimed).await;

        let txn = db.conn.begin().await.unwrap();
        let outcome = organisations::merge(&txn, 1, claimed, registry_id, t0())
            .await
            .unwrap();
        txn.commit().await.unwrap();
        assert_eq!((outcome.members, outcome.webhooks_dropped), (1, 1));
        assert_eq!((outcome.postings_unpublished, outcome.deals_voided), (1, 1));
        let moved_need = need::Entity::find_by_id(stranger_need)
            .one(&db.conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (moved_need.org_id, moved_need.status.as_str()),
            (Some(registry_id), "draft"),
            "the stranger's words wait for the company's own members, unpublished"
        );
        let voided = deal::Entity::find_by_id(deal_id)
            .one(&db.conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(voided.confirmation, "disputed");
        assert!(org(&db.conn, claimed).await.is_none());
        let moved = users::get(&db.conn, stranger.id).await.unwrap();
        assert_eq!(moved.org_id, Some(registry_id));
        assert!(
            !moved.org_confirmed,
            "the stranger must be confirmed by the bureau like anyone"
        );
        assert_eq!(webhook::Entity::find().count(&db.conn).await.unwrap(), 0);
        let audited = audit::Entity::find().all(&db.conn).await.unwrap();
        assert!(
            audited
                .iter()
                .any(|a| a.action == "org.merge" && a.entity_id == registry_id),
            "{audited:?}"
        );
        assert!(organisations::conflicts(&db.conn).await.unwrap().is_empty());
        db
    })
    .await;
}

#[tokio::test]
async fn a_genuine_new_company_is_verified_into_the_registry() {
    on_each_backend(|db| async move {
        let founder = register(&db.conn, "founder@example.com", "汾河新创科技有限公司", None).await;
        let id = founder.org_id.unwrap();
        // A second claim of the same name is a claim of its own, listed as a conflict,
        // never a seat in the first claimant's organisation.
        let second = register(&db.conn, "cofounder@example.com", "汾河新创科技有限公司", None).await;
        assert_ne!(second.org_id, Some(id));
        assert!(second.org_confirmed);
        let conflicts = organisations::conflicts(&db.conn).await.unwrap();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0].shared, "name");
        organisations::verify(&db.conn, id, COMPANY_USCC, "王科长", None).await.unwrap();
        let verified = org(&db.conn, id).await.unwrap();
        assert!(verified.verified && !verified.provisional);
        // Now the bureau's list finds it by its code.
        let list = format!("需求编号,需求名称,企业名称,统一社会信用代码,需求描述\nX-1,一,汾河新创科技有限公司,{COMPANY_USCC}\n");
        import_needs(&db.conn, csv(&list), &catalogue()).await.unwrap();
        let need = postings::view_by_bureau_id(&db.conn, PostingKind::Need, "X-1").await.unwrap();
        assert_eq!(need.org_id, Some(id));
        assert!(need.org_verified);
        db
    })
    .await;
}

/// The SQLite migration rebuilds the organisations table: an upgraded database keeps
/// every organisation, the postings pointing at them and the foreign keys between them.
#[tokio::test]
async fn upgrading_keeps_every_organisation_and_its_postings() {
    use sea_orm::{ConnectionTrait, Database};
    use techmatch_migration::{Migrator, MigratorTrait};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
    let conn = Database::connect(&url).await.unwrap();
    conn.execute_unprepared("PRAGMA foreign_keys = ON")
        .await
        .unwrap();
    let pending_after = Migrator::migrations()
        .iter()
        .position(|m| m.name() == "m20261207_000001_org_identity")
        .unwrap();
    Migrator::up(&conn, Some(u32::try_from(pending_after).unwrap()))
        .await
        .unwrap();
    for sql in [
        "INSERT INTO organisations (id, kind, name, uscc, verified, created_at) VALUES (7, 'enterprise', '晋阳老厂', '91350100M000100Y43', TRUE, '2026-01-01T00:00:00+00:00')",
        "INSERT INTO organisations (id, kind, name, verified, created_at) VALUES (9, 'university', '三晋理工大学', FALSE, '2026-01-02T00:00:00+00:00')",
        "INSERT INTO needs (external_id, org_id, title, description, keywords, coop_modes, confidential, status, created_at, updated_at) VALUES ('OLD-1', 7, '老需求', '', '', '', FALSE, 'published', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
    ] {
        conn.execute_unprepared(sql).await.unwrap();
    }
    Migrator::up(&conn, None).await.unwrap();

    let orgs = organisation::Entity::find().all(&conn).await.unwrap();
    let summary: Vec<(i64, &str, bool, bool)> = orgs
        .iter()
        .map(|o| (o.id, o.name.as_str(), o.verified, o.provisional))
        .collect();
    assert_eq!(
        summary,
        vec![
            (7, "晋阳老厂", true, false),
            (9, "三晋理工大学", false, false)
        ]
    );
    let fk = conn
        .execute_unprepared("INSERT INTO needs (external_id, org_id, title, description, keywords, coop_modes, confidential, status, created_at, updated_at) VALUES ('BAD', 999, 'x', '', '', '', FALSE, 'draft', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')")
        .await;
    assert!(fk.is_err(), "foreign keys hold on the rebuilt table");
    let duplicate = conn
        .execute_unprepared("INSERT INTO organisations (kind, name, verified, provisional, created_at) VALUES ('enterprise', '晋阳老厂', FALSE, FALSE, '2026-01-01T00:00:00+00:00')")
        .await;
    assert!(duplicate.is_err(), "registry names stay unique");
    conn.execute_unprepared("INSERT INTO organisations (kind, name, verified, provisional, created_at) VALUES ('enterprise', '晋阳老厂', FALSE, TRUE, '2026-01-01T00:00:00+00:00')")
        .await
        .unwrap();
}

/// A published need of the stranger's provisional organisation, with a confirmed deal
/// on it: what a stranger would like to see counted in a real company's name.
async fn strangers_published_work(conn: &sea_orm::DatabaseConnection, org_id: i64) -> (i64, i64) {
    let list = "成果编号,成果名称,单位名称,成果简介\nA-1,纳米碳酸钙改性,某研究院\n";
    techmatch_core::services::import::import_achievements(conn, csv(list), &catalogue())
        .await
        .unwrap();
    let achievement = postings::view_by_bureau_id(conn, PostingKind::Achievement, "A-1")
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let need = need::ActiveModel {
        external_id: Set("STRANGER-1".to_owned()),
        org_id: Set(Some(org_id)),
        title: Set("冒名发布的需求".to_owned()),
        description: Set(String::new()),
        keywords: Set(String::new()),
        coop_modes: Set(String::new()),
        confidential: Set(false),
        status: Set("published".to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    let contact = contact::ActiveModel {
        need_id: Set(need.id),
        achievement_id: Set(achievement.id),
        initiator_side: Set("need".to_owned()),
        initiator_user_id: Set(1),
        message: Set("x".to_owned()),
        status: Set("signed".to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    let deal = deal::ActiveModel {
        contact_id: Set(contact.id),
        contract_type: Set("development".to_owned()),
        contract_amount_yuan: Set(1_000_000),
        technology_amount_yuan: Set(1_000_000),
        researcher_share_percent: Set(50),
        recorded_by: Set(1),
        signed_at: Set(now),
        confirmation: Set("confirmed".to_owned()),
        ..Default::default()
    }
    .insert(conn)
    .await
    .unwrap();
    (need.id, deal.id)
}

#[tokio::test]
async fn a_look_alike_written_with_other_brackets_and_spaces_is_a_conflict() {
    on_each_backend(|db| async move {
        let list = "需求编号,需求名称,企业名称,需求描述\nHG-1,纳米碳酸钙表面改性,晋阳华钙（集团）有限公司\n";
        import_needs(&db.conn, csv(list), &catalogue())
            .await
            .unwrap();
        let stranger = register(
            &db.conn,
            "stranger@example.com",
            "晋阳华钙 (集团) 有限公司",
            None,
        )
        .await;
        assert!(
            stranger.org_confirmed,
            "not the registry's name: a provisional claim"
        );
        let conflicts = organisations::conflicts(&db.conn).await.unwrap();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0].provisional.id, stranger.org_id.unwrap());
        assert_eq!(conflicts[0].shared, "name");
        let verified = organisations::verify(
            &db.conn,
            stranger.org_id.unwrap(),
            COMPANY_USCC,
            "王科长",
            None,
        )
        .await;
        assert_eq!(
            verified.unwrap_err().kind(),
            ErrorKind::Conflict,
            "a duplicate is merged, not verified"
        );
        db
    })
    .await;
}

/// A registration waits for its address: nothing exists until the link's token is
/// used, a known address is told apart only to the caller that mails it, a token works
/// once and not after it expires, and confirming spends every other link of the address.
#[tokio::test]
async fn a_registration_creates_nothing_until_its_address_is_confirmed() {
    use techmatch_core::services::registrations::{self, Requested};
    on_each_backend(|db| async move {
        let now = chrono::Utc::now();
        let new = NewUser {
            email: " Newcomer@Example.com ".to_owned(),
            password: "a-good-password".to_owned(),
            display_name: "新人".to_owned(),
            role: Role::Enterprise,
            organisation: Some(users::org_ref(COMPANY, OrgKind::Enterprise, None).unwrap()),
        };
        let orgs_before = organisation::Entity::find().count(&db.conn).await.unwrap();
        let first = registrations::request(&db.conn, &new, now).await.unwrap();
        let second = registrations::request(&db.conn, &new, now).await.unwrap();
        let (Requested::New { email, token }, Requested::New { token: other, .. }) =
            (first, second)
        else {
            panic!("a new address");
        };
        assert_eq!(email, "newcomer@example.com");
        assert!(
            users::by_email(&db.conn, &email).await.unwrap().is_none(),
            "no account before confirmation"
        );
        assert_eq!(
            organisation::Entity::find().count(&db.conn).await.unwrap(),
            orgs_before,
            "no organisation before confirmation"
        );
        let later = now + chrono::Duration::hours(registrations::VALID_HOURS + 1);
        let expired = registrations::confirm(&db.conn, &token, "hash".to_owned(), later).await;
        assert_eq!(expired.unwrap_err().kind(), ErrorKind::Invalid);

        let txn = db.conn.begin().await.unwrap();
        let user = registrations::confirm(&txn, &token, "hash".to_owned(), now)
            .await
            .unwrap();
        txn.commit().await.unwrap();
        assert_eq!(user.email, "newcomer@example.com");
        let created = org(&db.conn, user.org_id.unwrap()).await.unwrap();
        assert!(
            created.provisional,
            "a self-registered organisation is provisional"
        );
        for spent in [&token, &other] {
            let again = registrations::confirm(&db.conn, spent, "hash".to_owned(), now).await;
            assert_eq!(again.unwrap_err().kind(), ErrorKind::Invalid, "spent");
        }
        let known = registrations::request(&db.conn, &new, now).await.unwrap();
        assert!(matches!(known, Requested::Known(u) if u.id == user.id));

        // Links waiting for one address are capped: nobody floods a mailbox.
        let other = NewUser {
            email: "busy@example.com".to_owned(),
            ..new.clone()
        };
        for _ in 0..registrations::MAX_PENDING_PER_ADDRESS {
            let asked = registrations::request(&db.conn, &other, now).await.unwrap();
            assert!(matches!(asked, Requested::New { .. }));
        }
        let asked = registrations::request(&db.conn, &other, now).await.unwrap();
        assert!(matches!(asked, Requested::Withheld));
        // Appointed roles and a closed registration are refused in core, whatever calls.
        let admin = NewUser {
            email: "boss@example.com".to_owned(),
            role: Role::Admin,
            organisation: None,
            ..new.clone()
        };
        let refused = registrations::request(&db.conn, &admin, now).await;
        assert_eq!(refused.unwrap_err().kind(), ErrorKind::Forbidden);
        db
    })
    .await;
}

/// Requests for one address racing each other (the register page answers at once and
/// records in the background, so a double click is two transactions) fill the places
/// one by one: the loser of a place takes the next one instead of failing.
#[tokio::test]
async fn registrations_racing_for_one_address_take_the_next_place_instead_of_failing() {
    use techmatch_core::services::registrations::{self, Requested};
    let Some(db) = techmatch_core::testing::postgres().await else {
        return;
    };
    let now = chrono::Utc::now();
    let new = NewUser {
        email: "double@example.com".to_owned(),
        password: String::new(),
        display_name: "双击".to_owned(),
        role: Role::Enterprise,
        organisation: Some(users::org_ref(COMPANY, OrgKind::Enterprise, None).unwrap()),
    };
    let first = db.conn.begin().await.unwrap();
    let asked = registrations::request(&first, &new, now).await.unwrap();
    assert!(matches!(asked, Requested::New { .. }));
    let (conn, racing) = (db.conn.clone(), new.clone());
    let second = tokio::spawn(async move {
        let txn = conn.begin().await.unwrap();
        let asked = registrations::request(&txn, &racing, now).await;
        if asked.is_ok() {
            txn.commit().await.unwrap();
        }
        asked
    });
    // The second saw no place taken and waits on the first's uncommitted one.
    super::bid_trust::wait_until_blocked(&db.conn).await;
    first.commit().await.unwrap();
    let asked = second.await.unwrap();
    assert!(matches!(asked, Ok(Requested::New { .. })), "{asked:?}");
    let asked = registrations::request(&db.conn, &new, now).await.unwrap();
    assert!(matches!(asked, Requested::New { .. }), "the third place");
    let asked = registrations::request(&db.conn, &new, now).await.unwrap();
    assert!(matches!(asked, Requested::Withheld), "the cap holds");
    db.cleanup().await;
}

/// Every confirmed mailbox can register a provisional organisation, so its allowances
/// are a tenth of a registry organisation's: many of them gain one person little. The
/// bureau's verification restores the full allowance.
#[tokio::test]
async fn a_provisional_organisation_has_a_tenth_of_the_allowances() {
    use techmatch_core::services::challenges::{self, MAX_OPEN_DRAFTS};
    on_each_backend(|db| async move {
        let conn = &db.conn;
        let founder = register(conn, "founder@example.com", "新注册科技有限公司", None).await;
        let org_id = founder.org_id.unwrap();
        assert!(org(conn, org_id).await.unwrap().provisional);
        let allowed = organisations::allowance(MAX_OPEN_DRAFTS, true);
        assert!(allowed < MAX_OPEN_DRAFTS);
        let now = super::challenges::t0();
        let input = super::challenges::challenge_input(now + chrono::Duration::days(10));
        let mut drafts = Vec::new();
        for _ in 0..allowed {
            drafts.push(challenges::create(conn, &founder, &input, now).await.unwrap());
        }
        match challenges::create(conn, &founder, &input, now).await {
            Err(techmatch_core::CoreError::Conflict(reason)) => {
                assert!(reason.contains("待核验"), "{reason}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        // Attachments: a tenth of the configured 10 MB.
        use techmatch_core::services::attachments::{self, Owner};
        let pdf = |n: usize| {
            let mut file = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec();
            file.resize(n, b' ');
            file
        };
        let quota = 10 * 1024 * 1024;
        let call = Owner::challenge(drafts[0]);
        let upload = |name: &'static str| {
            let founder = founder.clone();
            async move {
                attachments::upload(conn, &founder, call, name, pdf(600 * 1024), now, quota).await
            }
        };
        upload("一.pdf").await.unwrap();
        match upload("二.pdf").await {
            Err(techmatch_core::CoreError::Invalid { reason, .. }) => {
                assert!(reason.contains("待核验") && reason.contains("1 MB"), "{reason}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }

        organisations::verify(conn, org_id, COMPANY_USCC, "审核员", None)
            .await
            .unwrap();
        challenges::create(conn, &founder, &input, now).await.unwrap();
        upload("二.pdf").await.unwrap();
        db
    })
    .await;
}

/// The bureau confirms memberships of people who registered for a company; it must tell
/// an address its owner proved from one merely typed. Following a registration's link
/// proves it, and so does completing a password reset (the link went to the mailbox);
/// an account the bureau creates, or one from before registration confirmed addresses,
/// has no proven address until then.
#[tokio::test]
async fn an_account_records_when_its_address_was_proven() {
    use techmatch_core::services::password_resets::{self, Route};
    use techmatch_core::services::registrations::{self, Requested};
    on_each_backend(|db| async move {
        let now = chrono::Utc::now();
        let new = NewUser {
            email: "proven@example.com".to_owned(),
            password: "a-good-password".to_owned(),
            display_name: "新人".to_owned(),
            role: Role::Enterprise,
            organisation: Some(users::org_ref(COMPANY, OrgKind::Enterprise, None).unwrap()),
        };
        let Requested::New { token, .. } =
            registrations::request(&db.conn, &new, now).await.unwrap()
        else {
            panic!("a new address");
        };
        let registered = registrations::confirm(&db.conn, &token, "hash".to_owned(), now)
            .await
            .unwrap();
        let proven = registered.email_confirmed_at.expect("proven by the link");
        assert!((proven - now).num_seconds().abs() < 1, "{proven} {now}");
        let listed = users::all(&db.conn).await.unwrap();
        let shown = listed.iter().find(|u| u.id == registered.id).unwrap();
        assert!(
            shown.email_confirmed_at.is_some(),
            "the bureau's list shows it"
        );

        // Typed by someone else (the bureau's command line, or an account older than
        // confirmation): nothing proven.
        let typed = register(&db.conn, "typed@example.com", COMPANY, None).await;
        assert_eq!(typed.email_confirmed_at, None);
        assert_eq!(
            users::get(&db.conn, typed.id)
                .await
                .unwrap()
                .email_confirmed_at,
            None
        );
        let (_, reset) = password_resets::issue(&db.conn, "typed@example.com", Route::Mail)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            users::get(&db.conn, typed.id)
                .await
                .unwrap()
                .email_confirmed_at,
            None,
            "asking for a reset proves nothing"
        );
        password_resets::complete(&db.conn, &reset, "new-hash".to_owned())
            .await
            .unwrap();
        assert!(
            users::get(&db.conn, typed.id)
                .await
                .unwrap()
                .email_confirmed_at
                .is_some(),
            "following the reset link proves the mailbox"
        );
        db
    })
    .await;
}

/// Review: the administrator who appoints an expert sees the link that sets the first
/// password on the page; the expert (or the administrator) following that copy marked
/// an address as proven that nobody had read mail at. Only the mailed link proves it.
#[tokio::test]
async fn an_appointment_link_the_administrator_saw_proves_no_mailbox() {
    use techmatch_core::services::password_resets::{self, Route};
    on_each_backend(|db| async move {
        let shown_to = register(&db.conn, "shown@example.com", COMPANY, None).await;
        let (_, shown) = password_resets::issue(&db.conn, "shown@example.com", Route::Page)
            .await
            .unwrap()
            .unwrap();
        let (_, mailed) = password_resets::issue(&db.conn, "shown@example.com", Route::Mail)
            .await
            .unwrap()
            .unwrap();
        password_resets::complete(&db.conn, &shown, "new-hash".to_owned())
            .await
            .unwrap();
        let user = users::get(&db.conn, shown_to.id).await.unwrap();
        assert_eq!(
            user.email_confirmed_at, None,
            "the page's link proves nothing"
        );
        assert!(
            password_resets::check(&db.conn, &mailed).await.is_err(),
            "the password is set: the mailed link stops working"
        );
        let (_, mailed) = password_resets::issue(&db.conn, "shown@example.com", Route::Mail)
            .await
            .unwrap()
            .unwrap();
        password_resets::complete(&db.conn, &mailed, "newer-hash".to_owned())
            .await
            .unwrap();
        let user = users::get(&db.conn, shown_to.id).await.unwrap();
        assert!(
            user.email_confirmed_at.is_some(),
            "the mailed link proves it"
        );
        db
    })
    .await;
}

/// Review: the warning to check a membership by other means disappeared once the
/// claimant proved a free-mail address, and the rule lived in a template. A proven
/// address shows a mailbox, not a membership: every membership waiting for the bureau
/// carries the warning, and the confirmation's audit row says what the address was.
fn warned_in(listed: &[users::Listed], id: i64) -> bool {
    listed
        .iter()
        .any(|l| l.id == id && l.check_membership_separately)
}

#[tokio::test]
async fn every_membership_waiting_for_the_bureau_is_to_be_checked_by_other_means() {
    on_each_backend(|db| async move {
        let now = chrono::Utc::now();
        let admin = users::create(
            &db.conn,
            &NewUser {
                email: "admin@kjj.cn".to_owned(),
                password: "a-good-password".to_owned(),
                display_name: "管理员".to_owned(),
                role: Role::Admin,
                organisation: None,
            },
            "x".to_owned(),
            true,
        )
        .await
        .unwrap();
        // The bureau's list brings the company into the registry; whoever registers
        // for it claims to belong to an organisation the platform knows.
        import_needs(&db.conn, csv(&company_list()), &catalogue())
            .await
            .unwrap();
        let claimant = register(&db.conn, "claimant@qq.com", COMPANY, None).await;
        assert!(!claimant.org_confirmed);
        users::confirm_email(&db.conn, claimant.id, now)
            .await
            .unwrap();
        let unproven = register(&db.conn, "typed@example.com", COMPANY, None).await;
        let listed = users::listing(&db.conn).await.unwrap();
        let warned = |id: i64| {
            listed
                .iter()
                .find(|l| l.id == id)
                .unwrap()
                .check_membership_separately
        };
        assert!(
            warned(claimant.id),
            "a proven free-mail address proves no membership"
        );
        assert!(warned(unproven.id));
        assert!(!warned(admin.id), "no membership to check");

        users::confirm_membership(&db.conn, &admin, claimant.id)
            .await
            .unwrap();
        users::confirm_membership(&db.conn, &admin, unproven.id)
            .await
            .unwrap();
        let listed = users::listing(&db.conn).await.unwrap();
        assert!(!warned_in(&listed, claimant.id) && !warned_in(&listed, unproven.id));
        let rows = audit::Entity::find().all(&db.conn).await.unwrap();
        let detail = |id: i64| {
            rows.iter()
                .find(|r| r.action == "user.confirm_membership" && r.entity_id == id)
                .and_then(|r| r.detail.clone())
                .unwrap_or_default()
        };
        assert!(
            detail(claimant.id).starts_with("email claimant@qq.com proven "),
            "{}",
            detail(claimant.id)
        );
        assert_eq!(detail(unproven.id), "email typed@example.com unproven");
        db
    })
    .await;
}

/// Review: the bureau's user list dated an address's proof in UTC, a day early for
/// anything proven before 08:00 in Beijing.
#[tokio::test]
async fn the_user_list_dates_a_proven_address_in_china_standard_time() {
    use chrono::TimeZone;
    on_each_backend(|db| async move {
        let user = register(&db.conn, "early@example.com", COMPANY, None).await;
        // 2026-12-07 01:30 in Beijing.
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 12, 6, 17, 30, 0)
            .unwrap();
        users::confirm_email(&db.conn, user.id, at).await.unwrap();
        let listed = users::listing(&db.conn).await.unwrap();
        let shown = listed.iter().find(|l| l.id == user.id).unwrap();
        assert_eq!(
            shown.email_confirmed_on,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
        );
        db
    })
    .await;
}

/// Review: a health probe with a personal token wrote the token's `last_used_at` on
/// every request. A use within the minute writes nothing.
#[tokio::test]
async fn a_token_used_again_within_the_minute_writes_nothing() {
    use techmatch_core::entities::api_token;
    use techmatch_core::services::api_tokens;
    on_each_backend(|db| async move {
        let user = register(&db.conn, "probe@example.com", COMPANY, None).await;
        let (_, token) = api_tokens::create(&db.conn, &user, "health probe")
            .await
            .unwrap();
        let stored = || async {
            api_token::Entity::find()
                .one(&db.conn)
                .await
                .unwrap()
                .unwrap()
                .last_used_at
        };
        assert!(
            api_tokens::authenticate(&db.conn, &token)
                .await
                .unwrap()
                .is_some()
        );
        let first = stored().await;
        assert!(first.is_some(), "the use is recorded");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert!(
            api_tokens::authenticate(&db.conn, &token)
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(stored().await, first, "not written again");
        db
    })
    .await;
}
