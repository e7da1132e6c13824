# 揭榜挂帅 pages of the public, the publisher and the bidder
# (server/challenges/pages.rs and its templates).

## base.html

nav-challenges = 揭榜挂帅

## Shared by the challenge pages

# A moment in Beijing time: 2026-12-17 09:00（北京时间）
challenge-beijing-time = { $time }（北京时间）
# The reward of a challenge, both amounts in 万元
challenge-reward-split = 企业出资 { $enterprise } 万元 + 财政补助 { $subsidy } 万元
challenge-amount-wan = { $amount } 万元
challenge-horse-race = 赛马制

## challenges.html: the list

challenges-title = 揭榜挂帅
challenges-intro = 企业和政府部门张榜征集关键技术难题的解决方案，有能力的单位均可揭榜。
challenges-publish = 发布榜单
challenges-filter = 按状态筛选
challenges-filter-all = 全部
challenges-filter-ended = 已结束
challenges-empty = 暂无榜单。
challenges-col-title = 榜单
challenges-col-kind = 类型
challenges-col-reward = 榜单金额
challenges-col-deadline = 揭榜截止时间

## challenge.html: one challenge

challenge-page-publisher = 发榜单位：{ $org }
challenge-page-status-reason = 说明：{ $reason }
challenge-page-own-bid = 查看我单位的申报
challenge-page-bid = 我要揭榜
challenge-page-login-to-bid = 登录后揭榜
challenge-page-reward = 榜单金额
challenge-page-reward-total = 合计 { $total } 万元
challenge-page-completion = 完成期限
challenge-page-months = { $months } 个月
challenge-page-winners-rule = 揭榜方数量
challenge-page-horse-race-rule = 赛马制，最多确定 { $max } 个揭榜方
challenge-page-single-winner = 确定 1 个揭榜方
challenge-page-contact = 联系人
challenge-page-metrics = 量化验收指标
challenge-page-winners = 拟揭榜方公示
challenge-page-winners-awarded = 揭榜方
challenge-page-publicity-ends = 公示截止时间：{ $time }（北京时间）
challenge-page-objection = 提出异议
challenge-page-login-to-object = 登录后可对公示提出异议
challenge-page-objection-hint = 公示期内，任何单位和个人均可对拟揭榜方提出异议，科技局将予以核查答复。
challenge-page-objection-bid = 异议针对的揭榜方（可不选）
challenge-page-objection-bid-none = 针对本次公示整体
challenge-page-objection-reason = 异议理由
challenge-page-objection-submit = 提交异议
challenge-page-objection-lodged = 异议已提交，科技局将予以核查答复。
challenge-page-publisher-actions = 发榜单位操作
challenge-page-edit = 修改榜单
challenge-page-new-deadline = 新的揭榜截止时间（北京时间）
challenge-page-withdraw-reason = 撤榜理由
challenge-page-timeline = 榜单进程

# Timeline entries that are not challenge actions

## challenge_form.html: the publisher's form

challenge-form-new-heading = 发布榜单
challenge-form-edit-heading = 修改榜单
challenge-form-errors = 请修改以下问题后重新提交：
# One problem of the form: 榜单名称：必填，不超过 200 字
challenge-form-field-problem = { $field }：{ $reason }
challenge-form-title = 榜单名称
challenge-form-industry = 所属行业
challenge-form-keywords = 关键词
challenge-form-one-per-line = 每行一项。
challenge-form-background = 需求背景
challenge-form-problem-text = 拟解决的关键问题
challenge-form-metrics = 量化验收指标
challenge-form-metrics-hint = 每行一项，须可量化考核，例如：白度 ≥ 96%。
challenge-form-scenario = 应用场景
challenge-form-final-user = 最终用户
challenge-form-reward-enterprise = 企业出资（万元）
challenge-form-reward-subsidy = 财政补助（万元）
challenge-form-bid-deadline = 揭榜截止时间（北京时间）
challenge-form-completion-months = 完成期限（月）
challenge-form-eligibility = 揭榜方资格条件
challenge-form-horse-race = 赛马制（确定多个揭榜方并行攻关）
challenge-form-max-winners = 最多确定的揭榜方数量
challenge-form-max-winners-hint = 仅赛马制榜单填写，2 至 10 个。
challenge-form-confidentiality = 公开范围
challenge-form-confidentiality-public = 公开
challenge-form-confidentiality-restricted = 仅登录用户可见
challenge-form-contact-name = 联系人
challenge-form-contact-phone = 联系电话
challenge-form-save = 保存草稿
challenge-form-datetime-invalid = 请填写日期和时间，例如 2026-12-17 09:00
challenge-form-number-invalid = 请填写整数

## bid_form.html: the bid

bid-form-heading = 揭榜申报
bid-form-challenge = 榜单：
bid-form-consortium = 联合体成员
bid-form-consortium-hint = 每行一个单位，格式为「单位名称」或「单位名称,统一社会信用代码」；无联合体可不填。
bid-form-team-leader = 团队负责人
bid-form-team = 团队组成
bid-form-technical-plan = 技术方案
bid-form-budget = 申报经费（万元）
bid-form-existing-base = 现有基础
bid-form-patents = 相关专利
bid-form-patents-hint = 每行一个专利号，例如 ZL201510123456.1。
bid-form-achievement-ids = 平台上的相关科技成果编号
bid-form-achievement-ids-hint = 多个编号用逗号分隔，可不填。
bid-form-achievement-ids-invalid = 成果编号应为数字，多个用逗号分隔
bid-form-milestones = 里程碑
bid-form-milestones-hint = 按时间顺序填写，未用的行留空即可。
bid-form-milestone-number = 里程碑 { $number }
bid-form-milestone-title = 名称
bid-form-milestone-metrics = 考核指标
bid-form-milestone-due = 完成日期
bid-form-milestone-amount = 拨付金额（万元）
bid-form-due-invalid = 第 { $number } 个里程碑请填写完成日期
bid-form-pledge-heading = 诚信承诺书
bid-form-pledge-text = 本单位承诺：所填报的申报材料真实、准确、完整，不存在弄虚作假、抄袭剽窃和侵犯他人知识产权的行为；如获确定为揭榜方，将按任务书约定的里程碑组织攻关，规范使用财政资金，接受科技局的监督检查。如有违反，自愿承担相应责任，并记入科研诚信记录。
bid-form-pledge = 我已阅读并签署以上诚信承诺
bid-form-save = 保存申报草稿

## bid.html: the bidder's view of its bid

bid-page-heading = 揭榜申报 #{ $id }
bid-page-formal-review = 形式审查意见：
bid-page-reason = 说明：
bid-page-edit = 修改申报
bid-page-budget = 申报经费
bid-page-consortium = 联合体成员
bid-page-achievements = 相关科技成果编号
bid-page-pledge-signed = 已于 { $time } 签署
bid-page-pledge-missing = 尚未签署
bid-page-submitted-at = 提交时间
bid-page-overdue = 已逾期
# A milestone's due date and funding tranche
bid-page-milestone-due = 完成日期 { $date } · 拨付 { $amount } 万元
bid-page-milestone-report = 进展报告：{ $text }
bid-page-milestone-evidence = 证明材料：{ $text }
bid-page-milestone-decision = 科技局意见：{ $text }
bid-page-report-text = 进展报告
bid-page-report-evidence = 证明材料（检测报告、运行记录等及其存放位置）
