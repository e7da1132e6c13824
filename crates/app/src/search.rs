//! Searching the published postings, as the home page and the API ask for it.

use serde::Deserialize;
use techmatch_core::domain::IndustryCatalogue;
use techmatch_core::posting::PostingKind;
use techmatch_search::search::{MAX_PAGE_SIZE, SortOrder};
use techmatch_search::{SearchIndex, SearchRequest, SearchResults, search};

use crate::AppResult;
use crate::cpu::index_work;

/// What a search asks for, as a query string carries it.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// `needs`, or `achievements` (the default).
    pub kind: Option<String>,
    /// Words to search for.
    pub q: Option<String>,
    /// An industry of the catalogue, by name or alias.
    pub industry: Option<String>,
    /// The least maturity (TRL 1–9); other values are ignored.
    pub min_trl: Option<u8>,
    /// A cooperation or transfer mode's code.
    pub mode: Option<String>,
    /// A province's name.
    pub province: Option<String>,
    /// The page, from 1.
    pub page: Option<usize>,
    /// Hits a page: 20 by default.
    pub per_page: Option<usize>,
    /// `relevance` (the default) or `newest`.
    pub sort: Option<String>,
}

impl SearchParams {
    pub fn kind(&self) -> PostingKind {
        self.kind
            .as_deref()
            .and_then(PostingKind::from_section)
            .unwrap_or(PostingKind::Achievement)
    }

    /// The index's request: empty filters dropped, the industry resolved to its
    /// catalogue name, the page size bounded.
    ///
    /// # Errors
    /// `Invalid` for an industry the catalogue does not know.
    pub fn to_request(&self, industries: &IndustryCatalogue) -> AppResult<SearchRequest> {
        let mut request = SearchRequest::new(self.kind(), self.q.clone().unwrap_or_default());
        if let Some(industry) = self.industry.as_deref().filter(|i| !i.is_empty()) {
            request.industry = Some(industries.resolve(industry)?.name.clone());
        }
        request.min_trl = self.min_trl.filter(|t| (1..=9).contains(t));
        request.mode = self.mode.clone().filter(|m| !m.is_empty());
        request.province = self.province.clone().filter(|p| !p.is_empty());
        request.limit = self.per_page.unwrap_or(20).clamp(1, MAX_PAGE_SIZE);
        request.offset = self.page.unwrap_or(1).saturating_sub(1) * request.limit;
        request.sort = if self.sort.as_deref() == Some("newest") {
            SortOrder::Newest
        } else {
            SortOrder::Relevance
        };
        Ok(request)
    }
}

/// Runs a search of the published postings.
///
/// # Errors
/// Index failures; a query the parser refuses.
pub fn find(index: &SearchIndex, request: &SearchRequest) -> AppResult<SearchResults> {
    Ok(index_work(|| search(index, request))?)
}
