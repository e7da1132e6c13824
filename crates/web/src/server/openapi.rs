//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' annotations, and
//! its browsable page (Swagger UI with its assets compiled into the binary, so the page
//! loads nothing from the internet).

use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};

use super::{accounts, bureau, challenges, contacts, notifications, postings};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "techmatch technology supply-demand platform API",
        description = "The same permission rules as the pages. Authenticate with a personal API token (Authorization: Bearer tm_…, see /api/v1/me/tokens) or the session cookie (tm_session); write requests authenticated by cookie must send the csrf_token returned by login or /api/v1/me in the X-CSRF-Token header. Errors are {\"error\": {\"code\", \"message\"}}, the message in Chinese for people."
    ),
    paths(
        accounts::api::register,
        accounts::api::confirm,
        accounts::api::login,
        accounts::api::logout,
        accounts::api::me,
        accounts::api::tokens,
        accounts::api::create_token,
        accounts::api::revoke_token,
        postings::workspace_api::own,
        postings::workspace_api::create,
        postings::workspace_api::show,
        postings::workspace_api::edit,
        postings::workspace_api::act,
        postings::upload::api,
        postings::upload::mappings_api,
        postings::upload::forget_mapping_api,
        bureau::lists::list_api,
        bureau::lists::upload_api,
        bureau::lists::export_api,
        postings::workspace_api::queue,
        postings::workspace_api::decide,
        bureau::organisations_api::audit,
        bureau::organisations_api::orgs,
        bureau::organisations_api::merge_org,
        bureau::organisations_api::verify_org,
        contacts::api::create,
        contacts::api::list,
        contacts::api::show,
        contacts::api::act,
        contacts::api::deal,
        contacts::api::message,
        bureau::brokers::api_own_assignments,
        bureau::brokers::api_choose_acting,
        bureau::brokers::api_assignments,
        bureau::brokers::api_assign,
        bureau::brokers::api_unassign,
        bureau::settings::api_show,
        bureau::settings::api_change,
        bureau::outbox::api_show,
        bureau::dashboard::api_show,
        bureau::dashboard::report,
        bureau::public_stats::api_show,
        bureau::outbox::api_retry,
        notifications::preferences::api_show,
        notifications::preferences::api_change,
        notifications::searches::api_list,
        notifications::searches::api_create,
        notifications::searches::api_delete,
        notifications::webhooks::api_list,
        notifications::webhooks::api_create,
        notifications::webhooks::api_delete,
        challenges::api::list,
        challenges::api::create,
        challenges::api::show,
        challenges::api::edit,
        challenges::api::act,
        challenges::api::set_criteria,
        challenges::api::set_publicity_days,
        challenges::api::assign_expert,
        challenges::api::unassign_expert,
        challenges::api::declare_conflict,
        challenges::api::void_sheet,
        challenges::api::ranking,
        challenges::api::selection_record,
        challenges::api::solvers,
        challenges::api::invite,
        challenges::api::propose_winners,
        challenges::api::object,
        challenges::api::answer_objection,
        challenges::api::award,
        challenges::api::start_execution,
        challenges::api::create_bid,
        challenges::api::show_bid,
        challenges::api::edit_bid,
        challenges::api::act_on_bid,
        challenges::api::formal_review,
        challenges::api::consortium,
        challenges::api::link_member,
        challenges::api::unlink_member,
        challenges::api::score,
        challenges::api::final_acceptance,
        challenges::api::milestone_step,
        challenges::attachments::upload_to_challenge,
        challenges::attachments::list_of_challenge,
        challenges::attachments::upload_to_bid,
        challenges::attachments::list_of_bid,
        challenges::attachments::download,
        challenges::attachments::delete,
        challenges::api::register_achievement,
        postings::public_api::search,
        postings::public_api::need_matches,
        postings::public_api::achievement_matches,
        postings::public_api::health,
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
