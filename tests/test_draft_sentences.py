"""Articles as plain text, Markdown or HTML become a title and paragraphs of sentences."""

from __future__ import annotations

import pytest

from claims.draft.sentences import guess_format, read_document, split_sentences


def test_sentences_split_at_end_punctuation_but_not_after_abbreviations() -> None:
    text = "Dr. Smith treated 20 patients, e.g. those with AML. Most improved! Did all? No."
    assert split_sentences(text) == [
        "Dr. Smith treated 20 patients, e.g. those with AML.",
        "Most improved!",
        "Did all?",
        "No.",
    ]


def test_plain_text_title_is_the_first_line_and_a_repeated_title_is_dropped() -> None:
    document = read_document(
        "Stem cells and the liver\n\nStem cells and the liver\n\nFirst one. Second one.\n",
        "text",
    )
    assert document.title == "Stem cells and the liver"
    assert [p.sentences for p in document.paragraphs] == [("First one.", "Second one.")]


def test_plain_text_with_one_paragraph_a_line_keeps_the_paragraphs() -> None:
    long_line = "word " * 30
    document = read_document(f"Title\n{long_line}ends here.\nIn summary, it works.\n", "text")
    assert len(document.paragraphs) == 2


def test_hard_wrapped_plain_text_joins_lines_and_drops_headings() -> None:
    document = read_document(
        "A title\n\nStem cells restored the\nmarrow in most patients.\n\nResults\n"
        "The effect lasted.\n",
        "text",
    )
    sentences = [s for p in document.paragraphs for s in p.sentences]
    assert sentences == ["Stem cells restored the marrow in most patients.", "The effect lasted."]


def test_markdown_takes_the_heading_as_title_and_strips_markup() -> None:
    document = read_document(
        "# Stem cells in *blood* cancers\n\n"
        "Intro with a [link](https://example.org) and **bold** text.\n\n"
        "## Benefits\n\n- Transplants **restore** blood counts.\n- They `work`.\n",
        "markdown",
    )
    assert document.title == "Stem cells in blood cancers"
    assert [p.sentences for p in document.paragraphs] == [
        ("Intro with a link and bold text.",),
        ("Transplants restore blood counts.",),
        ("They work.",),
    ]


def test_html_takes_the_title_and_block_text_without_scripts_or_navigation() -> None:
    document = read_document(
        "<html><head><title>Stem cells &amp; the liver</title><script>var x = 1;</script>"
        "</head><body><nav>Home | News</nav><h1>Ignored heading</h1>"
        "<p>Stem cells <em>repair</em> the liver.</p><ul><li>They help.</li></ul>"
        "<footer>Contact us</footer></body></html>",
        "html",
    )
    assert document.title == "Stem cells & the liver"
    assert [p.sentences for p in document.paragraphs] == [
        ("Stem cells repair the liver.",),
        ("They help.",),
    ]


def test_html_without_a_title_element_uses_its_first_h1() -> None:
    document = read_document("<body><h1>Main</h1><p>Text.</p></body>", "html")
    assert document.title == "Main"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("a.html", "plain", "html"),
        ("a.md", "plain", "markdown"),
        ("a.txt", "<!DOCTYPE html><html></html>", "html"),
        ("a.txt", "# Title\n\nText.", "markdown"),
        ("a.txt", "Title\n\nText.", "text"),
    ],
)
def test_format_comes_from_the_file_name_else_the_text(name: str, text: str, expected: str) -> None:
    assert guess_format(name, text) == expected
