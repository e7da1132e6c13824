//! The bureau links a bid's consortium members (联合体成员) to registry organisations.
//!
//! A link makes the organisation's experts conflicted on the bid's call: they are not
//! seated on its panel and never read or score the bid. A bidder could otherwise keep
//! the strongest likely judges off its panel by naming their universities (whose USCCs
//! are public) as members, so the bidder only types; the bureau, which checks the
//! consortium agreement in the formal review anyway, links.
//!
//! A link changes only while it can still shape the panel honestly: once the bid has
//! been submitted (its consortium is frozen from then on) and while the call is open or
//! in selection. An expert of the organisation already on the panel blocks the link,
//! with the reason: the seating rule keeps such an expert off the whole call, so the
//! bureau first takes them off the panel ([`challenges::unassign_expert`], refused once
//! they have scored), then links.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::{Member, MemberState, consortium, members_json, model};
use crate::challenge::bid::BidStatus;
use crate::challenge::lifecycle::ChallengeStatus;
use crate::domain::identity_key;
use crate::entities::{bid, challenge_expert, organisation};
use crate::services::challenges::{self, check_bureau, record_event};
use crate::services::users::{self, User};
use crate::{CoreError, CoreResult, t};

/// A registry organisation a consortium member may stand for: verified by the bureau,
/// with the member's USCC or its name as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkCandidate {
    pub org_id: i64,
    pub name: String,
    pub uscc: Option<String>,
    /// `uscc` or `name`: what matched.
    pub matched: &'static str,
    /// Matched by its code under another name than the member's: the bidder may have
    /// typed a wrong code, so the bureau checks the agreement before it links.
    pub name_differs: bool,
}

/// A consortium member as the bureau reviews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberReview {
    /// Its place in the consortium, from 0: what [`link_member`] takes.
    pub index: usize,
    #[serde(flatten)]
    pub member: Member,
    /// Its state as [`MemberState::code`] writes it: what a decision on it sends back as
    /// the state it expects, so that a decision taken on a stale page is refused.
    pub state: String,
    /// The name of the organisation it is linked to.
    pub linked_name: Option<String>,
    pub candidates: Vec<LinkCandidate>,
}

/// The bureau's decision on one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkDecision {
    /// The member is this verified registry organisation.
    Link(i64),
    /// The member stands for no registry organisation (a link made before is removed).
    Unlink,
}

/// Whether the bureau may change the links of `row` on a call in `challenge` status.
pub fn links_open(row: &bid::Model, challenge: &str) -> bool {
    let bid_in_play = BidStatus::from_code(&row.status).is_ok_and(|s| {
        matches!(
            s,
            BidStatus::Submitted | BidStatus::Returned | BidStatus::InExpertReview
        )
    });
    let call_in_play = ChallengeStatus::from_code(challenge)
        .is_ok_and(|s| matches!(s, ChallengeStatus::Open | ChallengeStatus::Selection));
    row.submitted_at.is_some() && bid_in_play && call_in_play
}

async fn verified_organisations(
    conn: &impl ConnectionTrait,
) -> CoreResult<Vec<organisation::Model>> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Verified.eq(true))
        .filter(organisation::Column::Provisional.eq(false))
        .all(conn)
        .await?)
}

/// The candidates for `member` among `verified`: the USCC match first.
fn candidates_among(verified: &[organisation::Model], member: &Member) -> Vec<LinkCandidate> {
    let key = identity_key(&member.name);
    let mut found: Vec<LinkCandidate> = verified
        .iter()
        .filter_map(|o| {
            let by_code = member.uscc.is_some() && o.uscc == member.uscc;
            let same_name = identity_key(&o.name) == key;
            let matched = if by_code {
                "uscc"
            } else if same_name {
                "name"
            } else {
                return None;
            };
            Some(LinkCandidate {
                org_id: o.id,
                name: o.name.clone(),
                uscc: o.uscc.clone(),
                matched,
                name_differs: !same_name,
            })
        })
        .collect();
    found.sort_by_key(|c| (c.matched != "uscc", c.org_id));
    found
}

/// Whether the bureau has yet to check some consortium member of `row`: until it has,
/// nobody knows which experts the bid conflicts, so the bid passes no formal review and
/// no expert reads it.
///
/// # Errors
/// As [`consortium`].
pub fn unchecked(row: &bid::Model) -> CoreResult<bool> {
    Ok(consortium(row)?
        .iter()
        .any(|m| m.state() == MemberState::Pending))
}

