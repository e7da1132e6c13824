//! Match alerts and saved-search notices: when a need or an achievement is published
//! (or edited while published), its counterparts' owners hear of it when the match is
//! at least as strong as their threshold, and users whose kept searches it answers hear
//! of it too.
//!
//! The change-log row written in the same transaction as the publication is the durable
//! cause. This follower reads the log from a shared cursor, never beyond what this
//! node's index holds (matches are computed on the index), and turns each change into
//! notices idempotently: one per recipient and pair (need, achievement) or (search,
//! posting). A pass that crashes, or runs on two nodes at once, neither loses nor
//! doubles a notice, and an edit that does not change a pair's match tells no one
//! again. A platform that has never run this starts from the newest change: history is
//! not mailed.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use sea_orm::{ConnectionTrait, TransactionTrait};
use techmatch_core::posting::{PostingKind, PostingView, Status};
use techmatch_core::services::alerts::{self, SavedSearch};
use techmatch_core::services::outbox::NoticeKind;
use techmatch_core::services::users::{self, User};
use techmatch_core::services::{changes, postings, settings};
use techmatch_core::{CoreError, t};
use techmatch_search::search::MAX_PAGE_SIZE;
use techmatch_search::{Match, MatchOptions, SearchRequest, find_matches, search};

use crate::server::AppState;

const CURSOR: &str = "posting_alerts";

/// How many change-log rows one pass reads.
const CHANGES_PER_PASS: u64 = 500;

/// How many counterparts of a new posting are considered for alerts: beyond the best
/// fifty, no match is strong enough to be worth a mail.
const CANDIDATES: usize = 50;

/// What a path segment cannot hold as it is (RFC 3986): ids such as `N-2026-001` stay
/// readable, a `/` or `?` in an id does not break the link.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// The public page of a posting.
pub fn posting_link(base_url: &str, kind: PostingKind, external_id: &str) -> String {
    let section = kind.section();
    let id = utf8_percent_encode(external_id, PATH_SEGMENT);
    format!("{base_url}/{section}/{id}")
}

/// Users looked up once per pass.
#[derive(Default)]
struct People {
    members: HashMap<i64, Vec<User>>,
    users: HashMap<i64, Option<User>>,
    thresholds: HashMap<i64, u8>,
}

impl People {
    async fn members_of(
        &mut self,
        conn: &impl ConnectionTrait,
        org_id: i64,
    ) -> anyhow::Result<&[User]> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.members.entry(org_id) {
            slot.insert(users::members_of(conn, org_id).await?);
        }
        Ok(self.members.get(&org_id).map_or(&[][..], Vec::as_slice))
    }

    async fn user(&mut self, conn: &impl ConnectionTrait, id: i64) -> anyhow::Result<Option<User>> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.users.entry(id) {
            slot.insert(match users::get(conn, id).await {
                Ok(user) => Some(user),
                Err(CoreError::NotFound { .. }) => None,
                Err(error) => return Err(error.into()),
            });
        }
        Ok(self.users.get(&id).cloned().flatten())
    }

    async fn threshold(&mut self, conn: &impl ConnectionTrait, user_id: i64) -> anyhow::Result<u8> {
        if let Some(found) = self.thresholds.get(&user_id) {
            return Ok(*found);
        }
        let found = alerts::min_strength(conn, user_id).await?;
        self.thresholds.insert(user_id, found);
        Ok(found)
    }
}

/// Sets where alerts start, the newest change, unless they have started before: the
/// server calls it before anyone can write, so that the first publication after the
/// first start is alerted and nothing before it is.
///
/// # Errors
/// Database errors.
pub async fn start(state: &AppState, now: DateTime<Utc>) -> anyhow::Result<()> {
    cursor_or_start(state, now).await.map(|_| ())
}

/// Where alerts stand: the stored cursor, or `None` after setting it to the newest
/// change because alerts had never started.
async fn cursor_or_start(state: &AppState, now: DateTime<Utc>) -> anyhow::Result<Option<i64>> {
    if let Some(after) = settings::cursor(&state.db, CURSOR).await? {
        return Ok(Some(after));
    }
    let head = changes::head(&state.db).await?;
    settings::advance_cursor(&state.db, CURSOR, head, now).await?;
    Ok(None)
}

