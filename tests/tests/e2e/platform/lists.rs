//! Lists as offices make them, uploaded on the web: a list without its description
//! column is refused before anything is written, mapped by hand on the page (the file
//! kept, not chosen again), and the mapping remembered for the organisation's next
//! upload; nobody else can use the kept file, and contacts show nowhere.

use reqwest::StatusCode;
use serde_json::Value;

use super::{Client, MODERATOR, on_each_platform};

/// A county-style list: a title row, a header whose description column is named in a way
/// the importer cannot place, and a combined contact column.
const LIST: &str = "\
沁县2026年第三批企业技术需求清单,,,\n\
需求名称,难题简述,所属领域,联系人及电话\n\
谷子秸秆饲料化利用,秸秆粗纤维含量高适口性差需要微生物发酵处理工艺,现代农业,王工 13800009901\n\
小杂粮脱壳损失率高,现有脱壳设备碎米率超过百分之八需要改进,现代农业,李经理：13800009902\n";

const NEXT_LIST: &str = "\
需求名称,难题简述,所属领域,联系人及电话\n\
沁州黄小米品质检测,需要快速检测小米直链淀粉和蛋白质含量的方法,现代农业,赵工 13800009903\n";

async fn api_upload(client: &Client, server: &super::Server, csv: &'static str) -> Value {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes()).file_name("沁县需求清单.csv"),
    );
    let response = client
        .http
        .post(server.url("/api/v1/me/postings/import"))
        .header("X-CSRF-Token", &client.csrf)
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap_or_else(|e| panic!("{e}"))
}

async fn page_upload(client: &Client, server: &super::Server, csv: &'static str) -> String {
    let form = reqwest::multipart::Form::new()
        .text("csrf", client.csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes()).file_name("沁县需求清单.csv"),
        );
    let response = client
        .http
        .post(server.url("/me/upload"))
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap_or_default()
}

fn kept_token(html: &str) -> String {
    html.split("name=\"token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no mapping form in {html}"))
        .to_owned()
}

async fn map(client: &Client, server: &super::Server, token: &str) -> String {
    let fields = [
        ("csrf", client.csrf.as_str()),
        ("token", token),
        ("header", "难题简述"),
        ("field", "description"),
    ];
    let response = client
        .http
        .post(server.url("/me/upload/map"))
        .form(&fields)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap_or_default()
}

