"""Claim memory's backlog: the import queues its articles in its own transaction and matching
runs once the import has committed (the CLI before it returns, a request after its response)."""

from __future__ import annotations

import io
import json
import threading

import pytest
from sqlalchemy import delete, func, select

from annotator.articles.services import import_sources
from annotator.auth import tokens
from annotator.claims import indexing, queries, services
from annotator.database import write_transaction
from annotator.extensions import db
from annotator.models import ClaimBacklog, ClaimKey, ClaimPair, Unit
from tests.factories import make_article, make_outlet, make_user

CLAIM = "The city council approved a 12 million euro budget for school repairs on Tuesday."


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


SPEAKERS = ("", "Officials said that ", "Reuters reported that ", "The mayor said that ",
            "A spokesman announced that ", "The newspaper reported that ", "Aides said that ")


def _records(n: int, start: int = 0) -> list[dict]:
    """n articles in n outlets, each repeating CLAIM (with an attribution from the second)."""
    return [{"title": "Budget news", "outlet": f"Outlet {i}", "url": f"https://o{i}.example/a",
             "text": SPEAKERS[i] + (CLAIM if i == 0 else CLAIM[0].lower() + CLAIM[1:])}
            for i in range(start, start + n)]


def _jsonl(records) -> bytes:
    return ("\n".join(json.dumps(r) for r in records) + "\n").encode()


def _same_pairs() -> int:
    return db.session.scalar(select(func.count()).select_from(ClaimPair)
                             .where(ClaimPair.kind == "same"))


@pytest.fixture
def matching_off(app):
    app.config["CLAIMS_MATCH_ON_IMPORT"] = False
    yield
    app.config["CLAIMS_MATCH_ON_IMPORT"] = True


