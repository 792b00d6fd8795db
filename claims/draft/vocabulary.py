"""The drafting vocabulary: shipped YAML data (`claims/vocabulary/*.yaml`) plus the user's.

Three sections name things — `conditions`, `interventions`, `outcomes` — as entries:

    - name: liver cancer                      # required, unique within its section
      match: ["hcc", "liver tumo*"]           # patterns that find it, besides its name
      search: ["hepatocellular carcinoma", "liver cancer"]   # ClinicalTrials.gov terms
      short: liver-cancer                     # optional: its part of a claim id
      group: liver                            # conditions: a family other entries refer to
      broader: ["stem cell therapy"]          # interventions/outcomes: dropped when this is found
      by_group: {liver: ["mesenchymal stem cells"]}   # interventions: terms for a family
      standard_care: true                     # interventions: background unless the subject
      harm: true                              # outcomes: names a harm (for risk claims)

A fourth, `cues`, lists the phrases that mark effects, harms, hedges, sentences to skip, and
so on (see cues.yaml). Search terms do not match by themselves ("blood cancers" searches
for "leukemia" but is not what "leukemia" names): list synonyms in `match`. Patterns are
words compared after normalisation (lower case, plural `s` and British `ae`/`our` folded):
`word*` is any word starting so, and `...` skips up to eight words. A later file's entry
replaces an earlier one of the same name; cue lists add up. Behind the curated entries,
the shipped lexicon (`claims.draft.lexicon`) names what they do not.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml

from claims.errors import VocabularyError

if TYPE_CHECKING:
    from claims.draft.lexicon import Lexicon

VOCABULARY_DIR = Path(__file__).resolve().parent.parent / "vocabulary"
MAX_GAP = 8
Kind = Literal["condition", "intervention", "outcome"]
SECTIONS: dict[str, Kind] = {
    "conditions": "condition",
    "interventions": "intervention",
    "outcomes": "outcome",
}
_ENTRY_KEYS: dict[Kind, frozenset[str]] = {
    "condition": frozenset({"name", "match", "search", "short", "group"}),
    "intervention": frozenset(
        {"name", "match", "search", "short", "broader", "by_group", "standard_care"}
    ),
    "outcome": frozenset({"name", "match", "search", "short", "broader", "harm"}),
}
CUE_LISTS = (
    "effects",
    "harms",
    "hedges",
    "negations",
    "summary",
    "contrast",
    "combination",
    "references",
    "comparators",
    "anaphora",
)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SLUG_PART = re.compile(r"[^a-z0-9]+")

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def normalise_word(word: str) -> str:
    """One word folded so that spelling variants and plurals compare equal."""
    word = word.replace("ae", "e")
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 4 and word.endswith("our"):
        word = word[:-3] + "or"
    return word


@dataclass(frozen=True)
class Token:
    word: str
    start: int
    end: int


def _unquoted(word: str) -> str:
    return word[:-2] if word.endswith("'s") else word.replace("'", "")


def tokenize(text: str) -> list[Token]:
    """Normalised words with their character spans; possessive `'s` dropped."""
    lowered = text.lower().replace("’", "'")
    return [
        Token(normalise_word(_unquoted(found.group())), found.start(), found.end())
        for found in _WORD.finditer(lowered)
    ]


def slugify(text: str) -> str:
    return _SLUG_PART.sub("-", text.lower().replace("’", "").replace("'", "")).strip("-")


@dataclass(frozen=True)
class Pattern:
    """A phrase pattern: words, `prefix*` words and `...` gaps."""

    text: str
    elements: tuple[tuple[str, str], ...]

    @classmethod
    def compile(cls, text: str) -> Pattern:
        elements: list[tuple[str, str]] = []
        for part in text.lower().replace("’", "'").split():
            if part == "...":
                elements.append(("gap", ""))
            elif part.endswith("*"):
                raw = _WORD.findall(part[:-1])
                if not raw:
                    raise ValueError(f"pattern {text!r}: {part!r} has no word before `*`")
                words = [token.word for token in tokenize(part[:-1])]
                elements.extend(("word", word) for word in words[:-1])
                elements.append(("prefix", _unquoted(raw[-1]).replace("ae", "e")))
            else:
                elements.extend(("word", token.word) for token in tokenize(part))
        if not elements or elements[0][0] == "gap" or elements[-1][0] == "gap":
            raise ValueError(f"pattern {text!r} must start and end with a word")
        return cls(text, tuple(elements))

    def match_at(self, words: Sequence[str], start: int) -> int | None:
        """The end of a match starting at `start`, shortest first; None if there is none."""
        return _match(self.elements, words, start)


def _match(elements: Sequence[tuple[str, str]], words: Sequence[str], at: int) -> int | None:
    if not elements:
        return at
    kind, value = elements[0]
    if kind == "gap":
        for skip in range(MAX_GAP + 1):
            end = _match(elements[1:], words, at + skip)
            if end is not None:
                return end
        return None
    if at >= len(words):
        return None
    word = words[at]
    if word == value or (kind == "prefix" and word.startswith(value)):
        return _match(elements[1:], words, at + 1)
    return None


@dataclass(frozen=True)
class Hit:
    """Where a pattern matched: token span [start, end) and the value it stands for."""

    value: Any
    start: int
    end: int
    pattern: str


class PatternIndex:
    """Patterns indexed by their first word, so a sentence is scanned once."""

    def __init__(self, entries: Iterable[tuple[str, Any]]) -> None:
        self._by_word: dict[str, list[tuple[Pattern, Any]]] = defaultdict(list)
        self._by_prefix: list[tuple[Pattern, Any]] = []
        for text, value in entries:
            pattern = Pattern.compile(text)
            kind, first = pattern.elements[0]
            if kind == "prefix":
                self._by_prefix.append((pattern, value))
            else:
                self._by_word[first].append((pattern, value))

    def find(self, words: Sequence[str]) -> list[Hit]:
        hits = []
        for start, word in enumerate(words):
            candidates = self._by_word.get(word, [])
            prefixed = [(p, v) for p, v in self._by_prefix if word.startswith(p.elements[0][1])]
            for pattern, value in [*candidates, *prefixed]:
                end = pattern.match_at(words, start)
                if end is not None:
                    hits.append(Hit(value, start, end, pattern.text))
        return hits


def outermost(hits: Iterable[Hit]) -> list[Hit]:
    """Hits not inside a longer hit ("mesenchymal stem cells" hides its "stem cells"), each
    value once per span."""
    ordered = sorted(hits, key=lambda hit: (hit.start, -(hit.end - hit.start)))
    kept: list[Hit] = []
    for hit in ordered:
        covered = any(
            other.start <= hit.start
            and hit.end <= other.end
            and ((other.end - other.start) > (hit.end - hit.start) or other.value is hit.value)
            for other in kept
        )
        if not covered:
            kept.append(hit)
    return kept


@dataclass(frozen=True, eq=False)
class Concept:
    """A condition, intervention or outcome and the terms to search the registry with.

    Compared by identity: each entry of a loaded vocabulary is one object."""

    kind: Kind
    name: str
    search: tuple[str, ...]
    short: str
    match: tuple[str, ...] = ()
    group: str | None = None
    broader: tuple[str, ...] = ()
    by_group: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    standard_care: bool = False
    harm: bool = False
    lexical: bool = False
    """From the shipped lexicon: the words the article used are searched for too."""
    generic: bool = False
    """Too broad ("cancer") to stand for a claim's condition if the article names another."""
    symptom: bool = False
    """A sign or symptom ("nausea"): joins the claim's condition instead of replacing it."""

    def terms_for(self, groups: Iterable[str]) -> tuple[str, ...]:
        """Search terms, then those this intervention has for the claim's condition groups."""
        extra = [term for group in groups for term in self.by_group.get(group, ())]
        return tuple(dict.fromkeys([*self.search, *extra]))


