//! Chinese tokenisation for the index: jieba words and character bigrams.
//!
//! Two analyzers are registered on every index. `jieba` segments text into words (in
//! search mode, long compounds also yield their dictionary sub-words, so 弹力面料 is
//! found by 面料). `bigram` cuts every run of CJK characters into overlapping pairs,
//! which still matches where segmentation disagrees between a need and an achievement.
//! Latin letters and digits form one lowercased token in both, so PVC and pvc agree.

use std::sync::LazyLock;

use jieba_rs::{Jieba, TokenizeMode};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The one jieba instance: loading the dictionary takes a noticeable fraction of a
/// second, so it happens once per process.
static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    let mut domain = std::io::BufReader::new(DOMAIN_DICTIONARY.as_bytes());
    // The dictionary is compiled in and covered by a test, so a failure here would be a
    // build defect; segmentation still works without it.
    if let Err(error) = jieba.load_dict(&mut domain) {
        tracing::warn!(%error, "domain dictionary not loaded");
    }
    jieba
});

/// Terms of the platform's industries that jieba's general dictionary splits badly.
const DOMAIN_DICTIONARY: &str = include_str!("domain_dict.txt");

/// Function words that carry no meaning for matching. Kept short on purpose: BM25's IDF
/// already discounts common words, this only removes those that are pure grammar.
const STOP_WORDS: &[&str] = &[
    "的",
    "了",
    "和",
    "与",
    "及",
    "或",
    "在",
    "是",
    "对",
    "为",
    "等",
    "中",
    "其",
    "并",
    "以",
    "于",
    "将",
    "从",
    "把",
    "被",
    "也",
    "而",
    "之",
    "及其",
    "一种",
    "一个",
    "这",
    "该",
    "本",
    "由",
    "上",
    "下",
    "就",
    "都",
    "所",
    "着",
    "通过",
    "进行",
    "利用",
    "采用",
    "我们",
    "我公司",
    "希望",
    "需要",
    "可以",
    "能够",
    "具有",
    "以及",
    "对于",
    "目前",
    "存在",
    "其中",
    "一些",
    "主要",
    "相关",
    "a",
    "an",
    "the",
    "of",
    "and",
    "or",
    "in",
    "on",
    "for",
    "to",
    "with",
];

/// The analyzers an index registers, by the name its schema uses.
pub const JIEBA_ANALYZER: &str = "jieba";
pub const BIGRAM_ANALYZER: &str = "bigram";
pub const UNIGRAM_ANALYZER: &str = "unigram";

/// How jieba segments text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentMode {
    /// One segmentation, the most likely one.
    Precise,
    /// The precise segmentation plus the dictionary words inside long tokens.
    Search,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// A token worth indexing: it has a letter, digit or ideograph and is not a stop word.
fn keep(word: &str) -> bool {
    word.chars().any(is_word_char) && !STOP_WORDS.contains(&word)
}

/// Segments text into lowercased words with byte offsets, as the index sees them.
pub fn segment(text: &str, mode: SegmentMode) -> Vec<Token> {
    let jieba_mode = match mode {
        SegmentMode::Precise => TokenizeMode::Default,
        SegmentMode::Search => TokenizeMode::Search,
    };
    let mut tokens = Vec::new();
    for t in JIEBA.tokenize(text, jieba_mode, true) {
        let word = t.word.trim();
        if !keep(word) {
            continue;
        }
        tokens.push(Token {
            offset_from: t.byte_start,
            offset_to: t.byte_end,
            position: 0,
            text: word.to_lowercase(),
            position_length: 1,
        });
    }
    // Search mode gives a compound's parts before the compound (共和国 before
    // 中华人民共和国), so offsets go backwards. tantivy's snippets assume they never do
    // and subtract them: in text order, a highlighted part can no longer start before
    // the fragment that holds it.
    tokens.sort_by_key(|t| (t.offset_from, t.offset_to));
    for (position, token) in tokens.iter_mut().enumerate() {
        token.position = position;
    }
    tokens
}

/// Cuts text into overlapping CJK character pairs and lowercased Latin/digit words.
pub fn bigrams(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i + 1).map_or(text.len(), |(b, _)| *b);
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if is_cjk(c) {
            let mut j = i;
            while j + 1 < chars.len() && is_cjk(chars[j + 1].1) {
                j += 1;
            }
            if i == j {
                push(&mut tokens, start, end_of(i), &text[start..end_of(i)]);
            }
            for (k, (from, _)) in chars.iter().enumerate().take(j).skip(i) {
                let to = end_of(k + 1);
                push(&mut tokens, *from, to, &text[*from..to]);
            }
            i = j + 1;
        } else if is_word_char(c) {
            let mut j = i;
            while j + 1 < chars.len() && is_word_char(chars[j + 1].1) && !is_cjk(chars[j + 1].1) {
                j += 1;
            }
            let to = end_of(j);
            push(&mut tokens, start, to, &text[start..to].to_lowercase());
            i = j + 1;
        } else {
            i += 1;
        }
    }
    tokens
}

