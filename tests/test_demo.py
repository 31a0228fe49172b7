"""flask demo: a demo workspace whose reports, adjudication and outlet pages show real figures."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from annotator.demo.content import ARTICLES, OVERLAP, REVIEWERS
from annotator.extensions import db
from annotator.models import Article, Assignment, Outlet, Queue, SourceLink, User
from tests.factories import make_article, make_user

ACCOUNT = re.compile(r"^(lead|reviewer) (demo-[a-z]+) (\S{12,})$", re.M)


def test_demo_loads_accounts_work_and_figures(app, runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    accounts = ACCOUNT.findall(result.output)
    assert [(role, name) for role, name, _ in accounts] == [
        ("lead", "demo-lead"), *(("reviewer", name) for name in REVIEWERS)]
    # Fictional and marked as such, across at least three outlets.
    titles = db.session.scalars(select(Article.title)).all()
    assert len(titles) == len(ARTICLES) and all(t.startswith("Demo:") for t in titles)
    outlets = db.session.scalars(select(Outlet.name)).all()
    assert len(outlets) >= 3 and all(name.endswith("(demo)") for name in outlets)
    queue = db.session.scalar(select(Queue))
    assert queue.overlap == OVERLAP == 3
    submitted = db.session.scalar(select(func.count()).where(Assignment.status == "submitted"))
    assert submitted == len(ARTICLES) * 3
    assert db.session.scalar(select(func.count()).select_from(SourceLink)) > 0

    # The printed one-time password logs the lead in (and asks for a new one).
    lead_name, password = accounts[0][1], accounts[0][2]
    response = client.post("/auth/login", data={"username": lead_name, "password": password})
    assert response.status_code == 302
    lead = db.session.scalar(select(User).where(User.username == lead_name))
    lead.must_change_password = False
    db.session.commit()

    overview = client.get("/agreement/").get_data(as_text=True)
    alpha = re.search(r'data-testid="overall-alpha">\s*([-0-9.]+)', overview).group(1)
    assert 0.3 < float(alpha) < 1.0  # real agreement, with disagreements
    assert 'data-testid="verdict"' in overview
    adjudication = client.get(f"/adjudication/queues/{queue.id}").get_data(as_text=True)
    assert "Adjudicate</a>" in adjudication
    assert re.search(r"(\d+) sentences?:", adjudication)
    no_majority = client.get(f"/adjudication/queues/{queue.id}?show=unresolved")
    assert "Adjudicate</a>" in no_majority.get_data(as_text=True)
    outlet = db.session.scalar(select(Outlet).order_by(Outlet.id))
    profile = client.get(f"/outlets/{outlet.id}").get_data(as_text=True)
    outlet_alpha = re.search(r'data-testid="outlet-alpha">(.*?)</div>', profile, re.S).group(1)
    assert re.search(r"\d\.\d{3}", outlet_alpha)
    supported = re.search(r'data-testid="supported">(.*?)</div>', profile, re.S).group(1)
    assert "%" in supported


def test_demo_refuses_a_database_with_other_work_unless_forced(app, runner):
    make_article(title="A real story")
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0 and "already holds other work (1 article)" in result.output
    assert "--force" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0  # nothing written
    result = runner.invoke(args=["demo", "--force"])
    assert result.exit_code == 0, result.output
    assert len(ACCOUNT.findall(result.output)) == 4
    again = runner.invoke(args=["demo", "--force"])
    assert again.exit_code != 0 and "already loaded" in again.output


def test_an_admin_alone_is_no_other_work(app, runner):
    make_user("admin")  # what make run and make demo create first
    assert runner.invoke(args=["demo"]).exit_code == 0
