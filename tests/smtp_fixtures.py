"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives.

`plain_smtp` starts one without TLS and points the tracker's TRACKER_SMTP_* settings at it.
"""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Mailbox:
    """What the SMTP server received: messages, envelopes, and how each session went."""

    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))
        login = session.auth_data.login if session.auth_data else None
        self.sessions.append({"tls": session.ssl is not None, "login": login})
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_smtp(mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, **options: Any) -> Controller:
    port = mailbox.port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    monkeypatch.setenv("TRACKER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRACKER_SMTP_PORT", str(port))
    monkeypatch.setenv("TRACKER_SMTP_FROM", "tracker@example.org")
    monkeypatch.setenv("TRACKER_DIGEST_TO", "editors@example.org, checks@example.org")
    return controller


@pytest.fixture
def plain_smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    controller = serve_smtp(mailbox, monkeypatch)
    yield mailbox
    controller.stop()
