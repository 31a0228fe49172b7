"""The reviewer workspace in Chromium: keyboard labelling, autosave, sources, blindness, XSS."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from annotator.articles.services import import_paths
from annotator.extensions import db
from annotator.models.annotations import Annotation, AnnotationHistory, SourceLink
from annotator.models.articles import Article, Outlet
from tests.browser.audit import assert_accessible, assert_fits
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, make_article, make_queue, make_user

SAMPLE = (Path(__file__).resolve().parents[2] / "annotator" / "samples"
          / "azerbaijan-offensive-2023-09-19.txt")
OUTLET_DOMAIN = "sample-outlet.example"
KEYS = ["1", "c", "3", "p", "f", "2", "o", "4"]
KEY_LABEL = {"1": "fact", "f": "fact", "2": "claim", "c": "claim", "3": "opinion",
             "o": "opinion", "4": "prediction", "p": "prediction"}


@pytest.fixture
def sample(live_app):
    """Import the sample article into a queue of overlap 2 with two reviewers."""
    report = import_paths([str(SAMPLE)], outlet="Sample outlet")
    article = db.session.get(Article, report.files[0].article_ids[0])
    db.session.get(Outlet, article.outlet_id).domain = OUTLET_DOMAIN
    db.session.commit()
    ana, ben = make_user("reviewer", "ana"), make_user("reviewer", "ben")
    make_queue("Caucasus desk", overlap=2, reviewers=[ana, ben], articles=[article])
    live_app.config["WTF_CSRF_ENABLED"] = True
    return article


def _start(page, base_url: str, username: str) -> None:
    log_in(page, base_url, username, PASSWORD)
    page.get_by_role("button", name=re.compile("Start next article|Resume")).click()
    page.wait_for_selector(".ws-chunk > li.cur")  # the script is running


def _labels(page) -> list[str]:
    return page.eval_on_selector_all(".ws-chunk > li", "els => els.map(e => e.dataset.l || '')")


def _wait_saved(page) -> None:
    page.wait_for_function(
        "() => !document.querySelector('.ws-st.saving, .ws-st.failed')"
        " && !document.getElementById('ws-submit').disabled")


def _add_source_with_keyboard(page, url: str, note: str) -> None:
    page.keyboard.press("s")
    page.wait_for_selector("#src-dialog[open]")
    page.keyboard.type(url)
    page.keyboard.press("Tab")          # to the first stance
    page.keyboard.press("ArrowRight")   # supports -> contradicts (checks it)
    page.keyboard.press("Tab")
    page.keyboard.type("Independent report")
    page.keyboard.press("Tab")
    page.keyboard.type(note)
    page.keyboard.press("Tab")          # Save source
    page.keyboard.press("Enter")        # saved in place: no navigation
    page.wait_for_selector("#src-dialog", state="hidden")
    page.wait_for_selector(".ws-chunk > li.cur .src")


def test_reviewer_labels_the_sample_with_the_keyboard_only(page, live_server, sample):
    page.set_viewport_size({"width": 1366, "height": 768})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, "ana", PASSWORD)
    assert page.get_by_role("heading", name="Caucasus desk").is_visible()
    screenshot(page, "reviewer-home")
    page.get_by_role("button", name="Start next article").click()
    page.wait_for_selector(".ws-chunk > li.cur")
    total = page.locator(".ws-chunk > li").count()
    assert total == len(sample.units) > 10
    assert page.locator(".ws-chunk > li.k-caption").count() >= 1

    posts, navigations = [], []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.on("framenavigated", lambda f: navigations.append(f.url))
    expected = []
    for i in range(total):
        key = KEYS[i % len(KEYS)]
        expected.append(KEY_LABEL[key])
        page.keyboard.press(key)
    _wait_saved(page)
    assert posts == [posts[0]] * total and posts[0].endswith("/labels")  # one request per label
    assert navigations == []                                            # and no page reload
    assert _labels(page) == expected
    assert page.locator("#ws-count").inner_text() == f"{total} / {total}"
    assert page.evaluate("document.activeElement.id") == "ws-submit"
    # The toolbar stayed in reach at the bottom of a long article.
    assert page.locator(".ws-bar").bounding_box()["y"] >= 0
    assert page.locator("#ws-submit").is_visible()

    page.keyboard.press("k")            # back into the sentences, on the last one
    page.keyboard.press("k")
    focused = page.evaluate("document.activeElement.id")
    _add_source_with_keyboard(page, "https://www.reuters.com/world/?utm_source=x#top",
                              "Matches the <i>wire</i> copy")
    source = page.locator(f"#{focused} .src")
    assert source.locator(".stance").inner_text().lower() == "contradicts"
    assert source.locator("a").first.get_attribute("href") == "https://www.reuters.com/world/"
    assert source.locator(".dom").inner_text() == "reuters.com"
    assert page.evaluate("document.activeElement.id") == focused  # back on the same sentence

    page.reload()
    assert _labels(page) == expected
    assert page.locator(".src").count() == 1
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "annotate")

    page.locator("#ws-submit").click()
    page.wait_for_url(f"{live_server}/")
    assert "read-only" in page.locator(".flash").inner_text()
    page.get_by_role("link", name=sample.title).click()
    assert page.locator(".ws-units button").first.is_disabled()
    page.keyboard.press("2")
    assert _labels(page) == expected
    status = page.evaluate("""async () => {
        const f = document.getElementById('ws-form');
        const unit = Number(f.querySelector('li').id.slice(1));
        const r = await fetch(f.action, {method: 'POST', body: JSON.stringify(
          {unit_id: unit, label: 'claim'}), headers: {'Content-Type': 'application/json',
          'X-CSRFToken': f.elements.namedItem('csrf_token').value}});
        return r.status; }""")
    assert status == 409
    assert not [e for e in errors if "Content Security Policy" in e]


def test_a_second_reviewer_sees_none_of_the_first_ones_work(page, new_page, live_server, sample):
    _start(page, live_server, "ana")
    first_url = page.url
    for _ in range(3):
        page.keyboard.press("o")
    _add_source_with_keyboard(page, "https://example.org/a", "ana's note")
    _wait_for_labels(page, 3)

    other = new_page()
    _start(other, live_server, "ben")
    assert other.url != first_url
    assert _labels(other) == [""] * len(sample.units)
    assert other.locator('[aria-pressed="true"]').count() == 0
    assert other.locator(".src").count() == 0
    html = other.content()
    assert "example.org" not in html and "ana's note" not in html
    response = other.goto(first_url)
    assert response.status == 403
    assert "example.org" not in other.content() and "opinion" not in other.content().lower()


def _wait_for_labels(page, n: int) -> None:
    page.wait_for_function(f"() => document.querySelectorAll("
                           f"'.ws-chunk > li[data-l]:not([data-l=\"\"])').length >= {n}"
                           f" && !document.querySelector('.ws-st.saving')")


def test_xss_in_a_note_and_a_javascript_url_are_neutralised(page, live_server, sample):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _start(page, live_server, "ana")
    payload = ('<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
               '<a href="javascript:window.pwned=3">x</a><b>bold</b>')
    _add_source_with_keyboard(page, f"https://{OUTLET_DOMAIN}/same-story", payload)
    note = page.locator(".src .note").first
    assert note.locator("b").inner_text() == "bold"
    assert note.locator("img, script").count() == 0
    assert note.locator("a").count() == 0 or "javascript" not in (
        note.locator("a").first.get_attribute("href") or "")
    assert page.locator(".src .self").is_visible()    # own outlet: self-corroboration
    note.click()
    assert page.evaluate("window.pwned") is None

    page.keyboard.press("s")
    page.keyboard.type("javascript:alert(document.domain)")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.locator("#src-dialog button[type=submit]").click()
    assert page.locator("#src-dialog").evaluate("d => d.open")  # the browser refused it
    page.evaluate("document.getElementById('src-form').noValidate = true")
    page.locator("#src-dialog button[type=submit]").click()   # the server refuses it
    page.wait_for_selector("#src-error:not([hidden])")
    assert "not an http(s) URL" in page.locator("#src-error").inner_text()
    assert page.locator('a[href^="javascript"]').count() == 0
    assert dialogs == []
    assert db.session.scalar(select(SourceLink.id)
                             .where(SourceLink.url.like("javascript%"))) is None


def test_a_failed_save_is_shown_and_retried(page, live_server, sample):
    _start(page, live_server, "ana")
    # The connection stays down until the test says so: a count of failures would let the
    # page's own retry timer (1 s, then 2 s) clear the failure before a loaded machine looks.
    network = {"down": True, "aborted": 0}

    def flaky(route):
        if network["down"]:
            network["aborted"] += 1
            route.abort()
        else:
            route.continue_()

    page.route("**/labels", flaky)
    page.keyboard.press("f")
    first = page.locator(".ws-chunk > li").first
    page.wait_for_selector(".ws-st.failed")
    assert network["aborted"] >= 1
    assert "Not saved" in first.locator(".ws-st").inner_text()
    assert "not saved" in page.locator("#ws-live").inner_text()
    network["down"] = False
    first.locator(".ws-st button").click()         # Retry now
    page.wait_for_selector(".ws-chunk:first-child > li:first-child .ws-st.saved", timeout=15_000)
    unit_id = int(first.get_attribute("id")[1:])
    db.session.expire_all()
    assert db.session.scalar(select(Annotation.label)
                             .where(Annotation.unit_id == unit_id)) == "fact"
    assert db.session.scalar(select(AnnotationHistory.new_label)
                             .where(AnnotationHistory.unit_id == unit_id)) == "fact"


@pytest.mark.parametrize("code, retried", [(413, False), (422, False), (429, True),
                                            (503, True)])
def test_a_refused_save_is_not_retried_but_a_busy_server_is(page, live_server, sample, code,
                                                           retried):
    _start(page, live_server, "ana")
    page.route("**/labels", lambda route: route.fulfill(
        status=code, content_type="application/json",
        body=json.dumps({"reason": f"answered {code} on purpose"})))
    page.keyboard.press("f")
    shown = page.locator(".ws-chunk > li").first.locator(".ws-st.failed")
    expect(shown).to_contain_text(f"answered {code} on purpose")
    assert ("Retrying in" in shown.inner_text()) is retried


def test_the_workspace_works_without_javascript(_chromium, live_server, sample):
    context = _chromium.new_context(java_script_enabled=False,
                                    viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        log_in(page, live_server, "ana", PASSWORD)
        page.get_by_role("button", name="Start next article").click()
        units = page.locator(".ws-chunk > li")
        total = units.count()
        assert page.locator("#ws-submit").is_disabled()
        for i in range(total):
            with page.expect_navigation():
                units.nth(i).get_by_role("button", name="prediction").click()
        assert page.locator('[aria-pressed="true"]').count() == total
        assert page.locator("#ws-count").inner_text() == f"{total} / {total}"

        page.get_by_role("link", name="Add source").click()
        page.get_by_label("Sentence").select_option(index=3)
        page.get_by_label("URL").fill("https://example.net/report")
        page.get_by_label("Context").check()
        page.get_by_role("button", name="Save source").click()
        # innerText: the text as shown, once the browser has rendered the row (a row's block is
        # skipped until the first frame has placed it on screen)
        expect(page.locator(".src .stance")).to_have_text(re.compile("^context$", re.I),
                                                           use_inner_text=True)
        expect(page.locator(".src .dom")).to_have_text("example.net", use_inner_text=True)

        page.locator("#ws-submit").click()
        assert "read-only" in page.locator(".flash").inner_text()
    finally:
        context.close()


@pytest.fixture
def long_article(live_app):
    """A 240-sentence article (rows far below the screen are not rendered until reached)."""
    sentences = [f"Sentence number {n} of the long report says something checkable."
                 for n in range(1, 240)]
    article = make_article(sentences, title="A long report")
    reviewer = make_user("reviewer", "lena")
    make_queue("Long desk", overlap=1, reviewers=[reviewer], articles=[article])
    return article


def _in_view(page, selector: str) -> bool:
    return page.eval_on_selector(selector, """el => { const r = el.getBoundingClientRect();
        return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }""")


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_a_long_article_reaches_every_sentence(page, live_server, long_article, size):
    """Rows off screen are skipped by the browser (content-visibility); scrolling to a sentence,
    walking with j and k, find in page and labelling far down still work, and the page passes
    axe and fits a phone."""
    if size == "phone":
        page.set_viewport_size({"width": 390, "height": 844})
    _start(page, live_server, "lena")
    units = long_article.units
    skipped = "el => !el.firstElementChild.checkVisibility({contentVisibilityAuto: true})"
    assert page.eval_on_selector(f"#u{units[120].id}", skipped)  # not rendered: far below
    assert not page.eval_on_selector(f"#u{units[1].id}", skipped)
    far = units[200]
    url = page.url.split("#")[0]
    page.goto("about:blank")
    page.goto(f"{url}#u{far.id}")                       # a link to one sentence
    page.wait_for_function(f"document.activeElement.id === 'u{far.id}'")
    page.wait_for_timeout(200)                          # rows above it are laid out by now
    assert _in_view(page, f"#u{far.id}")
    assert page.eval_on_selector(f"#u{far.id}", "el => el.classList.contains('cur')")
    page.keyboard.press("2")                            # labels it and moves to the next one
    page.wait_for_function(f"document.activeElement.id === 'u{units[201].id}'")
    assert page.eval_on_selector(f"#u{far.id}", "el => el.dataset.l") == "claim"
    for _ in range(30):
        page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == f"u{units[231].id}"
    assert _in_view(page, f"#u{units[231].id}")
    page.keyboard.press("k")
    assert _in_view(page, f"#u{units[230].id}")
    # Find in page reaches a row that has not been rendered yet.
    page.evaluate("window.scrollTo(0, 0)")
    assert page.evaluate("window.find('Sentence number 150 of')")
    holder = page.evaluate("window.getSelection().anchorNode.parentElement.closest('li').id")
    assert holder == f"u{units[150].id}"
    page.wait_for_timeout(200)
    assert _in_view(page, f"#u{units[150].id}")
    assert_fits(page)
    assert_accessible(page)
    _wait_saved_label(page)
    with page.expect_navigation():
        page.reload()
    page.wait_for_selector(".ws-chunk > li.cur")
    assert page.eval_on_selector(f"#u{far.id}", "el => el.dataset.l") == "claim"


def _wait_saved_label(page) -> None:
    page.wait_for_function("() => !document.querySelector('.ws-st.saving, .ws-st.failed')")


def _ax_rows(page) -> tuple[list[dict], dict]:
    """Chromium's own accessibility tree (DevTools protocol): every sentence row in it, each with
    its DOM attributes, the nearest ancestor it is exposed under, and the text it starts with."""
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    by_id = {n["nodeId"]: n for n in nodes}

    def exposed_parent(node):
        parent = by_id.get(node.get("parentId"))
        while parent is not None and parent.get("ignored"):
            parent = by_id.get(parent.get("parentId"))
        return parent

    def first_text(node):
        for child_id in node.get("childIds", []):
            child = by_id.get(child_id)
            if child is None or child.get("ignored"):
                continue
            if child["role"]["value"] == "StaticText":
                return child["name"]["value"]
            found = first_text(child)
            if found:
                return found
        return ""

    rows = []
    for node in nodes:
        if (node.get("ignored") or node["role"]["value"] != "listitem"
                or "backendDOMNodeId" not in node):
            continue
        attrs = cdp.send("DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]})["node"]
        attrs = dict(zip(attrs["attributes"][::2], attrs["attributes"][1::2], strict=True))
        if not attrs.get("id", "").startswith("u"):
            continue  # a source under a sentence, not a sentence
        rows.append({"attrs": attrs, "list": exposed_parent(node), "text": first_text(node),
                     "properties": node.get("properties", [])})
    cdp.detach()
    return rows, by_id


def test_every_sentence_is_its_place_in_one_list(page, live_server, long_article):
    """The rows come in blocks the browser skips as a whole, yet a screen reader meets one list:
    the blocks are not in the accessibility tree, every row in it is an item of the same list,
    and sentence 28 is item 28 of 240 (set on each item: the items of a skipped block are not in
    the tree to be counted) and starts with its number."""
    _start(page, live_server, "lena")
    units = long_article.units
    total = len(units)
    blocks = page.eval_on_selector_all(".ws-units > .ws-chunk", "els => els.length")
    assert blocks == -(-total // 25)
    assert page.eval_on_selector_all(".ws-units > :not(.ws-chunk)", "els => els.length") == 0
    assert page.eval_on_selector_all(
        ".ws-chunk", "els => els.every(e => e.getAttribute('role') === 'none')")
    url = page.url.split("#")[0]
    for n in (28, 1, 151, total):
        row = units[n - 1]
        page.goto("about:blank")
        page.goto(f"{url}#u{row.id}")                       # a link to the sentence
        page.wait_for_function(f"document.activeElement.id === 'u{row.id}'")
        page.wait_for_timeout(100)
        rows, _ = _ax_rows(page)
        mine = [r for r in rows if r["attrs"]["id"] == f"u{row.id}"]
        assert len(mine) == 1, f"sentence {n} is not a list item in the accessibility tree"
        the_list = mine[0]["list"]
        assert the_list["role"]["value"] == "list"
        assert {r["list"]["nodeId"] for r in rows} == {the_list["nodeId"]}  # one list, no wrapper
        assert mine[0]["attrs"]["aria-posinset"] == str(n)
        assert mine[0]["attrs"]["aria-setsize"] == str(total)
        assert mine[0]["text"] == str(n)                     # the number shown (and read) first
        for r in rows:   # every item in the tree is in its place (an item off screen: no text yet)
            assert r["attrs"]["aria-posinset"] == r["attrs"]["value"]
            assert r["text"] in (r["attrs"]["value"], "")
        assert len(rows) < total                             # far blocks are skipped
    assert_accessible(page)
