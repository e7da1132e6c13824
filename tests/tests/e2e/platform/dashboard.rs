//! The bureau's dashboard on the demo data: the page shows the figures the statistics
//! API gives, only bureau users see either, and a malformed filter is refused by name.

use reqwest::StatusCode;

use super::{Client, DEMO_PASSWORD, MODERATOR, on_each_platform};

/// The number shown in the page's card for `figure`.
fn card(html: &str, figure: &str) -> Option<i64> {
    let marker = format!("data-figure=\"{figure}\"");
    let after = &html[html.find(&marker)? + marker.len()..];
    let after = match after.find("data-yuan=\"") {
        Some(at) if at < after.find('>').unwrap_or(0) => &after[at + "data-yuan=\"".len()..],
        _ => &after[after.find('>')? + 1..],
    };
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[tokio::test]
async fn the_dashboard_shows_what_the_statistics_api_counts() {
    on_each_platform(|server| async move {
        let moderator = Client::login(&server, MODERATOR, DEMO_PASSWORD).await;
        let range = "from=2020-01-01&to=2030-12-31";
        let (status, figures) = moderator
            .get(&server, &format!("/api/v1/statistics?{range}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{figures}");
        let totals = &figures["totals"];
        assert!(
            totals["needs_published"].as_i64().unwrap_or(0) > 0,
            "the demo publishes needs: {totals}"
        );
        assert_eq!(
            figures["months"].as_array().map(Vec::len),
            Some(11 * 12),
            "every month of the range"
        );
        let (status, html, _) = moderator
            .page(&server, &format!("/bureau/dashboard?{range}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        for figure in [
            "needs_posted",
            "needs_published",
            "achievements_published",
            "matches_proposed",
            "contact_requests",
            "contacts_accepted",
            "deals_signed",
            "technology_amount_yuan",
        ] {
            assert_eq!(
                card(&html, figure),
                totals[figure].as_i64(),
                "{figure} on the page and in the API"
            );
        }
        assert!(
            html.contains("<svg class=\"chart\""),
            "charts drawn on the server"
        );
        assert!(
            html.contains("id=\"months\""),
            "the table behind the charts"
        );

        // One cluster only: its figures are part of the whole.
        let cluster = figures["clusters"][0]["cluster"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let (_, narrowed) = moderator
            .get(
                &server,
                &format!(
                    "/api/v1/statistics?{range}&cluster={}",
                    urlencoding(&cluster)
                ),
            )
            .await;
        assert_eq!(
            narrowed["totals"]["needs_published"], figures["clusters"][0]["needs_published"],
            "{cluster}"
        );

        let (status, body) = moderator
            .get(&server, "/api/v1/statistics?from=2026-13-01")
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains("2026-13-01"), "{body}");
        let (status, _) = moderator
            .get(&server, "/api/v1/statistics?from=2026-05-01&to=2026-04-01")
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // The dashboard's download button: the yearly report as a workbook.
        assert!(html.contains("/api/v1/statistics/report?year=2030&amp;format=xlsx"));
        let response = moderator
            .http
            .get(server.url("/api/v1/statistics/report?year=2026&format=xlsx"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(response.status(), StatusCode::OK);
        let disposition = response
            .headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(
            disposition.starts_with("attachment") && disposition.contains("2026.xlsx"),
            "{disposition}"
        );
        let bytes = response.bytes().await.unwrap_or_default();
        assert!(bytes.starts_with(b"PK"), "an xlsx (zip) file");
        let (status, body) = moderator
            .get(&server, "/api/v1/statistics/report?year=2026&format=pdf")
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

        let enterprise = Client::login(&server, "enterprise@demo.techmatch", DEMO_PASSWORD).await;
        let (status, _) = enterprise
            .get(&server, "/api/v1/statistics/report?year=2026")
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = enterprise.get(&server, "/api/v1/statistics").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = enterprise.page(&server, "/bureau/dashboard").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

fn urlencoding(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[test]
fn the_report_command_writes_the_yearly_workbook() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let output = dir.path().join("report-2026.csv");
    let run = crate::run(
        &data,
        &[
            "report",
            "--year",
            "2026",
            "--format",
            "csv",
            "--output",
            &super::challenges::path_text(&output),
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&output).unwrap_or_default();
    for sheet in ["概览", "月度", "产业集群", "成交项目", "揭榜挂帅"] {
        assert!(text.contains(sheet), "{sheet} in {text}");
    }
    assert!(text.contains("2026-12,"), "every month of the year: {text}");
    let bad = crate::run(
        &data,
        &[
            "report", "--year", "2026", "--format", "pdf", "--output", "x",
        ],
    );
    assert!(!bad.status.success());
}

#[tokio::test]
async fn the_public_page_shows_only_the_figures_the_bureau_publishes() {
    on_each_platform(|server| async move {
        let anonymous = super::client();
        let (status, default) = anonymous.get(&server, "/api/v1/public/statistics").await;
        assert_eq!(status, StatusCode::OK, "{default}");
        let keys = |v: &serde_json::Value| -> Vec<String> {
            v["totals"]
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default()
        };
        let mut shown = keys(&default);
        shown.sort();
        assert_eq!(
            shown,
            ["achievements_published", "contacts_accepted", "needs_published"],
            "activity, not money, until the bureau chooses"
        );

        let admin = Client::login(&server, "admin@demo.techmatch", DEMO_PASSWORD).await;
        let (status, body) = admin
            .send(
                &server,
                reqwest::Method::PUT,
                "/api/v1/settings",
                Some(serde_json::json!({"public_figures": ["technology_amount_yuan", "deals_signed", "nonsense"]})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body) = admin
            .send(
                &server,
                reqwest::Method::PUT,
                "/api/v1/settings",
                Some(serde_json::json!({"public_figures": ["technology_amount_yuan", "deals_signed"]})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["public_figures"],
            serde_json::json!(["deals_signed", "technology_amount_yuan"])
        );
        let (_, published) = anonymous.get(&server, "/api/v1/public/statistics").await;
        assert_eq!(keys(&published), ["deals_signed", "technology_amount_yuan"]);
        let (status, html, _) = anonymous.page(&server, "/statistics").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("data-figure=\"deals_signed\""), "{html}");
        assert!(!html.contains("data-figure=\"needs_published\""), "{html}");
    })
    .await;
}
