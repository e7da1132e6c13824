//! Roles and what each may do. Every route asks one of these questions instead of
//! matching on roles itself, so that the rules live in one place.

use serde::{Deserialize, Serialize};

use crate::posting::{OrgKind, PostingKind};
use crate::{CoreError, t};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Posts technical needs for its enterprise.
    Enterprise,
    /// Publishes achievements for a university or institute.
    Researcher,
    /// Bureau staff: moderates postings, verifies organisations, suspends users.
    Moderator,
    /// Bureau staff who also manage moderators and settings.
    Admin,
    /// Reviews challenge bids.
    Expert,
    /// 技术经理人: acts for the organisations assigned to them.
    Broker,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Enterprise,
        Role::Researcher,
        Role::Moderator,
        Role::Admin,
        Role::Expert,
        Role::Broker,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Enterprise => "enterprise",
            Role::Researcher => "researcher",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
            Role::Expert => "expert",
            Role::Broker => "broker",
        }
    }

    pub fn label(self) -> String {
        match self {
            Role::Enterprise => t!("role-enterprise"),
            Role::Researcher => t!("role-researcher"),
            Role::Moderator => t!("role-moderator"),
            Role::Admin => t!("role-admin"),
            Role::Expert => t!("role-expert"),
            Role::Broker => t!("role-broker"),
        }
    }

    /// Parses a code or a label.
    pub fn parse(text: &str) -> Result<Role, CoreError> {
        let text = text.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.code() == text || r.label() == text)
            .ok_or_else(|| {
                let codes: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
                let choices = codes.join(&t!("list-separator"));
                let reason = t!("role-unknown", text = text, choices = choices);
                CoreError::invalid("role", reason)
            })
    }

    /// Roles anyone may register for; bureau staff, experts and brokers are appointed.
    pub fn may_self_register(self) -> bool {
        matches!(self, Role::Enterprise | Role::Researcher)
    }

    /// The kind of posting this role creates for its own organisation.
    pub fn posts(self) -> Option<PostingKind> {
        match self {
            Role::Enterprise => Some(PostingKind::Need),
            Role::Researcher => Some(PostingKind::Achievement),
            _ => None,
        }
    }

    /// The organisation kinds a user of this role may belong to.
    pub fn org_kinds(self) -> &'static [OrgKind] {
        match self {
            Role::Enterprise => &[OrgKind::Enterprise],
            Role::Researcher => &[OrgKind::University, OrgKind::Institute, OrgKind::Enterprise],
            Role::Moderator | Role::Admin => &[OrgKind::Bureau],
            Role::Broker => &[OrgKind::Agency],
            // Experts come from anywhere, or from no organisation at all; the one they
            // work for decides their conflicts of interest.
            Role::Expert => &[
                OrgKind::University,
                OrgKind::Institute,
                OrgKind::Enterprise,
                OrgKind::Agency,
            ],
        }
    }

    /// Bureau staff: moderation, organisation verification, the audit log.
    pub fn is_bureau(self) -> bool {
        matches!(self, Role::Moderator | Role::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_unknown_roles_are_refused() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()).unwrap(), role);
            assert_eq!(Role::parse(&role.label()).unwrap(), role);
        }
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn only_posters_register_themselves() {
        let open: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.may_self_register())
            .collect();
        assert_eq!(open, [Role::Enterprise, Role::Researcher]);
        assert!(Role::Admin.is_bureau() && !Role::Expert.is_bureau());
    }
}
