# 揭榜挂帅: the lifecycle of challenges, bids and milestones.

## Who acts (challenge/mod.rs)

challenge-actor-publisher = 发榜单位
challenge-actor-bureau = 科技局
challenge-actor-expert = 评审专家
challenge-actor-bidder = 揭榜单位
challenge-actor-system = 系统

## Challenge lifecycle (challenge/lifecycle.rs)

challenge-status-draft = 草稿
challenge-status-under-review = 待审核
challenge-status-open = 揭榜中
challenge-status-unfilled = 流榜
challenge-status-selection = 评审中
challenge-status-publicity = 公示中
challenge-status-awarded = 已确定揭榜方
challenge-status-in-execution = 攻关中
challenge-status-accepted = 已验收
challenge-status-failed = 验收未通过
challenge-status-terminated = 已终止
challenge-status-withdrawn = 已撤榜
challenge-status-closed = 已关闭

challenge-action-submit = 提交审核
challenge-action-approve = 审核通过并发布
challenge-action-reject = 退回修改
challenge-action-close-bidding = 截止揭榜
challenge-action-declare-unfilled = 宣布流榜
challenge-action-republish = 重新发布
challenge-action-close = 关闭榜单
challenge-action-propose-winners = 确定拟揭榜方并公示
challenge-action-revoke-publicity = 撤回公示
challenge-action-award = 公示期满，确定揭榜方
challenge-action-start-execution = 签订任务书，开始攻关
challenge-action-accept = 验收通过
challenge-action-fail = 验收不通过
challenge-action-terminate = 终止
challenge-action-withdraw = 撤榜
challenge-action-unknown = 未知操作「{ $code }」，可选：{ $choices }
challenge-status-filter-unknown = 未知状态「{ $code }」，可选：{ $choices }

challenge-actor-refused = { $actor }不能{ $action }
challenge-refused = 「{ $status }」状态下不能{ $action }：{ $reason }
challenge-refused-reason-missing = 请填写理由
challenge-refused-deadline-passed = 揭榜截止时间已过，请先修改截止时间
challenge-refused-deadline-not-reached = 揭榜截止时间未到
challenge-refused-formal-review-pending = 还有揭榜申报未完成形式审查（包括退回补正的申报）
challenge-refused-valid-bids-exist = 已有通过形式审查的申报，不能流榜
challenge-refused-new-deadline = 请设定晚于当前时间的新揭榜截止时间
challenge-refused-no-valid-bid = 没有通过形式审查的申报
challenge-refused-no-experts = 尚未指派评审专家
challenge-refused-scores-missing = 还有 { $count } 份专家评分未提交
challenge-refused-winner-count = 拟揭榜方应为 1 至 { $max } 个
challenge-refused-publicity-running = 公示期尚未结束
challenge-refused-objections-open = 还有 { $count } 条异议未答复
challenge-refused-task-book-missing = 请先登记协议和任务书
challenge-refused-acceptance-pending = 还有揭榜方的验收尚未完成
challenge-refused-nobody-accepted = 没有揭榜方通过验收
challenge-refused-someone-accepted = 已有揭榜方通过验收
challenge-refused-final = 榜单已结束
challenge-refused-not-now = 当前状态不能进行此操作

## Bid lifecycle (challenge/bid.rs)

bid-status-draft = 草稿
bid-status-submitted = 已提交
bid-status-returned = 退回补正
bid-status-not-accepted = 不予受理
bid-status-in-expert-review = 专家评审中
bid-status-shortlisted = 拟揭榜（公示中）
bid-status-not-selected = 未入选
bid-status-awarded = 揭榜成功
bid-status-not-awarded = 未获确定
bid-status-in-execution = 攻关中
bid-status-dropped-out = 已淘汰
bid-status-accepted = 验收通过
bid-status-acceptance-failed = 验收未通过
bid-status-withdrawn = 已撤回

bid-action-submit = 提交申报
bid-action-withdraw = 撤回申报
bid-action-pass-formal-review = 形式审查通过
bid-action-return-for-correction = 退回补正
bid-action-reject-formally = 不予受理
bid-action-resubmit = 补正后重新提交
bid-action-shortlist = 列为拟揭榜方
bid-action-not-select = 未入选
bid-action-reconsider = 重新评审
bid-action-award = 确定为揭榜方
bid-action-deny-award = 不予确定
bid-action-start-execution = 开始攻关
bid-action-drop-out = 淘汰
bid-action-pass-acceptance = 验收通过
bid-action-fail-acceptance = 验收不通过
bid-action-unknown = 未知操作「{ $code }」，可选：{ $choices }

