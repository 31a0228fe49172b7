"""Which sentences state the same claim. Pure: plain data in, plain data out.

Two steps, as in near-duplicate detection at scale:

1. **Candidates** by MinHash and locality-sensitive hashing over a sentence's shingles
   (:mod:`annotator.claims.lsh`). The shingles come from here: content words and pairs of
   neighbouring content words (lower case, a light stem, no stop words, no numbers, no
   negations, attribution such as "the ministry said that" or ", according to Reuters" cut
   off). Numbers and negations stay out of the shingles on purpose, so "three soldiers" and
   "five soldiers" become candidates and are shown as related.
2. **Verification** of each candidate pair (:func:`compare`): a score from the content words
   (the mean of Jaccard similarity and containment, so a cut trailing clause or a few added
   words cost little and reordered clauses nothing), then what differs: numbers or
   quantities, dates, negation, swapped actors. A pair is "same" only with a score of at least
   SAME_SCORE and nothing of those differing; "related" from RELATED_SCORE up, with what
   differs ("wording" when only the score keeps it from "same").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from annotator.vocabulary import CLAIM_DIFFERENCES, CLAIM_MATCHES

SAME, RELATED = CLAIM_MATCHES
NUMBERS, DATES, NEGATION, ACTORS, WORDING = CLAIM_DIFFERENCES

SAME_SCORE = 0.72
RELATED_SCORE = 0.6
# Sentences with fewer content words ("He said.", a dateline) are not claims to match.
MIN_WORDS = 3

_STOP = frozenset("""
a an the and or but if then so as of at by for from in into on onto to with within about over
under after before between during through than that this these those there here it its it's
is are was were be been being am do does did doing done have has had having will would shall
should can could may might must also just very too more most such only own same other
i me my we our us you your he him his she her they them their who whom whose which what when
where why how all any both each few some up down out off again further once while because
until against s t says said say according told tells report reported reports reporting
""".split())
_NEGATIONS = frozenset("""
not no never none nobody nothing neither nor without cannot deny denies denied denying
""".split())
_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
    "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40",
    "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
    "hundred": "100", "thousand": "1000", "million": "1000000", "billion": "1000000000",
    "trillion": "1000000000000", "dozen": "12", "half": "0.5", "twice": "2", "double": "2",
    "triple": "3", "percent": "%", "pct": "%", "first": "1st", "second": "2nd",
    "third": "3rd", "fourth": "4th", "fifth": "5th", "tenth": "10th",
}
_DATE_WORDS = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december jan feb mar apr jun jul aug sep sept
oct nov dec yesterday today tomorrow tonight
""".split())
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|%|[^\W\d_]+(?:'[^\W\d_]+)?")
_ATTRIBUTION_VERBS = (r"(?:said|says|say|stated|states|announced|announces|reported|reports|"
                      r"added|adds|told\s+[^,;:]{1,40}?|confirmed|confirms|claimed|claims|"
                      r"wrote|writes|noted|notes)")
_LEADING = [
    re.compile(r"^\s*according\s+to\s+[^,;:]{1,80},\s*", re.I),
    # A speaker of at most six words without digits: "The ministry said on Tuesday that".
    re.compile(r"^\s*(?:[^\W\d_][\w.'-]*\s+){1,6}?" + _ATTRIBUTION_VERBS
               + r"(?:\s+on\s+\w+)?(?:\s*,|\s*:|\s+that\b)\s*", re.I),
    re.compile(r"^\s*(?:[^\W\d_][\w.'-]*\s+){1,4}?" + _ATTRIBUTION_VERBS
               + r"(?:\s+on\s+\w+)?\s+(?=\S)", re.I),
]
_TRAILING = [
    re.compile(r"[,;]\s*according\s+to\s+[^,;:]{1,80}?[\s.!?\"']*$", re.I),
    re.compile(r"[,;]\s*[\"']?\s*[^,;:\"]{1,80}?\s" + _ATTRIBUTION_VERBS
               + r"(?:\s+on\s+\w+)?[\s.!?\"']*$", re.I),
    re.compile(r"[,;]\s*[\"']?\s*" + _ATTRIBUTION_VERBS + r"\s+[^,;:\"]{1,80}?[\s.!?\"']*$",
               re.I),
]


@dataclass(frozen=True)
class Features:
    """What the matcher reads of one sentence."""

    words: tuple[str, ...]  # content words in order (stemmed, no numbers, no negations)
    numbers: tuple[tuple[str, str, str], ...]  # (value, word before, word after) per quantity
    dates: tuple[tuple[str, str, str], ...]  # the same for weekdays, months, years
    content: frozenset[str]  # the content words as a set
    scored: frozenset[str]  # what the score compares: words, quantities, dates
    text: str = ""  # the sentence as given (its words and negations are read when compared)

    @property
    def negations(self) -> int:
        """How many negation words, attribution included ("never said")."""
        return _whole(self.text)[0]

    @property
    def sequence(self) -> tuple[str, ...]:
        """Every word of the whole sentence in order (stemmed), for swaps and negations."""
        return _whole(self.text)[1]


@dataclass(frozen=True)
class Verdict:
    """The verifier's answer for one pair: score 0..1, "same", "related" or None, and why."""

    score: float
    kind: str | None
    differs: tuple[str, ...] = ()


_ATTRIBUTION_HINTS = ("said", "says", "say ", "stated", "states", "announce", "report", "added",
                      "adds", "told", "confirm", "claim", "wrote", "writes", "noted", "notes",
                      "according")


_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}\b)")


