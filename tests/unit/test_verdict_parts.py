"""Pure parts of verdicts: due dates read from a prediction's words, the Wilson interval
(against statsmodels), the minimum-sample rule, track records and the trend chart."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from annotator.stats.charts import trend_chart
from annotator.stats.intervals import wilson
from annotator.verdicts.dates import add_months, suggest_due_date
from annotator.verdicts.track import SampleRule, Step, build_track_records

PUBLISHED = date(2025, 1, 15)  # a Wednesday


@pytest.mark.parametrize(("text", "due", "basis"), [
    ("Prices will fall by 2026.", date(2026, 12, 31), "by 2026"),
    ("The law passes next month.", date(2025, 2, 28), "next month"),
    ("The strike will end next week.", date(2025, 1, 26), "next week"),
    ("Talks will end in March.", date(2025, 3, 31), "in March"),
    ("Talks will end in January.", date(2025, 1, 31), "in January"),  # this month's end
    ("The vote comes by March 15, 2026.", date(2026, 3, 15), "by March 15, 2026"),
    ("On 3 April the court rules.", date(2025, 4, 3), "On 3 April"),
    ("The plant reopens by 10 January.", date(2026, 1, 10), "by 10 January"),  # next one
    ("Rates will rise within two weeks.", date(2025, 1, 29), "within two weeks"),
    ("The dam is finished within 18 months.", date(2026, 7, 15), "within 18 months"),
    ("Output doubles in the next five years.", date(2030, 1, 15), "in the next five years"),
    ("Profits recover in the third quarter of 2025.", date(2025, 9, 30),
     "in the third quarter of 2025"),
    ("Inflation eases by the end of the year.", date(2025, 12, 31), "by the end of the year"),
    ("The report lands later this month.", date(2025, 1, 31), "later this month"),
    ("The minister resigns tomorrow.", date(2025, 1, 16), "tomorrow"),
    ("Unlike 2020, growth returns by 2027.", date(2027, 12, 31), "by 2027"),
    ("In 2019 prices rose; they will fall by 2028.", date(2028, 12, 31), "by 2028"),
])
def test_the_date_a_sentence_states(text, due, basis):
    found = suggest_due_date(text, PUBLISHED)
    assert found is not None and (found.due, found.basis) == (due, basis)


@pytest.mark.parametrize("text", [
    "It will rain soon.", "Prices will fall in the coming years.", "They may win.",
    "Growth was weak in 2019.", "The vote on 31 February is void.",
])
def test_vague_or_past_horizons_suggest_nothing(text):
    assert suggest_due_date(text, PUBLISHED) is None


def test_months_are_added_to_the_end_of_shorter_months():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 12, 15), 14) == date(2025, 2, 15)


@given(st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_matches_statsmodels(case):
    k, n = case
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    found = wilson(k, n)
    assert found.low == pytest.approx(low, abs=1e-9)
    assert found.high == pytest.approx(high, abs=1e-9)


def test_wilson_without_items_says_why():
    assert wilson(0, 0).low is None and wilson(0, 0).reason
    with pytest.raises(ValueError):
        wilson(3, 2)


def test_the_minimum_sample_rule():
    rule = SampleRule(15, 21)
    assert rule.check(15, 21) == []
    assert rule.check(14, 30) == ["14 checked, fewer than 15"]
    assert rule.check(20, None) == ["spans no dates, under 21"]


def test_track_records_from_rows():
    scale = [Step("true", 3, False, 1), Step("mixed", 2, False, 2), Step("false", 1, True, 3)]
    records = build_track_records(
        scale,
        [(7, 3, date(2024, 1, 1), 2), (7, 1, date(2024, 2, 10), 1), (8, 2, None, 1)],
        [(7, "came_true", date(2024, 5, 1), date(2024, 1, 1)),
         (7, "unresolvable", date(2024, 5, 1), date(2024, 1, 2)),
         (7, None, date(2024, 6, 1), date(2024, 2, 1)),
         (7, None, date(2024, 9, 1), date(2024, 2, 1))],
        SampleRule(3, 30), today=date(2024, 7, 1), outlet_ids=[9])
    mine = records[7]
    assert mine.verdicts.counts == {"true": 1, "mixed": 0, "false": 2}
    assert (mine.verdicts.n, mine.verdicts.false) == (3, 2)
    assert mine.verdicts.span.days == 40 and mine.verdicts.firm
    assert [(m.month, m.n, m.false) for m in mine.months] == [("2024-01", 2, 2),
                                                              ("2024-02", 1, 0)]
    p = mine.predictions
    assert (p.resolved, p.decided, p.came_true, p.pending, p.due) == (2, 1, 1, 2, 1)
    assert records[8].verdicts.span.days is None and not records[8].verdicts.firm
    assert records[9].verdicts.n == 0 and records[9].verdicts.false_share is None


def test_the_trend_chart_geometry():
    chart = trend_chart([("2024-01", 4, 0.5), ("2024-02", 2, None), ("2024-03", 1, 1.0)])
    assert [p.n for p in chart.points] == [4, 2, 1]
    first, empty, last = chart.points
    assert empty.y is None and first.y > last.y  # 50% sits lower than 100%
    assert first.bar_height == 2 * empty.bar_height
    assert chart.line.count(",") == 2  # only the months with a share are joined
    assert trend_chart([]).points == []


def test_repeats_first_appearances_and_false_repeats():
    from annotator.verdicts.track import build_repeats

    d = date
    found = build_repeats([
        (1, 10, d(2024, 1, 1)), (1, 11, d(2024, 2, 1)), (1, 11, None),  # cluster 1: rated false
        (2, 11, d(2024, 3, 1)), (2, 10, d(2024, 3, 1)), (2, 12, d(2024, 4, 1)),  # a tie first
    ], false_clusters={1})
    assert (found[10].clustered, found[10].original, found[10].false_repeats) == (2, 2, 0)
    assert (found[11].clustered, found[11].original, found[11].false_repeats) == (3, 1, 2)
    assert (found[12].clustered, found[12].original, found[12].false_repeats) == (1, 0, 0)
    assert found[11].repeats == 2 and found[12].original_share == 0.0
