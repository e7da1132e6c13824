//! The columns of the two lists: English field names (JSONL and the API), the Chinese
//! header written on export, and the other headers people use in their spreadsheets;
//! and the words people write in the cells (yes and no, dates, separators between
//! items, kinds of organisation), which the parsers accept and exports write.

use crate::posting::OrgKind;

/// One column of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The English field name, used by JSONL and the API.
    pub field: &'static str,
    /// The Chinese header written on export.
    pub header: &'static str,
    /// Other headers accepted on import.
    pub aliases: &'static [&'static str],
}

const fn col(
    field: &'static str,
    header: &'static str,
    aliases: &'static [&'static str],
) -> Column {
    Column {
        field,
        header,
        aliases,
    }
}

const CONTACT_PERSON: Column = col(
    "contact_person",
    "联系人",
    &["联系人姓名", "对接人", "联络人"],
);
/// Needs have no team lead: whoever is in charge is the one to contact.
const NEED_CONTACT_PERSON: Column = col(
    "contact_person",
    "联系人",
    &["联系人姓名", "对接人", "联络人", "负责人", "企业联系人"],
);
const CONTACT_PHONE: Column = col(
    "contact_phone",
    "联系电话",
    &[
        "电话",
        "手机",
        "手机号",
        "手机号码",
        "联系手机",
        "办公电话",
        "固定电话",
        "座机",
        "电话号码",
        "phone",
    ],
);
const CONTACT_EMAIL: Column = col(
    "contact_email",
    "电子邮箱",
    &["邮箱", "联系邮箱", "电子邮件", "email", "e-mail", "邮件"],
);

pub const NEED_COLUMNS: &[Column] = &[
    col("id", "需求编号", &["编号", "序号id", "外部编号"]),
    col(
        "title",
        "需求名称",
        &[
            "需求标题",
            "名称",
            "标题",
            "项目名称",
            "技术需求名称",
            "需求项目名称",
            "技术难题名称",
            "难题名称",
            "需求题目",
        ],
    ),
    col(
        "description",
        "需求描述",
        &[
            "需求内容",
            "描述",
            "详细描述",
            "需求详情",
            "技术需求描述",
            "技术需求内容",
            "需求简介",
            "需求概述",
            "需求说明",
            "需求详细描述",
            "具体需求",
            "需求具体内容",
            "技术难题描述",
            "难题描述",
            "存在的技术难题",
            "主要技术需求",
        ],
    ),
    col(
        "industry",
        "所属领域",
        &[
            "所属行业",
            "行业领域",
            "产业领域",
            "领域",
            "行业",
            "所属产业",
            "技术领域",
            "行业类别",
            "产业类别",
            "所属行业领域",
        ],
    ),
    col("keywords", "关键词", &["关键字"]),
    col(
        "budget",
        "预算(万元)",
        &[
            "预算",
            "资金预算",
            "预算金额",
            "拟投入资金",
            "拟投入经费",
            "投入资金",
            "计划投入",
            "意向投入",
            "拟投入金额",
            "经费预算",
            "预算经费",
        ],
    ),
    col(
        "deadline",
        "截止日期",
        &[
            "截止时间",
            "需求截止日期",
            "有效期至",
            "完成时限",
            "期望完成时间",
            "需求时限",
        ],
    ),
    col(
        "coop_modes",
        "合作方式",
        &["合作模式", "期望合作方式", "拟合作方式"],
    ),
    col(
        "min_trl",
        "最低技术成熟度",
        &["技术成熟度要求", "成熟度要求", "最低成熟度"],
    ),
    col(
        "region",
        "所在地区",
        &[
            "地区",
            "区域",
            "所在地",
            "行政区划",
            "县区",
            "所属县区",
            "所在县",
        ],
    ),
    col("confidential", "是否保密", &["保密", "企业信息保密"]),
    col(
        "org_name",
        "企业名称",
        &[
            "需求单位",
            "单位名称",
            "需求企业",
            "发布单位",
            "企业",
            "单位",
            "需求单位名称",
        ],
    ),
    col(
        "org_uscc",
        "统一社会信用代码",
        &["信用代码", "社会信用代码", "uscc"],
    ),
    NEED_CONTACT_PERSON,
    CONTACT_PHONE,
    CONTACT_EMAIL,
    col("status", "状态", &[]),
];

