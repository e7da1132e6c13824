//! Expert review (专家评审) of the bids on a challenge.
//!
//! The bureau sets weighted criteria per challenge and assigns experts. Every expert
//! scores every bid they have no stake in, one [`ScoreSheet`] per bid, blind to the
//! other experts' sheets until their own is in. [`aggregate`] turns the sheets into
//! the ranking the bureau proposes for 公示.
//!
//! The arithmetic is exact: a score is a whole number of tenths of a point and an
//! expert's total is a whole number over the criteria's weight sum, so two bids
//! with the same mean compare equal (and share a rank) whatever order the sheets
//! arrived in. Floats appear only in [`BidRanking`], for display.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::{CoreError, CoreResult, t};

/// The user account of an expert.
pub type ExpertId = i64;
/// A bid (揭榜申报) on a challenge.
pub type BidId = i64;
/// An organisation (单位).
pub type OrgId = i64;

/// At most this many criteria per challenge: a review form longer than that is not
/// filled in carefully, and the bound keeps the exact arithmetic far from overflow.
pub const MAX_CRITERIA: usize = 20;

/// The largest weight of one criterion. Weights are relative (they are normalised
/// by their sum), so 1000 already allows a resolution of 0.1%; larger numbers are
/// typing mistakes.
pub const MAX_WEIGHT: u32 = 1000;

/// The longest criterion name, in characters: it is a column heading in the review
/// form and in the 公示 table.
pub const MAX_CRITERION_NAME_CHARS: usize = 50;

/// The longest review comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// Dropping the highest and the lowest total needs at least this many sheets. With
/// two sheets nothing would be left to average; with three the middle one remains,
/// so the bid's score becomes the median, which is what dropping extremes aims at.
pub const DROP_EXTREMES_MIN_SHEETS: usize = 3;

/// An expert whose total lies more than this many points (out of 100) from the
/// median total of the bid is flagged for the bureau. Review grades come in bands of
/// ten points (优 90+, 良 80+, 中 70+ and so on); two bands away from the middle of the
/// panel means the expert saw the bid very differently, and the bureau should read
/// the comment before proposing a winner. Flagged totals still count.
pub const OUTLIER_POINTS: u64 = 20;

const TENTHS_PER_POINT: u64 = 10;
const MAX_TENTHS: u16 = 1000;

/// A score on one criterion: 0 to 100 points with at most one decimal, stored
/// exactly as tenths of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Score(u16);

impl Score {
    /// Returns the score of `tenths` tenths of a point (855 is 85.5 points).
    ///
    /// # Errors
    /// `Invalid` above 1000 tenths (100 points).
    pub fn from_tenths(tenths: u16) -> CoreResult<Score> {
        if tenths > MAX_TENTHS {
            let text = format!("{}.{}", tenths / 10, tenths % 10);
            return Err(CoreError::invalid(
                "score",
                t!("scoring-score-out-of-range", text = text),
            ));
        }
        Ok(Score(tenths))
    }

    /// Parses a score as typed: "85", "85.5", "100.0", also with full-width digits and
    /// a trailing zero ("85.50") as spreadsheets write it.
    ///
    /// # Errors
    /// `Invalid` for empty or malformed text, more than one significant decimal and
    /// scores outside 0..=100.
    pub fn parse(input: &str) -> CoreResult<Score> {
        let folded = to_half_width(input);
        let text = folded.trim();
        if text.is_empty() {
            return Err(CoreError::invalid("score", t!("scoring-score-empty")));
        }
        let malformed =
            || CoreError::invalid("score", t!("scoring-score-malformed", text = input.trim()));
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (text, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(whole) || fraction.is_some_and(|f| !all_digits(f)) {
            return Err(malformed());
        }
        let fraction = fraction.map_or("", |f| f.trim_end_matches('0'));
        if fraction.len() > 1 {
            return Err(CoreError::invalid(
                "score",
                t!("scoring-score-too-many-decimals", text = input.trim()),
            ));
        }
        let out_of_range = || {
            CoreError::invalid(
                "score",
                t!("scoring-score-out-of-range", text = input.trim()),
            )
        };
        // The digits are checked, so a failing parse can only be an overflow.
        let whole: u64 = whole.parse().map_err(|_| out_of_range())?;
        let tenth = fraction.parse::<u64>().unwrap_or(0);
        let tenths = whole
            .checked_mul(TENTHS_PER_POINT)
            .and_then(|w| w.checked_add(tenth))
            .filter(|t| *t <= u64::from(MAX_TENTHS))
            .ok_or_else(out_of_range)?;
        Ok(Score(u16::try_from(tenths).map_err(|_| out_of_range())?))
    }

    pub fn tenths(self) -> u16 {
        self.0
    }

    pub fn points(self) -> f64 {
        f64::from(self.0) / 10.0
    }
}

impl fmt::Display for Score {
    /// "85" for whole points, "85.5" otherwise: the form [`Score::parse`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, tenth) = (self.0 / 10, self.0 % 10);
        if tenth == 0 {
            write!(f, "{whole}")
        } else {
            write!(f, "{whole}.{tenth}")
        }
    }
}

/// One thing the experts judge, such as a technical plan, with its relative weight.
/// A criterion is checked as part of [`Criteria::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    pub name: String,
    pub weight: u32,
}

impl Criterion {
    /// Reads a criterion as typed in the bureau's form; the weight is a whole number.
    /// The name is only trimmed here: [`Criteria::new`] checks the list as a whole.
    ///
    /// # Errors
    /// `Invalid` when the weight is not a whole number.
    pub fn parse(name: &str, weight: &str) -> CoreResult<Criterion> {
        let name = name.trim().to_owned();
        let folded = to_half_width(weight);
        let digits = folded.trim();
        let weight = digits
            .parse::<u32>()
            .ok()
            .filter(|_| digits.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| {
                let reason = t!(
                    "scoring-criterion-weight-malformed",
                    name = name.as_str(),
                    text = weight.trim(),
                    max = MAX_WEIGHT
                );
                CoreError::invalid("criteria", reason)
            })?;
        Ok(Criterion { name, weight })
    }
}

/// The checked criteria of one challenge: at least one, at most [`MAX_CRITERIA`],
/// names present and distinct, weights between 1 and [`MAX_WEIGHT`]. The weights
/// need not add up to 100; totals are normalised by their sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Criteria(Vec<Criterion>);

