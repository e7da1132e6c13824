# Text of the pages under web/templates, grouped by template.

site-name = 科技供需对接平台

## base.html: the frame of every page

nav-main = 主导航
nav-needs = 技术需求
nav-achievements = 科技成果
nav-my-postings = 我的发布
nav-contacts = 对接
nav-queue = 审核队列
nav-orgs = 单位核验
nav-users = 用户
nav-audit = 审计日志
# The logged-in user and their role: 张三（企业用户）
nav-who = { $name }（{ $role }）
nav-logout = 退出
nav-login = 登录
nav-register = 注册
footer = techmatch · 科技供需对接

## Shared by several pages

# An amount in yuan, already formatted with separators: 1,200,000 元
amount-yuan = { $amount } 元
# Form labels and table headings
label-email = 邮箱
label-name = 姓名
label-password = 密码
column-status = 状态
column-updated-at = 更新时间
# Shown instead of the enterprise's name while it is kept confidential
org-confidential = （企业信息保密）
# The technology readiness level of a posting: TRL 6
trl-shown = TRL { $trl }
# The keywords of a posting, already joined with list-separator: 关键词：纳米、涂层
keywords-shown = 关键词：{ $keywords }

## contact.html: one 对接

contact-heading = 对接 #{ $id }
contact-enterprise-hidden = （企业信息保密，接受对接后显示）
contact-message = 对接说明
contact-close-reason = 未成交原因
contact-close-reason-shown = 未成交原因：{ $reason }
contact-deal = 合同登记
deal-contract-type = 合同类型
deal-contract-amount = 合同金额
deal-technology-amount = 技术交易额
deal-researcher-share = 科研人员收益比例
deal-contract-amount-wan = 合同金额（万元）
deal-technology-amount-wan = 技术交易额（万元，合同金额减去设备、材料等非技术性费用）
deal-researcher-share-percent = 科研人员收益比例（%）
contact-messages = 消息
contact-no-messages = 暂无消息。
contact-send-message = 发送消息
contact-send = 发送

## _matches.html: the recommended matches below a posting

# Heading with the number of matches: 推荐匹配（5）
matches-heading = 推荐匹配（{ $count }）
# One factor of a match score, after the factor's name: +0.52：共同关键词 纳米
matches-factor = { $contribution }：{ $detail }
matches-contact-submit = 发起对接
# Followed by the matched terms
matches-terms = 匹配词：

## appointed.html: an account a bureau administrator has just opened

appointed-title = 已开通账号
# Put into appointed-intro: the new user's email and role
appointed-details = { $email }，{ $role }
# $details is appointed-details; the one-time link follows below
appointed-intro = { $name }（{ $details }）。已向该邮箱发送设置密码的链接（如已配置邮件服务）；也可将下面的一次性链接当面交给本人，60 分钟内有效：
appointed-back = 返回用户列表

## audit.html: the audit log

audit-title = 审计日志
audit-col-time = 时间
audit-col-actor = 操作人
audit-col-action = 操作
audit-col-entity = 对象
audit-col-reason = 理由
# The actor of an entry no user caused
audit-actor-system = 系统

## contacts.html: the list of 对接

contacts-title = 对接
contacts-empty = 还没有对接。在“我的发布”中打开一条发布，可从推荐匹配发起对接。
contacts-col-need = 技术需求
contacts-col-achievement = 科技成果

## error.html: an error page

# Heading with the HTTP status: 出错了（404 Not Found）
error-heading = 出错了（{ $status }）
error-home = 返回首页

## home.html: search of needs and achievements

home-search-label = 搜索
home-search-placeholder = 例如：纳米碳酸钙 表面改性
home-kind-label = 类别
home-kind-achievements = 科技成果
home-kind-needs = 技术需求
# Label of the industry filter and heading of the industry facets
home-industry = 领域
home-industry-all = 全部领域
home-search-button = 搜索
home-total-needs = 共 { $total } 条技术需求
home-total-achievements = 共 { $total } 条科技成果
home-facets-label = 按领域筛选
home-pager = 分页
home-previous-page = 上一页
home-next-page = 下一页
home-page-of = 第 { $page } / { $pages } 页

## login.html: logging in

login-title = 登录
login-submit = 登录
# Followed by the links login-register and login-forgot-password
login-no-account = 还没有账号？
login-register = 注册
login-forgot-password = 忘记密码？

## me.html: the user's own postings

me-title = 我的发布
# $kind is 技术需求 or 科技成果
me-heading = 我的{ $kind }
me-new = 发布新的{ $kind }
me-upload = 上传清单（CSV/XLSX）
me-empty = 还没有发布。
me-col-title = 标题
me-rejected = 驳回理由：{ $reason }
me-rejected-with-note = 驳回理由：{ $reason }（{ $note }）

