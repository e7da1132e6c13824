//! `techmatch serve --demo`: a real server on an ephemeral port, through real HTTP.

use super::start;

#[tokio::test]
async fn the_demo_platform_serves_search_matches_and_health() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&dir.path().join("data"));
    let client = super::http_client();

    let get_json = |path: &str, query: &[(&str, &str)]| {
        let request = client.get(format!("{}{path}", server.base)).query(query);
        async move {
            let response = request.send().await.unwrap();
            response.json::<serde_json::Value>().await.unwrap()
        }
    };

    let health = get_json("/healthz", &[]).await;
    assert_eq!(health["database"], "ok");
    assert_eq!(health["index"]["current"], true, "{health}");

    let home = client
        .get(format!("{}/?kind=needs", server.base))
        .send()
        .await
        .unwrap();
    assert!(home.status().is_success());
    assert_eq!(
        home.headers()
            .get("x-frame-options")
            .and_then(|v| v.to_str().ok()),
        Some("DENY"),
        "no other site may frame the pages"
    );
    let page = home.text().await.unwrap();
    assert!(
        page.contains("科技供需对接平台") && page.contains("技术需求"),
        "the first page is alive"
    );

    let search = get_json(
        "/api/v1/search",
        &[("kind", "achievements"), ("q", "碳酸钙")],
    )
    .await;
    assert!(search["total"].as_u64().unwrap() > 0, "{search}");
    let hit = &search["hits"][0];
    assert!(
        hit["snippet_html"].as_str().unwrap().contains("<b>")
            || hit["title_html"].as_str().unwrap().contains("<b>")
    );

    let needs = get_json("/api/v1/search", &[("kind", "needs"), ("per_page", "1")]).await;
    let need_id = needs["hits"][0]["external_id"].as_str().unwrap().to_owned();
    let matches = get_json(&format!("/api/v1/needs/{need_id}/matches"), &[]).await;
    assert!(
        !matches["matches"].as_array().unwrap().is_empty(),
        "{matches}"
    );
    let page = client
        .get(format!("{}/needs/{need_id}", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("推荐匹配"));

    let missing = client
        .get(format!("{}/api/v1/needs/NOPE/matches", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), reqwest::StatusCode::NOT_FOUND);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn the_api_is_described_by_an_openapi_document_with_an_offline_docs_page() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = start(&dir.path().join("data"));
    let client = super::http_client();
    let document: serde_json::Value = client
        .get(server.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(document["openapi"], "3.1.0");
    for path in [
        "/api/v1/session",
        "/api/v1/me/postings",
        "/api/v1/me/postings/{id}/actions",
        "/api/v1/moderation/{kind}/{id}",
        "/api/v1/contacts/{id}/actions",
        "/api/v1/search",
    ] {
        assert!(document["paths"][path].is_object(), "{path} is documented");
    }
    assert!(document["components"]["schemas"]["ErrorBody"].is_object());
    // Registration's answers are described, not only their statuses: the 202 that is the
    // same for every address, and the signed-in user a confirmation returns.
    for (path, status, schema) in [
        ("/api/v1/users", "202", "RegistrationSentBody"),
        ("/api/v1/users/confirmations", "201", "SignedInBody"),
        ("/api/v1/session", "200", "SignedInBody"),
    ] {
        let body = &document["paths"][path]["post"]["responses"][status]["content"]["application/json"]
            ["schema"]["$ref"];
        assert_eq!(
            body.as_str(),
            Some(format!("#/components/schemas/{schema}").as_str()),
            "{path} {status} names its body"
        );
    }
    let account = &document["components"]["schemas"]["AccountBody"]["properties"];
    for field in ["id", "email", "role", "org_confirmed", "email_confirmed_at"] {
        assert!(
            account[field].is_object(),
            "the user's {field} is described"
        );
    }
    assert!(
        document["components"]["schemas"]["Confirmation"]["properties"]["password"].is_object()
    );
    every_operation_is_described(&document);

    let page = client
        .get(server.url("/api/v1/docs/"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(page.status().is_success());
    let html = page.text().await.unwrap_or_default();
    // Everything the page loads comes from this server.
    for attribute in ["src=\"", "href=\""] {
        for reference in html.split(attribute).skip(1) {
            assert!(
                !reference.starts_with("http"),
                "external reference: {reference:.60}"
            );
        }
    }
    let initializer = client
        .get(server.url("/api/v1/docs/swagger-initializer.js"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(
        initializer.contains("\"validatorUrl\": \"none\""),
        "{initializer}"
    );
}

/// Success answers that are empty on purpose: the step is done, and what moved (the
/// call, bid or contact) is read again by its own operation.
const EMPTY_SUCCESSES: [&str; 6] = [
    "answer_objection",
    "award_challenge",
    "start_execution",
    "score_bid",
    "assign_expert",
    "post_contact_message",
];

/// Success answers that are a file whose type is the file's own (an attachment's, or
/// XLSX or CSV as asked): described in words, not by one media type.
const FILE_ANSWERS: [&str; 2] = ["download_attachment", "export_postings"];

/// What a client generator needs of every operation: the name it had (the snapshot in
/// `tests/fixtures/api-operations.txt`), a one-line summary, and for each success answer
/// its body: the schema of a JSON body, every schema it names present, or a file's media
/// type.
fn every_operation_is_described(document: &serde_json::Value) {
    let schemas = document["components"]["schemas"]
        .as_object()
        .unwrap_or_else(|| panic!("no schemas"));
    let mut problems = Vec::new();
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let name = format!("{method} {path}");
            let operation_id = operation["operationId"].as_str().unwrap_or_default();
            operations.push(format!("{operation_id} {} {path}", method.to_uppercase()));
            match operation["summary"].as_str() {
                None | Some("") => problems.push(format!("{name}: no summary")),
                Some(summary) if summary.contains('\n') || summary.chars().count() > 120 => {
                    problems.push(format!("{name}: a summary of more than a line"));
                }
                Some(_) => {}
            }
            for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                if !status.starts_with('2') || status == "204" {
                    continue;
                }
                let Some(content) = response["content"].as_object() else {
                    if !EMPTY_SUCCESSES.contains(&operation_id)
                        && !FILE_ANSWERS.contains(&operation_id)
                    {
                        problems.push(format!("{name} {status}: no body described"));
                    }
                    continue;
                };
                for (media, body) in content {
                    // Files (spreadsheets, reports, attachments) are bytes, not JSON.
                    if media != "application/json" {
                        continue;
                    }
                    let schema = &body["schema"];
                    match schema["$ref"].as_str() {
                        Some(reference) => {
                            let named = reference.trim_start_matches("#/components/schemas/");
                            if !schemas.contains_key(named) {
                                problems.push(format!("{name} {status}: {named} is not defined"));
                            }
                        }
                        None if schema.is_object() && schema != &serde_json::json!({}) => {}
                        None => problems.push(format!("{name} {status}: an untyped JSON body")),
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    operations.sort();
    let snapshot = std::fs::read_to_string(format!(
        "{}/fixtures/api-operations.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let expected: Vec<&str> = snapshot
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .collect();
    assert_eq!(operations, expected, "the operations and their names");
}
