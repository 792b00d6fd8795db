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


NON_ASCII_PASSWORD = "pässwörd-秘密"


def _check_unicode_login(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.password == NON_ASCII_PASSWORD.encode()
    return AuthResult(success=ok, handled=False, auth_data=data)


@pytest.fixture
def plain_login_smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    """A server without TLS that accepts a login anyway (as some internal relays do)."""
    mailbox = Mailbox()
    controller = serve_smtp(
        mailbox, monkeypatch, authenticator=_check_login, auth_require_tls=False
    )
    monkeypatch.setenv("TRACKER_SMTP_USER", "digest")
    monkeypatch.setenv("TRACKER_SMTP_PASSWORD", PASSWORD)
    yield mailbox
    controller.stop()


def test_a_login_without_tls_is_refused_unless_allowed_on_purpose(
    digest_week: Tracker, plain_login_smtp: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = digest_week(*SEND)
    assert refused.status == 1
    assert refused.err.splitlines()[-1] == (
        f"tracker: error: 127.0.0.1:{plain_login_smtp.port} offers no TLS: the password would"
        " travel in clear; set TRACKER_SMTP_PLAINTEXT_LOGIN=true to log in anyway"
    )
    assert plain_login_smtp.messages == []

    monkeypatch.setenv("TRACKER_SMTP_PLAINTEXT_LOGIN", "true")
    allowed = digest_week(*SEND)
    assert allowed.status == 0, allowed.err
    assert plain_login_smtp.sessions == [{"tls": False, "login": b"digest"}]


def test_a_non_ascii_password_logs_in_or_fails_in_one_line(
    digest_week: Tracker, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mailbox = Mailbox()
    controller = serve_smtp(
        mailbox,
        monkeypatch,
        tls_context=context,
        authenticator=_check_unicode_login,
        auth_required=True,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.setenv("TRACKER_SMTP_USER", "digest")
    try:
        monkeypatch.setenv("TRACKER_SMTP_PASSWORD", NON_ASCII_PASSWORD)
        sent = digest_week(*SEND)
        assert sent.status == 0, sent.err
        assert mailbox.sessions == [{"tls": True, "login": b"digest"}]

        monkeypatch.setenv("TRACKER_SMTP_PASSWORD", "fälsch")
        wrong = digest_week(*SEND, "--force")
        assert wrong.status == 1
        assert wrong.err.splitlines()[-1] == (
            f"tracker: error: 127.0.0.1:{mailbox.port} refused the login of 'digest' (535)"
        )
    finally:
        controller.stop()


def test_a_database_url_is_shown_with_its_password_masked(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "TRACKER_DATABASE_URL", "postgresql+psycopg://postgres:dbpw-SECRET-2@localhost:port/db"
    )
    result = tracker("status")
    assert result.status == 1
    assert "dbpw-SECRET-2" not in result.err
    assert result.err.startswith(
        "tracker: error: bad database URL 'postgresql+psycopg://postgres:***@localhost:port/db'"
    )
