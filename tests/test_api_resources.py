"""The API's resources do what the pages do: import, lists, queues, work, gold, exports, users;
and the docs page draws the spec under the app's CSP."""

from __future__ import annotations

import io

from annotator.auth import tokens
from annotator.extensions import db
from annotator.models import AnnotationHistory, User
from tests.factories import make_article, make_assignment, make_queue, make_user


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.create_token(user, 'test').secret}"}


def test_docs_page_and_spec_are_served_without_scripts(app, client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.json["openapi"].startswith("3.1")
    assert "/api/v1/assignments/{assignment_id}/labels/{unit_id}" in spec.json["paths"]
    page = client.get("/api/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "default-src 'self'" in page.headers[
        "Content-Security-Policy"]
    assert "<script" not in html and "style=" not in html and "http://" not in html.replace(
        "http://localhost", "")
    assert "PUT /api/v1/assignments/{assignment_id}/labels/{unit_id}" in html


def test_import_a_record_and_a_file_through_the_importer(app, client):
    admin = bearer(make_user("admin"))
    one = client.post("/api/v1/articles", headers=admin, json={
        "title": "Storm", "text": "The storm hit. Two were hurt.", "outlet": "Example"})
    assert one.status_code == 201, one.json
    assert one.json["imported"] == 1 and one.json["files"][0]["article_ids"]
    again = client.post("/api/v1/articles", headers=admin, json={
        "title": "Storm", "text": "The storm hit. Two were hurt.", "outlet": "Example"})
    assert again.status_code == 201 and again.json["duplicates"] == 1
    bad = client.post("/api/v1/articles", headers=admin, json={"title": "x", "text": " "})
    assert bad.status_code == 400 and "empty 'text'" in bad.json["reason"]
    upload = client.post("/api/v1/articles/upload", headers=admin, data={
        "files": [(io.BytesIO(b"Headline\n\nA first sentence. A second one."), "a.txt"),
                  (io.BytesIO(b'{"title": 1}\n'), "b.jsonl")], "outlet": "Uploaded"},
        content_type="multipart/form-data")
    assert upload.status_code == 200
    files = {f["name"]: f for f in upload.json["files"]}
    assert files["a.txt"]["imported"] == 1 and files["b.jsonl"]["error"].startswith("b.jsonl:1")
    article_id = one.json["files"][0]["article_ids"][0]
    detail = client.get(f"/api/v1/articles/{article_id}", headers=admin).json
    assert detail["outlet"]["name"] == "Example" and len(detail["sentences"]) == 3
    listed = client.get("/api/v1/articles?q=storm", headers=admin).json
    assert [a["id"] for a in listed["results"]] == [article_id]


def test_queue_progress_work_history_gold_and_export(app, client):
    admin, lead = make_user("admin"), make_user("lead")
    one, two = make_user(), make_user()
    article = make_article(["Only sentence."])
    queue = make_queue(overlap=2, articles=[article], reviewers=[one, two])
    make_assignment(queue, article, one, status="submitted", labels={0: "fact", 1: "claim"})
    mine = make_assignment(queue, article, two)
    headers = bearer(two)
    unit = article.units[1].id
    assert client.put(f"/api/v1/assignments/{mine.id}/labels/{unit}", headers=headers,
                      json={"label": "opinion"}).json["changed"] is True
    cleared = client.delete(f"/api/v1/assignments/{mine.id}/labels/{unit}", headers=headers)
    assert cleared.json == {"unit_id": unit, "label": None, "changed": True}
    assert [h.new_label for h in db.session.query(AnnotationHistory).order_by(
        AnnotationHistory.id)] == ["opinion", None]
    source = client.post(f"/api/v1/assignments/{mine.id}/sources", headers=headers, json={
        "unit_id": unit, "url": "https://example.org/a?utm_source=x", "stance": "supports"})
    assert source.status_code == 201 and source.json["url"] == "https://example.org/a"
    assert client.post(f"/api/v1/assignments/{mine.id}/submit", headers=headers
                       ).status_code == 409  # two sentences still need labels
    for u, label in ((article.units[0].id, "fact"), (unit, "opinion")):
        client.put(f"/api/v1/assignments/{mine.id}/labels/{u}", headers=headers,
                   json={"label": label})
    assert client.post(f"/api/v1/assignments/{mine.id}/submit", headers=headers).json[
        "status"] == "submitted"
    as_lead = bearer(lead)
    progress = client.get(f"/api/v1/queues/{queue.id}/progress", headers=as_lead).json
    assert progress["complete"] == 1 and progress["submitted_slots"] == 2
    open_ = client.get(f"/api/v1/queues/{queue.id}/adjudication", headers=as_lead).json
    assert [r["unit_id"] for r in open_["results"]] == [unit]
    gold = client.put(f"/api/v1/queues/{queue.id}/adjudication/{unit}", headers=as_lead,
                      json={"label": "claim", "rationale": "Attributed."})
    assert gold.status_code == 200 and gold.json["gold_label"] == "claim"
    export = client.get(f"/api/v1/exports/gold-labels.csv?queue={queue.id}", headers=as_lead)
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "adjudicated" in export.get_data(as_text=True)
    reopened = client.post(f"/api/v1/assignments/{mine.id}/reopen", headers=as_lead)
    assert reopened.json["status"] == "active"
    assert client.get("/api/v1/queues", headers=bearer(admin)).json["count"] == 1


def test_admins_create_users_change_roles_and_deactivate(app, client):
    admin = bearer(make_user("admin"))
    made = client.post("/api/v1/users", headers=admin, json={"username": "new.one"})
    assert made.status_code == 201 and made.json["one_time_password"]
    user_id = made.json["user"]["id"]
    assert client.patch(f"/api/v1/users/{user_id}", headers=admin,
                        json={"role": "lead"}).json["role"] == "lead"
    assert client.patch(f"/api/v1/users/{user_id}", headers=admin,
                        json={"active": False}).json["active"] is False
    assert db.session.get(User, user_id).active is False
    assert client.get("/api/v1/users", headers=admin).json["count"] == 2
