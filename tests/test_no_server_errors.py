"""No request of any shape gets a server error: every rule of the URL map, every method, every role.

For each rule and method (HEAD and OPTIONS aside) the test first sends the hostile path values
(ids beyond the database's integers, negative, NUL, broken characters, 100 KB) and then lets
hypothesis combine path values, query-string fields, form fields, JSON bodies (deep, wrong
types, huge numbers, NUL and lone surrogates), uploads and raw bodies, as anonymous, reviewer,
lead and admin. Every answer must be below 500, carry the security headers and, when it is a
4xx, say why (a JSON "reason", the error page's text, or the form's error messages).

Nothing here names a route: rules come from app.url_map, field names from every FlaskForm
subclass and every `request.args.get("...")` in the views, so a route or a field added later
is covered as it is. Path arguments take a value from `World.url_args` when it has one (so the
request reaches the view), and a plain one otherwise.

The test app runs without CSRF (TestConfig), so the forms behind it are reached; a second
test turns CSRF on and checks that missing and junk tokens are refused with a reason.
"""

from __future__ import annotations

import io
import json
import re
import zlib
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from annotator.extensions import db
from annotator.models import SourceLink
from annotator.vocabulary import LABELS, ROLES, STANCES
from tests.conftest import make_test_app
from tests.factories import make_article, make_assignment, make_queue, make_user

EXAMPLES = 5  # hypothesis examples per rule and method, each sent as every role
ROLE_NAMES = ("anonymous", "reviewer", "lead", "admin")
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
                    "Referrer-Policy")
BIG = "A" * 100_000

# Every path argument in turn takes each of these (the others valid); every field of the query
# string or the form takes each of FIELD_SWEEP at once, and of the JSON body JSON_SWEEP.
PATH_SWEEP = [0, 2**31 - 1, 2**31, 2**63, "9" * 5000, "\x00", "\u0663"]
FIELD_SWEEP = ["\x00", str(2**31), str(2**63), "-1", "9999-12-31", "0001-01-01"]
JSON_SWEEP = [2**31, 2**63, "\ud800", {"a": [1]}]
# What hypothesis draws path values and fields from, besides valid ones.
HOSTILE_IDS = [0, 2**31 - 1, 2**31, 2**32, 2**63, 10**40, "9" * 5000, "-1", "1.5", "x",
               "\x00", "1\x00", "\ud800", "\u0663", "\u00b2", BIG]
HOSTILE_TEXT = ["\x00", "a\x00b", "\ud800", "x\udfff", BIG, "9" * 5000, str(2**31), str(2**63),
                "-1", "0", "9999-12-31", "0001-01-01", "2024-02-30", "NaN", "1e309", " 1 ",
                "%00", "../../etc/passwd", "<script>alert(1)</script>", "\u0663", "\u00b2",
                "javascript:alert(1)", "http://\x00/", "https://example.org/" + "a" * 5000]


class World:
    """The users and objects the requests point at: an active assignment and a disagreement."""

    def __init__(self) -> None:
        self.users = {role: make_user(role, f"fuzz-{role}") for role in ("lead", "admin")}
        self.users["reviewer"] = make_user("reviewer", "fuzz-reviewer")
        other = make_user("reviewer", "fuzz-reviewer2")
        self.target = make_user("reviewer", "fuzz-target")
        self.article = make_article(["First sentence here.", "Second one."])
        disputed = make_article(["A claim was made.", "Another sentence."])
        self.queue = make_queue(overlap=2, articles=[self.article, disputed],
                                reviewers=[self.users["reviewer"], other])
        self.assignment = make_assignment(self.queue, self.article, self.users["reviewer"],
                                          labels={0: LABELS[0]})
        for reviewer, label in ((self.users["reviewer"], LABELS[0]), (other, LABELS[1])):
            make_assignment(self.queue, disputed, reviewer, status="submitted",
                            labels={i: label for i in range(len(disputed.units))})
        self.disputed_unit = disputed.units[1].id
        self.source = SourceLink(assignment_id=self.assignment.id,
                                 unit_id=self.article.units[1].id, url="https://example.org/a",
                                 domain="example.org", stance=STANCES[0])
        db.session.add(self.source)
        db.session.commit()
        # Read once: a POST may delete or change what they point at.
        self.user_ids = {role: user.get_id() for role, user in self.users.items()}
        self.args = {"queue_id": self.queue.id, "article_id": self.article.id,
                     "assignment_id": self.assignment.id, "user_id": self.target.id,
                     "outlet_id": self.article.outlet_id, "position": 0,
                     "source_id": self.source.id, "unit_id": self.disputed_unit,
                     "filename": "css/app.css"}
        self.ids = sorted({v for v in self.args.values() if isinstance(v, int)}
                          | {u.id for u in self.article.units})
        self.label_button = f"{self.article.units[0].id}:{LABELS[0]}"

    def url_args(self) -> dict[str, object]:
        return dict(self.args)


