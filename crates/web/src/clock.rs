//! The time the platform decides deadlines by.
//!
//! Normally the system clock. End-to-end tests of deadlines (a bid after the deadline,
//! the end of a 公示) cannot wait days, so `serve --clock-file FILE` reads the current
//! time from a file holding an RFC 3339 timestamp, which the test rewrites. It is a
//! test facility: a deployment never sets it.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Default)]
pub enum Clock {
    #[default]
    System,
    File(PathBuf),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::File(path) => match std::fs::read_to_string(path)
                .ok()
                .and_then(|text| DateTime::parse_from_rfc3339(text.trim()).ok())
            {
                Some(time) => time.with_timezone(&Utc),
                None => {
                    tracing::warn!(path = %path.display(), "clock file unreadable; using the system clock");
                    Utc::now()
                }
            },
        }
    }
}
