//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' annotations, and
//! its browsable page (Swagger UI with its assets compiled into the binary, so the page
//! loads nothing from the internet).

use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};

use super::{
    account_api, api, attachments_api, broker_pages, bureau_lists, challenge_solvers,
    challenges_api, contacts_api, dashboard_pages, outbox_pages, preferences_pages, public_stats,
    searches_pages, settings_pages, upload, webhooks_pages, workspace_api,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "techmatch technology supply-demand platform API",
        description = "The same permission rules as the pages. Authenticate with a personal API token (Authorization: Bearer tm_…, see /api/v1/me/tokens) or the session cookie (tm_session); write requests authenticated by cookie must send the csrf_token returned by login or /api/v1/me in the X-CSRF-Token header. Errors are {\"error\": {\"code\", \"message\"}}, the message in Chinese for people."
    ),
    paths(
        account_api::register,
        account_api::confirm,
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
        upload::mappings_api,
        upload::forget_mapping_api,
        bureau_lists::list_api,
        bureau_lists::upload_api,
        bureau_lists::export_api,
        workspace_api::queue,
        workspace_api::decide,
        workspace_api::audit,
        workspace_api::orgs,
        workspace_api::merge_org,
        workspace_api::verify_org,
        contacts_api::create,
        contacts_api::list,
        contacts_api::show,
        contacts_api::act,
        contacts_api::deal,
        contacts_api::message,
        broker_pages::api_own_assignments,
        broker_pages::api_choose_acting,
        broker_pages::api_assignments,
        broker_pages::api_assign,
        broker_pages::api_unassign,
        settings_pages::api_show,
        settings_pages::api_change,
        outbox_pages::api_show,
        dashboard_pages::api_show,
        dashboard_pages::report,
        public_stats::api_show,
        outbox_pages::api_retry,
        preferences_pages::api_show,
        preferences_pages::api_change,
        searches_pages::api_list,
        searches_pages::api_create,
        searches_pages::api_delete,
        webhooks_pages::api_list,
        webhooks_pages::api_create,
        webhooks_pages::api_delete,
        challenges_api::list,
        challenges_api::create,
        challenges_api::show,
        challenges_api::edit,
        challenges_api::act,
        challenges_api::set_criteria,
        challenges_api::set_publicity_days,
        challenges_api::assign_expert,
        challenges_api::unassign_expert,
        challenges_api::declare_conflict,
        challenges_api::void_sheet,
        challenges_api::ranking,
        challenges_api::selection_record,
        challenge_solvers::list,
        challenge_solvers::invite,
        challenges_api::propose_winners,
        challenges_api::object,
        challenges_api::answer_objection,
        challenges_api::award,
        challenges_api::start_execution,
        challenges_api::create_bid,
        challenges_api::show_bid,
        challenges_api::edit_bid,
        challenges_api::act_on_bid,
        challenges_api::formal_review,
        challenges_api::consortium,
        challenges_api::link_member,
        challenges_api::unlink_member,
        challenges_api::score,
        challenges_api::final_acceptance,
        challenges_api::milestone_step,
        attachments_api::upload_to_challenge,
        attachments_api::list_of_challenge,
        attachments_api::upload_to_bid,
        attachments_api::list_of_bid,
        attachments_api::download,
        attachments_api::delete,
        challenges_api::register_achievement,
        api::search,
        api::need_matches,
        api::achievement_matches,
        api::health,
    ),
    modifiers(&SessionCookie, &CommonResponses),
    tags(
        (name = "accounts", description = "Registration, login, sessions"),
        (name = "postings", description = "The needs or achievements of the user's organisation"),
        (name = "bureau", description = "The bureau: moderation, verifying organisations, audit log"),
        (name = "lists", description = "The bureau's list batches (numbered per year) and exports of postings"),
        (name = "brokers", description = "Technology brokers acting for assigned organisations (session: PUT /api/v1/me/acting; token: X-Acting-Org header)"),
        (name = "challenges", description = "Open challenge calls (jiebang guashuai): publication, expert panel, public notice and objections, award, execution"),
        (name = "bids", description = "Bids on open challenge calls: drafting, formal review, expert scores, milestones, acceptance"),
        (name = "attachments", description = "Attachments of challenges and bids: PDF, DOC, DOCX, XLS, XLSX, PPT, PPTX, at most 20 MB and 20 files each, served only to those who may see what they belong to"),
        (name = "contacts", description = "Contacts: requests, messages, contracts"),
        (name = "webhooks", description = "An organisation's webhooks: WeCom, DingTalk and Feishu group robots, or generic JSON signed with HMAC-SHA256 (X-Techmatch-Timestamp, X-Techmatch-Signature: sha256=hex HMAC of \"{timestamp}.{body}\")"),
        (name = "public", description = "Public search and matching, and the statistics the bureau publishes"),
        (name = "notifications", description = "Notification preferences, the match-alert threshold and saved searches"),
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

/// Declares, once for every operation, the answers common to many: the refusals of
/// reading a request (`extract::ApiJson`, `ApiPath`, `ApiQuery`, `ApiMultipart`): 400 for
/// a malformed path, query or body, 415 and 422 for a JSON body that is not JSON or of the
/// wrong shape; 404 for a path that names something unknown; and where the operation
/// names the security it needs, 401 without it, 400 for a malformed `X-Acting-Org` and 403
/// for a caller refused (or a change by session cookie without its CSRF token). A
/// handler's own annotation of a status wins.
struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for (path, item) in &mut openapi.paths.paths {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let json_body = operation
                    .request_body
                    .as_ref()
                    .is_some_and(|body| match body {
                        RefOr::T(body) => body.content.contains_key("application/json"),
                        RefOr::Ref(_) => false,
                    });
                let has_input = operation.request_body.is_some()
                    || path.contains('{')
                    || operation
                        .parameters
                        .as_ref()
                        .is_some_and(|parameters| !parameters.is_empty());
                let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
                let mut add = |status: &str, description: &str| {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error(description).into());
                };
                if has_input || secured {
                    add(
                        "400",
                        "The request could not be read: a malformed path, query, body or X-Acting-Org header",
                    );
                }
                if json_body {
                    add(
                        "415",
                        "The body is not JSON (Content-Type: application/json)",
                    );
                    add(
                        "422",
                        "The body is JSON of the wrong shape, or its content is refused",
                    );
                }
                if path.contains('{') {
                    add("404", "Nothing of that id, or nothing the caller may see");
                }
                if secured {
                    add(
                        "401",
                        "Not logged in, or the token is unknown, revoked or expired",
                    );
                    add(
                        "403",
                        "Not allowed for the caller (a broker not assigned the organisation it names), or a change by session cookie without its X-CSRF-Token header",
                    );
                }
            }
        }
    }
}
