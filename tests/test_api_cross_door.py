"""The agreement figures agree across doors: three reviewers label one article through the API
and submit; the API's figures equal the web overview's and `flask agreement score` on the
reliability data exported through the API, to 1e-9."""

from __future__ import annotations

import csv
import io
import json

import pytest

from annotator.agreement import queries as agreement_queries
from annotator.auth import tokens
from annotator.filters import ArticleFilter
from tests.factories import make_article, make_user

LABELS_BY_REVIEWER = [
    ["fact", "claim", "opinion", "fact", "prediction"],
    ["fact", "claim", "claim", "fact", "prediction"],
    ["fact", "opinion", "opinion", "claim", "prediction"],
]


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.create_token(user, 'test').secret}"}


def test_three_reviewers_through_the_api_agree_with_the_web_and_the_cli(app, client, runner,
                                                                          tmp_path, login_as):
    admin, lead = make_user("admin"), make_user("lead")
    reviewers = [make_user() for _ in range(3)]
    make_article(["One.", "Two.", "Three.", "Four."])
    as_admin = bearer(admin)
    queue = client.post("/api/v1/queues", headers=as_admin, json={
        "name": "cross-door", "overlap": 3, "reviewers": [r.username for r in reviewers]})
    assert queue.status_code == 201, queue.json
    queue_id = queue.json["id"]
    added = client.post(f"/api/v1/queues/{queue_id}/articles", headers=as_admin,
                        json={"everything": True})
    assert added.json == {"added": 1, "present": 0}

    for reviewer, labels in zip(reviewers, LABELS_BY_REVIEWER, strict=True):
        headers = bearer(reviewer)
        taken = client.post(f"/api/v1/queues/{queue_id}/next", headers=headers).json
        assignment_id = taken["assignment"]["id"]
        work = client.get(f"/api/v1/assignments/{assignment_id}", headers=headers).json
        assert len(work["sentences"]) == 5
        for sentence, label in zip(work["sentences"], labels, strict=True):
            saved = client.put(f"/api/v1/assignments/{assignment_id}/labels/{sentence['id']}",
                               headers=headers, json={"label": label})
            assert saved.status_code == 200 and saved.json["label"] == label
        done = client.post(f"/api/v1/assignments/{assignment_id}/submit", headers=headers)
        assert done.status_code == 200 and done.json["status"] == "submitted"

    as_lead = bearer(lead)
    api = client.get(f"/api/v1/agreement?queue={queue_id}", headers=as_lead)
    assert api.status_code == 200 and api.headers["ETag"]
    overall = api.json["overall"]
    again = client.get(f"/api/v1/agreement?queue={queue_id}",
                       headers={**as_lead, "If-None-Match": api.headers["ETag"]})
    assert again.status_code == 304

    web = agreement_queries.overview(ArticleFilter(queue_id=queue_id)).overall  # the page's
    login_as(lead)
    page = client.get(f"/agreement/?queue={queue_id}")
    assert page.status_code == 200
    for key, mine in [("alpha", web.alpha), ("percent_agreement", web.percent_agreement),
                      ("fleiss_kappa", web.fleiss), ("gwet_ac1", web.ac1)]:
        assert overall[key]["value"] == pytest.approx(mine.value, abs=1e-9), key

    matrix = client.get(f"/api/v1/exports/reliability-matrix.csv?queue={queue_id}",
                        headers=as_lead)
    assert matrix.status_code == 200
    rows = [line for line in matrix.get_data(as_text=True).splitlines()
            if line and not line.startswith("#")]
    table = list(csv.reader(io.StringIO("\n".join(rows))))
    header, body = table[0], table[1:]
    records = tmp_path / "reliability.csv"
    with records.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["unit", "coder", "label"])
        for row in body:
            for coder, code in zip(header[4:], row[4:], strict=True):
                if code:
                    out.writerow([row[0], coder, code])
    result = runner.invoke(args=["agreement", "score", str(records), "--bootstrap", "0"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    for key in ("alpha", "percent_agreement", "fleiss_kappa", "gwet_ac1"):
        assert overall[key]["value"] == pytest.approx(cli[key], abs=1e-9), key

    posted = client.post("/api/v1/agreement/score", headers=as_lead, json={
        "bootstrap": 0, "records": [{"unit": u, "coder": c, "label": lab} for u, c, lab in
                                    csv.reader(records.open()) if u != "unit"]})
    assert posted.status_code == 200
    for key in ("alpha", "percent_agreement", "fleiss_kappa", "gwet_ac1"):
        assert posted.json[key] == pytest.approx(cli[key], abs=1e-9), key
