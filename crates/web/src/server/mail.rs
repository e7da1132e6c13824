//! Outgoing mail over SMTP (lettre). Without `--smtp-url` the platform runs, but cannot
//! send the mails that need it (password reset links); it says so in the log.

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// A configured sender.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `url` as lettre reads it: `smtp://host:port` (plain, for a local relay),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://host` (TLS).
    ///
    /// # Errors
    /// A malformed URL or sender address.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Mailer> {
        Ok(Mailer {
            transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build(),
            from: from.parse()?,
        })
    }

    /// Sends a plain-text mail.
    ///
    /// # Errors
    /// A malformed recipient or a failure of the SMTP server.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(to.parse()?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)?;
        self.transport.send(message).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use techmatch_core::t;

    #[test]
    fn mail_bodies_keep_their_paragraphs() {
        let mut reset = t!(
            "mail-reset-body",
            name = "王工",
            minutes = 60,
            link = "https://example.cn/password/reset?token=x"
        );
        reset.push('\n');
        assert_eq!(
            reset,
            "王工，您好：\n\n有人（希望是您本人）申请重置科技供需对接平台的登录密码。请在 60 分钟内打开下面的链接设置新密码：\n\nhttps://example.cn/password/reset?token=x\n\n如果不是您本人操作，请忽略本邮件，您的密码不会改变。\n"
        );
        let appoint = t!(
            "mail-appoint-body",
            name = "王工",
            role = "专家",
            email = "w@example.cn",
            minutes = 60,
            link = "L"
        );
        assert_eq!(
            appoint,
            "王工，您好：\n\n科技局已为您开通科技供需对接平台的专家账号（w@example.cn）。请在 60 分钟内打开下面的链接设置密码：\n\nL"
        );
    }
}
