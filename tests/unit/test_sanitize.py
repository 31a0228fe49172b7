"""clean_note and clean_plain: what survives of user-supplied free text."""

import re
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.sanitize import LINK_REL, NOTE_MAX_CHARS, clean_note, clean_plain

REL = f'rel="{LINK_REL}"'


def assert_inert(html: str) -> None:
    """Fail if html could run script in a browser."""
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<style" not in lowered
    assert "<img" not in lowered
    assert "<svg" not in lowered
    assert "<iframe" not in lowered
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered), html
    assert not re.search(r"href=\"(?!https?://)", lowered), html


def test_allowed_inline_markup_is_kept():
    note = "<b>b</b> <i>i</i> <em>em</em> <strong>s</strong> <code>x = 1</code><br>next"
    assert clean_note(note) == note


def test_link_keeps_http_href_and_gets_rel():
    assert clean_note('<a href="https://example.com/a">source</a>') == (
        f'<a href="https://example.com/a" {REL}>source</a>'
    )


def test_link_rel_and_other_attributes_are_replaced():
    note = '<a href="http://e.com" rel="opener" target="_blank" title="t" onclick="x()">y</a>'
    assert clean_note(note) == f'<a href="http://e.com" {REL}>y</a>'


def test_other_tags_are_stripped_keeping_their_text():
    assert clean_note("<p>one</p><div>two <span>three</span></div>") == "one\ntwo three"
    assert clean_note("<h1>Title</h1> <u>under</u>") == "Title under"


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<script>a</script><script>b</script>",
        "<style>body{display:none}</style>",
        "<svg><script>alert(1)</script></svg>",
        "<svg onload=alert(1)></svg>",
        "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
        "<iframe src=javascript:alert(1)></iframe>",
        "<template><script>alert(1)</script></template>",
        "<textarea><script>alert(1)</script></textarea>",
        "<object data=evil.swf></object>",
    ],
)
def test_dangerous_elements_vanish_with_their_contents(payload):
    cleaned = clean_note(f"before {payload} after")
    assert cleaned == "before  after"
    assert "alert" not in cleaned
    assert "display" not in cleaned


@pytest.mark.parametrize(
    "payload",
    [
        "<img src=x onerror=alert(1)>",
        '<img src="x" onerror="alert(1)"/>',
        "<IMG SRC=x OnError=alert(1)>",
        "<body onload=alert(1)>",
        "<b onmouseover=alert(1)>b</b>",
        "<details open ontoggle=alert(1)>",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
        "<scr<script>ipt>alert(1)</script>",
        "<<script>script>alert(1)<</script>/script>",
        "<a href=\"https://ok.example/\" onmouseover='alert(1)'>x</a>",
        '<a href="https://ok.example/&quot;onmouseover=&quot;alert(1)">x</a>',
    ],
)
def test_event_handlers_never_survive(payload):
    assert_inert(clean_note(payload))


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\nscript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;&#x61;&#x76;&#x61;script:alert(1)",
        "javascript&colon;alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "//evil.example/",
        "/relative/path",
        "mailto:someone@example.com",
        "ftp://example.com/",
    ],
)
def test_non_http_links_lose_their_href(href):
    cleaned = clean_note(f'<a href="{href}">click</a>')
    assert cleaned == f"<a {REL}>click</a>"


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        # Escaped markup stays escaped: it renders as the literal text, never as a tag.
        ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("&#60;script&#62;", "&#60;script&#62;"),
        ("a < b && c > d", "a &lt; b &amp;&amp; c &gt; d"),
        ("Fish &amp; chips", "Fish &amp; chips"),
        ("<!-- hidden --> shown", "shown"),
        ("<!--<script>alert(1)</script>-->x", "x"),
    ],
)
def test_entities_and_comments(note, expected):
    assert clean_note(note) == expected


def test_unclosed_dangerous_element_swallows_the_rest_like_a_browser():
    assert clean_note("before <script>alert(1) after") == "before"
    assert clean_note("before <svg onload=alert(1)> after") == "before"


def test_attribute_values_are_quoted_and_escaped():
    cleaned = clean_note("<a href='https://e.com/?a=1&b=\"2\"'>x</a>")
    # The serializer picks the quote the value does not contain, so it cannot break out.
    assert cleaned == f"<a href='https://e.com/?a=1&amp;b=\"2\"' {REL}>x</a>"


def test_control_and_bidi_characters_are_removed():
    assert clean_note("a\x00b\x07c\u202ed\u2066e") == "abcde"
    assert clean_note("line one\r\nline two\tend") == "line one\nline two\tend"


def test_empty_and_whitespace_notes():
    assert clean_note("") == ""
    assert clean_note("   \n ") == ""
    assert clean_note("<script>x</script>") == ""


def test_long_note_is_capped():
    assert clean_note("x" * 5000) == "x" * NOTE_MAX_CHARS


def test_cap_holds_when_escaping_lengthens_the_output():
    cleaned = clean_note("<" * 5000)
    assert len(cleaned) <= NOTE_MAX_CHARS
    assert cleaned == "&lt;" * (NOTE_MAX_CHARS // 4)


def test_cut_never_leaves_half_an_entity():
    cleaned = clean_note("x" * (NOTE_MAX_CHARS - 3) + "&amp;tail")
    assert cleaned == "x" * (NOTE_MAX_CHARS - 3)


def test_cap_holds_with_links_and_never_cuts_a_tag():
    cleaned = clean_note('<a href="http://x.com">a</a> ' * 300)
    assert len(cleaned) <= NOTE_MAX_CHARS
    assert cleaned.count("<a ") == cleaned.count("</a>")
    assert cleaned.endswith("</a>")


def test_cleaner_is_safe_across_threads():
    results = []

    def work():
        results.extend(clean_note(f"<b>{i}</b><script>x</script>") for i in range(200))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 800
    assert all(re.fullmatch(r"<b>\d+</b>", r) for r in results)


@given(st.text(alphabet=st.sampled_from(list("<>/=\"' &;:ascriptimgonerrorhf\n")), max_size=60))
def test_fuzzed_markup_is_always_inert_and_short(text):
    cleaned = clean_note(text)
    assert len(cleaned) <= NOTE_MAX_CHARS
    assert_inert(cleaned)


@given(st.text(max_size=200))
def test_cleaning_is_idempotent(text):
    once = clean_note(text)
    assert clean_note(once) == once


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Al Jazeera  ", "Al Jazeera"),
        ("The\tGuardian\n\nWeekly", "The Guardian Weekly"),
        ("a\x00b\x1fc\x7fd", "abcd"),
        ("evil\u202etxt.exe", "eviltxt.exe"),
        ("non\u00a0breaking", "non breaking"),
        ("<b>kept as text</b>", "<b>kept as text</b>"),
        ("e\u0301", "\u00e9"),
        ("", ""),
    ],
)
def test_clean_plain(raw, expected):
    assert clean_plain(raw) == expected
