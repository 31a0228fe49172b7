"""Synthetic news corpus for benchmarks: seeded, pure, fast.

Articles follow the layout of annotator/samples/azerbaijan-offensive-2023-09-19.txt: headline,
blank line, dateline ("Tuesday 19 September 2023 - 13:04"), paragraphs separated by blank
lines, image captions (some with a "click to view full size" tail) and a share/comment trailer.
Sentences come from templates covering what reviewers label: plain facts, attributed claims
("the ministry said"), quotes, predictions ("is expected to") and opinions, with numbers
($3.5 billion, 12.4%) and abbreviations (U.S., Dr., Jan. 5) that stress segmentation.

Same seed, same corpus: article i depends only on the seed and i's predecessors, so
``articles(100, seed=1)`` is a prefix of ``articles(1000, seed=1)``.

Run ``python bench/corpus.py OUTDIR -n 10000`` to write a corpus of text files.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

LABELS = ("fact", "claim", "opinion", "prediction")
# How often each label is the reference answer in labels(): news copy is mostly facts and
# attributed claims.
LABEL_WEIGHTS = (0.40, 0.30, 0.15, 0.15)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
MONTH_ABBR = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
              "Nov.", "Dec.")  # fmt: skip


class Outlet(NamedTuple):
    """A synthetic news outlet and the registered domain its URLs live under."""

    name: str
    domain: str


_OUTLET_FIRST = ("Daily", "Evening", "Morning", "Weekly", "National", "Metro", "Coastal",
                 "Northern", "Southern", "Capital", "Free", "Independent")  # fmt: skip
_OUTLET_SECOND = ("Herald", "Courier", "Gazette", "Post", "Times", "Observer", "Ledger",
                  "Chronicle", "Tribune", "Dispatch", "Standard", "Monitor", "Journal")  # fmt: skip
# Multi-label public suffixes on purpose: registered_domain must not stop at "co".
_SUFFIXES = ("com", "co.uk", "com.au", "org", "net", "co.za", "de", "ie", "co.nz", "news")

_PLACES = ("Lisbon", "Nairobi", "Manila", "Quito", "Tbilisi", "Oslo", "Accra", "Hanoi",
           "Montevideo", "Tallinn", "Amman", "Dhaka", "Lima", "Zagreb", "Rabat", "Perth",
           "Baku", "Yerevan", "Kraków", "São Paulo")  # fmt: skip
_REGIONS = ("northern", "coastal", "border", "eastern", "mountain", "southern", "delta")
_ORGS = ("the ministry", "the central bank", "the U.N. agency", "the U.S. State Department",
         "the European Commission", "the interior ministry", "the electoral commission",
         "the national statistics office", "the port authority", "the health ministry",
         "Acme Mining Corp.", "Northwind Energy Inc.", "the World Bank", "the defense ministry",
         "the city council", "the opposition party")  # fmt: skip
_PEOPLE = ("Dr. Amina Okafor", "Gen. Piotr Nowak", "Mr. Daniel Reyes", "Sen. Laura Whitfield",
           "Prof. Kenji Watanabe", "Ms. Sofia Lindqvist", "Gov. Marcus Hale", "Mrs. Leila Haddad",
           "Col. Tomas Varga", "Amb. Ruth Mensah")  # fmt: skip
_SPOKESPEOPLE = ("a spokesman", "a government spokeswoman", "a senior official",
                 "an aide who asked not to be named", "the company's chief executive")  # fmt: skip
_TOPICS = ("the budget deficit", "fuel prices", "the ceasefire", "the new tariff",
           "the vaccination campaign", "the pipeline project", "unemployment",
           "the wheat harvest", "the bond issue", "rail fares", "the water shortage",
           "the election timetable")  # fmt: skip
_METRICS = ("exports", "inflation", "turnout", "revenue", "output", "debt", "imports",
            "casualties", "arrivals", "profits")  # fmt: skip
_ACTIONS = ("announce new sanctions", "raise interest rates", "cut its forecast",
            "reopen the border crossing", "sign the agreement", "hold early elections",
            "approve the merger", "lift the curfew", "resume talks",
            "publish the report")  # fmt: skip
_OPINIONS = (
    "It is a reckless gamble that ordinary families will pay for.",
    "Frankly, the plan is the most sensible idea anyone has put forward in years.",
    "This is a disgraceful way to treat people who have already lost everything.",
    "The decision was brave, overdue and entirely right.",
    "Nobody should be fooled by these empty promises.",
    "It is hard to imagine a worse moment for such a blunder.",
    "The government deserves credit for finally listening.",
    "Such cynicism is exactly why voters have stopped trusting politicians.",
)
_CAPTIONS = (
    "{person} speaks to reporters in {place}",
    "Protesters gather outside the parliament in {place}",
    "A convoy on the road to {place}",
    "Map of the {region} region",
    "Satellite image of the port of {place}",
    "Residents queue for water in {place}",
    "Smoke rises over the outskirts of {place}",
)
_CAPTION_TAILS = (" – click to view full size", " - click to enlarge")
_TRAILERS = (
    "Share it:\n\nLeave a Reply\n\n"
    "Your email address will not be published. Required fields are marked *",
    "Share this:\nTwitter\nFacebook\nLike this:\nLike Loading...\n\nRelated posts",
    "Leave a comment\n\nYour email address will not be published.",
)


def outlets(n: int) -> list[Outlet]:
    """Return n distinct outlets with names and registered domains (deterministic)."""
    result = []
    for i in range(n):
        first = _OUTLET_FIRST[i % len(_OUTLET_FIRST)]
        second = _OUTLET_SECOND[(i // len(_OUTLET_FIRST)) % len(_OUTLET_SECOND)]
        round_ = i // (len(_OUTLET_FIRST) * len(_OUTLET_SECOND))
        name = f"The {first} {second}" + (f" {round_ + 1}" if round_ else "")
        slug = f"{first}{second}".lower() + (str(round_ + 1) if round_ else "")
        result.append(Outlet(name, f"{slug}.{_SUFFIXES[i % len(_SUFFIXES)]}"))
    return result


def _cap(text: str) -> str:
    """Upper-case the first letter only ("the U.N. agency" -> "The U.N. agency")."""
    return text[:1].upper() + text[1:]


# Sentence templates by the label a careful reviewer would give. Each is a function of the
# writer so only the chosen template draws its random parts (generation speed).
_FACTS = (
    lambda w: f"{_cap(w.pick(_METRICS))} rose to {w.money()} in the first quarter, "
    f"up from {w.money()} a year earlier.",
    lambda w: f"About {w.count()} people were evacuated from {w.pick(_PLACES)} on "
    f"{w.pick(WEEKDAYS)}.",
    lambda w: f"The bridge over the river at {w.pick(_PLACES)} was closed at "
    f"{w.rng.randint(1, 11)} a.m. on {w.pick(WEEKDAYS)}.",
    lambda w: f"The agreement was signed in {w.pick(_PLACES)} on {w.date_phrase()}, 2023.",
    lambda w: f"The U.S. and the U.K. each sent {w.rng.randint(2, 40)} observers.",
    lambda w: f"Turnout in the {w.pick(_REGIONS)} districts was {w.percent()}.",
    lambda w: f"The company employs {w.count()} workers at its No. {w.rng.randint(2, 9)} plant.",
    lambda w: f"Inflation stood at {w.percent()} in {w.pick(MONTHS)}, the statistics office "
    f"reported.",
)
_CLAIMS = (
    lambda w: f"{_cap(w.pick(_ORGS))} said {w.pick(_TOPICS)} had cost {w.money()}.",
    lambda w: f"According to {w.pick(_ORGS)}, the situation in {w.pick(_PLACES)} was under "
    f"control.",
    lambda w: f"{w.pick(_PEOPLE)} said the figures showed the policy was working.",
    lambda w: f"“We have no information about any casualties,” {w.pick(_SPOKESPEOPLE)} said.",
    lambda w: f"“The {w.pick(_REGIONS)} front is quiet,” {w.pick(_PEOPLE)} told reporters in "
    f"{w.pick(_PLACES)}.",
    lambda w: f"“Nobody will be left behind,” {w.pick(_PEOPLE)} said on {w.pick(WEEKDAYS)}.",
    lambda w: f"The operation was carried out in coordination with allies, {w.pick(_ORGS)} "
    f"said.",
    lambda w: f"{_cap(w.pick(_SPOKESPEOPLE))} denied that {w.pick(_TOPICS)} had been discussed.",
    lambda w: f"Critics say the cost of {w.pick(_TOPICS)} has already reached {w.money()}.",
)
_PREDICTIONS = (
    lambda w: f"{_cap(w.pick(_ORGS))} is expected to {w.pick(_ACTIONS)} by {w.pick(MONTHS)}.",
    lambda w: f"Analysts predict {w.pick(_METRICS)} will reach {w.money()} next year.",
    lambda w: f"Talks on {w.pick(_TOPICS)} are likely to dominate the summit in "
    f"{w.pick(_PLACES)}.",
    lambda w: f"The vote could be delayed until {w.date_phrase()}, officials warned.",
    lambda w: f"Economists expect {w.pick(_METRICS)} to fall for a third straight month.",
    lambda w: f"Growth will slow to {w.percent()} in 2025, the central bank forecast.",
)
_OPINION_TEMPLATES = tuple((lambda w, s=s: s) for s in _OPINIONS)


class _Writer:
    """Draws sentences from the templates with one seeded Random."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pick = rng.choice

    def money(self) -> str:
        if self.rng.random() < 0.6:
            return f"${self.rng.randint(1, 99)}.{self.rng.randint(1, 9)} billion"
        return f"€{self.rng.randint(2, 950)} million"

    def percent(self) -> str:
        return f"{self.rng.randint(1, 40)}.{self.rng.randint(0, 9)}%"

    def count(self) -> str:
        return f"{self.rng.randint(2, 95)},{self.rng.randint(0, 999):03d}"

    def date_phrase(self) -> str:
        return f"{self.pick(MONTH_ABBR)} {self.rng.randint(1, 28)}"

    def sentence(self) -> str:
        r = self.rng.random()
        if r < 0.38:
            templates = _FACTS
        elif r < 0.70:
            templates = _CLAIMS
        elif r < 0.85:
            templates = _PREDICTIONS
        else:
            templates = _OPINION_TEMPLATES
        return self.pick(templates)(self)

    def paragraph(self) -> str:
        return " ".join([self.sentence() for _ in range(self.rng.randint(2, 4))])

    def caption(self) -> str:
        p = self.pick
        text = p(_CAPTIONS).format(person=p(_PEOPLE), place=p(_PLACES), region=p(_REGIONS))
        return text + (p(_CAPTION_TAILS) if self.rng.random() < 0.3 else "")

    def title(self) -> str:
        p = self.pick
        kind = self.rng.randrange(5)
        if kind == 0:
            return f"{p(_ORGS).title()} Warns Of {p(_METRICS).title()} Slump In {p(_PLACES)}"
        if kind == 1:
            return f"Thousands Evacuated As Floods Hit {p(_PLACES)}"
        if kind == 2:
            return f"{p(_PEOPLE)} Vows To {p(_ACTIONS).title()}"
        if kind == 3:
            return f"{p(_TOPICS).title().removeprefix('The ')} Talks Collapse In {p(_PLACES)}"
        return f"{p(_PLACES)} Braces For {_cap(p(_REGIONS))} Offensive (Video)"


