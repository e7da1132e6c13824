//! The calls a reader may see that answer a search, on the list page and the API alike.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use techmatch_core::challenge::lifecycle::ChallengeStatus;
use techmatch_core::domain::IndustryCatalogue;
use techmatch_core::entities::challenge;
use techmatch_core::services::users::User;
use techmatch_core::services::{challenges, organisations};
use techmatch_core::{CoreError, t};
use techmatch_search::rank::{Document, rank};

use super::card::ChallengeCard;
use crate::AppResult;

/// What a search of calls asks for; every part may be left out.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ChallengeQuery {
    /// Words to search for in the title, keywords, problem and background.
    pub q: Option<String>,
    /// A status code such as `open` (an exact match), or a stage: `executing`
    /// (awarded or in execution) or `ended` (every final status).
    pub status: Option<String>,
    /// An industry name or alias.
    pub industry: Option<String>,
}

/// Which statuses a search keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Exactly(ChallengeStatus),
    /// Awarded, or in execution: the winners are at work (`executing`).
    Executing,
    /// Every final status.
    Ended,
}

/// The stages that are not a status of their own.
const EXECUTING: &str = "executing";
const ENDED: &str = "ended";

impl StatusFilter {
    /// The stages the list page offers as links, in order: (query value, label).
    pub fn stages() -> Vec<(&'static str, String)> {
        vec![
            ("open", ChallengeStatus::Open.label()),
            ("selection", ChallengeStatus::Selection.label()),
            ("publicity", ChallengeStatus::Publicity.label()),
            (EXECUTING, ChallengeStatus::InExecution.label()),
            (ENDED, t!("challenges-filter-ended")),
        ]
    }

    /// Reads a query value; empty means no filter.
    ///
    /// # Errors
    /// `Invalid` for a value that is neither a status nor a stage.
    pub fn parse(text: &str) -> AppResult<Option<StatusFilter>> {
        Ok(match text.trim() {
            "" => None,
            EXECUTING => Some(StatusFilter::Executing),
            ENDED => Some(StatusFilter::Ended),
            code => Some(StatusFilter::Exactly(
                ChallengeStatus::ALL
                    .into_iter()
                    .find(|status| status.code() == code)
                    .ok_or_else(|| unknown_status(code))?,
            )),
        })
    }

    pub fn keeps(self, status: ChallengeStatus) -> bool {
        match self {
            StatusFilter::Exactly(wanted) => status == wanted,
            StatusFilter::Executing => matches!(
                status,
                ChallengeStatus::Awarded | ChallengeStatus::InExecution
            ),
            StatusFilter::Ended => status.is_final(),
        }
    }
}

fn unknown_status(code: &str) -> CoreError {
    let choices = ChallengeStatus::ALL
        .iter()
        .map(|s| s.code())
        .chain([EXECUTING, ENDED])
        .collect::<Vec<_>>()
        .join(", ");
    CoreError::invalid(
        "status",
        t!(
            "challenge-status-filter-unknown",
            code = code,
            choices = choices
        ),
    )
}

/// How many of the calls found are in a status.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatusCount {
    pub code: String,
    pub label: String,
    pub count: usize,
}

/// How many of the calls found are filed under an industry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndustryCount {
    pub name: String,
    pub count: usize,
}

/// The calls found before the status and industry filters, counted.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Facets {
    pub status: Vec<StatusCount>,
    pub industry: Vec<IndustryCount>,
}

/// The calls that answer a search.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChallengeList {
    /// By relevance when there are words, else newest first.
    pub challenges: Vec<ChallengeCard>,
    pub facets: Facets,
}

fn words(query: &ChallengeQuery) -> Option<&str> {
    query.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
}

