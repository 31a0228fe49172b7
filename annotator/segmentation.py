"""Split news text into sentence spans in one linear pass.

`split_sentences(text)` returns `Span(start, end)` character offsets into `text`, in order and
non-overlapping; `text[start:end]` is one sentence (or list item, headline, caption) with no
surrounding whitespace, and every non-whitespace character of `text` lies in exactly one span.

How it works: one compiled regular expression walks the text and stops only at places where a
boundary is possible (line breaks, runs of `.`, `!`, `?`, `…` followed by whitespace, spaced
ellipses, list markers and bullets). Each stop is decided from a bounded window around it: the
word before the punctuation and the first word after it. Nothing is rescanned, no pattern can
backtrack catastrophically, so the cost is linear in the length of the text.

Rules, in the order they matter for news copy:

- Line breaks. Every line break (``\\n``, ``\\r\\n``, ``\\r``, form feed, U+2028, U+2029, ...)
  ends a sentence, whether or not the line ends with punctuation; blank lines are skipped. The
  importer stores one paragraph per line, so a sentence never legitimately spans lines, and this
  rule makes headlines, captions, datelines, bylines and one-item-per-line lists their own units.
  Hard-wrapped text (a sentence broken across lines) is therefore split at the wraps: join such
  lines before segmenting. None of the 48 English Golden Rules contains a line break.
- Within a line, sentences break only at whitespace, so URLs, e-mail addresses, decimals and
  money ($3.5 billion), times (10:30) and words like ``Jr.'s`` are never cut.
- ``?`` and ``!`` (and ``?!``, ``!!``...) end a sentence unless the next word starts in lower
  case (``Yahoo! in``, ``“Why?” he asked``) or is a quoted speaker (``“Why?” Smith asked.``).
  Closing quotes and brackets after the mark belong to the sentence (``?”``, ``.’``, ``.)``).
- A period ends a sentence when the next word starts with a capital, a digit or an opening quote,
  except after known abbreviations: titles (Mr., Dr., Gen., Sen., Gov., ...) never end one;
  number abbreviations (No. 5, p. 55, Jan. 5, Art. 3) do not before a digit; company, address
  and state abbreviations (Inc., Co., St., Calif., etc.), acronyms (U.S., U.K., E.U.) and
  initials (George W. Bush, J. R. R. Tolkien) end one only before a typical sentence opener
  (The, He, It, How, ...); a.m./p.m. end one unless a day, month or time zone follows or the
  sentence so far is only "At 5 a.m.".
- Ellipses: ``...``/``…`` end a sentence before a capital, four dots (``....``, ``. . . .``) too;
  a spaced three-dot ellipsis (`` . . . ``) and a bracketed one (``[...]``) never do.
- Lists: a bullet (•, ◦, ▪, ‣, ⁃, ...) after whitespace starts a new unit; a list marker (``1.``,
  ``2)``, ``3.)``, ``a.``, ``B.``, ``IV.``) at the start of a unit is not a sentence end. On a
  line that began with a number or lower-case letter marker, the next marker in sequence (``2.``
  after ``1.``, ``b)`` after ``a)``) starts a new unit even without punctuation before it, and
  so does a first marker (``1.``, ``a.``) right after a colon ("Demands: 1. ... 2. ...").
"""

import re
from typing import NamedTuple


class Span(NamedTuple):
    """Character offsets of one sentence: `text[start:end]`."""

    start: int
    end: int


# --- character classes ---------------------------------------------------------------------

_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_HWS = rf"[^\S{_LINE_BREAKS}]"  # whitespace that is not a line break
_TERMINALS = ".!?\u2026\u203c\u2047\u2048\u2049"  # . ! ? … ‼ ⁇ ⁈ ⁉
_CLOSERS = "\"'\u2019\u201d\u00bb\u203a)]}"  # " ' ’ ” » › ) ] }
_OPENERS = "\"'\u2018\u201c\u201e\u00ab\u2039([{\u00bf\u00a1"  # " ' ‘ “ „ « ‹ ( [ { ¿ ¡
_BULLETS = "\u2022\u25e6\u25aa\u25ab\u2023\u2043\u25cf\u25cb\u25a0\u25a1\u25ba\u25b8\u25c6\u27a2"
_MAX_WORD = 48  # longest word looked at around a stop; longer tokens are URLs and the like

