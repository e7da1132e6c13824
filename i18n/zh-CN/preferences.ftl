# Notification preferences and one-click unsubscribe links.

what-unsubscribe-link = 退订链接

preferences-frequency-immediate = 立即发送
preferences-frequency-daily = 每日汇总
preferences-frequency-weekly = 每周汇总
preferences-frequency-off = 关闭

preferences-account-always = 账号通知（如重置密码）总是立即发送，不能更改
preferences-unknown-frequency = 未知的通知频率
preferences-unknown-kind = 未知的通知类别

notice-unsubscribe-line = 不想再收到此类通知？一键退订：{ $link }

preferences-title = 通知设置
preferences-intro = 选择每类通知的发送方式。匹配提醒和订阅搜索默认每日汇总成一封邮件发送。
preferences-saved = 通知设置已保存。
preferences-save = 保存设置
preferences-always-on = 总是立即发送

preferences-kind-workflow = 业务进展
preferences-kind-workflow-hint = 审核结果、对接请求与回复、揭榜挂帅各阶段的变化。
preferences-kind-match-alert = 匹配提醒
preferences-kind-match-alert-hint = 平台为您的需求或成果找到新的匹配项时提醒您，默认每日汇总。
preferences-kind-saved-search = 订阅搜索
preferences-kind-saved-search-hint = 您保存的搜索有新结果时通知您，默认每日汇总。
preferences-kind-account = 账号通知
preferences-kind-account-hint = 重置密码等与账号安全有关的通知，必须送达，不能关闭。

unsubscribe-title = 退订通知
unsubscribe-confirm = 确认不再接收“{ $kind }”类邮件通知？
unsubscribe-button = 确认退订
unsubscribe-done = 已退订“{ $kind }”类邮件通知。
unsubscribe-done-hint = 登录后可在“通知设置”中重新开启。

preferences-threshold-heading = 什么样的匹配值得提醒
preferences-threshold-explain = 匹配度（0–100%）衡量一条新发布的需求或成果与您的成果或需求重合的程度：新信息的标题、关键词和描述中的要点，按专业程度和强调程度加权，有多少出现在您的信息中（只部分出现的词算一半）；再按行业、技术成熟度、价格、合作方式和地区是否相符上下调整。100% 表示要点全部覆盖且各项条件都相符。
preferences-threshold-default = 默认门槛为 { $default }%：大约覆盖一半要点、且条件没有明显冲突的匹配才会提醒您。门槛越低，提醒越多，也越可能只是用词相近。每一对需求与成果只提醒一次。
preferences-threshold-label = 只提醒匹配度不低于（%）
