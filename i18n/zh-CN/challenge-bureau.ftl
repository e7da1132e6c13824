# 揭榜挂帅 pages of the bureau (every challenge, the console of one) and of the experts
# (their panels, the scoring sheet): crates/web/src/server/challenges/console.rs.

nav-bureau-challenges = 揭榜挂帅管理
nav-expert = 我的评审

## Every challenge (bureau_challenges.html)

bureau-challenges-title = 揭榜挂帅管理
bureau-challenges-new = 发布政府榜
bureau-challenges-public-list = 公开榜单
bureau-challenges-empty = 还没有榜单。
bureau-challenges-col-title = 榜单
bureau-challenges-col-deadline = 揭榜截止
bureau-challenges-col-submitted = 已提交申报
bureau-challenges-col-awaiting-review = 待形式审查
bureau-challenges-col-sheets-missing = 缺专家评分
bureau-challenges-col-objections-open = 未答复异议
bureau-challenges-attention-review = 待审核发布
bureau-challenges-attention-selection = 评审中：形式审查、专家评分、确定拟揭榜方
bureau-challenges-attention-publicity-over = 公示期已满，待确定揭榜方

## The console of one challenge (bureau_challenge.html)

bureau-challenge-title = 榜单管理
bureau-challenge-status-reason = 说明：{ $reason }
bureau-challenge-publisher = 发榜单位
bureau-challenge-max-winners = 最多揭榜方数
bureau-challenge-horse-race = （赛马制）
bureau-challenge-public-page = 查看公开页面
bureau-challenge-record = 下载评审过程记录（Excel）
bureau-challenge-reason = 理由
bureau-challenge-decide = 提交决定
bureau-challenge-decision = 决定
bureau-challenge-review = 发布审核

bureau-challenge-panel = 评审专家组
bureau-challenge-panel-empty = 尚未指派评审专家。
bureau-challenge-expert = 专家
bureau-challenge-expert-org = 所在单位（回避依据）
bureau-challenge-expert-sheets = 已提交评分表
bureau-challenge-expert-option = { $name }（{ $org }）
bureau-challenge-no-candidates = 没有可指派的专家，请先在用户管理中任命评审专家。
bureau-challenge-assign-label = 指派专家
bureau-challenge-assign = 加入评审组
bureau-challenge-criteria = 评分指标
bureau-challenge-criterion = 指标
bureau-challenge-weight = 权重
bureau-challenge-share = 占比
bureau-challenge-drop-extremes-on = 计算平均分时去掉一个最高分和一个最低分（三份评分表起）。
bureau-challenge-drop-extremes-off = 平均分计入全部评分表。
bureau-challenge-criteria-editor = 评分指标（每行一项：名称 | 权重）
bureau-challenge-criteria-help = 权重为 1 至 1000 的整数，按占比折算，不必合计 100。专家开始评分后不能再修改。
bureau-challenge-drop-extremes = 去掉一个最高分和一个最低分
bureau-challenge-criteria-save = 保存评分指标
bureau-challenge-criteria-frozen = 专家已开始评分或榜单已结束，评分指标不能再修改。
bureau-challenge-criteria-line = “{ $line }”缺少竖线分隔的权重，应写作“名称 | 权重”

bureau-challenge-bids = 揭榜申报
bureau-challenge-bid = 申报
bureau-challenge-lead-org = 牵头单位
bureau-challenge-consortium = 联合体成员
bureau-challenge-members = 第 { $id } 号申报（{ $org }）的联合体成员核对
bureau-challenge-members-help = 申报单位填写的联合体成员只是文字，不关联任何登记单位，也不使任何专家回避。请对照联合体协议核对每位成员：确属已核验的登记单位的，关联该单位（其专家随即须回避本榜）；否则选择不关联。关联只能在申报提交后、揭榜期和评审期内进行；该单位已有专家在本榜专家组中时，须先将其撤出。
bureau-challenge-member = 成员
bureau-challenge-member-uscc = 填写的统一社会信用代码
bureau-challenge-member-state = 核对结果
bureau-challenge-member-decide = 科技局核对
bureau-challenge-member-pending = 待核对（未关联，不构成回避）
bureau-challenge-member-linked = 已关联「{ $org }」
bureau-challenge-member-declined = 已核对，不关联登记单位
bureau-challenge-candidate-uscc = { $org }（{ $uscc }，代码一致）
bureau-challenge-candidate-name = { $org }（名称一致）
bureau-challenge-candidate-uscc-other-name = { $org }（{ $uscc }，代码一致，名称与代码不一致）
bureau-challenge-link-choose-blank = 请选择
bureau-challenge-link-or-org-id = 或填写单位编号
bureau-challenge-link-candidate = 关联到
bureau-challenge-link-org-id = 单位编号
bureau-challenge-link-choose = 请选择要关联的单位，或填写单位编号
bureau-challenge-link = 关联
bureau-challenge-unlink = 取消关联
bureau-challenge-decline = 不关联
bureau-challenge-unassign = 撤出专家组
bureau-challenge-seat-action = 调整
bureau-challenge-submitted-at = 提交时间
bureau-challenge-formal-review = 形式审查：第 { $id } 号申报（{ $org }）
bureau-challenge-items = 退回补正或不予受理时逐项写明
bureau-challenge-item = 第 { $n } 项：材料
bureau-challenge-item-reason = 第 { $n } 项：理由
bureau-challenge-item-incomplete = 每一项都要同时填写材料名称和理由
bureau-challenge-decision-choose = 请选择审查结论
bureau-challenge-link-decision-choose = 请选择关联或不关联