_T = re.escape(_TERMINALS)
_C = re.escape(_CLOSERS)
_B = re.escape(_BULLETS)

_SPACED = rf"(?:{_HWS}\.){{2,}}[{_C}]*+(?=\s|\Z)"  # ". . ." after its first dot

# Every stop begins with one of a few rare characters, so `re` skips ahead to them quickly; the
# alternatives then look behind/ahead a bounded distance and use possessive quantifiers, so each
# character is examined a bounded number of times (no backtracking blow-up, no rescans).
_STOPS = re.compile(
    rf"[{re.escape(_LINE_BREAKS)}{_T}{_B})]"
    rf"(?:(?P<nl>(?<=\r)\n?|(?<=[{re.escape(_LINE_BREAKS)}]))"
    rf"|(?P<bullet>(?<=(?<!\S)[{_B}])(?![{_B}]))"
    rf"|(?P<spaced>(?<=(?<!\S)\.){_SPACED})"
    rf"|(?P<term>(?<=[{_T}])(?<![{_T}][{_T}])[{_T}]*+[{_C}]*+(?=\s|\Z))"
    rf"|(?P<paren>(?<=\))(?={_HWS})))"
)
_MARKER = re.compile(r"\d{1,3}|[A-Za-z]|[IVX]{2,4}")  # 1. 2) 3.) a. B. IV.
_FIRST_ORDINALS = (1, ord("a"))
_NONSPACE = re.compile(r"\S")
_NEXT_TOKEN = re.compile(rf"{_HWS}*+(\S{{0,{_MAX_WORD}}})")
_SPACED_ELLIPSIS = re.compile(rf"\.{_SPACED}")
_LEADING_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
_ACRONYM = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}")
_BULLETS_ONLY = re.compile(rf"[\s{_B}]*+")
_INTRO_TIME = re.compile(
    r"(?:At|By|Around|About|Before|After|Until|Till|From|Since|Shortly after|Just after"
    r"|Just before)\s++[\d:.]++\s++",
)
_ATTRIBUTION = re.compile(  # "Smith said", "Prime Minister Nikol Pashinyan asked"
    r"[A-Z][\w'\u2019.-]{0,30}\s++(?:(?:[A-Z][\w'\u2019.-]{0,30}|of|the|de|al|bin|van|von)\s++)"
    r"{0,5}(?:said|says|asked|asks|added|told|wrote|replied|recalled|wondered|shouted|tweeted"
    r"|posted|insisted|explained|countered|quipped)\b"
)

# --- word lists ----------------------------------------------------------------------------

_TITLE, _NUMBERED, _AMBIGUOUS, _NEVER, _TIME, _NO = range(6)


def _table(kind: int, words: str) -> dict[str, int]:
    """Map each space-separated word of `words` to `kind`."""
    return dict.fromkeys(words.split(), kind)


