# Messages of techmatch-core: labels of domain states and the reasons given when
# input is refused. Keys are grouped by the module that uses them.

## Shared

# Joins a list of choices in a sentence: 技术开发、技术转让
list-separator = 、

## 对接 (contact.rs)

contact-status-requested = 待回应
contact-status-declined = 已婉拒
contact-status-accepted = 已接受
contact-status-negotiating = 洽谈中
contact-status-signed = 已签约
contact-status-closed = 未成交关闭

contact-action-accept = 接受
contact-action-decline = 婉拒
contact-action-negotiate = 进入洽谈
contact-action-sign = 登记签约
contact-action-close = 关闭（未成交）
contact-action-unknown = 未知操作「{ $code }」，可选：accept、decline、negotiate、sign、close

contact-refused = 「{ $status }」状态下不能{ $action }：{ $reason }
contact-refused-not-receiver = 只有被邀请的一方可以接受或婉拒
contact-refused-not-accepted = 对方尚未接受对接意向
contact-refused-finished = 对接已结束
contact-refused-other = 当前状态不能进行此操作

contact-side-need = 需求方
contact-side-achievement = 成果方

contract-type-development = 技术开发
contract-type-transfer = 技术转让
contract-type-licence = 技术许可
contract-type-consulting = 技术咨询
contract-type-service = 技术服务
contract-type-unknown = 未知合同类型「{ $text }」，可选：{ $choices }

deal-amount-not-positive = 合同金额必须大于 0
deal-technology-amount-too-large = 技术交易额不能超过合同金额（技术交易额 = 合同金额 − 设备、材料等非技术性费用）
deal-share-out-of-range = 科研人员收益比例应为 0–100 的整数

## What was not found: 未找到{ what }

what-section = 栏目
what-contact = 对接
what-user = 用户
what-token = 令牌
what-organisation = 单位

## Postings (posting/mod.rs)

posting-kind-need = 技术需求
posting-kind-achievement = 科技成果

## Organisations (posting/organisation.rs)

org-kind-enterprise = 企业
org-kind-university = 高校
org-kind-institute = 科研院所
org-kind-bureau = 主管部门
org-kind-agency = 服务机构
org-kind-unknown = 未知单位类型「{ $text }」，可选：{ $choices }

## Lifecycle of postings (posting/status.rs)

status-draft = 草稿
status-pending-review = 待审核
status-published = 已发布
status-closed = 已关闭
status-withdrawn = 已撤回
status-rejected = 已驳回
status-unknown = 未知状态「{ $code }」
# A status with its code, as errors name the state: 草稿（draft）
status-with-code = { $label }（{ $code }）

reject-reason-incomplete = 信息不完整
reject-reason-inaccurate = 内容不实或无法核实
reject-reason-duplicate = 重复发布
reject-reason-out-of-scope = 不属于技术需求或科技成果
reject-reason-prohibited = 含违规或敏感内容
reject-reason-identity-mismatch = 发布主体信息不符
reject-reason-other = 其他
reject-reason-unknown = 未知驳回理由「{ $code }」，可选：{ $choices }
reject-note-required = 驳回理由为「其他」时必须填写说明

posting-action-submit = 提交审核
posting-action-recall = 撤回修改
posting-action-approve = 审核通过
posting-action-reject = 驳回
posting-action-revise = 修改
posting-action-resubmit = 修改后重新提交
posting-action-close = 关闭
posting-action-withdraw = 撤回
posting-action-unknown = 未知操作「{ $code }」，可选：submit、recall、approve、reject、close、withdraw
posting-refused = 「{ $status }」状态下不能「{ $action }」

## Accounts (accounts/mod.rs, accounts/password.rs, accounts/role.rs)

email-invalid = 邮箱地址格式不正确
password-too-short = 密码至少 { $min } 位
password-too-long = 密码最多 { $max } 位

role-enterprise = 企业用户
role-researcher = 科研人员
role-moderator = 科技局审核员
role-admin = 科技局管理员
role-expert = 评审专家
role-broker = 技术经理人
role-unknown = 未知角色「{ $text }」，可选：{ $choices }

## Amounts, budgets and prices (domain/money.rs)

