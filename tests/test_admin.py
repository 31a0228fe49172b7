"""The admin console: users, outlets, articles, uploads, segmentation fixes."""

import io
import json
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from annotator.admin import queries, services
from annotator.extensions import db
from annotator.models import Article, ImportBatch, Outlet, Unit, User
from tests.factories import (
    PASSWORD,
    make_article,
    make_assignment,
    make_outlet,
    make_queue,
    make_user,
)


def _one_time_password(html: str) -> str:
    return re.search(r'id="one-time-password"[^>]*>([^<]+)<', html).group(1).strip()


def test_admin_creates_a_user_who_must_change_the_one_time_password(app, client, login_as):
    login_as(make_user("admin"))
    response = client.post("/admin/users/new", data={"username": " Nina.K ", "role": "lead",
                                                     "display_name": "Nina  K."})
    assert response.status_code == 200
    password = _one_time_password(response.get_data(as_text=True))
    nina = db.session.scalar(select(User).where(User.username == "nina.k"))
    assert nina.role == "lead" and nina.must_change_password and nina.display_name == "Nina K."
    assert password not in client.get("/admin/users").get_data(as_text=True)
    duplicate = client.post("/admin/users/new", data={"username": "nina.k", "role": "reviewer"})
    assert duplicate.status_code == 400 and "already exists" in duplicate.get_data(as_text=True)
    assert client.post("/admin/users/new", data={"username": "x", "role": "reviewer"}
                       ).status_code == 400
    other = app.test_client()
    other.post("/auth/login", data={"username": "nina.k", "password": password})
    assert other.get("/").headers["Location"].startswith("/auth/password")


def test_roles_activation_and_password_reset(app, client, login_as):
    admin, reviewer = make_user("admin"), make_user()
    login_as(admin)
    client.post(f"/admin/users/{reviewer.id}/role", data={"role": "lead"})
    db.session.expire_all()
    assert reviewer.role == "lead"
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "reviewer"},
                           follow_redirects=True)
    assert "last active admin" in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "cannot deactivate yourself" in response.get_data(as_text=True)

    token = reviewer.session_token
    client.post(f"/admin/users/{reviewer.id}/deactivate")
    db.session.expire_all()
    assert not reviewer.active and reviewer.session_token != token
    other = app.test_client()
    refused = other.post("/auth/login", data={"username": reviewer.username,
                                              "password": PASSWORD})
    assert "deactivated" in refused.get_data(as_text=True)
    client.post(f"/admin/users/{reviewer.id}/reactivate")
    db.session.expire_all()
    assert reviewer.active

    response = client.post(f"/admin/users/{reviewer.id}/password")
    password = _one_time_password(response.get_data(as_text=True))
    db.session.expire_all()
    assert reviewer.must_change_password
    assert other.post("/auth/login", data={"username": reviewer.username,
                                           "password": password}).status_code == 302


def test_users_with_work_are_listed_with_their_counts(app, client, login_as):
    login_as(make_user("admin"))
    reviewer = make_user(username="worker")
    article = make_article()
    make_assignment(make_queue(articles=[article]), article, reviewer, status="submitted")
    html = client.get("/admin/users").get_data(as_text=True)
    assert "worker" in html and "Deactivate" in html and "Delete" not in html


def test_outlets_rename_and_merge(app, client, login_as):
    login_as(make_user("admin"))
    wire, dup = make_outlet("Wire", "wire.com"), make_outlet("The Wire", None)
    kept = make_article(outlet=wire)
    moved = [make_article(outlet=dup) for _ in range(2)]
    html = client.get("/admin/outlets").get_data(as_text=True)
    assert "The Wire" in html and "wire.com" in html
    assert [n for o, n in queries.outlets_with_counts() if o.id == dup.id] == [2]
    response = client.post(f"/admin/outlets/{dup.id}/rename", data={"name": "Wire"},
                           follow_redirects=True)
    assert "exists already" in response.get_data(as_text=True)
    client.post(f"/admin/outlets/{dup.id}/rename", data={"name": "Wire (print)"})
    db.session.expire_all()
    assert dup.name == "Wire (print)"
    client.post("/admin/outlets/merge", data={"source": str(dup.id), "target": str(wire.id)})
    db.session.expire_all()
    assert db.session.get(Outlet, dup.id) is None
    assert {a.outlet_id for a in [kept, *moved]} == {wire.id}
    response = client.post("/admin/outlets/merge", data={"source": str(wire.id),
                                                         "target": str(wire.id)},
                           follow_redirects=True)
    assert "two different outlets" in response.get_data(as_text=True)


