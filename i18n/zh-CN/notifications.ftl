# Notifications: the outbox, the mails it sends, preferences.

outbox-admin-only = 只有科技局管理员可以重新发送通知
what-notice = 通知
