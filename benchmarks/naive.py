"""The naive peer: what simple monitors do, for the side-by-side figures.

Each night it fetches every page of every topic's search (full records, 1,000 a page)
and diffs each study's JSON against the copy it stored, replacing what differs, in a
SQLite file of its own. It never asks "what changed since", so every night costs what
the first one did. `python -m benchmarks.naive DB API_URL QUERIES.json` runs one night
and prints how many studies differed, as JSON; the caller times it and counts requests
at the fake registry.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import requests

from tracker.ctgov.query import StudyQuery

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS studies "
    "(topic INTEGER, nct_id TEXT, study TEXT, PRIMARY KEY (topic, nct_id))"
)


def query_params(query: StudyQuery) -> dict[str, str]:
    """The tracker's search for a topic, asking for whole records as a monitor would."""
    return {name: value for name, value in query.params().items() if name != "fields"}


def night(database: Path, api_url: str, queries: Sequence[Mapping[str, str]]) -> int:
    """One night of the naive peer; the number of stored studies that differed or were new."""
    session = requests.Session()
    connection = sqlite3.connect(database)
    connection.execute(SCHEMA)
    differed = 0
    try:
        for topic, params in enumerate(queries):
            stored = dict(
                connection.execute("SELECT nct_id, study FROM studies WHERE topic = ?", (topic,))
            )
            with connection:
                token = None
                while True:
                    asked = {**params, "pageToken": token} if token else dict(params)
                    response = session.get(f"{api_url}/studies", params=asked, timeout=120)
                    response.raise_for_status()
                    page = response.json()
                    for study in page.get("studies", []):
                        nct_id = study["protocolSection"]["identificationModule"]["nctId"]
                        text = json.dumps(study, sort_keys=True)
                        if stored.get(nct_id) != text:
                            differed += 1
                            connection.execute(
                                "INSERT OR REPLACE INTO studies VALUES (?, ?, ?)",
                                (topic, nct_id, text),
                            )
                    token = page.get("nextPageToken")
                    if not token:
                        break
    finally:
        connection.close()
    return differed


def main(argv: Sequence[str]) -> int:
    database, api_url, queries = argv
    differed = night(Path(database), api_url, json.loads(Path(queries).read_text()))
    print(json.dumps({"differed": differed}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
