"""Reading and validating claim files (YAML, one per article).

Validation is strict: unknown keys, duplicate keys, wrong types and bad dates are errors
that name the file, the claim and the field, so a typo never silently changes a search.
YAML's implicit timestamps are switched off; dates are read as `YYYY-MM-DD` text here.

A file is refused before it is built into values when it is larger, deeper or expands
(through YAML aliases) to more nodes than any claim file needs, or holds a NUL: such
files are mistakes or attacks, and building them costs time and memory without bound.
Errors name the line and column they are at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from claims.errors import CatalogConflict, ClaimFileError
from claims.spec import PHASES, RELEVANCE_TIERS, STUDY_TYPES, ArticleSpec, ClaimSpec, Topic

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_ID_LENGTH = 100
MAX_FILE_BYTES = 1_000_000
"""A claim file is a few kilobytes; a catalog of a thousand claims fits in this."""
MAX_DEPTH = 12
"""How deeply collections may nest: a claim file needs four levels."""
MAX_NODES = 100_000
"""How many values a file may hold once its aliases are expanded."""

_FILE_KEYS = {"article", "claims"}
_ARTICLE_KEYS = {"id", "title", "url", "published"}
_CLAIM_KEYS = {"id", "text", "as_of", "topic", "min_relevance"}
_TOPIC_KEYS = {
    "conditions",
    "interventions",
    "terms",
    "study_types",
    "exclude",
    "phases",
    "nct_ids",
}
_EXCLUDE_KEYS = {"conditions", "interventions", "terms"}
_NCT_ID = re.compile(r"^NCT\d{8}$")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and leaves dates as text."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {_shown(key)}", key_node.start_mark
                )
            seen.add(key if isinstance(key, str) else id(key_node))
        return super().construct_mapping(node, deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _shown(value: Any, limit: int = 60) -> str:
    """A value echoed in a message, cut short: a file's values can be of any length."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 2] + "…" + text[-1]


Fail = Callable[[str | None, str], NoReturn]


def _failer(source: str, claim: str | None = None) -> Fail:
    def fail(field: str | None, problem: str) -> NoReturn:
        raise ClaimFileError(source, problem, claim=claim, field=field)

    return fail


def _check_keys(data: Any, allowed: set[str], where: str, fail: Fail) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        fail(where or None, f"expected a mapping, got {_kind(data)}")
    for key in data:
        if key not in allowed:
            name = f"{where}.{key}" if where else str(key)
            fail(name, f"unknown key (expected one of: {', '.join(sorted(allowed))})")
    return data


