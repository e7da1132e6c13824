//! What the page header needs to know about the viewer.

use super::auth::{PageUser, Viewer};

#[derive(Debug, Clone, Default)]
pub struct Nav {
    pub user_name: Option<String>,
    pub role_label: &'static str,
    pub is_bureau: bool,
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
                can_post: user.role.posts().is_some(),
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
#[derive(Debug, Clone, Copy)]
pub struct ContactFrom {
    pub is_need: bool,
    pub id: i64,
}
