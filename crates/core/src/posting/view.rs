//! One shape for both kinds of posting, as search, matching and listings read them.

use serde::Serialize;

use crate::domain::{CoopMode, TransferMode};
use crate::entities::{achievement, need};
use crate::posting::{PostingKind, Status, stored_keywords};

/// A posting flattened for reading: needs and achievements side by side.
///
/// `modes_mask` uses [`CoopMode::mask`] for needs and [`TransferMode::mask`] for
/// achievements; `trl` is the wanted minimum for a need and the achieved level for an
/// achievement; `price_min_yuan..price_max_yuan` is a need's budget range or an
/// achievement's asking price (both ends equal).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostingView {
    pub kind: PostingKind,
    /// The database's sequence number. Never serialised: published next to its
    /// neighbours it would place a confidential need among its enterprise's public ones.
    /// `external_id` is the public id.
    #[serde(skip)]
    pub id: i64,
    pub external_id: String,
    pub title: String,
    pub body: String,
    pub keywords: Vec<String>,
    pub industry: Option<String>,
    pub trl: Option<u8>,
    /// Mode labels for display and their stable codes for filtering.
    pub modes: Vec<&'static str>,
    pub mode_codes: Vec<&'static str>,
    pub modes_mask: u64,
    pub price_min_yuan: Option<i64>,
    pub price_max_yuan: Option<i64>,
    pub price_negotiable: bool,
    pub region_code: Option<String>,
    pub region_name: Option<String>,
    pub status: Status,
    /// The organisation's name, or `None` when the posting hides it.
    pub org_name: Option<String>,
    /// Whether the bureau has verified the organisation (已核验). Always false for a
    /// confidential need: even that would narrow down whose it is.
    pub org_verified: bool,
    pub confidential: bool,
    /// Never serialised: postings of one upload share it, which would link a
    /// confidential need to its enterprise's public needs.
    #[serde(skip)]
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// The owning organisation: what decides who may edit the posting. Never serialised:
    /// it would identify the enterprise behind a confidential need.
    #[serde(skip)]
    pub org_id: Option<i64>,
    /// Why the bureau rejected it (the fixed reason's label) and its note.
    pub reject_reason: Option<String>,
    pub reject_note: Option<String>,
    /// A need's deadline.
    pub deadline: Option<chrono::NaiveDate>,
    /// An achievement's patent numbers (normalised) and team lead.
    pub patents: Vec<String>,
    pub team_lead: Option<String>,
}

/// What a posting shows of its organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgLabel {
    pub name: String,
    pub verified: bool,
}

/// Looks a stored cooperation mode code up.
pub fn coop_from_code(code: &str) -> Option<CoopMode> {
    CoopMode::ALL.into_iter().find(|m| m.code() == code)
}

/// Looks a stored transfer mode code up.
pub fn transfer_from_code(code: &str) -> Option<TransferMode> {
    TransferMode::ALL.into_iter().find(|m| m.code() == code)
}

fn codes<T: Copy>(stored: &str, parse: impl Fn(&str) -> Option<T>) -> Vec<T> {
    stored
        .split(',')
        .filter(|c| !c.is_empty())
        .filter_map(parse)
        .collect()
}

fn reject_label(code: Option<&str>) -> Option<String> {
    code.and_then(|c| super::status::RejectReason::from_code(c).ok())
        .map(|r| r.label())
}

