"""The benchmark's registry dressed in real records: the shapes and sizes of
`../shared/ctgov/corpus/` (arms, outcomes, MeSH terms, references, eligibility text),
cloned and re-identified to the scale's size.

Study *i* of the synthetic registry (`benchmarks.corpus.generate`) takes real record
*i mod n* (the files in name order, so the result is deterministic) and keeps of its own
what the benchmark's claims and changes rely on: its NCT id, its status module (dates,
statuses, results), its conditions, the names of its first interventions and its
enrollment. Everything else is the real record's, so the sync parses, stores, judges and
compares real-sized records while every claim matches exactly what it matches on the
synthetic corpus, and the request counts stay comparable. Each clone is encoded as soon
as it is dressed, as the synthetic studies are (`Registry.studies` holds bytes).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.corpus import Registry
from tracker.fake_registry.stored import encode

DEFAULT_FOLDER = Path(__file__).resolve().parent.parent.parent / "shared" / "ctgov" / "corpus"
"""`../shared/ctgov/corpus` beside the repository, where the project keeps its real records."""


def read_records(folder: Path) -> list[dict[str, Any]]:
    """The real records of `folder` (`NCT*.json`, API v2 shape), in file-name order."""
    records = [json.loads(path.read_bytes()) for path in sorted(folder.glob("NCT*.json"))]
    if not records:
        raise FileNotFoundError(f"no NCT*.json records in {folder}")
    return records


def dressed(registry: Registry, records: list[dict[str, Any]]) -> Registry:
    """`registry` with each study in the clothes of a real record."""
    studies = [
        encode(_dress(study, records[i % len(records)]))
        for i, study in enumerate(registry.records())
    ]
    return Registry(registry.scale, studies, registry.claims)


def _dress(synthetic: dict[str, Any], real: dict[str, Any]) -> dict[str, Any]:
    mine, theirs = synthetic["protocolSection"], real["protocolSection"]
    identification = {
        key: value for key, value in theirs["identificationModule"].items() if key != "nctIdAliases"
    }
    identification["nctId"] = mine["identificationModule"]["nctId"]
    conditions = {**theirs.get("conditionsModule", {})}
    conditions["conditions"] = mine["conditionsModule"]["conditions"]
    design = {
        **theirs.get("designModule", {}),
        "enrollmentInfo": mine["designModule"]["enrollmentInfo"],
    }
    protocol = {
        **theirs,
        "identificationModule": identification,
        "statusModule": mine["statusModule"],
        "conditionsModule": conditions,
        "designModule": design,
        "armsInterventionsModule": _arms(mine["armsInterventionsModule"], theirs),
    }
    return {**real, "protocolSection": protocol, "hasResults": synthetic["hasResults"]}


def _arms(mine: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """The real arms and interventions, the first interventions named as the synthetic's
    (which claims search for); the synthetic's where the real record has none."""
    arms = theirs.get("armsInterventionsModule") or {}
    real = arms.get("interventions") or []
    if not real:
        return mine
    names = [intervention["name"] for intervention in mine["interventions"]]
    renamed = [
        {**intervention, "name": names[i]} if i < len(names) else intervention
        for i, intervention in enumerate(real)
    ]
    return {**arms, "interventions": renamed + mine["interventions"][len(real) :]}
