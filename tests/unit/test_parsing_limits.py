"""The parser refuses, with the record's line, what used to crash it or swamp the app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.articles.datelines import naive_utc, parse_dateline
from annotator.articles.parsing import ArticleFormatError, parse_file
from annotator.articles.services import clip, upload_name
from annotator.config import _count

SAMPLE = (Path(__file__).resolve().parents[2]
          / "annotator/samples/azerbaijan-offensive-2023-09-19.txt")
EDGES = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"]


def line(**fields) -> str:
    return json.dumps({"title": "A title", "text": "Some text here.", **fields})


def refusal(name: str, data: bytes, **limits) -> str:
    with pytest.raises(ArticleFormatError) as caught:
        parse_file(name, data, **limits)
    return str(caught.value)


@pytest.mark.parametrize("moment", EDGES)
def test_a_date_that_leaves_the_calendar_in_utc_is_a_reason_not_a_crash(moment):
    with pytest.raises(ValueError, match="out of range"):
        parse_dateline(moment)
    data = (line() + "\n" + line(title="Two", published_at=moment) + "\n").encode()
    assert refusal("a.jsonl", data).startswith(f"a.jsonl:2: published_at '{moment}' is out of")
    text = f"Title\n\n{moment}\n\nSome text here.\n".encode()
    assert refusal("a.txt", text).startswith("a.txt:3: date")


def test_the_last_moment_in_utc_is_still_a_date():
    naive = naive_utc(parse_dateline("9999-12-31T23:59:59+00:00"))
    assert naive.year == 9999 and naive.tzinfo is None


@pytest.mark.parametrize(("record", "reason"), [
    ("[" * 100_000, "nested too deeply"),
    ('{"title": "T", "text": ' + '{"a": ' * 50_000, "nested too deeply"),
    ('{"title": ' + "9" * 5_000 + ', "text": "x"}', "unreadable JSON"),
    ('{"title": "a \\udc00 b", "text": "Some text here."}', "lone surrogate"),
])
def test_unreadable_json_is_refused_at_its_line(record, reason):
    message = refusal("a.jsonl", (line() + "\n\n" + record + "\n").encode())
    assert message.startswith("a.jsonl:3: ") and reason in message


def test_the_character_limit_counts_the_stored_text():
    data = SAMPLE.read_bytes()
    size = len(parse_file("s.txt", data)[0].text)
    assert parse_file("s.txt", data, max_chars=size)[0].text
    message = refusal("s.txt", data, max_chars=size - 1)
    assert message == (f"s.txt:1: article is {size:,} characters long, over the limit of "
                       f"{size - 1:,} set by ARTICLE_MAX_CHARS; split it or raise the limit")


def test_the_unit_limit_counts_headline_sentences_and_captions():
    data = SAMPLE.read_bytes()
    units = len(parse_file("s.txt", data)[0].units)
    assert len(parse_file("s.txt", data, max_units=units)[0].units) == units
    assert "more than" in refusal("s.txt", data, max_units=units - 1)


def test_a_huge_record_is_refused_before_it_is_split_into_sentences():
    text = "Officials said the storm is expected to strengthen. " * 100_000  # 5.2 MB
    message = refusal("big.jsonl", (line() + "\n" + line(text=text) + "\n").encode(),
                      max_bytes=10 * 1024 * 1024, max_chars=300_000, max_units=3_000)
    assert message.startswith("big.jsonl:2: article is 5,200,00")


def test_a_csv_article_within_the_limit_imports_however_long_its_text_field():
    text = "The storm is expected to strengthen overnight. " * 5_000  # 235,000 characters
    data = f'title,text\nLong but allowed,"{text}"\n'.encode()
    article = parse_file("long.csv", data, max_chars=300_000, max_units=30_000)[0]
    assert len(article.text) > 200_000


def test_long_and_odd_file_names_are_clipped_keeping_the_extension():
    assert clip("short.txt") == "short.txt"
    long = "x" * 600 + ".jsonl"
    assert len(clip(long)) == 500 and clip(long).endswith("x.jsonl") and "…" in clip(long)
    assert upload_name("C:\\Users\\me\\news.csv") == "news.csv"
    assert upload_name("../../etc/\x1bnews\x07.txt") == "news.txt"
    assert upload_name(None) == upload_name("   ") == "upload"


def test_limits_read_from_the_environment(monkeypatch):
    monkeypatch.delenv("ARTICLE_MAX_CHARS", raising=False)
    assert _count("ARTICLE_MAX_CHARS", 300_000) == 300_000
    monkeypatch.setenv("ARTICLE_MAX_CHARS", "1000000")
    assert _count("ARTICLE_MAX_CHARS", 300_000) == 1_000_000
    for bad in ("-5", "lots"):
        monkeypatch.setenv("ARTICLE_MAX_CHARS", bad)
        with pytest.raises(RuntimeError, match="ARTICLE_MAX_CHARS must be a whole number"):
            _count("ARTICLE_MAX_CHARS", 300_000)