bureau-challenge-ranking = 专家评审排名
bureau-challenge-ranking-empty = 还没有专家提交评分。
bureau-challenge-sheets = 专家评分表
bureau-challenge-sheets-help = 评分表提交后不可修改。如发现评分专家存在利益冲突或评分表有误，可写明理由作废：作废的评分表不再计入排名，保留在评审记录中，该专家不能再为该申报评分；评分表均已作废的专家可撤出专家组。
bureau-challenge-sheet-submitted = 提交时间
bureau-challenge-sheet-void = 作废
bureau-challenge-sheet-voided = 已作废：{ $reason }
bureau-challenge-sheet-void-reason = 作废理由
bureau-challenge-sheet-void-button = 作废评分表
bureau-challenge-sheets-counted = 计入 / 评分表
bureau-challenge-counted-of = { $counted } / { $sheets }
bureau-challenge-dropped = 去掉：{ $names }
bureau-challenge-missing = 尚缺 { $count } 份评分表
bureau-challenge-missing-sheet = { $expert }：{ $bid }
bureau-challenge-unscorable = 以下申报没有计入排名的评分，也没有专家还能评分（专家全部需要回避，或评分表均已作废），不能推荐中选，请再指派专家：
bureau-challenge-winners-legend = 拟揭榜方（最多 { $max } 个）
bureau-challenge-winners-help = 提交后即开始公示，公示期按工作日计算，未选中的申报列为未入选。

bureau-challenge-publicity = 公示与异议
bureau-challenge-publicity-ends = 公示截止：{ $ends }
bureau-challenge-publicity-over = 公示期已满
bureau-challenge-no-objections = 没有异议。
bureau-challenge-objection-by = { $name } 于 { $at } 提出
bureau-challenge-objection-upheld = 异议成立：
bureau-challenge-objection-rejected = 异议不成立：
bureau-challenge-answer = 答复
bureau-challenge-upheld = 异议成立
bureau-challenge-answer-submit = 提交答复
bureau-challenge-deny = 不予确定的拟揭榜方（异议成立时）
bureau-challenge-deny-none = 无，全部确定
bureau-challenge-deny-reason-label = 不予确定的理由
bureau-challenge-deny-reason = 请写明不予确定的理由

bureau-challenge-task-book = 协议与任务书
bureau-challenge-agreement-no = 协议编号
bureau-challenge-signed-on = 签订日期
bureau-challenge-starts-on = 开始日期
bureau-challenge-ends-on = 结束日期
bureau-challenge-period = 执行期
bureau-challenge-period-value = { $starts } 至 { $ends }
bureau-challenge-total = 经费总额（万元）
bureau-challenge-date-malformed = 日期格式应为 年-月-日，如 2027-01-01
bureau-challenge-time-malformed = 时间格式应为 年-月-日 时:分，如 2027-01-31 17:00

bureau-challenge-execution = 攻关与验收
bureau-challenge-milestone = 里程碑
bureau-challenge-milestone-due = 到期
bureau-challenge-milestone-amount = 拨付（万元）
bureau-challenge-milestone-report = 进展报告与审核
bureau-challenge-overdue = 已逾期
bureau-challenge-evidence = 证明材料：{ $evidence }
bureau-challenge-acceptance = 最终验收

bureau-challenge-other-actions = 其他操作
bureau-challenge-new-deadline = 新的揭榜截止时间（北京时间）
bureau-challenge-timeline = 全过程记录

## An expert's panels (expert_home.html)

expert-home-title = 我的评审
expert-home-blind = 评审为独立打分：提交自己的评分表之前看不到其他专家的评分，提交后不能修改。与您所在单位有关的申报须回避。
expert-home-empty = 您还没有被指派到任何榜单的评审专家组。
expert-home-no-bids-yet = 暂无进入专家评审的申报。
expert-home-no-bids = 没有待评审的申报。
expert-home-col-sheet = 评分表
expert-home-conflict = 回避（本单位参与）
expert-home-scored = 已评分，查看
expert-home-score = 评分
expert-home-experts-only = 只有评审专家可以使用此页面
expert-home-recuse = 声明利益冲突（回避）
expert-home-recuse-help = 如您与本榜某一申报方存在利益关系（曾为其提供咨询、亲属在其任职等），请在评分前声明：您将退出本榜评审专家组，理由记入评审记录，科技局会收到通知。已提交评分表的，请联系科技局处理。
expert-home-recuse-reason = 回避理由
expert-home-recuse-button = 声明并退出专家组

## The scoring sheet (bid_score.html)

score-sheet-title = 第 { $id } 号申报评分表
score-sheet-metrics = 榜单量化验收指标
score-sheet-bid = 申报内容
score-sheet-team-leader = 项目负责人
score-sheet-team = 团队
score-sheet-plan = 技术方案
score-sheet-budget = 申报经费（万元）
score-sheet-base = 已有基础
score-sheet-patents = 专利
score-sheet-heading = 评分
score-sheet-final = 每项 0 至 100 分，最多一位小数。评分表提交后不能修改。
score-sheet-criterion = { $name }（权重 { $weight }，占 { $share }%）
score-sheet-comment = 评审意见
score-sheet-submit = 提交评分表
score-sheet-score = 得分
score-sheet-my-total = 您的加权总分：{ $total }
score-sheet-others = 其他专家的评分
score-sheet-others-none = 其他专家尚未提交评分。
score-sheet-other-total = 加权总分 { $total }
score-sheet-others-mean = 其他专家平均：{ $mean }
score-sheet-closed = 该申报不在专家评审阶段，不能评分。
score-sheet-voided = 科技局已作废您对该申报的评分表，不计入排名（原因：{ $reason }）。您已看过其他专家的评分，不再重新评分。