pub const ACHIEVEMENT_COLUMNS: &[Column] = &[
    col("id", "成果编号", &["编号", "外部编号"]),
    col(
        "title",
        "成果名称",
        &[
            "成果标题",
            "名称",
            "标题",
            "项目名称",
            "技术名称",
            "成果项目名称",
        ],
    ),
    col(
        "abstract",
        "成果简介",
        &[
            "成果摘要",
            "摘要",
            "简介",
            "成果描述",
            "summary",
            "成果内容",
            "成果介绍",
            "成果概述",
            "项目简介",
            "技术简介",
            "成果简述",
            "主要内容",
        ],
    ),
    col("keywords", "关键词", &["关键字"]),
    col(
        "field",
        "所属领域",
        &[
            "技术领域",
            "应用领域",
            "领域",
            "行业领域",
            "所属行业",
            "industry",
        ],
    ),
    col("trl", "技术成熟度", &["成熟度", "成熟度等级"]),
    col(
        "patents",
        "专利号",
        &["专利", "专利申请号", "相关专利", "专利号(申请号)"],
    ),
    col(
        "transfer_modes",
        "转化方式",
        &["转让方式", "合作方式", "转化模式"],
    ),
    col(
        "price",
        "意向价格(万元)",
        &[
            "意向价格",
            "价格(万元)",
            "转让价格",
            "转让价格(万元)",
            "价格",
        ],
    ),
    col(
        "org_name",
        "完成单位",
        &[
            "所属单位",
            "单位名称",
            "成果单位",
            "持有单位",
            "成果完成单位",
            "单位",
            "第一完成单位",
        ],
    ),
    col(
        "org_uscc",
        "统一社会信用代码",
        &["信用代码", "社会信用代码", "uscc"],
    ),
    col("org_kind", "单位类型", &["机构类型"]),
    col(
        "team_lead",
        "负责人",
        &["团队负责人", "成果负责人", "项目负责人"],
    ),
    col("region", "所在地区", &["地区", "区域", "所在地"]),
    CONTACT_PERSON,
    CONTACT_PHONE,
    CONTACT_EMAIL,
    col("status", "状态", &[]),
];

/// How several items are joined in one cell (modes, JSON arrays shown as text).
pub const ITEM_SEPARATOR: &str = "、";
/// How several patent numbers are joined in one cell.
pub const PATENT_SEPARATOR: &str = "，";
/// How keywords are joined in a cell, and in storage.
pub const KEYWORD_SEPARATOR: &str = "；";
/// What people put between keywords: Chinese and Latin commas and semicolons, and the
/// enumeration comma (white space separates them too).
pub const KEYWORD_SEPARATORS: [char; 5] = ['，', ',', '；', ';', '、'];

/// Yes and no as exports write them.
pub const FLAG_YES: &str = "是";
pub const FLAG_NO: &str = "否";
/// Every spelling of yes and of no a yes/no cell accepts (compared in lower case).
pub const FLAG_YES_WORDS: [&str; 7] = ["是", "保密", "y", "yes", "true", "1", "√"];
pub const FLAG_NO_WORDS: [&str; 8] = ["否", "公开", "不保密", "n", "no", "false", "0", ""];

/// What people write between year, month and day (2026/12/31, 2026.12.31,
/// 2026年12月31日), and the day's suffix.
pub const DATE_SEPARATORS: [char; 4] = ['/', '.', '年', '月'];
pub const DATE_DAY_SUFFIX: char = '日';

