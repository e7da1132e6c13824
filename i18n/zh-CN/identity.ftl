# Organisation identity: provisional self-registered organisations, conflicts, merging.

org-name-taken = 单位名称「{ $name }」已属于登记在册的单位（编号 { $id }）：这是重复登记，请把本单位并入该单位，而不是另行核验
org-merge-same = 不能把单位并入它自己
org-merge-into-provisional = 「{ $name }」本身是待核验的自注册单位：请先核验它，或把它并入登记在册的单位
org-merge-rival-bids = 两个单位在同一榜单（编号 { $call }）都有投标：请先撤回其中一份投标再合并
org-merge-seated-expert = 评审专家 { $expert }（{ $org }）在榜单「{ $call }」（{ $public_id }）的评审专家组中，而「{ $other }」参与了该榜单的第 { $bid } 号申报（牵头或联合体成员）：合并后该专家将评审本单位的申报。请先将其撤出该榜专家组（已提交的评分表须先作废），再合并
bureau-error-merge-organisation = 只有科技局可以合并单位
orgs-provisional = 自注册，待核验
orgs-conflicts-title = 待处理的单位冲突
orgs-conflicts-intro = 自注册单位与其他单位使用了相同的统一社会信用代码或名称。核实后，把重复的单位并入登记在册的单位：其发布、成员、榜单、投标和历史随之转入，操作记入审计日志；自注册单位的成员转入后须由科技局重新确认单位归属，其 Webhook 被删除。
orgs-conflict-shared-uscc = 统一社会信用代码相同
orgs-conflict-shared-name = 名称相同
orgs-conflict-col-claimant = 自注册单位
orgs-conflict-col-other = 冲突单位
orgs-conflict-col-shared = 冲突
orgs-merge = 并入「{ $name }」
org-verified-mark = 已核验
org-unverified-mark = 未核验
orgs-all-title = 全部单位
demo-claimant-name = 抢注者
demo-claimant-organisation = 晋阳县华钙纳米新材料有限公司
org-merge-deal-void = 该合同由待核验的自注册单位登记，单位合并时作废；如确有其事，请由双方重新登记
org-merge-bid-withdrawn = 该申报由待核验的自注册单位以本单位名义提交，单位合并时撤回
org-merge-advanced-bid = 待核验的自注册单位的第 { $bid } 号申报在榜单「{ $call }」（{ $public_id }）处于「{ $status }」阶段：合并会把它交给登记在册的单位。请先处理该申报（撤销入围或中标、终止执行），再合并
