"""`tracker serve`: the evidence desk, a web page over the same database as the CLI."""

from __future__ import annotations

import argparse
import ipaddress

from tracker.cli.context import Context
from tracker.cli.help import add_command
from tracker.errors import TrackerError, UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
THREADS = 4


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "serve",
        "serve the evidence desk: claims, trials, screening and digests in a browser",
        """Serves a web page over the configured database on waitress (a production WSGI
        server): every active claim with its evidence, each claim's trials by relevance
        tier with include/exclude buttons and its flags to acknowledge, a screening queue
        with keyboard shortcuts, the weekly digests, one page per trial, and Atom feeds of
        new flags. It reads and writes what the commands do, so both always agree. It
        listens on 127.0.0.1 unless --host says otherwise; with TRACKER_WEB_TOKEN set,
        every request needs the token (a login form or `Authorization: Bearer`), and any
        address but loopback is refused without one. Decisions wait briefly while a sync
        runs, then are refused so they can be sent again.""",
        [
            "tracker serve                                   # http://127.0.0.1:8080/",
            "tracker serve --port 9000",
            "TRACKER_WEB_TOKEN=$(openssl rand -hex 16) tracker serve --host 0.0.0.0",
            "curl -H 'Authorization: Bearer TOKEN' http://desk:8080/feeds/flags.atom",
        ],
        ("TRACKER_DATABASE_URL", "TRACKER_WEB_TOKEN", "TRACKER_TIMEZONE"),
    )
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=f"the address to listen on (default {DEFAULT_HOST})"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"the port (default {DEFAULT_PORT})"
    )
    parser.set_defaults(run=run_serve)


def is_loopback(host: str) -> bool:
    """Whether `host` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_binding(host: str, port: int, token: str | None) -> None:
    """Refuse a port out of range, or an address others can reach without a token."""
    if not 0 < port < 65536:
        raise UsageError(f"--port {port}: a port is from 1 to 65535")
    if token is None and not is_loopback(host):
        raise UsageError(
            f"--host {host} can be reached from other machines: set TRACKER_WEB_TOKEN first"
        )


def run_serve(ctx: Context, args: argparse.Namespace) -> int:
    check_binding(args.host, args.port, ctx.settings.web_token)
    from waitress.server import create_server

    from tracker.web.app import make_app

    app = make_app(ctx.engine(), ctx.now, ctx.settings.web_token, ctx.settings.zone)
    try:
        server = create_server(
            app, host=args.host, port=args.port, threads=THREADS, ident="tracker"
        )
    except OSError as exc:
        raise TrackerError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    guarded = "needs the token" if ctx.settings.web_token else "no token: this machine only"
    print(
        f"tracker: serving http://{args.host}:{args.port}/ ({guarded}); Ctrl-C stops", file=ctx.err
    )
    server.run()
    return 0
