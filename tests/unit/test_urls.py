"""normalise_url, registered_domain and is_http_url."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.urls import MAX_URL_LENGTH, is_http_url, normalise_url, registered_domain


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://WWW.Example.COM/News/Story", "http://www.example.com/News/Story"),
        ("https://example.com", "https://example.com/"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com:443/a", "http://example.com:443/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
        ("https://bücher.de/straße", "https://xn--bcher-kva.de/stra%C3%9Fe"),
        ("https://example.com/a%2fb", "https://example.com/a%2Fb"),
        ("http://192.168.0.1:8080/x", "http://192.168.0.1:8080/x"),
        ("http://[::1]/x", "http://[::1]/x"),
    ],
)
def test_normalise_url_canonical_form(raw, expected):
    assert normalise_url(raw) == expected


def test_tracking_parameters_are_dropped_and_order_kept():
    url = (
        "https://news.example.com/story?utm_source=tw&id=42&fbclid=abc&page=2&gclid=1"
        "&UTM_Campaign=x&dclid=1&msclkid=1&mc_cid=1&mc_eid=1&igshid=1&yclid=1&_ga=1"
        "&ref_src=twsrc&lang=en"
    )
    assert normalise_url(url) == "https://news.example.com/story?id=42&page=2&lang=en"


def test_query_with_only_tracking_parameters_disappears():
    assert normalise_url("https://example.com/a?utm_medium=email") == "https://example.com/a"


def test_query_values_are_kept_verbatim():
    url = "https://example.com/search?q=a+b&x=%2f&ref=home"
    assert normalise_url(url) == "https://example.com/search?q=a+b&x=%2F&ref=home"


def test_normalisation_is_idempotent_for_examples():
    url = "HTTPS://Bücher.DE:443/ä?utm_source=x&b=ü#top"
    once = normalise_url(url)
    assert normalise_url(once) == once


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("ftp://example.com/file", r"not an http\(s\) URL"),
        ("javascript:alert(1)", r"not an http\(s\) URL"),
        ("data:text/html,<script>alert(1)</script>", r"not an http\(s\) URL"),
        ("example.com/story", r"not an http\(s\) URL"),
        ("mailto:desk@example.com", r"not an http\(s\) URL"),
        ("", "empty URL"),
        ("   ", "empty URL"),
        ("http://", "no host"),
        ("http:///path", "no host"),
        ("https://user:secret@example.com/", "user name or password"),
        ("https://user@example.com/", "user name or password"),
        ("https://exa mple.com/", "space"),
        ("https://example.com/a b", "space"),
        ("https://example.com/\x00", "control character"),
        ("https://example.com/a\nb", "control character"),
        ("https://exam\u202eple.com/", "control character"),
        ("https://example.com:99999/", "invalid port"),
        ("https://[nonsense]/", "malformed URL"),
        ("https://exa!mple.com/", "invalid host name"),
        ("https://example.com/" + "a" * MAX_URL_LENGTH, "longer than"),
    ],
)
def test_normalise_url_refuses_with_reason(raw, reason):
    with pytest.raises(ValueError, match=reason):
        normalise_url(raw)
    assert not is_http_url(raw)


def test_is_http_url():
    assert is_http_url("https://example.com/a")
    assert is_http_url("http://example.com")
    assert not is_http_url("javascript:alert(1)")
    assert not is_http_url(None)
    assert not is_http_url(42)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("bbc.co.uk", "bbc.co.uk"),
        ("https://www.bbc.co.uk/news/world-66850116", "bbc.co.uk"),
        ("WWW.EXAMPLE.COM.", "example.com"),
        ("a.b.c.example.com", "example.com"),
        ("https://edition.cnn.com:443/x", "cnn.com"),
        ("news.example.com.au", "example.com.au"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("someone.blogspot.com", "someone.blogspot.com"),
        ("192.168.0.1", "192.168.0.1"),
        ("http://10.0.0.1:8080/path", "10.0.0.1"),
        ("http://[2001:db8::1]/", "2001:db8::1"),
        ("co.uk", None),
        ("com", None),
        ("localhost", None),
        ("", None),
    ],
)
def test_registered_domain(value, expected):
    assert registered_domain(value) == expected


@given(st.text(max_size=80))
def test_normalise_url_only_ever_raises_value_error(text):
    try:
        result = normalise_url(text)
    except ValueError:
        return
    assert result.startswith(("http://", "https://"))
    assert normalise_url(result) == result


HOSTS = st.from_regex(
    r"[a-z][a-z0-9-]{0,10}(\.[a-z][a-z0-9-]{0,10}){0,3}\.(com|co\.uk)", fullmatch=True
)
PAIRS = st.from_regex(r"[a-z]{1,5}=[a-z0-9]{0,5}", fullmatch=True).filter(
    lambda pair: pair.split("=")[0] not in {"gclid", "dclid", "yclid"}
)


@given(HOSTS, st.lists(PAIRS, max_size=4))
def test_non_tracking_query_order_survives(host, pairs):
    url = f"https://{host}/p" + ("?" + "&".join(pairs) if pairs else "")
    assert normalise_url(url) == url
