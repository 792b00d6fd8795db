"""The fake registry: its studies, aliases and data version, and what each endpoint answers.

It knows nothing of HTTP: answers are JSON-ready dicts, and refusals are exceptions the
server turns into statuses (`BadRequest` → 400 plain text, `NotFound` → 404,
`MovedTo` → 301). Like the real service, `/studies` lists in a stable order (by NCT id
here), sends a `nextPageToken` whenever a page is full (so an exactly full last page is
followed by an empty one), and issues tokens bound to the query and to the data version:
after `data_timestamp` changes, older tokens are refused with a 400.

`quirks` makes the paging as unkind as the real service's may be (`Quirks`): an empty
page that still offers a token, pages that repeat rows of the one before, a `totalCount`
below the truth.

Searching stays fast on large corpora: a `SearchIndex` narrows each search to candidate
studies before the exact Essie match, and the sorted matches of recent searches are kept
until the studies change, so the pages of one walk share one search.

Each study is kept as its JSON bytes (`stored`): a page of whole records is those bytes
joined, and a study is decoded only to be searched, indexed or cut down to `fields=`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tracker.fake_registry import essie
from tracker.fake_registry.fields import (
    BASIC_SEARCH,
    KeepTree,
    area_texts,
    is_area,
    keep_tree,
    project,
)
from tracker.fake_registry.index import Ids, SearchIndex, candidates
from tracker.fake_registry.stored import Decoded, decode, encode

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 1000
DEFAULT_DATA_TIMESTAMP = "2026-03-25T09:00:05"
API_VERSION = "2.0.5"

SEARCH_PARAMS = {
    "query.cond": "ConditionSearch",
    "query.intr": "InterventionSearch",
    "query.term": BASIC_SEARCH,
    "filter.advanced": BASIC_SEARCH,
}
_LIST_PARAMS = frozenset(
    {
        *SEARCH_PARAMS,
        "filter.ids",
        "filter.overallStatus",
        "fields",
        "pageSize",
        "pageToken",
        "countTotal",
        "format",
        "markupFormat",
    }
)
_SEARCH_KEY = (*SEARCH_PARAMS, "filter.ids", "filter.overallStatus")
_KEPT_SEARCHES = 64
_STUDY_PARAMS = frozenset({"fields", "format", "markupFormat"})
_NCT_PATH = re.compile(r"^NCT0*([1-9]\d{0,7})$", re.IGNORECASE)


@dataclass(frozen=True)
class Quirks:
    """Paging faults the real registry's contract allows; the default has none."""

    empty_page: int | None = None
    """This page (1-based) comes back empty, with a token to the rows it would have held."""
    overlap: int = 0
    """Each page after the first starts this many rows before the previous one ended."""
    understate: int = 0
    """`totalCount` is this much below the number of matching studies."""


class BadRequest(Exception):
    """The request is malformed; the message is the plain-text body of the 400."""


class NotFound(Exception):
    """No study has this NCT id."""


class MovedTo(Exception):
    """The id is an alias; the study lives under `nct_id`."""

    def __init__(self, nct_id: str) -> None:
        super().__init__(nct_id)
        self.nct_id = nct_id