/// The words that name a kind of organisation, besides its code and label.
pub const ORG_KIND_WORDS: &[(&str, OrgKind)] = &[
    ("企业", OrgKind::Enterprise),
    ("公司", OrgKind::Enterprise),
    ("company", OrgKind::Enterprise),
    ("高校", OrgKind::University),
    ("大学", OrgKind::University),
    ("高等院校", OrgKind::University),
    ("科研院所", OrgKind::Institute),
    ("研究院所", OrgKind::Institute),
    ("研究所", OrgKind::Institute),
    ("研究院", OrgKind::Institute),
    ("主管部门", OrgKind::Bureau),
    ("政府部门", OrgKind::Bureau),
    ("科技局", OrgKind::Bureau),
    ("服务机构", OrgKind::Agency),
    ("中介机构", OrgKind::Agency),
    ("技术转移机构", OrgKind::Agency),
];

/// Headers of the column that numbers a list's rows.
pub const SEQUENCE_HEADERS: [&str; 4] = ["序号", "序列号", "no", "no."];

/// Words a totals row under a table starts with.
pub const TOTAL_WORDS: [&str; 4] = ["合计", "总计", "小计", "共计"];
/// Words that open a notes or signature row under a table wherever they stand.
pub const NOTE_WORDS: [&str; 8] = [
    "填报说明",
    "填表说明",
    "填报人",
    "审核人",
    "制表人",
    "制表",
    "单位负责人",
    "单位(盖章)",
];
/// Short words that open a notes row only when a colon, a number or a list mark
/// follows ("注：…", "说明1.…"), since "注塑…" or "说明书…" may start a title.
pub const NOTE_MARKS: [&str; 4] = ["注", "说明", "备注", "附注"];
pub const NOTE_MARK_FOLLOWERS: [char; 6] = [':', '：', '.', '、', '．', '１'];
/// The word in a combined contact header that makes its person the one in charge.
pub const LEAD_WORD: &str = "负责人";

/// Parts of an organisation's name that tell its kind, for rows that do not say.
pub const UNIVERSITY_NAME_PARTS: [&str; 3] = ["大学", "学院", "学校"];
pub const INSTITUTE_NAME_PARTS: [&str; 5] = ["研究院", "研究所", "科学院", "研究中心", "实验室"];
pub const BUREAU_NAME_ENDINGS: [&str; 2] = ["科技局", "委员会"];
pub const BUREAU_NAME_PARTS: [&str; 1] = ["人民政府"];

/// The unit a money column's header names, which its bare numbers are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountUnit {
    Yuan,
    Wan,
    Yi,
}

impl AmountUnit {
    /// The word appended to a bare number so that the money parsers read it in this unit.
    pub fn suffix(self) -> &'static str {
        match self {
            AmountUnit::Yuan => "元",
            AmountUnit::Wan => "万元",
            AmountUnit::Yi => "亿元",
        }
    }

    fn named_in(annotation: &str) -> Option<AmountUnit> {
        if annotation.contains("亿") {
            Some(AmountUnit::Yi)
        } else if annotation.contains('万') {
            Some(AmountUnit::Wan)
        } else if annotation.contains('元') {
            Some(AmountUnit::Yuan)
        } else {
            None
        }
    }
}

/// The unit an annotation names: one that is a unit ("万元"), or the word after "单位"
/// ("不超过100万，单位：元" is in 元, whatever else it mentions).
fn unit_of_annotation(annotation: &str) -> Option<AmountUnit> {
    if let Some((_, after)) = annotation.split_once(UNIT_WORD) {
        return AmountUnit::named_in(after);
    }
    // Otherwise only a note naming one unit says which: "（人民币元）", "（元/年）";
    // "（不超过100万元）" names 万 and 元 and says nothing of the unit.
    let named = ['亿', '万', '元']
        .iter()
        .filter(|c| annotation.contains(**c))
        .count();
    match named {
        1 => AmountUnit::named_in(annotation),
        2 if annotation.contains("万元") && !annotation.contains("亿") => {
            let without = annotation.replace("万元", "");
            (!without.contains('元')).then_some(AmountUnit::Wan)
        }
        2 if annotation.contains("亿元") && !annotation.contains('万') => {
            let without = annotation.replace("亿元", "");
            (!without.contains('元')).then_some(AmountUnit::Yi)
        }
        _ => None,
    }
}

