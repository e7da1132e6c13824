# Messages of techmatch-web outside templates: API errors, flash notices, labels built in Rust, CLI output.

## Shared separators

# Joins keywords or patent numbers in a form field, and facets in CLI output: 二氧化碳回收，变压吸附
separator-comma = ，
# Joins the problems of one form in an error message (and splits them again for the page).
separator-semicolon = ；

## API errors (server/error.rs, server/auth.rs)

api-error-unauthenticated = 请先登录
api-error-csrf = 请求校验失败，请刷新页面后重试
api-error-rate-limited = 登录尝试过于频繁，请一分钟后再试
api-error-bad-credentials = 邮箱或密码不正确
api-error-suspended = 该账号已被停用，请联系科技局
api-error-bad-request = 表单内容无法识别：{ $detail }
api-error-unreadable = 请求无法识别：路径、查询参数或 JSON 格式有误
api-error-not-json = 请求体须为 JSON（Content-Type: application/json）
api-error-wrong-shape = JSON 内容与接口要求不符：缺少字段或字段类型有误，请对照接口文档
api-error-too-large = 请求体过大
api-error-form-too-large = 表单内容过大
api-error-conflict-exists = 该记录已存在（可能刚被他人创建），请刷新后重试
api-error-forbidden = 没有权限
api-error-not-found = 未找到该记录
api-error-internal = 服务器内部错误，请稍后再试
api-error-unavailable = 数据库暂时无法访问，请稍后再试

## Accounts (server/accounts/api.rs)

account-error-appointed-role = { $role }账号由科技局开通
account-error-token-by-token = 请登录后创建令牌，不能用令牌创建令牌

## Postings (server/postings/workspace_api.rs, server/postings/workspace_pages.rs, app/src/postings/form.rs)

posting-error-no-own-postings = { $role }没有自己的发布
posting-error-moderation-in-queue = 审核请由科技局在审核队列中进行
# One problem of a posting form, named by the column a person knows: 标题：不能为空
posting-form-problem = { $field }：{ $reason }

## Upload (server/postings/upload.rs)

upload-too-slow = 文件上传时间过长（超过五分钟），没有收到完整的文件：请在网络较好时重新上传
upload-busy = 服务器正在处理其他清单，请稍后再上传
upload-already-sending = 您的上一份清单还在上传或导入中，请等它完成后再上传
upload-error-no-file = 请选择要上传的清单文件（Excel、WPS、ODS 表格，或 CSV、JSONL）
# The audit log's note about an uploaded list.
upload-audit-detail = { $file }：{ $rows } 行，新增 { $created }，未导入 { $rejected }

## Bureau (server/bureau/pages.rs, app/src/organisations.rs, app/src/audit.rs, app/src/postings/mod.rs)

bureau-error-staff-only = 只有科技局工作人员可以访问
bureau-error-decision-code = 审核只能是通过（approve）或驳回（reject）
bureau-error-suspend-self = 不能停用自己的账号
bureau-error-suspend-staff = 只有科技局管理员可以停用科技局工作人员
bureau-error-verify-organisation = 只有科技局可以核验单位
bureau-error-organisation-list = 只有科技局可以查看单位核验列表
bureau-error-audit-log = 只有科技局可以查看审计日志
bureau-error-appoint-admin-only = 只有科技局管理员可以开通账号
bureau-error-appoint-self-service = 企业用户和科研人员请自行注册

## Mail (server/bureau/pages.rs, server/accounts/password.rs, commands/serve.rs)

# The default sender of outgoing mail (--mail-from).
mail-default-sender = 科技供需对接平台 <noreply@techmatch.invalid>
mail-appoint-subject = 开通账号：请设置密码
mail-appoint-body =
    { $name }，您好：

    科技局已为您开通科技供需对接平台的{ $role }账号（{ $email }）。请在 { $minutes } 分钟内打开下面的链接设置密码：

    { $link }
mail-reset-subject = 重置登录密码
mail-reset-body =
    { $name }，您好：

    有人（希望是您本人）申请重置科技供需对接平台的登录密码。请在 { $minutes } 分钟内打开下面的链接设置新密码：

    { $link }

    如果不是您本人操作，请忽略本邮件，您的密码不会改变。
mail-register-confirm-subject = 确认邮箱，完成注册
mail-register-confirm-body =
    您好：

    有人（希望是您本人）用此邮箱申请注册科技供需对接平台的账号。请在 { $hours } 小时内打开下面的链接，核对注册信息并设置登录密码，账号即建立：

    { $link }

    如果不是您本人操作，请忽略本邮件，不会建立任何账号。
mail-register-known-subject = 此邮箱已注册
mail-register-known-body =
    { $name }，您好：

    有人（可能是您本人）用此邮箱申请注册科技供需对接平台的账号。此邮箱已有账号，无需再次注册，请直接登录：

    { $login }

    如果忘记了密码，可以在这里重置：

    { $forgot }

    如果不是您本人操作，请忽略本邮件，您的账号没有任何变化。
