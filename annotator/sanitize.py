"""The one place free text from users is sanitised (bleach) before it is stored or shown."""

from __future__ import annotations

import re
import threading
import unicodedata

from bleach.html5lib_shim import BleachHTMLParser, Filter
from bleach.sanitizer import Cleaner

from annotator.urls import is_http_url

# Notes are rendered as HTML, so only inline markup a reviewer needs to point at a source.
NOTE_TAGS = frozenset({"a", "b", "i", "em", "strong", "code", "br"})
NOTE_PROTOCOLS = frozenset({"http", "https"})
LINK_REL = "nofollow noopener noreferrer"
# A note explains a label; anything longer is a pasted article, not a note.
NOTE_MAX_CHARS = 2000

# bleach strips a disallowed tag but keeps its text, so "<script>alert(1)</script>" would
# survive as the words "alert(1)". These elements' contents are never reader-facing text.
DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "noscript", "iframe", "object", "embed", "applet",
        "noembed", "noframes", "xmp", "plaintext", "textarea", "select", "title", "head",
        "svg", "math",
    }
)  # fmt: skip

# C0/C1 controls except tab and newline, plus bidi overrides and isolates, which can make
# a note or a name read differently from what is stored ("Trojan Source").
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_WHITESPACE = re.compile(r"\s+")


class _DropContent(Filter):
    """Drop the elements in DROP_WITH_CONTENT together with everything inside them."""

    def __iter__(self):
        depth = 0
        for token in super().__iter__():
            kind = token["type"]
            name = token.get("name")
            if kind in ("StartTag", "EmptyTag") and name in DROP_WITH_CONTENT:
                if kind == "StartTag":
                    depth += 1
                continue
            if kind == "EndTag" and name in DROP_WITH_CONTENT:
                depth = max(depth - 1, 0)
                continue
            if depth == 0:
                yield token


class _AddRel(Filter):
    """Force rel="nofollow noopener noreferrer" on every kept link."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] in ("StartTag", "EmptyTag") and token["name"] == "a":
                attrs = dict(token["data"])
                attrs[(None, "rel")] = LINK_REL
                token["data"] = attrs
            yield token


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    """Keep only href on links, and only absolute http(s) URLs.

    bleach's protocol check lets relative and scheme-relative ("//evil.example") URLs
    through; a note should only ever point at a source the reader can see in full.
    """
    return tag == "a" and name == "href" and is_http_url(value)


class _NoteCleaner(Cleaner):
    """bleach Cleaner that removes DROP_WITH_CONTENT subtrees before sanitising."""

    def __init__(self) -> None:
        super().__init__(
            tags=NOTE_TAGS,
            attributes=_allow_attribute,
            protocols=NOTE_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[_AddRel],
        )
        # bleach's tokenizer discards disallowed tags before the tree is built, so their
        # contents turn into plain text. Let the parser build the dangerous elements as
        # real (raw-text) elements, then drop them with their contents in a walker
        # wrapper, which runs before bleach's own sanitiser (its `filters` run after).
        self.parser = BleachHTMLParser(
            tags=NOTE_TAGS | DROP_WITH_CONTENT,
            strip=True,
            consume_entities=False,
            namespaceHTMLElements=False,
        )
        walker = self.walker
        self.walker = lambda dom: _DropContent(walker(dom))


# bleach's parser keeps state between calls and is documented as not thread-safe.
_local = threading.local()


def _cleaner() -> _NoteCleaner:
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = _NoteCleaner()
    return cleaner


def clean_note(text: str) -> str:
    """Return text as safe HTML with only a few inline tags, at most NOTE_MAX_CHARS long."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()
    if len(text) > NOTE_MAX_CHARS:
        text = _cut(text, NOTE_MAX_CHARS)
    cleaned = _cleaner().clean(text).strip()
    # Escaping and the added rel can lengthen the output; cut the input (never the output,
    # which could split a tag or an entity) until the result fits.
    while len(cleaned) > NOTE_MAX_CHARS:
        text = _cut(text, min(len(text) - 1, len(text) * NOTE_MAX_CHARS // len(cleaned)))
        cleaned = _cleaner().clean(text).strip()
    return cleaned


# A tag or entity left open by a cut would show up as escaped debris ("&lt;a hr").
_OPEN_TAIL = re.compile(r"(<[a-zA-Z/!][^<>]*|&#?\w*)$")


def _cut(text: str, limit: int) -> str:
    """Shorten text to at most limit characters without leaving a half tag or entity."""
    return _OPEN_TAIL.sub("", text[:limit])


def clean_plain(text: str) -> str:
    """Return text with control characters removed and whitespace collapsed to single spaces.

    The result is plain text, not HTML: templates escape it when they render it.
    """
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text))
    return _WHITESPACE.sub(" ", text).strip()
