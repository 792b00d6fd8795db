"""The benchmark at small scales, so that it cannot rot.

It runs `python -m benchmarks.run` as a user would, from the repository root, and checks
what the full-scale table promises: request counts exactly at their minimum, one request
when nothing changed, one per claim after a 1 % change, memory flat between the sizes.

The default run measures the smallest scale; memory is compared under the `benchmark`
marker (`pytest -m benchmark`, which `.ci/run` runs too), from 10 claims / 1,000 studies to
100 claims / 10,000: 35 times the matches, so a sync that held its studies in memory would
grow by hundreds of MB, far past the README's 50 MB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import POSTGRES_URL, SKIP_POSTGRES

ROOT = Path(__file__).resolve().parent.parent
MEMORY_GROWTH_LIMIT_MB = 50
"""The README's target for peak memory growth between the benchmark's scales."""


def run_benchmark(tmp_path: Path, *args: str) -> tuple[list[dict[str, Any]], str]:
    out, numbers = tmp_path / "RESULTS.md", tmp_path / "results.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "benchmarks.run", "--repeat", "1", *args]
    command += ["--out", str(out), "--json", str(numbers)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(numbers.read_text()), out.read_text()


def assert_requests_at_their_minimum(result: dict[str, Any]) -> None:
    assert result["matches"] > result["claims"]
    assert result["fewest_pages"] >= result["claims"]
    no_match = result["full_expected"] - 1 - result["fewest_pages"]  # one request each
    assert 0 <= no_match < result["claims"]
    assert result["full_requests"] == result["full_expected"]
    assert result["unchanged_requests"] == 1
    assert result["changed_requests"] == result["changed_expected"] == result["claims"] + 1
    assert result["ingest_studies"] == result["matches"]
    assert result["ingest_per_second"] > 0 < result["baseline_per_second"]


def test_benchmark_makes_the_fewest_requests(tmp_path: Path) -> None:
    (tiny,), table = run_benchmark(tmp_path, "--scales", "tiny", "--databases", "sqlite")

    assert (tiny["claims"], tiny["studies"]) == (10, 1_000)
    assert_requests_at_their_minimum(tiny)
    assert "| SQLite, 10 claims / 1,000 studies |" in table.splitlines()[5]
    assert tiny["bare_query_seconds"] > 0
    assert min(tiny["status_seconds"], tiny["flags_seconds"], tiny["trials_seconds"]) > 0
    assert "`tracker status` / `flags` / `trials` ÷ bare" in table
    naive = [tiny[f"naive_{night}_requests"] for night in ("first", "unchanged", "changed")]
    assert naive == [tiny["full_requests"] - 1] * 3  # every page each night, no `/version`
    assert min(tiny["naive_unchanged_seconds"], tiny["unchanged_seconds"]) > 0
    assert "Side by side, 1 % changed: requests, tracker / naive peer" in table


@pytest.mark.benchmark
def test_benchmark_memory_stays_flat_from_one_to_ten_thousand_studies(tmp_path: Path) -> None:
    results, table = run_benchmark(tmp_path, "--scales", "tiny", "small", "--databases", "sqlite")

    tiny, small = results
    assert (small["claims"], small["studies"]) == (100, 10_000)
    for result in results:
        assert_requests_at_their_minimum(result)
    assert small["matches"] > 30 * tiny["matches"]
    assert small["peak_rss_mb"] - tiny["peak_rss_mb"] < MEMORY_GROWTH_LIMIT_MB
    assert "| SQLite, 100 claims / 10,000 studies |" in table.splitlines()[5]


@pytest.mark.postgres
def test_benchmark_runs_on_postgresql(tmp_path: Path) -> None:
    if not POSTGRES_URL:
        pytest.skip(SKIP_POSTGRES)

    (result,), table = run_benchmark(
        tmp_path, "--scales", "tiny", "--databases", "postgres", "--postgres", POSTGRES_URL
    )

    assert_requests_at_their_minimum(result)
    assert "PostgreSQL, 10 claims / 1,000 studies" in table


def test_real_records_dress_the_registry_keeping_what_claims_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.corpus import SCALES, generate
    from benchmarks.real_corpus import dressed, read_records

    records = read_records(ROOT / "tests" / "data" / "ctgov")
    synthetic = generate(SCALES["tiny"])
    real = dressed(synthetic, records)

    assert real.claims == synthetic.claims
    studies, originals = list(real.records()), list(synthetic.records())
    assert len(studies) == len(originals)
    ids = [s["protocolSection"]["identificationModule"]["nctId"] for s in studies]
    assert ids == [s["protocolSection"]["identificationModule"]["nctId"] for s in originals]
    for study, original, record in zip(studies, originals, records * len(studies), strict=False):
        mine, theirs = study["protocolSection"], record["protocolSection"]
        assert (
            mine["conditionsModule"]["conditions"]
            == (original["protocolSection"]["conditionsModule"]["conditions"])
        )
        assert mine["statusModule"] == original["protocolSection"]["statusModule"]
        assert mine.get("eligibilityModule") == theirs.get("eligibilityModule")
        assert mine.get("derivedSection") is None
        assert study.get("derivedSection") == record.get("derivedSection")
        assert "nctIdAliases" not in mine["identificationModule"]
        names = {i["name"] for i in mine["armsInterventionsModule"]["interventions"]}
        wanted = original["protocolSection"]["armsInterventionsModule"]["interventions"]
        assert {i["name"] for i in wanted} <= names
    size = sum(len(body) for body in real.studies) / len(studies)
    assert size > 2 * sum(len(body) for body in synthetic.studies) / len(studies)
