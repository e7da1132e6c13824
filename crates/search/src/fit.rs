//! Structured fit: how well the non-text facts of two postings go together, as bonuses
//! and penalties on top of text relevance, each of which an explanation can show.

use serde::Serialize;
use techmatch_core::t;

/// The facts compared for one candidate; `None` where either side does not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FitFacts {
    pub same_industry: Option<bool>,
    /// The achievement's maturity is at least what the need wants.
    pub maturity_ok: Option<bool>,
    /// The asking price is within the budget.
    pub price_ok: Option<bool>,
    /// Some cooperation mode of the need fits some transfer mode of the achievement.
    pub modes_overlap: Option<bool>,
    pub same_province: Option<bool>,
}

/// Which mismatches remove a candidate altogether instead of only ranking it lower.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct HardFilters {
    pub industry: bool,
    pub maturity: bool,
    pub budget: bool,
    pub mode: bool,
}

/// One factor of a match score, for people to read.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    /// Stable identifier: `text`, `industry`, `maturity`, `price`, `mode`, `region`.
    pub code: &'static str,
    pub label: String,
    /// Points this factor adds to (or, when negative, takes from) the score.
    pub contribution: f32,
    pub detail: String,
}

/// Relative bonuses (and penalties) of each factor, as fractions of the text score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitWeights {
    pub industry: (f32, f32),
    pub maturity: (f32, f32),
    pub price: (f32, f32),
    pub mode: (f32, f32),
    pub region: f32,
}

impl Default for FitWeights {
    /// A shared field is the strongest structured signal; maturity, price and mode each
    /// matter about half as much; region is a mild preference because the county wants
    /// solutions from anywhere in China.
    fn default() -> Self {
        FitWeights {
            industry: (0.20, -0.10),
            maturity: (0.10, -0.25),
            price: (0.10, -0.15),
            mode: (0.10, -0.15),
            region: 0.05,
        }
    }
}

/// The verdict on a candidate's structured facts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// Sum of the bonuses: the final score is text × (1 + bonus).
    pub bonus: f32,
    /// A hard filter is violated: the candidate is not proposed.
    pub excluded: bool,
}

fn each(facts: &FitFacts, w: &FitWeights) -> [(Option<bool>, (f32, f32)); 5] {
    [
        (facts.same_industry, w.industry),
        (facts.maturity_ok, w.maturity),
        (facts.price_ok, w.price),
        (facts.modes_overlap, w.mode),
        (facts.same_province, (w.region, 0.0)),
    ]
}

/// Scores the facts. Unknown facts count for nothing, so postings without structured
/// fields are ranked by text relevance alone.
pub fn assess(facts: &FitFacts, weights: &FitWeights, hard: &HardFilters) -> Fit {
    let bonus = each(facts, weights)
        .iter()
        .map(|(fact, (good, bad))| match fact {
            Some(true) => *good,
            Some(false) => *bad,
            None => 0.0,
        })
        .sum();
    let excluded = (hard.industry && facts.same_industry == Some(false))
        || (hard.maturity && facts.maturity_ok == Some(false))
        || (hard.budget && facts.price_ok == Some(false))
        || (hard.mode && facts.modes_overlap == Some(false));
    Fit { bonus, excluded }
}

/// The factors behind a score of `text × (1 + bonus)`, text first; their contributions
/// add up to the score.
pub fn explain(facts: &FitFacts, weights: &FitWeights, text_score: f32) -> Vec<Factor> {
    let mut factors = vec![Factor {
        code: "text",
        label: t!("match-factor-text"),
        contribution: text_score,
        detail: t!("match-explain-text"),
    }];
    let codes = ["industry", "maturity", "price", "mode", "region"];
    for ((fact, (good, bad)), code) in each(facts, weights).into_iter().zip(codes) {
        let Some(fact) = fact else { continue };
        let (label, detail) = described(code, fact);
        factors.push(Factor {
            code,
            label,
            contribution: text_score * if fact { good } else { bad },
            detail,
        });
    }
    factors
}

/// The label of the factor `code` and what its fact being `fact` means.
fn described(code: &str, fact: bool) -> (String, String) {
    match (code, fact) {
        ("industry", true) => (
            t!("match-factor-industry"),
            t!("match-explain-industry-same"),
        ),
        ("industry", false) => (
            t!("match-factor-industry"),
            t!("match-explain-industry-different"),
        ),
        ("maturity", true) => (
            t!("match-factor-maturity"),
            t!("match-explain-maturity-enough"),
        ),
        ("maturity", false) => (
            t!("match-factor-maturity"),
            t!("match-explain-maturity-too-low"),
        ),
        ("price", true) => (
            t!("match-factor-price"),
            t!("match-explain-price-within-budget"),
        ),
        ("price", false) => (
            t!("match-factor-price"),
            t!("match-explain-price-over-budget"),
        ),
        ("mode", true) => (t!("match-factor-mode"), t!("match-explain-mode-overlap")),
        ("mode", false) => (t!("match-factor-mode"), t!("match-explain-mode-no-overlap")),
        (_, true) => (t!("match-factor-region"), t!("match-explain-region-same")),
        (_, false) => (
            t!("match-factor-region"),
            t!("match-explain-region-different"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_facts_leave_text_alone() {
        let fit = assess(
            &FitFacts::default(),
            &FitWeights::default(),
            &HardFilters::default(),
        );
        assert_eq!(fit.bonus, 0.0);
        assert!(!fit.excluded);
        assert_eq!(
            explain(&FitFacts::default(), &FitWeights::default(), 3.0).len(),
            1
        );
    }

    #[test]
    fn good_facts_raise_and_bad_facts_lower() {
        let good = FitFacts {
            same_industry: Some(true),
            maturity_ok: Some(true),
            price_ok: Some(true),
            modes_overlap: Some(true),
            same_province: Some(true),
        };
        let bad = FitFacts {
            same_industry: Some(false),
            maturity_ok: Some(false),
            price_ok: Some(false),
            modes_overlap: Some(false),
            same_province: Some(false),
        };
        let w = FitWeights::default();
        let none = HardFilters::default();
        assert!(assess(&good, &w, &none).bonus > 0.5);
        let penalty = assess(&bad, &w, &none).bonus;
        assert!(
            penalty < -0.5 && penalty > -1.0,
            "the score stays positive: {penalty}"
        );
    }

    #[test]
    fn contributions_add_up_to_the_score() {
        let facts = FitFacts {
            same_industry: Some(true),
            maturity_ok: Some(false),
            price_ok: None,
            modes_overlap: Some(true),
            same_province: None,
        };
        let w = FitWeights::default();
        let fit = assess(&facts, &w, &HardFilters::default());
        let factors = explain(&facts, &w, 2.0);
        let total: f32 = factors.iter().map(|f| f.contribution).sum();
        assert!((total - 2.0 * (1.0 + fit.bonus)).abs() < 1e-5);
        assert_eq!(
            factors.iter().map(|f| f.code).collect::<Vec<_>>(),
            ["text", "industry", "maturity", "mode"]
        );
    }

    #[test]
    fn hard_filters_exclude_only_known_mismatches() {
        let hard = HardFilters {
            industry: true,
            maturity: true,
            budget: true,
            mode: true,
        };
        let w = FitWeights::default();
        let unknown = FitFacts::default();
        assert!(!assess(&unknown, &w, &hard).excluded);
        let low = FitFacts {
            maturity_ok: Some(false),
            ..Default::default()
        };
        assert!(assess(&low, &w, &hard).excluded);
        assert!(!assess(&low, &w, &HardFilters::default()).excluded);
    }
}
