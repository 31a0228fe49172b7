"""Claim memory: matching on import, leads' decisions, the CLI, the pages, the bench set."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from annotator.articles.services import import_sources
from annotator.claims import indexing, pages, queries, services
from annotator.database import write_transaction
from annotator.extensions import db
from annotator.models import ClaimCluster, ClaimDecision, ClaimKey, ClaimPair, SourceLink
from tests.factories import make_article, make_assignment, make_outlet, make_queue, make_user

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import claims_corpus  # noqa: E402

CLAIM = "The city council approved a 12 million euro budget for school repairs on Tuesday."
NUMBER = "The city council approved a 20 million euro budget for school repairs on Tuesday."
OTHER = "Parents protested outside the council chamber over crowded classrooms."


def _articles(*items):
    """Make articles from (outlet name, day, sentences) and match them; return the articles."""
    made = []
    outlets = {}
    for name, day, sentences in items:
        outlet = outlets.get(name) or make_outlet(name)
        outlets[name] = outlet
        made.append(make_article(sentences, outlet=outlet, published_at=datetime(2026, 11, day)))
    with write_transaction():
        indexing.match_units([u.id for a in made for u in a.units])
    return made


def _jsonl(records):
    return ("\n".join(json.dumps(r) for r in records) + "\n").encode()


def test_import_matches_new_articles_after_it_commits(app):
    records = [
        {"title": "Council news", "text": f"{CLAIM}\n\n{OTHER}", "outlet": "Daily Ledger",
         "published_at": "2026-11-02T08:00:00", "url": "https://a.example/1"},
        {"title": "Schools", "text": f"Officials said that {CLAIM[0].lower()}{CLAIM[1:]}",
         "outlet": "City Wire", "published_at": "2026-11-03T08:00:00",
         "url": "https://b.example/2"},
        {"title": "Budget", "text": NUMBER, "outlet": "Harbour Times",
         "published_at": "2026-11-04T08:00:00", "url": "https://c.example/3"},
    ]
    report = import_sources([("news.jsonl", lambda: _jsonl(records))])
    assert report.imported == 3 and not report.failed
    assert db.session.scalar(select(func.count()).select_from(ClaimKey)) > 0
    first = db.session.scalars(select(ClaimPair).where(ClaimPair.kind == "same")).all()
    assert len(first) == 1
    unit = first[0].unit_a_id
    shown = queries.appearances(unit)
    assert [a.outlet for a in shown] == ["Daily Ledger", "City Wire"]  # earliest first
    related = queries.related(unit)
    assert [r.outlet for r in related] == ["Harbour Times"] and "numbers" in related[0].differs
    assert queries.cluster_id_of(related[0].unit_id) is None  # never merged


def test_import_with_matching_off_leaves_it_to_the_index_command(app, runner):
    app.config["CLAIMS_MATCH_ON_IMPORT"] = False
    try:
        records = [{"title": f"T{i}", "text": CLAIM, "outlet": f"Outlet {i}",
                    "url": f"https://x.example/{i}"} for i in range(2)]
        records[1]["text"] = "Reuters reported that " + CLAIM
        import_sources([("a.jsonl", lambda: _jsonl(records))])
    finally:
        app.config["CLAIMS_MATCH_ON_IMPORT"] = True
    assert db.session.scalar(select(func.count()).select_from(ClaimPair)) == 0
    result = runner.invoke(args=["claims", "index"])
    assert result.exit_code == 0, result.output
    assert "1 same" in result.output
    result = runner.invoke(args=["claims", "index", "--rebuild"])
    assert result.exit_code == 0 and "1 clusters" in result.output


def test_rejected_pair_is_never_merged_again_confirmed_always(app, runner):
    lead = make_user("lead")
    a, b, c = _articles(("A", 1, [CLAIM]), ("B", 2, [CLAIM]), ("C", 3, [NUMBER]))
    same = db.session.scalar(select(ClaimPair).where(ClaimPair.kind == "same"))
    cluster = queries.cluster_id_of(same.unit_a_id)
    assert cluster is not None
    services.decide(same.id, "rejected", lead.id)
    assert queries.cluster_id_of(same.unit_a_id) is None
    assert runner.invoke(args=["claims", "index", "--rebuild"]).exit_code == 0
    assert queries.cluster_id_of(same.unit_a_id) is None  # the rebuild keeps the decision
    related = db.session.scalar(select(ClaimPair).where(ClaimPair.kind == "related",
                                                        ClaimPair.unit_a_id == same.unit_a_id))
    services.decide(related.id, "confirmed", lead.id)
    assert queries.cluster_id_of(related.unit_a_id) == queries.cluster_id_of(related.unit_b_id)
    assert runner.invoke(args=["claims", "index", "--rebuild"]).exit_code == 0
    assert queries.cluster_id_of(related.unit_a_id) is not None
    assert queries.cluster_id_of(related.unit_a_id) == queries.cluster_id_of(related.unit_b_id)
    services.decide(same.id, "confirmed", lead.id)
    log = db.session.execute(select(ClaimDecision.decision, ClaimDecision.previous,
                                    ClaimDecision.user_id).order_by(ClaimDecision.id)).all()
    assert [tuple(r) for r in log] == [("rejected", None, lead.id), ("confirmed", None, lead.id),
                                       ("confirmed", "rejected", lead.id)]


def test_cluster_id_survives_growth_and_rebuild(app, runner):
    _articles(("A", 1, [CLAIM]), ("B", 2, [CLAIM]))
    unit = db.session.scalar(select(ClaimPair.unit_a_id))
    cluster = queries.cluster_id_of(unit)
    _articles(("C", 3, ["Officials said " + CLAIM[0].lower() + CLAIM[1:]]))
    assert queries.cluster_id_of(unit) == cluster
    assert len(queries.appearances(unit)) == 3
    assert runner.invoke(args=["claims", "index", "--rebuild"]).exit_code == 0
    assert queries.cluster_id_of(unit) == cluster


def test_similar_and_export_commands(app, runner, tmp_path):
    _articles(("A", 1, [CLAIM, OTHER]), ("B", 2, [CLAIM]), ("C", 3, [NUMBER]))
    result = runner.invoke(args=["claims", "similar", CLAIM, "--top", "5", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found[0]["score"] == 1.0 and found[0]["match"] == "same"
    assert any(f["match"] == "related" and "numbers" in f["differs"] for f in found)
    result = runner.invoke(args=["claims", "similar", "  "])
    assert result.exit_code != 0
    out = tmp_path / "claims.jsonl"
    result = runner.invoke(args=["claims", "export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 1
    record = lines[0]
    assert set(record) == {"cluster", "units", "related"}
    assert [u["outlet"] for u in record["units"]] == ["A", "B"]
    assert set(record["units"][0]) == {"unit_id", "article_id", "outlet", "published_at", "text"}
    assert record["related"] and record["related"][0]["differs"] == ["numbers"]


def test_lead_pages_confirm_reject_and_claim_timeline(app, client, login_as):
    lead = make_user("lead")
    made = _articles(("Daily Ledger", 1, [CLAIM]), ("City Wire", 2, [CLAIM]),
                     ("Harbour Times", 3, [CLAIM]), ("Coastal Review", 4, [NUMBER]))
    reviewer = make_user("reviewer")
    queue = make_queue(articles=made, reviewers=[reviewer])
    work = make_assignment(queue, made[2], reviewer, status="submitted", labels={1: "claim"})
    db.session.add(SourceLink(assignment_id=work.id, unit_id=made[2].units[1].id,
                              url="https://factcheck.example/x", domain="factcheck.example",
                              stance="contradicts"))
    db.session.commit()
    login_as(lead)
    page = client.get("/claims/")
    assert page.status_code == 200 and b"Not the same (reject)" in page.data
    pairs = db.session.scalars(select(ClaimPair).order_by(ClaimPair.id)).all()
    related = next(p for p in pairs if p.kind == "related")
    answer = client.post(f"/claims/pairs/{related.id}/decision", data={"decision": "rejected"})
    assert answer.status_code == 302
    assert client.post(f"/claims/pairs/{related.id}/decision",
                       data={"decision": "maybe"}).status_code == 400
    unit = made[0].units[1].id
    cluster = queries.cluster_id_of(unit)
    claim = client.get(f"/claims/{cluster}")
    assert claim.status_code == 200
    html = claim.data.decode()
    for name in ("Daily Ledger", "City Wire", "Harbour Times"):
        assert name in html
    assert "first appearance" in html and "1 contradicts" in html
    assert client.get(f"/claims/units/{unit}").status_code == 302
    drill = client.get(f"/articles/{made[0].id}").data.decode()
    assert "Also in 2 other articles" in drill and "differs:" in drill
    profile = client.get(f"/outlets/{made[0].outlet_id}").data.decode()
    assert 'data-testid="originality"' in profile and "small sample" in profile
    later = pages.outlet_originality(made[2].outlet_id)
    assert later.shared == 1 and later.repeated == 1 and later.first == 0
    assert client.get("/claims/?show=nonsense").status_code == 400
    assert client.get("/claims/999999").status_code == 404


def test_queue_option_shows_sources_never_labels(app, client, login_as):
    lead, reviewer = make_user("lead"), make_user("reviewer")
    made = _articles(("A", 1, [CLAIM]), ("B", 2, [CLAIM]))
    queue = make_queue(articles=made, reviewers=[reviewer])
    assert not pages.show_sources(queue.id)
    work = make_assignment(queue, made[0], reviewer, status="submitted", labels={1: "fact"})
    db.session.add(SourceLink(assignment_id=work.id, unit_id=made[0].units[1].id,
                              url="https://stats.example/t", domain="stats.example",
                              stance="supports"))
    db.session.commit()
    login_as(lead)
    assert client.post(f"/claims/queues/{queue.id}/option",
                       data={"show_sources": "y"}).status_code == 302
    assert pages.show_sources(queue.id)
    shown = pages.sources_elsewhere([u.id for u in made[1].units], made[1].id)
    assert list(shown.values()) == [[{"url": "https://stats.example/t", "domain": "stats.example",
                                      "title": None, "stance": "supports"}]]
    assert pages.sources_elsewhere([u.id for u in made[0].units], made[0].id) == {}
    mine = make_assignment(queue, made[1], reviewer)
    login_as(reviewer)
    url = f"/annotations/{mine.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Sources linked to this claim elsewhere (1)" in page and "stats.example" in page
    services.set_queue_option(queue.id, False)
    page = client.get(url).get_data(as_text=True)
    assert "Sources linked to this claim elsewhere" not in page


def test_small_copy_of_the_bench_set(app):
    """The bench set's first eight claims: the targets hold on a small copy."""
    records, labels = claims_corpus.build(seed=3, copies=1, bases=8)
    report = import_sources([("bench.jsonl", lambda: _jsonl(records))])
    assert report.imported == len(records)
    from annotator.models import Article, ClaimMember, Unit

    unit_of = {(url, " ".join(text.split())): uid for uid, url, text in db.session.execute(
        select(Unit.id, Article.url, Unit.text).join(Article))}
    ids = [unit_of[(label.url, " ".join(label.text.split()))] for label in labels]
    members = queries.cluster_ids_of(ids)
    sizes: dict[int, int] = {}
    for cid in db.session.scalars(select(ClaimMember.cluster_id)):
        sizes[cid] = sizes.get(cid, 0) + 1
    result = claims_corpus.evaluate(labels, [members.get(u) for u in ids], sizes)
    assert result["precision"] >= 0.95, result
    assert result["recall"] >= 0.90, result
    assert result["wrongly_merged"]["numbers"] == 0
    assert result["wrongly_merged"]["negation"] == 0