async fn own_titles(client: &Client, server: &super::Server) -> Vec<String> {
    let (_, own) = client.get(server, "/api/v1/me/postings").await;
    own["postings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p["title"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_list_without_its_description_is_mapped_by_hand_and_the_mapping_remembered() {
    on_each_platform(|server| async move {
        let enterprise = Client::register(
            &server,
            "lists@qinxian.example.cn",
            "enterprise",
            "沁县谷丰农业有限公司",
        )
        .await;

        // Through the API: refused whole, saying which column is missing and what the
        // unplaced column might be.
        let report = api_upload(&enterprise, &server, LIST).await;
        assert_eq!(report["created"], 0, "{report}");
        assert!(
            report["refused"]
                .as_str()
                .is_some_and(|r| r.contains("需求描述")),
            "{report}"
        );
        assert_eq!(report["layout"]["missing"][0]["field"], "description");
        assert_eq!(report["layout"]["sheets"][0]["title_rows"][0]["row"], 1);
        let brief = report["layout"]["columns"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["header"] == "难题简述"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(brief["candidates"][0], "description", "{report}");
        assert!(own_titles(&enterprise, &server).await.is_empty());

        // On the page: the same refusal with a form to map the columns; the file is
        // kept, so the form carries a token, not the file.
        let html = page_upload(&enterprise, &server, LIST).await;
        assert!(html.contains("/me/upload/map"), "{html}");
        let token = kept_token(&html);

        // Another organisation's member cannot import the kept file.
        let stranger = Client::register(
            &server,
            "other@lists.example.cn",
            "enterprise",
            "别家农业有限公司",
        )
        .await;
        let answer = map(&stranger, &server, &token).await;
        assert!(answer.contains("已过期或不存在"), "{answer}");
        assert!(own_titles(&stranger, &server).await.is_empty());

        let done = map(&enterprise, &server, &token).await;
        assert!(!done.contains("name=\"token\""), "{done}");
        let mut titles = own_titles(&enterprise, &server).await;
        titles.sort();
        assert_eq!(titles, ["小杂粮脱壳损失率高", "谷子秸秆饲料化利用"]);
        // The kept file is gone once imported.
        let again = map(&enterprise, &server, &token).await;
        assert!(again.contains("已过期或不存在"), "{again}");

        // The next list in the same shape imports at once: the mapping was remembered,
        // for this organisation only.
        let next = api_upload(&enterprise, &server, NEXT_LIST).await;
        assert_eq!(next["created"], 1, "{next}");
        let elsewhere = api_upload(&stranger, &server, NEXT_LIST).await;
        assert_eq!(elsewhere["created"], 0, "{elsewhere}");
        assert!(elsewhere["refused"].is_string(), "{elsewhere}");

        // The contacts were split and kept, but no read shows them.
        let (_, own) = enterprise.get(&server, "/api/v1/me/postings").await;
        assert!(!own.to_string().contains("13800009901"), "{own}");
        let bureau = Client::login(&server, MODERATOR, super::DEMO_PASSWORD).await;
        let (_, queue) = bureau.get(&server, "/api/v1/moderation/queue").await;
        assert!(queue.to_string().contains("谷子秸秆饲料化利用"), "{queue}");
        assert!(!queue.to_string().contains("13800009901"), "{queue}");

        // The remembered column is listed for its organisation alone, and once
        // forgotten the next list asks again.
        let (_, remembered) = enterprise.get(&server, "/api/v1/me/column-mappings").await;
        assert_eq!(
            remembered,
            serde_json::json!([{"header": "难题简述", "field": "description"}])
        );
        let (_, theirs) = stranger.get(&server, "/api/v1/me/column-mappings").await;
        assert_eq!(theirs, serde_json::json!([]));
        let forget = |client: &Client| {
            client
                .http
                .delete(server.url("/api/v1/me/column-mappings"))
                .query(&[("header", "难题简述")])
                .header("X-CSRF-Token", &client.csrf)
                .send()
        };
        let status = forget(&stranger).await.map(|r| r.status()).ok();
        assert_eq!(status, Some(StatusCode::NOT_FOUND));
        let (_, page, _) = enterprise.page(&server, "/me/upload").await;
        assert!(
            page.contains("/me/upload/mappings/forget") && page.contains("难题简述"),
            "{page}"
        );
        let status = forget(&enterprise).await.map(|r| r.status()).ok();
        assert_eq!(status, Some(StatusCode::NO_CONTENT));
        let asked = api_upload(&enterprise, &server, NEXT_LIST).await;
        assert!(asked["refused"].is_string(), "{asked}");
    })
    .await;
}

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/core/tests/fixtures/lists")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

async fn upload_batch(
    client: &Client,
    server: &super::Server,
    file_name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let form = reqwest::multipart::Form::new()
        .text("kind", "need")
        .text("list_date", "2026-03-15")
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
        );
    let response = client
        .http
        .post(server.url("/api/v1/bureau/lists"))
        .header("X-CSRF-Token", &client.csrf)
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn download(client: &Client, server: &super::Server, path: &str) -> (StatusCode, Vec<u8>) {
    let response = client
        .http
        .get(server.url(path))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = response.status();
    (status, response.bytes().await.unwrap_or_default().to_vec())
}

#[tokio::test]
async fn the_bureau_imports_a_county_list_as_a_batch_and_exports_it_again() {
    on_each_platform(|server| async move {
        let bureau = Client::login(&server, MODERATOR, super::DEMO_PASSWORD).await;
        let enterprise = Client::register(
            &server,
            "nosy@batch.example.cn",
            "enterprise",
            "好奇企业有限公司",
        )
        .await;

        // Nobody but the bureau uploads batches or exports postings (with their contacts).
        let (status, _) = upload_batch(
            &enterprise,
            &server,
            "wuxiang-2026-batch1.xls",
            fixture("wuxiang-2026-batch1.xls"),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = download(
            &enterprise,
            &server,
            "/api/v1/bureau/postings/export?kind=need",
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = enterprise.page(&server, "/bureau/lists").await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The county's first list of the year, as Excel 97 saved it.
        let (status, uploaded) = upload_batch(
            &bureau,
            &server,
            "wuxiang-2026-batch1.xls",
            fixture("wuxiang-2026-batch1.xls"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{uploaded}");
        assert_eq!(uploaded["report"]["created"], 6, "{uploaded}");
        let id = uploaded["batch"]
            .as_i64()
            .unwrap_or_else(|| panic!("{uploaded}"));
        let (_, batches) = bureau.get(&server, "/api/v1/bureau/lists").await;
        let first = batches
            .as_array()
            .and_then(|b| b.iter().find(|b| b["id"] == id))
            .cloned()
            .unwrap_or_default();
        // Named by the next number of the list's year (the demo's lists came first).
        let first_name = first["name"].as_str().unwrap_or_default().to_owned();
        assert!(
            first_name.starts_with('第') && first_name.ends_with('批'),
            "{batches}"
        );
        assert_eq!(first["postings"], 6, "{batches}");

        let (status, html, _) = bureau.page(&server, &format!("/bureau/lists/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("高纯氧化铝粉体提纯工艺优化"), "{html}");
        assert!(html.contains("表头在第 3 行"), "{html}");
        let (status, page, _) = bureau.page(&server, "/bureau/lists").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&first_name), "{page}");

        // The batch exported again, with the importer's headers and the contacts.
        let (status, csv) = download(
            &bureau,
            &server,
            &format!("/api/v1/bureau/postings/export?batch={id}&format=csv"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let text = String::from_utf8_lossy(&csv).to_string();
        assert!(
            text.trim_start_matches('\u{feff}')
                .starts_with("需求编号,需求名称,需求描述")
        );
        assert_eq!(text.lines().count(), 7, "{text}");
        assert!(
            text.contains("13800000001") && text.contains("王工"),
            "{text}"
        );

        // A filtered set: only the batch's 新材料 needs.
        let (_, filtered) = download(
            &bureau,
            &server,
            &format!("/bureau/postings/export?kind=need&batch={id}&cluster=新材料&format=csv"),
        )
        .await;
        let filtered = String::from_utf8_lossy(&filtered).to_string();
        assert!(filtered.lines().count() > 1, "{filtered}");
        assert!(
            filtered.lines().skip(1).all(|line| line.contains("新材料")),
            "{filtered}"
        );

        // The export re-imports as a second batch that changes nothing.
        let (status, again) = upload_batch(&bureau, &server, "第一批导出.csv", csv).await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert_eq!(again["report"]["created"], 0, "{again}");
        assert_eq!(again["report"]["unchanged"], 6, "{again}");
        let (_, batches) = bureau.get(&server, "/api/v1/bureau/lists").await;
        let names: Vec<&str> = batches
            .as_array()
            .map(|b| b.iter().filter_map(|b| b["name"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(names.len(), 4, "{batches}");
        assert!(
            names.iter().filter(|n| **n == first_name).count() == 1,
            "the re-import is a batch of its own name: {batches}"
        );
    })
    .await;
}

/// The bureau's list refused for its description column, as the page's form sends it.
const BUREAU_LIST: &str = "\
沁县2026年第九批企业技术需求清单,,,\n\
需求名称,难题简述,企业名称,联系人及电话\n\
谷子秸秆青贮发酵,秸秆粗纤维含量高适口性差需要微生物发酵处理工艺,沁县谷丰农业有限公司,王工 13800009911\n";

async fn bureau_page_upload(client: &Client, server: &super::Server) -> String {
    let form = reqwest::multipart::Form::new()
        .text("csrf", client.csrf.clone())
        .text("kind", "need")
        .text("name", "第九批")
        .text("list_date", "2026-09-01")
        .part(
            "file",
            reqwest::multipart::Part::bytes(BUREAU_LIST.as_bytes()).file_name("沁县第九批.csv"),
        );
    let response = client
        .http
        .post(server.url("/bureau/lists"))
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap_or_default()
}

async fn bureau_map(
    client: &Client,
    server: &super::Server,
    token: &str,
    kind: &str,
) -> (StatusCode, Option<String>, String) {
    let fields = [
        ("csrf", client.csrf.as_str()),
        ("token", token),
        ("kind", kind),
        ("name", "第九批"),
        ("list_date", "2026-09-01"),
        ("header", "难题简述"),
        ("field", "description"),
    ];
    let response = client
        .http
        .post(server.url("/bureau/lists/map"))
        .form(&fields)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = response.status();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    (status, location, response.text().await.unwrap_or_default())
}

#[tokio::test]
async fn the_bureau_places_a_refused_batch_s_columns_on_the_page_and_it_becomes_the_batch() {
    on_each_platform(|server| async move {
        let bureau = Client::login(&server, MODERATOR, super::DEMO_PASSWORD).await;
        let html = bureau_page_upload(&bureau, &server).await;
        assert!(html.contains("/bureau/lists/map"), "{html}");
        // The form carries the batch's kind, name and date with the kept file's token.
        assert!(html.contains("name=\"kind\" value=\"need\""), "{html}");
        assert!(html.contains("name=\"name\" value=\"第九批\""), "{html}");
        let token = kept_token(&html);
        // The secrecy, identity and contact fields are never offered for a column.
        let form = html.split("/bureau/lists/map").nth(1).unwrap_or_default();
        for field in [
            "value=\"confidential\"",
            "value=\"id\"",
            "value=\"contact\"",
        ] {
            assert!(!form.contains(field), "{field} offered: {form}");
        }

        // Sent back as a list of another kind, the kept file is not found, nothing written.
        let (status, _, answer) = bureau_map(&bureau, &server, &token, "achievement").await;
        assert_eq!(status, StatusCode::OK);
        assert!(answer.contains("已过期或不存在"), "{answer}");
        let (_, batches) = bureau.get(&server, "/api/v1/bureau/lists").await;
        assert!(!batches.to_string().contains("第九批"), "{batches}");

        // Placed by hand, it is imported as the batch named on the first form.
        let (status, location, _) = bureau_map(&bureau, &server, &token, "need").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let location = location.unwrap_or_default();
        assert!(location.starts_with("/bureau/lists/"), "{location}");
        let (status, page, _) = bureau.page(&server, &location).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("第九批") && page.contains("谷子秸秆青贮发酵"),
            "{page}"
        );
        assert!(!page.contains("导入未完成"), "{page}");
        let (_, batches) = bureau.get(&server, "/api/v1/bureau/lists").await;
        let ninth = batches
            .as_array()
            .and_then(|b| b.iter().find(|b| b["name"] == "第九批"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(ninth["complete"], true, "{batches}");
        assert_eq!(ninth["postings"], 1, "{batches}");
    })
    .await;
}
