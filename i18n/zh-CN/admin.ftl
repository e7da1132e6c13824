# Brokers acting for assigned organisations, and the settings the bureau administrator manages.

## Brokers (services/brokers.rs)

broker-assign-bureau-only = 只有科技局工作人员可以为技术经理人分配服务单位
broker-assign-not-broker = { $name } 不是技术经理人，不能分配服务单位
broker-assign-wrong-kind = 「{ $org }」不是企业、高校或科研院所，技术经理人不能代其发布
broker-assign-exists = { $name } 已在为「{ $org }」服务
broker-act-not-broker = 只有技术经理人可以代单位操作
broker-act-not-assigned = 该单位没有分配给您，不能代其操作
what-assignment = 服务单位分配

## Settings (services/settings.rs)

settings-admin-only = 只有科技局管理员可以修改平台设置
settings-industry-in-use = 还有 { $count } 条需求或成果属于「{ $name }」，不能从产业目录中删除；可以保留它，或把它写成替代产业的别名
settings-target-negative = 年度技术交易额目标不能为负数
settings-industry-line = 产业目录第 { $line } 行应写成「代码 | 名称 | 别名, 别名」，代码和名称不能为空

## brokers.html: the bureau assigns organisations to brokers

brokers-title = 技术经理人
brokers-intro = 技术经理人可以代分配给他的企业、高校或科研院所发布需求或成果、上传清单、处理对接。所有操作以技术经理人本人的名义记入审计日志。
brokers-none = 还没有技术经理人。可在“用户”页面任命。
brokers-no-assignments = 尚未分配服务单位。
brokers-remove = 取消分配
brokers-assign-label = 分配服务单位
brokers-assign = 分配
# An organisation in the drop-down: 某某公司（企业）
brokers-org-option = { $name }（{ $kind }）

## acting.html: a broker chooses the organisation to act for

acting-title = 代理单位
acting-intro = 选择要代其操作的单位。选择后，“我的发布”和“对接”显示该单位的内容，您的每项操作都会记录在您的名下。
acting-none = 科技局尚未为您分配服务单位。
acting-col-org = 单位
acting-col-posts = 代其发布
acting-col-action = 操作
acting-current = 当前代理
acting-choose = 代该单位操作
acting-stop = 停止代理

## settings.html: the administrator's settings

settings-title = 平台设置
settings-saved = 设置已保存。
settings-industries = 产业目录
settings-industries-hint = 每行一个产业：代码 | 名称 | 别名, 别名。发布和清单中的产业按名称或别名识别；仍有发布使用的产业不能删除，可把旧名称写成新产业的别名。
settings-registration-open = 允许企业和科研人员自行注册
settings-yearly-target = 年度技术交易额目标（万元）
settings-save = 保存设置
settings-registration-closed = 平台暂不开放自行注册，请联系科技局开通账号

## base.html: the header links of brokers and administrators

nav-brokers = 技术经理人
nav-settings = 平台设置
nav-acting-choose = 代理单位
nav-acting = 代理：{ $org }

## The demo broker (commands/serve.rs)

demo-broker-name = 晋阳县技术转移中心 赵经理
demo-broker-organisation = 晋阳县技术转移中心
