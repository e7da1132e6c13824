# Notifications: the outbox, the mails it sends, preferences.

outbox-admin-only = 只有科技局管理员可以重新发送通知
outbox-retry-redacted = 这封账户邮件的链接已从存档中删除，不能重新发送：请用户重新申请
what-notice = 通知

## Moderation outcomes (app/src/notices.rs)

notice-approved-subject = 您发布的{ $kind }「{ $title }」已通过审核
notice-approved-body =
    { $name }，您好：

    您发布的{ $kind }「{ $title }」已通过科技局审核，现已公开发布，平台会为它推荐匹配的对象。

    查看详情：{ $link }

    科技供需对接平台
notice-rejected-subject = 您发布的{ $kind }「{ $title }」未通过审核
notice-rejected-body =
    { $name }，您好：

    您发布的{ $kind }「{ $title }」未通过科技局审核。
    原因：{ $reason }
    说明：{ $note }

    修改后可重新提交：{ $link }

    科技供需对接平台

## 对接 (app/src/notices.rs)

notice-contact-request-subject = 新的对接意向：{ $need } ⇄ { $achievement }
notice-contact-moved-subject = 对接{ $status }：{ $need }
notice-contact-requested = 对方发来了对接意向，请查看并回应。
notice-contact-moved = 对方已将对接更新为「{ $status }」。
notice-contact-body =
    { $name }，您好：

    技术需求「{ $need }」与科技成果「{ $achievement }」的对接有新进展：{ $what }

    查看详情：{ $link }

    科技供需对接平台

## 揭榜挂帅 steps (app/src/notices.rs)

notice-challenge-subject = 揭榜挂帅「{ $title }」：{ $step }
notice-challenge-body =
    { $name }，您好：

    揭榜挂帅榜单「{ $title }」有新进展：{ $step }。

    查看详情：{ $link }

    科技供需对接平台

## Digests (services/digests.rs)

digest-subject = 科技供需对接平台 { $period } 汇总：{ $count } 条通知
digest-item = · { $subject }
digest-body =
    您好：

    以下是汇总期间的 { $count } 条通知：

    { $items }

    登录平台查看详情：{ $link }

    科技供需对接平台
