"""Drafting a claim file from an article's text, for a person to review and then load.

    draft_file(path) -> Draft          read, find claims, name them (draft_text: from text)
    render_draft(draft) -> str         the claim file, source and confidence as comments
    save_draft(text, path)             write it

Offline and fast: the knowledge is the curated vocabulary in `claims/vocabulary/*.yaml`
(extendable with the user's own files) and, behind it, the shipped lexicon of MeSH diseases
and drugs (`lexicon`); the method is cue phrases and context (see `extract`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claims.draft.extract import (
    ProposedClaim,
    Skipped,
    confidence_of,
    find_subject,
    id_words,
    propose,
    read_article,
    read_sentence,
    reasons_of,
    topic_of,
)
from claims.draft.naming import article_id as make_article_id
from claims.draft.naming import claim_slug, claim_text, unique_ids
from claims.draft.render import render
from claims.draft.sentences import Format, guess_format, read_document
from claims.draft.vocabulary import Vocabulary, load_vocabulary, slugify
from claims.errors import DraftError
from claims.parse import MAX_ID_LENGTH

__all__ = [
    "Draft",
    "ProposedClaim",
    "Skipped",
    "draft_file",
    "draft_text",
    "render_draft",
    "save_draft",
    "vocabulary_with",
]


@dataclass(frozen=True)
class Draft:
    """The proposed claim file for one article, and the sentences passed over (with why)."""

    article_id: str
    title: str
    source: str
    claims: tuple[ProposedClaim, ...]
    skipped: tuple[Skipped, ...]


@functools.cache
def _shipped_vocabulary() -> Vocabulary:
    return load_vocabulary()


def vocabulary_with(extra: Sequence[Path] = ()) -> Vocabulary:
    """The shipped vocabulary, plus `extra` files if any (loaded once per process)."""
    return load_vocabulary(extra) if extra else _shipped_vocabulary()


def _check_id(value: str) -> str:
    if len(value) > MAX_ID_LENGTH or slugify(value) != value:
        raise DraftError(f"--id {value!r} is not an id: use lower-case letters, digits, hyphens")
    return value


def draft_text(
    text: str,
    *,
    source: str,
    fmt: Format | None = None,
    article_id: str | None = None,
    vocabulary: Vocabulary | None = None,
) -> Draft:
    """Propose claims for an article's text; `source` names it (and gives its format)."""
    vocabulary = vocabulary or _shipped_vocabulary()
    document = read_document(text, fmt or guess_format(source, text))
    title = document.title or Path(source).stem
    readings = read_article(document, vocabulary)
    subject = find_subject(read_sentence(title, vocabulary), readings)
    candidates, skipped = propose(readings, subject)
    slugs = [claim_slug(id_words(candidate)) for candidate in candidates]
    claims = tuple(
        ProposedClaim(
            id=claim_id,
            text=claim_text(candidate.reading.text),
            topic=topic_of(candidate),
            confidence=confidence_of(candidate),
            reasons=reasons_of(candidate),
            sources=tuple(candidate.sources),
        )
        for claim_id, candidate in zip(unique_ids(slugs), candidates, strict=True)
    )
    return Draft(
        article_id=_check_id(article_id) if article_id else make_article_id(title, source),
        title=title,
        source=source,
        claims=claims,
        skipped=tuple(skipped),
    )


def draft_file(
    path: Path, *, article_id: str | None = None, vocabulary_files: Sequence[Path] = ()
) -> Draft:
    """Read an article (plain text, Markdown or HTML, UTF-8) and propose its claims."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DraftError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise DraftError(f"{path}: cannot read: not UTF-8 text") from None
    return draft_text(
        text, source=str(path), article_id=article_id, vocabulary=vocabulary_with(vocabulary_files)
    )


def render_draft(draft: Draft) -> str:
    return render(draft.article_id, draft.title, draft.source, draft.claims)


def save_draft(text: str, path: Path) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DraftError(f"{path}: cannot write: {exc.strerror or exc}") from None
