# Match alerts and saved searches.

what-saved-search = 订阅搜索

alerts-strength-range = 匹配度门槛应为 0 到 100 之间的整数
alerts-name-required = 请为订阅搜索起个名字
alerts-too-long = 不能超过 { $max } 个字
alerts-kind-required = 请选择搜索需求还是成果
alerts-trl-range = 成熟度应为 1 到 9 级
alerts-search-empty = 请填写关键词或至少选择一个筛选条件，否则每条新发布的信息都会通知您
alerts-too-many = 每个账号最多保存 { $max } 个订阅搜索，请先删除不再需要的

alert-match-subject = 新匹配（匹配度 { $strength }%）：{ $kind }「{ $title }」
alert-match-body =
    { $name }，您好：

    新发布的{ $kind }「{ $title }」与您的「{ $theirs }」匹配，匹配度 { $strength }%。

    匹配原因：
    { $reasons }

    查看详情：{ $link }
alert-match-factor = · { $label }：{ $detail }
alert-match-terms = · 共同关键词：{ $terms }

alert-search-subject = 订阅搜索「{ $search }」有新结果：{ $title }
alert-search-body =
    { $name }，您好：

    您保存的搜索「{ $search }」有一条新发布的{ $kind }：「{ $title }」。

    查看详情：{ $link }

searches-title = 订阅搜索
searches-intro = 保存常用的搜索，有新发布的需求或成果符合条件时，平台会通过邮件通知您（默认每日汇总，可在“通知设置”中更改）。
searches-saved = 订阅搜索已保存。
searches-none = 您还没有订阅搜索。可以在搜索结果页点“订阅此搜索”，或在下面添加。
searches-name = 名称
searches-what = 条件
searches-delete = 删除
searches-add = 添加订阅搜索
searches-limit = 每个账号最多 { $max } 个。
searches-min-trl = 最低技术成熟度（1–9 级，可不填）
searches-submit = 保存订阅
searches-save-this = 订阅此搜索：有新结果时通知我
searches-save-name = 订阅名称
searches-save-button = 订阅

nav-notifications = 通知设置
nav-searches = 订阅搜索

matches-strength = 匹配度 { $strength }%