def test_article_list_searches_filters_and_pages(app, client, login_as):
    login_as(make_user("admin"))
    planet = make_outlet("Daily Planet")
    make_article(title="Storm hits coast", outlet=planet, published_at=datetime(2024, 1, 5))
    make_article(title="Budget vote", published_at=datetime(2024, 2, 5))
    for i in range(55):
        make_article(title=f"Filler {i}", published_at=datetime(2023, 1, 1))
    html = client.get("/admin/articles?q=storm").get_data(as_text=True)
    assert "Storm hits coast" in html and "Budget vote" not in html
    html = client.get("/admin/articles?q=planet").get_data(as_text=True)
    assert "Storm hits coast" in html
    html = client.get("/admin/articles?since=2024-02-01").get_data(as_text=True)
    assert "Budget vote" in html and "Storm hits coast" not in html
    html = client.get(f"/admin/articles?outlet={planet.id}").get_data(as_text=True)
    assert "(1)" in html
    first = client.get("/admin/articles").get_data(as_text=True)
    assert "Page 1 of 2" in first and 'name="article_ids"' in first
    assert "Filler" in client.get("/admin/articles?page=2").get_data(as_text=True)


def test_upload_reports_each_file(app, client, login_as):
    admin = make_user("admin")
    login_as(admin)
    good = ("Storm hits the coast\n\nOfficials said 40 people were evacuated. "
            "The storm is expected to strengthen.\n")
    bad = b"\xff\xfe\x00garbage"
    lines = json.dumps({"title": "Budget passes", "text": "The vote was 52 to 48."})
    response = client.post("/admin/upload", data={"files": [
        (io.BytesIO(good.encode()), "storm.txt"),
        (io.BytesIO(bad), "broken.csv"),
        (io.BytesIO(lines.encode()), "more.jsonl"),
    ], "outlet": "", "url": ""}, content_type="multipart/form-data")  # as a browser sends them
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "storm.txt: 1 imported" in html and "more.jsonl: 1 imported" in html
    assert "rejected" in html and "broken.csv" in html
    batch = db.session.scalar(select(ImportBatch))
    assert (batch.origin, batch.created_by_id, batch.imported) == ("upload", admin.id, 2)
    assert client.post("/admin/upload", data={}).status_code == 400


def _units(article_id: int) -> list[Unit]:
    db.session.expire_all()
    return list(db.session.scalars(select(Unit).where(Unit.article_id == article_id)
                                   .order_by(Unit.position)))


def _offsets_valid(article_id: int) -> bool:
    article = db.session.get(Article, article_id)
    units = _units(article_id)
    return (all(article.text[u.start:u.end] == u.text for u in units)
            and [u.position for u in units] == list(range(len(units)))
            and all(a.end <= b.start for a, b in zip(units, units[1:], strict=False)))


def test_merge_and_split_units_keep_offsets_valid(app, client, login_as):
    login_as(make_user("admin"))
    article = make_article(["Dr. Smith arrived.", "He spoke.", "Then he left. Quietly."])
    client.post(f"/admin/articles/{article.id}/units/1/merge")
    units = _units(article.id)
    assert [u.text for u in units][1] == "Dr. Smith arrived.\n\nHe spoke."
    assert len(units) == 3 and _offsets_valid(article.id)
    client.post(f"/admin/articles/{article.id}/units/2/split", data={"at": "13"})
    units = _units(article.id)
    assert [u.text for u in units[2:]] == ["Then he left.", "Quietly."]
    assert _offsets_valid(article.id)
    response = client.post(f"/admin/articles/{article.id}/units/0/merge", follow_redirects=True)
    assert "cannot be merged" in response.get_data(as_text=True)  # headline + body
    response = client.post(f"/admin/articles/{article.id}/units/3/split", data={"at": "8"},
                           follow_redirects=True)
    assert "both parts" in response.get_data(as_text=True)
    page = client.get(f"/admin/articles/{article.id}").get_data(as_text=True)
    assert "Merge with next" in page and "Split after character" in page


def test_segmentation_is_frozen_once_annotated(app, client, login_as):
    login_as(make_user("admin"))
    reviewer = make_user()
    article = make_article(["One.", "Two."])
    make_assignment(make_queue(articles=[article]), article, reviewer, labels={1: "fact"})
    with pytest.raises(services.AdminError, match="annotated"):
        services.merge_units(article.id, 1)
    page = client.get(f"/admin/articles/{article.id}").get_data(as_text=True)
    assert "can no longer change" in page and "Merge with next" not in page
    assert len(_units(article.id)) == 3


