"""Sentence segmentation: Golden Rules, news copy, and the span invariants."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.segmentation import Span, split_sentences

try:  # tests/unit is a plain directory today; keep working if it becomes a package
    from .golden_rules_en import GOLDEN_RULES_EN
    from .news_cases import NEWS_CASES
except ImportError:
    from golden_rules_en import GOLDEN_RULES_EN
    from news_cases import NEWS_CASES


SAMPLE_NAME = "azerbaijan-offensive-2023-09-19.txt"


def sentences(text: str) -> list[str]:
    """The sentence strings of `text`, stripped."""
    return [text[start:end].strip() for start, end in split_sentences(text)]


def check_invariants(text: str) -> None:
    """Assert the contract of split_sentences on `text`."""
    spans = split_sentences(text)
    previous_end = 0
    for span in spans:
        assert isinstance(span, Span)
        start, end = span
        assert (start, end) == (span.start, span.end)
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip(), "a span starts or ends with whitespace"
        assert not text[previous_end:start].strip(), "non-whitespace text fell between spans"
        assert len(piece.splitlines()) == 1, "a span crosses a line break"
        previous_end = end
    assert not text[previous_end:].strip(), "non-whitespace text fell after the last span"
    kept = "".join(text[start:end] for start, end in spans)
    assert "".join(kept.split()) == "".join(text.split())


def test_golden_rules_count():
    assert len(GOLDEN_RULES_EN) == 48


@pytest.mark.parametrize(("text", "expected"), GOLDEN_RULES_EN)
def test_golden_rule(text, expected):
    assert sentences(text) == expected


def test_news_cases_count():
    assert len(NEWS_CASES) >= 60


@pytest.mark.parametrize(("text", "expected"), NEWS_CASES)
def test_news_case(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize("text", ["", " ", "\n\n", " \t\r\n \u2028 \u00a0 "])
def test_blank_text_has_no_sentences(text):
    assert split_sentences(text) == []


def test_spans_index_the_original_text():
    text = "  He left at 6 p.m. Mr. Smith stayed.\n\n  Gen. Li agreed.  "
    assert split_sentences(text) == [(2, 19), (20, 37), (41, 56)]
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "He left at 6 p.m.",
        "Mr. Smith stayed.",
        "Gen. Li agreed.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A line break always ends a unit, punctuated or not: one paragraph per line.
        (
            "Talks will resume on\nMonday, officials said.",
            ["Talks will resume on", "Monday, officials said."],
        ),
        ("The army advanced.\nCivilians fled.", ["The army advanced.", "Civilians fled."]),
        ("Gen.\nSmith said so.", ["Gen.", "Smith said so."]),
        (
            "One\r\nTwo\rThree\u2028Four\u2029Five\fSix",
            ["One", "Two", "Three", "Four", "Five", "Six"],
        ),
        ("Headline\n\n\n\nBody text here.", ["Headline", "Body text here."]),
    ],
)
def test_every_line_break_ends_a_unit(text, expected):
    assert sentences(text) == expected


def test_segmenting_lines_separately_gives_the_same_spans():
    text = "A headline\nThe U.S. said no. Mr. Smith left at 5 p.m. Monday.\n\n• One • Two"
    offset, expected = 0, []
    for line in text.splitlines(keepends=True):
        expected += [Span(offset + s, offset + e) for s, e in split_sentences(line)]
        offset += len(line)
    assert split_sentences(text) == expected


def test_sample_article_units():
    sample = Path(__file__).resolve().parents[2] / "annotator/samples" / SAMPLE_NAME
    text = sample.read_text(encoding="utf-8")
    units = sentences(text)
    assert len(units) == 25
    assert units[:2] == [
        "Azerbaijan Launches New Offensive In Nagorno-Karabakh (Video)",
        "Tuesday 19 September 2023 - 13:04",
    ]
    assert units[-3:] == [
        "Leave a Reply",
        "Your email address will not be published.",
        "Required fields are marked *",
    ]
    check_invariants(text)


def test_no_split_inside_urls_emails_and_numbers():
    text = (
        "See https://example.org/a.b?c=d.e!f for $3.5 billion at 3.14 percent, "
        "or mail J.Doe@news.example.co.uk. Done."
    )
    assert sentences(text) == [text[: text.index(" Done.")], "Done."]


# Fragments that hit the segmenter's rules, so generated text exercises more than plain words.
FRAGMENTS = (
    " |  |\n|\n\n|\r\n|\t|\u2028|\u00a0|The|he|Smith|I|a|U.S.|Mr.|Gen.|Inc.|No.|5|3.5|$100.00"
    "|a.m.|P.M.|Jan.|.|..|...|....|. . .|. . . .|\u2026|?|!|?!|\u201c|\u201d|\"|'|\u2019|(|)"
    "|[...]|[|]|1.|2.|1)|2)|a.|b.|IV.|\u2022|\u2043|:|-|\u2014|,|x.com/a.b|J.Doe@x.org|said|asked"
).split("|")
fragment_text = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_invariants_on_arbitrary_text(text):
    check_invariants(text)


@settings(max_examples=500, deadline=None)
@given(fragment_text)
def test_invariants_on_news_like_text(text):
    check_invariants(text)


@pytest.mark.parametrize(("text", "_"), GOLDEN_RULES_EN + NEWS_CASES)
def test_invariants_on_cases(text, _):
    check_invariants(text)