impl Criteria {
    /// Checks the list and trims the names. Names that differ only in spacing,
    /// ASCII case or full-width forms count as the same name, because experts could
    /// not tell the columns apart.
    ///
    /// # Errors
    /// `Invalid` naming the first problem.
    pub fn new(criteria: Vec<Criterion>) -> CoreResult<Criteria> {
        let invalid = |reason: String| CoreError::invalid("criteria", reason);
        if criteria.is_empty() {
            return Err(invalid(t!("scoring-criteria-empty")));
        }
        if criteria.len() > MAX_CRITERIA {
            return Err(invalid(t!(
                "scoring-criteria-too-many",
                max = MAX_CRITERIA,
                count = criteria.len()
            )));
        }
        let mut seen = BTreeSet::new();
        let mut checked = Vec::with_capacity(criteria.len());
        for (index, criterion) in criteria.into_iter().enumerate() {
            let name = criterion.name.trim().to_owned();
            if name.is_empty() {
                return Err(invalid(t!(
                    "scoring-criterion-name-empty",
                    position = index + 1
                )));
            }
            if name.chars().count() > MAX_CRITERION_NAME_CHARS {
                return Err(invalid(t!(
                    "scoring-criterion-name-too-long",
                    name = name.as_str(),
                    max = MAX_CRITERION_NAME_CHARS
                )));
            }
            if !(1..=MAX_WEIGHT).contains(&criterion.weight) {
                return Err(invalid(t!(
                    "scoring-criterion-weight-out-of-range",
                    name = name.as_str(),
                    max = MAX_WEIGHT,
                    weight = criterion.weight
                )));
            }
            if !seen.insert(name_key(&name)) {
                return Err(invalid(t!(
                    "scoring-criterion-duplicate",
                    name = name.as_str()
                )));
            }
            checked.push(Criterion {
                name,
                weight: criterion.weight,
            });
        }
        Ok(Criteria(checked))
    }

    /// The criteria in the bureau's order, which is also the order of
    /// [`ScoreSheet::scores`].
    pub fn criteria(&self) -> &[Criterion] {
        &self.0
    }

    pub fn weight_sum(&self) -> u32 {
        self.0.iter().map(|c| c.weight).sum()
    }

    /// Each criterion's share of a total in percent, in the criteria's order: what
    /// the review form shows next to each name.
    pub fn shares_percent(&self) -> Vec<f64> {
        let sum = f64::from(self.weight_sum());
        self.0
            .iter()
            .map(|c| f64::from(c.weight) * 100.0 / sum)
            .collect()
    }

    fn position(&self, name: &str) -> Option<usize> {
        let key = name_key(name);
        self.0.iter().position(|c| name_key(&c.name) == key)
    }
}

/// One expert's scores for one bid: a score for every criterion, in the criteria's
/// order, and the review comment (评审意见) the bureau relies on when it has to
/// justify the ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreSheet {
    expert: ExpertId,
    bid: BidId,
    scores: Vec<Score>,
    comment: String,
}

impl ScoreSheet {
    /// Checks a sheet against the challenge's criteria: every criterion scored
    /// exactly once (in any order, names matched as in [`Criteria::new`]), nothing
    /// else scored, and a comment.
    ///
    /// # Errors
    /// `Invalid` naming the criterion, or listing the criteria left unscored.
    pub fn new(
        criteria: &Criteria,
        expert: ExpertId,
        bid: BidId,
        scores: &[(impl AsRef<str>, Score)],
        comment: &str,
    ) -> CoreResult<ScoreSheet> {
        let invalid = |reason: String| CoreError::invalid("scores", reason);
        let mut slots: Vec<Option<Score>> = vec![None; criteria.0.len()];
        for (name, score) in scores {
            let name = name.as_ref().trim();
            let Some(index) = criteria.position(name) else {
                return Err(invalid(t!("scoring-sheet-unknown-criterion", name = name)));
            };
            if slots[index].replace(*score).is_some() {
                return Err(invalid(t!(
                    "scoring-sheet-criterion-twice",
                    name = criteria.0[index].name.as_str()
                )));
            }
        }
        let missing: Vec<&str> = criteria
            .0
            .iter()
            .zip(&slots)
            .filter(|(_, slot)| slot.is_none())
            .map(|(c, _)| c.name.as_str())
            .collect();
        if !missing.is_empty() {
            let names = missing.join(&t!("list-separator"));
            return Err(invalid(t!("scoring-sheet-criteria-missing", names = names)));
        }
        let comment = comment.trim();
        if comment.is_empty() {
            return Err(CoreError::invalid("comment", t!("scoring-comment-empty")));
        }
        let length = comment.chars().count();
        if length > MAX_COMMENT_CHARS {
            return Err(CoreError::invalid(
                "comment",
                t!(
                    "scoring-comment-too-long",
                    length = length,
                    max = MAX_COMMENT_CHARS
                ),
            ));
        }
        Ok(ScoreSheet {
            expert,
            bid,
            scores: slots.into_iter().flatten().collect(),
            comment: comment.to_owned(),
        })
    }

    /// Like [`ScoreSheet::new`], with the scores as typed ("85", "85.5").
    ///
    /// # Errors
    /// `Invalid` naming the criterion whose score does not parse, or as
    /// [`ScoreSheet::new`].
    pub fn parse(
        criteria: &Criteria,
        expert: ExpertId,
        bid: BidId,
        scores: &[(impl AsRef<str>, impl AsRef<str>)],
        comment: &str,
    ) -> CoreResult<ScoreSheet> {
        let mut parsed = Vec::with_capacity(scores.len());
        for (name, text) in scores {
            let name = name.as_ref().trim();
            let score = Score::parse(text.as_ref()).map_err(|e| match e {
                CoreError::Invalid { reason, .. } => CoreError::invalid(
                    "scores",
                    t!(
                        "scoring-sheet-score-invalid",
                        criterion = name,
                        reason = reason
                    ),
                ),
                other => other,
            })?;
            parsed.push((name, score));
        }
        ScoreSheet::new(criteria, expert, bid, &parsed, comment)
    }

    pub fn expert(&self) -> ExpertId {
        self.expert
    }

    pub fn bid(&self) -> BidId {
        self.bid
    }

    /// The scores in the order of [`Criteria::criteria`].
    pub fn scores(&self) -> &[Score] {
        &self.scores
    }

    pub fn comment(&self) -> &str {
        &self.comment
    }

    /// The expert's weighted total in points (0 to 100): each score times its
    /// criterion's weight, divided by the sum of the weights. `criteria` must be the
    /// ones the sheet was checked against.
    pub fn total(&self, criteria: &Criteria) -> f64 {
        let unit = u64::from(criteria.weight_sum()) * TENTHS_PER_POINT;
        self.weighted(criteria) as f64 / unit as f64
    }

    /// The total as a whole number: sum of tenths times weight. Divided by
    /// `weight_sum * 10` it is the total in points.
    fn weighted(&self, criteria: &Criteria) -> u64 {
        debug_assert_eq!(
            self.scores.len(),
            criteria.0.len(),
            "sheet of other criteria"
        );
        self.scores
            .iter()
            .zip(&criteria.0)
            .map(|(s, c)| u64::from(s.0) * u64::from(c.weight))
            .sum()
    }
}

