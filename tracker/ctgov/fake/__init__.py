"""A fake ClinicalTrials.gov API v2 on 127.0.0.1, with injectable faults.

    with FakeCtgov([make_study("NCT00000001")]) as fake:
        fake.inject(Fault.too_many_requests(retry_after=1))
        client = CtgovClient(fake.url)

Modules: `server` (HTTP, lifecycle, `serve`), `corpus` (the registry and its answers),
`essie` (the search-expression subset), `index` (words and dates to studies, so a search
tests only what may match), `fields` (pieces, search areas, `fields=`),
`faults` (what can go wrong).
"""

from tracker.ctgov.fake.corpus import DEFAULT_DATA_TIMESTAMP
from tracker.ctgov.fake.faults import Fault, FaultKind
from tracker.ctgov.fake.server import FakeCtgov, load_corpus, serve

__all__ = ["DEFAULT_DATA_TIMESTAMP", "FakeCtgov", "Fault", "FaultKind", "load_corpus", "serve"]
