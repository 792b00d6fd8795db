"""Mailing the digest (plain text + HTML) and remembering which weeks were sent.

SMTP runs STARTTLS when the server offers it (port 465: TLS from the start) and logs in
only if a user is configured. A login over a connection without TLS would send the
password in clear: it is refused unless `TRACKER_SMTP_PLAINTEXT_LOGIN` allows it. A user
or password beyond ASCII is sent as UTF-8 (AUTH PLAIN, RFC 4616), which Python's smtplib
cannot do itself. Errors name the server and what failed, never the password.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from sqlalchemy import Engine

from db.engine import transaction
from db.models import DigestDelivery
from tracker.config import Settings, variable_name
from tracker.digest.render import render
from tracker.errors import AlreadySent, ConfigError, DeliveryError

SMTP_TIMEOUT = 30.0
IMPLICIT_TLS_PORT = 465


@dataclass(frozen=True)
class Mailer:
    """Where and as whom to send; built from the settings, checked before any work."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    user: str | None = None
    password: str | None = None
    plaintext_login: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Mailer:
        missing = [
            variable_name(name)
            for name in ("smtp_host", "smtp_from", "digest_to")
            if not getattr(settings, name)
        ]
        if missing:
            raise ConfigError(f"--send needs {', '.join(missing)}")
        if settings.smtp_user and not settings.smtp_password:
            raise ConfigError(
                f"{variable_name('smtp_user')} is set but {variable_name('smtp_password')} is not"
            )
        return cls(
            host=str(settings.smtp_host),
            port=settings.smtp_port,
            sender=str(settings.smtp_from),
            recipients=settings.digest_to,
            user=settings.smtp_user,
            password=settings.smtp_password,
            plaintext_login=settings.smtp_plaintext_login,
        )

    def __repr__(self) -> str:
        return f"Mailer({self.host}:{self.port}, from {self.sender})"

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as smtp:
                if self.user:
                    self._login(smtp)
                smtp.send_message(message, self.sender, list(self.recipients))
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"{self.host}:{self.port} refused the login of {self.user!r} ({exc.smtp_code})"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(
                f"cannot send the digest through {self.host}:{self.port}: {exc}"
            ) from None

    def _login(self, smtp: smtplib.SMTP) -> None:
        if not isinstance(smtp.sock, ssl.SSLSocket) and not self.plaintext_login:
            raise DeliveryError(
                f"{self.host}:{self.port} offers no TLS: the password would travel in clear;"
                " set TRACKER_SMTP_PLAINTEXT_LOGIN=true to log in anyway"
            )
        user, password = self.user or "", self.password or ""
        if (user + password).isascii():
            smtp.login(user, password)
            return
        smtp.ehlo_or_helo_if_needed()
        token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
        code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply)

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.port == IMPLICIT_TLS_PORT:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        return smtp


def compose(
    document: dict[str, Any], text: str, html: str, mailer: Mailer, now: datetime
) -> EmailMessage:
    """The digest as one message: Markdown as the plain-text part, HTML as the other."""
    summary = document["summary"]
    message = EmailMessage()
    message["Subject"] = (
        f"Claim–trial digest {document['week']}: {summary['claims_changed']} of"
        f" {summary['claims_total']} claims changed"
    )
    message["From"] = mailer.sender
    message["To"] = ", ".join(mailer.recipients)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=mailer.sender.rpartition("@")[2] or None)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send_digest(
    engine: Engine, document: dict[str, Any], mailer: Mailer, now: datetime, *, force: bool = False
) -> None:
    """Mail a digest once per week: a week already sent needs `force`. Records the sending."""
    week = document["week"]
    with transaction(engine) as session:
        already = session.get(DigestDelivery, week)
        if already is not None and not force:
            raise AlreadySent(
                f"the digest of {week} was sent on {already.sent_at:%Y-%m-%d %H:%M} UTC;"
                " use --force to send it again"
            )
    mailer.send(compose(document, render(document, "md"), render(document, "html"), mailer, now))
    with transaction(engine) as session:
        delivery = session.get(DigestDelivery, week)
        if delivery is None:
            session.add(DigestDelivery(week=week, sent_at=now, recipients=list(mailer.recipients)))
        else:
            delivery.sent_at, delivery.recipients = now, list(mailer.recipients)
