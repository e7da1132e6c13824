//! Postings: technical needs (技术需求) and achievements (科技成果), their lifecycle and
//! the validated inputs that create or update them.

pub mod achievement;
pub mod duplicates;
pub mod ids;
pub mod need;
pub mod organisation;
pub mod status;
pub mod view;

use serde::{Deserialize, Serialize};

use crate::lists::columns::KEYWORD_SEPARATORS;
use crate::t;

pub use achievement::AchievementInput;
pub use need::NeedInput;
pub use organisation::{OrgKind, OrgRef};
pub use status::{Action, RejectReason, Status};
pub use view::{OrgLabel, PostingView};

/// Who to contact about a posting, as its list gives it. Private to the posting's
/// organisation and the bureau: never shown to the public or to other organisations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactDetails {
    pub person: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Which side of the market a posting is on.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostingKind {
    Need,
    Achievement,
}

impl PostingKind {
    pub fn code(self) -> &'static str {
        match self {
            PostingKind::Need => "need",
            PostingKind::Achievement => "achievement",
        }
    }

    /// The table its postings are stored in.
    pub fn table(self) -> &'static str {
        use sea_orm::EntityName;
        match self {
            PostingKind::Need => crate::entities::need::Entity.table_name(),
            PostingKind::Achievement => crate::entities::achievement::Entity.table_name(),
        }
    }

    pub fn from_code(code: &str) -> Option<PostingKind> {
        match code {
            "need" => Some(PostingKind::Need),
            "achievement" => Some(PostingKind::Achievement),
            _ => None,
        }
    }

    pub fn label(self) -> String {
        match self {
            PostingKind::Need => t!("posting-kind-need"),
            PostingKind::Achievement => t!("posting-kind-achievement"),
        }
    }

    /// The section of the site and of the API its postings are under (`/needs/{id}`).
    pub fn section(self) -> &'static str {
        match self {
            PostingKind::Need => "needs",
            PostingKind::Achievement => "achievements",
        }
    }

    /// The kind a section names (`needs`, `achievements`, or either in the singular),
    /// as paths, query strings and the command line write it.
    pub fn from_section(name: &str) -> Option<PostingKind> {
        match name {
            "needs" | "need" => Some(PostingKind::Need),
            "achievements" | "achievement" => Some(PostingKind::Achievement),
            _ => None,
        }
    }

    /// The other side of the market, whose postings match this side's.
    pub fn counterpart(self) -> PostingKind {
        match self {
            PostingKind::Need => PostingKind::Achievement,
            PostingKind::Achievement => PostingKind::Need,
        }
    }
}

/// Separator of keywords in storage; the importer splits on it, so no keyword holds it.
pub use crate::lists::columns::KEYWORD_SEPARATOR;

/// Splits a keyword cell the way people write them: on Chinese and Latin commas,
/// semicolons, the enumeration comma and white space.
pub fn split_keywords(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split(|c: char| KEYWORD_SEPARATORS.contains(&c) || c.is_whitespace()) {
        let part = part.trim();
        if !part.is_empty() && !out.iter().any(|k| k == part) {
            out.push(part.to_owned());
        }
    }
    out
}

pub fn join_keywords(keywords: &[String]) -> String {
    keywords.join(KEYWORD_SEPARATOR)
}

pub fn stored_keywords(stored: &str) -> Vec<String> {
    stored
        .split(KEYWORD_SEPARATOR)
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_split_on_every_usual_separator() {
        assert_eq!(
            split_keywords("纳米碳酸钙，改性;  填料、PVC 塑料,纳米碳酸钙"),
            vec!["纳米碳酸钙", "改性", "填料", "PVC", "塑料"]
        );
        assert!(split_keywords(" ，； ").is_empty());
        let stored = join_keywords(&split_keywords("煤层气 抽采"));
        assert_eq!(stored_keywords(&stored), vec!["煤层气", "抽采"]);
    }
}
