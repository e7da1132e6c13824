//! Attachments (附件) of challenges and bids through the JSON API of a real server: who
//! may download them while a challenge is a draft and after it is published, who may
//! see the files of a bid, the headers of a download, and uploads that are refused
//! without leaving anything behind.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use techmatch_core::testing::{TestDb, on_each_backend};

use super::{Client, DEMO_PASSWORD, MODERATOR, client};
use crate::{Server, start_on};

/// The attachment limit of the server, in bytes.
const MAX_BYTES: usize = 20 * 1024 * 1024;

pub(super) const MINIMAL_PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

/// A fresh server per backend, with the URL of its database, which holds the files.
async fn on_each_platform_with_data<F, Fut>(test: F)
where
    F: Fn(Server, String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    on_each_backend(|db: TestDb| {
        let test = &test;
        async move {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let data = dir.path().join("data");
            let server = start_on(&data, Some(&db.url));
            test(server, db.url.clone()).await;
            // Every node serves every file: nothing is kept on a node's disk.
            assert!(!data.join("attachments").exists());
            drop(dir);
            db
        }
    })
    .await;
}

/// How many attachment contents the database holds.
async fn stored_files(database_url: &str) -> i64 {
    use sea_orm::{ConnectionTrait, Database, Statement};
    let conn = Database::connect(database_url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let count = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT COUNT(*) AS n FROM attachment_contents",
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .and_then(|row| row.try_get::<i64>("", "n").ok())
        .unwrap_or_default();
    conn.close().await.unwrap_or_else(|e| panic!("{e}"));
    count
}

pub(super) fn challenge_body() -> Value {
    json!({
        "title": "钙基新材料检测方法攻关",
        "industry": "新材料",
        "keywords": ["纳米碳酸钙"],
        "background": "现有检测方法耗时长。",
        "problem": "建立快速检测方法。",
        "metrics": ["单次检测 ≤ 10 分钟"],
        "scenario": "质检实验室",
        "final_user": "晋阳县华钙纳米材料有限公司",
        "reward_enterprise": "50",
        "reward_subsidy": "20",
        "bid_deadline": Utc::now() + Duration::days(30),
        "completion_months": 12,
        "eligibility": "国内高校、科研院所及企业均可揭榜。",
        "contact_name": "张工",
        "contact_phone": "0351-1234567",
    })
}

fn bid_body() -> Value {
    json!({
        "team_leader": "李研究员",
        "team": "检测团队 5 人",
        "technical_plan": "近红外光谱结合化学计量学建模。",
        "budget": "60",
        "existing_base": "已有近红外光谱仪。",
        "milestones": [
            {"title": "模型建立", "metrics": "预测误差 ≤ 2%", "due": Utc::now() + Duration::days(120), "amount": "30"},
            {"title": "现场验证", "metrics": "单次检测 ≤ 10 分钟", "due": Utc::now() + Duration::days(300), "amount": "30"},
        ],
        "pledge": true,
    })
}

pub(super) fn id_of(body: &Value) -> i64 {
    body["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id in {body}"))
}

