"""Running `tracker` commands as a user would, measuring wall time and peak memory.

Each command runs in its own process, so its peak resident set size is its own: read
from `wait4`, not from the benchmark process that also holds the registry.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TRACKER = (sys.executable, "-m", "tracker")


class CommandFailed(RuntimeError):
    """A measured command exited non-zero: its numbers would mean nothing."""


@dataclass(frozen=True)
class Measured:
    """One command's wall time, peak resident memory and output."""

    seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str


def tracker(
    args: Sequence[str], env: Mapping[str, str], cwd: Path, *, check: bool = True
) -> Measured:
    """Run `tracker ARGS` in a fresh process; raise `CommandFailed` when it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            [*TRACKER, *args], env=dict(env), cwd=cwd, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        measured = Measured(
            seconds, usage.ru_maxrss / 1024, out.read().decode(), err.read().decode()
        )
    if check and process.returncode != 0:
        raise CommandFailed(
            f"tracker {' '.join(args)} exited {process.returncode}: {measured.stderr.strip()}"
        )
    return measured


def python(args: Sequence[str], cwd: Path) -> Any:
    """Run `python ARGS` with this interpreter and path; its standard output, as JSON."""
    root = str(Path(__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise CommandFailed(f"python {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return json.loads(done.stdout)


def median_seconds(
    args: Sequence[str], env: Mapping[str, str], cwd: Path, *, times: int = 3
) -> float:
    """The median wall time of several runs of one command."""
    return statistics.median(tracker(args, env, cwd).seconds for _ in range(times))