class Corpus:
    """Studies by NCT id, with aliases and a data timestamp. Thread-safe."""

    def __init__(
        self,
        studies: Iterable[Mapping[str, Any] | bytes] = (),
        data_timestamp: str = DEFAULT_DATA_TIMESTAMP,
    ) -> None:
        self._lock = threading.Lock()
        self._studies: dict[str, bytes] = {}
        self._record_aliases: dict[str, list[str]] = {}
        self._aliases: dict[str, str] = {}
        self._index = SearchIndex(Decoded(self._studies))
        self._found: OrderedDict[tuple[str | None, ...], list[str]] = OrderedDict()
        self.data_timestamp = data_timestamp
        self.quirks = Quirks()
        for raw in studies:
            self.put(raw)

    def __len__(self) -> int:
        with self._lock:
            return len(self._studies)

    def put(self, raw: Mapping[str, Any] | bytes) -> str:
        """Add or replace a study (v2 JSON, as data or as its bytes); return its NCT id."""
        body = raw if isinstance(raw, bytes) else encode(dict(raw))
        study = decode(body)
        nct_id = _nct_id_of(study if isinstance(study, dict) else {})
        aliases = _aliases_of(study)
        with self._lock:
            self._unindex(nct_id)
            self._studies[nct_id] = body
            if aliases:
                self._record_aliases[nct_id] = aliases
            self._index.add(nct_id, study)
        return nct_id

    def remove(self, nct_id: str) -> None:
        with self._lock:
            self._unindex(nct_id.upper())
            self._studies.pop(nct_id.upper(), None)

    def alias(self, old_id: str, new_id: str) -> None:
        with self._lock:
            self._aliases[old_id.upper()] = new_id.upper()

    def version(self) -> dict[str, str]:
        return {"apiVersion": API_VERSION, "dataTimestamp": self.data_timestamp}

    def study(self, nct_id: str, params: Mapping[str, str]) -> dict[str, Any]:
        """`GET /studies/{nctId}`, decoded."""
        return dict(decode(self.study_body(nct_id, params)))

    def study_body(self, nct_id: str, params: Mapping[str, str]) -> bytes:
        """`GET /studies/{nctId}`: the body the service sends."""
        _refuse_unknown(params, _STUDY_PARAMS)
        tree = _fields(params)
        wanted = _canonical_id(nct_id)
        with self._lock:
            body = self._studies.get(wanted)
            moved = self._aliases.get(wanted) or self._alias_in_records(wanted)
        if body is not None:
            return _prune(body, tree)
        if moved is not None:
            raise MovedTo(moved)
        raise NotFound(f"Study {wanted} not found")

    def page(self, params: Mapping[str, str]) -> dict[str, Any]:
        """`GET /studies`: one page of the matching studies, decoded."""
        return dict(decode(self.page_body(params)))

    def page_body(self, params: Mapping[str, str]) -> bytes:
        """`GET /studies`: the body of one page of the matching studies."""
        _refuse_unknown(params, _LIST_PARAMS)
        size = _page_size(params.get("pageSize"))
        count_total = _flag(params, "countTotal")
        tree = _fields(params)
        search = _Search(params)
        query_key = _query_key(params)
        quirks = self.quirks
        with self._lock:
            version = self.data_timestamp
            found = self._matching(search)
            offset, number = _offset(params.get("pageToken"), version, query_key)
            if number == quirks.empty_page:
                token = _token(offset, version, query_key, number + 1)
                return encode({"studies": [], "nextPageToken": token})
            start = max(0, offset - quirks.overlap) if number > 1 else offset
            chunk = [self._studies[i] for i in found[start : start + size]]
        parts = [b'{"studies":[', b",".join(_prune(body, tree) for body in chunk), b"]"]
        if count_total and "pageToken" not in params:
            parts.append(b',"totalCount":%d' % max(0, len(found) - quirks.understate))
        if chunk and len(chunk) == size:
            token = _token(start + size, version, query_key, number + 1)
            parts.append(b',"nextPageToken":' + encode(token))
        parts.append(b"}")
        return b"".join(parts)

    def _matching(self, search: _Search) -> list[str]:
        """The sorted ids of the studies `search` admits. The caller holds the lock."""
        found = self._found.get(search.key)
        if found is not None:
            self._found.move_to_end(search.key)
            return found
        narrowed = search.candidates(self._index)
        pool = self._studies if narrowed is None else narrowed
        found = sorted(
            i
            for i in pool
            if (body := self._studies.get(i)) is not None and search.admits_stored(i, body)
        )
        self._found[search.key] = found
        if len(self._found) > _KEPT_SEARCHES:
            self._found.popitem(last=False)
        return found

    def _unindex(self, nct_id: str) -> None:
        """Before a study changes or goes: out of the index, and kept searches. Lock held."""
        self._found.clear()
        self._record_aliases.pop(nct_id, None)
        old = self._studies.get(nct_id)
        if old is not None:
            self._index.discard(nct_id, decode(old))

    def _alias_in_records(self, nct_id: str) -> str | None:
        for current, aliases in self._record_aliases.items():
            if nct_id in aliases:
                return current
        return None


class _Search:
    """The search and filter parameters of one `/studies` request, ready to test studies."""

    def __init__(self, params: Mapping[str, str]) -> None:
        self.key = tuple(params.get(name) for name in _SEARCH_KEY)
        self._expressions = [
            (_expression(params[name], name), area)
            for name, area in SEARCH_PARAMS.items()
            if params.get(name, "").strip()
        ]
        self._ids = _id_set(params.get("filter.ids"))
        self._statuses = _upper_set(params.get("filter.overallStatus"))

    def candidates(self, index: SearchIndex) -> Ids | None:
        """A superset of the ids this search admits; None when it cannot narrow."""
        found: Ids | None = self._ids
        if self._statuses is not None and all(essie.words(s) for s in self._statuses):
            terms = tuple(essie.Term(essie.words(s)) for s in self._statuses)
            found = candidates(essie.AnyOf(terms), "OverallStatus", index, found)
        for node, area in self._expressions:
            found = candidates(node, area, index, found)
        return found

    def admits_stored(self, nct_id: str, body: bytes) -> bool:
        """`admits` for the study stored as `body` under `nct_id`, decoded only to search."""
        if self._ids is not None and nct_id not in self._ids:
            return False
        if self._statuses is None and not self._expressions:
            return True
        return self.admits(decode(body))

    def admits(self, raw: Mapping[str, Any]) -> bool:
        if self._ids is not None and _nct_id_of(raw) not in self._ids:
            return False
        if self._statuses is not None and not self._statuses & set(
            area_texts(raw, "OverallStatus")
        ):
            return False
        seen: dict[str, list[str]] = {}

        def lookup(name: str) -> list[str]:
            texts = seen.get(name)
            if texts is None:
                texts = seen[name] = area_texts(raw, name)
            return texts

        return all(essie.matches(node, lookup, area) for node, area in self._expressions)