def _kind(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", bool: "a boolean", type(None): "null"}
    return names.get(type(value), f"a {type(value).__name__}")


def _text(data: Mapping[str, Any], key: str, field: str, fail: Fail, required: bool) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            fail(field, "missing")
        return None
    if not isinstance(value, str):
        fail(field, f"expected text, got {_kind(value)}")
    value = " ".join(value.split())
    if required and not value:
        fail(field, "must not be empty")
    return value or None


def _slug(data: Mapping[str, Any], key: str, field: str, fail: Fail) -> str:
    value = _text(data, key, field, fail, required=True)
    assert value is not None
    if len(value) > MAX_ID_LENGTH or not _SLUG.match(value):
        fail(field, f"{_shown(value)} is not an id: use lower-case letters, digits and hyphens")
    return value


def _date(data: Mapping[str, Any], key: str, field: str, fail: Fail) -> date | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        fail(field, f"expected a date as YYYY-MM-DD, got {_shown(value)}")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        fail(field, f"{_shown(value)} is not a valid date ({exc})")


def _phrases(data: Mapping[str, Any], key: str, field: str, fail: Fail) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        fail(field, f"expected a list of text, got {_kind(value)}")
    phrases: dict[str, str] = {}
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            fail(f"{field}[{index}]", f"expected non-empty text, got {_kind(item)}")
        phrase = " ".join(item.split())
        if not any(character.isalnum() for character in phrase):
            fail(f"{field}[{index}]", f"{_shown(phrase)} has no letter or digit to search for")
        phrases.setdefault(phrase.casefold(), phrase)
    return tuple(phrases.values())


def _nct_ids(data: Mapping[str, Any], fail: Fail) -> tuple[str, ...]:
    """`topic.nct_ids`: registry ids as `NCT` and eight digits (case folded), each once."""
    ids = _phrases(data, "nct_ids", "topic.nct_ids", fail)
    for index, nct_id in enumerate(ids):
        if not _NCT_ID.match(nct_id.upper()):
            fail(f"topic.nct_ids[{index}]", f"{nct_id!r} is not an NCT id (NCT and 8 digits)")
    return tuple(dict.fromkeys(nct_id.upper() for nct_id in ids))


def _codes(
    data: Mapping[str, Any], key: str, allowed: tuple[str, ...], fail: Fail
) -> tuple[str, ...]:
    values = _phrases(data, key, f"topic.{key}", fail)
    for index, value in enumerate(values):
        if value.upper() not in allowed:
            fail(f"topic.{key}[{index}]", f"{_shown(value)} is not one of {', '.join(allowed)}")
    return tuple(dict.fromkeys(value.upper() for value in values))


def _topic(data: Any, fail: Fail) -> Topic:
    if data is None:
        fail("topic", "missing")
    data = _check_keys(data, _TOPIC_KEYS, "topic", fail)
    exclude: Mapping[str, Any] = {}
    if data.get("exclude") is not None:
        exclude = _check_keys(data["exclude"], _EXCLUDE_KEYS, "topic.exclude", fail)
    topic = Topic(
        conditions=_phrases(data, "conditions", "topic.conditions", fail),
        interventions=_phrases(data, "interventions", "topic.interventions", fail),
        terms=_phrases(data, "terms", "topic.terms", fail),
        study_types=_codes(data, "study_types", STUDY_TYPES, fail),
        exclude_conditions=_phrases(exclude, "conditions", "topic.exclude.conditions", fail),
        exclude_interventions=_phrases(
            exclude, "interventions", "topic.exclude.interventions", fail
        ),
        exclude_terms=_phrases(exclude, "terms", "topic.exclude.terms", fail),
        phases=_codes(data, "phases", PHASES, fail),
        nct_ids=_nct_ids(data, fail),
    )
    if not (topic.conditions or topic.interventions or topic.terms):
        fail("topic", "needs at least one condition, intervention or term")
    return topic


def _claim(data: Any, index: int, source: str) -> ClaimSpec:
    fail = _failer(source, claim=f"#{index + 1}")
    if not isinstance(data, dict):
        fail(None, f"expected a mapping, got {_kind(data)}")
    if "id" in data:
        fail = _failer(source, claim=_slug(data, "id", "id", fail))
    data = _check_keys(data, _CLAIM_KEYS, "", fail)
    claim_id = _slug(data, "id", "id", fail)
    fail = _failer(source, claim=claim_id)
    text = _text(data, "text", "text", fail, required=True)
    assert text is not None
    min_relevance = _text(data, "min_relevance", "min_relevance", fail, required=False)
    if min_relevance is not None and min_relevance not in RELEVANCE_TIERS:
        fail("min_relevance", f"{min_relevance!r} is not one of {', '.join(RELEVANCE_TIERS)}")
    return ClaimSpec(
        id=claim_id,
        text=text,
        as_of=_date(data, "as_of", "as_of", fail),
        topic=_topic(data.get("topic"), fail),
        min_relevance=min_relevance or "direct",
    )


def _claims(data: Any, source: str) -> tuple[ClaimSpec, ...]:
    fail = _failer(source)
    if "claims" not in data:
        fail("claims", "missing")
    if not isinstance(data["claims"], list):
        fail("claims", f"expected a list of claims, got {_kind(data['claims'])}")
    claims: dict[str, ClaimSpec] = {}
    for index, item in enumerate(data["claims"]):
        claim = _claim(item, index, source)
        if claim.id in claims:
            _failer(source, claim.id)("id", "duplicate claim id in this file")
        claims[claim.id] = claim
    return tuple(claims.values())


def _refuse(source: str, problem: str, mark: yaml.Mark | None) -> NoReturn:
    if mark is None:
        raise ClaimFileError(source, problem)
    raise ClaimFileError(source, problem, line=mark.line + 1, column=mark.column + 1)


def _check_shape(text: str, source: str) -> None:
    """Refuse, from the parser's events alone, what is too deep, too large or holds NUL.

    Each open collection counts the values it holds once its aliases are expanded; an
    anchored one remembers its count, which each alias to it adds again."""
    open_collections: list[tuple[str | None, int]] = []
    anchored: dict[str, int] = {}
    total = 0
    for event in yaml.parse(text, Loader=_StrictLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_collections) >= MAX_DEPTH:
                _refuse(source, f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
            open_collections.append((event.anchor, 1))
            total += 1
            continue
        if isinstance(event, yaml.AliasEvent):
            size = anchored.get(event.anchor, 1)
        elif isinstance(event, yaml.ScalarEvent):
            if "\x00" in event.value:
                _refuse(source, "NUL character in text", event.start_mark)
            size = 1
            if event.anchor:
                anchored[event.anchor] = 1
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, size = open_collections.pop()
            if anchor:
                anchored[anchor] = size
        else:
            continue
        if open_collections:
            anchor, held = open_collections[-1]
            open_collections[-1] = (anchor, held + size)
        if not isinstance(event, yaml.CollectionEndEvent):
            total += size
        if total > MAX_NODES:
            _refuse(source, f"expands to more than {MAX_NODES:,} values", event.start_mark)


def _yaml_error(source: str, text: str, exc: yaml.YAMLError) -> ClaimFileError:
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        problem = "NUL character" if code == 0 else f"character U+{code:04X}"
        return ClaimFileError(source, f"{problem} not allowed", line=line, column=column)
    mark = getattr(exc, "problem_mark", None)
    problem = f"YAML syntax error: {getattr(exc, 'problem', None) or exc}"
    if mark is None:
        return ClaimFileError(source, problem)
    return ClaimFileError(source, problem, line=mark.line + 1, column=mark.column + 1)


def _child(node: Node | None, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return value_node
    return None


def _locate(root: Node, claim: str | None, field: str | None) -> yaml.Mark:
    """Where in the file a field error is: the deepest node of its path that exists."""
    node: Node = root
    if claim is not None:
        claims = _child(root, "claims")
        if not isinstance(claims, SequenceNode):
            return root.start_mark
        items = claims.value
        if claim.startswith("#") and claim[1:].isdigit():
            index = int(claim[1:]) - 1
            found = items[index] if 0 <= index < len(items) else None
        else:
            found = next((item for item in items if _scalar(_child(item, "id")) == claim), None)
        if found is None:
            return claims.start_mark
        node = found
    for part in re.findall(r"\[\d+\]|[^.\[\]]+", field or ""):
        if part.startswith("["):
            index = int(part[1:-1])
            fits = isinstance(node, SequenceNode) and index < len(node.value)
            child = node.value[index] if fits else None
        else:
            child = _child(node, part)
        if child is None:
            break
        node = child
    return node.start_mark


def _scalar(node: Node | None) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


def parse_text(text: str, source: str) -> ArticleSpec:
    """Validate a claim file's text; `source` names it in errors."""
    if len(text) > MAX_FILE_BYTES:
        raise ClaimFileError(source, f"larger than {MAX_FILE_BYTES:,} characters")
    try:
        _check_shape(text, source)
        root = yaml.compose(text, Loader=_StrictLoader)
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise _yaml_error(source, text, exc) from None
    try:
        return _article(data, source)
    except ClaimFileError as exc:
        if root is None or exc.line is not None:
            raise
        mark = _locate(root, exc.claim, exc.field)
        raise exc.at(mark.line + 1, mark.column + 1) from None


def _article(data: Any, source: str) -> ArticleSpec:
    fail = _failer(source)
    if data is None:
        fail("article", "the file is empty")
    data = _check_keys(data, _FILE_KEYS, "", fail)
    article = _check_keys(data.get("article"), _ARTICLE_KEYS, "article", fail)
    title = _text(article, "title", "article.title", fail, required=True)
    assert title is not None
    return ArticleSpec(
        id=_slug(article, "id", "article.id", fail),
        title=title,
        source=source,
        url=_text(article, "url", "article.url", fail, required=False),
        published=_date(article, "published", "article.published", fail),
        claims=_claims(data, source),
    )


def parse_file(path: Path, source: str | None = None) -> ArticleSpec:
    """Read and validate one claim file; `source` (default: the path) names it in errors."""
    source = source or str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ClaimFileError(source, f"larger than {MAX_FILE_BYTES:,} bytes")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ClaimFileError(source, f"cannot read: {reason}") from None
    return parse_text(text, source)


def parse_files(files: Iterable[tuple[Path, str]]) -> list[ArticleSpec]:
    """Parse (path, source name) pairs; an article or claim id may be in only one file."""
    articles: dict[str, ArticleSpec] = {}
    claim_files: dict[str, str] = {}
    for path, source in files:
        article = parse_file(path, source)
        if article.id in articles:
            raise CatalogConflict(
                f"{article.source}: article {article.id!r} is also in {articles[article.id].source}"
            )
        for claim in article.claims:
            if claim.id in claim_files:
                raise CatalogConflict(
                    f"{article.source}: claim {claim.id}: field 'id': duplicate claim id,"
                    f" also in {claim_files[claim.id]}"
                )
            claim_files[claim.id] = article.source
        articles[article.id] = article
    return list(articles.values())