## my_posting.html: one of the user's own postings

my-posting-rejected = 驳回理由：{ $reason }。修改后可重新提交审核。
my-posting-rejected-with-note = 驳回理由：{ $reason }（{ $note }）。修改后可重新提交审核。
my-posting-edit = 编辑
my-posting-public-page = 公开页面

## orgs.html: verification of organisations by the bureau

orgs-title = 单位核验
orgs-intro = 核验时系统按 GB 32100 校验统一社会信用代码；未通过校验的代码，只有填写接受理由（如已向登记机关核实）后才能登记。
orgs-col-org = 单位
orgs-col-kind = 类型
orgs-col-uscc = 统一社会信用代码
orgs-check-failed = 校验未通过：{ $failure }
orgs-verified = 已核验
orgs-uscc-label = 代码
orgs-accept-reason = 接受理由（仅校验未通过时）
orgs-verify = 核验

## password_forgot.html: asking for a password reset link

password-forgot-title = 找回密码
password-forgot-sent = 如果该邮箱已注册，我们已发送一封包含重置链接的邮件，链接 60 分钟内有效。
password-forgot-email = 注册邮箱
password-forgot-submit = 发送重置链接

## password_reset.html: setting a new password

password-reset-title = 设置新密码
password-reset-new-password = 新密码（至少 8 位）
password-reset-submit = 保存新密码

## posting_form.html: creating or editing a need or an achievement

posting-form-errors = 请修改以下问题：
posting-form-need-title = 需求名称
posting-form-achievement-title = 成果名称
posting-form-need-body = 需求描述（要解决什么问题，现状，指标）
posting-form-achievement-body = 成果简介
posting-form-keywords = 关键词（用逗号或顿号分隔）
posting-form-need-industry = 所属领域
posting-form-achievement-industry = 技术领域
posting-form-industry-none = （未选择）
posting-form-need-trl = 最低技术成熟度（1–9 或 实验室/小试/中试/产业化）
posting-form-achievement-trl = 技术成熟度（1–9 或 实验室/小试/中试/产业化）
posting-form-need-price = 预算（万元，如 50-200）
posting-form-achievement-price = 意向价格（万元，或“面议”）
posting-form-deadline = 截止日期
posting-form-patents = 专利号（多个用逗号分隔）
posting-form-team-lead = 团队负责人
posting-form-need-modes = 合作方式
posting-form-achievement-modes = 转化方式
posting-form-region = 所在地区（行政区划代码或名称）
posting-form-confidential = 对外隐藏企业名称（对接意向被接受后才显示）
posting-form-save-draft = 保存为草稿

## queue.html: the bureau's review queue

queue-title = 审核队列
# Heading with the number of postings waiting: 审核队列（3）
queue-heading = 审核队列（{ $count }）
queue-empty = 没有待审核的发布。
queue-oldest-shown = 先显示等待最久的 { $shown } 条，审核后自动补上后面的。
queue-approve = 通过
queue-reject-reason = 驳回理由
queue-reject-note = 说明
queue-reject = 驳回

## register.html: registration of enterprise users and researchers

register-title = 注册
register-intro = 企业用户发布技术需求；高校、科研院所的科研人员发布科技成果。科技局工作人员、评审专家和技术经理人的账号由科技局开通。
register-role = 我是
register-role-enterprise = 企业用户（发布技术需求）
register-role-researcher = 科研人员（发布科技成果）
register-password = 密码（至少 8 位）
register-org-name = 所在单位名称
register-org-kind = 单位类型
register-org-uscc = 统一社会信用代码（选填，科技局核验单位时使用）
register-submit = 注册
register-sent = 我们已向该邮箱发送一封邮件，请按邮件中的链接设置密码、完成注册（链接 { $hours } 小时内有效）。确认邮箱之前，账号尚未建立。
register-confirm-title = 确认注册
register-confirm-intro = 请设置登录密码。确认后即建立以下账号并登录；如果这不是您申请的注册，请关闭本页，不会建立任何账号。单位已在平台登记的，须经科技局确认您的成员身份后才能代表单位操作；尚未登记的，将作为待核验单位建立，由科技局核验。
register-confirm-submit = 确认并建立账号

## upload.html: uploading a list of postings

