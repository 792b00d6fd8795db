"""`python -m benchmarks.peak OUT COMMAND...`: run a command, write its peak memory to OUT.

On Linux a process's peak resident size counts the address space it had before `exec`:
spawned straight from the benchmark, which holds the whole synthetic registry, a command
would inherit that. Spawned from this small process, its peak is its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str]) -> int:
    out, *command = argv
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    Path(out).write_text(json.dumps({"peak_rss_mb": usage.ru_maxrss / 1024}))
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
