"""The REST API's writes: the bearer token (and read-only servers), uploads read as `ingest`
reads files (a bad file reported by its upload name, the rest stored, nothing stored twice, no
server path in any answer), the upload limit, and re-coding."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from multivector.interfaces.web import WebSettings, create_app

API = "/api/v1"
TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
# texts written for these tests
STATEMENT = (
    "Mr. President,\n\n"
    "Kazakhstan welcomes the agreement on water cooperation that the five Central Asian states "
    "signed in Astana this spring. We thank China and the Russian Federation for their support."
    "\n\nOur country will keep working for a world free of nuclear weapons and for a fair "
    "settlement of disputes through the United Nations.\n"
)
NOTE = ("A note on regional trade.\n\nUzbekistan and Kyrgyzstan opened a new border crossing "
        "and agreed to double their trade within five years.\n")
ROWS = ("title,date,text\n"
        "Trade talks,2019-05-01,Kazakhstan and China held talks on trade in Beijing.\n"
        "Nothing here,2019-06-01,\n")


@pytest.fixture
def corpus(web_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "served" / "corpus.db"
    db.parent.mkdir()
    shutil.copy(web_db, db)
    return db


def app_client(db: Path, **settings: Any) -> TestClient:
    return TestClient(create_app(WebSettings(db=str(db), **settings)))


@pytest.fixture
def writer(corpus: Path) -> TestClient:
    return app_client(corpus, token=TOKEN, max_upload_mb=0.05)


def documents(client: TestClient) -> int:
    count: int = client.get(API).json()["corpus"]["documents"]
    return count


def upload(client: TestClient, files: list[tuple[str, bytes]], headers: dict[str, str] | None
           = None, **form: str) -> Any:
    return client.post(f"{API}/documents", files=[("files", f) for f in files], data=form,
                       headers=AUTH if headers is None else headers)


def recode(client: TestClient, body: dict[str, Any], headers: dict[str, str] | None = None
           ) -> Any:
    return client.post(f"{API}/recode", json=body, headers=AUTH if headers is None else headers)


ONE_DOCUMENT = {"concept": "kaz/2020-2030", "country": ["TKM"], "from": "2020"}


def assert_clean(text: str, corpus: Path) -> None:
    assert "Traceback" not in text
    assert str(corpus.parent) not in text and str(corpus.parent.parent) not in text


def test_writes_need_the_servers_token(corpus: Path, writer: TestClient) -> None:
    files = [("note.md", NOTE.encode())]
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
                    {"Authorization": f"Basic {TOKEN}"}):
        r = upload(writer, files, headers)
        assert r.status_code == 401, (headers, r.text)
        assert r.json()["error"]["hint"] == "send Authorization: Bearer <token>"
        assert recode(writer, ONE_DOCUMENT, headers).status_code == 401
    assert documents(writer) == 33
    read_only = app_client(corpus, token=TOKEN, read_only=True)
    r = upload(read_only, files)
    assert r.status_code == 403 and "read-only" in r.json()["error"]["message"]
    assert recode(read_only, ONE_DOCUMENT).status_code == 403
    no_token = app_client(corpus)
    r = upload(no_token, files)
    assert r.status_code == 403 and "--token" in r.json()["error"]["hint"]
    assert documents(no_token) == 33
    r = upload(writer, files)
    assert r.status_code == 200, r.text
    assert r.json()["summary"]["ingested"] == 1 and documents(writer) == 34


def test_an_upload_is_read_as_ingest_reads_files(corpus: Path, writer: TestClient) -> None:
    listed = writer.get(f"{API}/documents", params={"limit": 100}).json()["documents"]
    stored = writer.get(f"{API}/documents/{listed[0]['doc_id']}", params={"text": "true"}).json()
    batch = [
        ("KAZ_80_2025.txt", STATEMENT.encode()),
        ("note.md", NOTE.encode()),
        ("rows.csv", ROWS.encode()),
        ("picture.exe", b"MZ\x90\x00"),
        ("again.txt", stored["text"].encode()),  # a text stored already
    ]
    r = upload(writer, batch, concept="kaz/2020-2030", genre="statement")
    assert r.status_code == 200, r.text
    assert_clean(r.text, corpus)
    report = r.json()
    summary = report["summary"]
    assert (summary["ingested"], summary["duplicates"], summary["failed"]) == (3, 1, 2)
    by_status: dict[str, list[dict[str, Any]]] = {}
    for row in report["documents"]:
        by_status.setdefault(row["status"], []).append(row)
    assert {r["path"] for r in by_status["ingested"]} == {"KAZ_80_2025.txt", "note.md",
                                                          "rows.csv"}
    assert by_status["duplicate"][0]["doc_id"] == stored["doc_id"]
    failed = {(r["path"], r["row"]): r["reason"] for r in by_status["failed"]}
    assert set(failed) == {("picture.exe", None), ("rows.csv", 3)}
    assert "unsupported file type '.exe'" in failed[("picture.exe", None)]
    assert "empty" in failed[("rows.csv", 3)] and "remove the row" in failed[("rows.csv", 3)]
    assert documents(writer) == 36

    speech = next(r for r in by_status["ingested"] if r["path"] == "KAZ_80_2025.txt")
    doc = writer.get(f"{API}/documents/{speech['doc_id']}").json()
    assert (doc["path"], doc["country"], doc["date"]) == ("KAZ_80_2025.txt", "KAZ",
                                                          "2025-09-25")
    assert doc["genre"] == "statement"  # the form's value wins, as --genre does
    labels = {(a["layer"], a["label"]) for a in doc["annotations"]}
    assert {("actor", "CHN"), ("actor", "RUS")} <= labels
    assert any(layer == "element" for layer, _ in labels)  # coded against the concept

    again = upload(writer, batch).json()["summary"]
    assert (again["ingested"], again["duplicates"], again["failed"]) == (0, 4, 2)
    assert documents(writer) == 36


def test_the_cache_sees_an_upload(writer: TestClient) -> None:
    before = writer.get(f"{API}/documents", params={"country": "KAZ"}).json()["documents"]
    assert upload(writer, [("KAZ_80_2025.txt", STATEMENT.encode())]).status_code == 200
    after = writer.get(f"{API}/documents", params={"country": "KAZ"}).json()["documents"]
    assert len(after) == len(before) + 1


def test_an_upload_is_named_by_its_base_name(corpus: Path, writer: TestClient) -> None:
    r = upload(writer, [("../../etc/KAZ_81_2026.txt", STATEMENT.encode()),
                        ("C:\\Users\\me\\note.md", NOTE.encode())])
    rows = r.json()["documents"]
    assert [row["path"] for row in rows] == ["KAZ_81_2026.txt", "note.md"]
    paths = {d["path"] for d in writer.get(f"{API}/documents", params={"limit": 100})
             .json()["documents"]}
    assert {"KAZ_81_2026.txt", "note.md"} <= paths
    assert not any("/" in p or "\\" in p for p in paths if not p.startswith("sample:"))


def test_upload_names() -> None:
    from multivector.services.ingest import upload_name

    assert upload_name("/srv/x/../KAZ_75_2020.txt", 1) == "KAZ_75_2020.txt"
    assert upload_name("a\x00b\nc.md", 1) == "abc.md"
    assert upload_name("..", 2) == "upload-2" and upload_name(None, 3) == "upload-3"
    assert len(upload_name("x" * 500 + ".txt", 1)) == 200


def test_an_upload_over_the_limit_is_refused_whole(corpus: Path, writer: TestClient) -> None:
    big = ("word " * 12_000).encode()  # 60 kB, over the 0.05 MB limit
    r = upload(writer, [("big.txt", big), ("note.md", NOTE.encode())])
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "MV413" and "0.05 MB" in r.json()["error"]["message"]
    # a body sent in chunks, without a declared length, is counted as it arrives
    r = writer.post(f"{API}/documents", content=iter([b"x" * 20_000] * 4),
                    headers={**AUTH, "Content-Type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413
    assert documents(writer) == 33


def test_bad_upload_requests(corpus: Path, writer: TestClient) -> None:
    files = [("note.md", NOTE.encode())]
    r = writer.post(f"{API}/documents", headers=AUTH, data={"genre": "news"})
    assert r.status_code == 422 and r.json()["error"]["message"].startswith("files")
    r = upload(writer, files, genre="novel")
    assert r.status_code == 400 and "speech" in r.json()["error"]["hint"]
    r = upload(writer, files, concept="kaz/2021")
    assert r.status_code == 404 and "kaz/2020-2030" in r.json()["error"]["hint"]
    r = upload(writer, files, country="KAZ,UZB")
    assert r.status_code == 400
    assert documents(writer) == 33
    assert_clean(r.text, corpus)


def test_recode_codes_the_documents_chosen_against_the_edition(writer: TestClient) -> None:
    tkm = writer.get(f"{API}/documents", params={"country": "TKM"}).json()["documents"]
    chosen = [d["doc_id"] for d in tkm if d["date"].startswith("2020")]
    assert len(chosen) == 1

    def editions(doc_id: str) -> set[str]:
        doc = writer.get(f"{API}/documents/{doc_id}", params={"layer": "element"}).json()
        return {a["attr_edition"] for a in doc["annotations"]}

    assert editions(chosen[0]) == {"kaz/2014-2020"}
    r = recode(writer, ONE_DOCUMENT)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["concept"] == "kaz/2020-2030" and body["documents"] == 1
    assert body["annotations"] > 0
    assert editions(chosen[0]) == {"kaz/2020-2030"}
    other = next(d["doc_id"] for d in tkm if d["doc_id"] != chosen[0])
    assert editions(other) == {"kaz/2014-2020"}

    r = recode(writer, {"concept": "kaz/2099"})
    assert r.status_code == 404 and "kaz/" in r.json()["error"]["hint"]
    r = recode(writer, {"concept": "kaz/2020-2030", "country": ["XYZ"]})
    assert r.status_code == 400 and "XYZ" in r.json()["error"]["message"]
    assert recode(writer, {"concept": "kaz/2020-2030", "contry": ["KAZ"]}).status_code == 422


def test_writes_are_the_routes_that_need_the_token(corpus: Path) -> None:
    from multivector.interfaces.web.app import write_routes

    app = create_app(WebSettings(db=str(corpus), token=TOKEN))
    assert write_routes(app) == {("POST", f"{API}/documents"), ("POST", f"{API}/recode"),
                                 ("POST", f"{API}/labels"), ("POST", f"{API}/labels/reconcile")}


@pytest.mark.parametrize(("settings", "headers", "status"), [
    ({"token": TOKEN}, [], 401),
    ({"token": TOKEN}, [(b"authorization", b"Bearer wrong")], 401),
    ({"token": TOKEN, "read_only": True}, [(b"authorization", f"Bearer {TOKEN}".encode())], 403),
    ({}, [(b"authorization", b"Bearer anything")], 403),
])
def test_a_refused_write_is_answered_before_its_body_is_read(
        corpus: Path, settings: dict[str, Any], headers: list[tuple[bytes, bytes]],
        status: int) -> None:
    """An anonymous client cannot make the server hold an upload: the body is never read."""
    import asyncio
    import json

    app = create_app(WebSettings(db=str(corpus), **settings))
    read: list[int] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        read.append(1)
        return {"type": "http.request", "body": b"x" * 1000, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": f"{API}/documents", "query_string": b"",
             "root_path": "", "headers": [(b"content-length", b"19000000"), *headers],
             "scheme": "http", "server": ("test", 80), "client": ("test", 1),
             "http_version": "1.1", "asgi": {"version": "3.0"}}
    asyncio.run(app(scope, receive, send))
    assert read == [] and sent[0]["status"] == status
    body = json.loads(sent[1]["body"])
    assert body["error"]["code"] == f"MV{status}" and body["error"]["hint"]
    headers_sent = dict(sent[0]["headers"])
    assert b"content-security-policy" in headers_sent  # the gate sits inside the headers
