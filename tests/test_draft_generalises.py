"""Extraction rules that carry to articles in any area: the verbs health writing uses,
parts of speech, comparators, claims over two sentences, the article's own condition."""

from __future__ import annotations

from claims.draft import ProposedClaim, draft_text


def _claims(body: str, title: str = "Health news") -> tuple[ProposedClaim, ...]:
    return draft_text(f"{title}\n\n{body}", source="article.txt").claims


def test_health_writing_verbs_are_effects() -> None:
    for sentence in (
        "Deep brain stimulation keeps patients with Parkinson's disease independent for longer.",
        "Deep brain stimulation shortens the daily off periods in Parkinson's disease.",
        "Nivolumab lengthened survival in advanced melanoma.",
        "Exa-cel freed patients with sickle cell disease from painful crises.",
    ):
        [claim] = _claims(sentence)
        assert claim.topic.conditions, sentence


def test_a_drug_class_named_with_inhibitors_is_an_intervention_not_an_effect() -> None:
    [claim] = _claims("Checkpoint inhibitors extend survival in metastatic melanoma.")
    assert claim.topic.interventions[0] == "immune checkpoint inhibitor"
    assert claim.reasons.startswith('effect "extend"')
    assert not _claims("Checkpoint inhibitors are antibodies given to people with melanoma.")


def test_the_comparator_is_not_the_claims_intervention() -> None:
    [claim] = _claims(
        "Axicabtagene ciloleucel improved event-free survival compared with autologous"
        " transplant in large B-cell lymphoma."
    )
    assert "axicabtagene ciloleucel" in claim.topic.interventions
    assert not any("autologous" in term for term in claim.topic.interventions)
    [better] = _claims("Apixaban prevented strokes better than warfarin in atrial fibrillation.")
    assert better.topic.interventions == ("apixaban",)


def test_a_brand_name_searches_its_generic_name_too() -> None:
    [claim] = _claims("Keytruda prolonged survival in non-small cell lung cancer.")
    assert claim.topic.interventions == ("pembrolizumab", "Keytruda")
    assert claim.id.startswith("pembrolizumab-prolonged")


def test_a_risk_and_the_harm_named_in_the_next_sentence_make_one_claim() -> None:
    [claim] = _claims(
        "Deep brain stimulation helps tremor in Parkinson's disease.\n\n"
        "Deep brain stimulation surgery carries risks. Bleeding in the brain occurs in about"
        " one in fifty operations."
    )[1:]
    assert len(claim.sources) == 2
    assert "hemorrhage" in claim.topic.conditions
    assert "Parkinson disease" in claim.topic.conditions
    assert claim.text.startswith("Deep brain stimulation surgery carries risks. Bleeding")


def test_a_sentence_leaning_on_the_one_before_is_joined_to_it() -> None:
    [claim] = _claims(
        "Exagamglogene autotemcel uses gene editing to switch on fetal hemoglobin. In its main"
        " study, most patients with sickle cell disease were free of crises for a year."
    )
    assert claim.topic.interventions[0] == "exagamglogene autotemcel"
    assert claim.sources[0].startswith("Exagamglogene autotemcel uses")


def test_a_claim_takes_the_condition_its_paragraph_names_before_the_titles() -> None:
    claims = _claims(
        "Ciltacabtagene autoleucel produced responses in most patients with multiple myeloma."
        " Idecabtagene vicleucel delayed progression compared with standard regimens.",
        title="CAR-T cell therapy in lymphoma",
    )
    assert claims[1].topic.interventions[0] == "idecabtagene vicleucel"
    assert claims[1].topic.conditions[0] == "multiple myeloma"


def test_a_symptom_joins_the_articles_condition_instead_of_replacing_it() -> None:
    [claim] = _claims(
        "GLP-1 receptor agonists commonly cause nausea.", title="GLP-1 drugs in obesity"
    )
    assert claim.topic.conditions[0] == "obesity"
    assert "nausea" in claim.topic.conditions


def test_a_trial_the_sentence_names_goes_into_the_topic() -> None:
    [claim] = _claims(
        "In the SELECT trial (nct03574597), semaglutide reduced heart attacks in obesity."
    )
    assert claim.topic.nct_ids == ("NCT03574597",)
