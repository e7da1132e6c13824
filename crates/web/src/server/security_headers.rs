//! The headers every response carries so that a browser confines the pages to what they
//! are: no script or style from anywhere but this server and none inline (the pages have
//! none, so an injected `<script>` cannot run), no framing by other sites (one-click
//! moderation buttons must not be clickable through a disguised frame), no guessing of
//! content types, no full URLs (with reset tokens) leaking to other sites, and, behind
//! TLS, HTTPS only from the first visit on.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

use super::AppState;

/// `img-src data:` is for the icons inside Swagger UI's stylesheet; everything else is
/// this server's own.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A year, as browsers' preload lists expect.
const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

pub fn apply(routes: Router<AppState>, behind_tls: bool) -> Router<AppState> {
    let fixed = [
        (
            HeaderName::from_static("content-security-policy"),
            CONTENT_SECURITY_POLICY,
        ),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
    ];
    let mut routes = routes;
    for (name, value) in fixed {
        routes = routes.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    if behind_tls {
        routes = routes.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        ));
    }
    routes
}
