"""Hostile inputs shared by the hardening tests: a real record to vary, a YAML bomb."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

SAMPLE = json.loads((Path(__file__).parent / "data/ctgov/NCT03418623.json").read_text())
"""A real record: GET73 in alcohol use disorder."""


def variant(nct_id: str, **changes: Any) -> dict[str, Any]:
    """The sample under another NCT id, with `changes` as `module.field` → value."""
    raw = copy.deepcopy(SAMPLE)
    protocol = raw["protocolSection"]
    protocol["identificationModule"]["nctId"] = nct_id
    for path, value in changes.items():
        *parents, last = path.split(".")
        node = protocol
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return raw


LAUGHS = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{letter}: &{letter} [{', '.join([f'*{previous}'] * 9)}]"
            for previous, letter in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "article: *i",
    ]
)
"""The billion laughs: 9⁹ strings from a file of well under a kilobyte."""
