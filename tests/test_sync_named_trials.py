"""A claim naming trials (`topic.nct_ids`) links them whatever its search returns."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import Tracker
from ctgov_builders import make_study, nct
from scenarios import LIVER, write_claims

from claims.errors import ClaimFileError
from claims.parse import parse_text
from claims.spec import Topic
from tracker.fake_registry import FakeCtgov
from tracker.sync.plan import walk_queries

NAMED = f"""\
article:
  id: liver
  title: "Stem cells against liver cancer"
claims:
  - id: liver-msc
    text: "MSCs regenerate liver tissue in liver cancer (trial {nct(9)})."
    as_of: 2026-11-21
    topic:
      conditions: ["hepatocellular carcinoma"]
      interventions: ["mesenchymal stem cells"]
      nct_ids: ["{nct(9).lower()}", "{nct(1)}"]
"""


def test_named_trials_are_fetched_by_filter_ids_and_linked_beside_the_search(
    tracker: Tracker, registry: FakeCtgov, tmp_path: Path
) -> None:
    registry.set_data_timestamp("2026-11-24T09:00:00")
    registry.put_study(make_study(nct(1), **LIVER))
    registry.put_study(make_study(nct(9), conditions=["Asthma"], interventions=["Dupilumab"]))
    registry.put_study(make_study(nct(8), conditions=["Asthma"], interventions=["Dupilumab"]))
    assert tracker("claims", "load", str(write_claims(tmp_path, NAMED))).status == 0

    result = tracker("sync", "--format", "json")

    assert result.status == 0, result.err
    [row] = json.loads(result.out)
    assert row["requests"] == 2
    [search, named] = [params for path, params in registry.requests if path == "/studies"]
    assert "filter.ids" not in search
    assert named["filter.ids"] == f"{nct(9)},{nct(1)}"
    assert not any(key.startswith("query.") for key in named)
    shown = json.loads(tracker("claims", "show", "liver-msc", "--format", "json").out)
    assert sorted(trial["nct_id"] for trial in shown["trials"]) == [nct(1), nct(9)]


def test_an_incremental_sync_asks_for_named_trials_updated_since_too() -> None:
    topic = Topic(conditions=("asthma",), nct_ids=(nct(9),))
    queries = walk_queries(topic, updated_since=None)
    assert [q.nct_ids for q in queries] == [(), (nct(9),)]
    [_, named] = walk_queries(topic, updated_since=date(2026, 11, 1))
    assert named.params()["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2026-11-01,MAX]"
    assert walk_queries(Topic(conditions=("asthma",))) == walk_queries(topic)[:1]


def test_claim_files_validate_and_normalise_nct_ids() -> None:
    article = parse_text(NAMED, "named.yaml")
    assert article.claims[0].topic.nct_ids == (nct(9), nct(1))
    with pytest.raises(ClaimFileError) as caught:
        parse_text(NAMED.replace(nct(1), "NCT123"), "bad.yaml")
    assert "topic.nct_ids[1]" in str(caught.value)
    assert "'NCT123' is not an NCT id" in str(caught.value)