@dataclass(frozen=True)
class Cues:
    """Phrase patterns that decide whether a sentence makes a claim, and how surely."""

    effects: PatternIndex
    harms: PatternIndex
    hedges: PatternIndex
    negations: PatternIndex
    summary: PatternIndex
    contrast: PatternIndex
    combination: PatternIndex
    references: PatternIndex
    comparators: PatternIndex
    skip: PatternIndex
    anaphora: frozenset[str]


@dataclass(frozen=True)
class Vocabulary:
    """The curated entries and cues, and the lexicon for what they do not name."""

    concepts: PatternIndex
    cues: Cues
    lexicon: Lexicon | None = None

    def find(self, words: Sequence[str]) -> list[Hit]:
        """Concepts named in `words`, a longer name hiding a shorter one inside it; the
        lexicon only where no curated entry matched."""
        hits = self.concepts.find(words)
        by_kind: dict[Kind, list[Hit]] = defaultdict(list)
        for hit in hits:
            by_kind[hit.value.kind].append(hit)
        curated = [hit for kind_hits in by_kind.values() for hit in outermost(kind_hits)]
        if self.lexicon is not None:
            curated += self.lexicon.find(words, [(h.start, h.end) for h in curated])
        return sorted(curated, key=lambda hit: hit.start)


@dataclass
class _Raw:
    """Vocabulary entries and cue lists as read, before compiling."""

    entries: dict[tuple[Kind, str], Concept] = field(default_factory=dict)
    cues: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    skip: list[tuple[str, str]] = field(default_factory=list)