amount-negative = 金额不能为负数
amount-empty = 金额不能为空，应为以万元计的金额，如 50、50.5、1,000、50万元、500000元、0.5亿
amount-negative-text = “{ $text }”是负数，金额不能为负数
amount-malformed = “{ $text }”不是有效的金额，应为以万元计的金额，如 50、50.5、1,000、50万元、500000元、0.5亿
amount-yuan-fraction = “{ $text }”以元为单位时不能有小数：金额精确到元
amount-too-many-decimals-wan = “{ $text }”小数位太多：按万元计最多 { $places } 位小数（精确到元）
amount-too-many-decimals-yi = “{ $text }”小数位太多：按亿元计最多 { $places } 位小数（精确到元）
amount-too-large = “{ $text }”太大，超出了可以记录的范围

budget-reversed = 预算下限 { $low } 万元大于上限 { $high } 万元
budget-empty = 预算不能为空；预算应为以万元计的金额或范围，如 100、50-100、50至100万元、100以内、不超过100、50以上、≥50、不限
budget-malformed = “{ $text }”不是有效的预算；预算应为以万元计的金额或范围，如 100、50-100、50至100万元、100以内、不超过100、50以上、≥50、不限

# $reason is one of the amount-… messages above.
asking-price-invalid = { $reason }；价格待商定时填写“面议”

## Technology readiness levels (domain/trl.rs)

trl-out-of-range = 技术就绪度应为 1 到 9 级，如 7、TRL 7、7级、第七级，或阶段名：实验室、小试、中试、产业化，实为 { $level }
trl-malformed = “{ $text }”不是技术就绪度：应为 1 到 9 级，如 7、TRL 7、7级、第七级，或阶段名：实验室、小试、中试、产业化
trl-empty = 技术就绪度不能为空：应为 1 到 9 级，如 7、TRL 7、7级、第七级，或阶段名：实验室、小试、中试、产业化
# A level with its stage: 7级（中试）
trl-describe = { $level }级（{ $stage }）

## Patent application numbers (domain/patent.rs)

patent-empty = 专利申请号不能为空
patent-bad-character = 含有“{ $character }”，除最后的校验位可为 X 外只能是数字；专利申请号应为 12 位数字加 1 位校验位（如 200710308494.X），或 2003 年 10 月以前的 8 位数字加 1 位校验位（如 93100001.7）
patent-missing-check = 缺少最后一位校验位；专利申请号应为 12 位数字加 1 位校验位（如 200710308494.X），或 2003 年 10 月以前的 8 位数字加 1 位校验位（如 93100001.7）
patent-wrong-length = 校验位前有 { $count } 位数字；专利申请号应为 12 位数字加 1 位校验位（如 200710308494.X），或 2003 年 10 月以前的 8 位数字加 1 位校验位（如 93100001.7）
patent-dot-without-check = 小数点后缺少校验位；专利申请号应为 12 位数字加 1 位校验位（如 200710308494.X），或 2003 年 10 月以前的 8 位数字加 1 位校验位（如 93100001.7）
patent-misplaced-dot = 小数点只能在最后一位校验位之前；专利申请号应为 12 位数字加 1 位校验位（如 200710308494.X），或 2003 年 10 月以前的 8 位数字加 1 位校验位（如 93100001.7）
patent-bad-type = 年份后的类型位“{ $digit }”不对，应为 1（发明）、2（实用新型）、3（外观设计）、8（PCT发明）或 9（PCT实用新型）
patent-bad-check = 校验位应为 { $expected }，实为 { $actual }
patent-year-too-early = 12 位申请号自 2003 年起使用，年份 { $year } 不对；更早的申请号为 8 位数字加校验位
patent-old-year-out-of-range = 8 位申请号的年份应在 85 到 03 之间（1985 至 2003 年），实为 { $year }
# One item of a list of numbers; $reason is one of the patent-… messages above.
patent-list-item = 第 { $position } 项“{ $text }”：{ $reason }

## Regions (domain/region.rs)

region-empty = 地区不能为空
region-code-length = 行政区划代码应为 6 位数字，实为 { $count } 位
region-code-not-province = 行政区划代码“{ $code }”的前两位 { $prefix } 不是省级代码

## Industries (domain/industry.rs)

industry-catalogue-empty = 产业目录不能为空
industry-catalogue-incomplete = 产业目录第 { $position } 项缺少代码或名称
industry-catalogue-blank-alias = 产业“{ $name }”有空白的别名
industry-name-clash = “{ $key }”同时指向产业“{ $first }”和“{ $second }”，名称、别名和代码不能重复
industry-catalogue-json = 产业目录应为 JSON 数组，每项包含 code、name 和 aliases；第 { $line } 行第 { $column } 列附近有误
industry-empty = 产业不能为空，可选：{ $choices }
industry-unknown = 未知的产业“{ $text }”，可选：{ $choices }

