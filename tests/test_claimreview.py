"""The ClaimReview export: one document per published verdict, valid against a JSON Schema
written from schema.org and Google's documented properties, and read as JSON-LD (no network:
the schema.org context is supplied here) into the expected triples."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from pyld import jsonld

from annotator.verdicts.claimreview import Desk, PublishedVerdict, claim_review
from tests.verdicts_corpus import build_track_corpus

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "claimreview.schema.json").read_text())
S = "http://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# The part of schema.org's JSON-LD context (https://schema.org/docs/jsonldcontext.jsonld) these
# documents use: the vocabulary, and url as an IRI.
SCHEMA_ORG_CONTEXT = {"@context": {
    "@vocab": S, "schema": S,
    "url": {"@id": "schema:url", "@type": "@id"},
    "datePublished": {"@id": "schema:datePublished", "@type": "schema:Date"},
}}


def _local_loader(url, options=None):
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise AssertionError(f"the test must not fetch {url}")
    return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_ORG_CONTEXT}


def test_the_export_validates_against_the_schema(app, runner, tmp_path):
    build_track_corpus()
    out = tmp_path / "reviews.jsonl"
    result = runner.invoke(args=["export", "claimreview", "-o", str(out)])
    assert result.exit_code == 0, result.output
    docs = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(docs) == 6  # seven verdicts, one of them a draft
    for doc in docs:
        jsonschema.validate(doc, SCHEMA)
    array = tmp_path / "reviews.json"
    assert runner.invoke(args=["export", "claimreview", "--format", "json", "-o",
                               str(array)]).exit_code == 0
    assert json.loads(array.read_text()) == docs
    first = docs[0]
    assert first["claimReviewed"] == "The minister said crime doubled last year."
    assert first["reviewRating"] == {"@type": "Rating", "alternateName": "false",
                                     "ratingValue": 1, "bestRating": 5, "worstRating": 1}
    assert first["itemReviewed"]["author"] == {"@type": "Organization", "name": "Daily Example",
                                               "url": "https://daily.example/"}
    assert first["itemReviewed"]["appearance"] == [
        {"@type": "CreativeWork", "url": "https://daily.example/d1"}]
    assert first["itemReviewed"]["datePublished"] == "2024-01-05"
    assert first["url"].startswith("https://factcheck.example.org/verdicts/")


def test_the_web_download_and_the_configured_desk(app, client, login_as):
    from tests.factories import make_user

    build_track_corpus()
    app.config.update(CLAIMREVIEW_DESK_NAME="Desk X", CLAIMREVIEW_DESK_URL="https://x.example/",
                      CLAIMREVIEW_URL_PATTERN="https://x.example/checks/{id}-{unit_id}")
    login_as(make_user("lead"))
    answer = client.get("/exports/claimreview.jsonl")
    assert answer.status_code == 200
    docs = [json.loads(line) for line in answer.get_data(as_text=True).splitlines()]
    assert {d["author"]["name"] for d in docs} == {"Desk X"}
    assert docs[0]["url"].startswith("https://x.example/checks/")
    array = json.loads(client.get("/exports/claimreview.json").get_data(as_text=True))
    assert array == docs


def test_an_off_scale_rating_has_no_value_and_still_validates():
    doc = claim_review(PublishedVerdict(
        7, 70, "A claim.", "unverifiable", None, None, None, __import__("datetime").date(
            2024, 5, 1), "Outlet", None, None, [], "https://first.example/a"),
        Desk("Desk", "https://desk.example/", "https://desk.example/v/{id}"))
    jsonschema.validate(doc, SCHEMA)
    assert doc["reviewRating"] == {"@type": "Rating", "alternateName": "unverifiable"}
    assert doc["itemReviewed"]["firstAppearance"]["url"] == "https://first.example/a"


def _triples(doc: dict) -> set[tuple]:
    dataset = jsonld.to_rdf(doc, {"documentLoader": _local_loader})
    return {(t["subject"]["value"], t["predicate"]["value"], t["object"]["value"])
            for t in dataset["@default"]}


def test_one_verdict_reads_as_the_expected_triples():
    from datetime import date, datetime

    doc = claim_review(PublishedVerdict(
        3, 30, "Crime doubled last year.", "false", 1, 5, 1, datetime(2024, 3, 2, 10),
        "Daily Example", "https://daily.example/", datetime(2024, 1, 5, 8),
        ["https://daily.example/d1"]), Desk("Desk", "https://desk.example/",
                                            "https://desk.example/v/{id}"))
    assert doc["datePublished"] == date(2024, 3, 2).isoformat()
    triples = _triples(doc)

    def one(subject, predicate):
        found = [o for s, p, o in triples if s == subject and p == predicate]
        assert len(found) == 1, (subject, predicate, found)
        return found[0]

    review = next(s for s, p, o in triples if p == RDF_TYPE and o == S + "ClaimReview")
    assert one(review, S + "claimReviewed") == "Crime doubled last year."
    assert one(review, S + "url") == "https://desk.example/v/3"
    assert one(review, S + "datePublished") == "2024-03-02"
    desk = one(review, S + "author")
    assert one(desk, RDF_TYPE) == S + "Organization" and one(desk, S + "name") == "Desk"
    assert one(desk, S + "url") == "https://desk.example/"
    rating = one(review, S + "reviewRating")
    assert one(rating, RDF_TYPE) == S + "Rating"
    assert one(rating, S + "alternateName") == "false"
    assert (one(rating, S + "ratingValue"), one(rating, S + "bestRating"),
            one(rating, S + "worstRating")) == ("1", "5", "1")
    claim = one(review, S + "itemReviewed")
    assert one(claim, RDF_TYPE) == S + "Claim"
    assert one(claim, S + "datePublished") == "2024-01-05"
    outlet = one(claim, S + "author")
    assert one(outlet, S + "name") == "Daily Example"
    assert one(outlet, S + "url") == "https://daily.example/"
    work = one(claim, S + "appearance")
    assert one(work, RDF_TYPE) == S + "CreativeWork"
    assert one(work, S + "url") == "https://daily.example/d1"
    # review 7 (type, claimReviewed, url, datePublished, author, reviewRating, itemReviewed),
    # desk 3, rating 5, claim 4 (type, author, datePublished, appearance), outlet 3, work 2
    assert len(triples) == 24
