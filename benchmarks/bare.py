"""What a read command could cost at the least: a bare interpreter, the database driver
imported, and the command's own query, with nothing of the tracker.

`tracker status`, `flags` and `trials` are each measured against this (the goal: at most
twice its time): `python -c "import sqlite3"` plus the SQL the command runs on SQLite, the
`psycopg` import plus that SQL on PostgreSQL. `tracker flags` lists every open flag, so its
query is the one that grows (hundreds of thousands of rows at 1,000 claims).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import make_url

from tracker import flag_list, trial_list

QUERY = "SELECT * FROM claim_evidence_status"
"""The query `tracker status` answers from (`db.views`)."""


def queries(claim_id: str) -> dict[str, str]:
    """Each read command's SQL, as `tracker status`, `flags` and `trials CLAIM` run it."""
    literal = "'" + claim_id.replace("'", "''") + "'"
    return {
        "status": QUERY,
        "flags": flag_list.flags_sql(),
        "trials": trial_list.TRIALS_SQL.replace(":claim_id", literal),
    }


def _program(database_url: str, query: str = QUERY) -> str:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"import sqlite3\nsqlite3.connect({url.database!r}).execute({query!r}).fetchall()\n"
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    options = url.query.get("options")
    connect = f"psycopg.connect({conninfo.split('?')[0]!r}"
    connect += f", options={options!r})" if options else ")"
    return f"import psycopg\n{connect}.execute({query!r}).fetchall()\n"


def bare_query_seconds(
    database_url: str, cwd: Path, env: Mapping[str, str], *, times: int = 3, query: str = QUERY
) -> float:
    """The median wall time of the bare interpreter running `query`, in the environment
    the commands are timed in, after one untimed run as they get."""
    command = [sys.executable, "-c", _program(database_url, query)]
    subprocess.run(command, cwd=cwd, env=dict(env), check=True, capture_output=True)
    runs = []
    for _ in range(times):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=dict(env), check=True, capture_output=True)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)
