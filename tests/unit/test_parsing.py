"""parse_file: the sample article, the three formats, cleaning, and every refused input."""

import hashlib
import json
import time
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import annotator
from annotator.articles.parsing import (
    ArticleFormatError,
    ParsedArticle,
    hash_text,
    parse_dateline,
    parse_file,
)

SAMPLE = Path(annotator.__file__).parent / "samples" / "azerbaijan-offensive-2023-09-19.txt"
TITLE = "Azerbaijan Launches New Offensive In Nagorno-Karabakh (Video)"


def parse_one(name: str, data: bytes | str, **kwargs) -> ParsedArticle:
    """Parse a file that must hold exactly one article."""
    if isinstance(data, str):
        data = data.encode()
    [article] = parse_file(name, data, **kwargs)
    assert_consistent(article)
    return article


def assert_consistent(article: ParsedArticle) -> None:
    """Every unit is the slice of the stored text it claims, in order, headline first."""
    assert [u.position for u in article.units] == list(range(len(article.units)))
    assert article.units[0].kind == "headline"
    assert article.units[0].text == article.title
    assert article.text.startswith(article.title + "\n\n")
    previous_end = 0
    for unit in article.units:
        assert article.text[unit.start : unit.end] == unit.text
        assert unit.text == unit.text.strip() and unit.text
        assert unit.start >= previous_end
        previous_end = unit.end
    assert article.text_hash == hashlib.sha256(article.text.encode()).hexdigest()


def texts(article: ParsedArticle, kind: str) -> list[str]:
    return [u.text for u in article.units if u.kind == kind]


def refused(name: str, data: bytes | str, **kwargs) -> str:
    """Return str() of the ArticleFormatError that parsing must raise."""
    if isinstance(data, str):
        data = data.encode()
    with pytest.raises(ArticleFormatError) as info:
        parse_file(name, data, **kwargs)
    return str(info.value)


# --- the sample article -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> ParsedArticle:
    return parse_one("samples/" + SAMPLE.name, SAMPLE.read_bytes())


def test_sample_ships_byte_identical_with_the_package():
    shared = Path("/work/shared/samples") / SAMPLE.name
    if not shared.exists():
        pytest.skip("reference copy not available")
    assert SAMPLE.read_bytes() == shared.read_bytes()


def test_sample_headline_and_date(sample):
    assert sample.title == TITLE
    assert texts(sample, "headline") == [TITLE]
    assert sample.published_at == datetime(2023, 9, 19, 13, 4)
    assert sample.url is None and sample.outlet is None
    assert sample.line == 1


def test_sample_captions(sample):
    assert texts(sample, "caption") == [
        "The targeting of Artsakh air defense systems in Stepanakert with the Lora missile",
        "The launch of the Lora missile by the Republic of Azerbaijan towards Karabakh",
        "Suicide drones over Nagorno-Karabakh",
        "Military situation in Karabakh",
    ]


def test_sample_has_no_boilerplate_or_dateline(sample):
    for junk in ("Share it", "Leave a Reply", "Your email address", "click to view", "13:04"):
        assert junk not in sample.text
        assert not any(junk in u.text for u in sample.units)
    assert sample.text.endswith("\n\nMilitary situation in Karabakh")


@pytest.mark.parametrize(
    "sentence",
    [
        "The army of the Republic of Azerbaijan targeted military positions in the "
        "Nagorno-Karabakh using artillery fire and drones.",
        "The statement of the Azerbaijani MOD indicates the beginning of a new military "
        "operation in the Karabakh region against the Armenians.",
        "In this statement, it is stated that the operation was carried out with the "
        "coordination and information of Russia and Turkey.",
        "Also, scattered clashes continue on the contact lines between the parties.",
        "There are also reports that some civilians were wounded in the exchange of fire near "
        "the contact lines.",
    ],
)
def test_sample_body_sentences_are_their_own_units(sample, sentence):
    assert sentence in texts(sample, "body")


def test_sample_body_units_are_sentences_in_reading_order(sample):
    body = texts(sample, "body")
    assert len(body) == 15
    assert body[0].startswith("The army of the Republic")
    assert body[-1].startswith("Considering the current situation of Russia")
    assert all(u.text[-1] in ".!?;”" for u in sample.units if u.kind == "body")
    kinds = [u.kind for u in sample.units]
    assert kinds.count("headline") == 1 and kinds.count("caption") == 4


