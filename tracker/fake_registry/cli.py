"""`tracker fake-ctgov`: serve a local ClinicalTrials.gov for trying the tool offline."""

from __future__ import annotations

import argparse
from pathlib import Path

from tracker.cli.context import Context
from tracker.cli.help import add_command
from tracker.errors import UsageError


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "fake-ctgov",
        "serve study files as a local ClinicalTrials.gov API (for offline trials and tests)",
        """Serves every v2 study JSON file of DIR at http://HOST:PORT/api/v2 with the
        registry's search, paging and /version, until Ctrl-C. Point the tracker at it
        with CTGOV_API_URL. `tracker demo` does all of this for you.""",
        [
            "tracker fake-ctgov tests/data/ctgov/ --port 8000",
            "CTGOV_API_URL=http://127.0.0.1:8000/api/v2 tracker sync",
        ],
    )
    parser.add_argument("corpus", type=Path, metavar="DIR", help="a folder of v2 study JSON files")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    parser.set_defaults(run=run_fake)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port < 65536:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}")
    return port


def run_fake(ctx: Context, args: argparse.Namespace) -> int:
    from tracker.fake_registry import FakeCtgov, serve
    from tracker.fake_registry.server import CorpusFileError

    if not args.corpus.is_dir():
        raise UsageError(f"{args.corpus} is not a folder of study files")

    def announce(fake: FakeCtgov) -> None:
        print(f"serving {len(fake.corpus)} studies; set CTGOV_API_URL={fake.url}", file=ctx.err)
        ctx.err.flush()

    try:
        serve(args.corpus, args.host, args.port, on_ready=announce)
    except CorpusFileError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(
            f"cannot serve on {args.host}:{args.port}: {exc.strerror or exc}"
        ) from None
    return 0
