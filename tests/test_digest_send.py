"""`tracker digest --send` against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from conftest import Tracker
from smtp_fixtures import Mailbox, free_port, serve_smtp

from tracker.digest.render import CHART_LABEL

PASSWORD = "s3cret-pa55 with spaces"
SEND = ("digest", "--week", "2026-W48", "--send")


def _check_login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False, auth_data=data)


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the system's openssl."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_smtp(monkeypatch: pytest.MonkeyPatch, certificate: tuple[Path, Path]) -> Iterator[Mailbox]:
    """A server offering STARTTLS and requiring a login; the client trusts its certificate."""
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mailbox = Mailbox()
    controller = serve_smtp(
        mailbox, monkeypatch, tls_context=context, authenticator=_check_login, auth_required=True
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.setenv("TRACKER_SMTP_USER", "digest")
    yield mailbox
    controller.stop()


def test_send_mails_markdown_and_html_to_every_recipient(
    digest_week: Tracker, plain_smtp: Mailbox
) -> None:
    result = digest_week(*SEND)
    assert result.status == 0, result.err
    assert result.err.splitlines() == [
        "wrote digests/2026-W48.md",
        "sent the digest of 2026-W48 to editors@example.org, checks@example.org",
    ]
    [message] = plain_smtp.messages
    assert plain_smtp.recipients == [["editors@example.org", "checks@example.org"]]
    assert message["Subject"] == "Claim–trial digest 2026-W48: 3 of 4 claims changed"
    assert message["From"] == "tracker@example.org"
    assert message["To"] == "editors@example.org, checks@example.org"
    assert message.get_content_type() == "multipart/alternative"
    text, html = (part.get_content() for part in message.iter_parts())
    assert text.startswith("# Claim–trial digest 2026-W48 (23–29 November 2026)")
    assert CHART_LABEL in html
    assert "&lt;script&gt;" in html
    assert "<script" not in html


def test_a_week_already_sent_is_refused_unless_forced(
    digest_week: Tracker, plain_smtp: Mailbox
) -> None:
    assert digest_week(*SEND).status == 0
    again = digest_week(*SEND)
    assert again.status == 1
    wrote, refused = again.err.splitlines()
    assert wrote == "wrote digests/2026-W48.md"
    assert refused.startswith("tracker: error: the digest of 2026-W48 was sent on ")
    assert refused.endswith("use --force to send it again")
    assert len(plain_smtp.messages) == 1
    assert digest_week(*SEND, "--force").status == 0
    assert len(plain_smtp.messages) == 2
    assert digest_week("digest", "--week", "2026-W47", "--send").status == 0


def test_starttls_is_used_when_offered_and_then_the_login(
    digest_week: Tracker, tls_smtp: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_SMTP_PASSWORD", PASSWORD)
    result = digest_week(*SEND)
    assert result.status == 0, result.err
    assert tls_smtp.sessions == [{"tls": True, "login": b"digest"}]


def test_a_refused_login_fails_without_revealing_the_password(
    digest_week: Tracker, tls_smtp: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_SMTP_PASSWORD", "wrong " + PASSWORD)
    result = digest_week("-v", *SEND)
    assert result.status == 1
    assert (
        f"tracker: error: 127.0.0.1:{tls_smtp.port} refused the login of 'digest' (535)"
        in result.err.splitlines()
    )
    assert PASSWORD not in result.out + result.err
    assert tls_smtp.messages == []
    assert digest_week(*SEND).status == 1


def test_an_unreachable_server_is_one_clear_line_and_nothing_recorded(
    digest_week: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    monkeypatch.setenv("TRACKER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRACKER_SMTP_PORT", str(port))
    monkeypatch.setenv("TRACKER_SMTP_FROM", "tracker@example.org")
    monkeypatch.setenv("TRACKER_DIGEST_TO", "editors@example.org")
    monkeypatch.setenv("TRACKER_SMTP_USER", "digest")
    monkeypatch.setenv("TRACKER_SMTP_PASSWORD", PASSWORD)
    result = digest_week(*SEND)
    assert result.status == 1
    assert result.err.splitlines()[-1].startswith(
        f"tracker: error: cannot send the digest through 127.0.0.1:{port}: "
    )
    assert PASSWORD not in result.err
