"""Running `tracker` commands as a user would, measuring wall time and peak memory.

Each command runs in its own process, so that its peak resident set size is its own and
not that of the benchmark process, which also holds the registry (see `benchmarks.peak`).
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
    """One command's wall time, and its peak resident memory when asked for."""

    seconds: float
    peak_rss_mb: float


def tracker(
    args: Sequence[str], env: Mapping[str, str], cwd: Path, *, peak: bool = False
) -> Measured:
    """Run `tracker ARGS` in a fresh process; raise `CommandFailed` when it fails.

    With `peak`, the command is spawned through `benchmarks.peak` to read its peak memory
    (which costs the start of one more small process); otherwise that is not measured.
    """
    command = [*TRACKER, *args]
    with tempfile.TemporaryDirectory() as folder:
        memory = Path(folder) / "peak"
        if peak:
            command = [sys.executable, "-m", "benchmarks.peak", str(memory), *command]
            env = {**env, "PYTHONPATH": _with_root(env.get("PYTHONPATH"))}
        start = time.perf_counter()
        done = subprocess.run(command, env=dict(env), cwd=cwd, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise CommandFailed(
                f"tracker {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}"
            )
        peak_mb = json.loads(memory.read_text())["peak_rss_mb"] if peak else 0.0
    return Measured(seconds, peak_mb)


def _with_root(path: str | None) -> str:
    """A PYTHONPATH that also finds the `benchmarks` package."""
    root = str(Path(__file__).resolve().parent.parent)
    return os.pathsep.join(filter(None, [root, path]))


def python(args: Sequence[str], cwd: Path) -> Any:
    """Run `python ARGS` with this interpreter and path; its standard output, as JSON."""
    env = {**os.environ, "PYTHONPATH": _with_root(os.environ.get("PYTHONPATH"))}
    done = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise CommandFailed(f"python {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return json.loads(done.stdout)


def median_seconds(
    args: Sequence[str], env: Mapping[str, str], cwd: Path, *, times: int = 3
) -> float:
    """The median wall time of several runs of one command, after one untimed run (which
    fills the bytecode cache, see `with_bytecode`)."""
    tracker(args, env, cwd)
    return statistics.median(tracker(args, env, cwd).seconds for _ in range(times))


def with_bytecode(env: Mapping[str, str], cache: Path) -> dict[str, str]:
    """`env` with compiled modules cached in `cache`, as an installed package runs: where
    PYTHONDONTWRITEBYTECODE is set (some shells and CI do), every timed command would first
    compile the tracker's sources, which is no part of what a user waits for."""
    kept = {name: value for name, value in env.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**kept, "PYTHONPYCACHEPREFIX": str(cache)}