def test_admin_pages_need_the_admin_role(app, client, login_as):
    login_as(make_user("lead"))
    assert client.get("/admin/").status_code == 403
    login_as(make_user("admin"))
    html = client.get("/admin/").get_data(as_text=True)
    assert "Users" in html and "style=" not in html and "<script" not in html


def test_upload_takes_an_outlet_and_a_url_with_the_cli_rules(app, client, login_as):
    login_as(make_user("admin"))
    story = ("Port strike ends\n\nDockers voted to return to work on Monday. "
             "The union said talks would go on.\n")
    response = client.post("/admin/upload", data={
        "files": [(io.BytesIO(story.encode()), "strike.txt")], "outlet": " Harbour Gazette ",
        "url": "HTTPS://Gazette.example.com/strike#top"}, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)
    article = db.session.scalar(select(Article).where(Article.title == "Port strike ends"))
    assert article.outlet.name == "Harbour Gazette"  # not "Unknown outlet"
    assert article.url == "https://gazette.example.com/strike"  # normalised as the CLI does
    # A record's own outlet wins over the form's, as with --outlet.
    lines = json.dumps({"title": "Ferry delayed", "text": "The ferry left late.",
                        "outlet": "Coast Radio"})
    client.post("/admin/upload", data={"files": [(io.BytesIO(lines.encode()), "f.jsonl")],
                                       "outlet": "Harbour Gazette"},
                content_type="multipart/form-data")
    ferry = db.session.scalar(select(Article).where(Article.title == "Ferry delayed"))
    assert ferry.outlet.name == "Coast Radio"
    # Bad input says what is wrong and imports nothing.
    bad = client.post("/admin/upload", data={
        "files": [(io.BytesIO(story.replace("Port", "Dock").encode()), "a.txt")],
        "url": "javascript:alert(1)"}, content_type="multipart/form-data")
    assert bad.status_code == 400
    assert "not an address that can be stored" in bad.get_data(as_text=True)
    two = client.post("/admin/upload", data={
        "files": [(io.BytesIO(b"One\n\nBody one."), "1.txt"),
                  (io.BytesIO(b"Two\n\nBody two."), "2.txt")],
        "url": "https://gazette.example.com/x"}, content_type="multipart/form-data")
    assert two.status_code == 400 and "A URL belongs to one article" in two.get_data(
        as_text=True)
    assert db.session.scalar(select(Article).where(Article.title == "Dock strike ends")) is None


def test_admin_home_is_a_checklist_that_ticks_itself_off(app, client, login_as):
    admin = make_user("admin")
    login_as(admin)

    def done() -> set[str]:
        html = client.get("/").get_data(as_text=True)
        assert "Getting started" in html
        return set(re.findall(r'class="step done" data-step="(\w+)"', html))

    assert done() == set()
    make_article()
    assert done() == {"articles"}
    reviewer = make_user("reviewer")
    assert done() == {"articles", "reviewers"}
    make_queue(overlap=1, reviewers=[reviewer], articles=[make_article()])
    make_user("lead")
    html = client.get("/").get_data(as_text=True)
    assert done() == {"articles", "reviewers", "queue", "lead"}
    assert "4 of 4 done" in html and "Setup is complete" in html


def test_admin_nav_marks_the_current_section(app, client, login_as):
    login_as(make_user("admin"))
    html = client.get("/admin/users").get_data(as_text=True)
    assert re.search(r'href="/admin/users" aria-current="page">Users', html)
    article = make_article()
    html = client.get(f"/admin/articles/{article.id}").get_data(as_text=True)
    assert re.search(r'href="/admin/articles" aria-current="location">Articles', html)
    nav = html.split('<nav aria-label="Admin">')[1].split("</nav>")[0]
    assert nav.count("aria-current=") == 1


@pytest.mark.parametrize(("typed", "says"), [
    ("ana maria", "contains a space"), ("ana@desk", "contains “@”"), ("x", "at least two"),
    (".ana", "starts with “.”")])
def test_a_refused_username_says_what_is_wrong(app, client, login_as, typed, says):
    login_as(make_user("admin"))
    response = client.post("/admin/users/new", data={"username": typed, "role": "reviewer"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and says in html
    errors = html.split('class="errors"')[1].split("</ul>")[0]
    assert "Lower-case letters, digits" not in errors  # not the help text again
