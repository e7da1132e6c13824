//! Who posts: the kinds of organisation and a reference to one as it appears in a list.

use serde::{Deserialize, Serialize};

use crate::domain::Uscc;
use crate::lists::columns::{
    BUREAU_NAME_ENDINGS, BUREAU_NAME_PARTS, INSTITUTE_NAME_PARTS, ORG_KIND_WORDS,
    UNIVERSITY_NAME_PARTS,
};
use crate::{CoreError, t};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Enterprise,
    University,
    Institute,
    Bureau,
    Agency,
}

impl OrgKind {
    pub const ALL: [OrgKind; 5] = [
        OrgKind::Enterprise,
        OrgKind::University,
        OrgKind::Institute,
        OrgKind::Bureau,
        OrgKind::Agency,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Enterprise => "enterprise",
            OrgKind::University => "university",
            OrgKind::Institute => "institute",
            OrgKind::Bureau => "bureau",
            OrgKind::Agency => "agency",
        }
    }

    pub fn label(self) -> String {
        match self {
            OrgKind::Enterprise => t!("org-kind-enterprise"),
            OrgKind::University => t!("org-kind-university"),
            OrgKind::Institute => t!("org-kind-institute"),
            OrgKind::Bureau => t!("org-kind-bureau"),
            OrgKind::Agency => t!("org-kind-agency"),
        }
    }

    /// Parses a code, a label or a common synonym.
    pub fn parse(text: &str) -> Result<OrgKind, CoreError> {
        let text = text.trim();
        let found = OrgKind::ALL
            .into_iter()
            .find(|k| k.code() == text || k.label() == text)
            .or_else(|| {
                ORG_KIND_WORDS
                    .iter()
                    .find(|(word, _)| *word == text)
                    .map(|(_, kind)| *kind)
            });
        found.ok_or_else(|| {
            let labels: Vec<String> = OrgKind::ALL.iter().map(|k| k.label()).collect();
            let choices = labels.join(&t!("list-separator"));
            let reason = t!("org-kind-unknown", text = text, choices = choices);
            CoreError::invalid("org_kind", reason)
        })
    }

    /// Guesses the kind from a Chinese organisation name, for list rows that do not say.
    /// Universities and institutes name themselves by what they are, so the guess is
    /// reliable for them; everything else is taken to be an enterprise.
    pub fn guess_from_name(name: &str) -> OrgKind {
        if UNIVERSITY_NAME_PARTS.iter().any(|w| name.contains(w)) {
            OrgKind::University
        } else if INSTITUTE_NAME_PARTS.iter().any(|w| name.contains(w)) {
            OrgKind::Institute
        } else if BUREAU_NAME_ENDINGS.iter().any(|w| name.ends_with(w))
            || BUREAU_NAME_PARTS.iter().any(|w| name.contains(w))
        {
            OrgKind::Bureau
        } else {
            OrgKind::Enterprise
        }
    }
}

/// An organisation as named in a list row: matched to an existing one by USCC first,
/// then by name, and created (unverified) when unknown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgRef {
    pub name: String,
    pub uscc: Option<Uscc>,
    /// Why `uscc` fails the GB 32100 check, when it does; such a code is only usable
    /// once the bureau has accepted it for an existing organisation.
    pub uscc_check_failure: Option<String>,
    pub kind: OrgKind,
}