/// An expert on a challenge's panel, with the organisation they work for (none for
/// an independent expert).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expert {
    pub id: ExpertId,
    pub org: Option<OrgId>,
}

/// A bid with the organisations behind it: the lead organisation (牵头单位) and the
/// members of its consortium (联合体), in any order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidParties {
    pub bid: BidId,
    pub orgs: Vec<OrgId>,
}

/// Whether an expert has a conflict of interest (回避) with a bid: they work for the
/// lead organisation or a consortium member. An expert without an organisation
/// conflicts with nobody.
pub fn conflicts(expert_org: Option<OrgId>, bid_orgs: &[OrgId]) -> bool {
    expert_org.is_some_and(|org| bid_orgs.contains(&org))
}

/// The check when `expert` submits a sheet for `bid`: they must be on the panel,
/// without a conflict of interest, and not have submitted a sheet for this bid yet.
/// A submitted sheet is final because submitting opens the other experts' sheets to
/// the expert (see [`may_see_others`]); revising after that would end blind review.
///
/// # Errors
/// `Forbidden` for an expert not on the panel or with a conflict of interest,
/// `Conflict` for a second sheet.
pub fn check_may_score(
    expert: ExpertId,
    panel: &[Expert],
    bid: &BidParties,
    submitted: &[(ExpertId, BidId)],
) -> CoreResult<()> {
    let Some(member) = panel.iter().find(|e| e.id == expert) else {
        return Err(CoreError::Forbidden(t!("scoring-not-assigned")));
    };
    if conflicts(member.org, &bid.orgs) {
        return Err(CoreError::Forbidden(t!("scoring-conflict-of-interest")));
    }
    if submitted.contains(&(expert, bid.bid)) {
        return Err(CoreError::Conflict(t!("scoring-already-submitted")));
    }
    Ok(())
}

/// The sheets still expected: every (expert, bid) pair of the panel and the bids
/// without a conflict of interest and without a submitted sheet, sorted by expert
/// then bid. Review is complete when this is empty and [`unscorable_bids`] is too.
pub fn missing_sheets(
    panel: &[Expert],
    bids: &[BidParties],
    submitted: &[(ExpertId, BidId)],
) -> Vec<(ExpertId, BidId)> {
    let submitted: BTreeSet<(ExpertId, BidId)> = submitted.iter().copied().collect();
    let missing: BTreeSet<(ExpertId, BidId)> = panel
        .iter()
        .flat_map(|expert| bids.iter().map(move |bid| (expert, bid)))
        .filter(|(expert, bid)| !conflicts(expert.org, &bid.orgs))
        .map(|(expert, bid)| (expert.id, bid.bid))
        .filter(|pair| !submitted.contains(pair))
        .collect();
    missing.into_iter().collect()
}

/// Bids that cannot be ranked, sorted: no expert on the panel without a conflict of
/// interest either still owes a sheet on the bid or has one that counts. That is every
/// expert conflicted (or the panel empty), or every sheet in on the bid voided by the
/// bureau (`handed_in` holds every sheet on record, `counting` those not voided).
/// [`missing_sheets`] expects nothing for such a bid, so it would silently drop out of
/// the ranking: the bureau must seat another expert first.
pub fn unscorable_bids(
    panel: &[Expert],
    bids: &[BidParties],
    handed_in: &[(ExpertId, BidId)],
    counting: &[(ExpertId, BidId)],
) -> Vec<BidId> {
    let handed_in: BTreeSet<(ExpertId, BidId)> = handed_in.iter().copied().collect();
    let counting: BTreeSet<(ExpertId, BidId)> = counting.iter().copied().collect();
    let unscorable: BTreeSet<BidId> = bids
        .iter()
        .filter(|bid| {
            !panel.iter().any(|e| {
                let pair = (e.id, bid.bid);
                !conflicts(e.org, &bid.orgs)
                    && (!handed_in.contains(&pair) || counting.contains(&pair))
            })
        })
        .map(|bid| bid.bid)
        .collect();
    unscorable.into_iter().collect()
}

/// Who asks to see the expert sheets of a bid. Bidders and the public never see
/// sheets: they see the ranking once it is published for 公示.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Bureau,
    Expert(ExpertId),
}

/// Blind review: whether `viewer` may see the other experts' sheets for `bid`. The
/// bureau always may. An expert may once they are on the panel and have submitted
/// their own sheet for this bid, so that nobody's score is anchored by the others'.
/// An expert with a conflict of interest never may, even if a sheet of theirs is on
/// record (their organisation joined a consortium later): the scores would reach
/// the bidder.
pub fn may_see_others(
    viewer: Viewer,
    bid: &BidParties,
    panel: &[Expert],
    submitted: &[(ExpertId, BidId)],
) -> bool {
    match viewer {
        Viewer::Bureau => true,
        Viewer::Expert(id) => panel.iter().any(|expert| {
            expert.id == id
                && !conflicts(expert.org, &bid.orgs)
                && submitted.contains(&(id, bid.bid))
        }),
    }
}

/// Where a bid stands after review. All figures are in points out of 100.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BidRanking {
    pub bid: BidId,
    /// 1-based; bids with equal means share a rank and the next rank is skipped
    /// (1, 2, 2, 4).
    pub rank: u32,
    /// The mean of the counted totals.
    pub mean: f64,
    /// Sheets submitted for the bid.
    pub sheets: usize,
    /// Sheets counted in the mean: all of them, or two fewer when extremes are dropped.
    pub counted: usize,
    /// The median, minimum, maximum, spread (maximum − minimum) and population
    /// standard deviation of all submitted totals, dropped ones included, so that
    /// dropping extremes never hides disagreement from the bureau.
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub spread: f64,
    pub std_dev: f64,
    /// The experts whose totals were dropped as highest and lowest, sorted.
    pub dropped_experts: Vec<ExpertId>,
    /// The experts whose total lies more than [`OUTLIER_POINTS`] from the median,
    /// sorted.
    pub outlier_experts: Vec<ExpertId>,
}

