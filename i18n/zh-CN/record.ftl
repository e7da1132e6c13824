# 揭榜挂帅: the selection record (评审过程记录) the bureau files, one workbook
# (services/challenge_record.rs).

## Sheet names (at most 31 characters, none of []:*?/\)

record-sheet-challenge = 榜单
record-sheet-bids = 申报
record-sheet-scores = 专家评分
record-sheet-ranking = 排名
record-sheet-objections = 公示与异议
record-sheet-timeline = 决定与时间线

## Values

record-yes = 是
record-no = 否
# A bid named in a cell: its number and lead organisation.
record-bid-ref = 第 { $id } 号申报（{ $org }）

## 榜单

record-challenge-public-id = 榜单编号
record-challenge-title = 榜单名称
record-challenge-kind = 榜单类型
record-challenge-publisher = 发榜单位
record-challenge-status = 状态
record-challenge-reward-enterprise = 企业出资（万元）
record-challenge-reward-subsidy = 财政补助（万元）
record-challenge-bid-deadline = 揭榜截止时间
record-challenge-max-winners = 最多揭榜方数
record-challenge-horse-race = 赛马制
record-challenge-metrics = 量化验收指标
record-challenge-publicity-starts = 公示开始时间
record-challenge-publicity-ends = 公示结束时间

## 申报

record-bid-id = 申报编号
record-bid-lead-org = 牵头单位
record-bid-consortium = 联合体成员
record-bid-team-leader = 项目负责人
record-bid-budget = 申报经费（万元）
record-bid-status = 状态
record-bid-submitted-at = 提交时间
record-bid-formal-outcome = 形式审查结论
record-bid-formal-reasons = 形式审查意见

## 专家评分 (followed by one column per criterion, named after it)

record-score-expert = 评审专家
record-score-total = 加权总分
record-score-comment = 评审意见
record-score-submitted-at = 提交时间

## 排名

record-rank = 排名
record-rank-mean = 平均分
record-rank-counted = 计入评分表数
record-rank-min = 最低分
record-rank-max = 最高分
record-rank-spread = 极差
record-rank-std-dev = 标准差
record-rank-dropped = 去掉最高最低分的专家
record-rank-outliers = 评分偏离较大的专家

## 公示与异议

record-objection-by = 异议人
record-objection-at = 提出时间
record-objection-bid = 涉及申报
record-objection-reason = 异议理由
record-objection-answer = 答复
record-objection-upheld = 异议是否成立
record-objection-answered-at = 答复时间

## 决定与时间线

record-event-at = 时间
record-event-actor = 操作人
record-event-action = 操作
record-event-bid = 涉及申报
record-event-detail = 说明

# Timeline steps that are not lifecycle actions.
record-action-challenge-create = 创建榜单
record-action-challenge-edit = 修改榜单
record-action-challenge-criteria = 设置评分指标
record-action-challenge-assign-expert = 指派评审专家
record-action-challenge-unassign-expert = 撤出评审专家
record-action-challenge-declare-conflict = 专家声明利益冲突并回避
record-action-bid-void-sheet = 作废专家评分表
record-action-challenge-objection = 提出异议
record-action-challenge-objection-upheld = 答复异议：异议成立
record-action-challenge-objection-rejected = 答复异议：异议不成立
record-action-bid-create = 创建申报
record-action-bid-edit = 修改申报
record-action-bid-score = 提交专家评分
record-action-bid-link-member = 关联联合体成员
record-action-bid-unlink-member = 联合体成员不关联
record-action-challenge-invite = 邀请揭榜
record-action-challenge-publicity-days = 设置公示期
record-action-bid-register-achievement = 登记为科技成果
record-action-attachment-upload = 上传附件
record-action-attachment-delete = 删除附件