/// The place (from 0) of the first member of `row` the bureau has yet to check that
/// `org` may stand for, by the candidate rule of the console.
///
/// # Errors
/// As [`consortium`].
pub(crate) fn pending_member_for(
    org: &organisation::Model,
    row: &bid::Model,
) -> CoreResult<Option<usize>> {
    if !org.verified || org.provisional {
        return Ok(None);
    }
    let orgs = std::slice::from_ref(org);
    Ok(consortium(row)?
        .iter()
        .position(|m| m.state() == MemberState::Pending && !candidates_among(orgs, m).is_empty()))
}

/// The consortium of a bid as the bureau reviews it: each member as typed, its link and
/// the verified organisations it may stand for.
///
/// # Errors
/// `Forbidden` unless bureau; `NotFound`.
pub async fn consortium_review(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
) -> CoreResult<Vec<MemberReview>> {
    check_bureau(actor)?;
    let row = model(conn, id).await?;
    review_of(conn, &row).await
}

/// As [`consortium_review`], for a bid the caller has already shown the bureau may see.
///
/// # Errors
/// Database errors.
pub async fn review_of(
    conn: &impl ConnectionTrait,
    row: &bid::Model,
) -> CoreResult<Vec<MemberReview>> {
    Ok(reviews_of(conn, std::slice::from_ref(row))
        .await?
        .pop()
        .unwrap_or_default())
}

/// As [`review_of`] for each of `rows`, in their order, reading the registry once
/// however many bids a call holds (the console shows them all on one page).
///
/// # Errors
/// Database errors.
pub async fn reviews_of(
    conn: &impl ConnectionTrait,
    rows: &[bid::Model],
) -> CoreResult<Vec<Vec<MemberReview>>> {
    let mut all = Vec::with_capacity(rows.len());
    for row in rows {
        all.push(consortium(row)?);
    }
    if all.iter().all(Vec::is_empty) {
        return Ok(all.into_iter().map(|_| Vec::new()).collect());
    }
    let verified = verified_organisations(conn).await?;
    let linked: Vec<i64> = all.iter().flatten().filter_map(|m| m.org_id).collect();
    let names = crate::services::organisations::names_by_id(conn, linked).await?;
    Ok(all
        .into_iter()
        .map(|members| {
            members
                .into_iter()
                .enumerate()
                .map(|(index, member)| MemberReview {
                    index,
                    state: member.state().code(),
                    linked_name: member.org_id.and_then(|o| names.get(&o).cloned()),
                    candidates: candidates_among(&verified, &member),
                    member,
                })
                .collect()
        })
        .collect())
}

/// The bureau links a consortium member to a verified registry organisation, or
/// records that it stands for none. Recorded on the challenge's timeline and in the
/// audit log.
///
/// # Errors
/// `Forbidden` unless bureau; `IllegalTransition` outside the window (see the module's
/// documentation); `Invalid` for an unknown member or organisation, or an organisation
/// the bureau has not verified; `Conflict` for one with an expert on the call's panel
/// (the reason names them), when the bid changed meanwhile, or when the member is no
/// longer in the state `expected` (another moderator decided meanwhile: the reason says
/// how, and nothing changes).
///
/// A decision is taken on what the moderator saw: a form or an API client sends the
/// member's state as it read it ([`MemberReview::state`]). Without that, a tab left open
/// would undo a colleague's link with one click. A decision that is already in force
/// (two moderators linking alike) changes nothing and is no error.
pub async fn link_member(
    conn: &impl ConnectionTrait,
    actor: &User,
    id: i64,
    index: usize,
    decision: LinkDecision,
    expected: MemberState,
    now: DateTime<Utc>,
) -> CoreResult<()> {
    check_bureau(actor)?;
    let row = model(conn, id).await?;
    if let LinkDecision::Link(org_id) = decision {
        // Before the call's lock, settling included (it updates the call's row), as a
        // merge takes the organisations' rows before the calls': a merge of this
        // organisation sees the link, or the link sees the merged registry, and neither
        // waits for the other in the opposite order.
        crate::services::organisations::hold_against_merge(conn, org_id).await?;
    }
    challenges::settle(conn, row.challenge_id, now).await?;
    // Locked (on PostgreSQL), as seating and scoring lock it: no expert of the
    // organisation is seated between the check below and the link.
    let found = challenges::locked(conn, row.challenge_id).await?;
    if !links_open(&row, &found.status) {
        return Err(CoreError::IllegalTransition {
            from: row.status,
            to: "link_member".to_owned(),
            reason: t!("bid-consortium-link-closed"),
        });
    }
    let mut members = consortium(&row)?;
    let number = index.saturating_add(1);
    let Some(member) = members.get_mut(index) else {
        return Err(CoreError::invalid(
            "index",
            t!("bid-consortium-no-member", number = number),
        ));
    };
    let current = member.state();
    let in_force = match decision {
        LinkDecision::Link(org_id) => current == MemberState::Linked(org_id),
        LinkDecision::Unlink => current == MemberState::Declined,
    };
    if in_force {
        return Ok(());
    }
    if current != expected {
        let now_reads = match current {
            MemberState::Pending => t!("bureau-challenge-member-pending"),
            MemberState::Declined => t!("bureau-challenge-member-declined"),
            MemberState::Linked(org) => {
                let names = crate::services::organisations::names_by_id(conn, [org]).await?;
                let name = names.get(&org).map_or("", String::as_str);
                t!("bureau-challenge-member-linked", org = name)
            }
        };
        return Err(CoreError::Conflict(t!(
            "bid-consortium-decided-meanwhile",
            number = number,
            member = member.name.as_str(),
            state = now_reads
        )));
    }
    let (action, detail) = match decision {
        LinkDecision::Link(org_id) => {
            let org = check_linkable(conn, row.challenge_id, org_id).await?;
            member.org_id = Some(org_id);
            member.declined = false;
            let detail = t!(
                "bid-consortium-link-detail",
                number = number,
                member = member.name.as_str(),
                org = org.name.as_str()
            );
            ("bid.link_member", detail)
        }
        LinkDecision::Unlink => {
            member.org_id = None;
            member.declined = true;
            let detail = t!(
                "bid-consortium-unlink-detail",
                number = number,
                member = member.name.as_str()
            );
            ("bid.unlink_member", detail)
        }
    };
    let changed = bid::Entity::update_many()
        .col_expr(
            bid::Column::Consortium,
            Expr::value(members_json(&members)?),
        )
        .filter(bid::Column::Id.eq(id))
        .filter(bid::Column::Consortium.eq(row.consortium.as_str()))
        .filter(bid::Column::Status.eq(row.status.as_str()))
        .exec(conn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(CoreError::Conflict(t!("challenge-changed-meanwhile")));
    }
    record_event(
        conn,
        row.challenge_id,
        Some(id),
        Some(actor),
        action,
        Some(&detail),
        now,
    )
    .await
}

