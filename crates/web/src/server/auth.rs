//! Who is asking: the session cookie, CSRF tokens and the login rate limit.
//!
//! Pages and the API share one session (an HttpOnly, SameSite=Lax cookie naming a row of
//! the sessions table). Every state-changing form carries a CSRF token: the session's own
//! when someone is logged in, otherwise the double-submit `tm_csrf` cookie's. JSON requests
//! authenticated by the cookie send the session's token in `X-CSRF-Token`.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use techmatch_core::services::sessions::{self, Session};
use techmatch_core::services::users::User;
use techmatch_core::services::{api_tokens, brokers};
use techmatch_core::t;

use super::{AppState, PageError, WebError};

pub const SESSION_COOKIE: &str = "tm_session";
pub const CSRF_COOKIE: &str = "tm_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The cookie that keeps someone logged in; `Secure` when the platform is reached over
/// HTTPS, so that the session never travels in clear text.
pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .secure(secure)
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::days(sessions::LIFETIME_DAYS))
        .build()
}

/// The cookie that ends a session in the browser.
pub fn expired_session_cookie() -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::ZERO)
        .build()
}

/// The anonymous visitor's CSRF token, set by [`ensure_csrf_cookie`].
#[derive(Debug, Clone)]
pub struct AnonymousCsrf(pub String);

/// Gives every visitor a `tm_csrf` cookie so that forms shown before login (login,
/// registration) can be protected by double submission.
pub async fn ensure_csrf_cookie(mut request: Request, next: Next) -> Response {
    let jar = CookieJar::from_headers(request.headers());
    let existing = jar
        .get(CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 64);
    let (token, fresh) = match existing {
        Some(token) => (token, false),
        None => (sessions::random_token(), true),
    };
    request
        .extensions_mut()
        .insert(AnonymousCsrf(token.clone()));
    let mut response = next.run(request).await;
    if fresh {
        let cookie = Cookie::build((CSRF_COOKIE, token))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .build();
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Whoever is asking, logged in or not.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub session: Option<Session>,
    /// The token forms must echo: the session's, or the anonymous cookie's.
    pub csrf: String,
}

impl Viewer {
    pub fn user(&self) -> Option<&User> {
        self.session.as_ref().map(|s| &s.user)
    }
}

async fn session_of(parts: &Parts, state: &AppState) -> Result<Option<Session>, WebError> {
    let jar = CookieJar::from_headers(&parts.headers);
    match jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) {
        Some(token) if !token.is_empty() => Ok(sessions::find(&state.db, &token).await?),
        _ => Ok(None),
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let session = session_of(parts, state).await?;
        let csrf = match &session {
            Some(s) => s.csrf_token.clone(),
            None => parts
                .extensions
                .get::<AnonymousCsrf>()
                .map(|a| a.0.clone())
                .unwrap_or_default(),
        };
        Ok(Viewer { session, csrf })
    }
}

/// A logged-in user, for pages: anyone else is sent to the login page.
#[derive(Debug, Clone)]
pub struct PageUser(pub Session);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        match session_of(parts, state).await? {
            Some(session) => Ok(PageUser(session)),
            None => Err(PageError(WebError::LoginRequired {
                next: parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_else(|| "/".to_owned()),
            })),
        }
    }
}

/// A logged-in user, for the JSON API: by personal token (`Authorization: Bearer tm_…`)
/// or by session cookie; anyone else gets 401. A cookie request that changes something
/// must carry the session's CSRF token in `X-CSRF-Token`.
#[derive(Debug, Clone)]
pub struct ApiUser(pub User);

/// The caller of a JSON API request: by personal token (acting for the organisation
/// its header names, for a broker) or by session cookie, with the CSRF check a cookie
/// request that changes something needs; `None` for nobody (no credentials, or a token
/// that is unknown or whose user is suspended). [`ApiUser`] and [`MaybeApiUser`] share it.
async fn api_caller(parts: &Parts, state: &AppState) -> Result<Option<User>, WebError> {
    // A personal API token needs no CSRF token: a browser never sends it by itself.
    if let Some(token) = bearer_token(&parts.headers) {
        let Some(user) = api_tokens::authenticate(&state.db, token).await? else {
            return Ok(None);
        };
        // A token has no session to remember a broker's choice: each request
        // names the organisation it acts for.
        return match acting_org_header(&parts.headers)? {
            Some(org_id) => Ok(Some(brokers::act_for(&state.db, user, org_id).await?.0)),
            None => Ok(Some(user)),
        };
    }
    let Some(session) = session_of(parts, state).await? else {
        return Ok(None);
    };
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !header_matches(&parts.headers, &session.csrf_token) {
        return Err(WebError::Csrf);
    }
    Ok(Some(session.user))
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        api_caller(parts, state)
            .await?
            .map(ApiUser)
            .ok_or(WebError::Unauthenticated)
    }
}

/// Whoever calls, by personal token or session cookie, or nobody: for answers that show
/// more to some callers than to the public. An unknown token is nobody, not an error.
#[derive(Debug, Clone)]
pub struct MaybeApiUser(pub Option<User>);

impl FromRequestParts<AppState> for MaybeApiUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        Ok(MaybeApiUser(api_caller(parts, state).await?))
    }
}

/// The header in which a broker's API token request names the organisation it acts for.
pub const ACTING_ORG_HEADER: &str = "x-acting-org";

fn acting_org_header(headers: &HeaderMap) -> Result<Option<i64>, WebError> {
    match headers.get(ACTING_ORG_HEADER) {
        None => Ok(None),
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .map(Some)
            .ok_or_else(|| WebError::BadForm(ACTING_ORG_HEADER.to_owned())),
    }
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

fn header_matches(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| constant_time_eq(v.as_bytes(), expected.as_bytes()))
}