def articles(
    n: int,
    n_outlets: int = 20,
    seed: int = 0,
    size: int = 4000,
) -> Iterator[dict]:
    """Yield n article dicts of about size characters each.

    Keys: title; text (the whole text file: headline, dateline, body, trailer); body (the
    text without headline and dateline, for JSONL/CSV); published_at (naive datetime);
    outlet and domain; url (unique per article).
    """
    rng = random.Random(seed)
    writer = _Writer(rng)
    sources = outlets(n_outlets)
    start = datetime(2022, 1, 1)
    for i in range(n):
        outlet = sources[rng.randrange(n_outlets)]
        title = writer.title()
        published = start + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        dateline = (
            f"{WEEKDAYS[published.weekday()]} {published.day} {MONTHS[published.month - 1]} "
            f"{published.year} - {published:%H:%M}"
        )
        trailer = rng.choice(_TRAILERS)
        blocks: list[str] = []
        length = len(title) + len(dateline) + len(trailer) + 6
        while length < size:
            if blocks and rng.random() < 0.2:
                block = "\n".join(writer.caption() for _ in range(rng.randint(1, 2)))
            else:
                block = writer.paragraph()
            blocks.append(block)
            length += len(block) + 2
        body = "\n\n".join(blocks) + "\n" + trailer
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        yield {
            "title": title,
            "text": f"{title}\n\n{dateline}\n\n{body}",
            "body": body,
            "published_at": published,
            "outlet": outlet.name,
            "domain": outlet.domain,
            "url": f"https://www.{outlet.domain}/{published:%Y/%m}/{slug}-{i}",
        }


