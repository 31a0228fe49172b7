"""The claim-memory endpoints of the API do what the Claims pages and `flask claims` do:
similar sentences, one claim with its appearances, and pairs to confirm or reject (leads)."""

from __future__ import annotations

import json

from sqlalchemy import select

from annotator.claims import queries
from annotator.extensions import db
from annotator.models import ClaimDecision, ClaimPair
from tests.factories import make_user
from tests.test_api_resources import bearer
from tests.test_claims import CLAIM, NUMBER, OTHER, _articles

PROBLEM = "application/problem+json"


def _world():
    made = _articles(("A", 1, [CLAIM, OTHER]), ("B", 2, [CLAIM]), ("C", 3, [NUMBER]))
    same = db.session.scalar(select(ClaimPair).where(ClaimPair.kind == "same"))
    related = db.session.scalar(select(ClaimPair).where(ClaimPair.kind == "related"))
    return made, same.id, related.id


def test_similar_answers_as_the_command_does(app, client, runner):
    _world()
    lead = bearer(make_user("lead"))
    answer = client.get("/api/v1/claims/similar", headers=lead,
                        query_string={"text": CLAIM, "top": 5})
    assert answer.status_code == 200, answer.json
    found = answer.json["results"]
    command = json.loads(runner.invoke(args=["claims", "similar", CLAIM, "--top", "5",
                                             "--json"]).output)
    assert [(f["unit_id"], f["score"], f["match"], f["differs"]) for f in found] == [
        (f["unit_id"], f["score"], f["match"], f["differs"]) for f in command]
    assert found[0]["match"] == "same" and found[0]["published_at"].endswith("Z")
    assert any(f["match"] == "related" and f["differs"] == ["numbers"] for f in found)
    blank = client.get("/api/v1/claims/similar", headers=lead, query_string={"text": "   "})
    assert blank.status_code == 422 and blank.mimetype == PROBLEM
    assert "not only spaces" in json.dumps(blank.json["errors"])
    short = client.get("/api/v1/claims/similar", headers=lead, query_string={"text": "Hi."})
    assert short.status_code == 200 and short.json == {"results": []}
    reviewer = bearer(make_user("reviewer"))
    assert client.get("/api/v1/claims/similar", headers=reviewer,
                      query_string={"text": CLAIM}).status_code == 403


def test_a_claim_is_the_export_record(app, client):
    made, _, _ = _world()
    lead = bearer(make_user("lead"))
    cluster = queries.cluster_id_of(made[0].units[1].id)
    answer = client.get(f"/api/v1/claims/{cluster}", headers=lead)
    assert answer.status_code == 200
    assert answer.json == next(iter(queries.export_clusters()))
    assert [u["outlet"] for u in answer.json["units"]] == ["A", "B"]
    missing = client.get(f"/api/v1/claims/{cluster + 99}", headers=lead)
    assert missing.status_code == 404 and "no such claim" in missing.json["reason"]


def test_a_lead_lists_pairs_and_decides_them_through_the_api(app, client):
    made, same_id, related_id = _world()
    lead = make_user("lead")
    token = bearer(lead)
    listed = client.get("/api/v1/claims/pairs", headers=token, query_string={"limit": 1})
    assert listed.status_code == 200
    # A and B the same claim; C's number differs from both
    assert listed.json["count"] == 3 and listed.json["next"] and len(listed.json["results"]) == 1
    first = listed.json["results"][0]
    assert first["id"] == same_id and first["kind"] == "same" and first["decision"] is None
    assert {first["a"]["outlet"], first["b"]["outlet"]} == {"A", "B"}
    second = client.get(listed.json["next"], headers=token).json["results"]
    assert second[0]["kind"] == "related" and second[0]["differs"] == ["numbers"]

    rejected = client.post(f"/api/v1/claims/pairs/{same_id}/decision", headers=token,
                           json={"decision": "rejected"})
    assert rejected.status_code == 200, rejected.json
    assert rejected.json["decision"] == "rejected" and rejected.json["decided_by"] == lead.username
    assert rejected.json["clusters"] == [None, None]  # the two-sentence claim is split
    confirmed = client.post(f"/api/v1/claims/pairs/{related_id}/decision", headers=token,
                            json={"decision": "confirmed"})
    a, b = confirmed.json["clusters"]
    assert a is not None and a == b  # a confirmed pair is one claim, whatever differs
    decided = client.get("/api/v1/claims/pairs", headers=token,
                         query_string={"show": "decided"}).json
    assert [p["id"] for p in decided["results"]] == [related_id, same_id]
    history = db.session.execute(select(ClaimDecision.pair_id, ClaimDecision.decision,
                                        ClaimDecision.user_id)
                                 .order_by(ClaimDecision.id)).all()
    assert [tuple(h) for h in history] == [(same_id, "rejected", lead.id),
                                           (related_id, "confirmed", lead.id)]

    bad = client.post(f"/api/v1/claims/pairs/{same_id}/decision", headers=token,
                      json={"decision": "maybe"})
    assert bad.status_code == 422 and bad.mimetype == PROBLEM
    gone = client.post("/api/v1/claims/pairs/999999/decision", headers=token,
                       json={"decision": "confirmed"})
    assert gone.status_code == 404 and gone.json["reason"] == "There is no such pair."
    reviewer = bearer(make_user("reviewer"))
    assert client.post(f"/api/v1/claims/pairs/{same_id}/decision", headers=reviewer,
                       json={"decision": "confirmed"}).status_code == 403
