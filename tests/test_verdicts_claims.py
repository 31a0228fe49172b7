"""Verdicts over claim clusters: a verdict on one appearance serves every appearance (track
records and ClaimReview), and the outlets' originality and repeats of claims rated false.

On top of tests/verdicts_corpus.py, two clusters (rows written as the claims area keeps them):
  A: c1 (Daily Example D1 2024-01-05, published "false") and c8, the same claim in Other Times
     O2 2024-04-01 with no verdict of its own  -> c8 is served by c1's verdict
  B: c3 (Daily D2 2024-01-20, "true") and c7 (Other Times O1 2024-03-01, "true"): both have
     their own verdicts, nothing served across
Other Times' verdicts: c7 true + c8 false (served) -> n 2, false 1, span 03-01..04-01 = 31 days.
Originality: Daily's c1 and c3 came first -> 2 of 2 (Wilson [0.3424, 1]); Other Times' c8 and
c7 are repeats -> 0 of 2 (Wilson [0, 0.6576]); c8 repeats claim A, rated false -> 1 false repeat.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from annotator.auth import tokens
from annotator.claims.pages import outlet_originality
from annotator.extensions import db
from annotator.models import ClaimCluster, ClaimMember
from annotator.verdicts import served
from annotator.verdicts.track import SampleRule
from tests.factories import make_article, make_user
from tests.verdicts_corpus import build_track_corpus

TODAY = date(2024, 6, 1)


def with_clusters():
    c = build_track_corpus()
    o2 = make_article(["The minister said crime doubled last year."], outlet=c.other,
                      published_at=datetime(2024, 4, 1, 8), url="https://othertimes.example/o2")
    c.units["c8"] = o2.units[1].id
    for members in (("c1", "c8"), ("c3", "c7")):
        cluster = ClaimCluster()
        db.session.add(cluster)
        db.session.flush()
        for key in members:
            db.session.add(ClaimMember(unit_id=c.units[key], cluster_id=cluster.id))
    db.session.commit()
    return c


def test_a_verdict_serves_every_appearance_of_its_claim(app):
    c = with_clusters()
    records = served.track_records(None, SampleRule(), TODAY)
    other = records[c.other.id].verdicts
    assert (other.n, other.false, other.span.days) == (2, 1, 31)
    assert records[c.daily.id].verdicts.n == 5  # unchanged: its own verdicts


def test_originality_and_repeats_of_false_claims(app):
    c = with_clusters()
    records = served.track_records([c.daily.id, c.other.id], SampleRule(), TODAY)
    daily, other = records[c.daily.id].repeats, records[c.other.id].repeats
    assert (daily.clustered, daily.original, daily.false_repeats) == (2, 2, 0)
    assert daily.original_interval.low == pytest.approx(0.3424, abs=5e-5)
    assert (other.clustered, other.original, other.false_repeats) == (2, 0, 1)
    assert other.original_interval.high == pytest.approx(0.6576, abs=5e-5)


def test_the_claimreview_lists_every_appearance(app, runner, tmp_path):
    c = with_clusters()
    out = tmp_path / "reviews.jsonl"
    assert runner.invoke(args=["export", "claimreview", "-o", str(out)]).exit_code == 0
    docs = {d["claimReviewed"]: d for d in map(json.loads, out.read_text().splitlines())}
    claim = docs["The minister said crime doubled last year."]["itemReviewed"]
    assert [a["url"] for a in claim["appearance"]] == ["https://daily.example/d1",
                                                       "https://othertimes.example/o2"]
    assert claim["firstAppearance"] == {"@type": "CreativeWork",
                                        "url": "https://daily.example/d1"}
    single = docs["A report says wages rose 4 percent."]["itemReviewed"]
    assert "firstAppearance" not in single and len(single["appearance"]) == 1
    assert c.verdicts["c1"]


def test_the_pages_show_originality(app, client, login_as):
    c = with_clusters()
    login_as(make_user("lead"))
    page = client.get(f"/outlets/{c.other.id}").get_data(as_text=True)
    assert 'data-testid="track-original"' in page and "0 %" in page
    assert "1</div>" in page.split('data-testid="track-false-repeats"')[1][:80]
    compare = client.get(f"/outlets/compare?outlet={c.daily.id}&outlet={c.other.id}"
                         "&sort=original&dir=desc").get_data(as_text=True)
    assert compare.index('data-outlet="Daily Example"') < compare.index(
        'data-outlet="Other Times"')
    assert "[0.342, 1.000]" in compare


def test_the_verdict_page_lists_the_appearances_it_serves(app, client, login_as):
    c = with_clusters()
    login_as(make_user("lead"))
    page = client.get(f"/verdicts/{c.verdicts['c1']}").get_data(as_text=True)
    listed = page.split('data-testid="served-appearances"')[1].split("</ul>")[0]
    assert "Other Times" in listed and "2024-04-01" in listed
    alone = client.get(f"/verdicts/{c.verdicts['c4']}").get_data(as_text=True)
    assert "served-appearances" not in alone


def test_the_api_track_record_carries_originality_and_an_etag(app, client):
    c = with_clusters()
    lead = {"Authorization": f"Bearer {tokens.create_token(make_user('lead'), 't').secret}"}
    daily = client.get(f"/api/v1/outlets/{c.daily.id}/track-record", headers=lead)
    other = client.get(f"/api/v1/outlets/{c.other.id}/track-record", headers=lead)
    assert daily.status_code == other.status_code == 200
    # The outlet profile's figures: Daily published both shared claims first, Other Times
    # repeated both.
    assert {k: daily.json["originality"][k] for k in ("shared", "first", "repeated", "share")} \
        == {"shared": 2, "first": 2, "repeated": 0, "share": 1.0}
    assert {k: other.json["originality"][k] for k in ("shared", "first", "repeated", "share")} \
        == {"shared": 2, "first": 0, "repeated": 2, "share": 0.0}
    profile = outlet_originality(c.other.id)
    assert other.json["originality"]["warnings"] == profile.warnings
    assert other.json["repeats"]["false_repeats"] == 1
    tag = other.headers["ETag"]
    assert tag != daily.headers["ETag"]
    again = client.get(f"/api/v1/outlets/{c.other.id}/track-record",
                       headers={**lead, "If-None-Match": tag})
    assert again.status_code == 304 and again.headers["ETag"] == tag and not again.data
    app.config["TRACK_MIN_ITEMS"] = 2  # the answer changes: so does its tag
    changed = client.get(f"/api/v1/outlets/{c.other.id}/track-record",
                         headers={**lead, "If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