def test_sample_stored_text_keeps_source_layout(sample):
    source = SAMPLE.read_text(encoding="utf-8")
    expected = source.replace("Tuesday 19 September 2023 - 13:04\n\n", "")
    expected = expected[: expected.index(" – click to view full size")]
    assert sample.text == expected


def test_reimport_has_the_same_hash_even_with_crlf_and_trailing_spaces(sample):
    messy = SAMPLE.read_bytes().replace(b"\n", b"  \r\n")
    again = parse_one("copy.txt", b"\xef\xbb\xbf" + messy)
    assert again.text == sample.text
    assert again.text_hash == sample.text_hash


def test_hash_text_ignores_line_endings_and_trailing_whitespace():
    assert hash_text("a \r\nb\t\n") == hash_text("a\nb\n")
    assert hash_text("a\nb") != hash_text("a b")


def test_keeping_the_trailer_is_possible():
    data = "Title\n\nBody one.\n\nShare it:\nFirst comment here.\n"
    assert texts(parse_one("a.txt", data), "body") == ["Body one."]
    kept = parse_one("a.txt", data, cut_trailer=False)
    assert texts(kept, "body") == ["Body one.", "First comment here."]


# --- text format --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dateline", "expected"),
    [
        ("Tuesday 19 September 2023 - 13:04", datetime(2023, 9, 19, 13, 4)),
        ("19 September 2023", datetime(2023, 9, 19)),
        ("Tue, 19 Sep 2023 13:04", datetime(2023, 9, 19, 13, 4)),
        ("September 19, 2023 13:04", datetime(2023, 9, 19, 13, 4)),
        ("Sept. 19th, 2023 at 1:04 p.m.", datetime(2023, 9, 19, 13, 4)),
        ("Sep 19, 2023 9:30am", datetime(2023, 9, 19, 9, 30)),
        ("Published: 19 September 2023 | 13:04 GMT", datetime(2023, 9, 19, 13, 4)),
        ("2023-09-19", datetime(2023, 9, 19)),
        ("2023-09-19 13:04", datetime(2023, 9, 19, 13, 4)),
        ("2023-09-19T13:04:00+04:00", datetime(2023, 9, 19, 9, 4)),  # offset -> UTC
        ("2023-09-19T13:04:00Z", datetime(2023, 9, 19, 13, 4)),
        ("19.09.2023", datetime(2023, 9, 19)),
    ],
)
def test_datelines(dateline, expected):
    article = parse_one("a.txt", f"Headline\n\n{dateline}\n\nBody text.\n")
    assert article.published_at == expected
    assert dateline not in article.text
    assert texts(article, "body") == ["Body text."]


def test_no_dateline_is_fine():
    article = parse_one("a.txt", "Headline\nMarch 2023 protests spread\nBody text.")
    assert article.published_at is None
    assert texts(article, "body") == ["March 2023 protests spread", "Body text."]


def test_markdown_heading_marker_is_not_part_of_the_title():
    assert parse_one("a.md", "# The title\n\nBody.").title == "The title"


def test_hard_wrapped_paragraph_is_rejoined():
    article = parse_one(
        "a.txt",
        "Title\n\nThe ministry said the offensive would continue until\nall positions were"
        " taken. Officials in the\nU.S. declined to comment.\n",
    )
    assert texts(article, "body") == [
        "The ministry said the offensive would continue until all positions were taken.",
        "Officials in the U.S. declined to comment.",
    ]


def test_captions_and_boilerplate_in_a_scraped_layout():
    article = parse_one(
        "a.txt",
        "Title\n\nBy Jane Doe\n\nShare this:\n\nFirst paragraph here.\n"
        "Photo: the square at noon (click to enlarge)\nClick to enlarge\n\nA map of the area"
        " - click to enlarge\n\n***\n\nAdvertisement\n\nSecond paragraph here.\n\nRelated posts\n"
        "Another story entirely.\n",
    )
    assert texts(article, "body") == [
        "By Jane Doe",  # before the first paragraph: a byline, not a caption
        "First paragraph here.",
        "Second paragraph here.",
    ]
    assert texts(article, "caption") == ["Photo: the square at noon", "A map of the area"]
    assert "Advertisement" not in article.text and "***" not in article.text


