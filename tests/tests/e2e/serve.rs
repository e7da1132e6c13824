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