bid-actor-refused = { $actor }不能{ $action }
bid-refused = 申报「{ $status }」时不能{ $action }：{ $reason }
bid-refused-reason-missing = 请逐项填写理由
bid-refused-challenge-not-open = 榜单不在揭榜期
bid-refused-deadline-passed = 揭榜截止时间已过
bid-refused-pledge-missing = 请先签署诚信承诺书
bid-refused-withdraw-after-deadline = 揭榜截止后不能撤回已提交的申报
bid-refused-review-before-deadline = 形式审查在揭榜截止后进行
bid-refused-correction-closed = 榜单已不在评审阶段，不能再补正
bid-refused-milestones-open = 还有里程碑未通过
bid-refused-not-now = 当前状态不能进行此操作

## Milestones (challenge/milestone.rs)

milestone-status-pending = 未到期
milestone-status-reported = 已报告，待审核
milestone-status-passed = 已通过（拨付资金）
milestone-status-rectification = 整改中
milestone-status-failed = 未通过

milestone-action-report = 报告进展
milestone-action-pass = 通过并拨付
milestone-action-order-rectification = 责令整改
milestone-action-fail = 判定未通过
milestone-action-unknown = 未知操作「{ $code }」，可选：{ $choices }
milestone-actor-refused = { $actor }不能{ $action }
milestone-refused = 里程碑「{ $status }」时不能{ $action }：{ $reason }
milestone-refused-evidence-missing = 请附上证明材料
milestone-refused-reason-missing = 请填写理由
milestone-refused-decided = 该里程碑已有结论
milestone-refused-not-reported = 揭榜方尚未报告进展

## Challenges as stored (services/challenges.rs)

what-challenge = 榜单
what-bid = 揭榜申报
what-objection = 异议
what-milestone = 里程碑
what-panel-seat = 本榜评审专家组中的专家
what-score-sheet = 评分表
challenge-kind-government = 政府榜
challenge-kind-enterprise = 企业榜
challenge-field-length = 必填，不超过 { $max } 字
challenge-metrics-missing = 请至少填写一项量化验收指标
challenge-reward-negative = 榜单金额不能为负数
challenge-completion-range = 完成期限应为 1 至 { $max } 个月
challenge-winners-range = 非赛马制榜单只确定 1 个揭榜方；赛马制榜单可确定 2 至 { $max } 个
challenge-confidentiality-unknown = 保密级别应为 public（公开）或 restricted（仅登录用户可见）
challenge-criterion-plan = 技术方案
challenge-criterion-team = 团队能力
challenge-criterion-budget = 经费合理性
challenge-publish-refused = 只有企业和科技局可以发布榜单
challenge-publish-no-organisation = 需以已确认的单位身份发布榜单
challenge-publisher-only = 只有发榜单位可以修改榜单
challenge-edit-not-draft = 只有草稿可以修改
challenge-changed-meanwhile = 记录已被他人更新，请刷新后重试
challenge-action-dedicated = 该操作有专门的入口
challenge-bureau-only = 只有科技局工作人员可以进行此操作
challenge-criteria-frozen = 专家已开始评分，评审指标不能再修改
challenge-not-an-expert = { $name } 不是评审专家
challenge-expert-member-unchecked = { $name } 所在单位「{ $org }」可能是第 { $bid } 号申报的第 { $number } 位联合体成员：请先核对第 { $bid } 号申报的联合体成员，再选入专家组
challenge-expert-has-scored = { $name } 已提交评分表，评分表计入评审记录，不能撤出专家组：如该评分表不应计入，请先作废评分表（写明理由），再撤出
challenge-expert-already = 该专家已在评审组中
challenge-conflict-not-on-panel = 您不在本榜评审专家组中
challenge-conflict-reason = 请写明回避理由（不超过 { $max } 字）
challenge-conflict-after-scoring = 您已在本榜提交评分表，不能自行回避：请联系科技局，由科技局决定是否作废评分表并将您撤出专家组
challenge-expert-conflicted = { $name } 所在单位「{ $org }」参与了本榜单的揭榜（牵头或联合体成员），存在利益冲突，不能担任本榜评审专家
challenge-draft-quota-provisional = 待核验单位最多保留 { $max } 个未提交的榜单草稿，已达上限：请先提交或撤回部分草稿，或请科技局核验本单位
challenge-draft-quota = 本单位已有 { $max } 个未提交的榜单草稿，已达上限：请先提交或撤回部分草稿，再新建榜单
challenge-winner-not-candidate = 申报 #{ $bid } 不在专家评审中，不能列为拟揭榜方
challenge-objection-closed = 只能在公示期内提出异议
challenge-objection-reason = 请写明异议理由（不超过 5000 字）
challenge-objection-answer = 请填写答复
challenge-objection-answered = 该异议已答复
challenge-award-nobody = 至少要确定一个揭榜方
challenge-task-book-invalid = 请填写协议编号、起止日期（结束晚于开始）和经费总额

## Bids as stored (services/bids.rs)