def strip_attribution(text: str) -> str:
    """Return the sentence without a leading or trailing attribution, if enough remains."""
    text = _THOUSANDS_COMMA.sub("", text.translate(_QUOTES)).strip()
    lowered = text.lower()
    if not any(hint in lowered for hint in _ATTRIBUTION_HINTS):
        return text.strip(" \"'")
    for patterns in (_TRAILING, _LEADING):
        for pattern in patterns:
            cut = pattern.sub(" " if patterns is _LEADING else "", text, count=1).strip()
            if cut != text and len(_TOKEN.findall(cut)) >= 3:
                text = cut
                break
    return text.strip(" \"'")


def _stem(word: str) -> str:
    """A light stem: raise, raises, raised, raising -> rais."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
        if len(word) > 3 and word.endswith("e"):
            word = word[:-1]
    elif len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


_WORD, _NEGATION, _NUMBER, _DATE, _SKIP = range(5)
_CLASSES: dict[str, tuple[int, str]] = {}


def _classify(token: str) -> tuple[int, str]:
    """Return what a (lower-case, non-digit) token is to the matcher, and its value."""
    found = _CLASSES.get(token)
    if found is None:
        bare = token.replace("'", "")
        if bare in _NEGATIONS:
            found = (_NEGATION, bare)
        elif bare in _NUMBER_WORDS:
            found = (_NUMBER, _NUMBER_WORDS[bare])
        elif bare in _DATE_WORDS:
            found = (_DATE, bare[:3])
        elif bare in _STOP or len(bare) < 2:
            found = (_SKIP, bare)
        else:
            found = (_WORD, _stem(bare))
        if len(_CLASSES) < 500_000:
            _CLASSES[token] = found
    return found


@lru_cache(maxsize=65536)
def features(text: str) -> Features:
    """Return the features of one sentence (attribution cut off first); cached by text."""
    core = strip_attribution(text)
    core = (core if core.isascii() else unicodedata.normalize("NFKC", core)).lower()
    core = core.replace("per cent", "percent").replace("n't", " not")
    words: list[str] = []
    # (value, index of the next content word, "n" or "d"): the word before is words[index - 1].
    values: list[tuple[str, int, str]] = []
    for token in _TOKEN.findall(core):
        if token[0].isdigit():
            value = token.replace(",", "") if _THOUSANDS.fullmatch(token) else token
            is_year = len(value) == 4 and value[:2] in ("19", "20")
            values.append((value.replace(",", "."), len(words), "d" if is_year else "n"))
            continue
        if token == "%":
            values.append(("%", len(words), "n"))
            continue
        kind, value = _classify(token)
        if kind == _WORD:
            words.append(value)
        elif kind == _NEGATION:
            pass
        elif kind == _NUMBER:
            values.append((value, len(words), "n"))
        elif kind == _DATE:
            values.append((value, len(words), "d"))

    def context(kind: str) -> tuple[tuple[str, str, str], ...]:
        return tuple(sorted(
            (value, words[at - 1] if at > 0 else "", words[at] if at < len(words) else "")
            for value, at, k in values if k == kind))
    numbers, dates, content = context("n"), context("d"), frozenset(words)
    scored = content | {"#" + v for v, _, _ in numbers} | {"@" + v for v, _, _ in dates}
    return Features(tuple(words), numbers, dates, content, scored, text)


@lru_cache(maxsize=4096)
def _whole(text: str) -> tuple[int, tuple[str, ...]]:
    """Return the negation count and the stemmed words of the whole sentence."""
    raw = [t.replace("'", "") for t in _TOKEN.findall(
        text.translate(_QUOTES).lower().replace("n't", " not")) if not t[0].isdigit() and t != "%"]
    return sum(1 for t in raw if t in _NEGATIONS), tuple(_stem(t) for t in raw)


_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+")
# Words that state the opposite of each other: "approved" / "rejected" is a negation.
_OPPOSITE_WORDS = (
    ("approve", "reject"), ("agree", "refuse"), ("accept", "reject"), ("confirm", "deny"),
    ("allow", "ban"), ("win", "lose"), ("won", "lost"), ("increase", "decrease"),
    ("rose", "fell"), ("rise", "fall"), ("gain", "lose"), ("pass", "fail"),
    ("guilty", "innocent"), ("lift", "impose"), ("open", "close"), ("support", "oppose"),
    ("admit", "deny"), ("raise", "cut"), ("grew", "shrank"), ("higher", "lower"),
    ("more", "fewer"), ("up", "down"), ("ease", "tighten"), ("true", "false"),
)
_NEGATION_STEMS = frozenset(_stem(w) for w in _NEGATIONS)
_OPPOSITES: dict[str, set[str]] = {}
for _left, _right in _OPPOSITE_WORDS:
    _OPPOSITES.setdefault(_stem(_left), set()).add(_stem(_right))
    _OPPOSITES.setdefault(_stem(_right), set()).add(_stem(_left))


def _conflict(a: Sequence[tuple[str, str, str]], b: Sequence[tuple[str, str, str]],
              b_words: frozenset[str], a_words: frozenset[str]) -> bool:
    """Whether a quantity changed: one side has a value the other lacks, between words both
    sentences have ("killed three soldiers" / "killed five soldiers"). A value in a clause the
    other sentence cut (a neighbour it lacks) does not count."""
    left = Counter(v for v, _, _ in a)
    right = Counter(v for v, _, _ in b)
    for items, extra, other_words in ((a, left - right, b_words), (b, right - left, a_words)):
        for value, before, after in items:
            near = [w for w in (before, after) if w]
            if extra.get(value) and near and all(w in other_words for w in near):
                return True
    return False


def _opposed(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether one sentence uses a word whose opposite only the other uses."""
    for word in a - b:
        for opposite in _OPPOSITES.get(word, ()):
            if opposite in b and opposite not in a:
                return True
    return False


