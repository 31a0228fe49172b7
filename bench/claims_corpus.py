"""The labelled claim-matching bench set: base claims written for it, their transformations,
placed inside realistic articles across outlets and dates, with same-topic distractors.

Each base claim has a main clause and a trailing clause, a number or quantity to change, a
phrase to negate, two actors to swap where it has two, a same-topic distractor and a
paraphrase. Each appears first in one outlet (the origin), then in others hours or days later:

- "same": verbatim, attribution_added (a lead-in or tail such as "..., according to AFP"),
  attribution_removed (the origin carries an attribution the copy drops), small_edit (a word
  dropped, added or changed, quotes, case, the trailing clause cut), reordered (clauses swapped);
- "not same": numbers (a number or quantity changed), dates (a day changed), negation, actors
  (two actors swapped), topic (a distractor on the same topic);
- paraphrase, reported separately.

`build(seed, copies)` returns the articles (JSONL records) and the labels of their claim units.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

SAME_KINDS = ("verbatim", "attribution_added", "attribution_removed", "small_edit", "reordered")
NOT_SAME_KINDS = ("numbers", "dates", "negation", "actors", "topic")
PARAPHRASE = "paraphrase"

OUTLETS = ("Daily Ledger", "Morning Courier", "City Wire", "Northern Gazette", "The Observer Post",
           "Harbour Times", "Valley Herald", "Capital Dispatch", "Evening Standard Online",
           "Metro Bulletin", "Coastal Review", "Frontier News")

# main clause, trailing clause, (number: old, new), (negation: old, new), (actors: a, b) or None,
# (date: old, new) or None, distractor on the same topic, paraphrase.
BASES = [
    ("The central bank raised its main interest rate to 4.5 percent",
     "citing stubborn inflation in food and energy prices",
     ("4.5 percent", "5.25 percent"), ("raised", "did not raise"), None, None,
     "The central bank said inflation in services had slowed for a third month.",
     "Stubborn food and energy inflation pushed the central bank to lift its key rate to "
     "4.5 percent."),
    ("Inflation rose to 3.5% in March",
     "driven mainly by higher rents and transport costs",
     ("3.5%", "6%"), ("rose", "did not rise"), None, ("in March", "in April"),
     "Economists expect rents to keep climbing through the summer months.",
     "Higher rents and transport costs pushed consumer prices up 3.5% in March."),
    ("Three soldiers were killed near the northern border on Monday",
     "after their patrol vehicle struck a roadside mine",
     ("Three soldiers", "Five soldiers"), ("were killed", "were not killed"), None,
     ("on Monday", "on Thursday"),
     "Army engineers began clearing mines from the northern border road on Monday.",
     "A roadside mine hit a patrol vehicle by the northern frontier, leaving three troops dead."),
    ("Russia accused Ukraine of shelling the Zaporizhzhia nuclear plant overnight",
     "raising fresh fears of a radiation leak",
     ("overnight", "twice overnight"), ("accused", "did not accuse"), ("Russia", "Ukraine"), None,
     "Inspectors from the atomic agency plan to visit the Zaporizhzhia plant next week.",
     "Moscow blamed Kyiv for overnight artillery fire on the Zaporizhzhia atomic station."),
    ("The city council approved a 12 million euro budget for school repairs",
     "ending months of dispute over the cost of new roofs",
     ("12 million euro", "20 million euro"), ("approved", "rejected"), None, None,
     "Parents protested outside the council chamber over crowded classrooms.",
     "Councillors signed off 12 million euros to fix schools after a long row over roofing."),
    ("Hospital waiting lists grew by 40,000 patients in the last quarter",
     "as staff shortages forced wards to close at weekends",
     ("40,000", "15,000"), ("grew", "did not grow"), None, None,
     "The health minister promised to recruit nurses from abroad.",
     "Weekend ward closures caused by a lack of staff added 40,000 people to hospital queues."),
    ("Germany agreed to send 14 Leopard tanks to Poland",
     "under a deal signed at a defence summit in Brussels",
     ("14 Leopard tanks", "40 Leopard tanks"), ("agreed", "refused"), ("Germany", "Poland"), None,
     "Defence ministers in Brussels also discussed air defence for the Baltic states.",
     "Berlin will deliver fourteen Leopard battle tanks to Warsaw following a Brussels accord."),
    ("The storm left 200,000 homes without power across the coast",
     "while flooding closed two main highways",
     ("200,000 homes", "20,000 homes"), ("left", "did not leave"), None, None,
     "Forecasters warned that another storm could reach the coast by the weekend.",
     "Around 200,000 coastal households lost electricity during the storm."),
    ("Police arrested 27 protesters outside the parliament building on Saturday",
     "after clashes broke out over the new pension law",
     ("27 protesters", "72 protesters"), ("arrested", "did not arrest"),
     ("Police", "protesters"), ("on Saturday", "on Sunday"),
     "Union leaders called a general strike against the pension law for next month.",
     "Clashes over the pension reform ended with officers detaining 27 demonstrators near "
     "parliament."),
    ("Unemployment fell to 5.1 percent in October",
     "its lowest level since the start of the pandemic",
     ("5.1 percent", "6.3 percent"), ("fell", "did not fall"), None, ("in October", "in September"),
     "Manufacturing firms reported fewer new orders in October.",
     "The jobless rate dropped to 5.1 percent last October, the lowest since the pandemic began."),
    ("The company will cut 1,200 jobs at its car plants",
     "blaming weak demand for electric vehicles",
     ("1,200 jobs", "2,100 jobs"), ("will cut", "will not cut"), None, None,
     "The carmaker unveiled a cheaper electric model at the motor show.",
     "Weak electric vehicle sales lead the carmaker to shed 1,200 factory positions."),
    ("Israel said Hamas fired 30 rockets at southern towns",
     "prompting air raid sirens in several cities",
     ("30 rockets", "300 rockets"), ("fired", "never fired"), ("Israel", "Hamas"), None,
     "Schools in the southern towns will stay closed until further notice.",
     "Air raid sirens sounded in several southern cities as 30 rockets were launched."),
    ("The vaccine was 92 percent effective against severe disease in adults over 65",
     "according to results from a trial of 30,000 volunteers",
     ("92 percent", "62 percent"), ("was", "was not"), None, None,
     "Pharmacies expect the new vaccine to arrive in time for the winter season.",
     "In a 30,000-person study the shot prevented serious illness in people older than 65 "
     "nine times out of ten."),
    ("Wildfires have burned more than 50,000 hectares of forest this summer",
     "forcing thousands of residents to flee their homes",
     ("50,000 hectares", "5,000 hectares"), ("have burned", "have not burned"), None, None,
     "Firefighters from neighbouring countries arrived to help with the blazes.",
     "Summer blazes destroyed over 50,000 hectares of woodland and drove thousands from home."),
    ("The opposition leader accused the prime minister of lying to parliament about the contracts",
     "and demanded a public inquiry",
     ("the contracts", "the two contracts"), ("accused", "did not accuse"),
     ("The opposition leader", "the prime minister"), None,
     "Parliament will debate the budget for the health service next week.",
     "The head of the opposition claimed the premier misled lawmakers over the contracts."),
    ("Exports to China dropped by 18 percent in the first half of the year",
     "hit by lower demand for machinery and chemicals",
     ("18 percent", "8 percent"), ("dropped", "did not drop"), None,
     ("in the first half", "in the second half"),
     "Trade officials will travel to Beijing in December for talks.",
     "Weaker demand for machines and chemicals cut sales to China by 18 percent in the first half "
     "of the year."),
    ("The mayor banned diesel cars from the city centre from next January",
     "in an effort to cut air pollution near schools",
     ("next January", "next March"), ("banned", "did not ban"), None, None,
     "Air quality sensors will be installed near every primary school.",
     "From January, diesel vehicles will no longer be allowed downtown to curb pollution near "
     "schools."),
    ("Turkey blocked Sweden from joining the alliance at the Vilnius summit",
     "demanding a crackdown on Kurdish groups",
     ("at the Vilnius summit", "at the two Vilnius summits"), ("blocked", "did not block"),
     ("Turkey", "Sweden"), None,
     "Leaders at the Vilnius summit pledged more ammunition for Ukraine.",
     "Ankara stopped Stockholm's bid for membership in Vilnius over Kurdish militants."),
    ("Ticket prices on regional trains will rise by 9 percent in April",
     "the third increase in two years",
     ("9 percent", "19 percent"), ("will rise", "will not rise"), None, ("in April", "in June"),
     "Commuters complained about delays on the regional lines all winter.",
     "Fares for regional rail services go up 9 percent from April, the third hike in two years."),
    ("The court sentenced the former minister to six years in prison for bribery",
     "after a trial that lasted nearly two years",
     ("six years", "three years"), ("sentenced", "did not sentence"), None, None,
     "The former minister's lawyers have until Friday to lodge an appeal.",
     "A six-year jail term for corruption was handed to the ex-minister by the court."),
    ("Drought has cut the wheat harvest by a quarter this year",
     "pushing bread prices to a record high",
     ("by a quarter", "by a third"), ("has cut", "has not cut"), None, None,
     "Farmers asked the government for emergency loans to buy animal feed.",
     "The dry spell slashed this year's wheat crop by 25 percent, sending bread to record prices."),
    ("The airline cancelled 400 flights on Friday",
     "as cabin crew walked out over pay",
     ("400 flights", "140 flights"), ("cancelled", "did not cancel"), None,
     ("on Friday", "on Tuesday"),
     "The airline's shares rose after it reported record summer bookings.",
     "A pay strike by cabin staff grounded 400 of the airline's flights on Friday."),
    ("Chinese coast guard ships rammed a Philippine supply boat near the Second Thomas Shoal",
     "injuring four sailors",
     ("four sailors", "nine sailors"), ("rammed", "did not ram"), ("Chinese", "Philippine"), None,
     "Manila summoned the Chinese ambassador over fishing rights last month.",
     "Four Filipino sailors were hurt when Chinese coast guard vessels struck their supply boat."),
    ("The health ministry reported 1,500 new measles cases in November",
     "most of them among unvaccinated children",
     ("1,500", "500"), ("reported", "never reported"), None, ("in November", "in October"),
     "Schools were asked to check pupils' vaccination records before the holidays.",
     "Some 1,500 children, mostly unvaccinated, caught measles in November."),
    ("Apple agreed to pay 500 million dollars to settle claims that it slowed older iPhones",
     "without admitting wrongdoing",
     ("500 million dollars", "50 million dollars"), ("agreed", "refused"), None, None,
     "Apple unveiled a new iPhone with a larger battery in September.",
     "To resolve accusations of throttling old handsets, Apple will hand over 500 million "
     "dollars."),
    ("The governor declared a state of emergency in three counties",
     "after floodwaters breached a dam on the river",
     ("three counties", "seven counties"), ("declared", "did not declare"), None, None,
     "Engineers had warned for years that the river dam needed repairs.",
     "Emergency rule now applies in three counties because a flooded river broke through a dam."),
    ("Iran seized a tanker carrying Iraqi oil in the Gulf of Oman",
     "accusing its crew of smuggling fuel",
     ("a tanker", "two tankers"), ("seized", "did not seize"), ("Iran", "Iraqi"), None,
     "Shipping insurers raised premiums for vessels crossing the Gulf of Oman.",
     "Tehran's forces took control of a ship with oil from Iraq off the Omani coast."),
    ("The university will raise tuition fees by 7 percent next year",
     "to cover rising energy bills",
     ("7 percent", "17 percent"), ("will raise", "will not raise"), None, None,
     "Students occupied the university library to demand cheaper housing.",
     "Higher energy costs mean students will pay 7 percent more in fees next year."),
    ("Researchers found microplastics in 80 percent of the tap water samples tested",
     "raising questions about filtration at treatment plants",
     ("80 percent", "18 percent"), ("found", "did not find"), None, None,
     "The water utility plans to replace old lead pipes in the city centre.",
     "Four in five tap water samples contained tiny plastic particles, scientists said."),
    ("The president vetoed a bill that would have raised the minimum wage to 15 dollars",
     "saying it would hurt small businesses",
     ("15 dollars", "12 dollars"), ("vetoed", "did not veto"), None, None,
     "Small business owners lobbied lawmakers over tax relief this spring.",
     "Arguing it would harm small firms, the president blocked legislation lifting the minimum "
     "wage to 15 dollars."),
]

ATTRIBUTIONS_LEAD = ("Officials said that ", "The ministry said on Tuesday that ",
                     "According to Reuters, ", "A government spokesperson said ",
                     "Sources told the agency that ")
ATTRIBUTIONS_TAIL = (", according to AFP", ", officials said", ", the agency reported",
                     ", a spokesperson told reporters", ", according to local media")

# Filler sentences: six independent slots, so two fillers rarely share more than two.
FILLER_SUBJECTS = ("Residents", "Analysts", "Local businesses", "Teachers", "Volunteers",
                   "Shop owners", "Commuters", "Farmers", "Engineers", "Students", "Doctors",
                   "Investors", "Fishermen", "Nurses", "Drivers", "Journalists", "Tourists",
                   "Landlords", "Retirees", "Parents", "Cyclists", "Bakers", "Pilots",
                   "Lawyers", "Architects", "Plumbers", "Librarians", "Coaches", "Gardeners",
                   "Electricians")
FILLER_PLACES = ("Ashford", "Brierley", "Caldmore", "Dunmore", "Eastleigh", "Fairholme",
                 "Glenrock", "Hatherby", "Ivybridge", "Kelsall", "Longmead", "Marlow",
                 "Northam", "Oakhurst", "Penrith", "Queensbury", "Redcliff", "Stanwick",
                 "Thornbury", "Upton", "Whitby", "Yarrow", "Alderney", "Bramhall", "Colwick",
                 "Dalston", "Elmore", "Foxton", "Grantham", "Hexley")
FILLER_VERBS = ("described", "questioned", "welcomed", "criticised", "discussed", "studied",
                "recalled", "debated", "praised", "ignored", "compared", "documented",
                "mapped", "photographed", "surveyed", "mocked", "defended", "explained",
                "summarised", "celebrated", "lamented", "examined", "reviewed", "tracked")
FILLER_ADJECTIVES = ("new", "delayed", "costly", "controversial", "long-awaited", "modest",
                     "ambitious", "temporary", "revised", "unpopular", "surprising", "quiet")
FILLER_OBJECTS = ("plans for the harbour", "changes to parking rules", "cycling lanes",
                  "works at the border crossing", "heating subsidy", "market hall closure",
                  "rental flats scheme", "rural road repairs", "library opening hours",
                  "steel mill proposal", "water pipe upgrade", "passport office queues",
                  "shoplifting figures", "theatre renovation", "school uniform prices",
                  "night bus timetable", "recycling collection", "pharmacy rota",
                  "allotment waiting list", "swimming pool reopening", "bridge inspection",
                  "tram extension", "post office move", "dog park fence", "street lighting",
                  "flood barrier test", "tourist tax", "hospital car park", "ferry timetable",
                  "museum exhibition")
FILLER_TAILS = ("at a meeting in the town hall", "in interviews this week",
                "during a radio phone-in", "in letters to the newspaper", "on social media",
                "at a public hearing", "in a survey published today", "over coffee in the square",
                "in a petition to the council", "at the annual assembly", "on a walking tour",
                "in a podcast episode", "at the weekly market", "in a neighbourhood newsletter",
                "during a school assembly", "at a church fundraiser", "in an online forum",
                "at the sports club", "during the late news bulletin", "in a parish leaflet")


@dataclass
class Label:
    url: str
    text: str
    group: int
    kind: str  # "origin", a SAME_KINDS / NOT_SAME_KINDS kind, or PARAPHRASE


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    if first in ("The", "A", "An", "Police", "Three", "Hospital", "Inflation", "Unemployment",
                 "Exports", "Wildfires", "Drought", "Ticket", "Researchers", "Chinese"):
        return text[0].lower() + text[1:]
    return text


def _sentence(main: str, tail: str | None) -> str:
    return f"{main}, {tail}." if tail else f"{main}."


_NUMBERS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "third", "quarter", "half", "thousands"}


def _small_edit(rng: random.Random, main: str, tail: str) -> str:
    choice = rng.randrange(6)
    if choice == 0:  # cut the trailing clause
        return _sentence(main, None)
    if choice == 1:  # a word added
        words = main.split(" ")
        at = rng.randrange(2, len(words))
        words.insert(at, rng.choice(("reportedly", "now", "also", "officially")))
        return _sentence(" ".join(words), tail)
    if choice == 2:  # a word dropped from the trailing clause
        words = tail.split(" ")
        del words[rng.randrange(len(words))]
        return _sentence(main, " ".join(words))
    if choice == 3:  # quotes, punctuation, case
        return f"\u201c{main}\u201d - {tail.upper()[:1] + tail[1:]}!"
    if choice == 4:  # a word changed in the trailing clause (not a number)
        words = tail.split(" ")
        at = rng.choice([i for i, w in enumerate(words)
                         if not any(ch.isdigit() for ch in w) and w not in _NUMBERS])
        words[at] = rng.choice(("several", "new", "major", "recent"))
        return _sentence(main, " ".join(words))
    return _sentence(main, tail).lower()


def _reordered(main: str, tail: str) -> str:
    return f"{tail[0].upper() + tail[1:]}, {_lower_first(main)}."


def variants(rng: random.Random, base: tuple) -> list[tuple[str, str]]:
    """Return (kind, text) for the origin and every transformation of one base claim."""
    main, tail, number, negation, actors, date, distractor, paraphrase = base
    text = _sentence(main, tail)
    out = [("origin", text), ("verbatim", text),
           ("attribution_added", rng.choice(ATTRIBUTIONS_LEAD) + _lower_first(text)),
           ("attribution_added", _sentence(main + rng.choice(ATTRIBUTIONS_TAIL), None)),
           ("small_edit", _small_edit(rng, main, tail)),
           ("small_edit", _small_edit(rng, main, tail)),
           ("reordered", _reordered(main, tail)),
           ("numbers", text.replace(number[0], number[1], 1)),
           ("negation", text.replace(negation[0], negation[1], 1)),
           ("topic", distractor),
           (PARAPHRASE, paraphrase)]
    if actors:
        a, b = actors
        swapped = text.replace(a, "\0").replace(b, a).replace("\0", b)
        out.append(("actors", swapped[0].upper() + swapped[1:]))
    if date:
        out.append(("dates", text.replace(date[0], date[1], 1)))
    return out


def _filler(rng: random.Random, n: int) -> str:
    return (f"{rng.choice(FILLER_SUBJECTS)} in {rng.choice(FILLER_PLACES)} "
            f"{rng.choice(FILLER_VERBS)} the {rng.choice(FILLER_ADJECTIVES)} "
            f"{rng.choice(FILLER_OBJECTS)} {rng.choice(FILLER_TAILS)}.")


def build(seed: int = 13, copies: int = 1, bases: int | None = None
          ) -> tuple[list[dict], list[Label]]:
    """Return (JSONL article records, labels of the claim units).

    Every base claim appears first in an origin article; each transformation goes into its
    own article of another outlet, hours to days later, among filler sentences and next to
    another base's distractor. copies > 1 repeats the whole set with new fillers and dates
    (another news cycle), as separate groups.
    """
    rng = random.Random(seed)
    records: list[dict] = []
    labels: list[Label] = []
    counter = 0
    chosen = BASES if bases is None else BASES[:bases]
    start = datetime(2026, 10, 1, 6, 0)
    for cycle in range(copies):
        for index, base in enumerate(chosen):
            group = index  # a claim met again in a later news cycle is the same claim
            when = start + timedelta(days=cycle * 40 + index, hours=rng.randrange(12))
            outlets = rng.sample(OUTLETS, len(OUTLETS))
            for step, (kind, text) in enumerate(variants(rng, base)):
                if kind == "attribution_removed":
                    continue
                if kind == "origin" and rng.random() < 0.4:
                    # Some origins carry an attribution their copies drop.
                    text = base[0] + rng.choice(ATTRIBUTIONS_TAIL) + "."
                    kind = "origin_attributed"
                counter += 1
                url = f"https://news.example/{cycle}/{group}/{step}/{counter}"
                fillers = [_filler(rng, counter * 10 + k) for k in range(rng.randrange(5, 10))]
                at = rng.randrange(len(fillers) + 1)
                body = fillers[:at] + [text] + fillers[at:]
                published = when + timedelta(hours=step * rng.randrange(1, 9))
                records.append({
                    "title": f"{rng.choice(FILLER_SUBJECTS)} react as story {counter} unfolds",
                    "text": "\n\n".join(body),
                    "url": url,
                    "outlet": outlets[step % len(outlets)],
                    "published_at": published.isoformat(),
                })
                labels.append(Label(url, text, group, kind))
    return records, labels


def pair_truth(labels: list[Label]) -> dict[tuple[int, int], tuple[bool, str]]:
    """Return {(i, j): (same?, kind)} for the labelled pairs that matter (i < j, label indexes).

    Within a group the origin and its same-kind copies are all the same claim: a pair with
    the origin is named by the copy's transformation (a verbatim copy of an attributed origin
    is "attribution_removed"), a pair of two copies is "between_copies". A not-same variant or
    a paraphrase paired with any of them is named by its kind. Every other pair of units is
    not the same claim.
    """
    by_group: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        by_group.setdefault(label.group, []).append(i)
    truth: dict[tuple[int, int], tuple[bool, str]] = {}
    for members in by_group.values():
        origin = next(i for i in members if labels[i].kind.startswith("origin"))
        same = [origin] + [i for i in members if i != origin and (
            labels[i].kind in SAME_KINDS or labels[i].kind.startswith("origin"))]
        for x, a in enumerate(same):
            for b in same[x + 1:]:
                if a == origin:
                    kind = labels[b].kind
                    if kind.startswith("origin"):
                        kind = "origin_again"  # the claim's origin in a later news cycle
                    if labels[origin].kind == "origin_attributed" and kind == "verbatim":
                        kind = "attribution_removed"
                else:
                    kind = "between_copies"
                truth[(min(a, b), max(a, b))] = (True, kind)
        repeats: dict[tuple[str, str], list[int]] = {}
        for i in members:
            if labels[i].kind in NOT_SAME_KINDS or labels[i].kind == PARAPHRASE:
                for j in same:
                    truth[(min(i, j), max(i, j))] = (labels[i].kind == PARAPHRASE,
                                                     labels[i].kind)
                repeats.setdefault((labels[i].kind, labels[i].text), []).append(i)
        # A variant met again in a later news cycle (the same changed number, say) is the
        # same claim as itself.
        for (kind, _), copies in repeats.items():
            for x, a in enumerate(copies):
                for b in copies[x + 1:]:
                    truth[(min(a, b), max(a, b))] = (True, "repeated_" + kind)
    return truth


def evaluate(labels: list[Label], cluster_of: list[int | None], cluster_sizes: dict[int, int],
             related: set[tuple[int, int]] = frozenset()) -> dict:
    """Score predicted clusters against the labels.

    cluster_of[i] is the cluster of labels[i]'s unit (None: none); cluster_sizes counts every
    unit of each cluster, labelled or not, so a filler merged into a claim is a wrong pair too.
    related holds the label pairs the matcher stored as related (for paraphrases found at all).
    """
    truth = pair_truth(labels)
    predicted = sum(n * (n - 1) // 2 for n in cluster_sizes.values())
    per_kind: dict[str, list[int]] = {}
    wrong: dict[str, int] = {kind: 0 for kind in NOT_SAME_KINDS}
    tp = positives = 0
    paraphrase = [0, 0, 0]  # pairs, merged, merged or related
    for (i, j), (same, kind) in truth.items():
        merged = cluster_of[i] is not None and cluster_of[i] == cluster_of[j]
        if kind == PARAPHRASE:
            paraphrase[0] += 1
            paraphrase[1] += merged
            paraphrase[2] += merged or (i, j) in related
            continue
        if same:
            positives += 1
            tp += merged
            hits = per_kind.setdefault(kind, [0, 0])
            hits[0] += 1
            hits[1] += merged
        elif merged:
            wrong[kind] += 1
    return {
        "predicted_pairs": predicted, "true_pairs": positives, "true_positives": tp,
        "precision": tp / predicted if predicted else 1.0,
        "recall": tp / positives if positives else 1.0,
        "recall_by_kind": {k: (v[1] / v[0], v[0]) for k, v in sorted(per_kind.items())},
        "wrongly_merged": wrong,
        "not_same_pairs": {k: sum(1 for s, kk in truth.values() if kk == k and not s)
                           for k in NOT_SAME_KINDS},
        "paraphrase": {"pairs": paraphrase[0],
                       "recall_same": paraphrase[1] / paraphrase[0] if paraphrase[0] else 0.0,
                       "found_as_related_or_same":
                           paraphrase[2] / paraphrase[0] if paraphrase[0] else 0.0},
    }