/// Where a header's cells go: a column's field, or the combined contact cell
/// ([`CONTACT_FIELD`]); and for money, the unit the header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub field: &'static str,
    pub unit: Option<AmountUnit>,
}

/// The pseudo-field of a combined contact header ("联系人及电话", "负责人/电话",
/// "联系方式"): its cells are split into person, phone and email.
pub const CONTACT_FIELD: &str = "contact";

/// The word that introduces a unit inside an annotation.
const UNIT_WORD: &str = "单位";

/// Words in a header that name a person to contact, and ones that name a way to reach them.
const PERSON_WORDS: [&str; 4] = ["联系人", "负责人", "对接人", "姓名"];
const REACH_WORDS: [&str; 6] = ["电话", "手机", "联系方式", "邮箱", "方式", "email"];
/// Ways to reach a person that, noted beside a person's column, make it a contact column.
const NOTED_REACH_WORDS: [&str; 5] = ["电话", "手机", "联系方式", "邮箱", "email"];

/// A header as compared: no white space (line breaks inside cells included), brackets
/// and colons of one width, no required-field stars, ASCII in lower case.
pub fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '＊' | '\u{feff}'))
        .map(|c| match c {
            '（' | '【' | '[' | '〔' => '(',
            '）' | '】' | ']' | '〕' => ')',
            '：' => ':',
            c => c.to_ascii_lowercase(),
        })
        .collect::<String>()
        .trim_end_matches(':')
        .to_owned()
}

/// Splits a normalised header into its words and its bracketed annotations:
/// "预算金额(万元)" is "预算金额" annotated "万元".
fn strip_annotations(normalised: &str) -> (String, Vec<String>) {
    let mut core = String::new();
    let mut annotations = Vec::new();
    let mut depth = 0_usize;
    let mut current = String::new();
    for c in normalised.chars() {
        match c {
            '(' => {
                depth += 1;
                if depth > 1 {
                    current.push(c);
                }
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    annotations.push(std::mem::take(&mut current));
                } else {
                    current.push(c);
                }
            }
            c if depth > 0 => current.push(c),
            c => core.push(c),
        }
    }
    if !current.is_empty() {
        annotations.push(current);
    }
    (core, annotations)
}

/// Every name a column answers to, normalised, with its annotations stripped.
fn names(column: &Column) -> impl Iterator<Item = String> + '_ {
    std::iter::once(column.field)
        .chain(std::iter::once(column.header))
        .chain(column.aliases.iter().copied())
        .map(|name| strip_annotations(&normalise(name)).0)
}

/// Whether a header (its words, annotations stripped) names both a person and a way
/// to reach them, or only a way that may hold both ("联系方式").
fn is_combined_contact(core: &str) -> bool {
    let person = PERSON_WORDS.iter().any(|w| core.contains(w));
    let reach = REACH_WORDS.iter().any(|w| core.contains(w));
    (person && reach) || core == "联系方式" || core == "联系信息"
}

/// The most columns one upload may place by hand, and the longest header it may name.
const MAX_MAPPINGS: usize = 50;
const MAX_MAPPED_HEADER_CHARS: usize = 100;
/// Fields a hand mapping may not fill.
const UNMAPPABLE_FIELDS: [&str; 5] = ["id", "status", "confidential", "org_uscc", "org_kind"];

/// Words in a header that are about secrecy: a list with such a column the importer
/// cannot read is refused rather than imported as public.
pub const SECRECY_WORDS: [&str; 8] = [
    "保密",
    "公开",
    "公開",
    "涉密",
    "秘密",
    "public",
    "secret",
    "confidential",
];