mail-locked-subject = 账户已暂时锁定
mail-locked-body =
    { $name }，您好：

    您在科技供需对接平台的账户连续 { $failures } 次登录失败，为防止密码被猜测，已暂时锁定至 { $until }（北京时间），期间任何密码都无法登录。

    如果是您本人忘记了密码，可以通过下面的链接重置密码，重置后立即解除锁定：

    { $link }

    如果不是您本人操作，说明有人在尝试登录您的账户，建议重置为更强的密码。

## Command line (cli.rs)

cli-about = 科技供需对接平台 techmatch: technology supply-demand matchmaking

## Command line: import (commands/import.rs)

cli-import-summary = { $file }：共 { $rows } 行，新增 { $created }，更新 { $updated }，未变 { $unchanged }，拒绝 { $rejected }
cli-import-skipped-sheet = 跳过工作表“{ $sheet }”：{ $reason }
cli-import-column-ignored = 未导入的列：{ $column }
cli-import-column-candidates = 未导入的列：{ $column }（可能是：{ $candidates }；如是，请用 --map "{ $column }=字段" 指定）
cli-import-map-hint = 用 --map "表头=字段" 指定哪一列是它，例如 --map "难题简述=需求描述"
# One rejected row; the fields are separated by tabs.
cli-import-problem = 第 { $row } 行	列「{ $column }」	值「{ $value }」	{ $reason }
cli-import-index-updated = 搜索索引已更新（变更日志位置 { $seq }）

## Command line: organisations (commands/org.rs)

cli-org-uscc-accepted = 已确认单位「{ $name }」的统一社会信用代码 { $code }（单位编号 { $id }）

## Command line: users (commands/user.rs)

cli-user-password-missing = 请通过环境变量 { $variable } 或 --password-stdin 提供密码
cli-user-created = 已创建用户 { $email }（{ $role }，编号 { $id }）
cli-user-suspended = 已停用

## Command line: search (commands/search.rs)

cli-search-total = 共 { $total } 条结果
cli-search-hit = { $rank }. { $title }（{ $id }）
# A highlighted word in a result's snippet.
cli-search-highlight = 【{ $term }】
cli-search-industries = 领域：{ $industries }

## Command line: matching (commands/matching.rs)

cli-match-heading = { $kind }「{ $title }」（{ $id }）的匹配结果：{ $count } 条
cli-match-not-published = 注意：该{ $kind }当前状态为「{ $status }」
cli-match-item = { $rank }. [{ $score }] { $title }（{ $id }）
cli-match-item-with-organisation = { $rank }. [{ $score }] { $title }（{ $id }） — { $organisation }
cli-match-factor = { $label } { $contribution }（{ $detail }）
cli-match-factors = 得分构成：{ $factors }
cli-match-terms = 匹配词：{ $terms }
cli-match-partial-term = { $term }（部分）

## Command line: demo (commands/serve.rs)

cli-demo-loaded = 已载入演示数据：{ $needs } 条技术需求，{ $achievements } 条科技成果
cli-demo-account = 演示账号：{ $email } / { $password }（{ $role }）

## Demo data (commands/serve.rs)

# The demo accounts, their organisations, a need waiting for moderation and a contact
# request. The demo postings themselves are in web/demo/*.jsonl.
demo-admin-name = 县科技局管理员
demo-moderator-name = 县科技局审核员
demo-bureau-organisation = 晋阳县科学技术局
demo-enterprise-name = 华钙纳米 张经理
demo-enterprise-organisation = 晋阳县华钙纳米材料有限公司
demo-researcher-name = 津沽材料研究院 李研究员
demo-researcher-organisation = 津沽材料研究院
demo-pending-need-title = 碳化尾气二氧化碳回收提纯利用
demo-pending-need-description = 碳化工序尾气中二氧化碳浓度约30%，直接排放。希望引进变压吸附或膜分离提纯技术，回收的二氧化碳返回碳化塔使用，降低石灰窑负荷和碳排放。
demo-pending-need-keywords = 二氧化碳回收，变压吸附，碳化尾气
demo-contact-message = 我院这项成果与贵公司的需求很接近，已有中试经验，希望进一步交流技术指标和合作方式。
batch-bureau-only = 只有科技局工作人员可以管理清单批次和导出发布
batch-bad-kind = 请选择清单类型：技术需求（need）或科技成果（achievement）
batch-bad-status = 无法识别状态“{ $status }”
batch-bad-format = 只能导出为 XLSX 或 CSV
batch-date-malformed = 清单日期应写成 2026-03-15 这样的格式
batch-bad-id = 无法识别批次“{ $batch }”
batch-bad-region = 地区代码应是 6 位数字（如省 140000、市 140400、县 140429），而不是“{ $region }”
upload-legacy-excel = 单位上传不接受旧版 Excel（.xls）、二进制 Excel（.xlsb）或 WPS（.et）文件：请在 Excel 或 WPS 中“另存为” .xlsx 后上传；也可以交科技局代为导入