/// One pass: turns the changes this node's index has applied since the cursor into
/// notices. Returns how many notices were enqueued.
///
/// # Errors
/// Database and index errors; the cursor stays where it was, and the next pass redoes
/// the work (every notice has its key).
pub async fn run_once(state: &AppState, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let db = &state.db;
    let Some(after) = cursor_or_start(state, now).await? else {
        return Ok(0);
    };
    let applied = state.index.applied_seq();
    let read: Vec<_> = changes::since(db, after, CHANGES_PER_PASS)
        .await?
        .into_iter()
        .filter(|c| c.seq <= applied)
        .collect();
    let Some(last) = read.last().map(|c| c.seq) else {
        return Ok(0);
    };
    let mut changed: HashMap<PostingKind, BTreeSet<i64>> = HashMap::new();
    for change in &read {
        if let Some(kind) = PostingKind::from_code(&change.entity) {
            changed.entry(kind).or_default().insert(change.entity_id);
        }
    }
    let mut people = People::default();
    let mut told = 0;
    for kind in [PostingKind::Need, PostingKind::Achievement] {
        let Some(ids) = changed.get(&kind) else {
            continue;
        };
        let ids: Vec<i64> = ids.iter().copied().collect();
        let mut published: Vec<PostingView> = postings::views_by_ids(db, kind, &ids)
            .await?
            .into_iter()
            .filter(|v| v.status == Status::Published)
            .collect();
        // Notices are written (and numbered, and sent) in this order: by database id it
        // would be a list's order.
        published.sort_by(|a, b| a.external_id.cmp(&b.external_id));
        if published.is_empty() {
            continue;
        }
        // One transaction per posting: its notices are written together, and on SQLite
        // one commit instead of one per notice is what makes a large import's alerts
        // fast. Inside it every query goes through the transaction, which on SQLite
        // holds the only connection.
        for view in &published {
            // Matched before the transaction opens: on SQLite the transaction holds the
            // only connection, and every request waits while it is open.
            let found = matches_of(state, view)?;
            let txn = db.begin().await?;
            told += match_alerts(state, &txn, &mut people, view, found, now).await?;
            txn.commit().await?;
        }
        let txn = db.begin().await?;
        told += saved_search_notices(state, &txn, &mut people, kind, &published, now).await?;
        txn.commit().await?;
    }
    settings::advance_cursor(db, CURSOR, last, now).await?;
    Ok(told)
}

/// Matching is CPU work on the index: it runs off the runtime's threads that serve
/// requests, as the request handlers' matching does.
fn matches_of(state: &AppState, view: &PostingView) -> anyhow::Result<Vec<Match>> {
    let options = MatchOptions {
        top: CANDIDATES,
        ..MatchOptions::default()
    };
    Ok(techmatch_app::cpu::index_work(|| {
        find_matches(&state.index, view, &options)
    })?)
}

/// Tells the owners of `view`'s counterparts whose match reaches their threshold.
async fn match_alerts(
    state: &AppState,
    conn: &impl ConnectionTrait,
    people: &mut People,
    view: &PostingView,
    found: Vec<Match>,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    if found.is_empty() {
        return Ok(0);
    }
    let counterpart_kind = found[0].kind;
    let ids: Vec<i64> = found.iter().map(|m| m.id).collect();
    let counterparts: HashMap<i64, PostingView> =
        postings::views_by_ids(conn, counterpart_kind, &ids)
            .await?
            .into_iter()
            .map(|v| (v.id, v))
            .collect();
    let link = posting_link(&state.public_url, view.kind, &view.external_id);
    let mut told = 0;
    for m in &found {
        let Some(theirs) = counterparts.get(&m.id) else {
            continue;
        };
        let Some(org) = theirs.org_id.filter(|org| Some(*org) != view.org_id) else {
            continue;
        };
        let (need, achievement) = match view.kind {
            PostingKind::Need => (view, theirs),
            PostingKind::Achievement => (theirs, view),
        };
        if m.strength >= alerts::DEFAULT_MIN_STRENGTH {
            alerts::record_proposal(conn, need, achievement.id, m.strength, now).await?;
        }
        // Causes travel in webhook bodies and, hashed, in Message-IDs: database ids
        // there would be sequence numbers, few enough to try all.
        let cause = format!("match:{}:{}", need.external_id, achievement.external_id);
        let recipients: Vec<User> = people
            .members_of(conn, org)
            .await?
            .iter()
            .filter(|u| u.posts() == Some(theirs.kind))
            .cloned()
            .collect();
        for user in recipients {
            if m.strength < people.threshold(conn, user.id).await? {
                continue;
            }
            let subject = t!(
                "alert-match-subject",
                strength = m.strength,
                kind = view.kind.label(),
                title = view.title.as_str()
            );
            let text = t!(
                "alert-match-body",
                name = user.display_name.as_str(),
                theirs = theirs.title.as_str(),
                kind = view.kind.label(),
                title = view.title.as_str(),
                strength = m.strength,
                reasons = explanation(m),
                link = link.as_str()
            );
            let letter = techmatch_app::notices::Letter {
                to: &user,
                kind: NoticeKind::MatchAlert,
                cause: &cause,
                subject: &subject,
                text,
                link: &link,
            };
            if techmatch_app::notices::send(conn, &state.public_url, letter, now).await? {
                told += 1;
            }
        }
    }
    Ok(told)
}