/// Checks a token sent in a form field that a plain form extractor cannot see (multipart).
pub fn check_csrf(expected: &str, sent: &str) -> Result<(), WebError> {
    if !expected.is_empty() && constant_time_eq(expected.as_bytes(), sent.as_bytes()) {
        Ok(())
    } else {
        Err(WebError::Csrf)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// A submitted form whose CSRF token has been checked, with the viewer who sent it.
pub struct CsrfForm<T> {
    pub viewer: Viewer,
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    // Forms belong to pages: a stale form gets the HTML error page, not JSON.
    type Rejection = PageError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, PageError> {
        let (mut parts, body) = request.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| WebError::BadForm(t!("api-error-form-too-large")))?;
        let sent: CsrfField =
            serde_html_form::from_bytes(&bytes).map_err(|e| WebError::BadForm(e.to_string()))?;
        if viewer.csrf.is_empty() || !constant_time_eq(sent.csrf.as_bytes(), viewer.csrf.as_bytes())
        {
            return Err(WebError::Csrf.into());
        }
        let form =
            serde_html_form::from_bytes(&bytes).map_err(|e| WebError::BadForm(e.to_string()))?;
        Ok(CsrfForm { viewer, form })
    }
}

/// Forms are small; uploads go through multipart with their own limit.
const MAX_FORM_BYTES: usize = 256 * 1024;

/// Login attempts allowed per email address and per client address, per minute.
pub const ATTEMPTS_PER_EMAIL: u32 = 5;
pub const ATTEMPTS_PER_CLIENT: u32 = 30;

/// Slows down password guessing: a burst of attempts for one account, or from one
/// client, is refused for a while. Per process; several web nodes each keep their own
/// (the account lockout, counted in the database, holds across nodes).
pub struct LoginLimiter {
    by_email: DefaultKeyedRateLimiter<String>,
    by_client: DefaultKeyedRateLimiter<IpAddr>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self::new(ATTEMPTS_PER_EMAIL, ATTEMPTS_PER_CLIENT)
    }
}

impl LoginLimiter {
    pub fn new(per_email: u32, per_client: u32) -> Self {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        LoginLimiter {
            by_email: RateLimiter::keyed(quota(per_email)),
            by_client: RateLimiter::keyed(quota(per_client)),
        }
    }
}

impl LoginLimiter {
    /// Drops the state of keys whose budget has refilled, so memory stays bounded.
    pub fn forget_old(&self) {
        self.by_email.retain_recent();
        self.by_client.retain_recent();
    }

    /// Counts one attempt; refuses when either budget is spent.
    pub fn check(&self, email: &str, client: Option<IpAddr>) -> Result<(), WebError> {
        let email_ok = self
            .by_email
            .check_key(&email.trim().to_lowercase())
            .is_ok();
        let client_ok = client.is_none_or(|ip| self.by_client.check_key(&ip).is_ok());
        if email_ok && client_ok {
            Ok(())
        } else {
            Err(WebError::TooManyAttempts)
        }
    }
}

/// The client's address: the connection's peer, or behind a trusted reverse proxy the
/// address the proxies recorded in `X-Forwarded-For`.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        Ok(ClientIp(peer.map(|peer| {
            client_behind(peer, &forwarded, &app.trusted_proxies)
        })))
    }
}

/// Walks `X-Forwarded-For` from the right while the hop is a trusted proxy: the first
/// address a trusted proxy did not add itself is the client's. Anything further left was
/// written by the client and proves nothing; a peer that is not a trusted proxy is the
/// client, whatever the header says.
pub fn client_behind(peer: IpAddr, forwarded_for: &str, trusted: &[IpAddr]) -> IpAddr {
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.
    let trusted: Vec<IpAddr> = trusted.iter().map(IpAddr::to_canonical).collect();
    let mut client = peer.to_canonical();
    let mut hops = forwarded_for.rsplit(',').map(str::trim);
    while trusted.contains(&client) {
        match hops.next().and_then(|hop| hop.parse::<IpAddr>().ok()) {
            Some(previous) => client = previous.to_canonical(),
            None => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::client_behind;
    use std::net::IpAddr;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn the_client_is_the_first_hop_a_trusted_proxy_did_not_add() {
        let proxies = [ip("10.0.0.2"), ip("10.0.0.3")];
        // Straight from the internet: the header is the client's own words.
        assert_eq!(
            client_behind(ip("203.0.113.9"), "1.2.3.4", &proxies),
            ip("203.0.113.9")
        );
        // Through one proxy.
        assert_eq!(
            client_behind(ip("10.0.0.2"), "198.51.100.7", &proxies),
            ip("198.51.100.7")
        );
        // Through two proxies; what the client wrote on the left is ignored.
        assert_eq!(
            client_behind(ip("10.0.0.2"), "6.6.6.6, 198.51.100.7, 10.0.0.3", &proxies),
            ip("198.51.100.7")
        );
        // An IPv4 proxy seen through a dual-stack socket is still the proxy.
        assert_eq!(
            client_behind(ip("::ffff:10.0.0.2"), "198.51.100.7", &proxies),
            ip("198.51.100.7")
        );
        // A trusted proxy that sent no header, or a malformed one, is the client.
        assert_eq!(client_behind(ip("10.0.0.2"), "", &proxies), ip("10.0.0.2"));
        assert_eq!(
            client_behind(ip("10.0.0.2"), "not-an-ip", &proxies),
            ip("10.0.0.2")
        );
    }
}