/// The organisation a member may be linked to: verified, and without an expert on the
/// call's panel.
async fn check_linkable(
    conn: &impl ConnectionTrait,
    challenge_id: i64,
    org_id: i64,
) -> CoreResult<organisation::Model> {
    let Some(org) = organisation::Entity::find_by_id(org_id).one(conn).await? else {
        return Err(CoreError::invalid(
            "org_id",
            t!("bid-consortium-link-unknown", id = org_id),
        ));
    };
    if !org.verified || org.provisional {
        return Err(CoreError::invalid(
            "org_id",
            t!("bid-consortium-link-unverified", org = org.name.as_str()),
        ));
    }
    let seated = challenge_expert::Entity::find()
        .filter(challenge_expert::Column::ChallengeId.eq(challenge_id))
        .filter(challenge_expert::Column::ExpertOrgId.eq(org_id))
        .all(conn)
        .await?;
    if !seated.is_empty() {
        let mut names = Vec::with_capacity(seated.len());
        for seat in &seated {
            names.push(users::get(conn, seat.expert_user_id).await?.display_name);
        }
        return Err(CoreError::Conflict(t!(
            "bid-consortium-link-seated",
            org = org.name.as_str(),
            experts = names.join(&t!("list-separator"))
        )));
    }
    Ok(org)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: i64, name: &str, uscc: Option<&str>) -> organisation::Model {
        organisation::Model {
            id,
            kind: "university".to_owned(),
            name: name.to_owned(),
            uscc: uscc.map(str::to_owned),
            uscc_check_failure: None,
            uscc_accepted_by: None,
            uscc_accepted_reason: None,
            uscc_accepted_at: None,
            region_code: None,
            region_name: None,
            verified: true,
            created_at: Utc::now(),
            provisional: false,
        }
    }

    fn member(name: &str, uscc: Option<&str>) -> Member {
        Member {
            name: name.to_owned(),
            uscc: uscc.map(str::to_owned),
            org_id: None,
            declined: false,
        }
    }

    #[test]
    fn candidates_match_the_code_first_then_the_name_as_a_reader_sees_it() {
        let verified = [
            org(1, "华北材料科技大学（本部）", None),
            org(2, "津沽材料研究院", Some("91330100716105852F")),
            org(3, "无关单位", Some("914403001922038216")),
        ];
        let found = candidates_among(
            &verified,
            &member("华北材料科技大学 (本部)", Some("91330100716105852F")),
        );
        let ids: Vec<(i64, &str, bool)> = found
            .iter()
            .map(|c| (c.org_id, c.matched, c.name_differs))
            .collect();
        assert_eq!(ids, [(2, "uscc", true), (1, "name", false)]);
        // A member without a code matches no organisation without one.
        assert!(candidates_among(&verified, &member("新公司", None)).is_empty());
    }
}