/// Ranks the bids that have sheets. A bid's score is the mean of its experts'
/// totals; with `drop_extremes` and at least [`DROP_EXTREMES_MIN_SHEETS`] sheets the
/// highest and the lowest total are left out (去掉一个最高分和一个最低分). The order is
/// by mean, highest first; equal means go to the bid with more sheets (more experts
/// agree on the figure), then to the lower bid id, so the order never depends on the
/// order of `sheets`.
///
/// The sheets must have been checked against `criteria`, one per expert and bid (the
/// service's unique key).
pub fn aggregate(
    criteria: &Criteria,
    sheets: &[ScoreSheet],
    drop_extremes: bool,
) -> Vec<BidRanking> {
    // Totals are whole numbers of `unit`s per point.
    let unit = u64::from(criteria.weight_sum()) * TENTHS_PER_POINT;
    let mut per_bid: BTreeMap<BidId, Vec<(u64, ExpertId)>> = BTreeMap::new();
    for sheet in sheets {
        per_bid
            .entry(sheet.bid)
            .or_default()
            .push((sheet.weighted(criteria), sheet.expert));
    }

    let mut summaries: Vec<Summary> = per_bid
        .into_iter()
        .map(|(bid, totals)| summarise(bid, totals, unit, drop_extremes))
        .collect();
    summaries.sort_by(|a, b| {
        b.compare_mean(a)
            .then(b.ranking.sheets.cmp(&a.ranking.sheets))
            .then(a.ranking.bid.cmp(&b.ranking.bid))
    });

    let mut rankings: Vec<BidRanking> = Vec::with_capacity(summaries.len());
    for (index, summary) in summaries.iter().enumerate() {
        let rank = match index.checked_sub(1).map(|i| &summaries[i]) {
            Some(previous) if previous.compare_mean(summary) == Ordering::Equal => {
                rankings[index - 1].rank
            }
            _ => u32::try_from(index + 1).unwrap_or(u32::MAX),
        };
        let mut ranking = summary.ranking.clone();
        ranking.rank = rank;
        rankings.push(ranking);
    }
    rankings
}

/// A bid's figures with its exact mean, kept for sorting and rank sharing.
struct Summary {
    /// Sum of the counted totals and their number: the mean is
    /// `counted_sum / (counted * unit)`.
    counted_sum: u64,
    ranking: BidRanking,
}

impl Summary {
    fn compare_mean(&self, other: &Summary) -> Ordering {
        // Same unit on both sides, so cross-multiplying by the counts compares
        // the fractions exactly.
        let left = u128::from(self.counted_sum) * other.ranking.counted as u128;
        let right = u128::from(other.counted_sum) * self.ranking.counted as u128;
        left.cmp(&right)
    }
}

fn summarise(
    bid: BidId,
    mut totals: Vec<(u64, ExpertId)>,
    unit: u64,
    drop_extremes: bool,
) -> Summary {
    debug_assert!(!totals.is_empty());
    // Ties between equal totals go by expert id so that the dropped experts are
    // always the same ones.
    totals.sort_unstable();
    let n = totals.len();
    let dropping = drop_extremes && n >= DROP_EXTREMES_MIN_SHEETS;
    let (counted, mut dropped_experts) = if dropping {
        (&totals[1..n - 1], vec![totals[0].1, totals[n - 1].1])
    } else {
        (&totals[..], Vec::new())
    };
    dropped_experts.sort_unstable();
    let counted_sum: u64 = counted.iter().map(|(total, _)| total).sum();

    // Twice the median, to stay whole when it lies between two totals.
    let median2 = if n % 2 == 1 {
        2 * totals[n / 2].0
    } else {
        totals[n / 2 - 1].0 + totals[n / 2].0
    };
    let threshold2 = 2 * OUTLIER_POINTS * unit;
    let mut outlier_experts: Vec<ExpertId> = totals
        .iter()
        .filter(|(total, _)| (2 * total).abs_diff(median2) > threshold2)
        .map(|(_, expert)| *expert)
        .collect();
    outlier_experts.sort_unstable();

    let points = |whole: u64, count: u64| whole as f64 / (count * unit) as f64;
    let all_sum: u64 = totals.iter().map(|(total, _)| total).sum();
    let all_mean = points(all_sum, n as u64);
    let variance = totals
        .iter()
        .map(|(total, _)| (points(*total, 1) - all_mean).powi(2))
        .sum::<f64>()
        / n as f64;
    let (min, max) = (totals[0].0, totals[n - 1].0);

    Summary {
        counted_sum,
        ranking: BidRanking {
            bid,
            rank: 0,
            mean: points(counted_sum, counted.len() as u64),
            sheets: n,
            counted: counted.len(),
            median: points(median2, 2),
            min: points(min, 1),
            max: points(max, 1),
            spread: points(max - min, 1),
            std_dev: variance.sqrt(),
            dropped_experts,
            outlier_experts,
        },
    }
}

