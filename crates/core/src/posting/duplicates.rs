//! Whether a new posting repeats one its organisation already has: the same need sent
//! in two batches, or twice in one list, under a title that differs in a word or in
//! punctuation. Such a row is held for the bureau instead of published twice.

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
    title_pairs: Pairs,
    text_pairs: Pairs,
    /// The text's pairs as a sketch: most texts of one organisation are far apart, and
    /// their sketches say so without comparing the texts.
    text_sketch: Sketch,
    text_chars: usize,
}

/// How many of a text's pairs its sketch keeps.
const SKETCH_SIZE: usize = 64;
/// How far below a likeness the sketch's estimate may fall before two texts are taken
/// to be apart: four standard deviations of a 64-pair estimate, so that texts truly that
/// alike skip the full comparison less than once in 10,000 pairs.
const SKETCH_MARGIN: f64 = 0.25;

/// A bottom-k MinHash sketch of a set of pairs: the `SKETCH_SIZE` smallest of their
/// hashes, ascending. The share of the smallest hashes of two sets' union that both
/// sets hold estimates their Jaccard likeness.
#[derive(Debug, Clone, Default)]
struct Sketch(Vec<u64>);

/// A fixed, well-mixing hash of a packed pair (SplitMix64's finaliser): the sketch must
/// order pairs the same way in every process.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

impl Sketch {
    fn of(pairs: &Pairs) -> Sketch {
        let mut hashes: Vec<u64> = pairs.0.iter().map(|p| mix(*p)).collect();
        if hashes.len() > SKETCH_SIZE {
            hashes.select_nth_unstable(SKETCH_SIZE);
            hashes.truncate(SKETCH_SIZE);
        }
        hashes.sort_unstable();
        Sketch(hashes)
    }

    /// Whether two texts may be `dice`-alike; false only when the estimate is far
    /// below it. Sets small enough to be whole in their sketches are not estimated.
    fn may_reach(&self, other: &Sketch, dice: f64) -> bool {
        if self.0.len() < SKETCH_SIZE || other.0.len() < SKETCH_SIZE {
            return true;
        }
        let (mut a, mut b) = (self.0.iter().peekable(), other.0.iter().peekable());
        let (mut union, mut shared) = (0, 0);
        while union < SKETCH_SIZE {
            match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x == y => {
                    shared += 1;
                    a.next();
                    b.next();
                }
                (Some(x), Some(y)) if x < y => {
                    a.next();
                }
                (Some(_), Some(_)) => {
                    b.next();
                }
                _ => break,
            }
            union += 1;
        }
        let estimate = f64::from(shared) / f64::from(u32::try_from(union.max(1)).unwrap_or(1));
        let jaccard = dice / (2.0 - dice);
        estimate >= jaccard - SKETCH_MARGIN
    }
}

/// A text's distinct character pairs, each packed in one number, in ascending order:
/// two sets are compared by one merge, without hashing a pair.
#[derive(Debug, Clone, Default)]
struct Pairs(Vec<u64>);

impl Pairs {
    fn of(chars: &[char]) -> Pairs {
        let mut packed: Vec<u64> = chars
            .windows(2)
            .map(|w| (u64::from(w[0]) << 32) | u64::from(w[1]))
            .collect();
        packed.sort_unstable();
        packed.dedup();
        Pairs(packed)
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn shared_with(&self, other: &Pairs) -> usize {
        let (mut a, mut b) = (self.0.iter().peekable(), other.0.iter().peekable());
        let mut shared = 0;
        while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
            match x.cmp(y) {
                std::cmp::Ordering::Less => {
                    a.next();
                }
                std::cmp::Ordering::Greater => {
                    b.next();
                }
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    a.next();
                    b.next();
                }
            }
        }
        shared
    }
}

/// Letters and digits only, in lower case: "煤矸石-制备陶粒（一期）" and "煤矸石制备陶粒一期" are one.
fn letters(text: &str) -> Vec<char> {
    let mut kept = Vec::with_capacity(text.len() / 3);
    for c in text.chars() {
        // Chinese characters and ASCII first: the general Unicode tables are slow.
        if ('\u{4e00}'..='\u{9fff}').contains(&c) {
            kept.push(c);
            continue;
        }
        // Full-width letters and digits are the ASCII ones: "（１号）" is "（1号）".
        let c = match u32::from(c) {
            code @ 0xff01..=0xff5e => char::from_u32(code - 0xfee0).unwrap_or(c),
            _ => c,
        };
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                kept.push(c.to_ascii_lowercase());
            }
        } else if c.is_alphanumeric() {
            kept.extend(c.to_lowercase());
        }
    }
    kept
}

