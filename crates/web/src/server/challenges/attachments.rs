//! Attachments (附件) of challenges and bids over JSON: upload (multipart, field
//! `file`), list, download and delete. Who may do what, the type check by content and
//! the storage are in `techmatch_core::services::attachments`; here the multipart body
//! is read and the file is served with headers that keep browsers from guessing.

use axum::Json;
use axum::body::Body;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use techmatch_app::attachments::{self as app_attachments, AttachmentCard, AttachmentList};
use techmatch_core::services::attachments::{self, MAX_ATTACHMENT_BYTES, Owner, Store};
use techmatch_core::services::users::User;
use techmatch_core::{CoreError, t};

use crate::server::auth::{ApiUser, Viewer};
use crate::server::error::ErrorBody;
use crate::server::extract::ApiMultipart;
use crate::server::extract::ApiPath;
use crate::server::{AppState, WebError};

/// The body limit of the upload routes: one attachment and the multipart framing
/// around it. A file just over the attachment limit still arrives whole and is refused
/// by name; a body over this limit is cut off and refused the same way.
pub const BODY_LIMIT: usize = MAX_ATTACHMENT_BYTES + 64 * 1024;

/// Where attachments uploaded before contents moved into the database are read from.
fn store(app: &AppState) -> Store {
    Store::under(&app.data_dir)
}

/// Reads the `file` field: its name as the client gave it and its bytes.
async fn read_file(mut multipart: Multipart) -> Result<(String, Vec<u8>), WebError> {
    let refuse = |error: MultipartError, file_name: &str| -> WebError {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            attachments::too_large(file_name).into()
        } else {
            WebError::BadForm(error.body_text())
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(|e| refuse(e, ""))? {
        if field.name() != Some("file") {
            continue;
        }
        let file_name = field.file_name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| refuse(e, &file_name))? {
            if bytes.len() + chunk.len() > MAX_ATTACHMENT_BYTES {
                return Err(attachments::too_large(&file_name).into());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((file_name, bytes));
    }
    Err(CoreError::invalid("file", t!("attachment-no-file")).into())
}

async fn upload(
    app: &AppState,
    user: &User,
    owner: Owner,
    multipart: Multipart,
) -> Result<(StatusCode, Json<AttachmentCard>), WebError> {
    let (file_name, bytes) = read_file(multipart).await?;
    let now = app.clock.now();
    let quota = app.attachment_quota_bytes;
    let saved =
        app_attachments::upload(&app.db, user, owner, (&file_name, bytes), now, quota).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// The multipart body of an upload, as the document describes it (the handler reads
/// the stream itself).
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "describes the multipart body; never built")]
pub struct AttachmentUpload {
    /// The file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[utoipa::path(post, operation_id = "upload_challenge_attachment", path = "/api/v1/challenges/{id}/attachments", tag = "attachments", security(("token" = []), ("session" = [])), params(("id" = i64, Path)),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data", description = "file: a PDF, DOC, DOCX, XLS, XLSX, PPT or PPTX file of at most 20 MB; the type is checked by content and must agree with the extension"),
    responses((status = 201, description = "The stored attachment", body = AttachmentCard), (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Neither the publisher nor the bureau", body = ErrorBody), (status = 404, description = "Unknown, or not visible to the caller", body = ErrorBody),
        (status = 409, description = "The publisher after publication", body = ErrorBody), (status = 422, description = "Refused file (type, size, 20 files at most), the message names it", body = ErrorBody)))]
/// Uploads an attachment to a call
pub async fn upload_to_challenge(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiMultipart(multipart): ApiMultipart,
) -> Result<(StatusCode, Json<AttachmentCard>), WebError> {
    upload(&app, &user, Owner::challenge(id), multipart).await
}

#[utoipa::path(post, operation_id = "upload_bid_attachment", path = "/api/v1/bids/{id}/attachments", tag = "attachments", security(("token" = []), ("session" = [])), params(("id" = i64, Path)),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data", description = "file: a PDF, DOC, DOCX, XLS, XLSX, PPT or PPTX file of at most 20 MB; the type is checked by content and must agree with the extension"),
    responses((status = 201, description = "The stored attachment", body = AttachmentCard), (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not the bidder", body = ErrorBody), (status = 404, description = "Unknown, or not readable by the caller", body = ErrorBody),
        (status = 409, description = "The bid is neither a draft nor returned for correction", body = ErrorBody), (status = 422, description = "Refused file (type, size, 20 files at most), the message names it", body = ErrorBody)))]
/// Uploads an attachment to a bid
pub async fn upload_to_bid(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiMultipart(multipart): ApiMultipart,
) -> Result<(StatusCode, Json<AttachmentCard>), WebError> {
    upload(&app, &user, Owner::bid(id), multipart).await
}

