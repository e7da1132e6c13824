# The bureau's view of notifications: the outbox page and its mail files.

nav-outbox = 通知投递
outbox-title = 通知投递
outbox-page-admin-only = 只有科技局管理员可以查看通知投递
what-mail-file = 邮件文件

outbox-counts-title = 各状态通知数量
outbox-status-pending = 待发送
outbox-status-sending = 发送中
outbox-status-sent = 已发送
outbox-status-dead = 投递失败

outbox-col-recipient = 收件人
outbox-col-subject = 主题
outbox-col-attempts = 尝试次数
outbox-col-last-error = 最后一次错误
outbox-col-created = 创建时间
outbox-col-sent = 发送时间
outbox-col-action = 操作

outbox-dead-title = 投递失败的通知
outbox-dead-empty = 没有投递失败的通知。
outbox-retry = 重新发送
outbox-retried = 通知已重新排队，稍后发送。

outbox-sent-title = 最近发送的 50 条通知
outbox-sent-empty = 还没有发送过通知。

outbox-files-title = 邮件文件
outbox-files-hint = 平台没有配置邮件服务器，通知写成 .eml 文件，保存在数据目录的 mail 目录下（最新的在前，最多 100 个）。
outbox-mail-withheld-note = （账号邮件，含本人专用链接，不向管理员显示）
outbox-mail-withheld = 这是发给用户本人的账号邮件（如重置密码），其中的链接只属于收件人，管理员只能看到它已发送及投递状态
outbox-col-file = 文件
outbox-col-size = 大小
outbox-col-modified = 修改时间
outbox-size-bytes = { $bytes } 字节