fn dice(a: &Pairs, b: &Pairs) -> f64 {
    if a.len() == 0 || b.len() == 0 {
        return 0.0;
    }
    let shared = a.shared_with(b);
    (2 * shared) as f64 / (a.len() + b.len()) as f64
}

/// A title's letters and digits: two postings with the same key repeat each other.
pub fn title_key_of(title: &str) -> String {
    letters(title).into_iter().collect()
}

impl Fingerprint {
    /// The title's key (see [`title_key_of`]).
    pub fn title_key(&self) -> &str {
        &self.title
    }

    pub fn of(title: &str, text: &str) -> Fingerprint {
        let title = letters(title);
        let mut text = letters(text);
        text.truncate(COMPARED_TEXT_CHARS);
        let text_pairs = Pairs::of(&text);
        Fingerprint {
            // Any numeral: "②号线" and "③号线", "Ⅰ期" and "Ⅱ期" are two postings too.
            title_digits: title.iter().filter(|c| c.is_numeric()).collect(),
            title_pairs: Pairs::of(&title),
            title: title.into_iter().collect(),
            text_sketch: Sketch::of(&text_pairs),
            text_pairs,
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
        let texts_may_reach = |likeness: f64| {
            2.0 * small as f64 >= likeness * (small + large) as f64
                && self.text_sketch.may_reach(&other.text_sketch, likeness)
        };
        if texts_long
            && texts_may_reach(SAME_TEXT)
            && dice(&self.text_pairs, &other.text_pairs) >= SAME_TEXT
        {
            return true;
        }
        if dice(&self.title_pairs, &other.title_pairs) < SAME_TITLE {
            return false;
        }
        !texts_long
            || (texts_may_reach(SAME_TITLE)
                && dice(&self.text_pairs, &other.text_pairs) >= SAME_TITLE)
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
        assert!(repeats(("透水砖（１号线）", ""), ("透水砖（1号线）", "")));
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
            ("透水砖（１号线）", TEXT),
            ("透水砖（２号线）", TEXT)
        ));
        assert!(!repeats(("透水砖②号线", TEXT), ("透水砖③号线", TEXT)));
        assert!(!repeats(("透水砖Ⅰ期", TEXT), ("透水砖Ⅱ期", TEXT)));
        assert!(!repeats(
            ("粉煤灰制备透水砖技术", TEXT),
            ("粉煤灰制备透水砖工艺", other)
        ));
        assert!(!repeats(("", ""), ("", "")));
    }
}

#[cfg(test)]
mod sketch_tests {
    use super::{Pairs, SAME_TEXT, SAME_TITLE, Sketch, dice};

    /// A deterministic text of `len` Chinese characters from a small alphabet, as
    /// descriptions of one trade share their words.
    fn text(seed: &mut u64, len: usize) -> Vec<char> {
        (0..len)
            .map(|_| {
                *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                char::from_u32(0x4e00 + u32::try_from((*seed >> 33) % 400).unwrap()).unwrap()
            })
            .collect()
    }

    #[test]
    fn the_sketch_never_keeps_texts_that_are_alike_from_being_compared() {
        let mut seed = 7;
        let (mut alike, mut skipped) = (0, 0);
        for round in 0..400 {
            let base = text(&mut seed, 300 + round);
            let mut variant = base.clone();
            // Up to one character in ten rewritten: from identical to clearly apart.
            for _ in 0..(round % 40) {
                let at = usize::try_from(seed % variant.len() as u64).unwrap();
                variant[at] = text(&mut seed, 1)[0];
            }
            let (a, b) = (Pairs::of(&base), Pairs::of(&variant));
            let (sa, sb) = (Sketch::of(&a), Sketch::of(&b));
            for likeness in [SAME_TEXT, SAME_TITLE] {
                if dice(&a, &b) >= likeness {
                    alike += 1;
                    assert!(sa.may_reach(&sb, likeness), "round {round}");
                }
            }
            let other = Pairs::of(&text(&mut seed, 300));
            if !sa.may_reach(&Sketch::of(&other), SAME_TITLE) {
                skipped += 1;
            }
        }
        assert!(alike > 200, "{alike}");
        assert!(
            skipped > 390,
            "unrelated texts are told apart by their sketches: {skipped}"
        );
    }
}