async fn list(
    app: &AppState,
    viewer: &Viewer,
    owner: Owner,
) -> Result<Json<AttachmentList>, WebError> {
    let now = app.clock.now();
    Ok(Json(
        app_attachments::list(&app.db, viewer.user(), owner, now).await?,
    ))
}

#[utoipa::path(get, operation_id = "list_challenge_attachments", path = "/api/v1/challenges/{id}/attachments", tag = "attachments", params(("id" = i64, Path)),
    responses((status = 200, description = "The attachments the caller may see, and whether they may add or delete some", body = AttachmentList),
        (status = 404, description = "Unknown, or not visible to the caller", body = ErrorBody)))]
/// The attachments of a call
pub async fn list_of_challenge(
    State(app): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<AttachmentList>, WebError> {
    list(&app, &viewer, Owner::challenge(id)).await
}

#[utoipa::path(get, operation_id = "list_bid_attachments", path = "/api/v1/bids/{id}/attachments", tag = "attachments", params(("id" = i64, Path)),
    responses((status = 200, description = "The attachments the caller may see, and whether they may add or delete some", body = AttachmentList),
        (status = 404, description = "Unknown, or not readable by the caller (also without login)", body = ErrorBody)))]
/// The attachments of a bid
pub async fn list_of_bid(
    State(app): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<AttachmentList>, WebError> {
    list(&app, &viewer, Owner::bid(id)).await
}

/// RFC 5987 `attr-char`s pass; every other byte of the UTF-8 name is percent-encoded.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'!'
            | b'#'
            | b'$'
            | b'&'
            | b'+'
            | b'-'
            | b'.'
            | b'^'
            | b'_'
            | b'`'
            | b'|'
            | b'~' => encoded.push(char::from(byte)),
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

/// The plain-ASCII name for clients that do not read `filename*`.
fn ascii_fallback(name: &str) -> String {
    let clean = |text: &str| -> String {
        text.chars()
            .map(|c| {
                let plain = (c.is_ascii_graphic() || c == ' ')
                    && !matches!(c, '"' | '\\' | '%' | ';' | ',');
                if plain { c } else { '_' }
            })
            .collect()
    };
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) => (stem, Some(extension)),
        None => (name, None),
    };
    let stem = if stem.chars().any(|c| c.is_ascii_alphanumeric()) {
        clean(stem)
    } else {
        "attachment".to_owned()
    };
    match extension {
        Some(extension) => format!("{stem}.{}", clean(extension)),
        None => stem,
    }
}

pub(crate) fn content_disposition(name: &str) -> String {
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_fallback(name),
        percent_encode(name)
    )
}

#[utoipa::path(get, operation_id = "download_attachment", path = "/api/v1/attachments/{id}", tag = "attachments", params(("id" = i64, Path)),
    responses((status = 200, description = "The file, as a download (Content-Disposition: attachment), with the content type detected at upload"),
        (status = 404, description = "Unknown, or not visible to the caller (also without login)", body = ErrorBody)))]
/// Downloads an attachment
pub async fn download(
    State(app): State<AppState>,
    viewer: Viewer,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, WebError> {
    let row = attachments::readable(&app.db, viewer.user(), id, app.clock.now()).await?;
    let bytes = attachments::content(&app.db, &store(&app), &row).await?;
    let length = bytes.len();
    let content_type = HeaderValue::from_str(&row.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&content_disposition(&row.file_name))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_LENGTH, HeaderValue::from(length)),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        Body::from(bytes),
    )
        .into_response())
}

#[utoipa::path(delete, operation_id = "delete_attachment", path = "/api/v1/attachments/{id}", tag = "attachments", security(("token" = []), ("session" = [])), params(("id" = i64, Path)),
    responses((status = 204, description = "Removed"), (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not the side that may change the attachments", body = ErrorBody), (status = 404, description = "Unknown, or not visible to the caller", body = ErrorBody),
        (status = 409, description = "No longer changeable (published challenge, submitted bid)", body = ErrorBody)))]
/// Deletes an attachment
pub async fn delete(
    State(app): State<AppState>,
    ApiUser(user): ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, WebError> {
    attachments::delete(&app.db, &store(&app), &user, id, app.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_encoded_for_both_kinds_of_client() {
        assert_eq!(
            content_disposition("技术方案 v2.pdf"),
            "attachment; filename=\"____ v2.pdf\"; filename*=UTF-8''%E6%8A%80%E6%9C%AF%E6%96%B9%E6%A1%88%20v2.pdf"
        );
        assert_eq!(ascii_fallback("报告.docx"), "attachment.docx");
        assert_eq!(ascii_fallback("a\"b;c.pdf"), "a_b_c.pdf");
    }
}
