//! What a hostile client meets: the browser security headers, account lockout with a
//! notice to the owner, and a lockout that does not tell which addresses exist.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use super::{DEMO_PASSWORD, client, decoded_parts};
use crate::start_with;

const ENTERPRISE: &str = "enterprise@demo.techmatch";

#[tokio::test]
async fn pages_carry_a_strict_content_security_policy_and_hsts_behind_tls() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let plain = start_with(&dir.path().join("plain"), None, &[]);
    let anonymous = client();
    for path in [
        "/",
        "/login",
        "/api/v1/search?kind=needs&q=x",
        "/static/site.css",
    ] {
        let response = anonymous
            .http
            .get(plain.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert!(headers.contains_key("referrer-policy"), "{path}");
        assert!(
            !headers.contains_key("strict-transport-security"),
            "no HSTS over plain HTTP: {path}"
        );
    }
    // The pages really have nothing inline for the policy to block.
    let home = anonymous
        .http
        .get(plain.url("/login"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(
        !home.contains("<script>") && !home.contains(" style=\""),
        "{home}"
    );

    // Behind a TLS-terminating proxy: HSTS, and the session cookie is Secure.
    let tls = start_with(
        &dir.path().join("tls"),
        None,
        &[("TECHMATCH_PUBLIC_URL", "https://kjj.example.cn".to_owned())],
    );
    let response = anonymous
        .http
        .post(tls.url("/api/v1/session"))
        .json(&json!({ "email": ENTERPRISE, "password": DEMO_PASSWORD }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("max-age=")),
        "{:?}",
        response.headers()
    );
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("tm_session="))
        .unwrap_or_default()
        .to_owned();
    for flag in ["Secure", "HttpOnly", "SameSite=Lax"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
}

/// The statuses of `attempts` logins with a wrong password, then one with `last`.
async fn login_statuses(
    server: &crate::Server,
    email: &str,
    attempts: usize,
    last: &str,
) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    for attempt in 0..=attempts {
        let password = if attempt == attempts {
            last
        } else {
            "a-wrong-password"
        };
        let (status, _) = client()
            .post(
                server,
                "/api/v1/session",
                json!({ "email": email, "password": password }),
            )
            .await;
        statuses.push(status);
    }
    statuses
}

#[tokio::test]
async fn ten_failed_logins_lock_the_account_and_tell_its_owner_without_revealing_accounts() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    // The per-minute limiter is raised so that the lockout, not the limiter, answers.
    let server = start_with(
        &data,
        None,
        &[("TECHMATCH_LOGIN_ATTEMPTS_PER_EMAIL", "100".to_owned())],
    );
    let existing = login_statuses(&server, ENTERPRISE, 10, DEMO_PASSWORD).await;
    let unknown = login_statuses(&server, "nobody@nowhere.example.cn", 10, DEMO_PASSWORD).await;
    // Ten wrong passwords, then even the right one is refused for now.
    assert_eq!(existing[..10], [StatusCode::UNAUTHORIZED; 10]);
    assert_eq!(existing[10], StatusCode::TOO_MANY_REQUESTS);
    // An address with no account goes through exactly the same answers.
    assert_eq!(unknown, existing);

    // The owner is told, with the way back in.
    let mut notice = None;
    for _ in 0..100 {
        let files: Vec<std::path::PathBuf> = std::fs::read_dir(data.join("mail"))
            .map(|entries| entries.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        notice = files
            .iter()
            .filter_map(|path| std::fs::read_to_string(path).ok())
            .find(|mail| {
                mail.contains(ENTERPRISE)
                    && decoded_parts(mail).iter().any(|part| part.contains("锁定"))
            });
        if notice.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let notice = notice.unwrap_or_else(|| panic!("no lockout notice under {}", data.display()));
    assert!(
        decoded_parts(&notice)
            .iter()
            .any(|part| part.contains("/password/forgot")),
        "{notice}"
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_login_limit_counts_each_client_not_the_proxy() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = start_with(
        &dir.path().join("data"),
        None,
        &[
            ("TECHMATCH_TRUSTED_PROXIES", "127.0.0.1".to_owned()),
            ("TECHMATCH_LOGIN_ATTEMPTS_PER_CLIENT", "3".to_owned()),
        ],
    );
    let attempt = |client_address: &'static str, n: usize| {
        let url = server.url("/api/v1/session");
        async move {
            client()
                .http
                .post(url)
                .header("X-Forwarded-For", client_address)
                .json(&json!({ "email": format!("guess{n}@example.cn"), "password": "x" }))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .status()
        }
    };
    // One client behind the proxy: its fourth attempt in a minute is refused...
    for n in 0..3 {
        assert_eq!(attempt("198.51.100.7", n).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        attempt("198.51.100.7", 3).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...while other clients behind the same proxy are not held up by it.
    assert_eq!(attempt("198.51.100.8", 4).await, StatusCode::UNAUTHORIZED);
    assert_eq!(attempt("203.0.113.1", 5).await, StatusCode::UNAUTHORIZED);
}