def _negation_differs(a: Features, b: Features) -> bool:
    """Whether one sentence negates what the other states: the parity of the negations that
    bear on a word both sentences have differs ("did not raise" / "raised"); a negation in a
    clause the other cut ("without admitting") does not count."""
    if a.negations % 2 == b.negations % 2:
        return False
    words_a, words_b = set(a.sequence), set(b.sequence)

    def anchored(seq: tuple[str, ...], other: set[str]) -> int:
        count = 0
        for i, word in enumerate(seq):
            if word in _NEGATION_STEMS:
                following = [w for w in seq[i + 1:i + 6] if w not in _STOP][:2]
                if not following or any(w in other for w in following):
                    count += 1
        return count
    return anchored(a.sequence, words_b) % 2 != anchored(b.sequence, words_a) % 2


def _swapped(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two shared words trade places around a shared word: "A hit B" / "B hit A".

    Only words that occur once in each sentence count. Reordered clauses never trigger it:
    a pivot word keeps the words of its own clause on the same sides.
    """
    once_a = {w for w, n in Counter(a).items() if n == 1}
    once_b = {w for w, n in Counter(b).items() if n == 1}
    shared = once_a & once_b
    if len(shared) < 3:
        return False
    seq_a = [w for w in a if w in shared]
    seq_b = [w for w in b if w in shared]
    pos_b = {w: i for i, w in enumerate(seq_b)}
    for i, pivot in enumerate(seq_a):
        j = pos_b[pivot]
        left_a, right_a = set(seq_a[:i]), set(seq_a[i + 1:])
        left_b, right_b = set(seq_b[:j]), set(seq_b[j + 1:])
        if left_a & right_b and right_a & left_b:
            return True
    return False


def _overlap(a: Features, b: Features) -> tuple[float, float, int]:
    """Return (Jaccard, containment, size of the smaller) of the two sentences' scored sets."""
    ca, cb = a.scored, b.scored
    if not ca or not cb:
        return (1.0, 1.0, 0) if ca == cb else (0.0, 0.0, 0)
    inter = len(ca & cb)
    return inter / len(ca | cb), inter / min(len(ca), len(cb)), min(len(ca), len(cb))


def score(a: Features, b: Features) -> float:
    """Return the content-word similarity of two sentences: mean of Jaccard and containment."""
    jaccard, containment, _ = _overlap(a, b)
    return round((jaccard + containment) / 2, 4)


# A sentence whose every content word, quantity and date is in the other, with at least this
# many of them and this Jaccard similarity, is the other with a trailing clause cut: "same".
CUT_MIN_WORDS = 5
CUT_MIN_JACCARD = 0.35


def compare(a: Features, b: Features) -> Verdict:
    """Score a pair and name what differs; "same" only when nothing but wording is close."""
    similarity = score(a, b)
    if similarity < RELATED_SCORE:
        return Verdict(similarity, None)
    differs = []
    ca, cb = a.content, b.content
    if _conflict(a.numbers, b.numbers, cb, ca):
        differs.append(NUMBERS)
    if _conflict(a.dates, b.dates, cb, ca):
        differs.append(DATES)
    if _negation_differs(a, b) or _opposed(ca, cb):
        differs.append(NEGATION)
    if _swapped(a.sequence, b.sequence):
        differs.append(ACTORS)
    if similarity < SAME_SCORE:
        jaccard, containment, smaller = _overlap(a, b)
        if not (containment == 1.0 and smaller >= CUT_MIN_WORDS and jaccard >= CUT_MIN_JACCARD):
            differs.append(WORDING)
    return Verdict(similarity, RELATED if differs else SAME, tuple(differs))


def compare_texts(a: str, b: str) -> Verdict:
    """Compare two sentences as text."""
    return compare(features(a), features(b))


def shingles(f: Features) -> list[str]:
    """Return what the MinHash signature is taken over: content words and word pairs.

    Pairs of neighbouring content words make two sentences that merely share common words
    (a Zipf law holds after stop words too) rarely share a key, while copies, attributions
    and small edits keep most pairs; the single words keep swapped actors candidates.
    """
    words = f.words
    return list(words) + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def indexable(f: Features) -> bool:
    """Whether a sentence has enough content words to be matched at all."""
    return len(set(f.words)) >= MIN_WORDS
