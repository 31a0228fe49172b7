"""Files that used to stop the importer: each bad file is rejected on its own, with its line.

The command line (`flask import-articles`) and the admin upload run the same importer; every
case runs through both. A bad file is reported as "file:line: reason", the files after it
still import, and a run that imports nothing leaves no import batch behind.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from annotator.articles import services as import_services
from annotator.extensions import db
from annotator.models import Article, ImportBatch
from tests.factories import make_user

SAMPLE = (Path(__file__).resolve().parents[1]
          / "annotator/samples/azerbaijan-offensive-2023-09-19.txt")
SAMPLE_TITLE = "Azerbaijan Launches New Offensive In Nagorno-Karabakh (Video)"


def record(title: str, text: str = "Officials said the storm is expected to strengthen.",
           **fields) -> str:
    return json.dumps({"title": title, "text": text, **fields})


def jsonl(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


GOOD_LAST = ("z-good.jsonl", jsonl(record("Budget passes after a long night")))


def titles() -> set[str]:
    return set(db.session.scalars(select(Article.title)))


def batches() -> int:
    return db.session.scalar(select(func.count()).select_from(ImportBatch))


@pytest.fixture(params=["cli", "upload"])
def run_import(request, app, runner, client, login_as, tmp_path):
    """Import named files through the CLI or the admin upload form; return (ok, output)."""

    def _run(files: list[tuple[str, bytes]]) -> tuple[bool, str]:
        if request.param == "cli":
            folder = tmp_path / "files"
            folder.mkdir(exist_ok=True)
            for name, data in files:
                (folder / name).write_bytes(data)
            result = runner.invoke(args=["import-articles", str(folder)])
            # A report, never a traceback: exit status 1 means "some file was rejected".
            assert result.exit_code in (0, 1), result.output
            assert isinstance(result.exception, SystemExit | None), result.exception
            return result.exit_code == 0, result.output
        login_as(make_user("admin"))
        response = client.post("/admin/upload", data={
            "files": [(io.BytesIO(data), name) for name, data in files],
        }, content_type="multipart/form-data")
        assert response.status_code == 200, response.get_data(as_text=True)[:2000]
        html = response.get_data(as_text=True)
        return "rejected ·" not in html, html

    _run.how = request.param
    return _run


def error_for(output: str, name: str) -> str:
    """The one report line that rejects the file `name`."""
    lines = [line for line in output.splitlines()
             if ("error" in line or "rejected" in line) and name in line]
    assert len(lines) == 1, output
    return lines[0]


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_a_date_at_the_edge_of_time_rejects_only_its_file(run_import, moment):
    files = [
        ("a-good.txt", SAMPLE.read_bytes()),
        ("edge.jsonl", jsonl(record("A fine first record"), record("At the edge",
                                                                    published_at=moment))),
        ("edge.csv", f"title,text,published_at\nAt the edge,Some text here.,{moment}\n".encode()),
        ("edge.txt", f"At the edge\n\n{moment}\n\nSome text here.\n".encode()),
        GOOD_LAST,
    ]
    ok, output = run_import(files)
    assert not ok
    for name, line in (("edge.jsonl", 2), ("edge.csv", 2), ("edge.txt", 3)):
        error = error_for(output, f"{name}:{line}:")
        assert "out of range" in error and moment in error, error
    assert titles() == {SAMPLE_TITLE, "Budget passes after a long night"}


def test_deeply_nested_json_rejects_only_its_file(run_import):
    nested = '{"title": "Deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    files = [
        ("a-good.txt", SAMPLE.read_bytes()),
        ("nested.jsonl", jsonl(record("A fine first record"), nested)),
        ("array.jsonl", jsonl("[" * 50_000)),
        GOOD_LAST,
    ]
    ok, output = run_import(files)
    assert not ok
    assert "nested too deeply" in error_for(output, "nested.jsonl:2:")
    assert "nested too deeply" in error_for(output, "array.jsonl:1:")
    assert titles() == {SAMPLE_TITLE, "Budget passes after a long night"}


def test_other_unreadable_json_rejects_only_its_file(run_import):
    files = [
        ("digits.jsonl", jsonl(record("Fine"), '{"title": ' + "1" * 5000 + ', "text": "x"}')),
        ("surrogate.jsonl", jsonl(record("Fine too"), '{"title": "Half \\ud800 a character", '
                                                      '"text": "Some text here."}')),
        GOOD_LAST,
    ]
    ok, output = run_import(files)
    assert not ok
    assert "digits" in error_for(output, "digits.jsonl:2:")
    assert "surrogate" in error_for(output, "surrogate.jsonl:2:")
    assert titles() == {"Budget passes after a long night"}


def test_a_failed_import_leaves_no_empty_batch(run_import):
    files = [
        ("edge.jsonl", jsonl(record("At the edge", published_at="9999-12-31T23:59:59-14:00"))),
        ("nested.jsonl", jsonl("[" * 50_000)),
    ]
    ok, output = run_import(files)
    assert not ok and "edge.jsonl:1:" in output and "nested.jsonl:1:" in output
    assert batches() == 0
    assert "Nothing imported" in output
    assert "#None" not in output


def test_an_unexpected_error_in_one_file_rejects_only_that_file(run_import, monkeypatch):
    real = import_services.resolve_outlet

    def explode(name, domain):
        if name == "Exploding outlet":
            raise RuntimeError("the outlet table is on fire")
        return real(name, domain)

    monkeypatch.setattr(import_services, "resolve_outlet", explode)
    files = [
        ("a-good.txt", SAMPLE.read_bytes()),
        ("boom.jsonl", jsonl(record("Stored then rolled back"),
                             record("Second", outlet="Exploding outlet"))),
        GOOD_LAST,
    ]
    ok, output = run_import(files)
    assert not ok
    error = error_for(output, "boom.jsonl:2:")
    assert "RuntimeError" in error and "nothing from this file was imported" in error
    assert titles() == {SAMPLE_TITLE, "Budget passes after a long night"}
    batch = db.session.scalars(select(ImportBatch)).one()
    assert (batch.files, batch.imported, batch.failed_files) == (3, 2, 1)


def test_an_unexpected_error_in_the_only_file_leaves_no_batch(runner, tmp_path, monkeypatch):
    def explode(*args):
        raise RuntimeError("the outlet table is on fire")

    monkeypatch.setattr(import_services, "resolve_outlet", explode)
    path = tmp_path / "one.jsonl"
    path.write_bytes(jsonl(record("Never stored")))
    result = runner.invoke(args=["import-articles", str(path)])
    assert result.exit_code == 1 and "one.jsonl:1:" in result.output
    assert batches() == 0 and titles() == set()


def test_an_article_over_the_size_limit_is_refused_with_a_reason(run_import):
    # 5 MB in one JSONL line became an article of 218,454 sentences; the defaults refuse it.
    huge = "The storm is expected to strengthen overnight. " * 7_000  # 329,000 characters
    many = "It rained. " * 3_001  # 3,001 sentences, 33,011 characters
    files = [
        ("huge.jsonl", jsonl(record("Fine"), record("Far too long", huge))),
        ("many.csv", ("title,text\nMany sentences," + many + "\n").encode()),
        ("many.txt", ("Many sentences\n\n" + many + "\n").encode()),
        GOOD_LAST,
    ]
    ok, output = run_import(files)
    assert not ok
    error = error_for(output, "huge.jsonl:2:")
    assert "characters" in error and "300,000" in error and "ARTICLE_MAX_CHARS" in error
    for name, line in (("many.csv", 2), ("many.txt", 1)):
        error = error_for(output, f"{name}:{line}:")
        assert "3,000" in error and "ARTICLE_MAX_UNITS" in error, error
    assert titles() == {"Budget passes after a long night"}


def test_the_article_size_limits_come_from_the_configuration(app, runner, tmp_path,
                                                             monkeypatch):
    monkeypatch.setitem(app.config, "ARTICLE_MAX_CHARS", 400)
    monkeypatch.setitem(app.config, "ARTICLE_MAX_UNITS", 3)
    shutil.copy(SAMPLE, tmp_path / "sample.txt")
    (tmp_path / "short.jsonl").write_bytes(jsonl(record("Short", "One. Two.")))
    result = runner.invoke(args=["import-articles", str(tmp_path)])
    assert result.exit_code == 1
    assert "sample.txt:1:" in result.output and "over the limit of 400" in result.output
    assert titles() == {"Short"}
    monkeypatch.setitem(app.config, "ARTICLE_MAX_CHARS", 100_000)
    result = runner.invoke(args=["import-articles", str(tmp_path / "sample.txt")])
    assert "more than 3 units" in result.output


@pytest.mark.parametrize("length", [490, 500, 1_000])
def test_a_very_long_upload_file_name_is_not_a_server_error(app, client, login_as, length):
    login_as(make_user("admin"))
    name = "n" * (length - len(".jsonl")) + ".jsonl"
    bad = "b" * (length - len(".jsonl")) + ".jsonl"
    response = client.post("/admin/upload", data={"files": [
        (io.BytesIO(jsonl(record("A story with a long file name"))), name),
        (io.BytesIO(b"{not json}\n"), bad),
    ]}, content_type="multipart/form-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "1 imported" in html and "malformed JSON" in html
    article = db.session.scalars(select(Article)).one()
    assert article.title == "A story with a long file name"
    assert len(article.source_name) <= 500 and article.source_name.endswith(".jsonl")
    batch = db.session.scalars(select(ImportBatch)).one()
    assert len(batch.description) <= 500 and batch.description.startswith("upload: ")


def test_a_file_name_with_a_path_and_control_characters_is_stored_plain(app, client, login_as):
    login_as(make_user("admin"))
    response = client.post("/admin/upload", data={"files": [
        (io.BytesIO(jsonl(record("Named oddly"))), "home/me/new\x07s\x1b.jsonl"),
    ]}, content_type="multipart/form-data")
    assert response.status_code == 200
    article = db.session.scalars(select(Article)).one()
    assert article.source_name == "news.jsonl"