upload-title = 上传清单
# $kind is 技术需求 or 科技成果
upload-heading = 上传{ $kind }清单
upload-intro = 支持 Excel（.xlsx）、ODS 表格和 CSV、JSONL（旧版 .xls、二进制 .xlsb 和 WPS .et 请先另存为 .xlsx）。表格可以带标题行、填报单位行和说明、合计行，可以有多个工作表；表头可用常见写法（如 需求名称、需求内容（技术难题描述）、预算金额（万元）、联系人及电话）。每一行成为一条待审核的发布；有问题的行不会导入，下面逐行列出原因。
upload-file = 清单文件
upload-submit = 上传
upload-result = 导入结果
# $outcome is upload-summary-outcome: 共 12 行：新增 10 条（已提交审核），未导入 2 行。
upload-summary = 共 { $rows } 行：{ $outcome }
upload-summary-outcome = 新增 { $created } 条（已提交审核），未导入 { $skipped } 行。
# The column names, already joined with list-separator
upload-ignored-columns = 未识别的列（已忽略）：{ $columns }
upload-col-sheet = 工作表
upload-col-row = 行
upload-column-candidates = { $column }（可能是：{ $candidates }）
upload-map-heading = 手动指定“{ $file }”的列
upload-map-intro = 请为下面的列选择对应的内容；选择会被记住，贵单位下次上传同样表头的清单时自动使用。
upload-map-column = 文件中的列
upload-map-field = 对应
upload-map-skip = 不导入
upload-map-submit = 按此导入
upload-col-column = 列
upload-col-value = 值
upload-col-reason = 原因
upload-back = 返回我的发布
upload-remembered-heading = 记住的列对应
upload-remembered-intro = 贵单位以前手动指定过下面这些列，上传同样表头的清单时自动使用。指定错了可以忘记，下次上传时会重新询问。
upload-remembered-forget = 忘记
upload-remembered-forgotten = 已忘记“{ $header }”的对应，下次上传时会重新询问。

## users.html: user accounts, for the bureau

users-title = 用户
users-appoint = 开通科技局工作人员、评审专家或技术经理人账号（仅管理员）
users-role = 角色
users-role-moderator = 科技局审核员
users-role-admin = 科技局管理员
users-role-expert = 评审专家
users-role-broker = 技术经理人
users-appoint-org = 所在单位（科技局工作人员填科技局，技术经理人填服务机构）
users-appoint-submit = 开通
users-col-actions = 操作
users-suspended = 已停用
users-active = 正常
users-org-unconfirmed = 单位归属待确认
users-confirm-org = 确认单位归属
users-email-confirmed = 邮箱已验证（{ $date }）
users-email-unconfirmed = 邮箱未验证
users-membership-check-warning = 确认前请另行核实（如电话、公函）：邮箱验证只说明本人收得到信，不说明其属于该单位
users-restore = 恢复
users-suspend = 停用
batch-title = 清单批次
batch-intro = 代各单位上传一份技术需求清单或科技成果清单，作为一个批次（如“第一批”）导入并立即发布。表格可以带标题行、填报单位行、说明和合计行，可以有多个工作表；清单里写明的单位按名称或统一社会信用代码对应到单位名录。
batch-kind = 清单类型
batch-name = 批次名称
batch-name-placeholder = 留空则按清单日期所在年份自动编号（第N批）
batch-date = 清单日期
batch-upload = 导入为新批次
batch-list = 已导入的批次
batch-none = 还没有导入过清单批次。
batch-file = 文件
batch-rows = 行数
batch-written = 发布数
batch-rejected = 未导入行
batch-matched = 已有匹配
batch-export = 导出发布
batch-export-intro = 按批次、产业集群、地区和状态筛选，导出为 Excel（XLSX）或 CSV，表头与导入相同，可修改后重新导入。导出包含联系人等信息，仅供科技局内部使用。
batch-one = 批次
batch-any = 全部
batch-cluster = 产业集群
batch-region = 地区代码
batch-status = 状态
batch-format = 格式
batch-export-submit = 导出
batch-back = 返回清单批次
batch-summary = 清单日期 { $date }，文件 { $file }，共写入 { $uploaded } 条发布
batch-matched-line = 其中 { $matched } 条已找到匹配（共 { $postings } 条）
batch-export-xlsx = 导出本批次（XLSX）
batch-export-csv = 导出本批次（CSV）
batch-postings = 本批次的发布
batch-incomplete = 这一批的导入尚未完成：可能仍在进行，也可能中途停止了。下面是已经写入的发布；如果已经停止，请把同一份清单重新导入（已写入的行会按编号更新，不会重复）。
batch-incomplete-mark = （导入未完成）
batch-posting-title = 名称
batch-posting-org = 单位
batch-posting-matches = 匹配数
nav-lists = 清单批次
batch-heading = { $name }（{ $kind }）
batch-option = { $name }（{ $kind }，{ $date }）
queue-repeats = 可能与本单位已有的发布重复：“{ $title }”