impl PostingView {
    /// Builds the view of a need; the organisation's name is withheld when the need is
    /// confidential.
    pub fn from_need(model: &need::Model, org: Option<&OrgLabel>) -> PostingView {
        let modes: Vec<CoopMode> = codes(&model.coop_modes, coop_from_code);
        PostingView {
            kind: PostingKind::Need,
            id: model.id,
            external_id: model.external_id.clone(),
            title: model.title.clone(),
            body: model.description.clone(),
            keywords: stored_keywords(&model.keywords),
            industry: model.industry.clone(),
            trl: model.min_trl.and_then(|t| u8::try_from(t).ok()),
            modes: modes.iter().map(|m| m.label()).collect(),
            mode_codes: modes.iter().map(|m| m.code()).collect(),
            modes_mask: CoopMode::mask(&modes),
            price_min_yuan: model.budget_min_yuan,
            price_max_yuan: model.budget_max_yuan,
            price_negotiable: false,
            region_code: model.region_code.clone(),
            region_name: model.region_name.clone(),
            status: Status::from_code(&model.status).unwrap_or(Status::Draft),
            org_name: if model.confidential {
                None
            } else {
                org.map(|o| o.name.clone())
            },
            org_verified: !model.confidential && org.is_some_and(|o| o.verified),
            confidential: model.confidential,
            updated_at: model.updated_at,
            org_id: model.org_id,
            reject_reason: reject_label(model.reject_reason.as_deref()),
            reject_note: model.reject_note.clone(),
            deadline: model.deadline,
            patents: Vec::new(),
            team_lead: None,
        }
    }

    pub fn from_achievement(model: &achievement::Model, org: Option<&OrgLabel>) -> PostingView {
        let modes: Vec<TransferMode> = codes(&model.transfer_modes, transfer_from_code);
        PostingView {
            kind: PostingKind::Achievement,
            id: model.id,
            external_id: model.external_id.clone(),
            title: model.title.clone(),
            body: model.summary.clone(),
            keywords: stored_keywords(&model.keywords),
            industry: model.field.clone(),
            trl: model.trl.and_then(|t| u8::try_from(t).ok()),
            modes: modes.iter().map(|m| m.label()).collect(),
            mode_codes: modes.iter().map(|m| m.code()).collect(),
            modes_mask: TransferMode::mask(&modes),
            price_min_yuan: model.price_yuan,
            price_max_yuan: model.price_yuan,
            price_negotiable: model.price_negotiable,
            region_code: model.region_code.clone(),
            region_name: model.region_name.clone(),
            status: Status::from_code(&model.status).unwrap_or(Status::Draft),
            org_name: org.map(|o| o.name.clone()),
            org_verified: org.is_some_and(|o| o.verified),
            confidential: false,
            updated_at: model.updated_at,
            org_id: model.org_id,
            reject_reason: reject_label(model.reject_reason.as_deref()),
            reject_note: model.reject_note.clone(),
            deadline: None,
            patents: model
                .patents
                .split(',')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            team_lead: model.team_lead.clone(),
        }
    }
}

impl PostingView {
    /// The day (in China Standard Time, counted from 1970-01-01) the posting was last
    /// written: the only time public listings order by. Approvals in one moderation
    /// sitting write an organisation's postings minutes apart, so finer times would
    /// place a confidential need among its enterprise's public ones; within a day the
    /// random public id decides.
    pub fn listed_day(&self) -> i64 {
        listed_day(self.updated_at)
    }
}

/// See [`PostingView::listed_day`].
pub fn listed_day(at: chrono::DateTime<chrono::Utc>) -> i64 {
    use chrono::Datelike;
    let local = at.with_timezone(&crate::challenge::calendar::china_standard_time());
    i64::from(local.date_naive().num_days_from_ce()) - i64::from(EPOCH_DAYS_FROM_CE)
}

/// 1970-01-01 counted from the first day of the common era, as chrono counts.
const EPOCH_DAYS_FROM_CE: i32 = 719_163;

#[cfg(test)]
mod listed_day_tests {
    use chrono::TimeZone;

    use super::listed_day;

    #[test]
    fn a_day_is_china_s_calendar_day() {
        let utc = chrono::Utc;
        assert_eq!(
            listed_day(utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap()),
            0
        );
        // 15:59 UTC is 23:59 in Beijing, 16:00 UTC the next day there.
        let evening = listed_day(utc.with_ymd_and_hms(2026, 12, 7, 15, 59, 0).unwrap());
        let midnight = listed_day(utc.with_ymd_and_hms(2026, 12, 7, 16, 0, 0).unwrap());
        let morning = listed_day(utc.with_ymd_and_hms(2026, 12, 7, 1, 0, 0).unwrap());
        assert_eq!(evening, morning);
        assert_eq!(midnight, evening + 1);
    }
}
