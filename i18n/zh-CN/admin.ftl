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

## The demo's 揭榜挂帅 calls (commands/demo_challenges.rs)

demo-challenge-bidder-name = { $org } 揭榜团队
demo-challenge-org-north = 雁门理工学院
demo-challenge-org-south = 汾河新材料研究院
demo-challenge-eligibility = 国内高校、科研院所、企业均可揭榜，鼓励组成产学研联合体；须具备相关领域中试条件。
demo-challenge-contact = 县科技局 成果转化科
demo-challenge-team-leader = { $team } 负责人
demo-challenge-team = { $team }：教授 2 人、副教授 3 人、工程师 4 人
demo-challenge-plan = { $team } 拟采用“实验室配方优化—中试验证—产线改造”三步路线，在发榜企业现场建设示范线，分阶段完成考核指标。
demo-challenge-base = 已有相关中试装置一套，授权发明专利 5 项。
demo-challenge-milestone-1 = 中试验证
demo-challenge-milestone-1-metrics = 中试线连续稳定运行 72 小时，关键指标达到榜单要求的 80%
demo-challenge-milestone-2 = 产线示范与验收
demo-challenge-milestone-2-metrics = 示范线全部指标达到榜单要求，第三方检测报告
demo-challenge-comment = 技术路线清晰，团队有中试经验，经费安排基本合理。
demo-challenge-report = 中试线已建成并连续运行 80 小时，关键指标达到要求。
demo-challenge-evidence = 运行记录与县质检所检测报告（编号 JY-2026-117）

demo-open-title = 煤矸石制备高强轻质陶粒关键技术
demo-open-keyword = 煤矸石 陶粒 固废综合利用
demo-open-background = 县内煤矿每年产生煤矸石约 120 万吨，堆存占地且有自燃风险；现有陶粒产品强度低、能耗高。
demo-open-problem = 以煤矸石为主要原料（掺量不低于 70%）制备高强轻质陶粒，降低烧成温度和能耗。
demo-open-metric-1 = 筒压强度 ≥ 6.5 MPa，堆积密度 ≤ 800 kg/m³
demo-open-metric-2 = 烧成温度 ≤ 1150 ℃，单位产品综合能耗降低 20%
demo-open-scenario = 年产 20 万立方米陶粒生产线
demo-open-final-user = 晋阳县华钙纳米材料有限公司

demo-publicity-title = 分散式风电机组智能运维与故障预警
demo-publicity-keyword = 分散式风电 故障预警 智能运维
demo-publicity-background = 县内分散式风电装机 120 MW，机组分散、运维人员少，故障停机损失大。
demo-publicity-problem = 基于 SCADA 和振动数据的齿轮箱、发电机故障早期预警与运维调度系统。
demo-publicity-metric-1 = 主要部件故障提前 7 天预警，准确率 ≥ 85%
demo-publicity-metric-2 = 非计划停机时间降低 30%
demo-publicity-scenario = 县域 6 个分散式风电场
demo-publicity-final-user = 县能源局及风电场运营企业

demo-execution-title = 镁合金大型薄壁压铸件一体化成型与缺陷控制
demo-execution-keyword = 镁合金 压铸 缺陷控制
demo-execution-background = 县镁铝合金压铸产业集群以中小件为主，大型薄壁件良品率低。
demo-execution-problem = 开发大型薄壁镁合金压铸件的模具设计、真空压铸工艺与缺陷在线检测方法。
demo-execution-metric-1 = 壁厚 ≤ 2.5 mm 的压铸件良品率 ≥ 92%
demo-execution-metric-2 = 抗拉强度 ≥ 240 MPa，延伸率 ≥ 8%
demo-execution-scenario = 新能源汽车电池壳体压铸生产线
demo-execution-final-user = 县镁合金压铸产业联盟成员企业

demo-unfilled-title = 通用航空低空智能巡检无人机系统
demo-unfilled-keyword = 通用航空 无人机 巡检
demo-unfilled-background = 县通用机场周边输电线路与林区巡检依赖人工，效率低、风险高。
demo-unfilled-problem = 研制长航时、可自主避障的低空巡检无人机及数据处理平台。
demo-unfilled-metric-1 = 续航 ≥ 4 小时，自主避障成功率 ≥ 99%
demo-unfilled-metric-2 = 缺陷识别准确率 ≥ 90%
demo-unfilled-scenario = 县域 500 公里输电线路与 3 万亩林区
demo-unfilled-final-user = 县通用航空产业园
demo-expert-name = 评审专家 周教授
demo-expert-organisation = 三晋理工大学