/// Uploads a file over a limit: `None` when the server cut the connection before the
/// client finished sending, else the answer.
async fn upload_may_be_cut(
    who: &Client,
    server: &Server,
    path: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> Option<(StatusCode, Value)> {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(file_name.to_owned())
        .mime_str("application/pdf")
        .unwrap_or_else(|e| panic!("{e}"));
    let response = who
        .http
        .post(server.url(path))
        .header("X-CSRF-Token", &who.csrf)
        // A connection the server cut must not be reused for the next request.
        .header("Connection", "close")
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .ok()?;
    let status = response.status();
    Some((status, response.json().await.unwrap_or_default()))
}

/// Uploads one file as the multipart field `file`, claiming `claimed_type`.
pub(super) async fn upload(
    who: &Client,
    server: &Server,
    path: &str,
    file_name: &str,
    bytes: Vec<u8>,
    claimed_type: &str,
) -> (StatusCode, Value) {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(file_name.to_owned())
        .mime_str(claimed_type)
        .unwrap_or_else(|e| panic!("{e}"));
    let form = reqwest::multipart::Form::new().part("file", part);
    let mut request = who.http.post(server.url(path)).multipart(form);
    if !who.csrf.is_empty() {
        request = request.header("X-CSRF-Token", &who.csrf);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn download(who: &Client, server: &Server, id: i64) -> reqwest::Response {
    who.http
        .get(server.url(&format!("/api/v1/attachments/{id}")))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn listed(who: &Client, server: &Server, path: &str) -> Vec<Value> {
    let (status, body) = who.get(server, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body["attachments"].as_array().cloned().unwrap_or_default()
}

async fn delete(who: &Client, server: &Server, id: i64) -> (StatusCode, Value) {
    who.send(
        server,
        reqwest::Method::DELETE,
        &format!("/api/v1/attachments/{id}"),
        None,
    )
    .await
}

#[tokio::test]
async fn challenge_attachments_follow_the_visibility_of_the_challenge() {
    on_each_platform_with_data(|server, data| async move {
        let publisher = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let researcher = Client::login(&server, "researcher@demo.techmatch", DEMO_PASSWORD).await;
        let anonymous = client();
        let (status, created) = publisher
            .post(&server, "/api/v1/challenges", challenge_body())
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let challenge = id_of(&created);
        let files = format!("/api/v1/challenges/{challenge}/attachments");

        // The client's claimed type is ignored: the server decides from the content.
        let name = "技术需求说明 (2026).pdf";
        let (status, stored) = upload(&publisher, &server, &files, name, MINIMAL_PDF.to_vec(), "text/html").await;
        assert_eq!(status, StatusCode::CREATED, "{stored}");
        assert_eq!(stored["content_type"], "application/pdf", "{stored}");
        assert_eq!(stored["file_name"], name);
        let pdf = id_of(&stored);
        assert_eq!(stored_files(&data).await, 1);

        // A draft's files are the publisher's and the bureau's only.
        assert_eq!(download(&anonymous, &server, pdf).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(download(&researcher, &server, pdf).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(anonymous.get(&server, &files).await.0, StatusCode::NOT_FOUND);
        assert_eq!(download(&moderator, &server, pdf).await.status(), StatusCode::OK);

        // The download as specified.
        let response = download(&publisher, &server, pdf).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header(&response, "content-type"), "application/pdf");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        assert_eq!(header(&response, "cache-control"), "private, no-store");
        let disposition = header(&response, "content-disposition");
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert!(disposition.contains("filename=\"______ (2026).pdf\""), "an ASCII fallback: {disposition}");
        assert!(
            disposition.contains("filename*=UTF-8''%E6%8A%80%E6%9C%AF%E9%9C%80%E6%B1%82%E8%AF%B4%E6%98%8E%20%282026%29.pdf"),
            "{disposition}"
        );
        assert_eq!(response.bytes().await.unwrap_or_default().as_ref(), MINIMAL_PDF);

        // Refused uploads leave the list and the store as they were.
        let mut exe = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
        exe.resize(4096, 0);
        let (status, body) = upload(&publisher, &server, &files, "setup.pdf", exe, "application/pdf").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["message"].as_str().unwrap_or("").contains("setup.pdf"), "{body}");
        let (status, body) = upload(&publisher, &server, &files, "方案.docx", MINIMAL_PDF.to_vec(), "application/pdf").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let mut big = MINIMAL_PDF.to_vec();
        big.resize(MAX_BYTES + 1, b' ');
        // The server stops reading at the limit and answers at once, so the client may see
        // the connection reset under the rest of its upload instead of the answer.
        if let Some((status, body)) = upload_may_be_cut(&publisher, &server, &files, "大文件.pdf", big).await {
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert!(body["error"]["message"].as_str().unwrap_or("").contains("大文件.pdf"), "{body}");
        }
        // Over the body limit: the server stops reading and refuses the file by name.
        let mut huge = MINIMAL_PDF.to_vec();
        huge.resize(MAX_BYTES + 512 * 1024, b' ');
        // The server may answer before the client has sent the whole body, and then close
        // the connection under it: the client sees either the answer or a reset, never a
        // stored file (checked below).
        if let Some((status, body)) = upload_may_be_cut(&publisher, &server, &files, "超大.pdf", huge).await {
            assert!(
                status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::PAYLOAD_TOO_LARGE,
                "{status}: {body}"
            );
            assert!(body["error"]["message"].as_str().unwrap_or("").contains("超大.pdf"), "{body}");
        }
        let mut forged = publisher.clone();
        forged.csrf.clear();
        let (status, body) = upload(&forged, &server, &files, "伪造.pdf", MINIMAL_PDF.to_vec(), "application/pdf").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, body) = upload(&researcher, &server, &files, "外人.pdf", MINIMAL_PDF.to_vec(), "application/pdf").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a draft does not exist for others: {body}");
        assert_eq!(listed(&publisher, &server, &files).await.len(), 1);
        assert_eq!(stored_files(&data).await, 1, "nothing is left of refused uploads");

        // Published: everyone may download; the publisher may no longer change the files.
        for (who, action) in [(&publisher, "submit"), (&moderator, "approve")] {
            let (status, body) = who
                .post(&server, &format!("/api/v1/challenges/{challenge}/actions"), json!({"action": action}))
                .await;
            assert_eq!(status, StatusCode::OK, "{action}: {body}");
        }
        let response = download(&anonymous, &server, pdf).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.bytes().await.unwrap_or_default().as_ref(), MINIMAL_PDF);
        let public = listed(&anonymous, &server, &files).await;
        assert_eq!(public.len(), 1);
        assert_eq!(public[0]["url"], format!("/api/v1/attachments/{pdf}"));
        let (status, body) = upload(&publisher, &server, &files, "补充.pdf", MINIMAL_PDF.to_vec(), "application/pdf").await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(delete(&publisher, &server, pdf).await.0, StatusCode::CONFLICT);
        assert_eq!(delete(&anonymous, &server, pdf).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(delete(&researcher, &server, pdf).await.0, StatusCode::FORBIDDEN);

        // The bureau may add and remove files at any time; removing deletes the file.
        let (status, notice) = upload(&moderator, &server, &files, "补充说明.pdf", MINIMAL_PDF.to_vec(), "application/pdf").await;
        assert_eq!(status, StatusCode::CREATED, "{notice}");
        assert_eq!(stored_files(&data).await, 2);
        let (status, body) = delete(&moderator, &server, id_of(&notice)).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        assert_eq!(stored_files(&data).await, 1);
        assert_eq!(download(&anonymous, &server, id_of(&notice)).await.status(), StatusCode::NOT_FOUND);

        let (_, shown) = anonymous.get(&server, &format!("/api/v1/challenges/{challenge}")).await;
        let timeline = shown["timeline"].as_array().cloned().unwrap_or_default();
        assert!(
            timeline.iter().any(|e| e["action"] == "attachment.upload" && e["detail"] == name),
            "{shown}"
        );
        assert!(timeline.iter().any(|e| e["action"] == "attachment.delete"), "{shown}");
    })
    .await;
}

#[tokio::test]
async fn bid_attachments_are_for_the_bidder_and_the_bureau() {
    on_each_platform_with_data(|server, data| async move {
        let publisher = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let bidder = Client::login(&server, "researcher@demo.techmatch", DEMO_PASSWORD).await;
        let competitor = Client::register(
            &server,
            "rival@lingnan.example.cn",
            "researcher",
            "岭南检测研究所",
        )
        .await;
        let anonymous = client();
        let (_, created) = publisher
            .post(&server, "/api/v1/challenges", challenge_body())
            .await;
        let challenge = id_of(&created);
        for (who, action) in [(&publisher, "submit"), (&moderator, "approve")] {
            let (status, body) = who
                .post(
                    &server,
                    &format!("/api/v1/challenges/{challenge}/actions"),
                    json!({"action": action}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{action}: {body}");
        }
        let (status, created) = bidder
            .post(
                &server,
                &format!("/api/v1/challenges/{challenge}/bids"),
                bid_body(),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let bid = id_of(&created);
        let files = format!("/api/v1/bids/{bid}/attachments");

        let mut workbook = rust_xlsxwriter::Workbook::new();
        workbook
            .add_worksheet()
            .write_string(0, 0, "经费预算")
            .unwrap_or_else(|e| panic!("{e}"));
        let xlsx = workbook.save_to_buffer().unwrap_or_else(|e| panic!("{e}"));
        let (status, stored) = upload(
            &bidder,
            &server,
            &files,
            "预算明细.xlsx",
            xlsx.clone(),
            "application/octet-stream",
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{stored}");
        assert_eq!(
            stored["content_type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let sheet = id_of(&stored);

        for (who, expected) in [
            (&bidder, StatusCode::OK),
            (&moderator, StatusCode::OK),
            (&competitor, StatusCode::NOT_FOUND),
            (&publisher, StatusCode::NOT_FOUND),
            (&anonymous, StatusCode::NOT_FOUND),
        ] {
            let response = download(who, &server, sheet).await;
            assert_eq!(response.status(), expected);
            if expected == StatusCode::OK {
                assert_eq!(
                    response.bytes().await.unwrap_or_default().as_ref(),
                    xlsx.as_slice()
                );
            }
            assert_eq!(who.get(&server, &files).await.0, expected, "the list");
        }
        let (status, _) = upload(
            &competitor,
            &server,
            &files,
            "混入.pdf",
            MINIMAL_PDF.to_vec(),
            "application/pdf",
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            delete(&competitor, &server, sheet).await.0,
            StatusCode::NOT_FOUND
        );
        let (status, _) = upload(
            &moderator,
            &server,
            &files,
            "局方.pdf",
            MINIMAL_PDF.to_vec(),
            "application/pdf",
        )
        .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "the bureau reads bids, it does not write them"
        );

        // A submitted bid keeps its files as they were.
        let (status, body) = bidder
            .post(
                &server,
                &format!("/api/v1/bids/{bid}/actions"),
                json!({"action": "submit"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = upload(
            &bidder,
            &server,
            &files,
            "补交.pdf",
            MINIMAL_PDF.to_vec(),
            "application/pdf",
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(
            delete(&bidder, &server, sheet).await.0,
            StatusCode::CONFLICT
        );
        assert_eq!(listed(&bidder, &server, &files).await.len(), 1);
        assert_eq!(stored_files(&data).await, 1);

        let (_, document) = anonymous.get(&server, "/api/v1/openapi.json").await;
        for path in [
            "/api/v1/challenges/{id}/attachments",
            "/api/v1/bids/{id}/attachments",
            "/api/v1/attachments/{id}",
        ] {
            assert!(document["paths"][path].is_object(), "{path} is documented");
        }

        // The bid's events are on the timeline the bureau sees.
        let (_, shown) = moderator
            .get(&server, &format!("/api/v1/challenges/{challenge}"))
            .await;
        assert!(
            shown["timeline"].as_array().is_some_and(|t| t
                .iter()
                .any(|e| e["action"] == "attachment.upload" && e["bid_id"] == bid)),
            "{shown}"
        );
    })
    .await;
}
