"""PostgreSQL goes away while reviewers save and returns: 503 meanwhile, no acknowledged save lost.

The app reaches PostgreSQL through a TCP proxy this test runs on loopback; cutting the proxy
(closing its listener and every connection through it) is, for the app, the server
restarting: open connections die, new ones are refused. Nobody else's connection is touched.

Reviewer threads save labels the way the workspace's script does: one save at a time, and a
503 is retried until it is acknowledged. While the proxy is cut every save answers 503 with
Retry-After; none answers 500; once it is back the app reconnects by itself (pool_pre_ping)
and every label acknowledged with a 2xx is the one stored.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from annotator.extensions import db
from annotator.models.annotations import Annotation, AnnotationHistory
from annotator.vocabulary import LABELS
from tests.conftest import make_test_app
from tests.factories import PASSWORD, make_article, make_assignment, make_queue, make_user

REVIEWERS = 4
BEFORE, DURING, AFTER = 1.0, 2.5, 1.5  # seconds of saving before, during and after the cut
RETRY_PAUSE = 0.05  # the script waits longer; the test need not


class Proxy:
    """A TCP forwarder on a loopback port that can be cut and restored (same port)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self.listener: socket.socket | None = None
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and kill every open one, as a restarting server does."""
        listener, self.listener = self.listener, None
        if listener is not None:
            _close(listener)
        with self.lock:
            doomed, self.sockets = self.sockets, set()
        for sock in doomed:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                if self.listener is not listener:  # cut meanwhile
                    _close(client)
                    _close(upstream)
                    return
                self.sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        _close(source)
        _close(sink)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in accept() or recv()
    except OSError:
        pass
    sock.close()


@dataclass
class Answer:
    unit_id: int
    label: str
    status: int
    started: float
    ended: float
    retry_after: str | None
    changed: bool | None


def _reviewer_saves(app, username: str, assignment_id: int, units: list[int],
                    stop: threading.Event, answers: list[Answer], failures: list[str],
                    logged_in: threading.Semaphore) -> None:
    """Log in, then save labels one at a time, retrying each 503 until it is acknowledged."""
    try:
        client = app.test_client()
        try:
            response = client.post("/auth/login", data={"username": username,
                                                        "password": PASSWORD})
        finally:
            logged_in.release()   # the cut waits for every login, answered or not
        assert response.status_code == 302, response.status_code
        n = 0
        while not stop.is_set():
            unit_id, label = units[n % len(units)], LABELS[n % len(LABELS)]
            n += 1
            deadline = time.monotonic() + 30
            while True:
                started = time.monotonic()
                response = client.post(f"/annotations/{assignment_id}/labels",
                                       json={"unit_id": unit_id, "label": label},
                                       headers={"Accept": "application/json"})
                body = response.get_json(silent=True) or {}
                answers.append(Answer(unit_id, label, response.status_code, started,
                                      time.monotonic(), response.headers.get("Retry-After"),
                                      body.get("changed")))
                if response.status_code != 503:
                    break
                assert "database cannot be reached" in body.get("reason", ""), body
                assert time.monotonic() < deadline, "still 503 thirty seconds on"
                time.sleep(RETRY_PAUSE)
            assert response.status_code == 200, (response.status_code, body)
    except BaseException as exc:  # reported by the test, not lost in the thread
        failures.append(f"{username}: {type(exc).__name__}: {exc}")


def test_saves_answer_503_during_a_database_outage_and_lose_nothing(app, backend, db_url):
    if backend != "postgresql":
        pytest.skip("an outage of a database server: PostgreSQL only")
    url = make_url(db_url)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    outage_app = make_test_app(url.set(host="127.0.0.1", port=proxy.port)
                               .render_as_string(hide_password=False))
    reviewers = []
    for i in range(REVIEWERS):
        reviewer = make_user("reviewer", f"outage{i}")
        article = make_article([f"Sentence {j} of article {i}." for j in range(8)])
        assignment = make_assignment(make_queue(reviewers=[reviewer], articles=[article]),
                                     article, reviewer)
        reviewers.append((reviewer.username, assignment.id, [u.id for u in article.units]))
    stop = threading.Event()
    answers: list[Answer] = []
    failures: list[str] = []
    logged_in = threading.Semaphore(0)
    threads = [threading.Thread(target=_reviewer_saves,
                                args=(outage_app, *reviewer, stop, answers, failures, logged_in))
               for reviewer in reviewers]
    health = outage_app.test_client()
    try:
        for thread in threads:
            thread.start()
        # The database goes down only once every reviewer has logged in: on a loaded machine
        # a thread could otherwise reach its login after the cut (a 503 where a 302 is due).
        for _ in threads:
            assert logged_in.acquire(timeout=60), "a reviewer's login did not return"
        time.sleep(BEFORE)
        cut_at = time.monotonic()
        proxy.cut()
        time.sleep(DURING / 2)
        down = health.get("/health")
        time.sleep(DURING / 2)
        restored_at = time.monotonic()
        proxy.start()
        time.sleep(AFTER)
        up = health.get("/health")
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        stop.set()
        proxy.cut()
        with outage_app.app_context():
            db.engine.dispose()

    assert not failures, failures
    assert not any(t.is_alive() for t in threads)
    statuses = {a.status for a in answers}
    assert statuses <= {200, 503}, f"answers other than 200 and 503: {statuses}"
    assert down.status_code == 503 and down.headers["Retry-After"]
    assert up.status_code == 200
    # Saves sent after the cut and answered before the restore all waited for the database.
    during = [a for a in answers if cut_at + 0.1 < a.started and a.ended < restored_at]
    assert during, "no save was sent during the outage"
    assert {a.status for a in during} == {503}
    assert all(a.retry_after for a in answers if a.status == 503)
    assert any(a.status == 200 and a.started > restored_at for a in answers)

    # Every acknowledged save is stored: the last acknowledged label of each sentence is its
    # label, and each acknowledged change is in the history.
    db.session.rollback()
    stored = dict(db.session.execute(select(Annotation.unit_id, Annotation.label)).all())
    history = set(db.session.execute(
        select(AnnotationHistory.unit_id, AnnotationHistory.new_label)).all())
    last: dict[int, str] = {}
    for answer in sorted((a for a in answers if a.status == 200), key=lambda a: a.ended):
        last[answer.unit_id] = answer.label
        if answer.changed:
            assert (answer.unit_id, answer.label) in history
    assert stored == last