/// Cuts text into single CJK characters: the last resort for words that share a
/// character but no pair (棉纤维 and 棉针织物 share only 棉).
pub fn unigrams(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    for (from, c) in text.char_indices().filter(|(_, c)| is_cjk(*c)) {
        push(
            &mut tokens,
            from,
            from + c.len_utf8(),
            &text[from..from + c.len_utf8()],
        );
    }
    tokens
}

fn push(tokens: &mut Vec<Token>, from: usize, to: usize, text: &str) {
    let position = tokens.len();
    tokens.push(Token {
        offset_from: from,
        offset_to: to,
        position,
        text: text.to_owned(),
        position_length: 1,
    });
}

/// A token stream over tokens computed up front.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    /// One past the current token; 0 before the first `advance`.
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next.saturating_sub(1)]
    }

    fn token_mut(&mut self) -> &mut Token {
        let i = self.next.saturating_sub(1);
        &mut self.tokens[i]
    }
}

/// One of the analyzers above as a tantivy tokenizer: they all cut the whole text up
/// front, so one adapter serves them all.
#[derive(Clone, Copy)]
pub struct Analyzer(fn(&str) -> Vec<Token>);

impl Analyzer {
    /// jieba words in the given mode.
    pub fn jieba(mode: SegmentMode) -> Analyzer {
        match mode {
            SegmentMode::Precise => Analyzer(|text| segment(text, SegmentMode::Precise)),
            SegmentMode::Search => Analyzer(|text| segment(text, SegmentMode::Search)),
        }
    }

    pub fn bigram() -> Analyzer {
        Analyzer(bigrams)
    }

    pub fn unigram() -> Analyzer {
        Analyzer(unigrams)
    }
}

impl Tokenizer for Analyzer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream {
            tokens: (self.0)(text),
            next: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_come_in_text_order_even_when_search_mode_splits_compounds() {
        let text = "我们研究中华人民共和国的粉煤灰综合利用技术和纳米碳酸钙表面改性";
        for mode in [SegmentMode::Search, SegmentMode::Precise] {
            let tokens = segment(text, mode);
            assert!(
                tokens
                    .windows(2)
                    .all(|w| w[0].offset_from <= w[1].offset_from && w[0].position < w[1].position),
                "{mode:?}: {:?}",
                tokens
                    .iter()
                    .map(|t| (t.offset_from, &t.text))
                    .collect::<Vec<_>>()
            );
        }
        assert!(texts(&segment(text, SegmentMode::Search)).contains(&"共和国"));
    }

    fn texts(tokens: &[Token]) -> Vec<&str> {
        tokens.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn search_mode_adds_sub_words_of_compounds() {
        let precise = segment("粉煤灰综合利用技术", SegmentMode::Precise);
        let search = segment("粉煤灰综合利用技术", SegmentMode::Search);
        assert!(texts(&precise).contains(&"粉煤灰"));
        assert!(texts(&search).contains(&"粉煤灰"));
        assert!(search.len() >= precise.len());
    }

    #[test]
    fn domain_terms_stay_whole() {
        let tokens = segment("自洁式透水砖与煤矸石", SegmentMode::Precise);
        assert!(texts(&tokens).contains(&"透水砖"), "{:?}", texts(&tokens));
        assert!(texts(&tokens).contains(&"煤矸石"), "{:?}", texts(&tokens));
    }

    #[test]
    fn offsets_are_bytes_into_the_original() {
        let text = "镁铝合金 压铸，PVC填料";
        for t in segment(text, SegmentMode::Search)
            .iter()
            .chain(bigrams(text).iter())
        {
            assert_eq!(text[t.offset_from..t.offset_to].to_lowercase(), t.text);
        }
    }

    #[test]
    fn punctuation_and_stop_words_are_dropped() {
        let tokens = segment("煤层气的抽采，与利用。", SegmentMode::Precise);
        assert!(
            !texts(&tokens)
                .iter()
                .any(|t| ["的", "，", "与", "。"].contains(t))
        );
    }

    #[test]
    fn bigrams_overlap_and_latin_words_are_whole() {
        assert_eq!(texts(&bigrams("煤层气")), vec!["煤层", "层气"]);
        assert_eq!(texts(&bigrams("钙 PVC3 膜")), vec!["钙", "pvc3", "膜"]);
        assert_eq!(
            texts(&bigrams("纳米CaCO3粉体")),
            vec!["纳米", "caco3", "粉体"]
        );
    }
}