def _form_fields() -> set[str]:
    """Return the name of every field of every form the app defines."""
    names, todo = set(), [FlaskForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        for klass in cls.__mro__:
            names.update(k for k, v in vars(klass).items() if isinstance(v, UnboundField))
    return names


def _query_fields() -> set[str]:
    """Return every query-string argument a view reads by name."""
    root = Path(__file__).resolve().parents[1] / "annotator"
    pattern = re.compile(r"request\.args\.get\(\s*[\"']([^\"']+)[\"']")
    return {name for path in root.rglob("*.py") for name in pattern.findall(path.read_text())}


def _rules(app: Flask) -> list[tuple[str, str]]:
    return sorted({(rule.rule, method) for rule in app.url_map.iter_rules()
                   for method in rule.methods - {"HEAD", "OPTIONS"}})


def _all_rules() -> list[tuple[str, str]]:
    from annotator import create_app

    return _rules(create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"}))


RULES = _all_rules()
FIELDS = sorted(_form_fields() | _query_fields() | {"csrf_token", "set", "unit_id", "label"})


# --- sending -----------------------------------------------------------------------------------


def _quoted(value: object) -> str:
    """Percent-encode a value for a URL: lone surrogates as the bytes a client would send."""
    return quote(str(value), safe="", errors="surrogatepass")


def _url(app: Flask, rule_text: str, world: World, overrides: dict[str, object]) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    values = world.url_args()
    url = rule.rule
    for arg in rule.arguments:
        plain = 1 if re.search(rf"<int(?:\([^)]*\))?:{arg}>", url) else "x"
        value = overrides.get(arg, values.get(arg, plain))
        url = re.sub(rf"<(?:[^:<>]+:)?{arg}>", lambda _m, v=value: _quoted(v), url)
    return url


def _encoded(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in pairs)


def _check(response, what: str) -> None:
    """Below 500, the security headers, and a reason for every 4xx."""
    status = response.status_code
    body = response.get_data()
    assert status < 500, f"{what}: {status}\n{body[:2000]!r}"
    missing = [h for h in SECURITY_HEADERS if h not in response.headers]
    assert not missing, f"{what}: {status} without {missing}"
    if 400 <= status < 500:
        assert _reason(response), f"{what}: {status} without a reason\n{body[:2000]!r}"


def _reason(response) -> str:
    """Return what a 4xx says about why: the JSON reason, the error page's or a form's text."""
    if response.is_json:
        return str((response.get_json(silent=True) or {}).get("reason") or "")
    html = response.get_data(as_text=True)
    page = re.search(r"<h1>\d{3} · [^<]+</h1>\s*<p>([^<]+)</p>", html)
    if page:
        return page.group(1).strip()
    errors = re.search(r'class="(?:errors|form-errors)"[^>]*>\s*(?:<(?:li|p)>)?([^<]+)<', html)
    return errors.group(1).strip() if errors else ""


class Sender:
    """One test client per role, logged in again before every request (a POST may log out)."""

    def __init__(self, app: Flask, world: World) -> None:
        self.app, self.world = app, world
        self.clients = {role: app.test_client() for role in ROLE_NAMES}

    def send(self, role: str, method: str, url: str, what: str, query: str = "",
             **kwargs) -> None:
        client = self.clients[role]
        with client.session_transaction() as session:
            session.clear()
            if role != "anonymous":
                session["_user_id"] = self.world.user_ids[role]
                session["_fresh"] = True
        what = f"{method} {url[:200]}?{query[:200]} as {role} ({what})"
        if isinstance(kwargs.get("data"), dict):  # a file is read once: a fresh one per request
            kwargs["data"] = {k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v
                              for k, v in kwargs["data"].items()}
        try:
            response = client.open(url, method=method, query_string=query, **kwargs)
        except Exception as exc:  # propagated in testing: a 500 in production
            raise AssertionError(f"{what}: raised {type(exc).__name__}: {exc!s:.500}") from exc
        _check(response, what)

    def send_all(self, method: str, url: str, what: str, **kwargs) -> None:
        for role in ROLE_NAMES:
            self.send(role, method, url, what, **kwargs)


# --- the shapes of a request -------------------------------------------------------------------


def _text() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(HOSTILE_TEXT),
                     st.text(st.characters(exclude_categories=()), max_size=12),
                     st.integers().map(str))


def _values(world: World) -> st.SearchStrategy[str]:
    plausible = [str(i) for i in world.ids] + list(LABELS) + list(STANCES) + list(ROLES) + [
        "2024-01-01", "y", "1", "open", "other", "alpha", "desc", "all",
        world.label_button, "https://example.org/b"]
    return st.one_of(st.sampled_from(plausible), _text())


def _json_values(world: World) -> st.SearchStrategy[object]:
    scalars = st.one_of(st.none(), st.booleans(), st.sampled_from(world.ids),
                        st.sampled_from([2**31, 2**63, -(2**63), 10**40, 1.5, float("inf")]),
                        st.integers(), _text(), st.sampled_from(list(LABELS)))
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=3),
                        max_leaves=8)


