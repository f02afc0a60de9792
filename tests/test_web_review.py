"""The review of an imported draft on the web: ``POST /api/v1/review`` answers the document
``multivector review --format json`` prints, and the ``/review`` page shows it as a table.
The draft is the import of tests/fixtures/concepts/kaz_ru.txt; the matching uses the hashing
embedder (seconds), except in the one test that compares with the CLI, which uses the model
on both sides."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from multivector.errors import NotFoundError
from multivector.interfaces.cli import app as cli
from multivector.interfaces.web import WebSettings, create_app
from multivector.services.concept_import import import_concept
from multivector.services.knowledge import KnowledgeBase, default_knowledge
from multivector.services.review import review_document
from multivector.text.embedder import HashingEmbedder

TEXT = Path(__file__).parent / "fixtures" / "concepts" / "kaz_ru.txt"
AGAINST = "kaz/2020-2030"
SHIPPED = Path(__file__).parents[1] / "src" / "multivector" / "data" / "editions" / "kaz"


def _yaml(data: object) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("review") / "kaz-draft.yaml"
    import_concept(TEXT, country="KAZ", out=out, knowledge=default_knowledge())
    return out


@pytest.fixture(scope="module")
def held_copy() -> bytes:
    """The shipped 2020-2030 edition as a draft: its first element under a new id (to
    rename), one element added (new), the rest as they are (keep id)."""
    data = yaml.safe_load((SHIPPED / "2020-2030.yaml").read_text(encoding="utf-8"))
    data["id"] = "kaz/2020-2030-draft"
    data.pop("supersedes", None)
    parents = {e.get("parent") for e in data["elements"]}
    first = next(e for e in data["elements"] if e["id"] not in parents)
    first["id"] = "draft.renamed"
    extra = dict(first, id="draft.new", title="Qwzx vprk lmnt", summary="Zzxq wvvp kkrt.",
                 partners=[], themes=[])
    data["elements"].append(extra)
    return _yaml(data)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    # a review reads no corpus: the server's corpus need not even exist
    return str(tmp_path_factory.mktemp("review-db") / "corpus.db")


@pytest.fixture(scope="module")
def client(db: str) -> TestClient:
    """A read-only server with no token: a review stores nothing, so it needs neither."""
    return TestClient(create_app(WebSettings(db=db, read_only=True), KnowledgeBase(),
                                 embedder=HashingEmbedder()))


def _post(client: TestClient, path: str, name: str, data: bytes, against: str = AGAINST,
          **headers: str) -> httpx.Response:
    return client.post(path, files={"draft": (name, data, "application/x-yaml")},
                       data={"against": against}, headers=headers)


def test_api_answers_the_document_the_cli_prints(client: TestClient, draft: Path) -> None:
    res = _post(client, "/api/v1/review", "kaz-draft.yaml", draft.read_bytes())
    assert res.status_code == 200, res.text
    kb = KnowledgeBase()
    expected = review_document(kb.edition(str(draft)), kb.edition(AGAINST), "kaz-draft.yaml",
                               embedder=HashingEmbedder())
    doc = res.json()
    assert doc == json.loads(json.dumps(expected))
    assert doc["draft"] == "kaz-draft.yaml" and doc["against"] == AGAINST
    assert {r["action"] for r in doc["review"]} <= {"keep id", "rename", "new id"}
    assert len(doc["review"]) == len(yaml.safe_load(draft.read_bytes())["elements"])


@pytest.mark.slow
def test_api_with_the_model_equals_the_cli(db: str, draft: Path) -> None:
    res = CliRunner().invoke(cli, ["review", str(draft), "--against", "KAZ/2020-2030",
                                   "-f", "json"])
    assert res.exit_code == 0, res.stderr
    printed = json.loads(res.stdout)
    served = TestClient(create_app(WebSettings(db=db, read_only=True)))  # the model
    answer = _post(served, "/api/v1/review", draft.name, draft.read_bytes(), "KAZ/2020-2030")
    assert answer.json() == {**printed, "draft": draft.name}
    assert printed["draft"] == str(draft) and printed["against"] == AGAINST


def test_the_review_keeps_nothing(client: TestClient, draft: Path) -> None:
    draft_id = yaml.safe_load(draft.read_text(encoding="utf-8"))["id"]
    kb = client.app.state.knowledge  # type: ignore[attr-defined]
    held = kb.edition_ids()
    assert _post(client, "/api/v1/review", "d.yaml", draft.read_bytes()).status_code == 200
    assert kb.edition_ids() == held
    with pytest.raises(NotFoundError):
        kb.edition(draft_id)


@pytest.mark.parametrize(("data", "says"), [
    (b"id: [kaz/\n  title: : :", "(syntax)"),
    (b"", "empty"),
    (b"- a list\n", "(file)"),
])
def test_a_broken_draft_is_a_422_naming_the_upload(client: TestClient, data: bytes,
                                                   says: str) -> None:
    res = _post(client, "/api/v1/review", "broken.yaml", data)
    assert res.status_code == 422
    error = res.json()["error"]
    assert error["code"] == "MV100" and "broken.yaml" in error["message"]
    assert says in error["message"] and error["hint"]


def test_a_draft_failing_validation_names_the_field(client: TestClient, draft: Path) -> None:
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    data["elements"][0]["kind"] = "wish"
    res = _post(client, "/api/v1/review", "/home/someone/my draft.yaml",
                _yaml(data))
    assert res.status_code == 422
    message = res.json()["error"]["message"]
    assert message.startswith("my draft.yaml:") and "kind" in message
    assert "/home/someone" not in message


def test_an_unknown_edition_names_the_nearest(client: TestClient, draft: Path) -> None:
    res = _post(client, "/api/v1/review", "d.yaml", draft.read_bytes(), "kaz/2020")
    assert res.status_code == 404
    assert AGAINST in res.json()["error"]["hint"]


def test_an_upload_over_the_limit_is_413(db: str, draft: Path) -> None:
    small = TestClient(create_app(WebSettings(db=db, read_only=True, max_upload_mb=0.001),
                                  embedder=HashingEmbedder()))
    res = _post(small, "/api/v1/review", "d.yaml", draft.read_bytes())
    assert res.status_code == 413 and res.json()["error"]["code"] == "MV413"
    page = _post(small, "/review", "d.yaml", draft.read_bytes(), accept="text/html")
    assert page.status_code == 413
    assert page.headers["content-type"].startswith("text/html")
    assert "larger than this server takes (0.001 MB)" in page.text


def test_the_endpoint_is_in_the_openapi_description(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/v1/review"]["post"]
    assert post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Review")
    assert {"413", "422"} <= set(post["responses"])


# ------------------------------------------------------------------------------ the page


def test_the_form_offers_the_held_editions(client: TestClient) -> None:
    res = client.get("/review")
    assert res.status_code == 200
    html = res.text
    assert 'enctype="multipart/form-data"' in html and 'type="file" name="draft"' in html
    assert html.count('<option value="') == len(default_knowledge().edition_ids()) + 1
    assert '<option value="" selected>' in html  # by default: the draft's country's latest
    chosen = client.get("/review", params={"against": "KAZ/2020-2030"}).text
    assert f'<option value="{AGAINST}" selected>' in chosen
    assert client.get("/review", params={"against": "uzb/2023"}).status_code == 404
    assert 'href="/review"' in client.get("/editions").text


def test_the_page_shows_each_item_beside_its_match(client: TestClient, held_copy: bytes
                                                   ) -> None:
    res = _post(client, "/review", "kaz-draft.yaml", held_copy, accept="text/html")
    assert res.status_code == 200, res.text
    html = res.text
    doc = _post(client, "/api/v1/review", "kaz-draft.yaml", held_copy).json()
    actions = {r["id"]: r["action"] for r in doc["review"]}
    assert actions.pop("draft.renamed") == "rename" and actions.pop("draft.new") == "new id"
    assert set(actions.values()) == {"keep id"}
    assert f'<span class="n">{len(doc["review"])}</span> items' in html
    for action in ("keep id", "rename", "new id"):
        n = sum(r["action"] == action for r in doc["review"])
        assert f'<span class="n">{n}</span> {action}' in html
    renamed = next(r for r in doc["review"] if r["id"] == "draft.renamed")
    assert f'href="/editions/kaz/2020-2030#el-{renamed["match"]}"' in html
    assert 'href="/diff?a=kaz%2F2020-2030"' in html
    assert "multivector diff kaz/2020-2030 kaz-draft.yaml" in html


def test_a_hostile_draft_renders_inert(client: TestClient, draft: Path) -> None:
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    data["elements"][0]["title"] = "<script>alert(1)</script>"
    res = _post(client, "/review", '"><img src=x onerror=alert(2)>.yaml',
                _yaml(data), accept="text/html")
    assert res.status_code == 200, res.text
    html = res.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "script-src 'self'" in res.headers["content-security-policy"]


def test_a_broken_draft_is_the_error_page(client: TestClient) -> None:
    res = _post(client, "/review", "broken.yaml", b"id: [", accept="text/html")
    assert res.status_code == 422
    assert "text/html" in res.headers["content-type"]
    assert "broken.yaml" in res.text and "That did not work" in res.text
    missing = client.post("/review", data={"against": AGAINST}, headers={"accept": "text/html"})
    assert missing.status_code in (400, 422) and "text/html" in missing.headers["content-type"]


def test_without_an_edition_a_draft_is_set_against_its_countrys_latest(
        client: TestClient, draft: Path) -> None:
    data = draft.read_bytes()
    upload = {"draft": ("kaz-draft.yaml", data, "application/x-yaml")}
    api = client.post("/api/v1/review", files=upload)  # no `against` at all
    assert api.status_code == 200, api.text
    assert api.json()["against"] == AGAINST
    assert _post(client, "/api/v1/review", "kaz-draft.yaml", data, against="").json() == api.json()
    page = _post(client, "/review", "kaz-draft.yaml", data, against="")  # the form's default
    assert page.status_code == 200, page.text
    assert f'against <span class="nowrap">{AGAINST}</span>' in page.text
    other = yaml.safe_load(data)
    other.update(id="abw/2030-draft", country="ABW")  # a country with no edition held
    res = _post(client, "/api/v1/review", "other.yaml", _yaml(other), against="")
    assert res.status_code in (400, 422), res.text
    assert "no edition of ABW" in res.json()["error"]["message"]
    out = CliRunner().invoke(cli, ["review", str(draft), "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["against"] == AGAINST
