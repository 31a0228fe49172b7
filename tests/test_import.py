"""Importing articles from the CLI, re-imports, bad files, and exporting sentences."""

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import Article, ImportBatch, Outlet, Unit

SAMPLE = (Path(__file__).resolve().parents[1]
          / "annotator/samples/azerbaijan-offensive-2023-09-19.txt")
BOILERPLATE = ("Share it", "Leave a Reply", "Your email address", "click to view full size")


def article_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Article))


def test_sample_article_imports_as_its_units(runner):
    result = runner.invoke(args=["import-articles", str(SAMPLE), "--outlet", "Sample outlet"])
    assert result.exit_code == 0, result.output
    assert "1 article(s) imported" in result.output
    article = db.session.scalars(select(Article)).one()
    assert article.title == "Azerbaijan Launches New Offensive In Nagorno-Karabakh (Video)"
    assert article.published_at == datetime(2023, 9, 19, 13, 4)
    assert article.outlet.name == "Sample outlet"
    kinds = [u.kind for u in article.units]
    assert kinds.count("headline") == 1 and kinds[0] == "headline"
    captions = [u.text for u in article.units if u.kind == "caption"]
    assert captions == [
        "The targeting of Artsakh air defense systems in Stepanakert with the Lora missile",
        "The launch of the Lora missile by the Republic of Azerbaijan towards Karabakh",
        "Suicide drones over Nagorno-Karabakh",
        "Military situation in Karabakh",
    ]
    for unit in article.units:
        assert article.text[unit.start:unit.end] == unit.text
        assert not any(b in unit.text for b in BOILERPLATE)
        assert "Tuesday 19 September 2023" not in unit.text
    bodies = [u.text for u in article.units if u.kind == "body"]
    assert "The army of the Republic of Azerbaijan targeted military positions in the " \
           "Nagorno-Karabakh using artillery fire and drones." in bodies
    assert any(b.startswith("At noon today, the Azerbaijani Ministry of Defense") for b in bodies)
    assert [u.position for u in article.units] == list(range(len(article.units)))


def test_reimport_adds_nothing_and_says_so(runner, tmp_path):
    assert runner.invoke(args=["import-articles", str(SAMPLE)]).exit_code == 0
    copy = tmp_path / "again.txt"
    shutil.copy(SAMPLE, copy)
    result = runner.invoke(args=["import-articles", str(copy), "--outlet", "Other"])
    assert result.exit_code == 0, result.output
    assert "1 already imported, skipped" in result.output
    assert "Nothing new" in result.output
    assert article_count() == 1
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 1
    assert db.session.scalar(select(func.count()).select_from(Outlet)) == 1


def test_same_url_is_a_duplicate(runner, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(
        json.dumps({"title": "One", "text": "First text here.",
                    "url": "https://www.example.co.uk/a"})
        + "\n"
        + json.dumps({"title": "Two", "text": "Other text.", "url": "https://www.example.co.uk/a"})
        + "\n"
    )
    result = runner.invoke(args=["import-articles", str(path)])
    assert result.exit_code == 0, result.output
    assert article_count() == 1
    article = db.session.scalars(select(Article)).one()
    assert article.outlet.name == "example.co.uk" and article.outlet.domain == "example.co.uk"


def _bad_files(tmp: Path) -> dict[str, str]:
    """Write one bad file per case; return name -> text the error must contain."""
    (tmp / "binary.txt").write_bytes(b"Title\n\n\x00\x01\x02 binary")
    latin1 = "Caf\xe9 owners protest\n\nThe caf\xe9 closed.".encode("latin-1")
    (tmp / "latin1.txt").write_bytes(latin1)
    (tmp / "empty.txt").write_text("   \n\n")
    (tmp / "baddate.txt").write_text("A title\n\nTuesday 45 September 2023 - 13:04\n\nBody text.\n")
    (tmp / "broken.jsonl").write_text(
        json.dumps({"title": "Fine", "text": "A fine article."}) + "\n{not json}\n"
    )
    (tmp / "notitle.jsonl").write_text(json.dumps({"text": "No title here."}) + "\n")
    (tmp / "columns.csv").write_text("title,text,colour\nA,B,red\n")
    big = tmp / "huge.txt"
    with open(big, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    return {
        "binary.txt": "binary.txt",
        "latin1.txt": "latin1.txt",
        "empty.txt": "empty.txt",
        "baddate.txt": "baddate.txt:3",
        "broken.jsonl": "broken.jsonl:2",
        "notitle.jsonl": "notitle.jsonl:1",
        "columns.csv": "columns.csv:1",
        "huge.txt": "huge.txt",
    }


def test_bad_files_are_rejected_whole_and_the_rest_imports(runner, tmp_path):
    expected = _bad_files(tmp_path)
    shutil.copy(SAMPLE, tmp_path / "good.txt")
    result = runner.invoke(args=["import-articles", str(tmp_path)])
    assert result.exit_code == 1
    for name, where in expected.items():
        lines = [line for line in result.output.splitlines()
                 if line.startswith("error") and name in line]
        assert lines, f"no error line for {name}:\n{result.output}"
        assert where in lines[0], lines[0]
    assert "ok    " in result.output and "good.txt: 1 imported" in result.output
    # Nothing from the broken JSONL file, not even its good first line.
    assert [a.title for a in db.session.scalars(select(Article))] == [
        "Azerbaijan Launches New Offensive In Nagorno-Karabakh (Video)"
    ]
    batch = db.session.scalars(select(ImportBatch)).one()
    assert (batch.files, batch.imported, batch.failed_files) == (9, 1, 8)


def test_csv_and_jsonl_records(runner, tmp_path):
    csv_path = tmp_path / "records.csv"
    csv_path.write_text(
        'title,text,url,outlet,published_at\n'
        '"Storm nears coast","The storm is expected to make landfall on Friday.\nOfficials said '
        'schools will close.",https://news.example.com/storm?utm_source=x,Example News,'
        '2024-03-01T10:00:00+02:00\n'
    )
    result = runner.invoke(args=["import-articles", str(csv_path)])
    assert result.exit_code == 0, result.output
    article = db.session.scalars(select(Article)).one()
    assert article.outlet.name == "Example News"
    assert article.url == "https://news.example.com/storm"
    assert article.published_at == datetime(2024, 3, 1, 8, 0)
    assert [u.kind for u in article.units] == ["headline", "body", "body"]


def test_export_sentences(runner):
    runner.invoke(args=["import-articles", str(SAMPLE), "--outlet", "Sample outlet"])
    result = runner.invoke(args=["export-sentences"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 1
    record = records[0]
    assert set(record) >= {"id", "title", "outlet", "published_at", "units"}
    assert record["published_at"] == "2023-09-19T13:04:00"
    assert record["outlet"] == "Sample outlet"
    units = db.session.scalar(select(func.count()).select_from(Unit))
    assert len(record["units"]) == units
    assert set(record["units"][0]) == {"position", "kind", "start", "end", "text"}
    missing = runner.invoke(args=["export-sentences", "--article", "999"])
    assert missing.exit_code != 0 and "999" in missing.output


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/x"])
def test_import_refuses_non_http_urls(runner, url):
    result = runner.invoke(args=["import-articles", str(SAMPLE), "--url", url])
    assert result.exit_code != 0
    assert article_count() == 0