def test_annotation_exports_carry_the_claim_cluster(app, client, login_as):
    lead, reviewer = make_user("lead"), make_user("reviewer")
    made = _articles(("A", 1, [CLAIM]), ("B", 2, [CLAIM]), ("C", 3, [OTHER]))
    queue = make_queue(articles=made, reviewers=[reviewer])
    for article in made:
        make_assignment(queue, article, reviewer, status="submitted", labels={1: "claim"})
    login_as(lead)
    body = client.get("/exports/annotations.jsonl").get_data(as_text=True)
    rows = [json.loads(line) for line in body.splitlines() if line.startswith('{"queue"')]
    clusters = {r["article_id"]: r["claim_cluster"] for r in rows}
    cluster = queries.cluster_id_of(made[0].units[1].id)
    assert cluster is not None
    assert clusters == {made[0].id: cluster, made[1].id: cluster, made[2].id: None}
    csv_text = client.get("/exports/annotations.csv").get_data(as_text=True)
    assert "claim_cluster" in csv_text


def test_claims_export_on_the_exports_page_follows_the_filter(app, client, login_as):
    made = _articles(("A", 1, [CLAIM, OTHER]), ("B", 2, [CLAIM]), ("C", 3, [NUMBER]),
                     ("D", 4, [OTHER]), ("E", 5, [OTHER]))
    login_as(make_user("lead"))
    page = client.get("/exports/").get_data(as_text=True)
    assert "/exports/claims.jsonl" in page
    answer = client.get("/exports/claims.jsonl")
    assert answer.status_code == 200 and answer.mimetype == "application/x-ndjson"
    assert 'filename="annotator-claims_' in answer.headers["Content-Disposition"]
    first, *lines = [json.loads(line) for line in answer.get_data(as_text=True).splitlines()]
    assert first["_meta"]["export"] == "claims" and "units" in first["_meta"]["definitions"]
    assert sorted(len(r["units"]) for r in lines) == [2, 3]  # the claim; OTHER in A, D, E
    # The same lines as `flask claims export`, restricted to claims in the filter's articles.
    assert lines == list(queries.export_clusters())
    outlet_b = made[1].outlet_id
    answer = client.get(f"/exports/claims.jsonl?outlet={outlet_b}")
    first, *lines = [json.loads(line) for line in answer.get_data(as_text=True).splitlines()]
    assert first["_meta"]["filter"]["outlet_id"] == outlet_b
    assert [[u["outlet"] for u in r["units"]] for r in lines] == [["A", "B"]]
    assert lines[0]["related"][0]["differs"] == ["numbers"]
    answer = client.get("/exports/claims.jsonl?date_from=2026-11-05")
    assert [len(json.loads(line)["units"]) for line in
            answer.get_data(as_text=True).splitlines()[1:]] == [3]
    assert client.get("/exports/claims.jsonl?outlet=x").status_code == 400


