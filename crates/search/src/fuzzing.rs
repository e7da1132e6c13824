//! The entry points the fuzz targets (`fuzz/`) and the tests' corpus run share: any text
//! a person could type into the search box, over a small index, with every filter.

use std::sync::OnceLock;

use techmatch_core::posting::{PostingKind, PostingView, Status};

use crate::{SearchIndex, SearchRequest, search};

/// Postings to search over, enough for every analyzer and facet to have terms.
const TEXTS: [(&str, &str); 4] = [
    (
        "nano calcium carbonate 304 stainless",
        "surface modification, dispersion; PVC",
    ),
    (
        "coal gangue fly ash brick",
        "sintering at 1050 degrees, 3.5 MPa",
    ),
    (
        "deep learning CT nodules",
        "convolutional network, sensitivity 95%",
    ),
    ("drought resistant wheat", "marker assisted selection"),
];

fn index() -> Option<&'static SearchIndex> {
    static INDEX: OnceLock<Option<SearchIndex>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let index = SearchIndex::in_memory().ok()?;
            let mut views = Vec::new();
            for kind in [PostingKind::Need, PostingKind::Achievement] {
                for (id, (title, body)) in (1..).zip(TEXTS) {
                    views.push(view(kind, id, title, body));
                }
            }
            index.add_views(&views).ok()?;
            index.commit(1).ok()?;
            Some(index)
        })
        .as_ref()
}

/// A published posting with every field set, for tests that index by hand.
pub fn sample_view(kind: PostingKind, id: i64) -> PostingView {
    view(kind, id, "sample", "sample")
}

fn view(kind: PostingKind, id: i64, title: &str, body: &str) -> PostingView {
    PostingView {
        kind,
        id,
        external_id: format!("F-{id}"),
        title: title.to_owned(),
        // Query words are weighed by their frequency in bodies: the body repeats the
        // title, as real abstracts do.
        body: format!("{title}: {body}"),
        keywords: title.split(' ').map(str::to_owned).collect(),
        industry: Some("new-materials".to_owned()),
        trl: Some(6),
        modes: Vec::new(),
        mode_codes: Vec::new(),
        modes_mask: 1,
        price_min_yuan: Some(100_000),
        price_max_yuan: Some(500_000),
        price_negotiable: false,
        region_code: Some("140522".to_owned()),
        region_name: None,
        status: Status::Published,
        org_name: None,
        org_verified: false,
        confidential: false,
        updated_at: chrono::DateTime::UNIX_EPOCH,
        org_id: None,
        reject_reason: None,
        reject_note: None,
        deadline: None,
        patents: Vec::new(),
        team_lead: None,
    }
}

/// Searches both kinds for `text`, plain and with every filter set from the text itself.
/// Returns how many hits came back; errors are answers too, panics are the bugs.
pub fn search_any(text: &str) -> usize {
    let Some(index) = index() else {
        return 0;
    };
    let mut hits = 0;
    for kind in [PostingKind::Need, PostingKind::Achievement] {
        let plain = SearchRequest::new(kind, text);
        let mut filtered = SearchRequest::new(kind, text);
        filtered.industry = Some(text.to_owned());
        filtered.mode = Some(text.to_owned());
        filtered.province = Some(text.to_owned());
        filtered.min_trl = u8::try_from(text.len() % 12).ok();
        filtered.offset = text.len();
        for request in [plain, filtered] {
            if let Ok(results) = search(index, &request) {
                hits += results.hits.len();
            }
        }
    }
    hits
}
