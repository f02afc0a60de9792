"""The OpenAPI description holds: a property-based run (schemathesis) against every operation of
the app in process, checking that no request makes a server error and that every response has a
documented status, content type and schema. Bounded: a few derandomised examples per operation,
heavy analysis parameters capped, writes with the token against a copy of the corpus."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis import checks  # noqa: E402

from multivector.interfaces.web import WebSettings, create_app  # noqa: E402

TOKEN = "property-token"
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance]
# the analyses' interval draws (the schema allows 10,000) cost time, not coverage
CAPS = {"draws": 50, "bootstrap": 50, "limit": 50, "top": 50}

# The app is made at collection (schemathesis parametrizes over the operations of its schema);
# its corpus, a copy of the web_db fixture, is put in place before the first test runs.
_FOLDER = Path(tempfile.mkdtemp(prefix="multivector-openapi-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)
DB = _FOLDER / "corpus.db"
app = create_app(WebSettings(db=str(DB), token=TOKEN, max_upload_mb=0.2))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
# the examples of the schema and a few generated cases per operation; the coverage phase (every
# boundary of every parameter) would take minutes
schema.config.phases.coverage.enabled = False


@schema.hook  # type: ignore[untyped-decorator]
def map_query(_ctx: Any, query: dict[str, Any] | None) -> dict[str, Any] | None:
    if not query:
        return query
    for name, cap in CAPS.items():
        if isinstance(query.get(name), int) and query[name] > cap:
            query[name] = cap
    return query


@schema.hook  # type: ignore[untyped-decorator]
def map_body(ctx: Any, body: Any) -> Any:
    """A re-coding touches one document (all 33 would take half a minute per example)."""
    if ctx.operation is not None and ctx.operation.path.endswith("/recode") and isinstance(
            body, dict):
        body.update({"country": ["TKM"], "from": "2020", "to": "2020"})
    return body


@pytest.fixture(scope="module")
def corpus(web_db: Path) -> Path:
    if not DB.exists():
        shutil.copy(web_db, DB)
    return DB


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_its_contract(case: Any, corpus: Path) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"} if case.method == "POST" else None
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    assert b"Traceback" not in response.content
    assert str(corpus.parent).encode() not in response.content