# Matched case-insensitively (keys lower case, without the final period).
_ABBREVIATIONS: dict[str, int] = {
    **_table(
        _TITLE,
        "mr mrs ms mx messrs mmes mme mlle dr drs prof profs gen gens lt col maj capt cmdr "
        "cdr adm sgt cpl pvt brig gov govs sen sens rep reps rev msgr fr hon pres amb atty "
        "supt det insp lt.gen lt.col maj.gen brig.gen rt sra srta",
    ),
    **_table(_NUMBERED, "nos p pp para paras n° nr ca c"),
    **_table(
        _AMBIGUOUS,
        "inc corp co cos ltd llc plc bros assn assoc dept depts univ inst intl natl govt "
        "jr sr esq al ave blvd rd st sts hwy mt ft pl sq ln ct pkwy ste apt bldg "
        "lb lbs oz yr yrs mo mos hr hrs min mins sec secs gal qt pt",
    ),
    **_table(_NEVER, "e.g i.e cf viz vs v approx esp incl excl resp"),
    **_table(_TIME, "a.m p.m"),
    "no": _NO,
}
# Matched only when capitalised: these are ordinary words in lower case (ill, sat, art, ore).
_CAPITALISED: dict[str, int] = {
    **_table(_NUMBERED, "Art Arts Vol Vols Fig Figs Ch Chap Sec Ex Ref Eq Op Sect Est"),
    **_table(_NUMBERED, "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"),
    **_table(
        _AMBIGUOUS,
        "Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun "
        "Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Kans Ky La Md Mass Mich Minn "
        "Miss Mo Mont Neb Nebr Nev Okla Ore Pa Penn Tenn Tex Vt Va Wash Wis Wyo Ont Que",
    ),
}
# Words that typically open an English sentence and are unlikely to follow an abbreviation
# or initial inside one ("U.S. Government" stays, "U.S. How about you?" splits).
_STARTERS = frozenset(
    """a an the he she it they we i you his her its their our my your this that these those
    there here but and or so yet nor if when while where what who why how however meanwhile
    although though because since after before during in on at for from by with without under
    over despite among earlier later last then now still also both each some many most all
    not such did does do is are was were has have had can could should would must let please
    thus therefore instead indeed another according neither either every few several only even
    never once until unless whether which whose whom it's he's she's i'm we're they're that's
    there's what's i've we've they've i'd he'd she'd we'd they'd don't didn't
    """.split()
)
_TIME_FOLLOWERS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs
    fri sat sun january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec today tonight tomorrow yesterday
    local et est edt ct cst cdt mt mst mdt pt pst pdt gmt utc bst cet cest eet eest msk ist
    jst eastern central mountain pacific atlantic
    """.split()
)
_COMPANY_SUFFIXES = frozenset("inc corp co ltd llc plc ag sa gmbh".split())
_NOT_SENTENCE_START = frozenset(",;:%)]}&-\u2013\u2014/.\u2026'\u2019")


# --- the scanner -----------------------------------------------------------------------------


def split_sentences(text: str) -> list[Span]:
    """Return the sentence spans of `text`, in order; [] for blank text."""
    return _Scanner(text).run()


class _Scanner:
    """One left-to-right pass over a text, emitting spans as boundaries are decided."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[Span] = []
        self.start = self._next_nonspace(0)  # first character of the open sentence
        self.marker: tuple[str, str, int] | None = None  # list marker that opened the line

    def run(self) -> list[Span]:
        """Walk every stop of the text and return the spans."""
        for m in _STOPS.finditer(self.text, self.start):
            kind = m.lastgroup
            if kind == "term":
                self._terminal(m.start(), m.group(), m.end())
            elif kind == "nl":
                self._close(m.start(), m.end())
                self.marker = None
            elif kind == "bullet":
                self._close(m.start(), m.start())
            elif kind == "spaced":
                self._spaced_ellipsis(m)
            else:  # ")" followed by a space: maybe a "2)" list marker
                pos = m.start()
                self._list_marker(pos, ")", self._word_before(pos))
        self._close(len(self.text), len(self.text))
        return self.spans

    # --- bookkeeping --------------------------------------------------------------------

    def _next_nonspace(self, pos: int) -> int:
        """Index of the first non-whitespace character at or after `pos`, or len(text)."""
        m = _NONSPACE.search(self.text, pos)
        return m.start() if m else len(self.text)

    def _close(self, end: int, resume: int) -> None:
        """End the open sentence at `end` (trimmed) and open the next one at/after `resume`."""
        text, start = self.text, self.start
        if start < end:
            while text[end - 1].isspace():
                end -= 1
            self.spans.append(Span(start, end))
        if start < resume:
            self.start = self._next_nonspace(resume)

    def _next_token(self, pos: int) -> tuple[str, int]:
        """The start of the next token on the same line after `pos`, and where it begins."""
        m = _NEXT_TOKEN.match(self.text, pos)
        return m.group(1), m.start(1)

    def _word_before(self, pos: int) -> str:
        """The token that ends at `pos` (up to _MAX_WORD characters), or '' if none."""
        if pos == 0 or self.text[pos - 1].isspace():
            return ""
        return self.text[max(0, pos - _MAX_WORD) : pos].rsplit(None, 1)[-1]

    def _char_before(self, pos: int) -> str:
        """The last non-whitespace character of the open sentence before `pos`, or ''."""
        text, i = self.text, pos - 1
        while i >= self.start and text[i].isspace():
            i -= 1
        return text[i] if i >= self.start else ""

    # --- the decisions --------------------------------------------------------------------

    def _terminal(self, pos: int, cluster: str, end: int) -> None:
        """Handle a run of terminal punctuation (and closers) at `pos` followed by whitespace."""
        word = self._word_before(pos)
        if cluster in (".", ".)") and len(word) < 6 and self._list_marker(pos, cluster, word):
            return
        if self._ends(pos, cluster, end, word):
            self._close(end, end)

    def _ends(self, pos: int, cluster: str, end: int, word: str) -> bool:
        """Decide whether `cluster` at `pos`, after the token `word`, ends a sentence."""
        nxt, nxt_pos = self._next_token(end)
        if not nxt:
            return True  # end of line or text: the line break closes it anyway
        if _starts_lower(nxt):
            return False
        marks = cluster.rstrip(_CLOSERS)
        if marks.strip("."):  # contains ? ! … or similar
            if "\u2026" in marks and "?" not in marks and "!" not in marks:
                return self._ellipsis_ends(word, nxt)
            if cluster[-1] in _CLOSERS and _is_attribution(self.text, nxt_pos, nxt):
                return False
            if nxt.rstrip(".,").lower() in _COMPANY_SUFFIXES:  # "Yahoo! Inc."
                return False
            return _starts_sentence(nxt)
        if len(marks) > 1:
            return self._ellipsis_ends(word, nxt)
        if nxt[0] == ".":  # "compounds. . . . The": the spaced ellipsis opens the next one
            m = _SPACED_ELLIPSIS.match(self.text, nxt_pos)
            if m:
                nxt, nxt_pos = self._next_token(m.end())
                if not nxt:
                    return False  # "complex. . . .": the trailing ellipsis stays with it
        return self._period_ends(pos, word, nxt)

    def _ellipsis_ends(self, word: str, nxt: str) -> bool:
        """Decide for an attached ellipsis ("...", "....", "…") after `word`."""
        if word.endswith(("[", "(")):  # "[...]" marks an omission inside a quotation
            return False
        return _starts_sentence(nxt)

    def _period_ends(self, pos: int, raw: str, nxt: str) -> bool:
        """Decide whether a single period after the token `raw` (ending at `pos`) ends one."""
        word = raw.lstrip(_OPENERS)
        if not word or len(raw) >= _MAX_WORD:
            return _starts_sentence(nxt)
        kind = _ABBREVIATIONS.get(word.lower())
        if kind is None and word[0].isupper():
            kind = _CAPITALISED.get(word)
        if kind is None:
            if len(word) == 1 and word.isalpha():
                kind = _AMBIGUOUS  # an initial (George W. Bush) or a letter (Plan B.)
            elif _ACRONYM.fullmatch(word):
                kind = _AMBIGUOUS  # U.S, E.U, N.Y, Ph.D
            else:
                return _starts_sentence(nxt)
        if kind == _AMBIGUOUS:
            return _is_starter(nxt)
        if kind == _TITLE or kind == _NEVER:
            return False
        if kind == _NUMBERED:
            return not nxt.lstrip("#(")[:1].isdigit() and _is_starter(nxt)
        if kind == _NO:
            return not nxt[0].isdigit() and _starts_sentence(nxt)
        # a.m. / p.m.: "at 6 p.m. Mr. Smith left" splits, "At 5 a.m. Mr. Smith left" and
        # "at 5 p.m. Monday" do not.
        follower = _LEADING_WORD.match(nxt.lstrip(_OPENERS))
        if follower and follower.group().lower() in _TIME_FOLLOWERS:
            return False
        word_start = pos - len(raw)
        if word_start - self.start < 40 and _INTRO_TIME.fullmatch(
            self.text, self.start, word_start
        ):
            return False
        return _starts_sentence(nxt)

    def _spaced_ellipsis(self, m: re.Match[str]) -> None:
        """Handle ". . ." (never a boundary) and ". . . ." (a boundary before a capital)."""
        if m.group().count(".") < 4:
            return
        nxt, _ = self._next_token(m.end())
        if not nxt or _starts_sentence(nxt):
            self._close(m.end(), m.end())

    def _list_marker(self, pos: int, style: str, word: str) -> bool:
        """Handle a list marker ending at `pos` ("1." "2)" "3.)" "b."); False if it is not one.

        A marker at the start of a unit opens a list item; on a line that began with a marker,
        the next marker in sequence starts a new unit.
        """
        text = self.text
        word = word.lstrip(_BULLETS)
        if not _MARKER.fullmatch(word):
            return False
        nxt, _ = self._next_token(pos + len(style))
        if not nxt:
            return False
        word_start = pos - len(word)
        if self.start == word_start or (
            word_start - self.start <= 4  # bounded, so long bullet runs are not rescanned
            and _BULLETS_ONLY.fullmatch(text, self.start, word_start) is not None
        ):
            self.marker = _marker_key(word, style)
            return True
        if word_start == 0 or not text[word_start - 1].isspace():
            return False
        key, last = _marker_key(word, style), self.marker
        if key is None:
            return False
        if last and key[:2] == last[:2] and key[2] == last[2] + 1:
            pass  # the next item of the list this line started with
        elif key[2] in _FIRST_ORDINALS and self._char_before(word_start) == ":":
            pass  # "Their demands: 1. Withdraw the troops 2. ..."
        else:
            return False
        self._close(word_start, word_start)
        self.marker = key
        return True


