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

pub const NEED_COLUMNS: &[Column] = &[
    col("id", "需求编号", &["编号", "序号id", "外部编号"]),
    col(
        "title",
        "需求名称",
        &["需求标题", "名称", "标题", "项目名称"],
    ),
    col(
        "description",
        "需求描述",
        &["需求内容", "描述", "详细描述", "需求详情", "技术需求描述"],
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
            "预算金额(万元)",
            "拟投入资金(万元)",
        ],
    ),
    col(
        "deadline",
        "截止日期",
        &["截止时间", "需求截止日期", "有效期至"],
    ),
    col("coop_modes", "合作方式", &["合作模式", "期望合作方式"]),
    col(
        "min_trl",
        "最低技术成熟度",
        &["技术成熟度要求", "成熟度要求", "最低成熟度"],
    ),
    col(
        "region",
        "所在地区",
        &["地区", "区域", "所在地", "行政区划"],
    ),
    col("confidential", "是否保密", &["保密", "企业信息保密"]),
    col(
        "org_name",
        "企业名称",
        &["需求单位", "单位名称", "需求企业", "发布单位"],
    ),
    col(
        "org_uscc",
        "统一社会信用代码",
        &["信用代码", "社会信用代码", "uscc"],
    ),
    col("status", "状态", &[]),
];

pub const ACHIEVEMENT_COLUMNS: &[Column] = &[
    col("id", "成果编号", &["编号", "外部编号"]),
    col(
        "title",
        "成果名称",
        &["成果标题", "名称", "标题", "项目名称"],
    ),
    col(
        "abstract",
        "成果简介",
        &["成果摘要", "摘要", "简介", "成果描述", "summary"],
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
        &["所属单位", "单位名称", "成果单位", "持有单位"],
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
        &["团队负责人", "成果负责人", "联系人"],
    ),
    col("region", "所在地区", &["地区", "区域", "所在地"]),
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

/// Parts of an organisation's name that tell its kind, for rows that do not say.
pub const UNIVERSITY_NAME_PARTS: [&str; 3] = ["大学", "学院", "学校"];
pub const INSTITUTE_NAME_PARTS: [&str; 5] = ["研究院", "研究所", "科学院", "研究中心", "实验室"];
pub const BUREAU_NAME_ENDINGS: [&str; 2] = ["科技局", "委员会"];
pub const BUREAU_NAME_PARTS: [&str; 1] = ["人民政府"];

/// Normalises a header so that `预算（万元）`, `预算(万元)` and ` 预算 (万元) ` are one.
fn normalise(header: &str) -> String {
    header
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Finds the column a header names, by field name, export header or alias.
pub fn resolve<'a>(columns: &'a [Column], header: &str) -> Option<&'a Column> {
    let wanted = normalise(header);
    columns.iter().find(|c| {
        normalise(c.field) == wanted
            || normalise(c.header) == wanted
            || c.aliases.iter().any(|a| normalise(a) == wanted)
    })
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
