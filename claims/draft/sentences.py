"""An article's text as a title and paragraphs of sentences, from plain text, Markdown or HTML.

Headings other than the title are dropped: they announce claims, they do not make them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal

Format = Literal["text", "markdown", "html"]

MAX_TITLE_WORDS = 25
MAX_HEADING_WORDS = 12
WRAPPED_LINE = 120
"""Prose whose lines are all shorter than this is hard-wrapped: lines join into paragraphs."""

ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "etc",
        "vs",
        "al",
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "st",
        "fig",
        "no",
        "approx",
        "ca",
        "incl",
        "resp",
        "cf",
    ]
)
_CLOSERS = r"[\"\u201d\u2019)\]]"
_OPENERS = r"[\"\u201c\u2018(\[]"
_BOUNDARY = re.compile(rf"(?<=[.!?]){_CLOSERS}*\s+(?={_OPENERS}?[A-Z0-9])")
_TERMINAL = re.compile(rf"[.!?:;]{_CLOSERS}*$")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Paragraph:
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    title: str | None
    paragraphs: tuple[Paragraph, ...]


def clean(text: str) -> str:
    """Whitespace collapsed to single spaces, ends trimmed."""
    return _SPACE.sub(" ", text).strip()


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph; a period after a known abbreviation or an initial does not
    end a sentence."""
    pieces = [piece for piece in _BOUNDARY.split(clean(text)) if piece]
    sentences: list[str] = []
    for piece in pieces:
        if sentences and _ends_with_abbreviation(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences


def _ends_with_abbreviation(sentence: str) -> bool:
    last = sentence.rsplit(" ", 1)[-1].rstrip(".").lstrip("(").lower()
    return last in ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def guess_format(name: str, text: str) -> Format:
    """The format a file name says, else what the text looks like."""
    lower = name.lower()
    if lower.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if lower.endswith((".md", ".markdown")):
        return "markdown"
    head = text.lstrip()[:500].lower()
    if head.startswith(("<!doctype html", "<html", "<head", "<body", "<article", "<p>", "<h1")):
        return "html"
    if re.search(r"^#{1,6} \S", text, flags=re.MULTILINE):
        return "markdown"
    return "text"


def read_document(text: str, fmt: Format) -> Document:
    """Title and paragraphs of an article in `fmt`; a paragraph repeating the title is dropped."""
    if fmt == "html":
        title, blocks = _html_blocks(text)
    elif fmt == "markdown":
        title, blocks = _markdown_blocks(text)
    else:
        title, blocks = _text_blocks(text)
    paragraphs = []
    for block in blocks:
        if title is not None and clean(block).casefold() == title.casefold():
            continue
        sentences = tuple(split_sentences(block))
        if sentences:
            paragraphs.append(Paragraph(sentences))
    return Document(title, tuple(paragraphs))


def _is_sentence(line: str) -> bool:
    return bool(_TERMINAL.search(line))


def _looks_like_title(line: str) -> bool:
    return len(line.split()) <= MAX_TITLE_WORDS and not line.endswith((".", "!", "?"))


def _text_blocks(text: str) -> tuple[str | None, list[str]]:
    lines = [clean(line) for line in text.splitlines()]
    first = next((index for index, line in enumerate(lines) if line), None)
    if first is None:
        return None, []
    title = lines[first] if _looks_like_title(lines[first]) else None
    body = lines[first + 1 :] if title is not None else lines[first:]
    blocks: list[list[str]] = [[]]
    for line in body:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    paragraphs: list[str] = []
    for block in blocks:
        paragraphs.extend(_block_paragraphs(block))
    return title, paragraphs


def _block_paragraphs(lines: list[str]) -> list[str]:
    """One paragraph per line unless the block is hard-wrapped prose; headings dropped."""
    if not lines:
        return []
    if any(len(line) >= WRAPPED_LINE for line in lines):
        return [line for line in lines if _is_sentence(line)]
    paragraphs: list[str] = []
    current: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if not _is_sentence(line) and _is_heading(line, following):
            paragraphs.append(" ".join(current))
            current = []
            continue
        current.append(line)
    paragraphs.append(" ".join(current))
    return [paragraph for paragraph in paragraphs if paragraph]


def _is_heading(line: str, following: str) -> bool:
    short = len(line.split()) <= MAX_HEADING_WORDS
    return short and (not following or following[:1].isupper())


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(\*\*|__|\*|`|~~|(?<!\w)_|_(?!\w))")


def _markdown_inline(line: str) -> str:
    return clean(_MD_MARKS.sub("", _MD_LINK.sub(r"\1", line)))


def _markdown_blocks(text: str) -> tuple[str | None, list[str]]:
    title: str | None = None
    blocks: list[str] = []
    current: list[str] = []
    in_code = False

    def close() -> None:
        if current:
            blocks.append(" ".join(current))
            current.clear()

    for raw in text.splitlines():
        if raw.lstrip().startswith("```"):
            in_code = not in_code
            close()
            continue
        heading = _MD_HEADING.match(raw)
        if in_code or heading or not raw.strip() or raw.lstrip().startswith("|"):
            close()
            if heading and title is None and len(heading.group(1)) == 1:
                title = _markdown_inline(heading.group(2))
            continue
        if _MD_LIST.match(raw):
            close()
            raw = _MD_LIST.sub("", raw)
        current.append(_markdown_inline(raw.lstrip("> ")))
    close()
    if title is None and blocks and _looks_like_title(blocks[0]):
        title = blocks.pop(0)
    return title, blocks


class _HtmlText(HTMLParser):
    """Collects the text of block elements; scripts, navigation and headings are left out."""

    BLOCKS = frozenset(
        [
            "p",
            "li",
            "td",
            "th",
            "dd",
            "dt",
            "blockquote",
            "div",
            "section",
            "article",
            "main",
            "figcaption",
            "br",
        ]
    )
    HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
    IGNORED = frozenset(
        ["script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template"]
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: str | None = None
        self.h1: str | None = None
        self.blocks: list[str] = []
        self._text: list[str] = []
        self._ignored = 0
        self._capture: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.IGNORED:
            self._ignored += 1
        elif tag == "title" or tag in self.HEADINGS:
            self.flush()
            self._capture = tag
        elif tag in self.BLOCKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.IGNORED:
            self._ignored = max(0, self._ignored - 1)
        elif tag == self._capture:
            text = clean("".join(self._text))
            self._text.clear()
            self._capture = None
            if tag == "title" and self.title is None:
                self.title = text or None
            elif tag == "h1" and self.h1 is None:
                self.h1 = text or None
        elif tag in self.BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self._ignored:
            self._text.append(data)

    def flush(self) -> None:
        """End the current block: its text, if any, becomes a paragraph."""
        text = clean("".join(self._text))
        self._text.clear()
        if text and self._capture is None:
            self.blocks.append(text)


def _html_blocks(text: str) -> tuple[str | None, list[str]]:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    parser.flush()
    return parser.title or parser.h1, parser.blocks