def _marker_key(value: str, style: str) -> tuple[str, str, int] | None:
    """(kind, style, ordinal) of a list marker that can continue inline, else None."""
    if value.isdigit():
        return ("1", style, int(value))
    if value.islower():
        return ("a", style, ord(value))
    return None  # "A." "IV.": more often initials or names than inline list markers


# --- word tests ------------------------------------------------------------------------------


def _first_char(token: str) -> str:
    """The first character of `token` after any opening quotes or brackets."""
    return token.lstrip(_OPENERS)[:1]


def _starts_lower(token: str) -> bool:
    """True if `token` starts with a lower-case letter (not "iPhone"-style brand names)."""
    first = token[0]
    return first.islower() and not (len(token) > 1 and token[1].isupper())


def _starts_sentence(token: str) -> bool:
    """True if `token` can open a sentence: a capital, a digit, a quote, not a comma or dash."""
    first = _first_char(token)
    if not first:
        return True  # a lone opening quote or bracket
    if first.islower():
        return not _starts_lower(token.lstrip(_OPENERS))
    return first not in _NOT_SENTENCE_START


def _is_starter(token: str) -> bool:
    """True if `token` is a capitalised common sentence opener (The, He, How, ...)."""
    word = _LEADING_WORD.match(token.lstrip(_OPENERS))
    if not word or not word.group()[0].isupper():
        return False
    return word.group().lower().replace("\u2019", "'") in _STARTERS


def _is_attribution(text: str, pos: int, nxt: str) -> bool:
    """True if a speaker and speech verb follow at `pos` ("Smith said", "Gen. Li told")."""
    return not _is_starter(nxt) and _ATTRIBUTION.match(text, pos) is not None
