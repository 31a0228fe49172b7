"""Every page a reviewer sees, in Chromium at a phone's size and a laptop's (and the narrowest
phone, 320 px): it fits, axe-core finds nothing; the phone layout of the annotation page; sources
in place without a navigation; undo and clear as one request each, kept in the history."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.articles.services import import_paths
from annotator.extensions import db
from annotator.models.annotations import AnnotationHistory, SourceLink
from annotator.models.articles import Article, Outlet
from annotator.models.queues import Assignment
from tests.browser.audit import LAPTOP, PHONE, SIZES, assert_accessible, assert_fits
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, make_queue, make_user

SAMPLE = (Path(__file__).resolve().parents[2] / "annotator" / "samples"
          / "azerbaijan-offensive-2023-09-19.txt")
SMALLEST = {"width": 320, "height": 640}


@pytest.fixture
def desk(live_app):
    """The sample article in a queue of overlap 2 with reviewers ana and ben, CSRF on."""
    report = import_paths([str(SAMPLE)], outlet="Sample outlet")
    article = db.session.get(Article, report.files[0].article_ids[0])
    db.session.get(Outlet, article.outlet_id).domain = "sample-outlet.example"
    db.session.commit()
    ana, ben = make_user("reviewer", "ana"), make_user("reviewer", "ben")
    make_queue("Caucasus desk", overlap=2, reviewers=[ana, ben], articles=[article])
    live_app.config["WTF_CSRF_ENABLED"] = True
    return article


def _start(page, base: str, logged_in: bool = False) -> str:
    if not logged_in:
        log_in(page, base, "ana", PASSWORD)
    page.goto(f"{base}/")
    page.get_by_role("button", name=re.compile("Start next article|Resume")).click()
    page.wait_for_selector(".ws-chunk > li.cur")
    return page.url


def _posts(page) -> list[str]:
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    return posts


def _idle(page) -> None:
    page.wait_for_function("() => !document.querySelector('.ws-st.saving')")


def _check(page, name: str, size: str) -> None:
    page.set_viewport_size(SIZES[size])
    page.wait_for_load_state()
    assert_fits(page)
    assert_accessible(page)
    page.set_viewport_size(SMALLEST)
    assert_fits(page)
    page.set_viewport_size(SIZES[size])


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_every_reviewer_page_fits_and_passes_axe(page, live_server, desk, size):
    page.set_viewport_size(SIZES[size])
    page.goto(f"{live_server}/auth/login")
    _check(page, "login", size)
    log_in(page, live_server, "ana", PASSWORD)
    _check(page, "home", size)
    screenshot(page, f"reviewer-home-{size}")
    url = _start(page, live_server, logged_in=True)
    assignment_id = int(url.rsplit("/", 1)[1].split("#")[0])
    for key in "1c3":
        page.keyboard.press(key)
    _idle(page)
    page.keyboard.press("k")
    page.keyboard.press("2")              # a change to a label the sentence had: marked
    _idle(page)
    page.locator("#ws-add-source").click()
    page.wait_for_selector("#src-dialog[open]")
    assert_fits(page)                     # the source dialog, open
    assert_accessible(page)
    page.locator("#src-dialog input[name=url]").fill("https://example.org/report")
    page.locator("#src-dialog input[value=contradicts]").check()
    page.locator("#src-dialog button[type=submit]").click()
    page.wait_for_selector(".src")
    page.evaluate("window.scrollTo(0, 0)")
    _check(page, "annotate", size)
    screenshot(page, f"annotate-{size}")
    page.keyboard.press("?")
    assert_fits(page)                     # the shortcut dialog, open
    assert_accessible(page)
    page.keyboard.press("Escape")
    source_id = db.session.scalar(select(SourceLink.id))
    for path in (f"/annotations/{assignment_id}/sources/new",
                 f"/annotations/{assignment_id}/sources/{source_id}",
                 f"/queues/assignments/{assignment_id}/skip",
                 "/annotations/guidelines", "/queues/mine", "/auth/password"):
        page.goto(live_server + path)
        _check(page, path, size)


def test_the_annotation_page_on_a_phone(page, live_server, desk):
    page.set_viewport_size(PHONE)
    _start(page, live_server)
    bar = page.locator(".ws-bar").bounding_box()
    assert bar["height"] < 0.2 * PHONE["height"], bar        # compact toolbar (was 30 %)
    # Label buttons: two by two across the sentence's width, tall enough for a thumb, each
    # showing its key; none cut off.
    boxes = [b.bounding_box() for b in page.locator(".ws-chunk > li:nth-child(2) button").all()]
    assert len(boxes) == 4
    assert boxes[0]["y"] == boxes[1]["y"] < boxes[2]["y"] == boxes[3]["y"]
    assert all(b["height"] >= 44 and b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"]
               for b in boxes)
    keys = page.eval_on_selector_all(
        ".ws-chunk > li:nth-child(2) button",
        "els => els.map(e => getComputedStyle(e, '::after').content)")
    assert keys == [f'"{n}" / ""' for n in "1234"], keys   # 1-4 beside the names, unread
    names = [page.locator(".ws-chunk > li:nth-child(2) button").nth(i).evaluate(
        "e => e.textContent") for i in range(4)]
    assert names == ["fact", "claim", "opinion", "prediction"]
    # Thumb labelling: tapping labels and moves nothing out of reach.
    page.locator(".ws-chunk > li:nth-child(2)").get_by_role("button", name="opinion").click()
    _idle(page)
    assert page.locator(".ws-chunk > li:nth-child(2)").get_attribute("data-l") == "opinion"
    assert_fits(page)


def test_a_source_is_added_edited_and_removed_in_place(page, live_server, desk):
    _start(page, live_server)
    for key in "1234":
        page.keyboard.press(key)
    _idle(page)
    page.keyboard.press("k")
    page.keyboard.press("k")
    was_on = page.evaluate("document.activeElement.id")
    navigations: list[str] = []
    page.on("framenavigated", lambda f: navigations.append(f.url))
    posts = _posts(page)
    page.keyboard.press("s")
    page.wait_for_selector("#src-dialog[open]")
    page.keyboard.type("https://www.reuters.com/world/?utm_source=x")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")                        # contradicts
    page.keyboard.press("Enter")                             # submits the dialog's form
    page.wait_for_selector(f"#{was_on} .src")
    assert navigations == []                                 # no reload
    assert posts == [f"{live_server}{page.evaluate('location.pathname')}/sources.json"]
    assert page.evaluate("document.activeElement.id") == was_on   # back where the reviewer was
    source = page.locator(f"#{was_on} .src")
    assert source.locator(".stance").inner_text().lower() == "contradicts"
    assert source.locator(".dom").inner_text() == "reuters.com"
    assert "Source saved" in page.locator("#ws-live").inner_text()
    # Typing on labels the next unlabelled sentence, not the one that got the source.
    labels_before = page.eval_on_selector_all(".ws-chunk > li", "e => e.map(x => x.dataset.l)")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") != was_on
    assert labels_before == page.eval_on_selector_all(".ws-chunk > li",
                                                      "e => e.map(x => x.dataset.l)")

    source.locator(".src-edit").click()                      # edit in place
    page.wait_for_selector("#src-dialog[open]")
    assert page.locator("#src-dialog input[name=url]").input_value().startswith(
        "https://www.reuters.com/world")
    page.locator("#src-dialog input[value=context]").check()
    page.locator("#src-dialog button[type=submit]").click()
    page.wait_for_function(
        f"() => document.querySelector('#{was_on} .src .stance').textContent.trim() === 'context'")
    assert page.evaluate("document.activeElement.id") == was_on

    page.keyboard.press("s")                                 # a refused URL: said in the dialog
    page.evaluate("document.getElementById('src-form').noValidate = true")
    page.keyboard.type("ftp://example.org/file")
    page.locator("#src-dialog input[value=supports]").check()
    page.locator("#src-dialog button[type=submit]").click()
    page.wait_for_selector("#src-error:not([hidden])")
    assert "cannot be used" in page.locator("#src-error").inner_text()
    assert page.locator("#src-dialog").evaluate("d => d.open")
    page.keyboard.press("Escape")

    page.once("dialog", lambda d: d.accept())                # "Remove this source?"
    page.locator(f"#{was_on} .src-rm").click()
    page.wait_for_function(f"() => !document.querySelector('#{was_on} .src')")
    assert page.evaluate("document.activeElement.id") == was_on
    assert navigations == []
    db.session.rollback()
    assert db.session.scalar(select(SourceLink.id)) is None


def _history(assignment_id: int) -> list[tuple]:
    db.session.rollback()  # end the test's read snapshot: the server wrote since
    return [tuple(r) for r in db.session.execute(
        select(AnnotationHistory.unit_id, AnnotationHistory.old_label, AnnotationHistory.new_label)
        .where(AnnotationHistory.assignment_id == assignment_id).order_by(AnnotationHistory.id))]


def test_undo_and_clear_send_one_request_each_and_are_in_the_history(page, live_server, desk):
    _start(page, live_server)
    assignment_id = db.session.scalar(select(Assignment.id))
    first, second = page.locator(".ws-chunk > li").nth(0), page.locator(".ws-chunk > li").nth(1)
    one, two = (int(x.get_attribute("id")[1:]) for x in (first, second))
    page.keyboard.press("c")                                 # 1: claim, moves to 2
    page.keyboard.press("o")                                 # 2: opinion, moves to 3
    _idle(page)
    page.keyboard.press("k")
    page.keyboard.press("k")                                 # back on 1
    posts = _posts(page)
    page.keyboard.press("f")                                 # a change: claim -> fact
    _idle(page)
    assert first.get_attribute("class").split().count("chg") == 1
    assert "was claim" in first.locator(".ws-st").inner_text()
    assert len(posts) == 1

    page.keyboard.press("u")                                 # undo: one request, fact -> claim
    _idle(page)
    assert len(posts) == 2 and first.get_attribute("data-l") == "claim"
    assert "chg" not in first.get_attribute("class").split()
    page.keyboard.press("Control+z")                         # undo again: opinion on 2 -> none
    _idle(page)
    assert len(posts) == 3 and second.get_attribute("data-l") == ""
    assert "chg" not in (second.get_attribute("class") or "").split()  # simply unlabelled again
    assert page.evaluate("document.activeElement.id") == f"u{two}"

    page.keyboard.press("k")                                 # on 1 (claim)
    page.keyboard.press("0")                                 # clear: one request
    _idle(page)
    assert len(posts) == 4 and first.get_attribute("data-l") == ""
    page.keyboard.press("c")
    _idle(page)
    page.keyboard.press("k")
    page.keyboard.press("Backspace")                         # clear with Backspace
    _idle(page)
    assert len(posts) == 6 and all(p.endswith("/labels") for p in posts)
    assert page.locator("#ws-count").inner_text().startswith("0 /")
    assert _history(assignment_id) == [
        (one, None, "claim"), (two, None, "opinion"),
        (one, "claim", "fact"), (one, "fact", "claim"),     # change, then its undo
        (two, "opinion", None),                              # undo of the first labelling
        (one, "claim", None),                                # clear (0)
        (one, None, "claim"), (one, "claim", None),          # label, clear (Backspace)
    ]
    assert page.locator("#ws-undo").is_enabled()


def test_times_show_in_the_readers_time_zone(_chromium, live_server, desk):
    context = _chromium.new_context(viewport=LAPTOP, timezone_id="Asia/Tokyo", locale="en-GB")
    page = context.new_page()
    try:
        _start(page, live_server)
        held = page.locator(".ws-head .help time[data-form]")  # the lease
        page.wait_for_selector(".ws-head .help time[data-local]")  # rewritten after the load
        utc = held.get_attribute("datetime")
        assert utc.endswith("Z")
        hour = (int(utc[11:13]) + 9) % 24                   # Tokyo is UTC+9, no summer time
        assert held.inner_text().startswith(f"{hour:02d}:{utc[14:16]}")
        assert "UTC" in held.get_attribute("title")
    finally:
        context.close()