/// Whether a header (normalised) is about secrecy.
pub fn is_about_secrecy(normalised: &str) -> bool {
    SECRECY_WORDS.iter().any(|w| normalised.contains(w))
}

/// Headers a bureau or an organisation mapped by hand (normalised header → field).
pub type ColumnMapping = std::collections::BTreeMap<String, &'static str>;

/// Finds where a header's cells go: a hand mapping first, then the field name, the
/// export header or an alias, compared with annotations such as "（万元）" or
/// "（技术难题描述）" stripped; then combined contact headers.
pub fn place(columns: &[Column], mapping: &ColumnMapping, header: &str) -> Option<Placed> {
    let normalised = normalise(header);
    let (mut core, annotations) = strip_annotations(&normalised);
    // A header written wholly in brackets ("【企业名称】") is its own words.
    if core.is_empty() {
        core = annotations.concat();
    }
    let unit = annotations
        .iter()
        .find_map(|a| unit_of_annotation(a))
        .or_else(|| AmountUnit::named_in(&core).filter(|_| core.ends_with('元')));
    // "负责人（联系电话）" holds a phone whatever its words say: it is a contact cell,
    // never a public field such as the team lead. Only a person's column is read so:
    // "合作方式（…等方式）" stays the cooperation modes.
    let names_person = PERSON_WORDS.iter().any(|w| core.contains(w));
    let reach_noted = names_person
        && annotations
            .iter()
            .any(|a| NOTED_REACH_WORDS.iter().any(|w| a.contains(w)));
    let about_secrecy = is_about_secrecy(&normalised);
    let field = if reach_noted {
        Some(CONTACT_FIELD)
    } else if let Some(column) = columns.iter().find(|c| names(c).any(|n| n == core)) {
        Some(column.field)
    } else if is_combined_contact(&core) {
        Some(CONTACT_FIELD)
    } else if let Some(field) = mapping.get(&normalised).filter(|_| !about_secrecy) {
        // A hand mapping only places what the importer cannot: it never redirects a
        // column the importer knows, nor reads secrecy from a column it does not.
        Some(*field)
    } else {
        // Units written without brackets: "预算金额万元".
        let trimmed = ["万元", "元"]
            .iter()
            .find_map(|u| core.strip_suffix(u))
            .filter(|t| !t.is_empty())?;
        columns
            .iter()
            .find(|c| names(c).any(|n| n == trimmed))
            .map(|c| c.field)
    }?;
    Some(Placed { field, unit })
}

/// Whether a column may be placed on `field` by hand.
pub fn mappable(field: &str) -> bool {
    !UNMAPPABLE_FIELDS.contains(&field) && field != CONTACT_FIELD
}

/// Reads hand mappings written as `header=field`, the field by its English name or
/// any header the importer knows ("难题简述=需求描述", "难题简述=description").
///
/// # Errors
/// `Invalid` naming the pair whose field is not a column of this list.
pub fn mapping_from_pairs(
    columns: &[Column],
    pairs: &[String],
) -> Result<ColumnMapping, crate::CoreError> {
    let refuse = |message: String| Err(crate::CoreError::invalid("map", message));
    if pairs.len() > MAX_MAPPINGS {
        return Err(crate::CoreError::invalid(
            "map",
            crate::t!("list-mapping-too-many", max = MAX_MAPPINGS),
        ));
    }
    let mut mapping = ColumnMapping::new();
    for pair in pairs {
        let Some((header, field)) = pair.rsplit_once('=') else {
            return refuse(crate::t!("list-mapping-unknown", pair = pair.as_str()));
        };
        let Some(placed) = place(columns, &ColumnMapping::new(), field) else {
            return refuse(crate::t!("list-mapping-unknown", pair = pair.as_str()));
        };
        let header = header.trim();
        if header.is_empty() || header.chars().count() > MAX_MAPPED_HEADER_CHARS {
            return refuse(crate::t!("list-mapping-unknown", pair = pair.as_str()));
        }
        // Secrecy, identity and status are never read from a column the importer did
        // not recognise: "是否公开" mapped onto 是否保密 would publish what was secret.
        if !mappable(placed.field) {
            return refuse(crate::t!(
                "list-mapping-refused-field",
                pair = pair.as_str()
            ));
        }
        if is_about_secrecy(&normalise(header)) {
            return refuse(crate::t!(
                "list-mapping-refused-field",
                pair = pair.as_str()
            ));
        }
        // A column the importer knows keeps its meaning.
        if place(columns, &ColumnMapping::new(), header).is_some() {
            return refuse(crate::t!("list-mapping-known-header", pair = pair.as_str()));
        }
        mapping.insert(normalise(header), placed.field);
    }
    Ok(mapping)
}

