# 揭榜挂帅 selection: expert scoring, aggregation, the 公示 calendar.

## Expert review (challenge/scoring.rs)

scoring-score-empty = 评分不能为空，请填写 0 到 100 之间的分数，最多保留一位小数，如 85 或 85.5
scoring-score-malformed = “{ $text }”不是有效的评分，请填写 0 到 100 之间的分数，最多保留一位小数，如 85 或 85.5
scoring-score-too-many-decimals = 评分“{ $text }”的小数位太多，最多保留一位小数，如 85.5
scoring-score-out-of-range = 评分“{ $text }”超出范围，应在 0 到 100 之间

scoring-criteria-empty = 请至少设置一项评分指标
scoring-criteria-too-many = 评分指标最多 { $max } 项，现有 { $count } 项，请合并或删减
scoring-criterion-name-empty = 第 { $position } 项评分指标缺少名称
scoring-criterion-name-too-long = 评分指标“{ $name }”的名称过长，最多 { $max } 字
scoring-criterion-weight-malformed = 评分指标“{ $name }”的权重“{ $text }”无效，权重应为 1 到 { $max } 之间的整数
scoring-criterion-weight-out-of-range = 评分指标“{ $name }”的权重应为 1 到 { $max } 之间的整数，实为 { $weight }
scoring-criterion-duplicate = 评分指标“{ $name }”重复，各项指标的名称必须不同

scoring-sheet-unknown-criterion = 本榜单没有名为“{ $name }”的评分指标
scoring-sheet-criterion-twice = 评分指标“{ $name }”评了两次，每项指标只能评一个分数
# $names are the criteria left unscored, joined by list-separator.
scoring-sheet-criteria-missing = 以下评分指标尚未评分：{ $names }
# $reason is one of the scoring-score-… messages above.
scoring-sheet-score-invalid = 评分指标“{ $criterion }”：{ $reason }
scoring-comment-empty = 请填写评审意见
scoring-comment-too-long = 评审意见过长：{ $length } 字，最多 { $max } 字

scoring-not-assigned = 您不是本榜单的评审专家，不能评分
scoring-conflict-of-interest = 您所在单位是该申报的牵头单位或联合体成员，按回避规定不能为其评分
scoring-already-submitted = 您已提交对该申报的评分。提交后即可查看其他专家的评分，为保证独立评审，评分提交后不能修改

## The 公示 period (challenge/calendar.rs)

calendar-working-days-zero = 公示期至少为 1 个工作日
calendar-working-days-too-many = 公示期最多 { $max } 个工作日，实为 { $days } 个
calendar-date-both-holiday-and-working = { $date } 不能既是节假日又是调休工作日，请检查节假日安排
