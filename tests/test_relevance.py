"""Relevance tiers and reasons on real registry records, and the labelled benchmark.

The records are real ClinicalTrials.gov studies (`tests/data/relevance/records/`, copied
from the shared corpus); the labels say by hand which of them test each claim.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from claims.spec import Topic
from tracker.ctgov.parse import parse_study
from tracker.ctgov.records import StudyRecord
from tracker.relevance import assess
from tracker.relevance.rules import weights

RECORDS = Path(__file__).parent / "data" / "relevance" / "records"
BENCHMARK = Path(__file__).parent.parent / "benchmarks" / "relevance.py"


def _benchmark_module() -> ModuleType:
    """`benchmarks/relevance.py` on its own: the benchmarks are not installed, and putting
    the repository on the path would shadow the installed package."""
    spec = importlib.util.spec_from_file_location("relevance_benchmark", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _benchmark_module()
TADALAFIL = Topic(conditions=("erectile dysfunction",), interventions=("tadalafil",))


def record(nct_id: str) -> StudyRecord:
    return parse_study(json.loads((RECORDS / f"{nct_id}.json").read_text(encoding="utf-8")))


def texts(topic: Topic, nct_id: str) -> list[str]:
    return [reason.text for reason in assess(topic, record(nct_id)).reasons]


def test_a_placebo_controlled_trial_of_the_intervention_is_direct_with_its_arm() -> None:
    relevance = assess(TADALAFIL, record("NCT00836693"))

    assert relevance.tier == "direct"
    assert texts(TADALAFIL, "NCT00836693")[:2] == [
        "intervention 'tadalafil' in arm 'Tadalafil' (EXPERIMENTAL)",
        "condition 'erectile dysfunction' as 'Erectile Dysfunction'",
    ]
    assert "randomised allocation" in texts(TADALAFIL, "NCT00836693")


def test_an_intervention_every_arm_gets_with_the_tested_drug_is_background() -> None:
    relevance = assess(TADALAFIL, record("NCT02862483"))

    assert relevance.tier == "background"
    assert relevance.reasons[0].rule == "intervention_is_setting"


def test_the_control_of_a_trial_testing_something_else_is_indirect() -> None:
    relevance = assess(TADALAFIL, record("NCT05199727"))

    assert relevance.tier == "indirect"
    assert relevance.reasons[0].text == (
        "intervention 'tadalafil' only in comparator arm 'Medical Treatment Group'"
        " (ACTIVE_COMPARATOR): the study tests something against it"
    )


def test_a_partner_of_several_investigational_agents_is_indirect() -> None:
    topic = Topic(conditions=("melanoma",), interventions=("pembrolizumab",))

    relevance = assess(topic, record("NCT04305041"))

    assert relevance.tier == "indirect"
    assert relevance.reasons[0].rule == "intervention_is_partner"


def test_a_condition_reached_only_through_a_broader_mesh_term_is_indirect() -> None:
    topic = Topic(conditions=("lymphoma",), interventions=("CAR-T",))

    relevance = assess(topic, record("NCT05309213"))

    assert relevance.tier == "indirect"
    assert (
        "condition only via a keyword, a broader MeSH term or ancestor"
        " 'Precursor Cell Lymphoblastic Leukemia-Lymphoma'" in texts(topic, "NCT05309213")
    )


def test_a_transplant_named_only_in_the_record_of_a_drug_trial_is_not_direct() -> None:
    topic = Topic(
        conditions=("leukemia",),
        interventions=("allogeneic hematopoietic stem cell transplantation",),
    )

    assert assess(topic, record("NCT05071482")).tier != "direct"


def test_primary_outcomes_of_no_clinical_effect_keep_a_trial_out_of_direct() -> None:
    relevance = assess(TADALAFIL, record("NCT00382135"))

    assert relevance.tier == "indirect"
    assert "outcome_not_clinical" in [reason.rule for reason in relevance.reasons]


def test_scores_are_the_capped_sum_of_the_weights_of_the_rules_that_fired() -> None:
    for nct_id in ("NCT00836693", "NCT05199727", "NCT02862483"):
        relevance = assess(TADALAFIL, record(nct_id))
        assert 0.0 <= relevance.score <= 1.0
        assert relevance.score == round(min(1.0, sum(r.weight for r in relevance.reasons)), 3)
        assert all(r.weight == weights().get(r.rule, 0.0) for r in relevance.reasons)


def test_the_fake_returns_exactly_the_labelled_studies_for_each_claim() -> None:
    claims, registry = bench.labelled_claims(), bench.corpus()
    wanted: dict[str, set[str]] = {}
    for label in bench.labels():
        wanted.setdefault(label["claim"], set()).add(label["nct_id"])

    assert {claim: set(bench.returned(registry, claims[claim])) for claim in wanted} == wanted
    assert len(bench.labels()) >= 100
    assert all(label["reason"] for label in bench.labels())


@pytest.fixture(scope="module")
def benchmark() -> dict[str, Any]:
    return dict(bench.scores(bench.judge()))


def test_direct_tier_precision_meets_its_goal(benchmark: dict[str, Any]) -> None:
    assert benchmark["direct_precision"] >= bench.GOALS["direct_precision"]


def test_trials_that_test_the_claim_stay_in_direct_or_indirect(
    benchmark: dict[str, Any],
) -> None:
    assert benchmark["recall_direct_or_indirect"] >= bench.GOALS["recall_direct_or_indirect"]


def test_an_allogeneic_transplant_is_not_the_autologous_one_a_claim_names() -> None:
    autologous = Topic(
        conditions=("leukemia",), interventions=("autologous stem cell transplantation",)
    )
    allogeneic = Topic(
        conditions=("leukemia",), interventions=("allogeneic stem cell transplantation",)
    )

    assert (
        assess(autologous, record("NCT05335226")).reasons[0].rule
        != "intervention_in_experimental_arm"
    )
    assert assess(allogeneic, record("NCT05335226")).reasons[0].rule.startswith("intervention_")
    assert "intervention_synonym_only" not in [
        r.rule for r in assess(allogeneic, record("NCT05335226")).reasons
    ]
