"""`tracker demo`: the whole loop offline, on real registry records, in a folder of its own.

`records/` holds real ClinicalTrials.gov records on the built-in claims' subjects (see its
SOURCES.md); `nights` turns copies of them into what the registry would show a night or two
later; `run` serves them from the fake ClinicalTrials.gov and drives the real commands.
"""

from pathlib import Path

RECORDS_DIR = Path(__file__).parent / "records"
"""Real ClinicalTrials.gov records, as the registry returned them (see SOURCES.md there)."""
