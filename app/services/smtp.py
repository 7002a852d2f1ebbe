"""The SMTP sender of the mail outbox: one connection per batch of messages."""

from __future__ import annotations

import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from app.config import Settings
from app.persistence.uow import UnitOfWork
from app.services.mail import MailRefused, MailReport, deliver_due


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        if not settings.smtp_host:
            raise ValueError("no SMTP server is configured (DOSSIER_SMTP_HOST)")
        self.settings = settings
        self._connection: smtplib.SMTP | None = None

    def __call__(self, to_address: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = to_address
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain="dossier")
        message.set_content(body)
        try:
            self._connect().send_message(message)
        except smtplib.SMTPResponseException as refused:
            self.close()
            # 5xx: the server will never take it (bad address, refused sender); 4xx: later.
            raise MailRefused(
                f"{refused.smtp_code} {refused.smtp_error!r}", final=refused.smtp_code >= 500
            ) from None
        except smtplib.SMTPRecipientsRefused as refused:
            self.close()
            codes = [code for code, _ in refused.recipients.values()]
            raise MailRefused(f"recipient refused {codes}", final=min(codes) >= 500) from None
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise MailRefused(f"SMTP server unreachable: {error!r}"[:500]) from None

    def _connect(self) -> smtplib.SMTP:
        if self._connection is None:
            settings = self.settings
            assert settings.smtp_host is not None
            connection = smtplib.SMTP(
                settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
            )
            if settings.smtp_starttls:
                connection.starttls(context=ssl.create_default_context())
            if settings.smtp_username:
                connection.login(settings.smtp_username, settings.smtp_password)
            self._connection = connection
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.quit()
            except (OSError, smtplib.SMTPException):
                self._connection.close()
            self._connection = None


def deliver(uow: UnitOfWork, settings: Settings) -> MailReport:
    """Send the due messages over SMTP (beat's task and `dossier outbox send`); without an
    SMTP server configured, nothing is sent and the outbox keeps every message."""
    if not settings.smtp_host:
        return MailReport()
    sender = SmtpSender(settings)
    try:
        return deliver_due(
            uow,
            send=sender,
            max_attempts=settings.mail_max_attempts,
            first_retry=timedelta(seconds=settings.mail_retry_seconds),
        )
    finally:
        sender.close()