def test_control_characters_and_odd_spaces_are_cleaned():
    article = parse_one("a.txt", "Ti\x07tle\n\nBody\u00a0\u00a0text\twith\u200b tabs.\x0c\n")
    assert article.title == "Title"
    assert texts(article, "body") == ["Body text with tabs."]


def test_outlet_and_url_defaults_apply_to_a_text_file():
    url = "HTTPS://Example.com/a?utm_source=x"
    article = parse_one("a.txt", "Title\n\nBody.", outlet="  Example   News ", url=url)
    assert article.outlet == "Example News"
    assert article.url == "https://example.com/a"


# --- jsonl and csv ------------------------------------------------------------------------


def jsonl(*records: dict) -> bytes:
    return "\n".join(json.dumps(r) for r in records).encode()


def test_jsonl_records():
    data = jsonl(
        {"title": "First", "text": "One sentence. Another one."},
        {
            "title": "Second",
            "text": "Second\n\nBody here.\n\nShare it:\nx",
            "url": "https://www.example.com/2?fbclid=1",
            "outlet": "Example",
            "published_at": "2023-09-19T13:04:00+02:00",
        },
    )
    first, second = parse_file("batch.jsonl", b"\n" + data + b"\n\n")
    for article in (first, second):
        assert_consistent(article)
    assert (first.line, second.line) == (2, 3)
    assert texts(first, "body") == ["One sentence.", "Another one."]
    assert texts(second, "body") == ["Body here."]  # repeated headline and trailer dropped
    assert second.published_at == datetime(2023, 9, 19, 11, 4)  # converted to UTC, naive
    assert second.url == "https://www.example.com/2"
    assert second.outlet == "Example"


def test_jsonl_outlet_default_does_not_override_records():
    data = jsonl({"title": "A", "text": "Body."}, {"title": "B", "text": "Body.", "outlet": "X"})
    assert [a.outlet for a in parse_file("b.ndjson", data, outlet="Default")] == ["Default", "X"]


def test_csv_records_with_multiline_quoted_text():
    data = (
        b"Title,text,published_at,url,outlet\r\n"
        b'First,"Line one.\r\n\r\nLine two.",2023-09-19,https://example.com/1,Example\r\n'
        b"\r\n"
        b'Second,"Body, with a comma.",,,\r\n'
    )
    first, second = parse_file("batch.csv", data)
    assert (first.line, second.line) == (2, 6)
    assert texts(first, "body") == ["Line one.", "Line two."]
    assert first.published_at == datetime(2023, 9, 19)
    assert second.url is None and second.outlet is None and second.published_at is None
    assert texts(second, "body") == ["Body, with a comma."]


def test_explicit_format_overrides_extension():
    data = jsonl({"title": "T", "text": "Body."})
    assert parse_file("upload.bin", data, "jsonl")[0].title == "T"


# --- refused input ------------------------------------------------------------------------

