"""The REST API's reads through the ASGI test client: each endpoint answers with the document its
command prints with --format json (compared with the command itself, on the same corpus), its
tables as CSV, its errors as JSON with a hint, and pages that are disjoint and complete."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import itertools
import json
import shutil
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from multivector.interfaces.cli import app as cli
from multivector.interfaces.web import WebSettings, create_app
from multivector.services.knowledge import default_knowledge

API = "/api/v1"
SEEN: list[tuple[str, str]] = []  # (url, body) of every error answered, checked at the end


@pytest.fixture(scope="module")
def client(web_db: Path) -> TestClient:
    return TestClient(create_app(WebSettings(db=str(web_db), read_only=True)))


def get(client: TestClient, path: str, expect: int = 200, **params: Any) -> Any:
    r = client.get(API + path, params=params)
    assert r.status_code == expect, (path, params, r.text[:500])
    if expect != 200:
        SEEN.append((path, r.text))
        body = r.json()
        assert set(body["error"]) == {"code", "message", "hint"}, body
        return body["error"]
    return r.json() if r.headers["content-type"].startswith("application/json") else r.text


def run_cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def cli_json(*args: str) -> Any:
    return json.loads(run_cli(*args, "--format", "json"))


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# ------------------------------------------------------------------------------ the contract


def test_the_spec_lists_every_resource(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    expected = {
        "", "/editions", "/editions/{country}/{period}", "/diff", "/actors/resolve",
        "/actors/{actor_id}", "/themes", "/vectors", "/documents", "/documents/{doc_id}",
        "/search", "/events", "/analyses/balance", "/analyses/gap", "/analyses/coverage",
        "/analyses/trends", "/analyses/keyness", "/analyses/channels", "/analyses/votes",
        "/exports/{what}", "/recode", "/review", "/labels", "/labels/next",
        "/labels/passage/{doc_id}/{index}", "/labels/disagreements", "/labels/reconcile",
        "/agreement", "/models/themes",
    }
    assert {p.removeprefix(API) for p in paths} == expected
    assert set(paths[API + "/documents"]) == {"get", "post"}
    diff = paths[API + "/diff"]["get"]
    assert diff["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Diff")
    assert "text/csv" in diff["responses"]["200"]["content"]
    # errors are documented with their real shape, not FastAPI's default
    assert diff["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorBody")


# ------------------------------------------------------------------------------ knowledge


def test_editions_are_the_concepts_document(client: TestClient) -> None:
    body = get(client, "/editions")
    assert body == cli_json("concepts")
    assert {e["id"] for e in body["editions"]} >= {"kaz/2014-2020", "kaz/2020-2030"}
    kaz = get(client, "/editions", country="kaz")  # Russia's and Tajikistan's are held too
    assert [e["id"] for e in kaz["editions"]] == [
        e["id"] for e in body["editions"] if e["country"] == "KAZ"]
    assert {"kaz/2014-2020", "kaz/2020-2030"} <= {e["id"] for e in kaz["editions"]}
    rows = csv_rows(get(client, "/editions", format="csv"))
    assert [r["id"] for r in rows] == [e["id"] for e in body["editions"]]
    error = get(client, "/editions", 400, country="UZB")
    assert "UZB" in error["message"] and "KAZ" in error["hint"]


def test_one_edition_with_filters(client: TestClient) -> None:
    body = get(client, "/editions/kaz/2014-2020", kind="principle")
    assert body == cli_json("show", "kaz/2014-2020", "--kind", "principle")
    assert body["elements"] and {e["kind"] for e in body["elements"]} == {"principle"}
    assert get(client, "/editions/KAZ/2014-2020", kind="principle") == body
    edition = default_knowledge().edition("kaz/2020-2030")
    for level in ("official", "secondary"):
        rows = get(client, "/editions/kaz/2020-2030", level=level)["elements"]
        assert [e["id"] for e in rows] == [e.id for e in edition if e.level.value == level]
    themed = get(client, "/editions/kaz/2020-2030", theme="security")["elements"]
    assert themed and all(any(t.split(".")[0] == "security" for t in e["themes"])
                          for e in themed)
    short = csv_rows(get(client, "/editions/kaz/2014-2020", kind="principle", format="csv"))
    assert short == csv_rows(run_cli("show", "kaz/2014-2020", "--kind", "principle", "-f",
                                     "csv"))


def test_edition_errors_name_the_nearest(client: TestClient) -> None:
    error = get(client, "/editions/kaz/2020", 404)
    assert "kaz/2020" in error["message"] and "kaz/2020-2030" in error["hint"]
    error = get(client, "/editions/kaz/2020-2030", 400, theme="securty")
    assert "security" in error["hint"]
    error = get(client, "/editions/kaz/2020-2030", 422, kind="principal")
    assert error["message"].startswith("kind")
    get(client, "/editions/kaz/2020-2030", 422, level="rumour")


def test_diff_is_the_diff_document(client: TestClient) -> None:
    body = get(client, "/diff", a="kaz/2014-2020", b="kaz/2020-2030")
    assert body == cli_json("diff", "kaz/2014-2020", "kaz/2020-2030")
    assert {r["partner"] for r in body["relations"]} >= {"RUS", "CHN"}
    assert get(client, "/diff", a="KAZ/2014-2020", b="kaz/2020-2030") == body
    for section in ("relations", "counts"):
        text = get(client, "/diff", a="kaz/2014-2020", b="kaz/2020-2030", format="csv",
                   section=section)
        assert text == run_cli("diff", "kaz/2014-2020", "kaz/2020-2030", "-f", "csv",
                               "--section", section)
    error = get(client, "/diff", 400, a="kaz/2014-2020", b="kaz/2020-2030", section="change")
    assert "changes" in error["hint"]


def test_an_edition_is_named_by_id_never_by_a_path(client: TestClient, edition_data: Any,
                                                    write_yaml: Any) -> None:
    """kb.edition() reads a YAML file when given a path; the API reads ids only."""
    planted = write_yaml("planted.yaml", edition_data())
    assert default_knowledge().edition(str(planted)).id == "tst/2001-2010"  # a valid file
    for ref in (str(planted), "../../etc/passwd"):
        error = get(client, "/diff", 404, a=ref, b="kaz/2020-2030")
        assert "kaz/2014-2020" in error["hint"]
    assert get(client, "/editions/tst/2001-2010", 404)


def test_actors(client: TestClient) -> None:
    body = get(client, "/actors/resolve", text="Tokaev", date="2005-06-01")
    assert body == cli_json("actors", "resolve", "Tokaev", "--date", "2005-06-01")
    assert body["results"][0]["actor"] == "tokayev"
    assert get(client, "/actors/resolve", text="Tokaev", date="2005")["date"] == "2005-07-01"
    assert get(client, "/actors/resolve", text="no such name at all")["results"] == []
    get(client, "/actors/resolve", 400, text="Tokaev", date="June")
    # a bare year no calendar has: a usage error naming the parameter, not a 500
    assert "date" in get(client, "/actors/resolve", 400, text="Tokaev", date="0000")["message"]
    get(client, "/actors/resolve", 422, text="")
    eaeu = get(client, "/actors/eaeu")
    assert eaeu == cli_json("actors", "show", "EAEU")
    assert {"KAZ", "RUS"} <= set(eaeu["members"])
    aliases = csv_rows(get(client, "/actors/EAEU", format="csv"))
    assert [a["text"] for a in aliases] == [a["text"] for a in eaeu["aliases"]]
    assert "nobody" in get(client, "/actors/nobody", 404)["message"]


def test_themes_and_vectors(client: TestClient) -> None:
    assert get(client, "/themes") == cli_json("themes")
    assert get(client, "/vectors") == cli_json("vectors")
    assert get(client, "/vectors", format="csv") == run_cli("vectors", "-f", "csv")


def test_a_misspelt_parameter_is_refused_not_ignored(client: TestClient) -> None:
    error = get(client, "/documents", 400, contry="KAZ")
    assert "contry" in error["message"] and "country" in error["hint"]
    error = get(client, "/themes", 400, format="csv", extra="1")
    assert "extra" in error["message"]


# ------------------------------------------------------------------------------ documents


def export_rows(web_db: Path, *options: str) -> list[dict[str, Any]]:
    text = run_cli("export", "--what", "documents", "--format", "jsonl", "--db", str(web_db),
                   *options)
    return [json.loads(line) for line in text.splitlines()]


def pages(client: TestClient, path: str, key: str, **params: Any) -> list[list[dict[str, Any]]]:
    """Every page of a paged endpoint, following next_cursor to the end."""
    out = []
    cursor = None
    for _ in range(100):
        body = get(client, path, **params, **({"cursor": cursor} if cursor else {}))
        out.append(body[key])
        cursor = body["next_cursor"]
        if cursor is None:
            return out
    raise AssertionError("the cursor never ends")


def test_documents_pages_are_disjoint_and_complete(client: TestClient, web_db: Path) -> None:
    every = export_rows(web_db)
    assert len(every) == 33
    got = pages(client, "/documents", "documents", limit=7)
    assert [len(p) for p in got] == [7, 7, 7, 7, 5]
    ids = [r["doc_id"] for page in got for r in page]
    assert len(set(ids)) == len(ids)  # disjoint
    assert [r for page in got for r in page] == every  # complete, in the export's order
    one = get(client, "/documents", limit=50)
    assert one["next_cursor"] is None and one["documents"] == every


def test_documents_filters_are_the_clis(client: TestClient, web_db: Path) -> None:
    expected = export_rows(web_db, "--country", "KAZ,UZB", "--from", "2016", "--to", "2018")
    got = [r for page in pages(client, "/documents", "documents", country=["KAZ", "UZB"],
                               limit=2, **{"from": "2016", "to": "2018"})
           for r in page]
    assert got == expected
    assert {r["country"] for r in got} == {"KAZ", "UZB"} and len(got) == 6
    assert get(client, "/documents", country="KAZ,UZB", **{"from": "2016", "to": "2018"},
               limit=50)["documents"] == expected
    rows = csv_rows(get(client, "/documents", country="TKM", format="csv"))
    assert [r["doc_id"] for r in rows] == [r["doc_id"] for r in export_rows(
        web_db, "--country", "TKM")]


def test_documents_errors(client: TestClient) -> None:
    error = get(client, "/documents", 400, country="KAZX")
    assert "KAZX" in error["message"]
    error = get(client, "/documents", 400, theme="nuclear")
    assert "security.nuclear" in error["hint"]
    get(client, "/documents", 400, **{"from": "2019", "to": "2015"})
    get(client, "/documents", 422, limit=0)
    cursor = get(client, "/documents", limit=5)["next_cursor"]
    assert get(client, "/documents", limit=5, cursor=cursor)["documents"]
    # a cursor belongs to its query: another filter, or a forged one, is refused
    error = get(client, "/documents", 400, limit=5, cursor=cursor, country="KAZ")
    assert "next_cursor" in error["hint"]
    get(client, "/documents", 400, cursor="bm90IGEgY3Vyc29y")
    get(client, "/documents", 400, cursor="%%%")
    # the cursor's fingerprint is no secret: a forged offset too large to slice by, or of
    # digits int() refuses, is refused like any cursor that is not a page (it was a 500)
    for offset in ("1" + "0" * 30, "²"):
        get(client, "/documents", 400, cursor=forged_cursor("/documents", offset))
        get(client, "/search", 400, q="nuclear",
            cursor=forged_cursor("/search", offset, [("q", "nuclear")]))


def forged_cursor(path: str, offset: str, params: list[tuple[str, str]] | None = None) -> str:
    """A cursor made as the API makes one, for any offset."""
    fingerprint = hashlib.sha256(f"{API}{path}?{params or []}".encode()).hexdigest()[:12]
    return base64.urlsafe_b64encode(f"{offset}.{fingerprint}".encode()).decode().rstrip("=")


@pytest.fixture(scope="module")
def kaz_2020(client: TestClient) -> str:
    rows = get(client, "/documents", country="KAZ", **{"from": "2020"})["documents"]
    assert len(rows) == 1
    doc_id: str = rows[0]["doc_id"]
    return doc_id


def test_a_document_is_the_doc_document(client: TestClient, web_db: Path,
                                        kaz_2020: str) -> None:
    body = get(client, f"/documents/{kaz_2020[:8]}")
    assert body == cli_json("doc", kaz_2020[:8], "--db", str(web_db))
    assert body["doc_id"] == kaz_2020 and body["passages"] > 10
    assert {a["layer"] for a in body["annotations"]} >= {"actor", "theme", "event"}
    assert "text" not in body
    layered = get(client, f"/documents/{kaz_2020}", layer=["event", "theme"])
    assert layered == cli_json("doc", kaz_2020, "--layer", "event", "--layer", "theme",
                               "--db", str(web_db))
    assert {a["layer"] for a in layered["annotations"]} == {"event", "theme"}
    assert get(client, f"/documents/{kaz_2020}", layer="event,theme") == layered
    blank = get(client, f"/documents/{kaz_2020}", layer="")  # as the page: none, not all
    assert blank["annotations"] == [] and blank["doc_id"] == layered["doc_id"]
    rows = csv_rows(get(client, f"/documents/{kaz_2020}", format="csv"))
    assert len(rows) == len(body["annotations"])
    assert rows[0]["producer"] == body["annotations"][0]["producer"]


def test_a_document_with_its_text_shows_annotations_inline(client: TestClient,
                                                            kaz_2020: str) -> None:
    body = get(client, f"/documents/{kaz_2020}", text="true")
    text = body["text"]
    assert len(text) == body["chars"]
    assert len(body["passage_spans"]) == body["passages"]
    for a in body["annotations"]:
        assert text[a["start"]:a["end"]] == a["text"]
    spans = body["passage_spans"]
    assert all(a["end"] <= b["start"] for a, b in itertools.pairwise(spans))


def test_document_errors(client: TestClient) -> None:
    assert "4 hexadecimal" in get(client, "/documents/xyz", 400)["hint"]
    assert get(client, "/documents/" + "0" * 64, 404)["code"] == "MV200"
    error = get(client, "/documents/" + "0" * 8, 404)
    assert "search" in error["hint"]
    error = get(client, "/documents/abcd", 400, layer="evnt")
    assert "event" in error["hint"]


# ------------------------------------------------------------------------------ search


def without_api_fields(body: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in body.items() if k != "next_cursor"}
    out["hits"] = [{k: v for k, v in h.items() if k != "matched"} for h in body["hits"]]
    return out


def test_search_is_the_search_document(client: TestClient, web_db: Path) -> None:
    body = get(client, "/search", q="nuclear", country="KAZ", limit=5)
    assert without_api_fields(body) == cli_json("search", "nuclear", "--country", "KAZ",
                                                "--limit", "5", "--db", str(web_db))
    assert len(body["hits"]) == 5 and body["next_cursor"]
    assert {h["country"] for h in body["hits"]} == {"KAZ"}
    scores = [h["score"] for h in body["hits"]]
    assert scores == sorted(scores, reverse=True)
    text = get(client, "/search", q="nuclear", country="KAZ", limit=5, format="csv")
    assert text == run_cli("search", "nuclear", "--country", "KAZ", "--limit", "5", "-f",
                           "csv", "--db", str(web_db))


def test_search_pages_are_disjoint_and_complete(client: TestClient, web_db: Path) -> None:
    whole = cli_json("search", "nuclear", "--limit", "10000", "--db", str(web_db))["hits"]
    assert 20 < len(whole) < 200
    got = pages(client, "/search", "hits", q="nuclear", limit=17)
    keys = [(h["doc_id"], h["passage"]) for page in got for h in page]
    assert len(set(keys)) == len(keys)
    assert keys == [(h["doc_id"], h["passage"]) for h in whole]
    assert all(len(p) == 17 for p in got[:-1]) and 0 < len(got[-1]) <= 17


def test_search_says_why_each_hit_matched(client: TestClient) -> None:
    body = get(client, "/search", q="Россия", limit=10)
    assert body["expansions"][0]["actor"] == "RUS"
    for hit in body["hits"]:
        assert len(hit["matched"]) == len(hit["highlights"]) > 0
        for m, (start, end) in zip(hit["matched"], hit["highlights"], strict=True):
            assert (m["start"], m["end"]) == (start, end)
            assert hit["snippet"][start:end] == m["text"]
            assert m["rule"] == "alias" and m["actor"] == "RUS"
            assert m["term"] in body["expansions"][0]["names"]
    typed = get(client, "/search", q="nuclear weapons", limit=3)["hits"][0]["matched"]
    assert {m["rule"] for m in typed} == {"as typed"}
    assert {(m["text"].lower(), m["term"]) for m in typed} == {("nuclear", "nuclear"),
                                                                ("weapons", "weapons")}
    prefix = get(client, "/search", q="disarm*", limit=3)["hits"][0]["matched"]
    assert prefix and all(m["rule"] == "prefix" and m["text"].lower().startswith("disarm")
                          for m in prefix)
    exact = get(client, "/search", q="Россия", exact="true", limit=3)
    assert exact["hits"] == [] and "expansions" not in exact


def test_search_by_meaning(client: TestClient) -> None:
    body = get(client, "/search", q="ядерное разоружение", semantic="true", limit=4)
    assert body["semantic"] is True and len(body["hits"]) == 4
    assert all(h["matched"] == [] for h in body["hits"])
    scores = [h["score"] for h in body["hits"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0.2


def test_search_by_meaning_pages_cut_one_ranking_where_passages_tie(
    web_db: Path, tmp_path: Path
) -> None:
    """Passages with the same text have the same embedding; the pages of a search by meaning
    cut one ranking (ties by key) wherever a page boundary falls inside a tie."""
    db = tmp_path / "ties.db"
    shutil.copy(web_db, db)
    conn = sqlite3.connect(db)  # a quarter of the passages read alike
    conn.execute("UPDATE embeddings SET vector = (SELECT vector FROM embeddings ORDER BY "
                 "rowid LIMIT 1) WHERE rowid % 4 = 0")
    conn.commit()
    conn.close()
    client = TestClient(create_app(WebSettings(db=str(db), read_only=True)))
    params = {"q": "nuclear disarmament", "semantic": "true", "country": "KAZ"}
    whole = get(client, "/search", limit=1000, **params)["hits"]
    assert 40 < len(whole) < 1000
    keys = [(h["doc_id"], h["passage"]) for page in pages(client, "/search", "hits", limit=7,
                                                          **params) for h in page]
    assert keys == [(h["doc_id"], h["passage"]) for h in whole]


def test_search_errors_are_the_clis(client: TestClient) -> None:
    error = get(client, "/search", 400, q='"unclosed')
    assert error["code"] == "MV402" and "quote" in error["message"]
    error = get(client, "/search", 400, q=" ".join(["word"] * 65))
    assert "semantic" in error["hint"]
    get(client, "/search", 400, q="nuclear", vector="rusia")
    get(client, "/search", 422, q="")
    get(client, "/search", 422, q="nuclear", limit=10_001)


# ------------------------------------------------------------------------------ events


def test_events_are_the_events_document(client: TestClient, web_db: Path) -> None:
    body = get(client, "/events", country="KAZ", status="all")
    assert body == cli_json("events", "--country", "KAZ", "--status", "all", "--db",
                            str(web_db))
    assert {e["status"] for e in body["events"]} >= {"happened", "planned"}
    happened = get(client, "/events", country="KAZ")["events"]
    assert happened == [e for e in body["events"] if e["status"] == "happened"]
    planned = get(client, "/events", country="KAZ", status=["planned", "hoped"])["events"]
    assert {e["status"] for e in planned} <= {"planned", "hoped"} and planned
    assert get(client, "/events", country="KAZ", limit=3)["events"] == happened[:3]
    rows = csv_rows(get(client, "/events", country="KAZ", format="csv"))
    assert [r["type"] for r in rows] == [e["type"] for e in happened]
    error = get(client, "/events", 400, status="plannd")
    assert "planned" in error["hint"]


# ------------------------------------------------------------------------------ analyses


def test_balance_is_the_balance_document(client: TestClient, web_db: Path) -> None:
    params = {"country": "KAZ,UZB", "period": "2014,2017,2021", "draws": 200}
    body = get(client, "/analyses/balance", **params)
    assert body == cli_json("balance", "--country", "KAZ,UZB", "--period", "2014,2017,2021",
                            "--draws", "200", "--db", str(web_db))
    assert {r["country"] for r in body["index"]} == {"KAZ", "UZB"}
    for r in body["index"]:
        if r["entropy"] is not None:
            assert r["entropy_low"] <= r["entropy"] <= r["entropy_high"]
    text = get(client, "/analyses/balance", **params, format="csv", section="shares")
    assert text == run_cli("balance", "--country", "KAZ,UZB", "--period", "2014,2017,2021",
                           "--draws", "200", "--db", str(web_db), "-f", "csv", "--section",
                           "shares")
    assert "differences" in get(client, "/analyses/balance", 400, section="index2")["hint"]
    error = get(client, "/analyses/balance", 400, period="2020,2010")
    assert "increasing" in error["message"] and "1992,2001" in error["hint"]
    unsure = get(client, "/analyses/balance", period="edition", draws=0)  # no intervals
    assert unsure["differences"] and all(
        r["low"] is None and r["intervals_overlap"] is None and r["differs"] is False
        for r in unsure["differences"])
    get(client, "/analyses/balance", 422, draws=10_001)
    get(client, "/analyses/balance", 422, weighting="words")


def test_gap_is_the_gap_document(client: TestClient, web_db: Path) -> None:
    body = get(client, "/analyses/gap", concept="kaz/2014-2020", country="KAZ,UZB", draws=200)
    assert body == cli_json("gap", "--concept", "kaz/2014-2020", "--country", "KAZ,UZB",
                            "--draws", "200", "--db", str(web_db))
    uzb = [r for r in body["vectors"] if r["country"] == "UZB"]
    assert uzb and all(r["declared_share"] is None for r in uzb)  # never borrowed
    kaz = [r for r in body["vectors"] if r["country"] == "KAZ"]
    assert sum(r["declared_share"] for r in kaz) == pytest.approx(1.0)
    rows = csv_rows(get(client, "/analyses/gap", concept="kaz/2014-2020", draws=200,
                        format="csv", section="priorities"))
    assert rows and set(rows[0]) >= {"priority", "declared_share", "observed_share"}
    error = get(client, "/analyses/gap", 404, concept="kaz/2014")
    assert "kaz/2014-2020" in error["hint"]
    get(client, "/analyses/gap", 422)  # concept is required


def test_coverage_trends_and_keyness(client: TestClient, web_db: Path) -> None:
    body = get(client, "/analyses/coverage", concept="kaz/2014-2020", country="KAZ")
    warnings = body.pop("warnings")
    assert body == cli_json("coverage", "--concept", "kaz/2014-2020", "--country", "KAZ",
                            "--db", str(web_db))
    assert warnings == []  # the corpus was coded against kaz/2014-2020
    other = get(client, "/analyses/coverage", concept="kaz/2020-2030", country="KAZ")
    assert any("kaz/2014-2020" in w for w in other["warnings"])
    evidence = csv_rows(get(client, "/analyses/coverage", concept="kaz/2014-2020",
                            country="KAZ", format="csv", section="evidence"))
    assert len(evidence) == len(body["evidence"])
    trends = get(client, "/analyses/trends", period="edition", level="leaf")
    assert trends == cli_json("trends", "--period", "edition", "--level", "leaf", "--db",
                              str(web_db))
    keyness = get(client, "/analyses/keyness", a="2014-2016", b="2017-2020", what="themes")
    assert keyness == cli_json("keyness", "--a", "2014-2016", "--b", "2017-2020", "--what",
                               "themes", "--db", str(web_db))
    assert "1992-2013" in get(client, "/analyses/keyness", 400, a="x", b="2017-2020")["hint"]


@pytest.mark.slow  # 5-7 s: kept for the CI's slow pass, the default run stays < 5 min
def test_channels_and_votes(client: TestClient, web_db: Path) -> None:
    body = get(client, "/analyses/channels", country="KAZ", draws=200)
    assert body == cli_json("channels", "--country", "KAZ", "--draws", "200", "--db",
                            str(web_db))
    assert body["findings"] and {r["vector"] for r in body["channels"]} >= {"russia", "china"}
    params = {"country": "KAZ", "with": "RUS,EU", "by": "2000,2010,2019", "bootstrap": 100}
    votes = get(client, "/analyses/votes", **params)
    assert votes == cli_json("votes", "--country", "KAZ", "--with", "RUS,EU", "--by",
                             "2000,2010,2019", "--bootstrap", "100")
    assert {r["partner"] for r in votes["agreement"]} == {"RUS", "EU"}
    assert [p["id"] for p in votes["partners"]] == ["RUS", "EU"]
    evidence = get(client, "/analyses/votes", country="KAZ", **{"with": "EU"},
                   evidence="EU:2015")
    assert evidence == cli_json("votes", "--country", "KAZ", "--with", "EU", "--evidence",
                                "EU:2015")
    assert evidence["n_rollcalls"] > 10 and evidence["rollcalls"]
    rows = csv_rows(get(client, "/analyses/votes", **params, format="csv"))
    assert len(rows) == len(votes["agreement"])
    assert "year" in get(client, "/analyses/votes", 400, country="KAZ", **{"with": "RUS"},
                         by="decade")["hint"]
    get(client, "/analyses/votes", 422, country="KAZ")  # `with` is required
    error = get(client, "/analyses/votes", 400, country="KAZ", **{"with": "RUS", "from": "1800",
                                                                  "to": "1801"})
    assert "1946 to 2019" in error["hint"]


# ------------------------------------------------------------------------------ exports


def test_exports_stream_what_the_cli_writes(client: TestClient, web_db: Path) -> None:
    for what, fmt in (("events", "jsonl"), ("documents", "csv")):
        r = client.get(f"{API}/exports/{what}", params={"format": fmt, "country": "KAZ"})
        assert r.status_code == 200, r.text
        assert r.text == run_cli("export", "--what", what, "--format", fmt, "--country", "KAZ",
                                 "--db", str(web_db))
        assert int(r.headers["x-rows"]) == len(r.text.strip().splitlines()) - (fmt == "csv")
    import pandas as pd

    r = client.get(f"{API}/exports/passages", params={"format": "parquet", "country": "TKM"})
    assert r.headers["content-type"] == "application/vnd.apache.parquet"
    frame = pd.read_parquet(io.BytesIO(r.content))
    assert len(frame) == int(r.headers["x-rows"]) > 0 and set(frame["country"]) == {"TKM"}
    assert client.get(f"{API}/exports/votes").status_code == 422
    assert client.get(f"{API}/exports/events", params={"format": "xlsx"}).status_code == 422


# ------------------------------------------------------------------------------ the frame


def test_the_store_of_a_request_works_across_worker_threads(web_db: Path) -> None:
    """A request's dependency, handler and clean-up may run in three threads; SQLite objects
    may be used only in the thread that made them."""
    from multivector.services.stores import PerThreadStore, open_store

    store = PerThreadStore(lambda: open_store(web_db, create=False), "corpus")
    counts: list[int] = []
    for _ in range(3):
        thread = threading.Thread(target=lambda: counts.append(store.count()["documents"]))
        thread.start()
        thread.join()
    assert counts == [33, 33, 33]
    closer = threading.Thread(target=store.close)
    closer.start()
    closer.join()
    assert store.count()["documents"] == 33  # reopened in this thread
    store.close()


def test_answers_are_cached_until_the_store_changes(client: TestClient, web_db: Path) -> None:
    from multivector.services.stores import store_version

    cache = client.app.state.api_cache  # type: ignore[attr-defined]
    # a connection of an earlier test, closed meanwhile, may checkpoint the file: a change,
    # which must miss; ask again while the file stays the same
    for _ in range(3):
        version = store_version(web_db)
        get(client, "/documents", country="TJK")
        hits = cache.hits
        get(client, "/documents", country="TJK")
        if store_version(web_db) == version:
            break
    assert cache.hits == hits + 1


def test_no_error_names_a_server_path_or_shows_a_trace(web_db: Path) -> None:
    assert SEEN, "the tests above collect the errors they saw"
    for path, body in SEEN:
        assert "Traceback" not in body and str(web_db.parent) not in body, (path, body)
    gone = web_db.parent / "gone" / "corpus.db"
    client = TestClient(create_app(WebSettings(db=str(gone))), raise_server_exceptions=False)
    r = client.get(f"{API}/documents")
    assert r.status_code == 503
    assert str(gone.parent) not in r.text and "gone" not in r.text
    assert r.json()["error"]["message"] == "the corpus cannot be opened"