/// Finds the column a header names, by field name, export header or alias.
pub fn resolve<'a>(columns: &'a [Column], header: &str) -> Option<&'a Column> {
    let placed = place(columns, &ColumnMapping::new(), header)?;
    columns.iter().find(|c| c.field == placed.field)
}

/// The fields a header the importer could not place might be, best first: those one
/// of whose names shares two characters in a row with it.
pub fn candidates(columns: &[Column], header: &str) -> Vec<&'static str> {
    let core = strip_annotations(&normalise(header)).0;
    // The row's number in this list: numbering starts again in every batch, so it is
    // never a posting's identifier and is not offered as one.
    if SEQUENCE_HEADERS.contains(&core.as_str()) {
        return Vec::new();
    }
    let core: Vec<char> = core.chars().collect();
    let pairs: Vec<[char; 2]> = core.windows(2).map(|w| [w[0], w[1]]).collect();
    // Two characters in a row shared make a candidate; more characters shared in
    // all rank it higher ("难题简述" is nearer 难题描述 than 难题名称).
    let mut scored: Vec<((usize, usize), usize, &'static str)> = Vec::new();
    for (order, column) in columns.iter().enumerate() {
        let best = names(column)
            .map(|name| {
                let chars: Vec<char> = name.chars().collect();
                let shared_pairs = chars
                    .windows(2)
                    .filter(|w| pairs.contains(&[w[0], w[1]]))
                    .count();
                let shared_chars = chars.iter().filter(|c| core.contains(c)).count();
                (shared_pairs, shared_chars)
            })
            .max()
            .unwrap_or((0, 0));
        if best.0 > 0 && column.field != "status" {
            scored.push((best, order, column.field));
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.iter().take(3).map(|s| s.2).collect()
}

/// Whether a file names its columns by English field name (as JSONL does) rather than
/// by Chinese header: reports then name columns the same way the file does.
pub fn uses_field_names(columns: &[Column], headers: &[&str]) -> bool {
    headers.iter().any(|h| {
        let h = normalise(h);
        columns.iter().any(|c| normalise(c.field) == h)
    })
}

/// How a report names a column that has no cell in the row.
pub fn display_name(columns: &[Column], field: &str, field_names: bool) -> String {
    match columns.iter().find(|c| c.field == field) {
        Some(column) if !field_names => column.header.to_owned(),
        _ => field.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_resolve_in_both_languages_and_widths() {
        assert_eq!(
            resolve(NEED_COLUMNS, "预算（万元）").map(|c| c.field),
            Some("budget")
        );
        assert_eq!(
            resolve(NEED_COLUMNS, " 需求名称 ").map(|c| c.field),
            Some("title")
        );
        assert_eq!(
            resolve(NEED_COLUMNS, "Title").map(|c| c.field),
            Some("title")
        );
        assert_eq!(
            resolve(ACHIEVEMENT_COLUMNS, "abstract").map(|c| c.field),
            Some("abstract")
        );
        assert_eq!(
            resolve(ACHIEVEMENT_COLUMNS, "完成单位").map(|c| c.field),
            Some("org_name")
        );
        assert!(resolve(NEED_COLUMNS, "备注").is_none());
    }

    fn placed(columns: &[Column], header: &str) -> Option<(&'static str, Option<AmountUnit>)> {
        place(columns, &ColumnMapping::new(), header).map(|p| (p.field, p.unit))
    }

    #[test]
    fn headers_match_the_way_offices_write_them() {
        assert_eq!(
            placed(NEED_COLUMNS, "需求内容（技术难题描述）"),
            Some(("description", None))
        );
        assert_eq!(
            placed(NEED_COLUMNS, "预算金额\n（万元）"),
            Some(("budget", Some(AmountUnit::Wan)))
        );
        assert_eq!(
            placed(NEED_COLUMNS, "预算(元)"),
            Some(("budget", Some(AmountUnit::Yuan)))
        );
        assert_eq!(placed(NEED_COLUMNS, "*需求名称"), Some(("title", None)));
        assert_eq!(
            placed(NEED_COLUMNS, "【企业名称】"),
            Some(("org_name", None))
        );
        assert_eq!(
            placed(ACHIEVEMENT_COLUMNS, "成果简介(200字以内)"),
            Some(("abstract", None))
        );
        for combined in ["联系人及电话", "负责人/电话", "联系方式", "联系人电话"]
        {
            assert_eq!(
                placed(NEED_COLUMNS, combined),
                Some((CONTACT_FIELD, None)),
                "{combined}"
            );
        }
        assert_eq!(
            placed(NEED_COLUMNS, "联系电话"),
            Some(("contact_phone", None))
        );
        assert_eq!(placed(NEED_COLUMNS, "备注"), None);
    }

    #[test]
    fn a_header_not_placed_is_offered_the_fields_it_resembles() {
        assert_eq!(candidates(NEED_COLUMNS, "难题简述")[0], "description");
        assert!(candidates(NEED_COLUMNS, "序号").is_empty());
        assert!(candidates(NEED_COLUMNS, "备注").is_empty());
    }

    #[test]
    fn hand_mappings_come_first_and_name_fields_either_way() {
        let mapping = mapping_from_pairs(NEED_COLUMNS, &["难题简述=需求描述".to_owned()]).unwrap();
        assert_eq!(placed_with(&mapping, "难题简述"), Some("description"));
        let mapping = mapping_from_pairs(NEED_COLUMNS, &["备注=description".to_owned()]).unwrap();
        assert_eq!(placed_with(&mapping, "备注"), Some("description"));
        assert!(mapping_from_pairs(NEED_COLUMNS, &["备注=不存在".to_owned()]).is_err());
        assert!(mapping_from_pairs(NEED_COLUMNS, &["没有等号".to_owned()]).is_err());
        // Secrecy is never read from a column the importer did not recognise, and a
        // column it knows keeps its meaning.
        assert!(mapping_from_pairs(NEED_COLUMNS, &["是否公开=是否保密".to_owned()]).is_err());
        assert!(mapping_from_pairs(NEED_COLUMNS, &["需求名称=关键词".to_owned()]).is_err());
        let many: Vec<String> = (0..51).map(|n| format!("列{n}=关键词")).collect();
        assert!(mapping_from_pairs(NEED_COLUMNS, &many).is_err());
    }

    fn placed_with(mapping: &ColumnMapping, header: &str) -> Option<&'static str> {
        place(NEED_COLUMNS, mapping, header).map(|p| p.field)
    }

    #[test]
    fn no_header_is_ambiguous() {
        for columns in [NEED_COLUMNS, ACHIEVEMENT_COLUMNS] {
            for a in columns {
                let names = std::iter::once(a.field)
                    .chain(std::iter::once(a.header))
                    .chain(a.aliases.iter().copied());
                for name in names {
                    let hits = columns
                        .iter()
                        .filter(|c| resolve(std::slice::from_ref(*c), name).is_some())
                        .count();
                    assert_eq!(hits, 1, "{name} names {hits} columns");
                }
            }
        }
    }
}
