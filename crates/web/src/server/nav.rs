//! What the page header needs to know about the viewer.

use techmatch_core::accounts::Role;

use super::auth::{PageUser, Viewer};

#[derive(Debug, Clone, Default)]
pub struct Nav {
    pub user_name: Option<String>,
    pub role_label: String,
    pub is_bureau: bool,
    /// Experts see their review panels.
    pub is_expert: bool,
    /// Only administrators change the settings.
    pub is_admin: bool,
    /// For a broker: whether they have organisations to act for, and which one the
    /// session acts for now.
    pub is_broker: bool,
    pub acting_org: Option<String>,
    pub can_post: bool,
    /// The token every form on the page must send back.
    pub csrf: String,
}

impl Nav {
    /// The header of a page that required a login.
    pub fn of_user(page_user: &PageUser) -> Nav {
        Nav::of(&Viewer {
            session: Some(page_user.0.clone()),
            csrf: page_user.0.csrf_token.clone(),
        })
    }

    pub fn of(viewer: &Viewer) -> Nav {
        match viewer.user() {
            Some(user) => Nav {
                user_name: Some(user.display_name.clone()),
                role_label: user.role.label(),
                is_bureau: user.role.is_bureau(),
                is_expert: user.role == Role::Expert,
                is_admin: user.role == Role::Admin,
                is_broker: user.role == Role::Broker,
                acting_org: viewer
                    .session
                    .as_ref()
                    .and_then(|s| s.acting.as_ref())
                    .map(|a| a.org_name.clone()),
                can_post: user.posts().is_some(),
                csrf: viewer.csrf.clone(),
            },
            None => Nav {
                csrf: viewer.csrf.clone(),
                ..Nav::default()
            },
        }
    }
}

/// On a page listing matches for one's own posting: the posting contacts start from.
#[derive(Debug, Clone)]
pub struct ContactFrom {
    pub is_need: bool,
    /// The posting's public id: forms carry no internal ids.
    pub external_id: String,
}

/// The query of a page a save redirects back to (`?saved=1`), so that it says so.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AfterSave {
    saved: Option<String>,
}

impl AfterSave {
    pub fn saved(&self) -> bool {
        self.saved.is_some()
    }
}
