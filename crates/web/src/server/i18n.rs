//! Template access to the catalogue (`techmatch_core::i18n`).
//!
//! Every module that declares templates imports [`filters`], so a template writes
//! `{{ "login-title"|t }}` or `{{ "contact-heading"|t1("id", contact.id) }}`, and
//! writes a moment as `{{ c.bid_deadline|beijing }}`.
//! Keys are string literals in the template so the catalogue's coverage test can
//! find them.

pub mod filters {
    use std::fmt::Display;

    use techmatch_core::i18n;

    /// The message `key`.
    #[askama::filter_fn]
    pub fn t(key: impl Display, _env: &dyn askama::Values) -> askama::Result<String> {
        Ok(i18n::text(&key.to_string()))
    }

    /// The message `key` with one argument.
    #[askama::filter_fn]
    pub fn t1<N: Display, V: Display>(
        key: impl Display,
        _env: &dyn askama::Values,
        name: N,
        value: V,
    ) -> askama::Result<String> {
        let name = name.to_string();
        Ok(i18n::text_with(
            &key.to_string(),
            &[(name.as_str(), i18n::arg(value.to_string()))],
        ))
    }

    /// A moment, however many references a template holds it through.
    pub trait Moment {
        fn moment(&self) -> chrono::DateTime<chrono::Utc>;
    }

    impl Moment for chrono::DateTime<chrono::Utc> {
        fn moment(&self) -> chrono::DateTime<chrono::Utc> {
            *self
        }
    }

    impl<T: Moment + ?Sized> Moment for &T {
        fn moment(&self) -> chrono::DateTime<chrono::Utc> {
            (**self).moment()
        }
    }

    /// A moment in Beijing time, to the minute: `2026-03-15 14:30`.
    #[askama::filter_fn]
    pub fn beijing(at: impl Moment, _env: &dyn askama::Values) -> askama::Result<String> {
        Ok(techmatch_core::challenge::calendar::beijing_minute(
            at.moment(),
        ))
    }

    /// The Beijing date of a moment: `2026-03-15`.
    #[askama::filter_fn]
    pub fn beijing_date(at: impl Moment, _env: &dyn askama::Values) -> askama::Result<String> {
        Ok(techmatch_core::challenge::calendar::beijing_date(
            at.moment(),
        ))
    }

    /// The message `key` with two arguments.
    #[askama::filter_fn]
    pub fn t2<N1: Display, V1: Display, N2: Display, V2: Display>(
        key: impl Display,
        _env: &dyn askama::Values,
        name1: N1,
        value1: V1,
        name2: N2,
        value2: V2,
    ) -> askama::Result<String> {
        let (name1, name2) = (name1.to_string(), name2.to_string());
        Ok(i18n::text_with(
            &key.to_string(),
            &[
                (name1.as_str(), i18n::arg(value1.to_string())),
                (name2.as_str(), i18n::arg(value2.to_string())),
            ],
        ))
    }
}