## Cooperation and transfer modes (domain/modes.rs)

coop-mode-empty = 合作方式不能为空，可选：{ $choices }
coop-mode-unknown = 未知的合作方式“{ $text }”，可选：{ $choices }
transfer-mode-empty = 转化方式不能为空，可选：{ $choices }
transfer-mode-unknown = 未知的转化方式“{ $text }”，可选：{ $choices }

## Unified social credit codes (domain/uscc.rs)

uscc-empty = 统一社会信用代码不能为空
uscc-length = 统一社会信用代码应为 18 位，实为 { $count } 位
uscc-bad-character = 第 { $position } 位“{ $character }”不是允许的字符：只能是数字和大写字母，且不使用 I、O、S、V、Z
uscc-org-check-wrong = 组织机构代码校验码（第 17 位）应为 { $expected }，实为 { $actual }
uscc-check-wrong = 校验码（第 18 位）应为 { $expected }，实为 { $actual }
# Both check characters wrong: $org_check is uscc-org-check-wrong, $check is uscc-check-wrong.
uscc-both-checks-wrong = { $org_check }；{ $check }

## Reading list files (lists/read.rs)

list-extension-unsupported = 不支持扩展名为 .{ $extension } 的文件，只支持 Excel（.xlsx、.xls、.xlsb）、WPS（.et）、ODS（.ods）表格和 .csv、.jsonl（或 .ndjson）文件
list-extension-missing = 文件没有扩展名，无法判断格式；只支持 Excel（.xlsx、.xls、.xlsb）、WPS（.et）、ODS（.ods）表格和 .csv、.jsonl（或 .ndjson）文件
list-file-not-found = 文件不存在
list-file-permission-denied = 没有读取这个文件的权限
list-file-is-directory = 这是一个文件夹，不是文件
list-file-unreadable = 无法读取文件
list-file-too-many-rows = 文件超过 { $max } 行，请拆分成几个较小的文件再上传
list-file-empty = 文件里没有任何内容
# A column without a header: by number in CSV (第 3 列), by letter in XLSX (第 C 列).
list-column = 第 { $column } 列
list-cell-without-header = { $column }有内容，但这一列没有表头
list-csv-malformed = CSV 内容有格式错误，无法读取
list-csv-too-many-cells = 该行有 { $cells } 列，表头只有 { $headers } 列，请检查内容里是否有没加引号的分隔符
list-csv-is-zip = 这是一个 Excel（XLSX）或压缩文件，不是 CSV；如果是 Excel 文件，请把扩展名改为 .xlsx
list-csv-unknown-encoding = 无法识别文件的文字编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后再上传
list-csv-binary = 文件包含二进制内容，不是文本格式的 CSV
list-sheet-password = 表格文件设置了密码，请取消密码后再上传
list-sheet-empty-file = 表格文件是空的
list-sheet-no-workbook = 压缩包里没有表格工作簿，文件可能已损坏，或不是 Excel、WPS 或 ODS 表格
list-sheet-plain-text = 文件内容是纯文本（可能是 CSV），请把扩展名改为 .csv，或在 Excel、WPS 中另存为 .xlsx
list-sheet-html = 文件其实是网页（HTML），不是表格（有些系统导出的“.xls”就是这样）；请用 Excel 或 WPS 打开后另存为 .xlsx
list-sheet-corrupt = 表格文件已损坏，或不是 Excel、WPS 或 ODS 表格
list-sheet-xls-corrupt = 这是旧版 Excel（.xls）文件，但内容已损坏，无法读取；请在 Excel 或 WPS 中打开后另存为 .xlsx
list-sheet-et-unreadable = 无法读取这个 WPS 表格（.et）文件：它不是以 Excel 兼容格式保存的；请在 WPS 中“另存为” .xlsx 后再上传
list-sheet-too-many-cells = 表格展开后超过 { $max } 个单元格，已拒绝；请删去多余的重复单元格，或拆分为多个文件上传
list-sheet-too-large = 表格文件解压后超过 { $max } MB（可能是压缩炸弹），已拒绝；请拆分为多个文件上传
list-sheet-sheet-corrupt = 工作表“{ $sheet }”的内容已损坏，无法读取
list-sheet-no-sheet = 工作簿里没有工作表
list-sheet-hidden = 隐藏的工作表
list-sheet-not-worksheet = 不是工作表（图表等）
list-sheet-blank = 空白工作表
list-sheet-no-header = 没有找到表头
list-no-header = 没有找到表头：每张工作表的前 { $rows } 行里都没有“{ $title }”这样的列名；请确认表头一行写有名称列（如 需求名称、成果名称、项目名称）
list-column-named = { $column }“{ $header }”
list-field-twice = 有两列都是“{ $field }”：{ $first }和{ $second }；请删去或改名其中一列
list-mapping-too-many = 一次最多手动指定 { $max } 列
list-mapping-refused-field = 列对应关系“{ $pair }”不能接受：保密、编号、状态和单位代码只能由清单里写明的列给出
list-mapping-known-header = 列对应关系“{ $pair }”不能接受：这一列已经能被识别，不能改指其他内容
list-mapping-unknown = 无法识别列对应关系“{ $pair }”：请写成“表头=字段”，字段用清单的列名（如 需求描述）或英文字段名（如 description）
layout-header-rows = 表头在第 { $rows } 行
layout-title-rows = 第 { $rows } 行是标题、填报单位等，未导入
layout-notes-rows = 第 { $rows } 行是说明、合计或重复的表头，未导入
layout-data-rows = 数据 { $count } 行
layout-part-separator = ；
layout-in-sheet = 工作表“{ $sheet }”：{ $text }
list-in-sheet = 工作表“{ $sheet }”：{ $reason }
list-xlsx-header-error = 表头（第 { $row } 行{ $column }）是错误值 { $value }，请改成列名
list-xlsx-cell-error = 单元格是错误值 { $value }（通常是公式出错），请改成正确的内容
list-jsonl-not-utf8 = 文件不是 UTF-8 编码的文本，无法按 JSONL（每行一个 JSON 对象）读取
list-jsonl-not-object = 这一行不是 JSON 对象，每行应是一个以 { "{" } 开头、以 { "}" } 结尾的对象
list-jsonl-malformed = 这一行不是有效的 JSON（第 { $column } 个字符附近有错误）
list-jsonl-empty-key = 有一个字段名是空的
list-jsonl-duplicate-key = 字段“{ $key }”出现了两次
list-jsonl-no-objects = 没有任何一行是 JSON 对象，文件可能不是 JSONL 格式（每行一个 JSON 对象）
list-jsonl-nested-list = “{ $key }”的列表里只能放文字、数字或真假值，不能再嵌套对象或列表
list-jsonl-nested-object = “{ $key }”的值是嵌套的对象，只支持文字、数字、真假值或文字列表