def _text_list(value: Any, where: str, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise VocabularyError(path, "expected a list of non-empty text", entry=where)
    return tuple(" ".join(v.split()) for v in value)


def _pattern_list(value: Any, where: str, path: str) -> tuple[str, ...]:
    """Patterns, each checked to compile so that errors name the file and entry."""
    patterns = _text_list(value, where, path)
    for pattern in patterns:
        try:
            Pattern.compile(pattern)
        except ValueError:
            problem = f"{pattern!r} is not a usable pattern"
            raise VocabularyError(path, problem, entry=where) from None
    return patterns


def _optional(data: dict[str, Any], key: str, kind: type, where: str, path: str) -> Any:
    value = data.get(key)
    if value is not None and not isinstance(value, kind):
        raise VocabularyError(path, f"{key}: expected {kind.__name__}", entry=where)
    return value


def _concept(kind: Kind, data: Any, index: int, path: str) -> Concept:
    where = f"{kind} #{index + 1}"
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise VocabularyError(path, "expected a mapping with a `name`", entry=where)
    name = " ".join(data["name"].split())
    where = f"{kind} {name!r}"
    unknown = set(data) - _ENTRY_KEYS[kind]
    if unknown:
        allowed = ", ".join(sorted(_ENTRY_KEYS[kind]))
        raise VocabularyError(
            path, f"unknown key {sorted(unknown)[0]!r} (expected: {allowed})", entry=where
        )
    search = _text_list(data.get("search"), where, path)
    if kind != "outcome" and not search:
        raise VocabularyError(path, "needs at least one search term", entry=where)
    by_group = _optional(data, "by_group", dict, where, path) or {}
    match = _text_list(data.get("match"), where, path)
    _pattern_list([name, *match], where, path)
    return Concept(
        kind=kind,
        name=name,
        search=search,
        short=slugify(_optional(data, "short", str, where, path) or name),
        match=match,
        group=_optional(data, "group", str, where, path),
        broader=_text_list(data.get("broader"), where, path),
        by_group={g: _text_list(t, f"{where} by_group", path) for g, t in by_group.items()},
        standard_care=bool(_optional(data, "standard_care", bool, where, path)),
        harm=bool(_optional(data, "harm", bool, where, path)),
    )


def _read_cues(data: Any, path: str, raw: _Raw) -> None:
    if not isinstance(data, dict):
        raise VocabularyError(path, "cues: expected a mapping")
    for key, value in data.items():
        if key == "skip":
            if not isinstance(value, dict):
                raise VocabularyError(path, "expected a mapping of reason: patterns", entry=key)
            for reason, patterns in value.items():
                raw.skip.extend((p, str(reason)) for p in _pattern_list(patterns, key, path))
        elif key in CUE_LISTS:
            raw.cues[key].extend(_pattern_list(value, key, path))
        else:
            expected = ", ".join([*CUE_LISTS, "skip"])
            raise VocabularyError(path, f"unknown cue list {key!r} (expected: {expected})")


def _read_file(path: Path, raw: _Raw) -> None:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as exc:
        raise VocabularyError(str(path), f"cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise VocabularyError(str(path), f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise VocabularyError(str(path), "expected a mapping of sections")
    for section, value in data.items():
        if section == "cues":
            _read_cues(value, str(path), raw)
            continue
        if section not in SECTIONS:
            expected = ", ".join([*SECTIONS, "cues"])
            raise VocabularyError(str(path), f"unknown section {section!r} (expected: {expected})")
        if not isinstance(value, list):
            raise VocabularyError(str(path), f"{section}: expected a list of entries")
        kind = SECTIONS[section]
        for index, item in enumerate(value):
            concept = _concept(kind, item, index, str(path))
            raw.entries.pop((kind, concept.name.casefold()), None)
            raw.entries[(kind, concept.name.casefold())] = concept


def _compile(raw: _Raw, lexicon: Lexicon | None) -> Vocabulary:
    patterns: list[tuple[str, Concept]] = []
    for concept in raw.entries.values():
        phrases = dict.fromkeys([concept.name, *concept.match])
        patterns.extend((phrase, concept) for phrase in phrases)
    lists = {
        name: PatternIndex((p, p) for p in raw.cues.get(name, []))
        for name in CUE_LISTS
        if name != "anaphora"
    }
    cues = Cues(
        skip=PatternIndex(raw.skip),
        anaphora=frozenset(normalise_word(word.lower()) for word in raw.cues.get("anaphora", [])),
        **lists,
    )
    return Vocabulary(concepts=PatternIndex(patterns), cues=cues, lexicon=lexicon)


def load_vocabulary(extra: Sequence[Path] = (), *, lexicon: bool = True) -> Vocabulary:
    """The shipped vocabulary, extended (or overridden by name) by `extra` files in order;
    with `lexicon`, the shipped terminologies behind them."""
    raw = _Raw()
    for path in [*sorted(VOCABULARY_DIR.glob("*.yaml")), *extra]:
        _read_file(path, raw)
    if not lexicon:
        return _compile(raw, None)
    from claims.draft.lexicon import shipped_lexicon

    return _compile(raw, shipped_lexicon())
