"""A fake ClinicalTrials.gov API v2 on 127.0.0.1, with injectable faults.

    with FakeCtgov([make_study("NCT00000001")]) as fake:
        fake.inject(Fault.too_many_requests(retry_after=1))
        client = CtgovClient(fake.url)

Modules: `server` (HTTP, lifecycle, `serve`), `corpus` (the registry and its answers),
`essie` (the search-expression subset), `index` (words and dates to studies, so a search
tests only what may match), `fields` (pieces, search areas, `fields=`),
`faults` (what can go wrong), `cli` (the `tracker fake-ctgov` command).

The names below load on first use, so that registering the command costs `tracker` nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.fake_registry.corpus import DEFAULT_DATA_TIMESTAMP
    from tracker.fake_registry.faults import Fault, FaultKind
    from tracker.fake_registry.server import FakeCtgov, load_corpus, serve

_HOMES = {
    "DEFAULT_DATA_TIMESTAMP": "corpus",
    "Fault": "faults",
    "FaultKind": "faults",
    "FakeCtgov": "server",
    "load_corpus": "server",
    "serve": "server",
}

__all__ = ["DEFAULT_DATA_TIMESTAMP", "FakeCtgov", "Fault", "FaultKind", "load_corpus", "serve"]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