## Rows of a list (lists/rows.rs)

row-text-too-long = 内容过长：{ $length } 字，最多 { $max } 字
row-title-empty = 名称不能为空
row-id-too-long = 编号过长，最多 { $max } 个字符
row-org-name-missing = 填写了统一社会信用代码时，单位名称不能为空
row-flag-unknown = 无法识别「{ $text }」，请填写「是」或「否」
row-date-unknown = 无法识别日期「{ $text }」，请写成 2026-12-31

## API tokens (services/api_tokens.rs)

api-token-name-invalid = 请为令牌起一个名字（不超过 100 字）

## 对接 as a service (services/contacts.rs)

contact-request-not-own = 只能从本单位发布的需求或成果发起对接
contact-request-not-published = 只能从已发布（审核通过）的发布发起对接
contact-request-message-invalid = 请填写对接说明（不超过 { $max } 字）
contact-request-exists = 这对需求与成果已有对接（编号 { $id }）
contact-act-not-party = 只有对接双方可以操作
contact-close-reason-required = 请说明未成交的原因
contact-deal-required = 签约需登记合同信息
contact-changed-meanwhile = 对接状态刚被对方更改，请刷新后重试
contact-message-not-party = 只有对接双方可以发送消息
contact-message-action = 发送消息
contact-message-not-open = 「{ $status }」状态下不能发送消息：对方接受对接意向后才能交流
contact-message-invalid = 消息不能为空，且不超过 { $max } 字

## Export (services/export.rs)

export-format-unknown = 不支持的格式「{ $format }」，可选：csv、xlsx、jsonl

## Import (services/import.rs)

