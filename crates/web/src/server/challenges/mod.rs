//! 揭榜挂帅: the public's, publishers' and bidders' pages, the bureau's console, the
//! experts' review, the JSON API over the same use cases, and the attachments.
//!
//! Each area owns its pages and its `/api/v1` routes; both call the same use cases in
//! `techmatch_app`.

pub(crate) mod api;
pub(crate) mod attachments;
pub(crate) mod console;
pub(crate) mod pages;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::server::AppState;

/// The area's pages and API routes.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        // 揭榜挂帅: the bureau's console and the experts' review.
        .route("/bureau/challenges", get(console::list))
        .route("/bureau/challenges/{id}", get(console::console))
        .route("/bureau/challenges/{id}/act", post(console::act))
        .route(
            "/bureau/challenges/{id}/experts",
            post(console::assign_expert),
        )
        .route(
            "/bureau/challenges/{id}/experts/{expert_id}/remove",
            post(console::unassign_expert),
        )
        .route(
            "/bureau/challenges/{id}/consortium",
            post(console::link_member),
        )
        .route(
            "/bureau/challenges/{id}/void-sheet",
            post(console::void_sheet),
        )
        .route(
            "/bureau/challenges/{id}/criteria",
            post(console::set_criteria),
        )
        .route(
            "/bureau/challenges/{id}/formal-review",
            post(console::formal_review),
        )
        .route(
            "/bureau/challenges/{id}/winners",
            post(console::propose_winners),
        )
        .route(
            "/bureau/challenges/{id}/objections",
            post(console::answer_objection),
        )
        .route("/bureau/challenges/{id}/award", post(console::award))
        .route(
            "/bureau/challenges/{id}/execution",
            post(console::start_execution),
        )
        .route(
            "/bureau/challenges/{id}/milestones",
            post(console::milestone),
        )
        .route(
            "/bureau/challenges/{id}/acceptance",
            post(console::acceptance),
        )
        .route("/expert", get(console::expert_home))
        .route(
            "/expert/challenges/{id}/conflict",
            post(console::declare_conflict),
        )
        .route(
            "/bids/{id}/score",
            get(console::score_form).post(console::score),
        )
        // 揭榜挂帅 pages of the public, the publisher and the bidder.
        .route("/challenges", get(pages::list))
        .route("/challenges/new", get(pages::new_form).post(pages::create))
        .route("/challenges/{id}", get(pages::show))
        .route(
            "/challenges/{id}/edit",
            get(pages::edit_form).post(pages::edit),
        )
        .route("/challenges/{id}/action", post(pages::act))
        .route("/challenges/{id}/objections", post(pages::object))
        .route(
            "/challenges/{id}/bid",
            get(pages::new_bid_form).post(pages::create_bid),
        )
        .route("/bids/{id}", get(pages::show_bid))
        .route(
            "/bids/{id}/edit",
            get(pages::edit_bid_form).post(pages::edit_bid),
        )
        .route("/bids/{id}/action", post(pages::act_on_bid))
        .route("/milestones/{id}/report", post(pages::report_milestone))
        // 揭榜挂帅.
        .route("/api/v1/challenges", get(api::list).post(api::create))
        .route("/api/v1/challenges/{id}", get(api::show).put(api::edit))
        .route("/api/v1/challenges/{id}/actions", post(api::act))
        .route(
            "/api/v1/challenges/{id}/criteria",
            axum::routing::put(api::set_criteria),
        )
        .route(
            "/api/v1/challenges/{id}/publicity",
            axum::routing::put(api::set_publicity_days),
        )
        .route("/api/v1/challenges/{id}/experts", post(api::assign_expert))
        .route(
            "/api/v1/challenges/{id}/experts/{user_id}",
            axum::routing::delete(api::unassign_expert),
        )
        .route(
            "/api/v1/challenges/{id}/conflict",
            post(api::declare_conflict),
        )
        .route("/api/v1/challenges/{id}/sheets/void", post(api::void_sheet))
        .route("/api/v1/challenges/{id}/ranking", get(api::ranking))
        .route("/api/v1/challenges/{id}/solvers", get(api::solvers))
        .route("/api/v1/challenges/{id}/invitations", post(api::invite))
        .route(
            "/api/v1/challenges/{id}/record.xlsx",
            get(api::selection_record),
        )
        .route(
            "/api/v1/challenges/{id}/winners",
            post(api::propose_winners),
        )
        .route("/api/v1/challenges/{id}/objections", post(api::object))
        .route(
            "/api/v1/objections/{id}/answer",
            post(api::answer_objection),
        )
        .route("/api/v1/challenges/{id}/award", post(api::award))
        .route(
            "/api/v1/challenges/{id}/execution",
            post(api::start_execution),
        )
        .route("/api/v1/challenges/{id}/bids", post(api::create_bid))
        .route("/api/v1/bids/{id}", get(api::show_bid).put(api::edit_bid))
        .route("/api/v1/bids/{id}/actions", post(api::act_on_bid))
        .route("/api/v1/bids/{id}/formal-review", post(api::formal_review))
        .route("/api/v1/bids/{id}/consortium", get(api::consortium))
        .route(
            "/api/v1/bids/{id}/consortium/{index}/link",
            post(api::link_member),
        )
        .route(
            "/api/v1/bids/{id}/consortium/{index}/unlink",
            post(api::unlink_member),
        )
        .route("/api/v1/bids/{id}/scores", post(api::score))
        .route(
            "/api/v1/bids/{id}/achievement",
            post(api::register_achievement),
        )
        .route("/api/v1/bids/{id}/acceptance", post(api::final_acceptance))
        .route("/api/v1/milestones/{id}/steps", post(api::milestone_step))
        // Attachments (附件) of challenges and bids: PDF and Office files, at most 20 MB.
        .route(
            "/api/v1/challenges/{id}/attachments",
            get(attachments::list_of_challenge)
                .post(attachments::upload_to_challenge)
                .layer(DefaultBodyLimit::max(attachments::BODY_LIMIT)),
        )
        .route(
            "/api/v1/bids/{id}/attachments",
            get(attachments::list_of_bid)
                .post(attachments::upload_to_bid)
                .layer(DefaultBodyLimit::max(attachments::BODY_LIMIT)),
        )
        .route(
            "/api/v1/attachments/{id}",
            get(attachments::download).delete(attachments::delete),
        )
}
