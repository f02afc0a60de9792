"""Human labels on the web: the API under /api/v1/labels answers the documents `multivector
annotate`, `labels disagreements` and `agreement` print (compared with the commands on the same
store), label writes need the token and name the field they refuse, and the /annotate,
/annotate/disagreements and /models/themes pages label, reconcile and show a model card with
every text escaped. The store holds three short documents written for these tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from multivector.interfaces.cli import app as cli
from multivector.interfaces.web import WebSettings, create_app
from multivector.interfaces.web.markdown import render
from multivector.pipeline.components.theme_model import ThemeModel
from multivector.services.knowledge import default_knowledge
from multivector.services.model_card import markdown

API = "/api/v1"
TOKEN = "label-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HOSTILE = "<script>window.__x=1</script>"
TEXTS = [  # written for these tests: (text, date, country)
    ("Kazakhstan calls for a world free of nuclear weapons and supports the United Nations.\n\n"
     "We welcome the cooperation of the Central Asian states on water and the Aral Sea.",
     "2019-09-24", "KAZ"),
    ("Uzbekistan and Kyrgyzstan opened a new border crossing and agreed to double their trade."
     f"\n\nThe delegates praised the plan. {HOSTILE} <img src=x onerror=alert(2)>",
     "2020-09-23", "UZB"),
    ("Kyrgyzstan thanks the United Nations for its humanitarian aid after the floods.",
     "2021-09-22", "KGZ"),
]


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from multivector.services.corpus import Corpus
    from multivector.services.knowledge import default_knowledge
    from multivector.services.stores import open_store

    folder = tmp_path_factory.mktemp("labels")
    rows = folder / "texts.jsonl"
    rows.write_text("".join(json.dumps({
        "text": text, "title": f"Statement of {country}", "date": date, "country": country,
        "language": "en", "genre": "statement"}) + "\n" for text, date, country in TEXTS),
        encoding="utf-8")
    db = folder / "corpus.db"
    with Corpus(store=open_store(db), knowledge=default_knowledge()) as corpus:
        assert corpus.ingest([rows]).ok
    return db


@pytest.fixture
def db(base_db: Path, tmp_path: Path) -> Path:
    """A copy of the store for one test, which may write to it."""
    copy = tmp_path / "corpus.db"
    shutil.copy(base_db, copy)
    return copy


def app_client(db: Path, **settings: Any) -> TestClient:
    theme_model = settings.pop("theme_model", "bundled")
    return TestClient(create_app(WebSettings(db=str(db), **settings), theme_model=theme_model))


@pytest.fixture
def writer(db: Path) -> TestClient:
    return app_client(db, token=TOKEN)


def run_cli(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def passages(client: TestClient) -> list[tuple[str, int]]:
    """Every stored passage, in the order coders get them."""
    out: list[tuple[str, int]] = []
    while True:
        r = client.get(f"{API}/labels/next", params={
            "coder": "counter", "skip": [f"{d}:{i}" for d, i in out]})
        if r.status_code == 404:
            return out
        out.append((r.json()["doc_id"], r.json()["passage"]))


def label(client: TestClient, doc_id: str, passage: int, coder: str, values: list[str],
          headers: dict[str, str] | None = None, **extra: Any) -> Any:
    return client.post(f"{API}/labels", headers=AUTH if headers is None else headers,
                       json={"doc_id": doc_id, "passage": passage, "coder": coder,
                             "layer": "themes", "values": values, **extra})


# ------------------------------------------------------------------------------ the API


def test_the_next_passage_comes_with_suggestions(db: Path, writer: TestClient) -> None:
    r = writer.get(f"{API}/labels/next", params={"coder": "aigerim"})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["passage"] == 0 and doc["date"] == "2019-09-24"
    assert doc["text"].startswith("Kazakhstan calls for a world free of nuclear weapons")
    assert "security.nuclear" in [s["value"] for s in doc["suggestions"]]
    assert doc["labels"] == {} and doc["remaining"] == len(passages(writer)) == 5
    # the passage alone is what `annotate --passage` prints
    one = writer.get(f"{API}/labels/passage/{doc['doc_id'][:12]}/0").json()
    printed = run_cli("annotate", "--coder", "aigerim", "--db", str(db), "--passage",
                      f"{doc['doc_id']}:0")
    assert one == printed == {k: v for k, v in doc.items() if k != "remaining"}
    # a labelled passage is not next any more; another coder does not see the first one's
    # labels (independent judgements), the passage's own read shows every coder's
    assert label(writer, doc["doc_id"], 0, "aigerim", ["security.nuclear"]).status_code == 200
    after = writer.get(f"{API}/labels/next", params={"coder": "aigerim"}).json()
    assert (after["doc_id"], after["passage"]) == (doc["doc_id"], 1)
    assert after["remaining"] == 4
    theirs = writer.get(f"{API}/labels/next", params={"coder": "bolat"}).json()
    assert (theirs["doc_id"], theirs["passage"]) == (doc["doc_id"], 0)
    assert theirs["labels"] == {}
    every = writer.get(f"{API}/labels/passage/{doc['doc_id']}/0").json()
    assert every["labels"] == {"aigerim": ["security.nuclear"]}


def test_when_none_is_left_next_is_a_404(writer: TestClient) -> None:
    every = passages(writer)
    r = writer.get(f"{API}/labels/next", params={"coder": "aigerim",
                                                 "skip": [f"{d}:{i}" for d, i in every]})
    assert r.status_code == 404
    error = r.json()["error"]
    assert "no passage left" in error["message"] and "5 skipped" in error["message"]
    assert error["hint"]
    bad = writer.get(f"{API}/labels/next", params={"coder": "aigerim", "skip": "nonsense"})
    assert bad.status_code == 400 and "DOCUMENT:INDEX" in bad.json()["error"]["message"]
    assert writer.get(f"{API}/labels/next", params={"coder": "no spaces"}).status_code == 400


def test_label_writes_need_the_token(db: Path, writer: TestClient) -> None:
    doc_id, index = passages(writer)[0]
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        r = label(writer, doc_id, index, "aigerim", ["security.nuclear"], headers)
        assert r.status_code == 401, (headers, r.text)
        assert r.json()["error"]["hint"] == "send Authorization: Bearer <token>"
        reconcile = writer.post(f"{API}/labels/reconcile", headers=headers, json={
            "doc_id": doc_id, "passage": index, "values": []})
        assert reconcile.status_code == 401
    read_only = app_client(db, token=TOKEN, read_only=True)
    r = label(read_only, doc_id, index, "aigerim", ["security.nuclear"])
    assert r.status_code == 403 and "read-only" in r.json()["error"]["message"]
    assert label(app_client(db), doc_id, index, "aigerim", []).status_code == 403  # no token
    assert writer.get(f"{API}/labels/passage/{doc_id}/{index}").json()["labels"] == {}

    r = label(writer, doc_id, index, "aigerim", ["multilateral.un", "security.nuclear"],
              note="clear case")
    assert r.status_code == 200, r.text
    stored = r.json()
    assert stored["values"] == ["multilateral.un", "security.nuclear"]
    assert (stored["coder"], stored["layer"], stored["note"]) == ("aigerim", "themes",
                                                                  "clear case")
    assert stored["codebook"].startswith("multivector-themes@")
    shown = writer.get(f"{API}/labels/passage/{doc_id}/{index}").json()
    assert shown["labels"] == {"aigerim": ["multilateral.un", "security.nuclear"]}
    again = label(writer, doc_id, index, "aigerim", [])  # a label again replaces the first
    assert again.json()["values"] == []
    assert writer.get(f"{API}/labels/passage/{doc_id}/{index}").json()["labels"] == {
        "aigerim": []}


def test_a_refused_label_names_the_field(writer: TestClient) -> None:
    doc_id, index = passages(writer)[0]
    r = label(writer, doc_id, index, "aigerim", ["security.nuclearr"])
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["message"].startswith("values:") and "security.nuclearr" in error["message"]
    assert "security.nuclear" in error["hint"]
    r = label(writer, doc_id, index, "two words", ["security.nuclear"])
    assert r.status_code == 422 and r.json()["error"]["message"].startswith("coder:")
    r = label(writer, doc_id, index, "aigerim", ["security.nuclear"], layer="moods")
    assert r.status_code == 422 and r.json()["error"]["message"].startswith("layer")
    r = label(writer, doc_id, 99, "aigerim", ["security.nuclear"])
    assert r.status_code == 404 and "no passage 99" in r.json()["error"]["message"]
    r = label(writer, "0" * 64, 0, "aigerim", [])
    assert r.status_code == 404
    assert writer.get(f"{API}/labels/passage/{doc_id}/99").status_code == 404
    assert writer.get(f"{API}/labels/passage/{doc_id}/{index}").json()["labels"] == {}


def test_disagreements_reconciliation_and_agreement_match_the_cli(
        db: Path, writer: TestClient) -> None:
    every = passages(writer)
    cli_error = CliRunner().invoke(cli, ["agreement", "--db", str(db), "--format", "json"])
    none = writer.get(f"{API}/agreement")
    assert none.status_code == 400 and cli_error.exit_code != 0
    assert none.json()["error"]["message"] in cli_error.output
    sets = {"aigerim": [["security.nuclear", "multilateral.un"], ["environment.water_ecology"],
                        ["economy.trade"], []],
            "bolat": [["security.nuclear"], ["environment.water_ecology"], ["economy.trade"],
                      ["humanitarian.dialogue_culture"]]}
    for coder, chosen in sets.items():
        for (doc_id, index), values in zip(every, chosen, strict=False):
            assert label(writer, doc_id, index, coder, values).status_code == 200
    found = writer.get(f"{API}/labels/disagreements").json()
    assert found == run_cli("labels", "disagreements", "--db", str(db), "--format", "json")
    assert sorted((d["doc_id"], d["passage"]) for d in found["disagreements"]) == sorted(
        [every[0], every[3]])
    first = next(d for d in found["disagreements"] if d["passage"] == every[0][1]
                 and d["doc_id"] == every[0][0])
    assert first["labels"] == {"aigerim": ["multilateral.un", "security.nuclear"],
                               "bolat": ["security.nuclear"]}
    assert first["consensus"] is None and first["reconciled"] is False
    csv = writer.get(f"{API}/labels/disagreements", params={"format": "csv"}).text
    assert csv.splitlines()[0] == "passage,coder aigerim,coder bolat,consensus"

    agreement = writer.get(f"{API}/agreement")
    assert agreement.status_code == 200, agreement.text
    assert agreement.json() == run_cli("agreement", "--db", str(db), "--format", "json")
    assert agreement.json()["coders"] == ["aigerim", "bolat"]
    assert agreement.json()["pairable"] == 4

    doc_id, index = every[0]
    r = writer.post(f"{API}/labels/reconcile", headers=AUTH, json={
        "doc_id": doc_id, "passage": index, "values": ["security.nuclear"], "note": "agreed"})
    assert r.status_code == 200, r.text
    assert (r.json()["coder"], r.json()["values"]) == ("consensus", ["security.nuclear"])
    left = writer.get(f"{API}/labels/disagreements").json()["disagreements"]
    assert [(d["doc_id"], d["passage"]) for d in left] == [every[3]]
    everything = writer.get(f"{API}/labels/disagreements", params={"all": "true"}).json()
    assert everything == run_cli("labels", "disagreements", "--db", str(db), "--all",
                                 "--format", "json")
    reconciled = next(d for d in everything["disagreements"] if d["reconciled"])
    assert reconciled["consensus"] == ["security.nuclear"] and reconciled["reconciled"]
    # the consensus is not a coder of the agreement
    assert writer.get(f"{API}/agreement").json()["coders"] == ["aigerim", "bolat"]


def test_the_routes_are_in_the_openapi_description(writer: TestClient) -> None:
    paths = writer.get("/openapi.json").json()["paths"]
    for path in ("/labels/next", "/labels/passage/{doc_id}/{index}", "/labels/disagreements",
                 "/agreement", "/models/themes"):
        assert "get" in paths[API + path], path
    for path in ("/labels", "/labels/reconcile"):
        post = paths[API + path]["post"]
        assert post["security"] and {"401", "403", "404", "422"} <= set(post["responses"])
    assert paths[API + "/agreement"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]["$ref"].endswith("/Agreement")


# ------------------------------------------------------------------------------ the pages


def test_the_annotate_page_asks_for_a_coder_then_shows_the_passage(writer: TestClient) -> None:
    start = writer.get("/annotate")
    assert start.status_code == 200
    assert 'name="coder"' in start.text and "<article" not in start.text
    assert 'href="/annotate"' in start.text  # in the nav
    page = writer.get("/annotate", params={"coder": "aigerim"}).text
    assert "Kazakhstan calls for a world free of nuclear weapons" in page
    assert "5 passages left for <strong>aigerim</strong>" in page
    assert 'value="security.nuclear" checked' in page  # a suggestion, ticked
    assert 'value="economy.trade">' in page  # every leaf theme is offered
    codebook = default_knowledge().codebook
    families = [t for t in codebook if t.parent is None]  # a leaf family is its own group
    assert page.count("<legend>") == len(families)
    assert f"<legend>{codebook.get('security').label('en')}</legend>" in page
    assert 'href="/api/v1/labels/next?coder=aigerim&amp;layer=themes"' in page
    assert 'type="password" name="token"' in page
    assert 'src="/static/js/annotate.js"' in page and "onclick" not in page
    assert writer.get("/annotate", params={"coder": "a b"}).status_code == 400
    assert writer.get("/annotate", params={"coder": "a", "colour": "red"}).status_code == 400


def test_saving_on_the_page_checks_the_token(db: Path, writer: TestClient) -> None:
    doc_id, index = passages(writer)[0]
    form = {"coder": "aigerim", "layer": "themes", "doc_id": doc_id, "passage": str(index),
            "values": ["security.nuclear", "multilateral.un"], "note": "from the page"}
    html = {"accept": "text/html"}
    refused = writer.post("/annotate", data={**form, "token": "wrong"}, headers=html,
                          follow_redirects=False)
    assert refused.status_code == 401 and "bearer token" in refused.text
    assert "text/html" in refused.headers["content-type"]
    read_only = app_client(db, token=TOKEN, read_only=True)
    r = read_only.post("/annotate", data={**form, "token": TOKEN}, headers=html,
                       follow_redirects=False)
    assert r.status_code == 403 and "read-only" in r.text
    assert writer.get(f"{API}/labels/passage/{doc_id}/{index}").json()["labels"] == {}

    saved = writer.post("/annotate", data={**form, "token": TOKEN}, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"].startswith("/annotate?coder=aigerim&layer=themes&saved=")
    assert writer.get(f"{API}/labels/passage/{doc_id}/{index}").json()["labels"] == {
        "aigerim": ["multilateral.un", "security.nuclear"]}
    after = writer.get(saved.headers["location"]).text
    assert f"Saved your labels of <code>{doc_id[:16]}:{index}</code>" in after
    assert "4 passages left" in after
    wrong = writer.post("/annotate", data={**form, "values": ["nope"], "token": TOKEN},
                        headers=html, follow_redirects=False)
    assert wrong.status_code == 422 and "values: themes: unknown value" in wrong.text


def test_skip_passes_a_passage_over(writer: TestClient) -> None:
    first = passages(writer)[0]
    r = writer.post("/annotate", data={"coder": "aigerim", "doc_id": first[0],
                                       "passage": str(first[1]), "action": "skip"},
                    follow_redirects=False)
    assert r.status_code == 303 and "skip=" in r.headers["location"]
    page = writer.get(r.headers["location"]).text
    assert "We welcome the cooperation of the Central Asian states" in page  # the second
    assert "(1 skipped)" in page and f'name="skip" value="{first[0]}:{first[1]}"' in page
    assert writer.get(f"{API}/labels/next", params={"coder": "aigerim"}).json()["passage"] == 0


def test_a_hostile_passage_renders_inert(writer: TestClient) -> None:
    hostile = next((d, i) for d, i in passages(writer)
                   if HOSTILE in writer.get(f"{API}/labels/passage/{d}/{i}").json()["text"])
    page = writer.get("/annotate", params={"coder": "aigerim", "doc": hostile[0],
                                           "passage": hostile[1]})
    assert page.status_code == 200
    assert "&lt;script&gt;window.__x=1&lt;/script&gt;" in page.text
    assert HOSTILE not in page.text and "<img src=x" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for coder, values in (("aigerim", ["economy.trade"]), ("bolat", [])):
        label(writer, *hostile, coder, values)
    table = writer.get("/annotate/disagreements").text
    assert "&lt;script&gt;window.__x=1&lt;/script&gt;" in table and HOSTILE not in table


def test_the_disagreements_page_records_a_consensus(writer: TestClient) -> None:
    doc_id, index = passages(writer)[0]
    label(writer, doc_id, index, "aigerim", ["security.nuclear", "multilateral.un"])
    label(writer, doc_id, index, "bolat", ["security.nuclear"])
    page = writer.get("/annotate/disagreements").text
    assert "<th scope=\"col\">aigerim</th><th scope=\"col\">bolat</th>" in page
    assert 'name="values" value="security.nuclear" checked' in page  # both gave it
    assert 'name="values" value="multilateral.un">' in page
    assert "Krippendorff" in page
    assert 'href="/api/v1/labels/disagreements?layer=themes"' in page
    assert 'href="/api/v1/agreement?layer=themes"' in page
    form = {"doc_id": doc_id, "passage": str(index), "layer": "themes",
            "values": ["security.nuclear"], "other": "multilateral.organisations"}
    refused = writer.post("/annotate/disagreements", data=form, follow_redirects=False)
    assert refused.status_code == 401
    r = writer.post("/annotate/disagreements", data={**form, "token": TOKEN},
                    follow_redirects=False)
    assert r.status_code == 303 and "saved=" in r.headers["location"]
    stored = writer.get(f"{API}/labels/passage/{doc_id}/{index}").json()["labels"]
    assert stored["consensus"] == ["multilateral.organisations", "security.nuclear"]
    assert "No passage with disagreeing themes left" in writer.get(r.headers["location"]).text
    shown = writer.get("/annotate/disagreements", params={"all": "1"}).text
    assert "<code title=" in shown and "not recorded" not in shown


# ------------------------------------------------------------------------------ model card


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    themes = ("security.nuclear", "multilateral.un")
    width = 2 + 4 * len(themes)
    model = ThemeModel(
        "themes-lr", "0.1.0", themes, "multivector-themes@1.1.0", "hashing", 2,
        np.zeros(width), np.ones(width), np.zeros((2, width)), np.zeros(2),
        np.array([0.41, 0.55]), {
            "passages": 40, "languages": {"en": 40}, "countries": {"KAZ": 40},
            "origins": {"written": 40}, "sources": ["labels.jsonl"], "data_sha256": "ab" * 32,
            "trained_at": "2026-01-02T03:04:05", "settings": {
                "c": 1.0, "lexicon_weight": 1.0, "min_positives": 8},
            "cross_validation": {"repeats": 5, "folds": 5, "macro_f1": 0.71,
                                 "macro_f1_low": 0.6, "macro_f1_high": 0.8},
            "themes": [
                {"theme": "security.nuclear", "support": 20, "precision": 0.9, "recall": 0.8,
                 "f1": 0.85, "f1_low": 0.7, "f1_high": 0.93},
                {"theme": "multilateral.un", "support": 9, "precision": 0.6, "recall": 0.4,
                 "f1": 0.48, "f1_low": 0.3, "f1_high": 0.62}],
            "failure_modes": [f"Speeches quoting {HOSTILE} verbatim confuse it."],
            "left_to_lexicon": {"health": 3},
        })
    path = tmp_path / "themes.json"
    model.save(path)
    return path


def test_the_model_card(db: Path, model_file: Path) -> None:
    client = app_client(db, theme_model=model_file)
    card = client.get(f"{API}/models/themes")
    assert card.status_code == 200, card.text
    doc = card.json()
    model = ThemeModel.load(model_file)
    assert doc["model"] == "themes-lr@0.1.0" and doc["markdown"] == markdown(model)
    assert doc["themes"] == ["security.nuclear", "multilateral.un"]
    assert doc["thresholds"] == {"security.nuclear": 0.41, "multilateral.un": 0.55}
    assert doc["meta"]["cross_validation"]["macro_f1"] == 0.71
    page = client.get("/models/themes")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Theme model <span class=\"nowrap\">themes-lr@0.1.0</span></h1>" in html
    assert '<th scope="col">F1 interval</th>' in html
    assert "<td>0.70-0.93</td>" in html and "<td>multilateral.un (thin)</td>" in html
    assert "<h3>Training data</h3>" in html and "<h3>Known failure modes</h3>" in html
    assert "Macro-F1 <strong>0.71</strong>" in html
    assert "&lt;script&gt;window.__x=1&lt;/script&gt;" in html and HOSTILE not in html
    assert 'href="/api/v1/models/themes"' in html


def test_without_a_model_the_card_says_so(db: Path, tmp_path: Path) -> None:
    client = app_client(db, theme_model=tmp_path / "missing.json")
    r = client.get(f"{API}/models/themes")
    assert r.status_code == 404
    assert "no theme model on this server" in r.json()["error"]["message"]
    assert str(tmp_path) not in r.text and "multivector train" in r.json()["error"]["hint"]
    page = client.get("/models/themes", headers={"accept": "text/html"})
    assert page.status_code == 404 and "no theme model on this server" in page.text
    assert str(tmp_path) not in page.text
    bundled = app_client(db).get(f"{API}/models/themes")
    assert bundled.status_code in (200, 404)
    if bundled.status_code == 404:
        assert "the bundled model is not installed" in bundled.json()["error"]["message"]
    damaged = tmp_path / "damaged.json"
    damaged.write_text("{not json", encoding="utf-8")
    r = app_client(db, theme_model=damaged).get(f"{API}/models/themes")
    assert r.status_code == 503 and str(tmp_path) not in r.text


@pytest.mark.parametrize(("text", "expected"), [
    ("# Card <b>", "<h2>Card &lt;b&gt;</h2>"),
    ("a **b** `<i>**c**</i>`", "<p>a <strong>b</strong> <code>&lt;i&gt;**c**&lt;/i&gt;</code></p>"),
    ("- one\n  two\n- <three>", "<ul><li>one two</li><li>&lt;three&gt;</li></ul>"),
    ("[x](javascript:alert(1)) <img src=x>",
     "<p>[x](javascript:alert(1)) &lt;img src=x&gt;</p>"),
])
def test_the_markdown_renderer_escapes(text: str, expected: str) -> None:
    assert str(render(text)) == expected


def test_a_table_renders_with_its_alignment() -> None:
    html = str(render("| a | b |\n|---|---:|\n| <x> | 1 |"))
    assert '<th scope="col" class="num">b</th>' in html
    assert "<td>&lt;x&gt;</td><td class=\"num\">1</td>" in html