import-upload-exists = 该编号的发布已存在；上传只能新增，修改请在发布页面上进行
import-org-ambiguous = 单位“{ $name }”既指该发布所属的单位，也指名录中的另一单位；请先在单位管理中合并两者，再导入此行
import-public-id-other-org = 该行以公开编号指向的发布属于另一单位；如确需更换单位，请在发布页面上修改
import-public-id-confidential = 该行以公开编号指向的发布的保密设置与本行不同；如确需更改，请在发布页面上修改
import-duplicate-id = 编号与第 { $row } 行重复
import-duplicate-id-in-sheet = 编号与工作表“{ $sheet }”第 { $row } 行重复
import-missing-column = 没有“{ $column }”列
import-missing-column-in-sheet = 工作表“{ $sheet }”没有“{ $column }”列
import-refused-secrecy = 未导入任何内容：无法识别“{ $columns }”这一列是否保密。为免把保密需求公开，请把表头改为“是否保密”，每行填“是”或“否”
import-refused-missing = 未导入任何内容：{ $missing }。没有这一列，导入的发布无法被匹配；请在表头写明这一列（如 需求描述、成果简介），或在上传页面手动指定哪一列是它
import-save-conflict = 这一行与平台上已有的数据冲突，没有导入，请核对这一行
import-save-unstorable = 这一行含有无法保存的字符或数值（例如不可见的控制字符），没有导入，请核对这一行

## Organisations as a service (services/organisations.rs)

org-uscc-mismatch = 单位「{ $name }」已登记统一社会信用代码 { $held }，与本行的 { $uscc } 不一致
org-uscc-unaccepted = 统一社会信用代码 { $uscc } 未通过校验（{ $failure }）；如确认登记无误，请由科技局先确认该代码（techmatch org accept-uscc）
org-accept-uscc-reason-required = 确认校验未通过的代码时，必须写明确认人和理由
org-uscc-taken = 代码 { $uscc } 已属于单位「{ $name }」
org-verify-needs-reason = 统一社会信用代码 { $uscc } 未通过校验（{ $failure }）；如已向登记机关核实无误，请填写接受理由

## Password resets (services/password_resets.rs)

password-reset-expired = 重置链接无效或已过期，请重新申请
registration-link-expired = 注册确认链接无效、已使用或已过期，请重新注册

## Postings as a service (services/postings.rs)

posting-changed-meanwhile = 该发布的状态刚被他人更改，请刷新后重试

## Users (services/users.rs)

user-name-invalid = 请填写姓名（不超过 100 字）
user-org-name-missing = 请填写所在单位名称
user-role-org-kind-mismatch = { $role }不能属于{ $kind }
user-email-taken = 邮箱 { $email } 已注册

## Workflow (services/workflow.rs)

workflow-org-unconfirmed = 您所在单位已在平台登记，需科技局确认您的单位归属后才能以单位名义操作
workflow-role-cannot-post = { $role }不能发布{ $kind }
workflow-moderators-only = 只有科技局审核员可以审核
workflow-own-postings-only = 只能操作本单位发布的{ $kind }
workflow-edit-to-revise = 修改请通过编辑完成
workflow-queue-moderators-only = 只有科技局审核员可以查看审核队列

## Match explanations (crates/search: fit.rs)

match-factor-text = 文本相关度
match-explain-text = 需求与成果的标题、描述、关键词的词语重合程度（BM25）
match-factor-industry = 领域
match-explain-industry-same = 所属领域相同
match-explain-industry-different = 所属领域不同
match-factor-maturity = 技术成熟度
match-explain-maturity-enough = 成熟度达到需求要求
match-explain-maturity-too-low = 成熟度低于需求要求
match-factor-price = 价格
match-explain-price-within-budget = 意向价格在预算之内
match-explain-price-over-budget = 意向价格超出预算
match-factor-mode = 合作方式
match-explain-mode-overlap = 合作方式有交集
match-explain-mode-no-overlap = 合作方式没有交集
match-factor-region = 地区
match-explain-region-same = 位于同一省份
match-explain-region-different = 位于不同省份
upload-mapping-what = 记住的列对应
upload-pending-full = 服务器上等待指定列的上传文件太多，暂时不能保留这份清单：请稍后再上传，或在表头中使用常见写法（如“需求描述”）后重新上传
upload-pending-gone = 这次上传已过期或不存在（上传的文件只保留一小时），请重新上传清单文件
batch-default-name = 第{ $number }批
batch-numeral-ten = 十
batch-numeral-digit = { $digit ->
    [1] 一
    [2] 二
    [3] 三
    [4] 四
    [5] 五
    [6] 六
    [7] 七
    [8] 八
    [9] 九
   *[other] 〇
}
batch-name-too-long = 批次名称过长，最多 { $max } 个字
batch-bad-date = 清单日期不在日历范围内
batch-what = 清单批次
