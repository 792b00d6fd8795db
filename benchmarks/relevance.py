"""`python -m benchmarks.relevance`: the relevance tiers against hand labels.

The labelled set (`tests/data/relevance/labels.yaml`) pairs claims (the built-in catalog's
and those of `tests/data/relevance/claims.yaml`) with every study the fake registry
returns for them over real records (`tests/data/relevance/records/`, copied from the
shared corpus), each labelled by hand as testing the claim or not. The fake searches as
broadly as the registry's areas (conditions' MeSH ancestors, intervention and arm
descriptions). This scores the tiers the sync would store:

- direct precision: of the pairs in `direct`, the share that test the claim;
- recall of direct and indirect: of the pairs that test the claim, the share in either
  (what a person screening `tracker trials --tier indirect` would still see).

It rewrites the "Relevance" section of `benchmarks/RESULTS.md`;
`tests/test_relevance_benchmark.py` fails when the figures drop below the goals.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from claims.builtin import builtin_files
from claims.parse import parse_files
from claims.spec import ClaimSpec
from tracker.ctgov.parse import parse_study
from tracker.fake_registry.corpus import Corpus
from tracker.relevance import assess
from tracker.sync.plan import query_for

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "relevance"
RESULTS = Path(__file__).with_name("RESULTS.md")
START, END = "<!-- relevance -->", "<!-- /relevance -->"
GOALS = {"direct_precision": 0.8, "recall_direct_or_indirect": 0.9}


@dataclass(frozen=True)
class Judged:
    claim: str
    nct_id: str
    tests_claim: bool
    tier: str
    reason: str


def labelled_claims() -> dict[str, ClaimSpec]:
    files = [*builtin_files(), (DATA / "claims.yaml", "tests/data/relevance/claims.yaml")]
    return {claim.id: claim for article in parse_files(files) for claim in article.claims}


def labels() -> list[dict[str, Any]]:
    return list(yaml.safe_load((DATA / "labels.yaml").read_text(encoding="utf-8"))["labels"])


def corpus() -> Corpus:
    return Corpus(
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((DATA / "records").glob("NCT*.json"))
    )


def returned(registry: Corpus, claim: ClaimSpec) -> dict[str, Any]:
    """The studies the fake registry returns for a claim's search, parsed, by NCT id."""
    page = registry.page(query_for(claim.topic).params())
    return {record.nct_id: record for record in map(parse_study, page["studies"])}


def judge() -> list[Judged]:
    claims, registry = labelled_claims(), corpus()
    found: dict[str, dict[str, Any]] = {}
    judged = []
    for label in labels():
        claim = claims[label["claim"]]
        if claim.id not in found:
            found[claim.id] = returned(registry, claim)
        record = found[claim.id][label["nct_id"]]
        judged.append(
            Judged(
                claim.id,
                label["nct_id"],
                label["tests_claim"],
                assess(claim.topic, record).tier.value,
                label["reason"],
            )
        )
    return judged


def scores(judged: list[Judged]) -> dict[str, Any]:
    direct = [j for j in judged if j.tier == "direct"]
    true = [j for j in judged if j.tests_claim]
    kept = [j for j in true if j.tier in ("direct", "indirect")]
    return {
        "pairs": len(judged),
        "claims": len({j.claim for j in judged}),
        "testing": len(true),
        "direct_precision": round(sum(j.tests_claim for j in direct) / len(direct), 3),
        "recall_direct_or_indirect": round(len(kept) / len(true), 3),
        "direct_recall": round(sum(j.tier == "direct" for j in true) / len(true), 3),
        "by_tier": {
            tier: dict(Counter(j.tests_claim for j in judged if j.tier == tier))
            for tier in ("direct", "indirect", "background")
        },
    }


def section(result: dict[str, Any], judged: list[Judged]) -> str:
    rows = [
        f"| {tier} | {counts.get(True, 0)} | {counts.get(False, 0)} |"
        for tier, counts in result["by_tier"].items()
    ]
    misses = [
        f"- {j.claim} / {j.nct_id}: {j.tier}, labelled"
        f" {'testing' if j.tests_claim else 'not testing'} ({j.reason})"
        for j in judged
        if (j.tier == "direct") != j.tests_claim
    ]
    lines = [
        START,
        "## Relevance tiers against hand labels",
        "",
        f"{result['pairs']} (claim, study) pairs, {result['claims']} claims, real records;"
        f" {result['testing']} pairs test their claim (labels and reasons in"
        " `tests/data/relevance/labels.yaml`; `python -m benchmarks.relevance`).",
        "The rules were refined while looking at these pairs and there is no held-out set:",
        "expect lower figures on claims and records they have not seen.",
        "",
        "| figure | value | goal |",
        "| --- | --- | --- |",
        f"| direct precision | {result['direct_precision']:.3f} | ≥ {GOALS['direct_precision']} |",
        f"| trials that test the claim in direct or indirect"
        f" | {result['recall_direct_or_indirect']:.3f}"
        f" | ≥ {GOALS['recall_direct_or_indirect']} |",
        f"| trials that test the claim in direct | {result['direct_recall']:.3f} | |",
        "",
        "| tier | tests the claim | does not |",
        "| --- | --- | --- |",
        *rows,
        "",
        "Where the direct tier and the labels disagree:",
        "",
        *misses,
        END,
    ]
    return "\n".join(lines) + "\n"


def kept_section(path: Path = RESULTS) -> str:
    """The relevance section of an existing RESULTS.md, for the scale benchmark to keep."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START not in text:
        return ""
    return "\n" + text[text.index(START) : text.index(END) + len(END)] + "\n"


def main() -> None:
    judged = judge()
    result = scores(judged)
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if START in text:
        text = text[: text.index(START)].rstrip("\n") + text[text.index(END) + len(END) :]
    RESULTS.write_text(text.rstrip("\n") + "\n\n" + section(result, judged), encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
