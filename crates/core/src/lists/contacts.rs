//! Contact cells as offices fill them: "王工 13800000001", "李经理：0355-5123456",
//! "张伟/13800000003/zhangwei@example.cn", split into person, phone and email.

/// Labels people write before a name or a number, which are not part of either.
const LABELS: [&str; 12] = [
    "联系人",
    "负责人",
    "联系电话",
    "电话",
    "手机号码",
    "手机号",
    "手机",
    "座机",
    "邮箱",
    "电子邮箱",
    "tel",
    "email",
];

/// Characters that separate the parts of a contact cell.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            ':' | '：' | '/' | '、' | ',' | '，' | ';' | '；' | '|' | '(' | ')' | '（' | '）'
        )
}

/// The most characters a person's name keeps; a longer remainder is not a name.
const MAX_PERSON_CHARS: usize = 40;
/// The fewest digits a run needs to be a telephone number (a landline without area code).
const MIN_PHONE_DIGITS: usize = 7;
/// A space inside a number groups its digits ("138 0000 0001") until a mobile
/// number's eleven are there; after that it separates two numbers.
const MOBILE_DIGITS: usize = 11;

/// What a contact cell holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactParts {
    pub person: Option<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
}

impl ContactParts {
    /// The phone numbers as one cell, in the order written.
    pub fn phone(&self) -> Option<String> {
        (!self.phones.is_empty()).then(|| self.phones.join("、"))
    }

    pub fn email(&self) -> Option<String> {
        (!self.emails.is_empty()).then(|| self.emails.join("、"))
    }
}

/// Splits a contact cell. Emails are words with an `@`; phones are runs of digits (with
/// `-`, `+` and spaces inside) of at least seven digits; what is left, without labels
/// and separators, is the person.
pub fn split_contact(cell: &str) -> ContactParts {
    let cell = half_width(cell);
    let cell = cell.as_str();
    let mut parts = ContactParts::default();
    let mut rest = String::new();
    for word in cell.split(|c: char| is_separator(c) && c != ' ' && c != '(' && c != ')') {
        if word.contains('@') {
            for piece in word.split_whitespace() {
                if is_email(piece) {
                    parts.emails.push(piece.to_owned());
                } else {
                    rest.push_str(&take_phones(piece, &mut parts.phones));
                    rest.push(' ');
                }
            }
            continue;
        }
        let remainder = take_phones(word, &mut parts.phones);
        rest.push_str(&remainder);
        rest.push(' ');
    }
    parts.person = person_of(&rest);
    parts
}

/// Full-width letters, digits and signs as their ASCII selves ("１３８" is 138, "＠" is
/// @), and the ideographic full stop inside an address as a dot.
fn half_width(cell: &str) -> String {
    let converted: String = cell
        .chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect();
    if converted.contains('@') {
        converted.replace('。', ".")
    } else {
        converted
    }
}

fn is_email(word: &str) -> bool {
    let Some((local, domain)) = word.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '@' | '%'))
}

/// Moves the telephone numbers out of `word` into `phones`, returning what is left.
fn take_phones(word: &str, phones: &mut Vec<String>) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut rest = String::new();
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        if c.is_ascii_digit()
            || (c == '+' && chars.get(index + 1).is_some_and(char::is_ascii_digit))
        {
            let start = index;
            let mut end = index;
            let mut digits = 0;
            while end < chars.len() {
                let d = chars[end];
                if d.is_ascii_digit() {
                    digits += 1;
                } else if !(matches!(d, '-' | '－' | '+') || (d == ' ' && digits < MOBILE_DIGITS))
                    || !chars.get(end + 1).is_some_and(char::is_ascii_digit)
                {
                    break;
                }
                end += 1;
            }
            let run: String = chars[start..end].iter().collect();
            if digits >= MIN_PHONE_DIGITS {
                phones.push(run.replace('－', "-").trim().to_owned());
            } else {
                rest.push_str(&run);
            }
            index = end;
        } else {
            rest.push(c);
            index += 1;
        }
    }
    rest
}

fn person_of(rest: &str) -> Option<String> {
    let mut text = rest.to_owned();
    let lower = text.to_lowercase();
    for label in LABELS {
        if lower.contains(label) {
            text = text.replace(label, " ");
        }
    }
    let words: Vec<&str> = text.split(is_separator).filter(|w| !w.is_empty()).collect();
    let person = words.join(" ");
    let chars = person.chars().count();
    (chars > 0 && chars <= MAX_PERSON_CHARS).then_some(person)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(cell: &str) -> (Option<String>, Option<String>, Option<String>) {
        let parts = split_contact(cell);
        (parts.person.clone(), parts.phone(), parts.email())
    }

    fn some(text: &str) -> Option<String> {
        Some(text.to_owned())
    }

    #[test]
    fn the_ways_offices_write_a_contact_split_into_person_phone_and_email() {
        assert_eq!(
            split("王工 13800000001"),
            (some("王工"), some("13800000001"), None)
        );
        assert_eq!(
            split("李经理：13800000002"),
            (some("李经理"), some("13800000002"), None)
        );
        assert_eq!(
            split("张伟/13800000003/zhangwei@example.cn"),
            (
                some("张伟"),
                some("13800000003"),
                some("zhangwei@example.cn")
            )
        );
        assert_eq!(
            split("赵工13800000004"),
            (some("赵工"), some("13800000004"), None)
        );
        assert_eq!(
            split("联系人：刘洋，电话：0355-5123456、13800000005"),
            (some("刘洋"), some("0355-5123456、13800000005"), None)
        );
        assert_eq!(split("13800000006"), (None, some("13800000006"), None));
        assert_eq!(split("周教授"), (some("周教授"), None, None));
        assert_eq!(
            split("+86 138 0000 0007"),
            (None, some("+86 138 0000 0007"), None)
        );
        assert_eq!(split(""), (None, None, None));
    }

    #[test]
    fn full_width_digits_and_signs_are_read_as_such() {
        assert_eq!(
            split("张三　１３８０００００００１ zhang＠example。cn"),
            (some("张三"), some("13800000001"), some("zhang@example.cn"))
        );
    }

    #[test]
    fn short_numbers_stay_with_the_name_and_broken_emails_are_not_emails() {
        assert_eq!(split("3号楼 王工"), (some("3号楼 王工"), None, None));
        assert_eq!(
            split("13800000001 13800000002"),
            (None, some("13800000001、13800000002"), None)
        );
        assert_eq!(split("wang@"), (some("wang@"), None, None));
    }
}
