//! Whether a new posting repeats one its organisation already has: the same need sent
//! in two batches, or twice in one list, under a title that differs in a word or in
//! punctuation. Such a row is held for the bureau instead of published twice.

use std::collections::HashSet;

/// Titles this alike (Dice coefficient of their character pairs) name the same posting.
const SAME_TITLE: f64 = 0.8;
/// Texts this alike are the same posting whatever the titles say.
const SAME_TEXT: f64 = 0.9;
/// A text shorter than this says too little to decide anything by itself.
const MIN_TEXT_CHARS: usize = 30;
/// How much of a text is compared: enough to tell two postings apart, and a cost that
/// does not grow with a 20,000-character description.
const COMPARED_TEXT_CHARS: usize = 2_000;

/// A posting as compared: its title and text reduced to their character pairs.
#[derive(Debug, Clone)]
pub struct Fingerprint {
    title: String,
    /// The numbers in the title: "赤泥制备路基材料（1号）" and "（2号）" are two postings
    /// however alike the rest.
    title_digits: String,
    title_pairs: HashSet<(char, char)>,
    text_pairs: HashSet<(char, char)>,
    text_chars: usize,
}

/// Letters and digits only, in lower case: "煤矸石-制备陶粒（一期）" and "煤矸石制备陶粒一期" are one.
fn letters(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn pairs(chars: &[char]) -> HashSet<(char, char)> {
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

fn dice(a: &HashSet<(char, char)>, b: &HashSet<(char, char)>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.intersection(b).count();
    (2 * shared) as f64 / (a.len() + b.len()) as f64
}

impl Fingerprint {
    /// The title's letters and digits: two postings with the same key repeat each other.
    pub fn title_key(&self) -> &str {
        &self.title
    }

    pub fn of(title: &str, text: &str) -> Fingerprint {
        let title = letters(title);
        let mut text = letters(text);
        text.truncate(COMPARED_TEXT_CHARS);
        Fingerprint {
            title_digits: title.iter().filter(|c| c.is_ascii_digit()).collect(),
            title_pairs: pairs(&title),
            title: title.into_iter().collect(),
            text_pairs: pairs(&text),
            text_chars: text.len(),
        }
    }

    /// Whether `self` and `other` are the same posting written twice: the same title
    /// (letters and digits), titles nearly alike whose texts do not disagree, or texts
    /// nearly alike.
    pub fn repeats(&self, other: &Fingerprint) -> bool {
        if !self.title.is_empty() && self.title == other.title {
            return true;
        }
        if self.title_digits != other.title_digits {
            return false;
        }
        let texts_long = self.text_chars >= MIN_TEXT_CHARS && other.text_chars >= MIN_TEXT_CHARS;
        // Two sets this different in size cannot reach SAME_TEXT: the costly comparison
        // of the texts is skipped for them.
        let (small, large) = (
            self.text_pairs.len().min(other.text_pairs.len()),
            self.text_pairs.len().max(other.text_pairs.len()),
        );
        let sizes_allow = |likeness: f64| 2.0 * small as f64 >= likeness * (small + large) as f64;
        if texts_long
            && sizes_allow(SAME_TEXT)
            && dice(&self.text_pairs, &other.text_pairs) >= SAME_TEXT
        {
            return true;
        }
        if dice(&self.title_pairs, &other.title_pairs) < SAME_TITLE {
            return false;
        }
        !texts_long
            || (sizes_allow(SAME_TITLE) && dice(&self.text_pairs, &other.text_pairs) >= SAME_TITLE)
    }
}

#[cfg(test)]
mod tests {
    use super::Fingerprint;

    fn repeats(a: (&str, &str), b: (&str, &str)) -> bool {
        Fingerprint::of(a.0, a.1).repeats(&Fingerprint::of(b.0, b.1))
    }

    const TEXT: &str =
        "利用电厂粉煤灰与煤矸石生产自洁式透水砖，要求抗压强度达到C30，透水系数不低于1.0×10⁻²cm/s";

    #[test]
    fn the_same_posting_written_again_is_a_repeat() {
        assert!(repeats(("粉煤灰制备透水砖", ""), ("粉煤灰制备透水砖", "")));
        assert!(repeats(
            ("粉煤灰制备透水砖", TEXT),
            ("粉煤灰 制备透水砖（一期）", TEXT)
        ));
        assert!(repeats(
            ("粉煤灰制备透水砖技术", TEXT),
            ("粉煤灰制备透水砖工艺", TEXT)
        ));
        assert!(repeats(("透水砖", TEXT), ("建材新技术需求", TEXT)));
    }

    #[test]
    fn different_postings_are_not_repeats() {
        assert!(!repeats(("粉煤灰制备透水砖", ""), ("煤矸石烧结陶粒", "")));
        let other = "压铸件气孔率高，需要优化模具排气与真空压铸工艺，使气孔率降到百分之一以下";
        // Numbered on purpose: the same text for line 1 and line 2 is two postings.
        assert!(!repeats(
            ("透水砖（1号线）", TEXT),
            ("透水砖（2号线）", TEXT)
        ));
        assert!(!repeats(
            ("粉煤灰制备透水砖技术", TEXT),
            ("粉煤灰制备透水砖工艺", other)
        ));
        assert!(!repeats(("", ""), ("", "")));
    }
}
