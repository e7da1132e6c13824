//! Who posts: the kinds of organisation and a reference to one as it appears in a list.

use serde::{Deserialize, Serialize};

use crate::CoreError;
use crate::domain::Uscc;

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

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Enterprise => "企业",
            OrgKind::University => "高校",
            OrgKind::Institute => "科研院所",
            OrgKind::Bureau => "主管部门",
            OrgKind::Agency => "服务机构",
        }
    }

    /// Parses a code, a label or a common synonym.
    pub fn parse(text: &str) -> Result<OrgKind, CoreError> {
        let text = text.trim();
        let found = match text {
            "企业" | "公司" | "enterprise" | "company" => Some(OrgKind::Enterprise),
            "高校" | "大学" | "高等院校" | "university" => Some(OrgKind::University),
            "科研院所" | "研究院所" | "研究所" | "研究院" | "institute" => {
                Some(OrgKind::Institute)
            }
            "主管部门" | "政府部门" | "科技局" | "bureau" => Some(OrgKind::Bureau),
            "服务机构" | "中介机构" | "技术转移机构" | "agency" => {
                Some(OrgKind::Agency)
            }
            _ => None,
        };
        found.ok_or_else(|| {
            let labels: Vec<&str> = OrgKind::ALL.iter().map(|k| k.label()).collect();
            CoreError::invalid(
                "org_kind",
                format!("未知单位类型「{text}」，可选：{}", labels.join("、")),
            )
        })
    }

    /// Guesses the kind from a Chinese organisation name, for list rows that do not say.
    /// Universities and institutes name themselves by what they are, so the guess is
    /// reliable for them; everything else is taken to be an enterprise.
    pub fn guess_from_name(name: &str) -> OrgKind {
        if name.contains("大学") || name.contains("学院") || name.contains("学校") {
            OrgKind::University
        } else if ["研究院", "研究所", "科学院", "研究中心", "实验室"]
            .iter()
            .any(|w| name.contains(w))
        {
            OrgKind::Institute
        } else if name.ends_with("科技局") || name.contains("人民政府") || name.ends_with("委员会")
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
