"""Verdicts and predictions: recording, the second lead's publication, history, due dates,
outcomes, the rating scale, and the refusals (wrong label, stale page, not due, own draft)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from annotator.errors import VerdictError
from annotator.extensions import db
from annotator.models import CheckHistory, CheckSource, Prediction, Rating, SourceLink, Verdict
from annotator.verdicts import queries, services
from annotator.vocabulary import DEFAULT_RATINGS, VerdictStatus
from tests.factories import make_article, make_assignment, make_outlet, make_queue, make_user

CLAIM = "The mayor said unemployment fell to 3 percent last year."
PREDICTION = "The council will approve the new budget next month."
OPINION = "This is the worst budget in a decade."


def checked_world(published=datetime(2024, 1, 10, 9, 0)):
    """Two reviewers label an article: sentence 1 claim (with a source), 2 prediction, 3 opinion."""
    outlet = make_outlet("Daily Example", "daily.example")
    article = make_article([CLAIM, PREDICTION, OPINION], outlet=outlet, published_at=published,
                           url="https://daily.example/budget")
    r1, r2 = make_user(), make_user()
    queue = make_queue(reviewers=[r1, r2], articles=[article])
    labels = {1: "claim", 2: "prediction", 3: "opinion"}
    a1 = make_assignment(queue, article, r1, status="submitted", labels=labels)
    make_assignment(queue, article, r2, status="submitted", labels=labels)
    link = SourceLink(assignment_id=a1.id, unit_id=article.units[1].id,
                      url="https://stats.example.gov/unemployment", domain="example.gov",
                      stance="contradicts", title="Labour statistics")
    db.session.add(link)
    db.session.commit()
    return {"article": article, "claim": article.units[1].id, "prediction": article.units[2].id,
            "opinion": article.units[3].id, "link": link.id, "outlet": outlet, "queue": queue}


def verdict_input(rating_name="false", **kw):
    position = [name for name, _, _ in DEFAULT_RATINGS].index(rating_name) + 1
    return services.VerdictInput(position, kw.pop("rationale", "Official data say 4.1%."), **kw)


def test_a_lead_records_a_draft_and_a_second_lead_publishes_it(app):
    w = checked_world()
    author, second = make_user("lead"), make_user("lead")
    verdict_id = services.save_verdict(w["claim"], author, verdict_input(
        link_ids=[w["link"]], added=[services.NewSource("https://other.example.org/x",
                                                        "supports", "Other")]))
    verdict = db.session.get(Verdict, verdict_id)
    assert verdict.status == VerdictStatus.DRAFT
    assert verdict.rating.name == "false" and verdict.outlet_id == w["outlet"].id
    assert [(s.url, s.stance, s.source_link_id) for s in verdict.sources] == [
        ("https://stats.example.gov/unemployment", "contradicts", w["link"]),
        ("https://other.example.org/x", "supports", None)]
    # The default scale was written with the first verdict.
    assert [r.name for r in db.session.query(Rating).order_by(Rating.position)] == [
        name for name, _, _ in DEFAULT_RATINGS]
    with pytest.raises(VerdictError) as refused:
        services.publish_verdict(verdict_id, author, verdict.version)
    assert refused.value.status == 403
    services.publish_verdict(verdict_id, second, verdict.version)
    db.session.expire_all()
    verdict = db.session.get(Verdict, verdict_id)
    assert verdict.status == VerdictStatus.PUBLISHED and verdict.published_by_id == second.id
    history = db.session.query(CheckHistory).filter_by(verdict_id=verdict_id).order_by(
        CheckHistory.id).all()
    assert [(h.action, h.user_id) for h in history] == [("created", author.id),
                                                        ("published", second.id)]
    assert json.loads(history[0].snapshot)["rating"] == "false"


def test_a_change_returns_a_published_verdict_to_draft_and_its_editor_cannot_publish(app):
    w = checked_world()
    a, b, c = make_user("lead"), make_user("lead"), make_user("lead")
    vid = services.save_verdict(w["claim"], a, verdict_input())
    services.publish_verdict(vid, b, 1)
    services.save_verdict(w["claim"], b, verdict_input("mostly false", version=2))
    db.session.expire_all()
    verdict = db.session.get(Verdict, vid)
    assert verdict.status == VerdictStatus.DRAFT and verdict.rating.name == "mostly false"
    with pytest.raises(VerdictError) as refused:  # b made the change: a third lead publishes
        services.publish_verdict(vid, b, verdict.version)
    assert refused.value.status == 403
    services.publish_verdict(vid, c, verdict.version)
    actions = [h.action for h in db.session.query(CheckHistory).order_by(CheckHistory.id)]
    assert actions == ["created", "published", "edited", "published"]


def test_a_stale_page_cannot_overwrite_a_colleagues_change(app):
    w = checked_world()
    a, b = make_user("lead"), make_user("lead")
    vid = services.save_verdict(w["claim"], a, verdict_input())
    services.save_verdict(w["claim"], b, verdict_input("mixed", version=1))
    with pytest.raises(VerdictError) as refused:
        services.save_verdict(w["claim"], a, verdict_input("true", version=1))
    assert refused.value.status == 409
    db.session.expire_all()
    assert db.session.get(Verdict, vid).rating.name == "mixed"


def test_verdicts_need_a_claim_or_fact_and_a_lead(app):
    w = checked_world()
    lead, reviewer = make_user("lead"), make_user()
    for unit in (w["opinion"], w["prediction"]):
        with pytest.raises(VerdictError) as refused:
            services.save_verdict(unit, lead, verdict_input())
        assert refused.value.status == 400
    with pytest.raises(VerdictError) as refused:
        services.save_verdict(w["claim"], reviewer, verdict_input())
    assert refused.value.status == 403
    with pytest.raises(VerdictError):  # a URL that is no http(s) URL: nothing written
        services.save_verdict(w["claim"], lead, verdict_input(
            added=[services.NewSource("javascript:alert(1)", "supports")]))
    assert db.session.query(Verdict).count() == 0 and db.session.query(CheckSource).count() == 0


def test_the_rationale_is_cleaned(app):
    w = checked_world()
    vid = services.save_verdict(w["claim"], make_user("lead"), verdict_input(
        rationale='<b>Wrong</b><script>alert(1)</script> <a href="javascript:x">x</a>'))
    rationale = db.session.get(Verdict, vid).rationale
    assert "<b>Wrong</b>" in rationale and "<script" not in rationale
    assert "javascript" not in rationale


def test_a_prediction_takes_the_date_its_sentence_states_and_is_resolved_once_due(app):
    w = checked_world()
    lead = make_user("lead")
    pid = services.schedule_prediction(w["prediction"], lead, None)
    prediction = db.session.get(Prediction, pid)
    # "next month" from 10 January 2024: the end of February (a leap year).
    assert prediction.resolves_by == date(2024, 2, 29)
    assert prediction.date_basis == "next month"
    with pytest.raises(VerdictError) as early:
        services.resolve_prediction(pid, lead, services.ResolveInput("came_true", ""),
                                    today=date(2024, 2, 28))
    assert early.value.status == 409
    assert queries.due_count(date(2024, 2, 28)) == 0
    assert queries.due_count(date(2024, 2, 29)) == 1
    services.resolve_prediction(pid, lead, services.ResolveInput(
        "came_true", "Approved on 20 February.",
        added=[services.NewSource("https://council.example.gov/minutes", "supports")]),
        today=date(2024, 3, 1))
    db.session.expire_all()
    prediction = db.session.get(Prediction, pid)
    assert prediction.outcome == "came_true" and prediction.resolved_by_id == lead.id
    assert [s.url for s in prediction.sources] == ["https://council.example.gov/minutes"]
    assert queries.due_count(date(2024, 3, 1)) == 0
    actions = [h.action for h in db.session.query(CheckHistory).filter_by(prediction_id=pid)]
    assert actions == ["scheduled", "resolved"]


def test_a_prediction_date_is_set_by_the_lead_and_not_before_publication(app):
    w = checked_world()
    lead = make_user("lead")
    with pytest.raises(VerdictError) as refused:
        services.schedule_prediction(w["prediction"], lead, date(2023, 12, 31))
    assert refused.value.status == 400
    pid = services.schedule_prediction(w["prediction"], lead, date(2024, 6, 30))
    assert db.session.get(Prediction, pid).date_basis is None
    with pytest.raises(VerdictError):
        services.schedule_prediction(w["claim"], lead, date(2024, 6, 30))


def test_the_due_list_is_oldest_first(app):
    lead = make_user("lead")
    ids = []
    for published, text in ((datetime(2024, 5, 1), "Rates will fall within two weeks."),
                            (datetime(2024, 1, 1), "Rates will fall by March.")):
        outlet = make_outlet()
        article = make_article([text], outlet=outlet, published_at=published)
        r1, r2 = make_user(), make_user()
        queue = make_queue(reviewers=[r1, r2], articles=[article])
        for r in (r1, r2):
            make_assignment(queue, article, r, status="submitted", labels={1: "prediction"})
        ids.append(services.schedule_prediction(article.units[1].id, lead, None))
    page = queries.due_page(date(2025, 1, 1))
    assert [p.id for p in page.rows] == [ids[1], ids[0]]
    assert [p.resolves_by for p in page.rows] == [date(2024, 3, 31), date(2024, 5, 15)]


def test_admins_rename_and_reorder_the_scale_until_the_first_verdict(app):
    w = checked_world()
    admin, lead = make_user("admin"), make_user("lead")
    steps = [queries.Step("correct", 3, False), queries.Step("misleading", 2, True),
             queries.Step("incorrect", 1, True)]
    with pytest.raises(VerdictError):
        services.save_scale(lead, steps)
    services.save_scale(admin, steps)
    assert [s.name for s in queries.scale_steps()] == ["correct", "misleading", "incorrect"]
    vid = services.save_verdict(w["claim"], lead, services.VerdictInput(3, ""))
    assert db.session.get(Verdict, vid).rating.name == "incorrect"
    with pytest.raises(VerdictError) as frozen:
        services.save_scale(admin, steps[::-1])
    assert frozen.value.status == 409


def test_the_pages_walk_a_verdict_from_draft_to_published(app, client, login_as):
    w = checked_world()
    author, second = make_user("lead"), make_user("lead")
    login_as(author)
    page = client.get(f"/verdicts/units/{w['claim']}")
    assert page.status_code == 200 and "Labour statistics" in page.get_data(as_text=True)
    answer = client.post(f"/verdicts/units/{w['claim']}", data={
        "rating": "5", "rationale": "Data say otherwise.", "links": [str(w["link"])],
        "added-0-url": "", "added-0-stance": "supports", "added-1-stance": "supports"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    verdict = db.session.query(Verdict).one()
    shown = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "false" in shown and "Publish verdict" not in shown
    login_as(second)
    shown = client.get(f"/verdicts/{verdict.id}").get_data(as_text=True)
    assert "Publish verdict" in shown
    assert client.post(f"/verdicts/{verdict.id}/publish",
                       data={"version": "1"}).status_code == 302
    listing = client.get("/verdicts/?status=published").get_data(as_text=True)
    assert "unemployment fell" in listing
    # A second POST from the author's stale page is refused with a reason, not a 500.
    login_as(author)
    stale = client.post(f"/verdicts/units/{w['claim']}", data={"rating": "1", "version": "1"})
    assert stale.status_code == 409 and "Someone changed this" in stale.get_data(as_text=True)


def test_the_pages_schedule_and_resolve_a_prediction(app, client, login_as):
    w = checked_world()
    lead = make_user("lead")
    login_as(lead)
    page = client.get(f"/verdicts/units/{w['prediction']}").get_data(as_text=True)
    assert "2024-02-29" in page and "next month" in page
    answer = client.post(f"/verdicts/units/{w['prediction']}/prediction",
                         data={"resolves_by": ""})
    assert answer.status_code == 302
    nav = client.get("/verdicts/predictions/due").get_data(as_text=True)
    assert "Due (1)" in nav and "approve the new budget" in nav
    pid = db.session.query(Prediction).one().id
    done = client.post(f"/verdicts/predictions/{pid}", data={
        "outcome": "did_not", "note": "Postponed.", "version": "1",
        "added-0-url": "https://council.example.gov/agenda", "added-0-stance": "contradicts"})
    assert done.status_code == 302
    assert "did not come true" in client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Due (0)" in client.get("/verdicts/").get_data(as_text=True)


def test_the_adjudication_page_links_to_the_check(app, client, login_as):
    w = checked_world()
    login_as(make_user("lead"))
    page = client.get(f"/adjudication/queues/{w['queue'].id}/units/{w['claim']}")
    assert f"/verdicts/units/{w['claim']}" in page.get_data(as_text=True)


def test_the_scale_page_is_for_admins(app, client, login_as):
    login_as(make_user("admin"))
    data = {f"ratings-{i}-name": "" for i in range(10)}
    data.update({"ratings-0-name": "accurate", "ratings-0-score": "2",
                 "ratings-1-name": "inaccurate", "ratings-1-score": "1",
                 "ratings-1-counts_false": "y"})
    assert client.post("/verdicts/scale", data=data).status_code == 302
    assert [s.name for s in queries.scale_steps()] == ["accurate", "inaccurate"]
    assert "accurate" in client.get("/verdicts/scale").get_data(as_text=True)


def test_merging_outlets_moves_their_verdicts_and_predictions(app):
    from annotator.admin.services import merge_outlets

    w = checked_world()
    lead = make_user("lead")
    vid = services.save_verdict(w["claim"], lead, verdict_input())
    pid = services.schedule_prediction(w["prediction"], lead, None)
    target = make_outlet("Daily Example (merged)")
    merge_outlets(w["outlet"].id, target.id)
    db.session.expire_all()
    assert db.session.get(Verdict, vid).outlet_id == target.id
    assert db.session.get(Prediction, pid).outlet_id == target.id