ALLOWED = "allowed: title, text, url, outlet, published_at"
ISO_HINT = "(expected ISO 8601, e.g. 2023-09-19T13:04:00+04:00)"
KNOWN_TYPES = "expected .txt, .text, .md, .jsonl, .ndjson, .csv"
NO_BODY = "no article text after the title"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("samples/x.txt", "Title\n\nTusday 19 Sep\n\nBody.",
         "samples/x.txt:3: unparseable date 'Tusday 19 Sep'"),
        ("x.txt", "Title\n\n\n32 September 2023\nBody.",
         "x.txt:4: unparseable date '32 September 2023'"),
        ("x.txt", "Title\nMonday 19 September 2023\nBody.",
         "x.txt:2: weekday does not match date 'Monday 19 September 2023' (it is a Tuesday)"),
        ("x.txt", "", "x.txt: file is empty"),
        ("x.txt", " \n\t\n", "x.txt: file is empty"),
        ("x.txt", "\n\nOnly a title\n", f"x.txt:3: {NO_BODY}"),
        ("x.txt", "Title\n\nShare it:\nLeave a Reply\n", f"x.txt:1: {NO_BODY}"),
        ("x.txt", "19 September 2023\nTitle\nBody.",
         "x.txt:1: no title: the first line is a date ('19 September 2023')"),
        ("x.txt", "#\n\nBody.", "x.txt:1: no title"),
        ("x.txt", "A" * 301 + "\n\nBody.",
         "x.txt:1: no title: the first line has 301 characters, a headline at most 300"),
    ],
)  # fmt: skip
def test_bad_text_file_names_the_line(name, data, message):
    assert refused(name, data) == message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ('{"title": "A", "text": "B."}\n{"title": "A", "text": }',
         "2: malformed JSON: Expecting value at column 24"),
        ('{"title": "A", "text": "B."', "1: malformed JSON: Expecting ',' delimiter at column 28"),
        ('\n\n["title", "text"]', "3: expected a JSON object, found an array"),
        ('"just a string"', "1: expected a JSON object, found a string"),
        ('{"text": "B."}', "1: missing field 'title'"),
        ('{"title": "A"}', "1: missing field 'text'"),
        ('{"title": " ", "text": "B."}', "1: empty 'title'"),
        ('{"title": "A", "text": null}', "1: empty 'text'"),
        ('{"title": "A", "text": ["B."]}', "1: 'text' must be a string, found an array"),
        ('{"title": "A", "text": "B.", "author": "me"}', f"1: unknown field 'author'; {ALLOWED}"),
        ('{"title": "A", "text": "B.", "published_at": "Tusday"}',
         f"1: unparseable date 'Tusday' {ISO_HINT}"),
        ('{"title": "A", "text": "B.", "published_at": 1695128640}',
         "1: 'published_at' must be a string, found a number"),
        ('{"title": "A", "text": "B.", "url": "ftp://example.com/a"}',
         "1: invalid url: not an http(s) URL (scheme 'ftp')"),
        ('{"title": "A", "text": "B.", "url": "javascript:alert(1)"}',
         "1: invalid url: not an http(s) URL (scheme 'javascript')"),
        ('{"title": "A", "text": "B.", "outlet": "' + "O" * 201 + '"}',
         "1: outlet name longer than 200 characters"),
        ('{"title": "A", "text": "Share it:"}', f"1: {NO_BODY}"),
    ],
)  # fmt: skip
def test_bad_jsonl_names_the_line(data, message):
    assert refused("x.jsonl", data) == f"x.jsonl:{message}"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("title,text,author\nA,B.,me\n", f":1: unknown column 'author'; {ALLOWED}"),
        ("title,url\nA,https://example.com/\n",
         ":1: missing required column 'text' in the header row"),
        ("A,B.\n", f":1: unknown column 'a'; {ALLOWED}"),
        ("title,text,title\nA,B.,C\n", ":1: column 'title' appears twice"),
        ("title,,text\nA,,B.\n", ":1: empty column name in the header row"),
        ("title,text\n", ": no articles in file"),
        ("title,text\nA,B.\nC,D.,E\n", ":3: expected 2 fields, found 3"),
        ('title,text\nA,"B."\nC,"unterminated\nD.\n',
         ":4: malformed CSV: unexpected end of data (record starting at line 3)"),
        ('title,text\nA,"B" and more\n', ":2: malformed CSV: ',' expected after '\"'"),
        ("title,text\nA,\n", ":2: empty 'text'"),
        ("title,text,published_at\nA,B.,19/09/2023\n",
         f":2: unparseable date '19/09/2023' {ISO_HINT}"),
        ("title,text,url\nA,B.,www.example.com\n",
         ":2: invalid url: not an http(s) URL (no scheme)"),
    ],
)  # fmt: skip
def test_bad_csv_names_the_line(data, message):
    assert refused("x.csv", data) == f"x.csv{message}"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("scan.txt", b"Title\n\nCaf\xe9 society.",
         "scan.txt:3: not UTF-8 (byte 0xe9 at column 4); save it as UTF-8"),
        ("bom.txt", b"\xef\xbb\xbfTitle\nCaf\xe9.",
         "bom.txt:2: not UTF-8 (byte 0xe9 at column 4); save it as UTF-8"),
        ("latin1.csv", b"title,text\nA,\x93quoted\x94\n",
         "latin1.csv:2: not UTF-8 (byte 0x93 at column 3); save it as UTF-8"),
        ("utf16.txt", "Title\n\nBody.".encode("utf-16"),
         "utf16.txt: file is UTF-16; save it as UTF-8"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
         "image.txt: binary file (contains NUL bytes)"),
        ("report.pdf", b"%PDF-1.4",
         f"report.pdf: unknown file type (extension '.pdf'); {KNOWN_TYPES}"),
        ("README", b"Title\n\nBody.", f"README: unknown file type (no extension); {KNOWN_TYPES}"),
    ],
)  # fmt: skip
def test_bad_bytes_are_refused(name, data, message):
    assert refused(name, data) == message