def test_import_joins_clusters_but_never_across_a_rejection(app):
    lead = make_user("lead")
    # Two clusters of the same claim, kept apart by a lead's rejection between them.
    _articles(("A", 1, [CLAIM]), ("B", 2, [CLAIM]))
    first = db.session.scalar(select(ClaimPair).where(ClaimPair.kind == "same"))
    services.decide(first.id, "rejected", lead.id)
    _articles(("C", 3, [CLAIM]))
    units = sorted(db.session.scalars(select(ClaimKey.unit_id).distinct()))
    a, b, c = units
    assert queries.cluster_id_of(a) != queries.cluster_id_of(b)
    assert queries.cluster_id_of(c) in (queries.cluster_id_of(a), queries.cluster_id_of(b))
    # A fourth copy is the same as all three: it joins one side, never both.
    _articles(("D", 4, [CLAIM]))
    d = max(db.session.scalars(select(ClaimKey.unit_id).distinct()))
    assert queries.cluster_id_of(a) != queries.cluster_id_of(b)
    assert queries.cluster_id_of(d) is not None


def test_import_grows_the_cluster_keeping_its_id(app):
    wording = "Officials said " + CLAIM[0].lower() + CLAIM[1:]
    _articles(("A", 1, [CLAIM]), ("B", 2, [CLAIM]), ("C", 3, [CLAIM]))
    big = queries.cluster_id_of(db.session.scalar(select(ClaimPair.unit_a_id)))
    assert big is not None and len(queries.cluster_appearances(big)) == 3
    # Each import below meets the claim again: every copy lands in the one cluster.
    _articles(("D", 4, [wording]), ("E", 5, [CLAIM]))
    members = queries.cluster_appearances(big)
    assert len(members) == 5
    assert db.session.scalar(select(func.count()).select_from(ClaimCluster)) == 1


def test_rebuild_matches_units_imported_while_it_ran(app):
    """An article imported after the rebuild read its last unit keeps its keys and pairs:
    its own keys went with the old index, so the rebuild matches it before it ends."""
    _articles(("A", 1, [CLAIM, OTHER]))
    imported = []

    def progress(message: str) -> None:
        if message.startswith("candidates:") and not imported:  # read done, nothing written
            records = [{"title": "Late", "text": "Reuters reported that " + CLAIM,
                        "outlet": "Late Wire", "url": "https://late.example/1"}]
            imported.append(import_sources([("late.jsonl", lambda: _jsonl(records))]))

    report = services.rebuild(progress)
    assert imported and imported[0].imported == 1
    late = db.session.scalars(select(ClaimKey.unit_id).distinct()).all()
    pairs = db.session.scalars(select(ClaimPair).where(ClaimPair.kind == "same")).all()
    assert len(pairs) == 1, "the late copy was not matched"
    assert pairs[0].unit_b_id in late and report.same >= 1
    assert queries.cluster_id_of(pairs[0].unit_b_id) == queries.cluster_id_of(pairs[0].unit_a_id)
