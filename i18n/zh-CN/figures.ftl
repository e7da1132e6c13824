# Trustworthy figures: deals confirmed by the other side, plausible amounts, safe
# spreadsheets, bounded attachment storage.

deal-amount-implausible = 合同金额 { $amount } 万元超过单笔上限 { $max } 万元（100 亿元），请核对金额单位（万元）；确有更大的合同请联系科技局登记
deal-confirmation-awaiting = 待对方确认
deal-confirmation-confirmed = 对方已确认
deal-confirmation-disputed = 对方有异议
deal-answer-unknown = 无法识别的答复“{ $code }”，应为 confirm（确认）或 dispute（提出异议）
deal-answer-no-deal = 该对接尚未登记合同，无需确认
deal-answer-not-awaiting = 该合同{ $state }，不能再次答复
deal-answer-own-side = 合同由本方登记，须由对方确认或提出异议
deal-answer-same-person = 登记合同的人不能确认自己登记的合同
deal-answer-not-party = 只有对接的另一方（其确认成员或受托的技术经理人）可以确认或对合同提出异议
deal-dispute-reason-required = 提出异议时请说明理由
deal-awaiting-note = 合同由一方登记，对方确认后才计入技术交易额等统计。
deal-dispute-reason-shown = 异议理由：{ $reason }
deal-answer-confirm = 确认合同
deal-answer-dispute = 提出异议
deal-dispute-reason = 异议理由
org-name-formula = 单位名称“{ $name }”以 =、+、-、@ 等符号开头，电子表格软件可能把它当作公式执行，请去掉开头的符号
attachment-quota-exceeded-provisional = 本单位的附件已占用 { $used_mb } MB，加上“{ $name }”（{ $size_mb } MB）将超过待核验单位 { $quota_mb } MB 的上限（已核验单位为其 { $times } 倍），请先删除不再需要的附件，或请科技局核验本单位
attachment-quota-exceeded = 本单位的附件已占用 { $used_mb } MB，加上“{ $name }”（{ $size_mb } MB）将超过每个单位 { $quota_mb } MB 的上限，请先删除不再需要的附件
deal-confirmation = 确认状态
demo-deal-request-message = 贵院的成果正是我公司需要的，希望尽快洽谈技术开发合同。
challenge-reward-too-large = 榜单奖励每项不能超过 { $max } 万元，请检查单位是否填错
