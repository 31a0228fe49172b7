"""What `flask demo` loads: fictional articles written for the demo, and how the three demo
reviewers label them. Pure: plain data, no Flask, no database.

Every outlet, person, place and figure here is invented; each title starts with "Demo:" and
each outlet's name ends with "(demo)", so nothing here can be mistaken for real news. The
labels are chosen so that the reports show real figures: mostly agreement, a few majority
decisions and some sentences without any majority, which the adjudication list puts first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

REVIEWERS = ("demo-ana", "demo-ben", "demo-cleo")
LEAD = "demo-lead"
QUEUE = "Demo: regional news"
OVERLAP = 3
BATCH_NOTE = "demo: fictional articles written for the annotator demo"

_CODES = {"F": "fact", "C": "claim", "O": "opinion", "P": "prediction"}


@dataclass(frozen=True)
class DemoSource:
    """A source one demo reviewer links to one sentence (index into the article's units)."""

    reviewer: str
    unit: int
    url: str
    stance: str
    title: str


@dataclass(frozen=True)
class DemoArticle:
    outlet: str
    url: str
    published_at: datetime
    title: str
    sentences: tuple[str, ...]
    # One string per unit (headline first), one letter per reviewer in REVIEWERS' order.
    labels: tuple[str, ...]
    sources: tuple[DemoSource, ...] = ()

    def text(self) -> str:
        """Return the article as the importer's plain-text format reads it."""
        return self.title + "\n\n" + " ".join(self.sentences) + "\n"

    def labels_of(self, reviewer: str) -> list[str]:
        """Return one reviewer's label for each unit, headline first."""
        column = REVIEWERS.index(reviewer)
        return [_CODES[row[column]] for row in self.labels]


LEDGER = "Harbourton Ledger (demo)"
RADIO = "Valemont Radio (demo)"
POST = "The Northfield Post (demo)"

ARTICLES = (
    DemoArticle(
        LEDGER, "https://ledger.harbourton.example/2026/ferry-fares", datetime(2026, 8, 3, 7),
        "Demo: Harbourton ferry fares to rise in October",
        ("The Harbourton ferry company will raise adult fares from 4.20 to 4.80 crowns on "
         "1 October.",
         "The company said fuel costs had doubled since last spring.",
         "Commuters told the Ledger the rise was unfair to people who cannot drive.",
         "The price rise is a betrayal of the town's workers.",
         "A council report expects passenger numbers to fall by a tenth next year.",
         "The last fare rise, in 2023, was 30 öre."),
        ("FFF", "FFF", "CCC", "CCC", "OOO", "PPC", "FFF"),
        (DemoSource("demo-ana", 1, "https://council.harbourton.example/fares-2026", "supports",
                    "Council notice on ferry fares"),
         DemoSource("demo-ben", 2, "https://ferries.harbourton.example/costs", "supports",
                    "Ferry company statement")),
    ),
    DemoArticle(
        LEDGER, "https://ledger.harbourton.example/2026/library-hours", datetime(2026, 9, 14, 9),
        "Demo: Library to open on Sundays after petition",
        ("Harbourton's central library will open on Sundays from next month.",
         "More than 2,000 residents signed a petition for longer hours.",
         "The head librarian said Sunday opening would bring in families.",
         "It is the best news the town has had all year.",
         "Sunday visitors will probably outnumber weekday ones by spring.",
         "Staff will be paid a Sunday supplement, the union confirmed."),
        ("FFF", "PFP", "FFF", "CCC", "OOO", "PCO", "CFC"),
        (DemoSource("demo-cleo", 2, "https://petitions.harbourton.example/library", "supports",
                    "Petition: open the library on Sundays"),),
    ),
    DemoArticle(
        RADIO, "https://radio.valemont.example/news/bridge-repairs", datetime(2026, 7, 21, 12),
        "Demo: Valemont bridge closed for six weeks of repairs",
        ("The old stone bridge over the Vale closed to traffic on Monday.",
         "Engineers found cracks in two of its five arches in June.",
         "The mayor said the repairs would cost 1.2 million crowns.",
         "Drivers face a 14-kilometre detour through Lowfield.",
         "Shopkeepers on Bridge Street fear they will lose half their trade.",
         "The bridge should reopen before the autumn fair."),
        ("FFF", "FFF", "FFF", "CCC", "FFF", "CPC", "PPP"),
        (DemoSource("demo-ana", 3, "https://valemont.example/council/bridge-budget", "supports",
                    "Bridge repair budget"),
         DemoSource("demo-ben", 2, "https://engineers.valemont.example/inspection-june",
                    "supports", "June inspection report"),
         DemoSource("demo-cleo", 3, "https://audit.valemont.example/bridge", "contradicts",
                    "Audit office: cost estimate 1.6 million")),
    ),
    DemoArticle(
        RADIO, "https://radio.valemont.example/news/school-meals", datetime(2026, 9, 2, 8),
        "Demo: Free school meals for every pupil, council promises",
        ("Valemont council voted 17 to 8 on Tuesday to fund free lunches in all primary schools.",
         "The scheme will start in January and cost 3 million crowns a year.",
         "Opposition councillors said the money would be better spent on teachers.",
         "Free meals are simply the right thing to do.",
         "Headteachers expect attendance to improve.",
         "Around 4,100 pupils attend the town's primary schools."),
        ("FFF", "FFF", "PFC", "CCC", "OOO", "CPP", "FCF"),
        (DemoSource("demo-ben", 6, "https://stats.valemont.example/schools-2026", "supports",
                    "School census 2026"),),
    ),
    DemoArticle(
        POST, "https://northfield-post.example/local/wind-farm", datetime(2026, 6, 30, 6),
        "Demo: Wind farm off Northfield gets the go-ahead",
        ("Regional planners approved a 24-turbine wind farm off the Northfield coast on Friday.",
         "The developer says it will power 60,000 homes.",
         "Fishing crews warned that the turbines would cut them off from the best grounds.",
         "The decision shows the region finally takes the climate seriously.",
         "Construction is due to start in 2028.",
         "Turbines of this kind have run off the coast of Eastmere since 2019."),
        ("FFF", "FFF", "CCF", "CCC", "OOO", "PPF", "FFF"),
        (DemoSource("demo-ana", 2, "https://energy.northfield.example/windfarm-plan", "supports",
                    "Developer's plan"),
         DemoSource("demo-cleo", 2, "https://grid.northfield.example/capacity", "contradicts",
                    "Grid operator: about 40,000 homes")),
    ),
    DemoArticle(
        POST, "https://northfield-post.example/local/hospital-waits", datetime(2026, 9, 25, 15),
        "Demo: Hospital waiting times fall for third month",
        ("Patients at Northfield General waited 38 minutes on average in the emergency "
         "department in August.",
         "That is down from 52 minutes in May, hospital figures show.",
         "The chief executive credited new evening shifts.",
         "Nurses say the figures hide long waits for a bed.",
         "Waiting times will rise again once winter begins.",
         "The hospital deserves praise for turning things around."),
        ("FFF", "FFF", "FFF", "CFC", "CCC", "PPO", "OOO"),
        (DemoSource("demo-ben", 1, "https://health.northfield.example/waits-august", "supports",
                    "Monthly waiting-time figures"),),
    ),
)