def test_utf8_bom_is_accepted():
    assert parse_one("bom.txt", b"\xef\xbb\xbfTitle\n\nBody.").title == "Title"
    [article] = parse_file("bom.csv", b"\xef\xbb\xbftitle,text\nA,B.\n")
    assert article.title == "A"


def test_unknown_explicit_format():
    assert refused("a.txt", "Title\n\nBody.", fmt="xml") == (
        "a.txt: unknown format 'xml'; expected one of text, jsonl, csv"
    )


def test_bad_default_url_has_no_line():
    assert refused("a.txt", "Title\n\nBody.", url="http://user:pw@example.com/") == (
        "a.txt: invalid url: URL must not contain a user name or password"
    )


def test_one_url_for_many_articles_is_refused():
    data = jsonl({"title": "A", "text": "B."}, {"title": "C", "text": "D."})
    assert refused("a.jsonl", data, url="https://example.com/") == (
        "a.jsonl: one url given for 2 articles; give each record its own"
    )


def test_file_over_the_limit_is_refused():
    assert refused("a.txt", b"Title\n\nBody.", max_bytes=5) == (
        "a.txt: file is 12 bytes, over the limit of 5"
    )


def test_fifty_megabytes_are_refused_quickly():
    data = b"\xff" * (50 * 1024 * 1024)  # not even UTF-8: the size check must come first
    began = time.perf_counter()
    message = refused("huge.txt", data)
    assert message == "huge.txt: file is 52,428,800 bytes, over the limit of 10,485,760"
    assert time.perf_counter() - began < 1.0


def test_error_pickles_and_keeps_its_parts():
    import pickle

    error = pickle.loads(pickle.dumps(ArticleFormatError("a.txt", 3, "bad")))
    assert (error.filename, error.line, error.message) == ("a.txt", 3, "bad")
    assert str(error) == "a.txt:3: bad"
    assert isinstance(error, ValueError)


@pytest.mark.parametrize("text", ["tomorrow", "19 Sep", "Sep 2023", "13:04", "Tusday 19 Sep 2023"])
def test_parse_dateline_refuses(text):
    with pytest.raises(ValueError, match="unparseable date"):
        parse_dateline(text)


LINE = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.sampled_from(["", "Share it:", "Leave a Reply", "Map of the area – click to enlarge",
                     "A caption line", "He said so.", "the wrap continues", "19 September 2023",
                     "***", "Tusday 19 Sep", "Photo (click to enlarge)", "\t  "]),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, max_size=12), st.sampled_from(["\n", "\r\n", "\r"]))
def test_any_text_file_parses_consistently_or_is_refused(lines, newline):
    data = newline.join(lines).encode()
    try:
        articles = parse_file("fuzz.txt", data)
    except ArticleFormatError as error:
        assert str(error).startswith("fuzz.txt")
        return
    [article] = articles
    assert_consistent(article)
    assert "\r" not in article.text
    assert hash_text(article.text) == article.text_hash


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30),
       st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))  # fmt: skip
def test_any_jsonl_record_parses_consistently_or_is_refused(title, text):
    try:
        articles = parse_file("fuzz.jsonl", jsonl({"title": title, "text": text}))
    except ArticleFormatError as error:
        assert str(error).startswith("fuzz.jsonl:1: ")
        return
    [article] = articles
    assert_consistent(article)
