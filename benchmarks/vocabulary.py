"""Made-up but plausible names for the synthetic registry: conditions, drugs, sponsors.

Every name is built from syllables, so each condition is a phrase no other condition
contains: a claim searching for one matches exactly the studies that list it, and match
counts follow from the corpus rather than from accidents of wording.
"""

from __future__ import annotations

import random

_ONSETS = ("b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z")
_VOWELS = ("a", "e", "i", "o", "u", "ae", "io")
_CODAS = ("", "", "l", "n", "r", "s", "th", "x")

DISEASE_NOUNS = (
    "disease",
    "syndrome",
    "carcinoma",
    "fibrosis",
    "deficiency",
    "infection",
    "neuropathy",
    "dystrophy",
    "insufficiency",
    "lymphoma",
    "arthritis",
    "hepatitis",
)
ADJECTIVE_ENDINGS = ("ic", "al", "oid", "otic", "ar")
DRUG_ENDINGS = ("mab", "nib", "tide", "vir", "stat", "zole", "parin", "cillin")
INTERVENTION_TYPES = ("DRUG", "DRUG", "DRUG", "BIOLOGICAL", "PROCEDURE", "DEVICE", "BEHAVIORAL")
SPONSOR_KINDS = ("University Hospital", "Pharmaceuticals", "Medical Center", "Research Institute")


def pseudo_word(rng: random.Random, syllables: int) -> str:
    """A pronounceable made-up word of a few syllables."""
    parts = [
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
    ]
    return "".join(parts)


def unique_roots(rng: random.Random, count: int, used: set[str]) -> list[str]:
    """`count` made-up word roots, none seen before in `used` (which is updated)."""
    roots: list[str] = []
    while len(roots) < count:
        root = pseudo_word(rng, rng.choice((2, 3)))
        if root not in used and not root.endswith("s"):
            used.add(root)
            roots.append(root)
    return roots


def condition_names(rng: random.Random, count: int, used: set[str]) -> list[str]:
    """Condition names such as "Korvalic Fibrosis", each with its own root."""
    return [
        f"{root.title()}{rng.choice(ADJECTIVE_ENDINGS)} {rng.choice(DISEASE_NOUNS).title()}"
        for root in unique_roots(rng, count, used)
    ]


def drug_names(rng: random.Random, count: int, used: set[str]) -> list[str]:
    """Drug names such as "korvamab", each with its own root."""
    return [f"{root}{rng.choice(DRUG_ENDINGS)}" for root in unique_roots(rng, count, used)]


def sponsor_names(rng: random.Random, count: int, used: set[str]) -> list[str]:
    return [
        f"{root.title()} {rng.choice(SPONSOR_KINDS)}" for root in unique_roots(rng, count, used)
    ]