def write_text_files(dirpath: str | Path, n: int, **kwargs) -> list[Path]:
    """Write n articles as UTF-8 text files into dirpath and return their paths."""
    directory = Path(dirpath)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, article in enumerate(articles(n, **kwargs)):
        path = directory / f"article-{i:06d}.txt"
        path.write_text(article["text"], encoding="utf-8")
        paths.append(path)
    return paths


def write_jsonl(path: str | Path, n: int, **kwargs) -> Path:
    """Write n articles as one JSONL file (fields title, text, url, outlet, published_at)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for article in articles(n, **kwargs):
            record = {
                "title": article["title"],
                "text": article["body"],
                "url": article["url"],
                "outlet": article["outlet"],
                "published_at": article["published_at"].isoformat(),
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def labels(
    unit_count: int,
    reviewers: int,
    seed: int = 0,
    agreement: float = 0.8,
) -> list[list[str]]:
    """Return one list of unit_count labels per reviewer, agreeing as much as asked.

    Each unit gets a hidden reference label (LABEL_WEIGHTS); each reviewer gives it with
    probability `agreement` and otherwise one of the three other labels at random. Two
    reviewers therefore agree on a unit with probability a² + (1 - a)² / 3 (0.653 at 0.8,
    1.0 at 1.0, 0.25 at 0.25, which is chance for four equally likely labels).
    """
    if not 0.0 <= agreement <= 1.0:
        raise ValueError("agreement must be between 0 and 1")
    rng = random.Random(seed)
    truth = rng.choices(LABELS, weights=LABEL_WEIGHTS, k=unit_count)
    others = {label: [x for x in LABELS if x != label] for label in LABELS}
    result = []
    for _ in range(reviewers):
        draws = [rng.random() for _ in range(unit_count)]
        result.append([
            label if draw < agreement else rng.choice(others[label])
            for label, draw in zip(truth, draws, strict=True)
        ])  # fmt: skip
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Write a corpus to a directory (text files) or a JSONL file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="directory for text files, or a .jsonl path with --jsonl")
    parser.add_argument("-n", type=int, default=1000, help="number of articles (default 1000)")
    parser.add_argument("--outlets", type=int, default=20, help="number of outlets")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=4000, help="characters per article")
    parser.add_argument("--jsonl", action="store_true", help="write one JSONL file instead")
    args = parser.parse_args(argv)
    options = {"n_outlets": args.outlets, "seed": args.seed, "size": args.size}
    if args.jsonl:
        path = write_jsonl(args.out, args.n, **options)
        print(f"wrote {args.n} articles to {path}")
    else:
        paths = write_text_files(args.out, args.n, **options)
        print(f"wrote {len(paths)} text files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