/// Orders `found` by relevance to `words` (Chinese segmentation and BM25, as for
/// needs), dropping the calls they do not match.
fn by_relevance(found: &mut Vec<challenge::Model>, words: &str) {
    let documents: Vec<Document<'_>> = found
        .iter()
        .map(|c| Document {
            id: c.id,
            fields: vec![
                (c.title.as_str(), 3.0),
                (c.keywords.as_str(), 2.0),
                (c.problem.as_str(), 1.0),
                (c.metrics.as_str(), 1.0),
                (c.background.as_str(), 0.5),
            ],
        })
        .collect();
    let order: Vec<i64> = rank(words, &documents)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    found.retain(|c| order.contains(&c.id));
    found.sort_by_key(|c| order.iter().position(|id| *id == c.id));
}

fn count_facets(found: &[challenge::Model]) -> Facets {
    let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_industry: BTreeMap<&str, usize> = BTreeMap::new();
    for c in found {
        *by_status.entry(c.status.as_str()).or_default() += 1;
        if let Some(name) = &c.industry {
            *by_industry.entry(name.as_str()).or_default() += 1;
        }
    }
    Facets {
        status: by_status
            .into_iter()
            .map(|(code, count)| StatusCount {
                code: code.to_owned(),
                label: ChallengeStatus::from_code(code)
                    .map(ChallengeStatus::label)
                    .unwrap_or_default(),
                count,
            })
            .collect(),
        industry: by_industry
            .into_iter()
            .map(|(name, count)| IndustryCount {
                name: name.to_owned(),
                count,
            })
            .collect(),
    }
}

/// The calls `reader` (`None`: the anonymous public) may see at `now` that answer
/// `query`, with the facets of the calls found before the status and industry filters.
///
/// # Errors
/// `Invalid` for an unknown status or industry; database errors.
pub async fn find(
    conn: &impl ConnectionTrait,
    industries: &IndustryCatalogue,
    reader: Option<&User>,
    query: &ChallengeQuery,
    now: DateTime<Utc>,
) -> AppResult<ChallengeList> {
    let status = StatusFilter::parse(query.status.as_deref().unwrap_or_default())?;
    let industry = match query.industry.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => Some(industries.resolve(name)?.name.clone()),
        _ => None,
    };
    let mut found = challenges::list(conn, reader, now).await?;
    if let Some(words) = words(query) {
        by_relevance(&mut found, words);
    }
    let facets = count_facets(&found);
    found.retain(|c| {
        let status_kept = status.is_none_or(|filter| {
            ChallengeStatus::from_code(&c.status).is_ok_and(|s| filter.keeps(s))
        });
        status_kept
            && industry
                .as_ref()
                .is_none_or(|i| c.industry.as_ref() == Some(i))
    });
    let names = organisations::names_by_id(conn, found.iter().map(|c| c.publisher_org_id)).await?;
    Ok(ChallengeList {
        challenges: found
            .iter()
            .map(|c| {
                let publisher = names.get(&c.publisher_org_id).map_or("", String::as_str);
                ChallengeCard::of(c, publisher)
            })
            .collect(),
        facets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_and_codes_filter_alike_and_unknown_values_are_refused() {
        let keeps = |text: &str, status: ChallengeStatus| {
            StatusFilter::parse(text)
                .ok()
                .flatten()
                .is_some_and(|f| f.keeps(status))
        };
        assert!(matches!(StatusFilter::parse(" "), Ok(None)));
        assert!(keeps("open", ChallengeStatus::Open));
        assert!(!keeps("open", ChallengeStatus::Selection));
        // The stage the list page offers as "in execution" includes awarded calls;
        // the status code of the same name is an exact match, as its facet counts it.
        assert!(keeps("executing", ChallengeStatus::Awarded));
        assert!(keeps("executing", ChallengeStatus::InExecution));
        assert!(!keeps("in_execution", ChallengeStatus::Awarded));
        assert!(keeps("ended", ChallengeStatus::Withdrawn));
        assert!(!keeps("ended", ChallengeStatus::Publicity));
        assert!(StatusFilter::parse("opened").is_err());
        for (code, _) in StatusFilter::stages() {
            assert!(matches!(StatusFilter::parse(code), Ok(Some(_))), "{code}");
        }
    }
}
