"""Which sentences of an article become proposed claims, and which are passed over and why.

The articles here are short and hand-written, in other words and other diseases than the
two catalog articles, so that the rules are tested on language rather than on those texts.
"""

from __future__ import annotations

import pytest

from claims.draft import Draft, ProposedClaim, draft_text


def _draft(body: str, title: str = "Cell therapy for knee osteoarthritis") -> Draft:
    return draft_text(f"{title}\n\n{body}\n", source="article.txt")


def _reasons(draft: Draft) -> dict[str, str]:
    return {skipped.sentence: skipped.reason for skipped in draft.skipped}


def _only(draft: Draft) -> ProposedClaim:
    assert len(draft.claims) == 1, [c.sources for c in draft.claims]
    return draft.claims[0]


def test_an_intervention_said_to_change_an_outcome_is_proposed() -> None:
    claim = _only(_draft("Injections of mesenchymal stromal cells relieve knee pain for a year."))
    assert "relieve" in claim.reasons
    assert "mesenchymal stem cells" in claim.topic.interventions
    assert "osteoarthritis" in claim.topic.conditions
    assert claim.sources == (
        "Injections of mesenchymal stromal cells relieve knee pain for a year.",
    )


@pytest.mark.parametrize(
    ("reason", "sentences"),
    [
        ("background", ["Osteoarthritis is a leading cause of disability in older adults."]),
        (
            "call to action",
            [
                "Ask your surgeon whether stem cell injections could help your knee.",
                "Readers are encouraged to consult a specialist before paying for cell therapy.",
                "Speak with your care team about the risks of stem cell clinics.",
            ],
        ),
        (
            "research agenda",
            [
                "Further studies will be required before stem cells can be recommended.",
                "Researchers are exploring whether stem cells can regrow cartilage.",
            ],
        ),
        (
            "boilerplate",
            [
                "Stem cell therapy may one day offer hope to millions of people with sore knees.",
                "Like any treatment, stem cell injections are not without risk.",
            ],
        ),
    ],
)
def test_sentences_that_make_no_claim_are_skipped_with_the_reason(
    reason: str, sentences: list[str]
) -> None:
    draft = _draft(" ".join(sentences))
    assert draft.claims == ()
    assert _reasons(draft) == dict.fromkeys(sentences, reason)


def test_a_risk_needs_a_named_harm() -> None:
    vague = "Stem cell injections carry some risks."
    named = "Stem cell injections carry a risk of infection in the joint."
    draft = _draft(f"{vague} {named}")
    assert _reasons(draft) == {vague: "risk without a named harm"}
    claim = _only(draft)
    assert claim.sources == (named,)
    assert claim.topic.terms == ("infection",)


def test_a_sentence_about_standard_care_alone_is_background() -> None:
    sentence = "Knee surgery often reduces pain but needs long rehabilitation."
    draft = _draft(sentence)
    assert draft.claims == ()
    assert _reasons(draft) == {sentence: "about standard care only"}


def test_a_sentence_naming_no_treatment_is_not_a_claim() -> None:
    sentence = "Patience and good shoes improve knee pain in most people."
    draft = _draft(sentence, title="Living with osteoarthritis")
    assert draft.claims == ()
    assert _reasons(draft) == {sentence: "no intervention"}


def test_hedged_claims_are_kept_with_lower_confidence() -> None:
    firm = _only(_draft("Mesenchymal stem cells reduce knee pain in osteoarthritis."))
    hedged = _only(_draft("Mesenchymal stem cells might possibly reduce knee pain."))
    assert hedged.confidence < firm.confidence
    assert '"might"' in hedged.reasons


def test_a_claim_of_no_effect_is_kept_but_flagged_and_less_sure() -> None:
    positive = _only(_draft("Mesenchymal stem cells improved knee function in osteoarthritis."))
    negative = _only(
        _draft("Mesenchymal stem cells did not improve knee function in osteoarthritis.")
    )
    assert 'negated "did not"' in negative.reasons
    assert negative.confidence < positive.confidence


def test_a_claim_without_a_condition_takes_the_articles_subject_at_lower_confidence() -> None:
    carried = _only(_draft("Mesenchymal stem cells reduce pain and stiffness."))
    named = _only(_draft("Mesenchymal stem cells reduce pain and stiffness in osteoarthritis."))
    assert carried.topic.conditions == named.topic.conditions
    assert 'condition "osteoarthritis" from the article' in carried.reasons
    assert carried.confidence < named.confidence


def test_a_sentence_referring_back_takes_the_previous_intervention() -> None:
    draft = _draft(
        "Doctors inject platelet-rich plasma into the joint. "
        "This treatment reduces pain for several months."
    )
    claim = _only(draft)
    assert claim.topic.interventions == ("platelet-rich plasma",)
    assert "from the previous sentence" in claim.reasons


def test_a_sentence_that_only_adds_context_is_folded_into_the_claim_before() -> None:
    draft = _draft(
        "Mesenchymal stem cells slowed cartilage loss in a small trial. "
        "This matters most for people with rheumatoid arthritis."
    )
    claim = _only(draft)
    assert len(claim.sources) == 2
    assert "rheumatoid arthritis" in claim.topic.conditions


def test_an_opening_contrast_is_not_read_as_the_claim() -> None:
    claim = _only(
        _draft("Unlike surgery, which removes damaged tissue, stem cell injections relieve pain.")
    )
    assert claim.topic.interventions[0] == "stem cell therapy"
    assert claim.topic.terms == ("pain",)
    assert '"relieve"' in claim.reasons


def test_a_closing_summary_is_merged_into_the_claims_it_restates() -> None:
    draft = _draft(
        "Mesenchymal stem cells reduce knee pain in osteoarthritis.\n\n"
        "Platelet-rich plasma improves function in osteoarthritis.\n\n"
        "To sum up, stem cell injections ease the pain of osteoarthritis."
    )
    assert len(draft.claims) == 2
    first = draft.claims[0]
    assert first.sources[-1].startswith("To sum up")
    assert "restated 1x" in first.reasons


def test_the_same_claim_developed_over_a_paragraph_is_proposed_once() -> None:
    draft = _draft(
        "Mesenchymal stem cells lower the risk of relapse in Crohn's disease. "
        "In one trial they reduced relapse by half in patients with Crohn's disease."
    )
    assert len(_only(draft).sources) == 2
