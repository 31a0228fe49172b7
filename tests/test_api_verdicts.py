"""The verdict endpoints of the API do what the verdict and outlet pages do: record, change and
publish verdicts, schedule and resolve predictions, and read track records (leads only)."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

from annotator.api.schemas import TrackRecordSchema
from annotator.api.verdicts import track_dict
from annotator.extensions import db
from annotator.models import CheckHistory, Verdict
from annotator.timeutil import utcnow
from annotator.verdicts import served
from annotator.verdicts.track import SampleRule
from annotator.vocabulary import DEFAULT_RATINGS, VerdictStatus
from tests.factories import make_user
from tests.test_api_resources import bearer
from tests.test_verdicts import checked_world
from tests.verdicts_corpus import build_track_corpus

PROBLEM = "application/problem+json"


def position(name: str) -> int:
    return [n for n, _, _ in DEFAULT_RATINGS].index(name) + 1


def test_a_lead_records_a_verdict_and_a_second_lead_publishes_it(app, client):
    w = checked_world()
    author, second = make_user("lead"), make_user("lead")
    mine, theirs = bearer(author), bearer(second)
    saved = client.post("/api/v1/verdicts", headers=mine, json={
        "unit_id": w["claim"], "rating": position("false"),
        "rationale": "Official data say 4.1%.<script>x</script>", "source_ids": [w["link"]],
        "new_sources": [{"url": "https://other.example.org/x?utm_source=a",
                         "stance": "supports", "title": "Other"}]})
    assert saved.status_code == 201, saved.json
    body = saved.json
    assert body["state"] == VerdictStatus.DRAFT and body["rating"] == "false"
    assert body["outlet"]["id"] == w["outlet"].id and body["can_publish"] is False
    assert "<script>" not in body["rationale"]  # cleaned by the service, as on the page
    assert [(x["url"], x["stance"], x["source_link_id"]) for x in body["sources"]] == [
        ("https://stats.example.gov/unemployment", "contradicts", w["link"]),
        ("https://other.example.org/x", "supports", None)]
    assert [h["action"] for h in body["history"]] == ["created"]
    assert body["created_at"].endswith("Z")
    verdict_id, version = body["id"], body["version"]

    again = client.post("/api/v1/verdicts", headers=theirs, json={
        "unit_id": w["claim"], "rating": position("true")})
    assert again.status_code == 409 and again.mimetype == PROBLEM
    assert "already has a verdict" in again.json["reason"]

    refused = client.post(f"/api/v1/verdicts/{verdict_id}/publish", headers=mine,
                          json={"version": version})
    assert refused.status_code == 403 and refused.mimetype == PROBLEM
    assert "second lead" in refused.json["reason"]
    assert client.get(f"/api/v1/verdicts/{verdict_id}", headers=theirs).json["can_publish"]

    published = client.post(f"/api/v1/verdicts/{verdict_id}/publish", headers=theirs,
                            json={"version": version})
    assert published.status_code == 200, published.json
    assert published.json["state"] == VerdictStatus.PUBLISHED
    assert published.json["published_by_id"] == second.id
    assert published.json["published_at"].endswith("Z")
    assert [(h["action"], h["username"]) for h in published.json["history"]] == [
        ("published", second.username), ("created", author.username)]
    twice = client.post(f"/api/v1/verdicts/{verdict_id}/publish", headers=theirs, json={})
    assert twice.status_code == 409

    listed = client.get("/api/v1/verdicts?state=published", headers=mine).json
    assert listed["count"] == 1 and listed["results"][0]["id"] == verdict_id
    assert client.get("/api/v1/verdicts?state=draft", headers=mine).json["count"] == 0
    assert client.get(f"/api/v1/verdicts?outlet_id={w['outlet'].id + 1}",
                      headers=mine).json["count"] == 0

    # A change from a stale version is refused; with the current one it returns to draft.
    stale = client.post("/api/v1/verdicts", headers=mine, json={
        "unit_id": w["claim"], "rating": position("mixed"), "version": version})
    assert stale.status_code == 409 and "Someone changed this" in stale.json["reason"]
    current = published.json["version"]
    changed = client.post("/api/v1/verdicts", headers=mine, json={
        "unit_id": w["claim"], "rating": position("mixed"), "version": current})
    assert changed.status_code == 200, changed.json
    assert changed.json["state"] == VerdictStatus.DRAFT and changed.json["rating"] == "mixed"
    assert db.session.query(CheckHistory).filter_by(verdict_id=verdict_id).count() == 3


def test_bad_verdict_input_is_refused_with_a_reason_and_nothing_written(app, client):
    w = checked_world()
    lead = bearer(make_user("lead"))
    for payload, status in (
        ({"unit_id": w["opinion"], "rating": 1}, 400),  # an opinion is not checkable
        ({"unit_id": w["claim"], "rating": 99}, 400),  # off the scale
        ({"unit_id": w["claim"], "rating": 1, "new_sources": [
            {"url": "javascript:alert(1)", "stance": "supports"}]}, 400),
        ({"unit_id": w["claim"], "rating": 1, "source_ids": [999999]}, 400),
        ({"unit_id": 999999, "rating": 1}, 404),
        ({"unit_id": w["claim"]}, 422),
    ):
        answer = client.post("/api/v1/verdicts", headers=lead, json=payload)
        assert answer.status_code == status, (payload, answer.json)
        assert answer.mimetype == PROBLEM and answer.json["reason"]
    assert db.session.query(Verdict).count() == 0


def test_a_reviewer_token_gets_403_everywhere(app, client):
    w = checked_world()
    reviewer = bearer(make_user("reviewer"))
    for method, url, body in (
        ("GET", "/api/v1/verdicts", None),
        ("GET", "/api/v1/verdicts/1", None),
        ("POST", "/api/v1/verdicts", {"unit_id": w["claim"], "rating": 1}),
        ("POST", "/api/v1/verdicts/1/publish", {}),
        ("GET", "/api/v1/predictions/due", None),
        ("GET", "/api/v1/predictions/1", None),
        ("POST", "/api/v1/predictions", {"unit_id": w["prediction"]}),
        ("POST", "/api/v1/predictions/1/outcome", {"outcome": "came_true"}),
        ("GET", f"/api/v1/outlets/{w['outlet'].id}/track-record", None),
        ("GET", "/api/v1/outlets/compare", None),
    ):
        answer = client.open(url, method=method, headers=reviewer, json=body)
        assert answer.status_code == 403, (method, url)
        assert answer.mimetype == PROBLEM
    assert db.session.query(Verdict).count() == 0


def test_a_prediction_date_is_set_and_its_outcome_recorded(app, client):
    w = checked_world()  # published 2024-01-10: "next month" is due by 2024-02-29
    lead = bearer(make_user("lead"))
    first = client.post("/api/v1/predictions", headers=lead, json={"unit_id": w["prediction"]})
    assert first.status_code == 200, first.json
    assert first.json["resolves_by"] == "2024-02-29" and first.json["date_basis"]
    prediction_id, version = first.json["id"], first.json["version"]
    early = client.post("/api/v1/predictions", headers=lead, json={
        "unit_id": w["prediction"], "resolves_by": "2023-12-31", "version": version})
    assert early.status_code == 400 and "before the article" in early.json["reason"]
    moved = client.post("/api/v1/predictions", headers=lead, json={
        "unit_id": w["prediction"], "resolves_by": "2024-03-15", "version": version})
    assert moved.status_code == 200 and moved.json["resolves_by"] == "2024-03-15"
    stale = client.post("/api/v1/predictions", headers=lead, json={
        "unit_id": w["prediction"], "resolves_by": "2024-03-20", "version": version})
    assert stale.status_code == 409
    not_prediction = client.post("/api/v1/predictions", headers=lead,
                                 json={"unit_id": w["claim"]})
    assert not_prediction.status_code == 400

    due = client.get("/api/v1/predictions/due", headers=lead).json
    assert [p["id"] for p in due["results"]] == [prediction_id] and due["count"] == 1

    resolved = client.post(f"/api/v1/predictions/{prediction_id}/outcome", headers=lead, json={
        "outcome": "came_true", "note": "Approved on 1 March.",
        "new_sources": [{"url": "https://council.example.org/minutes", "stance": "supports"}],
        "version": moved.json["version"]})
    assert resolved.status_code == 200, resolved.json
    assert resolved.json["outcome"] == "came_true"
    assert resolved.json["resolved_at"].endswith("Z")
    assert [x["url"] for x in resolved.json["sources"]] == ["https://council.example.org/minutes"]
    assert [h["action"] for h in resolved.json["history"]] == ["resolved", "scheduled",
                                                               "scheduled"]
    assert client.get("/api/v1/predictions/due", headers=lead).json["count"] == 0
    assert client.get(f"/api/v1/predictions/{prediction_id}", headers=lead).json[
        "outcome_note"] == "Approved on 1 March."
    bad = client.post(f"/api/v1/predictions/{prediction_id}/outcome", headers=lead,
                      json={"outcome": "maybe"})
    assert bad.status_code == 422 and bad.mimetype == PROBLEM


def test_an_outcome_before_the_date_is_refused(app, client):
    w = checked_world()
    lead = bearer(make_user("lead"))
    later = utcnow().date().replace(year=utcnow().year + 2).isoformat()
    scheduled = client.post("/api/v1/predictions", headers=lead, json={
        "unit_id": w["prediction"], "resolves_by": later}).json
    early = client.post(f"/api/v1/predictions/{scheduled['id']}/outcome", headers=lead,
                        json={"outcome": "did_not"})
    assert early.status_code == 409 and "not due yet" in early.json["reason"]
    assert client.get("/api/v1/predictions/due", headers=lead).json["count"] == 0


def test_the_track_record_is_the_outlet_pages(app, client, login_as):
    c = build_track_corpus()
    lead = bearer(make_user("lead"))
    got = client.get(f"/api/v1/outlets/{c.daily.id}/track-record", headers=lead)
    assert got.status_code == 200, got.json
    track = got.json
    # The figures worked by hand in tests/verdicts_corpus.py (the outlet page shows them).
    mix = track["verdicts"]
    assert mix["n"] == 5 and mix["false"] == 3 and mix["false_share"] == 0.6
    assert mix["counts"] == {"true": 1, "mostly true": 0, "mixed": 1, "mostly false": 1,
                             "false": 2, "unverifiable": 0}
    assert mix["false_interval"]["low"] == pytest.approx(0.2307, abs=5e-5)
    assert mix["false_interval"]["high"] == pytest.approx(0.8824, abs=5e-5)
    assert mix["span"] == {"first": "2024-01-05", "last": "2024-02-10", "days": 36}
    assert mix["firm"] is False and mix["below_rule"] == ["5 checked, fewer than 15"]
    pred = track["predictions"]
    assert pred["decided"] == 2 and pred["came_true"] == 1 and pred["came_true_share"] == 0.5
    assert pred["came_true_interval"]["low"] == pytest.approx(0.0945, abs=5e-5)
    assert pred["came_true_interval"]["high"] == pytest.approx(0.9055, abs=5e-5)
    assert pred["pending"] == 1
    assert [(m["month"], m["n"], m["false"]) for m in track["months"]] == [
        ("2024-01", 3, 2), ("2024-02", 2, 1)]
    assert track["rule"]["min_items"] == 15 and track["rule"]["min_days"] == 21
    # The very object the outlet page renders, written out.
    page_track = served.track_records([c.daily.id], SampleRule(), utcnow().date())[c.daily.id]
    assert {k: v for k, v in track.items() if k != "originality"} == TrackRecordSchema().dump(
        track_dict(page_track))
    login_as(make_user("lead"))
    page = client.get(f"/outlets/{c.daily.id}").get_data(as_text=True)
    assert "60 %" in page and "n = 5" in page and "[0.231, 0.882]" in page
    app.config["TRACK_MIN_ITEMS"] = 5
    firm = client.get(f"/api/v1/outlets/{c.daily.id}/track-record", headers=lead).json
    assert firm["verdicts"]["firm"] is True
    assert client.get("/api/v1/outlets/999999/track-record", headers=lead).status_code == 404


def test_the_comparison_rows(app, client):
    c = build_track_corpus()
    lead = bearer(make_user("lead"))
    got = client.get(f"/api/v1/outlets/compare?outlet_id={c.other.id}&outlet_id={c.daily.id}"
                     "&sort=false", headers=lead)
    assert got.status_code == 200, got.json
    rows = got.json["results"]
    assert [r["name"] for r in rows] == ["Other Times", "Daily Example"]
    daily, other = rows[1], rows[0]
    assert daily["track"]["verdicts"]["false_share"] == 0.6
    assert other["track"]["verdicts"]["n"] == 1
    assert other["track"]["verdicts"]["false_interval"]["high"] == pytest.approx(0.7935,
                                                                                 abs=5e-5)
    assert daily["corroboration"]["sentences"] == 12
    assert daily["corroboration"]["supported"] == 1 and daily["alpha"] == pytest.approx(1.0)
    assert daily["label_shares"]["claim"] == pytest.approx(2 / 3)
    descending = client.get(f"/api/v1/outlets/compare?outlet_id={c.other.id}"
                            f"&outlet_id={c.daily.id}&sort=false&descending=true",
                            headers=lead).json["results"]
    assert [r["name"] for r in descending] == ["Daily Example", "Other Times"]
    default = client.get("/api/v1/outlets/compare", headers=lead).json["results"]
    assert {r["name"] for r in default} == {"Daily Example", "Other Times"}
    bad = client.get("/api/v1/outlets/compare?outlet_id=x", headers=lead)
    assert bad.status_code == 422 and bad.mimetype == PROBLEM


def test_the_answers_match_the_openapi_document(app, client):
    """The success answers of every verdict operation conform to the spec (schemathesis
    validates them), on a world where each has something to show."""
    c = build_track_corpus()
    headers = bearer(c.lee)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    prediction = c.predictions["p2"]  # pending
    calls = [
        ("/api/v1/verdicts", "GET", {}, {"state": "published"}, None),
        ("/api/v1/verdicts/{verdict_id}", "GET", {"verdict_id": c.verdicts["c1"]}, {}, None),
        ("/api/v1/predictions/due", "GET", {}, {}, None),
        ("/api/v1/predictions/{prediction_id}", "GET",
         {"prediction_id": c.predictions["p1"]}, {}, None),
        ("/api/v1/outlets/{outlet_id}/track-record", "GET", {"outlet_id": c.daily.id}, {},
         None),
        ("/api/v1/outlets/compare", "GET", {}, {"outlet_id": [c.daily.id, c.other.id]}, None),
        ("/api/v1/verdicts/{verdict_id}/publish", "POST", {"verdict_id": c.verdicts["c6"]},
         {}, {}),
        ("/api/v1/predictions", "POST", {}, {}, {"unit_id": c.units["p2"],
                                                 "resolves_by": "2024-03-01"}),
        ("/api/v1/predictions/{prediction_id}/outcome", "POST",
         {"prediction_id": prediction}, {}, {"outcome": "partly"}),
        ("/api/v1/verdicts", "POST", {}, {}, {"unit_id": c.units["c7"], "rating": 1,
                                              "version": None}),
    ]
    for path, method, path_parameters, query, body in calls:
        # c6 is lee's draft: max publishes it; the rest are lee's to do.
        who = bearer(c.max) if path.endswith("/publish") else headers
        kwargs = {"path_parameters": path_parameters, "query": query, "headers": who}
        if body is not None:
            kwargs["body"] = body
            kwargs["media_type"] = "application/json"
        case = schema[path][method].Case(**kwargs)
        answer = case.call_and_validate(excluded_checks=[positive_data_acceptance])
        assert answer.status_code in (200, 201, 409), (path, answer.text)
        if path == "/api/v1/verdicts" and method == "POST":
            assert answer.status_code == 409  # c7 has a verdict: a change needs its version
        elif answer.status_code == 409:
            raise AssertionError((path, answer.text))
