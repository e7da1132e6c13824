//! The one catalogue of user-visible text.
//!
//! Every sentence a person reads — page text, form labels, status names, error and
//! validation messages, import reports — is a [Fluent](https://projectfluent.org)
//! message in `i18n/<locale>/*.ftl` at the root of the repository, looked up by key
//! with [`t!`](crate::t) in Rust and with the `t` filters in templates. The files are
//! compiled into the binary, so nothing is read from disk at run time.
//!
//! Only Simplified Chinese exists today. Another language is a directory of `.ftl`
//! files with the same keys plus one more [`Locale`] variant; the coverage test
//! below checks that every key used in the code exists and that no message is dead.
//!
//! Words the platform *accepts* in spreadsheets and forms (units such as 万元, stage
//! names such as 中试, column headers, region and industry names) are input vocabulary,
//! not messages, and stay next to the parsers that understand them.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::{LanguageIdentifier, langid};

/// A language the catalogue is available in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    ZhCn,
}

impl Locale {
    fn id(self) -> LanguageIdentifier {
        match self {
            Locale::ZhCn => langid!("zh-CN"),
        }
    }

    /// The catalogue files of this locale, as (file name, contents).
    fn sources(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Locale::ZhCn => ZH_CN,
        }
    }
}

const ZH_CN: &[(&str, &str)] = &[
    ("core.ftl", include_str!("../../../i18n/zh-CN/core.ftl")),
    ("web.ftl", include_str!("../../../i18n/zh-CN/web.ftl")),
    ("pages.ftl", include_str!("../../../i18n/zh-CN/pages.ftl")),
    ("admin.ftl", include_str!("../../../i18n/zh-CN/admin.ftl")),
    (
        "challenge.ftl",
        include_str!("../../../i18n/zh-CN/challenge.ftl"),
    ),
    (
        "selection.ftl",
        include_str!("../../../i18n/zh-CN/selection.ftl"),
    ),
    ("record.ftl", include_str!("../../../i18n/zh-CN/record.ftl")),
    (
        "figures.ftl",
        include_str!("../../../i18n/zh-CN/figures.ftl"),
    ),
    (
        "notifications.ftl",
        include_str!("../../../i18n/zh-CN/notifications.ftl"),
    ),
    (
        "challenge-pages.ftl",
        include_str!("../../../i18n/zh-CN/challenge-pages.ftl"),
    ),
    (
        "challenge-bureau.ftl",
        include_str!("../../../i18n/zh-CN/challenge-bureau.ftl"),
    ),
    (
        "attachments.ftl",
        include_str!("../../../i18n/zh-CN/attachments.ftl"),
    ),
    ("outbox.ftl", include_str!("../../../i18n/zh-CN/outbox.ftl")),
    (
        "statistics.ftl",
        include_str!("../../../i18n/zh-CN/statistics.ftl"),
    ),
    (
        "preferences.ftl",
        include_str!("../../../i18n/zh-CN/preferences.ftl"),
    ),
    ("alerts.ftl", include_str!("../../../i18n/zh-CN/alerts.ftl")),
    (
        "webhooks.ftl",
        include_str!("../../../i18n/zh-CN/webhooks.ftl"),
    ),
    (
        "identity.ftl",
        include_str!("../../../i18n/zh-CN/identity.ftl"),
    ),
];

/// All messages of one locale.
pub struct Catalogue {
    bundle: FluentBundle<FluentResource>,
}

impl Catalogue {
    /// Parses the locale's files. A syntax error or a key defined twice is a bug in
    /// the catalogue, reported with the file name so it is found before release.
    pub fn load(locale: Locale) -> Result<Catalogue, String> {
        let mut bundle = FluentBundle::new_concurrent(vec![locale.id()]);
        // Isolation marks (U+2068/U+2069) around arguments help right-to-left scripts
        // but end up as invisible characters in CSV reports and JSON messages.
        bundle.set_use_isolating(false);
        for (file, source) in locale.sources() {
            let resource = FluentResource::try_new((*source).to_owned())
                .map_err(|(_, errors)| format!("{file}: {errors:?}"))?;
            bundle
                .add_resource(resource)
                .map_err(|errors| format!("{file}: {errors:?}"))?;
        }
        Ok(Catalogue { bundle })
    }

    /// The message `key` with `args` filled in. A missing key or argument is a bug
    /// (the coverage test catches keys); the reader then sees the key rather than
    /// an empty space, and the log says what is missing.
    pub fn message(&self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let Some(pattern) = self.bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, "message missing from the catalogue");
            return key.to_owned();
        };
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, ?errors, "message formatted with errors");
        }
        text.into_owned()
    }

    pub fn has(&self, key: &str) -> bool {
        self.bundle.has_message(key)
    }
}

static ACTIVE: LazyLock<Catalogue> = LazyLock::new(|| match Catalogue::load(Locale::ZhCn) {
    Ok(catalogue) => catalogue,
    // The catalogue is compiled in and checked by the tests; failing here means a
    // broken build, not bad input.
    Err(problem) => panic!("the built-in zh-CN catalogue does not parse: {problem}"),
});

/// The catalogue the platform speaks.
pub fn catalogue() -> &'static Catalogue {
    &ACTIVE
}

/// The message `key` without arguments; see [`t!`](crate::t).
pub fn text(key: &str) -> String {
    ACTIVE.message(key, &[])
}

/// The message `key` with arguments; see [`t!`](crate::t).
pub fn text_with(key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    ACTIVE.message(key, args)
}

/// Converts a message argument; numbers stay numbers so a language with plural
/// forms can select on them.
pub fn arg<'a>(value: impl Into<FluentValue<'a>>) -> FluentValue<'a> {
    value.into()
}

/// Looks up a message in the catalogue: `t!("contact-status-requested")` or
/// `t!("row-text-too-long", length = len, max = MAX_TEXT_CHARS)`.
/// Keys are literals so the coverage test can find every one.
#[macro_export]
macro_rules! t {
    ($key:literal) => {
        $crate::i18n::text($key)
    };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::text_with(
            $key,
            &[$((stringify!($name), $crate::i18n::arg($value))),+],
        )
    };
}

#[cfg(test)]
mod tests;
