"""The leads' pages of issue 11: one "alpha without them", plain verdicts, one set of warnings,
links to submitted work and adjudication, the lead's home, and no CLI on lead pages."""

from __future__ import annotations

import json
import re
from html import escape

import pytest

from annotator.agreement.presentation import (
    MIN_ARTICLES,
    TENTATIVE,
    method_note_blocks,
    method_notes,
    outlet_warnings,
    verdict,
    verdict_level,
)
from annotator.extensions import db
from annotator.models import Assignment
from annotator.stats.coefficients import krippendorff_alpha
from tests.test_agreement_reports import AGREE, SPLIT, corpus  # noqa: F401 (the fixture)

TESTID = r'data-testid="{}">(.*?)</span>'


def figure(html: str, testid: str) -> str:
    found = re.search(TESTID.format(re.escape(testid)), html, re.S)
    assert found, testid
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def alpha_of(*works: dict, without: str) -> float:
    data = {}
    for i, work in enumerate(works):
        for unit in range(5):
            data[(i, unit)] = {n: labels[unit] for n, labels in work.items() if n != without}
    return krippendorff_alpha(data).value


@pytest.mark.parametrize("name", ["ann", "bob", "cat"])
def test_alpha_without_a_reviewer_is_one_figure_on_both_pages(corpus, client, login_as, name):  # noqa: F811
    # cat did not label "Plain agreement": pooling only cat's own articles on cat's page gave
    # another figure than the overview's. Both are now the filtered articles' alpha with the
    # reviewer's labels taken out, checked against an independent computation.
    login_as(corpus["lead"])
    user = corpus["users"][name]
    overview = client.get("/agreement/").get_data(as_text=True)
    own = client.get(f"/agreement/reviewers/{user.id}").get_data(as_text=True)
    expected = alpha_of(SPLIT, {"ann": AGREE, "bob": AGREE}, {"cat": AGREE}, without=name)
    assert figure(overview, f"alpha-without-{user.id}") == f"{expected:.3f}"
    assert figure(own, "alpha-without") == f"{expected:.3f}"
    # The same within a filter.
    herald = corpus["herald"].id
    filtered = client.get(f"/agreement/?outlet={herald}").get_data(as_text=True)
    own = client.get(f"/agreement/reviewers/{user.id}?outlet={herald}").get_data(as_text=True)
    assert figure(filtered, f"alpha-without-{user.id}") == figure(own, "alpha-without")


@pytest.mark.parametrize(("alpha", "level"), [
    (1.0, "reliable"), (0.800, "reliable"), (0.7999, "tentative"), (0.667, "tentative"),
    (0.6669, "unreliable"), (0.0, "unreliable"), (-0.3, "unreliable"), (None, "none")])
def test_plain_verdict_thresholds(alpha, level):
    assert verdict_level(alpha) == level
    assert verdict(alpha).level == level


def test_verdict_reads_the_interval_in_words():
    sure = verdict(0.85, 0.81, 0.90)
    assert sure.headline.startswith("Reliable")
    assert "between 0.810 and 0.900" in sure.interval and "holds" in sure.interval
    unsure = verdict(0.72, 0.60, 0.84)
    assert unsure.headline.startswith("Tentative")
    assert "from unreliable to reliable" in unsure.interval
    assert "0.800" in unsure.rule and str(TENTATIVE) in unsure.rule
    assert "no interval" in verdict(0.5).interval.lower()


def test_every_method_note_starts_with_a_plain_sentence_and_keeps_its_formula():
    blocks = method_note_blocks()
    paragraphs = [b for b in blocks if not b.startswith("How ")]
    assert paragraphs and all(b.startswith("In short: ") for b in paragraphs)
    assert "alpha = 1 - (n - 1) * sum_ck o_ck d_ck" in method_notes()


def test_overview_shows_the_verdict_and_which_number_to_read(corpus, client, login_as):  # noqa: F811
    login_as(corpus["lead"])
    html = client.get("/agreement/").get_data(as_text=True)
    assert 'data-testid="verdict"' in html and "Krippendorff&#39;s rule" in html
    assert "Which number to read" in html and "In short:" in html


