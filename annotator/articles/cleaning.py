"""Article body cleaning: boilerplate, trailers, captions and wrapped lines.

Pure. Decides which lines of an article body are paragraphs, which are image captions
and which are share/comment boilerplate that never becomes a unit.
"""

from __future__ import annotations

import re

# C0/C1 controls (tab kept for whitespace collapsing), bidi overrides, zero-width space, BOM.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufeff]")
HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
# Other Unicode line breaks (form feed, U+2028 ...) break lines too, as they do for segmentation.
LINE_BREAKS = re.compile(r"\r\n?|[\v\f\x1c-\x1e\x85\u2028\u2029]")
# Unpunctuated lines up to this length inside the body are image captions; longer ones are
# paragraphs that merely lack a full stop.
CAPTION_MAX_CHARS = 150

# Share bars, comment forms and "more from us" blocks that scraped articles drag along.
# Matched against a whole stripped line, case-insensitively, so a real sentence that merely
# mentions "share" or "comment" is never dropped. None of these ever becomes a unit.
BOILERPLATE = (
    r"share (it|this|this (article|story|post)|on \w+)\s*:?",
    r"leave a (reply|comment)",
    r"\d* ?(comments?|responses?)\s*:?",
    r"(post|add|view|show) (a )?comments?",
    r"your email address will not be published\.?( required fields are marked \*)?",
    r"required fields are marked \*",
    r"save my name,? email,? and website in this browser for the next time i comment\.?",
    r"(name|email|website|comment) ?\*",
    r"click to (share|email|print|tweet)\b.*",
    r"\(?opens in (a )?new window\)?",
    r"(related|similar|recommended|popular) (posts|articles|stories|news)\s*:?",
    r"(you (may|might) also like|more from \w+( \w+)?|read (more|also)|see also)\s*(:.*|\.*)",
    r"like this\s*:?",
    r"(like|loading)(\.{3}|…)?( (like|loading)(\.{3}|…)?)*",
    r"be the first to like this\.?",
    r"advertisement|advertising|sponsored( content)?|ad",
    r"(subscribe|sign up) (to|for) (our|the) newsletter\b.*",
    r"follow us on \w+.*",
    r"post navigation|(previous|next) (post|article)\s*:?.*",
    r"(tags?|categories)\s*:[^.!?]*|(filed under|posted in)\b[^.!?]*",
    # A bare share bar: "Facebook | Twitter | WhatsApp | Email".
    r"((facebook|twitter|x|whatsapp|telegram|linkedin|reddit|pinterest|email|e-mail|print"
    r"|tweet|share|copy link)\s*[|,/·•]?\s*)+",
)
# Where one of these appears after the article has started, the rest of the file is
# comments and link lists (the sample ends "Share it: / Leave a Reply / Your email ...").
TRAILERS = (
    r"share (it|this|this (article|story|post))\s*:?",
    r"leave a (reply|comment)",
    r"\d* ?comments?\s*:?",
    r"(related|similar|recommended) (posts|articles|stories)\s*:?",
    r"you (may|might) also like\s*:?",
    r"like this\s*:?",
    r"post navigation",
)
# Longer lines are article text; skipping the big alternation for them keeps parsing fast.
BOILERPLATE_MAX_CHARS = 200
_BOILERPLATE = re.compile("|".join(f"(?:{p})" for p in BOILERPLATE), re.IGNORECASE)
_TRAILER = re.compile("|".join(f"(?:{p})" for p in TRAILERS), re.IGNORECASE)
# "Military situation in Karabakh – click to view full size", "Map (click to enlarge)".
_CAPTION_TAIL = re.compile(
    r"(?:\s+[-–—|:]\s*|\s*[(\[]|^)\s*(?:click|tap)(?: (?:here|on (?:the )?(?:image|photo)))?"
    r"(?: to)? (?:view|enlarge|zoom|expand|open|see)(?: (?:in )?(?:full[- ]?size|full screen"
    r"|larger|large|bigger|the image|image|photo|original))?[)\]]?\.?\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = ".!?…:;"
# Words a sentence cannot end on: a line ending in one was wrapped mid-sentence.
_WRAP_WORDS = frozenset(
    "a an the of in on at to for from by with and or but nor as that which who whose whom is are"
    " was were be been being has have had will would could should can may might must its their"
    " his her our your my this these those than into onto over under about after before between"
    " during against through".split()
)
_CLOSERS = "\"'”’»)]*"



def _ends_sentence(line: str) -> bool:
    """Tell whether a line ends with sentence punctuation (ignoring closing quotes)."""
    stripped = line.rstrip(_CLOSERS + " ")
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def body_blocks(body: str, title: str, cut_trailer: bool) -> list[list[tuple[str, str]]]:
    """Split a body into blocks of ("body" | "caption", text) items, boilerplate removed.

    A block is a run of non-blank source lines; each line is an item, except that a line
    wrapped mid-sentence (the next line starts in lower case, or this one ends in a comma or
    a word like "the") is joined to the next with a space, because segmentation ends a
    sentence at every line break. Unpunctuated items up to CAPTION_MAX_CHARS after the first
    paragraph are image captions, as is any line ending in a "click to enlarge" tail (tail
    removed).
    """
    raw_blocks: list[list[str]] = [[]]
    seen_text = seen_paragraph = False
    body = CONTROL_CHARS.sub("", LINE_BREAKS.sub("\n", body))
    for raw in body.split("\n"):
        line = HORIZONTAL_SPACE.sub(" ", raw).strip()
        if not line:
            raw_blocks.append([])
            continue
        if len(line) <= BOILERPLATE_MAX_CHARS and _BOILERPLATE.fullmatch(line):
            # A share bar above the first paragraph is just dropped, not taken as the end.
            if cut_trailer and seen_paragraph and _TRAILER.fullmatch(line):
                break
            continue
        if not any(ch.isalnum() for ch in line):
            continue  # "***", "---": decoration
        if not seen_text and line == title:
            continue  # JSON/CSV text that repeats the headline as its first line
        raw_blocks[-1].append(line)
        seen_text = True
        seen_paragraph = seen_paragraph or _ends_sentence(line) or len(line) > CAPTION_MAX_CHARS

    blocks = []
    started = False  # a body paragraph has been seen: short loose lines are now captions
    for lines in raw_blocks:
        items, started = _classify_block(lines, started)
        if items:
            blocks.append(items)
    return blocks


def _classify_block(lines: list[str], started: bool) -> tuple[list[tuple[str, str]], bool]:
    """Turn one block's lines into paragraph and caption items; say whether body started."""
    items: list[tuple[str, str]] = []
    run: list[str] = []
    for index, line in enumerate(lines):
        tail = _caption_tail(line)
        if tail:
            caption = line[: tail.start()].rstrip(" -–—|:")
            if caption:
                items.append(("caption", caption))
            continue
        run.append(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _continues(line, following) and not _caption_tail(following):
            continue
        text = " ".join(run)
        run = []
        paragraph = _ends_sentence(text) or len(text) > CAPTION_MAX_CHARS
        # Before the first paragraph a loose short line is a byline or standfirst, not a caption.
        items.append(("caption" if started and not paragraph else "body", text))
        started = started or paragraph
    return items, started


def _caption_tail(line: str) -> re.Match[str] | None:
    """Find a "click to enlarge" tail; most lines have no "click"/"tap", so check that first."""
    lowered = line.lower()
    if "click" not in lowered and "tap" not in lowered:
        return None
    return _CAPTION_TAIL.search(line)


def _continues(line: str, following: str) -> bool:
    """Tell whether the break between line and following is a hard wrap inside a sentence."""
    if not following:
        return False
    if following[0].islower() or line.endswith(","):
        return True
    return line.rsplit(" ", 1)[-1].lower() in _WRAP_WORDS

def clean_line(line: str) -> str:
    """Drop control characters and collapse runs of spaces and tabs."""
    return HORIZONTAL_SPACE.sub(" ", CONTROL_CHARS.sub("", line)).strip()