def test_cli_import_matches_after_the_import_and_says_so(app, runner, tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_bytes(_jsonl(_records(3)))
    result = runner.invoke(args=["import-articles", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 article(s) imported" in result.output
    assert "Claim memory: " in result.output and "3 same" in result.output
    assert _count(ClaimBacklog) == 0 and _same_pairs() == 3


def test_import_queues_in_its_own_transaction(app, matching_off):
    good = _jsonl(_records(2))
    bad = _jsonl(_records(1, start=5)) + b"{not json\n"
    report = import_sources([("good.jsonl", lambda: good), ("bad.jsonl", lambda: bad)])
    assert report.imported == 2 and len(report.failed) == 1 and report.claims is None
    queued = db.session.scalars(select(ClaimBacklog.article_id)).all()
    assert sorted(queued) == sorted(report.files[0].article_ids)  # none of the rejected file
    assert _count(ClaimKey) == 0 and _same_pairs() == 0
    matched = services.match_backlog()
    assert matched.units == _count(Unit) and matched.same == 1
    assert _count(ClaimBacklog) == 0


def test_index_command_takes_the_backlog(app, runner, matching_off):
    import_sources([("a.jsonl", lambda: _jsonl(_records(1)))])
    assert runner.invoke(args=["claims", "index"]).exit_code == 0  # the first: a rebuild
    import_sources([("b.jsonl", lambda: _jsonl(_records(2, start=1)))])
    assert _count(ClaimBacklog) == 2
    keys = _count(ClaimKey)
    result = runner.invoke(args=["claims", "index"])
    assert result.exit_code == 0, result.output
    assert "3 same" in result.output and _count(ClaimBacklog) == 0
    assert _count(ClaimKey) == keys * 3  # each new unit keyed once, not again by the scan
    import_sources([("c.jsonl", lambda: _jsonl(_records(1, start=3)))])
    result = runner.invoke(args=["claims", "index", "--backlog-only"])
    assert result.exit_code == 0, result.output
    assert "3 same" in result.output and _count(ClaimBacklog) == 0
    result = runner.invoke(args=["claims", "index", "--backlog-only", "--rebuild"])
    assert result.exit_code == 2 and "exclude each other" in result.output


def test_admin_upload_matches_after_the_response_is_sent(app, client, login_as):
    login_as(make_user("admin"))
    response = client.post("/admin/upload", data={
        "files": [(io.BytesIO(_jsonl(_records(2))), "news.jsonl")]},
        content_type="multipart/form-data")
    assert response.status_code == 200 and b"2 article(s) imported" in response.data
    assert b"being matched against the claim memory" in response.data
    db.session.rollback()
    # The response is out; its articles are stored and queued, not yet matched ...
    assert _count(ClaimBacklog) == 2 and _same_pairs() == 0
    response.close()  # ... until the server closes the response, as WSGI servers do
    db.session.rollback()
    assert _count(ClaimBacklog) == 0 and _same_pairs() == 1


def test_api_import_matches_after_the_response(app, client):
    admin = {"Authorization": f"Bearer {tokens.create_token(make_user('admin'), 'test').secret}"}
    for record in _records(2):
        response = client.post("/api/v1/articles", headers=admin, json=record)
        assert response.status_code == 201, response.json
        response.close()
    db.session.rollback()
    assert _count(ClaimBacklog) == 0 and _same_pairs() == 1


def test_index_command_finds_units_without_keys_that_were_never_queued(app, runner,
                                                                      matching_off):
    # Articles imported before the backlog existed, with matching off: no keys, no queue row.
    import_sources([("a.jsonl", lambda: _jsonl(_records(1)))])
    assert runner.invoke(args=["claims", "index"]).exit_code == 0  # the first: a rebuild
    import_sources([("b.jsonl", lambda: _jsonl(_records(2, start=1)))])
    with write_transaction():
        db.session.execute(delete(ClaimBacklog))
    result = runner.invoke(args=["claims", "index"])
    assert result.exit_code == 0, result.output
    assert "2 indexed" in result.output and "3 same" in result.output
    result = runner.invoke(args=["claims", "index"])  # the titles, too short to match, again
    assert "0 indexed" in result.output and "0 same" in result.output


def test_a_failed_match_leaves_the_articles_queued(app, monkeypatch, matching_off):
    import_sources([("a.jsonl", lambda: _jsonl(_records(2)))])

    def broken(rows, skip_keyed=False):
        raise RuntimeError("matcher crashed")

    monkeypatch.setattr(services, "match_rows", broken)
    with pytest.raises(RuntimeError):
        services.match_backlog()
    assert _count(ClaimBacklog) == 2 and _count(ClaimKey) == 0
    monkeypatch.undo()
    assert services.match_backlog().same == 1 and _count(ClaimBacklog) == 0


def test_rebuild_takes_the_backlog_and_a_later_run_adds_nothing(app, matching_off):
    import_sources([("a.jsonl", lambda: _jsonl(_records(3)))])
    report = services.rebuild()
    assert report.same == 3 and _count(ClaimBacklog) == 0
    keys = _count(ClaimKey)
    assert services.match_backlog().units == 0 and _count(ClaimKey) == keys


def test_backlog_rows_already_keyed_are_passed_over(app, matching_off):
    import_sources([("a.jsonl", lambda: _jsonl(_records(2)))])
    services.match_backlog()
    keys = _count(ClaimKey)
    ids = db.session.scalars(select(Unit.article_id).distinct()).all()
    services.queue_articles(ids)  # as if a rebuild had matched them after they were queued
    db.session.commit()
    again = services.match_backlog()
    assert again.indexed == 0 and _count(ClaimKey) == keys and _count(ClaimBacklog) == 0


def test_processes_matching_at_once_take_turns(app, matching_off, monkeypatch):
    """Two processes draining one backlog: no article matched twice, and copies matched by
    different processes still meet (PostgreSQL: an advisory lock; SQLite: one writer)."""
    monkeypatch.setattr(services, "BACKLOG_BATCH", 1)
    import_sources([("a.jsonl", lambda: _jsonl(_records(6)))])
    errors: list[BaseException] = []

    def drain() -> None:
        with app.app_context():
            try:
                services.match_backlog()
            except BaseException as exc:  # reported below
                errors.append(exc)

    threads = [threading.Thread(target=drain) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    db.session.rollback()
    assert _count(ClaimBacklog) == 0
    assert _same_pairs() == 15  # 6 copies: every pair found once
    keyed = db.session.execute(select(ClaimKey.unit_id, func.count())
                               .group_by(ClaimKey.unit_id)).all()
    assert len({n for _, n in keyed}) == 1  # each unit keyed once


def test_leads_see_what_is_still_to_be_matched(app, client, login_as, matching_off):
    login_as(make_user("lead"))
    page = client.get("/claims/")
    assert page.status_code == 200 and b"claim-backlog" not in page.data
    import_sources([("a.jsonl", lambda: _jsonl(_records(2)))])
    page = client.get("/claims/")
    assert b"2 imported articles still to be matched" in page.data
    assert b"flask claims index" in page.data
    services.match_backlog()
    assert b"claim-backlog" not in client.get("/claims/").data


LEAD_IN = "Parents protested outside the chamber."


def test_a_segmentation_fix_matches_the_changed_sentences_again(app, client, login_as):
    first = make_article([CLAIM], outlet=make_outlet("Daily Ledger"))
    glued = make_article([f"{LEAD_IN} {CLAIM}"], outlet=make_outlet("City Wire"))
    with write_transaction():
        indexing.match_units([u.id for a in (first, glued) for u in a.units])
    claim = next(u.id for u in first.units if u.text == CLAIM)
    old = next(u for u in glued.units if u.text.startswith(LEAD_IN))
    assert [(p.unit_a_id, p.unit_b_id) for p in _pairs()] == [(claim, old.id)]  # contained
    login_as(make_user("admin"))
    response = client.post(f"/admin/articles/{glued.id}/units/{old.position}/split",
                           data={"at": str(len(LEAD_IN))}, follow_redirects=True)
    assert "Sentence split." in response.get_data(as_text=True)
    db.session.rollback()
    new = db.session.scalar(select(Unit.id).where(Unit.article_id == glued.id, Unit.text == CLAIM))
    # The old pair went with the old text; the claim's own sentence was matched again.
    assert [(p.unit_a_id, p.unit_b_id) for p in _pairs()] == [(claim, new)]
    assert _count(ClaimBacklog) == 0
    assert queries.cluster_id_of(new) == queries.cluster_id_of(claim) is not None
    assert queries.cluster_id_of(old.id) is None
    response = client.post(f"/admin/articles/{glued.id}/units/{old.position}/merge",
                           follow_redirects=True)
    assert "Sentences merged." in response.get_data(as_text=True)
    db.session.rollback()
    assert [(p.unit_a_id, p.unit_b_id) for p in _pairs()] == [(claim, old.id)]
    assert queries.cluster_id_of(old.id) == queries.cluster_id_of(claim) is not None


def _pairs() -> list:
    return db.session.scalars(select(ClaimPair).order_by(ClaimPair.id)).all()


def test_rebuild_with_worker_processes_gives_the_same_index(app, matching_off):
    """Keys computed in worker processes (a rebuild of more than one batch) are the keys
    computed here: same keys, pairs and clusters."""
    records = _records(5) + [{"title": "Other", "outlet": "Outlet 9", "url": "https://n.example/",
                              "text": "Parents protested outside the crowded council chamber."}]
    import_sources([("a.jsonl", lambda: _jsonl(records))])

    def state():
        keys = db.session.execute(select(ClaimKey.band_key, ClaimKey.unit_id)
                                  .order_by(ClaimKey.band_key, ClaimKey.unit_id)).all()
        pairs = db.session.execute(select(ClaimPair.unit_a_id, ClaimPair.unit_b_id,
                                          ClaimPair.kind).order_by(ClaimPair.id)).all()
        return keys, pairs, {u: queries.cluster_id_of(u) for u in db.session.scalars(
            select(Unit.id))}

    here = services.rebuild(batch=4, workers=1)
    before = state()
    pooled = services.rebuild(batch=4, workers=2)
    assert state() == before and before[0] and before[1]
    assert (pooled.units, pooled.indexed, pooled.same) == (here.units, here.indexed, here.same)
