//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' annotations, and
//! its browsable page (Swagger UI with its assets compiled into the binary, so the page
//! loads nothing from the internet).

use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};

use super::{account_api, api, contacts_api, upload, workspace_api};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "techmatch 科技供需对接平台 API",
        description = "与页面相同的权限规则：个人 API 令牌（Authorization: Bearer tm_…，见 /api/v1/me/tokens）或会话 Cookie（tm_session）；以 Cookie 认证的写请求须在 X-CSRF-Token 头中带上登录或 /api/v1/me 返回的 csrf_token。错误为 {\"error\": {\"code\", \"message\"}}。"
    ),
    paths(
        account_api::register,
        account_api::login,
        account_api::logout,
        account_api::me,
        account_api::tokens,
        account_api::create_token,
        account_api::revoke_token,
        workspace_api::own,
        workspace_api::create,
        workspace_api::show,
        workspace_api::edit,
        workspace_api::act,
        upload::api,
        workspace_api::queue,
        workspace_api::decide,
        workspace_api::audit,
        workspace_api::orgs,
        workspace_api::verify_org,
        contacts_api::create,
        contacts_api::list,
        contacts_api::show,
        contacts_api::act,
        contacts_api::message,
        api::search,
        api::need_matches,
        api::achievement_matches,
        api::health,
    ),
    modifiers(&SessionCookie),
    tags(
        (name = "accounts", description = "注册、登录、会话"),
        (name = "postings", description = "本单位的技术需求或科技成果"),
        (name = "bureau", description = "科技局：审核、单位核验、审计日志"),
        (name = "contacts", description = "对接：意向、消息、签约"),
        (name = "public", description = "公开检索与匹配"),
    )
)]
pub struct ApiDoc;

struct SessionCookie;

impl utoipa::Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("tm_session"))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(utoipa::openapi::security::Http::new(
                utoipa::openapi::security::HttpAuthScheme::Bearer,
            )),
        );
    }
}
