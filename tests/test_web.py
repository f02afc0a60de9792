"""The web application's frame: settings, error shape, security headers, the serve command."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from multivector.interfaces.cli import app as cli
from multivector.interfaces.web import WebSettings, create_app
from multivector.interfaces.web.middleware import CSP


@pytest.fixture(scope="module")
def client(web_db: Path) -> TestClient:
    return TestClient(create_app(WebSettings(db=str(web_db), read_only=True)))


def test_root_reports_the_corpus(client: TestClient) -> None:
    body = client.get("/api/v1").json()
    assert body["corpus"]["documents"] == 33
    assert body["corpus"]["passages"] > 35


def test_unknown_path_is_a_json_error_with_a_hint(client: TestClient) -> None:
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "HTTP404"
    assert "/docs" in r.json()["error"]["hint"]


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/api/v1", "/static/app.css", "/missing"):
        r = client.get(path)
        assert r.headers["content-security-policy"] == CSP, path
        assert "unsafe-inline" not in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"


def test_an_unexpected_error_is_a_500_with_the_security_headers(web_db: Path) -> None:
    app = create_app(WebSettings(db=str(web_db), read_only=True))

    def broken() -> None:
        raise RuntimeError(f"a bug near {web_db}")

    app.add_api_route("/broken", broken)
    r = TestClient(app, raise_server_exceptions=False).get("/broken")
    assert r.status_code == 500 and r.json()["error"]["code"] == "MV999"
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert str(web_db) not in r.text and "Traceback" not in r.text


@pytest.mark.parametrize("name", ["corpus#1.db", "corpus?.db", "corpus%41.db"])
def test_read_only_opens_the_corpus_whatever_its_name(web_db: Path, tmp_path: Path,
                                                      name: str) -> None:
    db = tmp_path / name
    shutil.copy(web_db, db)
    client = TestClient(create_app(WebSettings(db=str(db), read_only=True)))
    assert client.get("/api/v1").json()["corpus"]["documents"] == 33
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(name)] == []  # no other


def test_home_page_renders(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert "33 documents" in r.text


def test_serve_without_a_corpus_says_how_to_make_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "no corpus at" in result.output and "--sample" in result.output
    assert not (tmp_path / "none.db").exists()