def _expression(text: str, param: str) -> essie.Node:
    try:
        node = essie.parse(text)
    except essie.EssieError as exc:
        raise BadRequest(f"Invalid {param}: {exc}") from exc
    for piece in essie.pieces(node):
        if not is_area(piece):
            raise BadRequest(f"Invalid {param}: unknown search area or field AREA[{piece}]")
    return node


def _refuse_unknown(params: Mapping[str, str], known: frozenset[str]) -> None:
    for name in params:
        if name not in known:
            raise BadRequest(f"Unknown parameter: {name}")
    if params.get("format", "json") != "json":
        raise BadRequest("The fake serves format=json only")


def _fields(params: Mapping[str, str]) -> KeepTree | None:
    try:
        return keep_tree(params.get("fields", ""))
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc


def _prune(body: bytes, tree: KeepTree | None) -> bytes:
    return body if tree is None else encode(project(decode(body), tree))


def _page_size(value: str | None) -> int:
    if value is None:
        return DEFAULT_PAGE_SIZE
    if not value.isdigit():
        raise BadRequest(f"pageSize must be a whole number from 0 to {MAX_PAGE_SIZE}: {value}")
    return min(int(value), MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE


def _flag(params: Mapping[str, str], name: str) -> bool:
    value = params.get(name, "false").lower()
    if value not in ("true", "false"):
        raise BadRequest(f"{name} must be true or false: {params[name]}")
    return value == "true"


def _id_set(value: str | None) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset(_canonical_id(part) for part in re.split(r"[,|]", value) if part.strip())


def _upper_set(value: str | None) -> frozenset[str] | None:
    if value is None:
        return None
    return frozenset(part.strip().upper() for part in re.split(r"[,|]", value) if part.strip())


def _canonical_id(text: str) -> str:
    found = _NCT_PATH.match(text.strip())
    if found is None:
        raise BadRequest(f"Invalid NCT ID: {text}")
    return f"NCT{int(found.group(1)):08d}"


def _identification(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    protocol = raw.get("protocolSection")
    ident = protocol.get("identificationModule") if isinstance(protocol, Mapping) else None
    return ident if isinstance(ident, Mapping) else {}


def _nct_id_of(raw: Mapping[str, Any]) -> str:
    nct_id = _identification(raw).get("nctId")
    if not isinstance(nct_id, str) or not nct_id.strip():
        raise ValueError("a study needs protocolSection.identificationModule.nctId")
    return nct_id.strip().upper()


def _aliases_of(raw: Mapping[str, Any]) -> list[str]:
    aliases = _identification(raw).get("nctIdAliases")
    if not isinstance(aliases, list):
        return []
    return [alias.upper() for alias in aliases if isinstance(alias, str)]


def _query_key(params: Mapping[str, str]) -> str:
    shown = sorted((k, v) for k, v in params.items() if k not in ("pageToken", "countTotal"))
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()[:16]


def _token(offset: int, version: str, query_key: str, number: int) -> str:
    raw = json.dumps([offset, version, query_key, number]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset(token: str | None, version: str, query_key: str) -> tuple[int, int]:
    """The first row and the 1-based number of the page a token asks for."""
    if token is None:
        return 0, 1
    try:
        padded = token + "=" * (-len(token) % 4)
        offset, issued_under, issued_for, number = json.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError, TypeError) as exc:
        raise BadRequest(f"Invalid pageToken: {token}") from exc
    if issued_under != version:
        raise BadRequest(
            "The pageToken has expired: the data were refreshed since it was issued. "
            "Start again without a pageToken."
        )
    if issued_for != query_key or not isinstance(offset, int) or offset < 0:
        raise BadRequest("The pageToken does not belong to this query")
    return offset, number if isinstance(number, int) else 2