def test_outlet_warnings_are_the_same_on_the_pages_and_in_the_export(corpus, client, login_as):  # noqa: F811
    login_as(corpus["lead"])
    overview = client.get("/agreement/").get_data(as_text=True)
    outlets_page = client.get("/outlets/").get_data(as_text=True)
    profile = client.get(f"/outlets/{corpus['herald'].id}").get_data(as_text=True)
    report = json.loads(client.get("/exports/agreement-report.json").get_data(as_text=True))
    exported = {row["outlet"]: row["warnings"] for row in report["outlets"]}
    assert f"too few articles (1, fewer than {MIN_ARTICLES})" in exported["Herald"]
    for name, text in exported.items():
        for warning in text.split("; "):
            shown = escape(warning)
            assert shown in overview, (name, warning)
            assert shown in outlets_page, (name, warning)
    for warning in exported["Herald"].split("; "):
        assert escape(warning) in profile


def test_outlet_warnings_rules():
    assert outlet_warnings(25, 40, None) == []
    assert outlet_warnings(3, None, None) == ["too few articles (3, fewer than 20)",
                                              "no publication dates, so no span"]
    assert outlet_warnings(25, 10, None) == ["too short a span (10 days, under 30)"]


def test_drill_down_links_submitted_work_with_reopen_and_each_disagreement(corpus, client,  # noqa: F811
                                                                          login_as):
    login_as(corpus["lead"])
    split = corpus["split"]
    html = client.get(f"/agreement/articles/{split.id}").get_data(as_text=True)
    ids = db.session.scalars(db.select(Assignment.id).where(Assignment.article_id == split.id))
    for assignment_id in ids:
        assert f'href="/annotations/{assignment_id}"' in html
        assert f'action="/annotations/{assignment_id}/reopen"' in html
    disagreements = re.findall(r'<tr class="disagreement">.*?</tr>', html, re.S)
    assert len(disagreements) == 4
    for row in disagreements:
        link = re.search(r'href="(/adjudication/queues/\d+/units/\d+)"', row).group(1)
        assert client.get(link).status_code == 200
    agreed = re.findall(r'<tr class="agreement">.*?</tr>', html, re.S)
    assert all("/adjudication/" not in row for row in agreed)


def test_queue_progress_links_submitted_work_with_reopen(corpus, client, login_as):  # noqa: F811
    login_as(corpus["lead"])
    html = client.get(f"/queues/{corpus['queue'].id}").get_data(as_text=True)
    section = html.split('data-testid="submitted-work"')[1].split("</section>")[0]
    a = db.session.scalar(db.select(Assignment).where(Assignment.status == "submitted"))
    assert f'href="/annotations/{a.id}"' in section
    assert f'action="/annotations/{a.id}/reopen"' in section
    assert client.post(f"/annotations/{a.id}/reopen").status_code == 302
    db.session.expire_all()
    assert db.session.get(Assignment, a.id).status == "active"


def test_lead_home_shows_queue_progress_and_report_links(corpus, client, login_as):  # noqa: F811
    login_as(corpus["lead"])
    html = client.get("/").get_data(as_text=True)
    assert "will appear here" not in html and "Getting started" not in html
    queue = corpus["queue"]
    assert f'href="/queues/{queue.id}"' in html and "<progress" in html
    assert f'href="/agreement/?queue={queue.id}"' in html
    assert f'href="/adjudication/queues/{queue.id}"' in html
    assert 'href="/exports/?queue=' in html


LEAD_PAGES = ["/", "/agreement/", "/outlets/", "/exports/", "/adjudication/", "/queues/",
              "/articles/"]


def test_lead_pages_never_mention_cli_commands(corpus, client, login_as):  # noqa: F811
    login_as(corpus["lead"])
    pages = LEAD_PAGES + [f"/agreement/articles/{corpus['split'].id}",
                          f"/agreement/reviewers/{corpus['users']['ann'].id}",
                          f"/queues/{corpus['queue'].id}",
                          f"/adjudication/queues/{corpus['queue'].id}"]
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"\bflask [a-z]|\bmake [a-z]|command line", html), url