def _path_value(world_value: object) -> st.SearchStrategy[object]:
    return st.one_of(st.just(world_value), st.sampled_from(HOSTILE_IDS))


@st.composite
def _request(draw, rule_args: list[str], world: World, method: str) -> dict:
    values = world.url_args()
    shape = {"path": {arg: draw(_path_value(values.get(arg, 1))) for arg in rule_args}}
    fields = st.lists(st.tuples(st.sampled_from(FIELDS), _values(world)), max_size=5)
    shape["query"] = _encoded(draw(fields))
    if method == "GET":
        return shape
    kind = draw(st.sampled_from(["form", "form", "json", "json-fields", "deep-json",
                                 "multipart", "raw", "big"]))
    if kind == "form":
        shape["kwargs"] = {"data": _encoded(draw(fields)).encode(),
                           "content_type": "application/x-www-form-urlencoded"}
    elif kind == "json":
        shape["kwargs"] = {"data": json.dumps(draw(_json_values(world))),
                           "content_type": "application/json"}
    elif kind == "json-fields":
        body = dict(draw(st.lists(st.tuples(st.sampled_from(FIELDS), _json_values(world)),
                                  max_size=5)))
        shape["kwargs"] = {"data": json.dumps(body), "content_type": "application/json"}
    elif kind == "deep-json":
        depth = draw(st.sampled_from([21, 1000, 10_000]))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        shape["kwargs"] = {"data": opener * depth + "1" + closer * depth,
                           "content_type": "application/json"}
    elif kind == "multipart":
        name = draw(_text()).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        data = {k: v.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
                for k, v in draw(fields)}
        data[draw(st.sampled_from(FIELDS))] = (draw(st.binary(max_size=200)), name)
        shape["kwargs"] = {"data": data, "content_type": "multipart/form-data"}
    elif kind == "raw":
        shape["kwargs"] = {"data": draw(st.binary(max_size=300)),
                           "content_type": draw(st.sampled_from([
                               "text/plain", "application/json; charset=utf-16",
                               "multipart/form-data", "multipart/form-data; boundary=x",
                               "application/x-www-form-urlencoded", "application/xml"]))}
    else:  # over any form's limit
        shape["kwargs"] = {"data": b"note=" + b"A" * 300_000,
                           "content_type": "application/x-www-form-urlencoded"}
    return shape


# --- the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("rule_text", "method"), RULES)
def test_no_request_gets_a_server_error(app, rule_text, method):
    world = World()
    sender = Sender(app, world)
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    args = sorted(rule.arguments)
    for arg in args:
        for value in PATH_SWEEP:
            url = _url(app, rule_text, world, {arg: value})
            sender.send_all(method, url, f"{arg}={str(value)[:20]!r}")
    url = _url(app, rule_text, world, {})
    for value in FIELD_SWEEP:
        fields = _encoded([(name, value) for name in FIELDS])
        if method == "GET":
            sender.send_all(method, url, f"every field {value[:20]!r}", query=fields)
        else:
            sender.send_all(method, url, f"every field {value[:20]!r}", data=fields.encode(),
                            content_type="application/x-www-form-urlencoded")
    for value in JSON_SWEEP if method != "GET" else ():
        sender.send_all(method, url, f"every JSON field {value!r:.20}",
                        data=json.dumps(dict.fromkeys(FIELDS, value)),
                        content_type="application/json")

    @seed(zlib.crc32(f"{method} {rule_text}".encode()))
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(_request(args, world, method))
    def fuzz(shape):
        url = _url(app, rule_text, world, shape["path"])
        sender.send_all(method, url, "generated", query=shape["query"],
                        **shape.get("kwargs", {}))

    fuzz()


def test_csrf_refusals_say_why(app, db_url):
    """With CSRF on (as in production), a POST without a valid token is a 400 with a reason."""
    world = World()
    csrf_app = make_test_app(db_url, WTF_CSRF_ENABLED=True)
    try:
        with csrf_app.app_context():
            sender = Sender(csrf_app, world)
            for rule_text, method in _rules(csrf_app):
                if method != "POST":
                    continue
                url = _url(csrf_app, rule_text, world, {})
                for token in (None, "junk", "\x00", BIG):
                    data = {} if token is None else {"csrf_token": token}
                    sender.send_all(method, url, f"token {str(token)[:8]!r}", data=data)
                sender.send_all(method, url, "JSON without a token",
                                data=json.dumps({"unit_id": 2**63}),
                                content_type="application/json")
            # A valid token gets through to the view, which still answers without a 500.
            client = sender.clients["anonymous"]
            page = client.get("/auth/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            response = client.post("/auth/login", data={"csrf_token": token,
                                                         "username": "a\x00", "password": "x"})
            _check(response, "login with a valid token and a NUL")
            assert response.status_code == 400
            db.engine.dispose()
    finally:
        with csrf_app.app_context():
            db.session.remove()
            db.engine.dispose()