bid-budget-positive = 申报经费应大于 0
bid-milestones-count = 请填写 1 至 { $max } 个里程碑
bid-milestone-incomplete = 第 { $number } 个里程碑缺少名称、考核指标或金额
bid-milestone-order = 第 { $number } 个里程碑的日期应晚于前一个
bid-achievement-unknown = 平台上没有编号为 { $id } 的科技成果
bid-no-organisation = 需以已确认的单位身份揭榜
bid-role-cannot-bid = { $role }不能揭榜：揭榜须以单位身份进行（企业或高校院所的已确认成员，或正在代理该单位的技术经理人）
bid-sealed-until-closed = 揭榜截止前申报书密封，评审专家在揭榜截止后才能查阅
bid-consortium-too-many = 联合体成员最多 { $max } 家
bid-consortium-name-length = 联合体成员名称不能超过 { $max } 个字
bid-consortium-link-closed = 联合体成员只能由科技局在申报提交后、揭榜期和评审期内关联
bid-consortium-no-member = 该申报没有第 { $number } 位联合体成员
bid-consortium-link-unknown = 没有编号为 { $id } 的单位
bid-consortium-link-unverified = 「{ $org }」尚未经科技局核验，不能关联：请先在单位核验中核验其统一社会信用代码
bid-consortium-link-seated = 「{ $org }」的专家 { $experts } 已在本榜评审专家组中：先核对联合体协议；如确为该单位，须先将该专家撤出专家组
bid-consortium-unchecked = 该申报的联合体成员尚待科技局核对，核对完成前评审专家不能查看
bid-formal-pass-unchecked = 第 { $id } 号申报的联合体成员尚未全部核对：请先逐一关联登记单位或确认不关联，再通过形式审查
bid-consortium-link-detail = 第 { $number } 位联合体成员「{ $member }」关联到「{ $org }」
bid-consortium-unlink-detail = 第 { $number } 位联合体成员「{ $member }」不关联登记单位
bid-consortium-frozen = 申报书提交后联合体成员不可更改，补正时只能修改其他内容
bid-consortium-expected-unknown = 请刷新页面后重新核对：表单没有带上该成员当前的核对结果
bid-consortium-decided-meanwhile = 第 { $number } 位联合体成员「{ $member }」已由其他工作人员核对，现为：{ $state }。本次操作未执行，请刷新页面查看后再决定
bid-void-reason = 请写明作废理由（不超过 { $max } 字）
bid-void-not-in-review = 只能在专家评审期间作废评分表（拟揭榜方公示前）
bid-void-detail = 作废 { $expert } 的评分表：{ $reason }
bid-own-challenge = 发榜单位不能揭自己的榜
bid-colleague-on-panel = 本单位有专家在该榜的评审专家组中，本单位不能揭此榜；如确需揭榜，请联系科技局先将该专家撤出专家组
bid-one-per-organisation = 每个单位对同一榜单只能有一份申报，请修改已有申报
bid-bidder-only = 只有揭榜单位可以进行此操作
bid-not-editable = 只有草稿或退回补正的申报可以修改
bid-formal-item = { $item }：{ $reason }
bid-not-in-expert-review = 该申报不在专家评审阶段
bid-not-in-execution = 该申报不在攻关阶段
bid-dropped-at-milestone = 里程碑「{ $milestone }」未通过，按赛马规则淘汰

## Likely solvers and invitations (services/challenge_invitations.rs, app/src/challenges/solvers.rs)

solvers-refused = 只有科技局和发榜单位可以查看推荐揭榜方并发出邀请
solvers-not-open = 只能在揭榜期内邀请揭榜
solvers-note-too-long = 邀请附言不能超过 { $max } 个字
solvers-none-chosen = 请至少选择一项推荐成果
solvers-not-proposed = 成果 { $id } 不在平台推荐的揭榜方名单中：只能邀请推荐名单中的成果团队
solvers-invited-already = 所选成果的科研人员都已受邀揭榜本榜单，每人只邀请一次
solvers-mail-subject = 邀请揭榜：{ $title }
solvers-mail-body =
    { $name }，您好：

    您所在单位的科技成果与榜单「{ $title }」高度相关，诚邀贵团队揭榜。
    揭榜截止时间（北京时间）：{ $deadline }
    { $note }

    榜单详情和申报入口：{ $link }

    科技供需对接平台
solvers-invited-detail = 邀请 { $invited } 位科研人员，已通知 { $mailed } 位

## An accepted result becomes an achievement (services/bids.rs)

bid-register-not-accepted = 验收通过后才能登记为科技成果
bid-register-done = 该揭榜成果已登记为科技成果
bid-register-title = { $challenge }（揭榜挂帅成果）
bid-register-summary = 本成果为揭榜挂帅榜单「{ $challenge }」（{ $public_id }）的攻关成果，已通过验收。验收指标：{ $metrics }。技术方案：{ $plan }
challenge-publicity-days-frozen = 公示已开始，公示期不能再修改
challenge-objection-bid = 异议只能针对本榜单公示中的拟揭榜方