/// Folds full-width ASCII variants and the ideographic space to half-width, as
/// Chinese input methods type digits. (The same fold as the domain parsers', which
/// keep theirs private to the domain module.)
fn to_half_width(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// The form of a criterion name used to compare names.
fn name_key(name: &str) -> String {
    to_half_width(name)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criteria(items: &[(&str, u32)]) -> Criteria {
        Criteria::new(
            items
                .iter()
                .map(|(name, weight)| Criterion {
                    name: (*name).to_owned(),
                    weight: *weight,
                })
                .collect(),
        )
        .unwrap()
    }

    fn standard() -> Criteria {
        criteria(&[("技术方案", 40), ("团队能力", 30), ("经费合理性", 30)])
    }

    fn reason(error: CoreError) -> String {
        match error {
            CoreError::Invalid { reason, .. } => reason,
            CoreError::Forbidden(reason) | CoreError::Conflict(reason) => reason,
            other => panic!("unexpected error {other:?}"),
        }
    }

    fn score(text: &str) -> Score {
        Score::parse(text).unwrap()
    }

    /// A sheet of one score per criterion of `criteria`, in order.
    fn sheet(criteria: &Criteria, expert: ExpertId, bid: BidId, scores: &[&str]) -> ScoreSheet {
        let named: Vec<(&str, &str)> = criteria
            .criteria()
            .iter()
            .map(|c| c.name.as_str())
            .zip(scores.iter().copied())
            .collect();
        ScoreSheet::parse(criteria, expert, bid, &named, "意见").unwrap()
    }

    /// Sheets with one criterion of weight 1, so that each total is the score.
    fn single() -> Criteria {
        criteria(&[("综合", 1)])
    }

    fn totals(bid: BidId, scores: &[(ExpertId, &str)]) -> Vec<ScoreSheet> {
        let c = single();
        scores
            .iter()
            .map(|(expert, s)| sheet(&c, *expert, bid, &[s]))
            .collect()
    }

    // ---- Score ----

    #[test]
    fn scores_parse_whole_and_one_decimal() {
        let cases = [
            ("85", 850),
            ("85.5", 855),
            ("0", 0),
            ("0.0", 0),
            ("100", 1000),
            ("100.0", 1000),
            ("100.00", 1000),
            ("85.50", 855),
            (" 60.1 ", 601),
            ("007", 70),
            ("８５．５", 855),
            ("\u{3000}９０", 900),
            ("99.9", 999),
            ("0.1", 1),
        ];
        for (text, tenths) in cases {
            assert_eq!(
                Score::parse(text).map(Score::tenths).ok(),
                Some(tenths),
                "{text:?}"
            );
        }
    }

    #[test]
    fn scores_refuse_everything_else_with_a_reason() {
        let cases = [
            ("", "评分不能为空"),
            ("   ", "评分不能为空"),
            ("abc", "不是有效的评分"),
            ("-1", "不是有效的评分"),
            ("+85", "不是有效的评分"),
            ("85.", "不是有效的评分"),
            (".5", "不是有效的评分"),
            ("8 5", "不是有效的评分"),
            ("1e2", "不是有效的评分"),
            ("85,5", "不是有效的评分"),
            ("85.5.1", "不是有效的评分"),
            ("85分", "不是有效的评分"),
            ("85.55", "最多保留一位小数"),
            ("85.05", "最多保留一位小数"),
            ("100.1", "超出范围"),
            ("101", "超出范围"),
            ("1000", "超出范围"),
            ("99999999999999999999999", "超出范围"),
        ];
        for (text, expected) in cases {
            let error = Score::parse(text).expect_err(text);
            assert!(
                matches!(error, CoreError::Invalid { field: "score", .. }),
                "{error:?}"
            );
            let reason = reason(error);
            assert!(reason.contains(expected), "{text:?}: {reason}");
            assert!(!reason.starts_with("scoring-"), "message missing: {reason}");
        }
        assert!(reason(Score::parse("abc").unwrap_err()).contains("abc"));
    }

    #[test]
    fn every_score_displays_as_it_parses() {
        for tenths in 0..=MAX_TENTHS {
            let s = Score::from_tenths(tenths).unwrap();
            assert_eq!(Score::parse(&s.to_string()).unwrap(), s, "{s}");
            assert!((s.points() * 10.0 - f64::from(tenths)).abs() < 1e-9);
        }
        assert_eq!(score("85").to_string(), "85");
        assert_eq!(score("85.5").to_string(), "85.5");
        assert_eq!(score("0.5").to_string(), "0.5");
    }

    #[test]
    fn scores_above_one_hundred_cannot_be_built() {
        let reason = reason(Score::from_tenths(1001).unwrap_err());
        assert!(
            reason.contains("100.1") && reason.contains("超出范围"),
            "{reason}"
        );
        assert!(Score::from_tenths(u16::MAX).is_err());
        assert_eq!(Score::from_tenths(1000).unwrap(), score("100"));
    }

    // ---- Criteria ----

    #[test]
    fn criteria_keep_order_and_normalise_weights() {
        let c = criteria(&[("技术方案", 4), ("团队能力", 3), ("经费合理性", 3)]);
        let names: Vec<&str> = c.criteria().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["技术方案", "团队能力", "经费合理性"]);
        assert_eq!(c.weight_sum(), 10);
        let shares = c.shares_percent();
        assert_eq!(shares.len(), 3);
        assert!((shares[0] - 40.0).abs() < 1e-9 && (shares[2] - 30.0).abs() < 1e-9);
        assert!((shares.iter().sum::<f64>() - 100.0).abs() < 1e-9);
    }

    #[test]
    fn criteria_trim_names() {
        let c = criteria(&[("  技术方案 ", 1)]);
        assert_eq!(c.criteria()[0].name, "技术方案");
    }

    #[test]
    fn criteria_refuse_bad_lists() {
        let build = |items: Vec<(&str, u32)>| {
            Criteria::new(
                items
                    .into_iter()
                    .map(|(name, weight)| Criterion {
                        name: name.to_owned(),
                        weight,
                    })
                    .collect(),
            )
            .map_err(reason)
        };
        let long = "长".repeat(MAX_CRITERION_NAME_CHARS + 1);
        let fine = "长".repeat(MAX_CRITERION_NAME_CHARS);
        let many: Vec<String> = (0..=MAX_CRITERIA).map(|i| format!("c{i}")).collect();
        let enough: Vec<(&str, u32)> = many[..MAX_CRITERIA]
            .iter()
            .map(|n| (n.as_str(), 1))
            .collect();
        let too_many: Vec<(&str, u32)> = many.iter().map(|n| (n.as_str(), 1)).collect();
        type Case<'a> = (Vec<(&'a str, u32)>, Option<&'a str>);
        let cases: Vec<Case> = vec![
            (vec![], Some("至少设置一项")),
            (too_many, Some("最多 20 项，现有 21 项")),
            (enough, None),
            (
                vec![("技术方案", 40), ("  ", 30)],
                Some("第 2 项评分指标缺少名称"),
            ),
            (vec![(long.as_str(), 1)], Some("名称过长")),
            (vec![(fine.as_str(), 1)], None),
            (vec![("技术方案", 0)], Some("1 到 1000")),
            (vec![("技术方案", MAX_WEIGHT + 1)], Some("实为 1001")),
            (vec![("技术方案", MAX_WEIGHT)], None),
            (
                vec![("技术方案", 1), ("技术方案", 2)],
                Some("“技术方案”重复"),
            ),
            (vec![("技术方案", 1), (" 技术方案", 2)], Some("重复")),
            (vec![("Team", 1), ("team", 2)], Some("“team”重复")),
            (vec![("ＡＢ", 1), ("ab", 2)], Some("重复")),
            (vec![("技术 方案", 1), ("技术  方案", 2)], Some("重复")),
            (vec![("技术方案", 1), ("技术方案二", 2)], None),
        ];
        for (items, expected) in cases {
            let shown = format!("{items:?}");
            match (build(items), expected) {
                (Ok(_), None) => {}
                (Err(reason), Some(part)) => assert!(reason.contains(part), "{shown}: {reason}"),
                (got, want) => panic!("{shown}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn criterion_weights_parse_from_text() {
        assert_eq!(
            Criterion::parse(" 技术方案 ", " 40 ").unwrap(),
            Criterion {
                name: "技术方案".to_owned(),
                weight: 40
            }
        );
        assert_eq!(Criterion::parse("a", "４０").unwrap().weight, 40);
        // Zero parses; the list check refuses it with the range.
        assert_eq!(Criterion::parse("a", "0").unwrap().weight, 0);
        for text in ["", "abc", "-5", "+5", "4.5", "40%", "99999999999"] {
            let reason = reason(Criterion::parse("技术方案", text).unwrap_err());
            assert!(
                reason.contains("技术方案") && reason.contains("整数"),
                "{text:?}: {reason}"
            );
        }
    }

    // ---- Sheets ----

    #[test]
    fn sheets_accept_criteria_in_any_order() {
        let c = standard();
        let sheet = ScoreSheet::parse(
            &c,
            7,
            3,
            &[
                ("经费合理性", "70"),
                ("技术方案", "80"),
                (" 团队能力 ", "90.5"),
            ],
            "  方案可行  ",
        )
        .unwrap();
        assert_eq!(sheet.expert(), 7);
        assert_eq!(sheet.bid(), 3);
        assert_eq!(sheet.scores(), [score("80"), score("90.5"), score("70")]);
        assert_eq!(sheet.comment(), "方案可行");
    }

    #[test]
    fn sheet_totals_are_weighted_and_normalised() {
        // 0.4 × 80 + 0.3 × 90 + 0.3 × 70 = 32 + 27 + 21
        let c = standard();
        assert!((sheet(&c, 1, 1, &["80", "90", "70"]).total(&c) - 80.0).abs() < 1e-9);
        // Weights 2 and 1 need not sum to 100: (2 × 90 + 60) / 3
        let c = criteria(&[("a", 2), ("b", 1)]);
        assert!((sheet(&c, 1, 1, &["90", "60"]).total(&c) - 80.0).abs() < 1e-9);
        // Decimals: (2 × 85.5 + 70.2) / 3 = 80.4
        assert!((sheet(&c, 1, 1, &["85.5", "70.2"]).total(&c) - 80.4).abs() < 1e-9);
        // Extremes stay within 0..=100.
        assert_eq!(sheet(&c, 1, 1, &["0", "0"]).total(&c), 0.0);
        assert_eq!(sheet(&c, 1, 1, &["100", "100"]).total(&c), 100.0);
    }

    #[test]
    fn sheets_refuse_incomplete_or_foreign_scores() {
        let c = standard();
        let s = score("80");
        type Case<'a> = (Vec<(&'a str, Score)>, &'a str, &'a str);
        let cases: Vec<Case> = vec![
            (
                vec![("技术方案", s), ("团队能力", s)],
                "意见",
                "尚未评分：经费合理性",
            ),
            (vec![], "意见", "尚未评分：技术方案、团队能力、经费合理性"),
            (
                vec![
                    ("技术方案", s),
                    ("团队能力", s),
                    ("经费合理性", s),
                    ("创新性", s),
                ],
                "意见",
                "没有名为“创新性”的评分指标",
            ),
            (
                vec![
                    ("技术方案", s),
                    ("技术方案 ", s),
                    ("团队能力", s),
                    ("经费合理性", s),
                ],
                "意见",
                "“技术方案”评了两次",
            ),
            (
                vec![("技术方案", s), ("团队能力", s), ("经费合理性", s)],
                "  ",
                "请填写评审意见",
            ),
        ];
        for (scores, comment, expected) in cases {
            let shown = format!("{scores:?} {comment:?}");
            let reason = reason(ScoreSheet::new(&c, 1, 1, &scores, comment).unwrap_err());
            assert!(reason.contains(expected), "{shown}: {reason}");
        }
    }

    #[test]
    fn sheet_comments_have_a_limit() {
        let c = single();
        let at_limit = "好".repeat(MAX_COMMENT_CHARS);
        assert!(ScoreSheet::new(&c, 1, 1, &[("综合", score("1"))], &at_limit).is_ok());
        let over = "好".repeat(MAX_COMMENT_CHARS + 1);
        let error = ScoreSheet::new(&c, 1, 1, &[("综合", score("1"))], &over).unwrap_err();
        assert!(matches!(
            error,
            CoreError::Invalid {
                field: "comment",
                ..
            }
        ));
        assert!(reason(error).contains("2001 字，最多 2000 字"));
    }

    #[test]
    fn sheet_scores_that_do_not_parse_name_their_criterion() {
        let c = standard();
        let error = ScoreSheet::parse(
            &c,
            1,
            1,
            &[
                ("技术方案", "80"),
                ("团队能力", "120"),
                ("经费合理性", "70"),
            ],
            "意见",
        )
        .unwrap_err();
        assert!(matches!(
            error,
            CoreError::Invalid {
                field: "scores",
                ..
            }
        ));
        let reason = reason(error);
        assert!(
            reason.contains("“团队能力”") && reason.contains("“120”超出范围"),
            "{reason}"
        );
    }

    // ---- Conflicts, panel and blindness ----

    fn panel() -> Vec<Expert> {
        vec![
            Expert {
                id: 1,
                org: Some(100),
            },
            Expert {
                id: 2,
                org: Some(200),
            },
            Expert { id: 3, org: None },
        ]
    }

    fn bids() -> Vec<BidParties> {
        vec![
            // Lead 100 with consortium member 300: expert 1 conflicts.
            BidParties {
                bid: 10,
                orgs: vec![100, 300],
            },
            // Lead 400 with member 200: expert 2 conflicts.
            BidParties {
                bid: 20,
                orgs: vec![400, 200],
            },
            BidParties {
                bid: 30,
                orgs: vec![500],
            },
        ]
    }

    #[test]
    fn conflicts_cover_lead_and_consortium() {
        assert!(conflicts(Some(1), &[1]));
        assert!(conflicts(Some(2), &[1, 2, 3]));
        assert!(!conflicts(Some(4), &[1, 2, 3]));
        assert!(!conflicts(None, &[1, 2, 3]));
        assert!(!conflicts(Some(1), &[]));
        assert!(!conflicts(None, &[]));
    }

    #[test]
    fn only_unconflicted_panel_experts_score_once() {
        let (panel, bids) = (panel(), bids());
        let submitted = [(3, 10)];
        let check = |expert, bid: usize| check_may_score(expert, &panel, &bids[bid], &submitted);

        let error = check(9, 2).unwrap_err();
        assert!(matches!(error, CoreError::Forbidden(_)));
        assert!(reason(error).contains("不是本榜单的评审专家"));

        let error = check(1, 0).unwrap_err();
        assert!(matches!(error, CoreError::Forbidden(_)));
        assert!(reason(error).contains("回避"));
        let error = check(2, 1).unwrap_err();
        assert!(matches!(error, CoreError::Forbidden(_)));

        let error = check(3, 0).unwrap_err();
        assert!(matches!(error, CoreError::Conflict(_)));
        assert!(reason(error).contains("不能修改"));

        assert!(check(1, 1).is_ok());
        assert!(check(1, 2).is_ok());
        assert!(check(2, 0).is_ok());
        assert!(check(3, 1).is_ok());
        assert!(check(3, 2).is_ok());
    }

    #[test]
    fn missing_sheets_skip_conflicts_and_submissions() {
        let (panel, bids) = (panel(), bids());
        assert_eq!(
            missing_sheets(&panel, &bids, &[]),
            [
                (1, 20),
                (1, 30),
                (2, 10),
                (2, 30),
                (3, 10),
                (3, 20),
                (3, 30)
            ]
        );
        let some = [(3, 30), (1, 20), (2, 10), (9, 10), (1, 10)];
        assert_eq!(
            missing_sheets(&panel, &bids, &some),
            [(1, 30), (2, 30), (3, 10), (3, 20)]
        );
        let all = [
            (1, 20),
            (1, 30),
            (2, 10),
            (2, 30),
            (3, 10),
            (3, 20),
            (3, 30),
        ];
        assert!(missing_sheets(&panel, &bids, &all).is_empty());
        // Order of inputs and an expert listed twice change nothing.
        let mut twice = panel.clone();
        twice.extend(panel.iter().rev().copied());
        let reversed: Vec<BidParties> = bids.iter().rev().cloned().collect();
        assert_eq!(
            missing_sheets(&twice, &reversed, &some),
            missing_sheets(&panel, &bids, &some)
        );
        assert!(missing_sheets(&[], &bids, &[]).is_empty());
        assert!(missing_sheets(&panel, &[], &[]).is_empty());
    }

    #[test]
    fn bids_that_nobody_may_score_are_named() {
        let panel = panel();
        let mut bids = bids();
        assert!(unscorable_bids(&panel, &bids, &[], &[]).is_empty());
        // Experts 1 and 2 conflict and expert 3 is independent: still scorable.
        bids.push(BidParties {
            bid: 40,
            orgs: vec![100, 200],
        });
        assert!(unscorable_bids(&panel, &bids, &[], &[]).is_empty());
        let affiliated = [
            Expert {
                id: 1,
                org: Some(100),
            },
            Expert {
                id: 2,
                org: Some(200),
            },
        ];
        assert_eq!(unscorable_bids(&affiliated, &bids, &[], &[]), [40]);
        assert!(missing_sheets(&affiliated, &bids[3..], &[]).is_empty());
        assert_eq!(unscorable_bids(&[], &bids, &[], &[]), [10, 20, 30, 40]);
    }

    #[test]
    fn a_bid_whose_every_sheet_was_voided_is_unscorable() {
        let panel = [Expert { id: 1, org: None }, Expert { id: 2, org: None }];
        let bids = [BidParties {
            bid: 10,
            orgs: vec![100],
        }];
        let both = [(1, 10), (2, 10)];
        // Both sheets in and counting: ranked.
        assert!(unscorable_bids(&panel, &bids, &both, &both).is_empty());
        // One voided, one counts: ranked on the other.
        assert!(unscorable_bids(&panel, &bids, &both, &[(2, 10)]).is_empty());
        // One voided, the other still owed: it will be ranked once that is in.
        assert!(unscorable_bids(&panel, &bids, &[(1, 10)], &[]).is_empty());
        // Every sheet voided and none owed: nothing would rank it.
        assert!(missing_sheets(&panel, &bids, &both).is_empty());
        assert_eq!(unscorable_bids(&panel, &bids, &both, &[]), [10]);
    }

    #[test]
    fn experts_see_others_only_after_their_own_sheet() {
        let (panel, bids) = (panel(), bids());
        let bid = &bids[2];
        let see = |viewer, submitted: &[(ExpertId, BidId)]| {
            may_see_others(viewer, bid, &panel, submitted)
        };
        assert!(see(Viewer::Bureau, &[]));
        assert!(!see(Viewer::Expert(1), &[]));
        assert!(!see(Viewer::Expert(1), &[(2, 30), (3, 30)]));
        assert!(!see(Viewer::Expert(1), &[(1, 10), (1, 20)]));
        assert!(see(Viewer::Expert(1), &[(1, 30)]));
        // Not on the panel (any more): nothing, whatever is on record.
        assert!(!see(Viewer::Expert(9), &[(9, 30)]));
        // A conflicted expert never sees the bid's sheets.
        let conflicted = &bids[0];
        assert!(!may_see_others(
            Viewer::Expert(1),
            conflicted,
            &panel,
            &[(1, 10)]
        ));
        assert!(may_see_others(
            Viewer::Expert(2),
            conflicted,
            &panel,
            &[(2, 10)]
        ));
        assert!(may_see_others(Viewer::Bureau, conflicted, &panel, &[]));
    }

    // ---- Aggregation ----

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn no_sheets_rank_nothing() {
        assert!(aggregate(&single(), &[], true).is_empty());
    }

    #[test]
    fn bids_rank_by_weighted_mean() {
        let c = standard();
        let sheets = vec![
            sheet(&c, 1, 10, &["80", "90", "70"]), // 80
            sheet(&c, 2, 10, &["90", "90", "90"]), // 90
            sheet(&c, 1, 20, &["95", "95", "95"]), // 95
            sheet(&c, 2, 20, &["85", "85", "85"]), // 85
            sheet(&c, 1, 30, &["60", "60", "60"]),
        ];
        let ranking = aggregate(&c, &sheets, false);
        let order: Vec<(BidId, u32)> = ranking.iter().map(|r| (r.bid, r.rank)).collect();
        assert_eq!(order, [(20, 1), (10, 2), (30, 3)]);
        let top = &ranking[0];
        assert!(close(top.mean, 90.0));
        assert_eq!((top.sheets, top.counted), (2, 2));
        assert!(close(top.min, 85.0) && close(top.max, 95.0) && close(top.spread, 10.0));
        assert!(close(top.median, 90.0) && close(top.std_dev, 5.0));
        assert!(top.dropped_experts.is_empty() && top.outlier_experts.is_empty());
        let single_sheet = &ranking[2];
        assert!(close(single_sheet.spread, 0.0) && close(single_sheet.std_dev, 0.0));
    }

    #[test]
    fn equal_means_share_a_rank_and_the_next_is_skipped() {
        let mut sheets = Vec::new();
        sheets.extend(totals(1, &[(1, "90")]));
        // 80 from two sheets and from three: more sheets first.
        sheets.extend(totals(2, &[(1, "80"), (2, "80")]));
        sheets.extend(totals(3, &[(1, "70"), (2, "90"), (3, "80")]));
        // 80 from two sheets again: the lower bid id first.
        sheets.extend(totals(4, &[(1, "75"), (2, "85")]));
        sheets.extend(totals(5, &[(1, "60")]));
        let ranking = aggregate(&single(), &sheets, false);
        let order: Vec<(BidId, u32)> = ranking.iter().map(|r| (r.bid, r.rank)).collect();
        assert_eq!(order, [(1, 1), (3, 2), (2, 2), (4, 2), (5, 5)]);
    }

    #[test]
    fn means_compare_exactly() {
        // Thirds: 256/3 from one sheet and from two sheets of 255/3 and 257/3.
        // Summing floats would leave the two means a rounding error apart.
        let c = criteria(&[("a", 1), ("b", 1), ("c", 1)]);
        let sheets = vec![
            sheet(&c, 1, 1, &["85", "85", "86"]),
            sheet(&c, 1, 2, &["85", "85", "85"]),
            sheet(&c, 2, 2, &["86", "86", "85"]),
            sheet(&c, 1, 3, &["85.1", "85.2", "85.7"]),
            sheet(&c, 2, 3, &["85.5", "85.5", "85"]),
        ];
        let ranking = aggregate(&c, &sheets, false);
        let order: Vec<(BidId, u32)> = ranking.iter().map(|r| (r.bid, r.rank)).collect();
        // Bid 3: (256 + 256) / 6 = 256/3 too.
        assert_eq!(order, [(2, 1), (3, 1), (1, 1)]);
        assert_eq!(ranking[0].mean, ranking[2].mean);
        assert_eq!(ranking[1].mean, ranking[2].mean);
    }

    #[test]
    fn extremes_are_dropped_from_three_sheets_on() {
        let three = totals(1, &[(1, "60"), (2, "80"), (3, "95")]);
        let r = &aggregate(&single(), &three, true)[0];
        assert!(close(r.mean, 80.0), "the median remains");
        assert_eq!((r.sheets, r.counted), (3, 1));
        assert_eq!(r.dropped_experts, [1, 3]);
        // Statistics still describe every total.
        assert!(close(r.min, 60.0) && close(r.max, 95.0) && close(r.spread, 35.0));
        assert!(close(r.median, 80.0));

        let r = &aggregate(&single(), &three, false)[0];
        assert!(close(r.mean, 235.0 / 3.0));
        assert_eq!(r.counted, 3);
        assert!(r.dropped_experts.is_empty());

        let two = totals(1, &[(1, "60"), (2, "80")]);
        let r = &aggregate(&single(), &two, true)[0];
        assert!(close(r.mean, 70.0));
        assert_eq!((r.sheets, r.counted), (2, 2));
        assert!(r.dropped_experts.is_empty());

        let one = totals(1, &[(1, "60")]);
        let r = &aggregate(&single(), &one, true)[0];
        assert!(close(r.mean, 60.0) && r.counted == 1);

        let five = totals(1, &[(5, "70"), (4, "99"), (3, "80"), (2, "10"), (1, "90")]);
        let r = &aggregate(&single(), &five, true)[0];
        assert!(close(r.mean, 80.0));
        assert_eq!((r.sheets, r.counted), (5, 3));
        assert_eq!(r.dropped_experts, [2, 4]);
    }

    #[test]
    fn dropping_changes_the_order() {
        // Bid 1 has one generous expert; without them bid 2 leads.
        let mut sheets = totals(1, &[(1, "100"), (2, "70"), (3, "72")]);
        sheets.extend(totals(2, &[(1, "78"), (2, "80"), (3, "79")]));
        let plain: Vec<BidId> = aggregate(&single(), &sheets, false)
            .iter()
            .map(|r| r.bid)
            .collect();
        let dropped: Vec<BidId> = aggregate(&single(), &sheets, true)
            .iter()
            .map(|r| r.bid)
            .collect();
        assert_eq!(plain, [1, 2]);
        assert_eq!(dropped, [2, 1]);
    }

    #[test]
    fn equal_extremes_drop_the_same_experts_every_time() {
        let sheets = totals(1, &[(3, "80"), (1, "80"), (2, "80"), (4, "80")]);
        let r = &aggregate(&single(), &sheets, true)[0];
        assert_eq!(r.dropped_experts, [1, 4]);
        assert!(close(r.mean, 80.0) && r.counted == 2);
    }

    #[test]
    fn statistics_of_the_totals() {
        let r = &aggregate(
            &single(),
            &totals(1, &[(1, "70"), (2, "80"), (3, "90")]),
            true,
        )[0];
        assert!(close(r.std_dev, (200.0f64 / 3.0).sqrt()), "{}", r.std_dev);
        let r = &aggregate(&single(), &totals(1, &[(1, "70.5"), (2, "80")]), false)[0];
        assert!(close(r.median, 75.25) && close(r.spread, 9.5) && close(r.std_dev, 4.75));
    }

    #[test]
    fn outliers_lie_more_than_twenty_points_from_the_median() {
        // Median 81 (between 80 and 82): 50 is 31 away, 60 is 21 away.
        let r = &aggregate(
            &single(),
            &totals(
                1,
                &[
                    (1, "50"),
                    (2, "80"),
                    (3, "82"),
                    (4, "85"),
                    (5, "60"),
                    (6, "100"),
                ],
            ),
            true,
        )[0];
        assert!(close(r.median, 81.0));
        assert_eq!(r.outlier_experts, [1, 5]);
        // Exactly twenty points away is not an outlier; a tenth more is.
        let r = &aggregate(
            &single(),
            &totals(1, &[(1, "60"), (2, "80"), (3, "100")]),
            false,
        )[0];
        assert!(r.outlier_experts.is_empty());
        let r = &aggregate(
            &single(),
            &totals(1, &[(1, "59.9"), (2, "80"), (3, "100.0")]),
            false,
        )[0];
        assert_eq!(r.outlier_experts, [1]);
        // Two experts: the median is their middle, so they are outliers together.
        let r = &aggregate(&single(), &totals(1, &[(7, "40"), (8, "90")]), false)[0];
        assert_eq!(r.outlier_experts, [7, 8]);
        // Outliers on weighted totals: 0.4 × 100 + 0.3 × 20 + 0.3 × 20 = 52 vs 80 and 82.
        let c = standard();
        let sheets = vec![
            sheet(&c, 1, 1, &["100", "20", "20"]),
            sheet(&c, 2, 1, &["80", "80", "80"]),
            sheet(&c, 3, 1, &["82", "82", "82"]),
        ];
        let r = &aggregate(&c, &sheets, false)[0];
        assert!(close(r.min, 52.0) && close(r.median, 80.0));
        assert_eq!(r.outlier_experts, [1]);
    }

    #[test]
    fn the_order_of_sheets_does_not_matter() {
        let mut sheets = totals(1, &[(1, "88"), (2, "70"), (3, "91.5")]);
        sheets.extend(totals(2, &[(1, "83"), (2, "83"), (3, "83")]));
        sheets.extend(totals(3, &[(1, "83"), (2, "83")]));
        sheets.extend(totals(4, &[(1, "99"), (3, "20"), (2, "83")]));
        for drop_extremes in [false, true] {
            let expected = aggregate(&single(), &sheets, drop_extremes);
            let mut rotated = sheets.clone();
            for _ in 0..sheets.len() {
                rotated.rotate_left(1);
                assert_eq!(aggregate(&single(), &rotated, drop_extremes), expected);
            }
            let reversed: Vec<ScoreSheet> = sheets.iter().rev().cloned().collect();
            assert_eq!(aggregate(&single(), &reversed, drop_extremes), expected);
        }
    }
}
