"""Ids and texts for a draft: the article id from its title, claim ids from their key words,
claim texts from their sentences."""

from __future__ import annotations

import re
from collections.abc import Iterable

from claims.draft.vocabulary import slugify
from claims.parse import MAX_ID_LENGTH

MAX_TEXT = 180
MIN_CUT = 80
_LEADING_CONNECTIVE = re.compile(
    r"^(?:moreover|furthermore|however|additionally|in addition|also|therefore|thus|indeed"
    r"|in summary|in conclusion|to summari[sz]e|to sum up|in short|overall|importantly"
    r"|notably|finally|first|second|third|lastly)\s*,\s*",
    flags=re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"(?:, | while | whereas | which |; )")


def clip_slug(slug: str, limit: int = MAX_ID_LENGTH) -> str:
    """`slug` cut at a hyphen to fit `limit` characters."""
    if len(slug) <= limit:
        return slug
    return slug[:limit].rsplit("-", 1)[0].strip("-") or slug[:limit].strip("-")


def article_id(title: str, fallback: str) -> str:
    return clip_slug(slugify(title)) or clip_slug(slugify(fallback)) or "article"


def claim_slug(parts: Iterable[str]) -> str:
    """Key words joined once each, in order: `stem-cells-restore-blood-cancers`."""
    slugs = [slug for slug in dict.fromkeys(slugify(part) for part in parts) if slug]
    return clip_slug("-".join(slugs)) or "claim"


def unique_ids(slugs: Iterable[str]) -> list[str]:
    """Slugs made unique in order by suffixes -2, -3, ..."""
    seen: set[str] = set()
    ids = []
    for slug in slugs:
        candidate, number = slug, 1
        while candidate in seen:
            number += 1
            suffix = f"-{number}"
            candidate = clip_slug(slug, MAX_ID_LENGTH - len(suffix)) + suffix
        seen.add(candidate)
        ids.append(candidate)
    return ids


def claim_text(sentence: str) -> str:
    """The sentence without its leading connective, capitalised, cut at a clause if long."""
    text = _LEADING_CONNECTIVE.sub("", sentence.strip())
    text = text[:1].upper() + text[1:]
    if len(text) <= MAX_TEXT:
        return text
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text) if MIN_CUT <= m.start() < MAX_TEXT]
    cut = breaks[-1] if breaks else text.rfind(" ", 0, MAX_TEXT)
    return text[:cut].rstrip(" ,;") + " …"
