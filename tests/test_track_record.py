"""Outlet track records on the hand-built corpus (tests/verdicts_corpus.py works every figure
out by hand), the minimum-sample rule, and the outlet page that shows them."""

from __future__ import annotations

from datetime import date

import pytest

from annotator.models import Prediction
from annotator.verdicts import queries, served
from annotator.verdicts.track import SampleRule
from tests.factories import make_user
from tests.verdicts_corpus import build_track_corpus

TODAY = date(2024, 6, 1)


def test_the_verdict_mix_and_false_share_of_each_outlet(app):
    c = build_track_corpus()
    records = served.track_records(None, SampleRule(), TODAY)
    daily = records[c.daily.id].verdicts
    assert daily.counts == {"true": 1, "mostly true": 0, "mixed": 1, "mostly false": 1,
                            "false": 2, "unverifiable": 0}
    assert (daily.n, daily.false, daily.false_share) == (5, 3, 0.6)
    assert daily.false_interval.low == pytest.approx(0.2307, abs=5e-5)
    assert daily.false_interval.high == pytest.approx(0.8824, abs=5e-5)
    assert daily.span.days == 36
    other = records[c.other.id].verdicts
    assert (other.n, other.false, other.false_share) == (1, 0, 0.0)
    assert other.false_interval.low == 0.0
    assert other.false_interval.high == pytest.approx(0.7935, abs=5e-5)
    assert other.span.days == 0


def test_the_monthly_trend(app):
    c = build_track_corpus()
    months = served.track_records([c.daily.id], SampleRule(), TODAY)[c.daily.id].months
    assert [(m.month, m.n, m.false) for m in months] == [("2024-01", 3, 2), ("2024-02", 2, 1)]


def test_the_prediction_record(app):
    c = build_track_corpus()
    record = served.track_records([c.daily.id], SampleRule(), TODAY)[c.daily.id].predictions
    assert record.outcomes == {"came_true": 1, "partly": 0, "did_not": 1, "unresolvable": 0}
    assert (record.resolved, record.decided, record.came_true, record.pending, record.due) == (
        2, 2, 1, 1, 0)
    assert record.came_true_share == 0.5
    assert record.came_true_interval.low == pytest.approx(0.0945, abs=5e-5)
    assert record.came_true_interval.high == pytest.approx(0.9055, abs=5e-5)
    later = served.track_records([c.daily.id], SampleRule(), date(2025, 1, 1))
    assert later[c.daily.id].predictions.due == 1
    assert queries.due_count(date(2025, 1, 1)) == 1
    p2 = queries.prediction_view(c.predictions["p2"]).prediction
    assert isinstance(p2, Prediction) and p2.resolves_by == date(2024, 12, 31)


def test_the_minimum_sample_rule(app):
    c = build_track_corpus()
    default = served.track_records(None, SampleRule(), TODAY)
    assert default[c.daily.id].verdicts.below_rule == ["5 checked, fewer than 15"]
    assert not default[c.daily.id].verdicts.firm
    lowered = served.track_records(None, SampleRule(5, 21), TODAY)
    assert lowered[c.daily.id].verdicts.firm
    assert lowered[c.daily.id].predictions.below_rule == ["2 checked, fewer than 5"]
    assert lowered[c.other.id].verdicts.below_rule == ["1 checked, fewer than 5",
                                                       "spans 0 days, under 21"]


def test_the_outlet_page_shows_the_track_record_greyed_below_the_rule(app, client, login_as):
    c = build_track_corpus()
    login_as(make_user("lead"))
    page = client.get(f"/outlets/{c.daily.id}").get_data(as_text=True)
    assert "Track record" in page and "60 %" in page and "n = 5" in page
    assert "[0.231, 0.882]" in page and "[0.095, 0.905]" in page
    assert "below-rule" in page and "5 checked, fewer than 15" in page
    assert '<svg class="trend-svg"' in page
    app.config["TRACK_MIN_ITEMS"] = 5
    page = client.get(f"/outlets/{c.daily.id}").get_data(as_text=True)
    assert 'track-figure" data-testid="track-false"' in page  # firm: not greyed


def test_the_comparison_page_puts_outlets_side_by_side_sorted(app, client, login_as):
    c = build_track_corpus()
    login_as(make_user("lead"))
    page = client.get("/outlets/compare").get_data(as_text=True)  # default: most verdicts
    assert page.index("Daily Example</a>") < page.index("Other Times</a>")
    assert "60 %" in page and "[0.231, 0.882]" in page and "n=5" in page
    assert "[0.000, 0.793]" in page and "below-rule-cell" in page
    by_false = client.get(f"/outlets/compare?outlet={c.other.id}&outlet={c.daily.id}"
                          "&sort=false&dir=asc").get_data(as_text=True)
    assert by_false.index('data-outlet="Other Times"') < by_false.index(
        'data-outlet="Daily Example"')
    by_false = client.get(f"/outlets/compare?outlet={c.other.id}&outlet={c.daily.id}"
                          "&sort=false&dir=desc").get_data(as_text=True)
    assert by_false.index('data-outlet="Daily Example"') < by_false.index(
        'data-outlet="Other Times"')
    assert client.get("/outlets/compare?outlet=x").status_code == 400


def test_the_comparison_exports(app, client, login_as):
    import csv
    import io

    from openpyxl import load_workbook

    c = build_track_corpus()
    login_as(make_user("lead"))
    args = f"?outlet={c.daily.id}&outlet={c.other.id}&sort=false&dir=desc"
    # (figures worked out in tests/verdicts_corpus.py)
    text = client.get("/exports/outlet-comparison.csv" + args).get_data(as_text=True)
    rows = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
    assert [r["outlet"] for r in rows] == ["Daily Example", "Other Times"]
    daily = rows[0]
    assert (daily["verdicts"], daily["n_false"], daily["n_mostly_false"]) == ("5", "2", "1")
    assert float(daily["false_share"]) == 0.6
    assert float(daily["false_low"]) == pytest.approx(0.2307, abs=5e-5)
    assert float(daily["came_true_share"]) == 0.5 and daily["predictions_pending"] == "1"
    assert float(daily["came_true_high"]) == pytest.approx(0.9055, abs=5e-5)
    assert "fewer than 15" in daily["verdicts_below_rule"]
    assert float(daily["alpha"]) == 1.0 and daily["articles"] == "3"
    assert (daily["sentences"], daily["supported_sentences"],
            daily["contradicted_sentences"]) == ("12", "1", "1")
    assert float(daily["supported_share"]) == pytest.approx(1 / 12)
    assert float(daily["label_share_claim"]) == pytest.approx(2 / 3)
    assert float(daily["label_share_prediction"]) == pytest.approx(1 / 3)
    assert float(daily["label_share_fact"]) == 0.0
    other = rows[1]
    assert (other["sentences"], other["supported_sentences"]) == ("2", "0")
    assert float(other["label_share_claim"]) == 1.0
    book = load_workbook(io.BytesIO(client.get("/exports/outlet-comparison.xlsx" + args).data))
    sheet = book["comparison"]
    assert [cell.value for cell in sheet[2]][:1] == ["Daily Example"]
    assert not text.startswith("#")  # the table only: the metadata is its sidecar
    meta = client.get("/exports/outlet-comparison.csv-metadata.json" + args).get_json()
    assert meta["url"].endswith(".csv") and meta["columns"][0] == "outlet"
    assert "minimum sample" in meta["definitions"]
    html = client.get("/exports/outlet-comparison.html" + args)
    assert html.status_code == 200 and "Daily Example" in html.get_data(as_text=True)
    assert "default-src 'none'" in html.headers["Content-Security-Policy"]
