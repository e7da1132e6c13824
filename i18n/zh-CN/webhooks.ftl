# Webhooks: an organisation's group robots and signed JSON receivers (services/webhooks.rs,
# server/notifications/webhooks.rs), and the outbox states they added.

what-webhook = Webhook

webhook-format-wecom = 企业微信群机器人
webhook-format-dingtalk = 钉钉群机器人
webhook-format-feishu = 飞书群机器人
webhook-format-generic = 通用 JSON（HMAC 签名）
webhook-format-unknown = 请选择 Webhook 格式：企业微信、钉钉、飞书或通用 JSON

webhook-url-missing = 请填写 Webhook 地址
webhook-url-too-long = Webhook 地址不能超过 { $max } 个字符
webhook-url-invalid = Webhook 地址不是有效的网址
webhook-url-not-https = Webhook 地址必须以 https:// 开头，平台不向未加密的 http:// 地址发送通知
webhook-url-credentials = Webhook 地址中不能包含用户名或密码
webhook-url-internal = Webhook 地址不能指向本机、内网或其他保留地址，请填写可从互联网访问的地址

webhook-secret-required = 通用 JSON 格式必须设置签名密钥，接收方用它验证通知确实来自平台
webhook-secret-unused = 企业微信群机器人不使用签名密钥，请留空
webhook-secret-too-long = 签名密钥不能超过 { $max } 个字符
webhook-secret-too-short = 签名密钥至少需要 { $min } 个字符

webhook-kind-account = 账号通知（如重置密码）只发给本人，不能推送到 Webhook
webhook-kind-personal = 保存的搜索提醒只发给保存它的本人，不能推送到单位的 Webhook
webhook-kind-unknown = 未知的通知类型：{ $kind }
webhook-kinds-missing = 请至少选择一类通知

webhook-org-unconfirmed = 科技局确认您的单位归属后，才能为单位设置 Webhook
webhook-no-org = 您的账号不属于任何单位，无法设置 Webhook
webhook-forbidden = 只有本单位已确认的成员可以管理本单位的 Webhook
webhook-too-many = 每个单位最多设置 { $max } 个 Webhook，请先删除不用的

webhook-list-separator = 、

webhooks-title = 群机器人与 Webhook
webhooks-intro = 单位的通知可以同时推送到企业微信、钉钉、飞书群机器人，或推送到贵单位自己的系统（带 HMAC 签名的 JSON）。同一件事只推送一次，不论单位有几位成员；推送失败会自动重试。
webhooks-link = 把单位的通知推送到企业微信、钉钉或飞书群：群机器人与 Webhook
webhooks-saved = Webhook 已添加。
webhooks-deleted = Webhook 已删除。
webhooks-empty = 本单位还没有设置 Webhook。
webhooks-col-format = 格式
webhooks-col-url = 地址
webhooks-col-kinds = 推送的通知
webhooks-col-secret = 签名密钥
webhooks-col-last = 最近一次推送
webhooks-col-action = 操作
webhooks-secret-set = 已设置
webhooks-secret-none = 未设置
webhooks-never = 尚未推送
webhooks-delete = 删除
webhooks-add-title = 添加 Webhook
webhooks-add-hint = 每个单位最多 { $max } 个。地址必须是 https://。
webhooks-field-format = 格式
webhooks-field-url = Webhook 地址
webhooks-field-url-hint = 在群设置中添加自定义机器人后复制其 Webhook 地址，例如 https://oapi.dingtalk.com/robot/send?access_token=…
webhooks-field-secret = 签名密钥
webhooks-field-secret-hint = 通用 JSON 必填（至少 16 个字符）；钉钉、飞书机器人开启“加签”或“签名校验”时填写其密钥；企业微信留空。保存后不再显示。
webhooks-field-kinds = 推送哪些通知
webhooks-add = 添加

## The outbox page: states and channels that webhooks and digests added

outbox-status-held = 等待汇总
outbox-status-digested = 已汇总发送
outbox-status-dropped = 已放弃
outbox-col-channel = 渠道
outbox-channel-email = 邮件
outbox-channel-webhook = Webhook