/// Why the platform proposes a match, as lines of a mail: each factor, then the shared
/// words.
fn explanation(m: &Match) -> String {
    let mut lines: Vec<String> = m
        .factors
        .iter()
        .map(|f| {
            t!(
                "alert-match-factor",
                label = f.label.as_str(),
                detail = f.detail.as_str()
            )
        })
        .collect();
    if !m.matched_terms.is_empty() {
        let words: Vec<&str> = m.matched_terms.iter().map(|t| t.term.as_str()).collect();
        lines.push(t!("alert-match-terms", terms = words.join(", ")));
    }
    lines.join("\n")
}

/// Tells the users whose kept searches for `kind` the newly published postings answer.
async fn saved_search_notices(
    state: &AppState,
    conn: &impl ConnectionTrait,
    people: &mut People,
    kind: PostingKind,
    published: &[PostingView],
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let searches = alerts::for_kind(conn, kind).await?;
    if searches.is_empty() {
        return Ok(0);
    }
    let by_id: HashMap<i64, &PostingView> = published.iter().map(|v| (v.id, v)).collect();
    let ids: Vec<i64> = by_id.keys().copied().collect();
    let mut told = 0;
    for kept in &searches {
        let Some(user) = people.user(conn, kept.user_id).await? else {
            continue;
        };
        if user.suspended {
            continue;
        }
        for id in answered(state, kept, &ids).await? {
            let Some(view) = by_id.get(&id) else {
                continue;
            };
            // Not for one's own organisation's postings; a claimant the bureau has not
            // confirmed is told like anyone, or the silence would name a confidential
            // need's enterprise.
            if view.org_id.is_some() && view.org_id == user.confirmed_org() {
                continue;
            }
            let link = posting_link(&state.public_url, view.kind, &view.external_id);
            let subject = t!(
                "alert-search-subject",
                search = kept.name.as_str(),
                title = view.title.as_str()
            );
            let text = t!(
                "alert-search-body",
                name = user.display_name.as_str(),
                search = kept.name.as_str(),
                kind = view.kind.label(),
                title = view.title.as_str(),
                link = link.as_str()
            );
            let cause = format!(
                "saved-search:{}:{}:{}",
                kept.id,
                kind.code(),
                view.external_id
            );
            let letter = techmatch_app::notices::Letter {
                to: &user,
                kind: NoticeKind::SavedSearch,
                cause: &cause,
                subject: &subject,
                text,
                link: &link,
            };
            if techmatch_app::notices::send(conn, &state.public_url, letter, now).await? {
                told += 1;
            }
        }
    }
    Ok(told)
}

/// The postings among `ids` that a kept search finds.
async fn answered(state: &AppState, kept: &SavedSearch, ids: &[i64]) -> anyhow::Result<Vec<i64>> {
    let mut found = Vec::new();
    // A page holds at most `MAX_PAGE_SIZE` hits: one search per page of candidates.
    for chunk in ids.chunks(MAX_PAGE_SIZE) {
        let mut request = SearchRequest::new(kept.kind, kept.query.clone());
        request.industry = kept.industry.clone();
        request.min_trl = kept.min_trl;
        request.mode = kept.mode.clone();
        request.province = kept.province.clone();
        request.limit = chunk.len();
        request.only_ids = Some(chunk.to_vec());
        let results = techmatch_app::cpu::index_work(|| search(&state.index, &request))?;
        found.extend(results.hits.into_iter().map(|h| h.id));
    }
    Ok(found)
}
