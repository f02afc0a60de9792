"""Shared fixtures: hand-made editions written as YAML into temporary folders."""

from __future__ import annotations

import atexit
import copy
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, settings

SHARED = Path(__file__).resolve().parents[2] / "shared"

# Hypothesis: the default run is deterministic, the same examples on every machine and every run
# (a seed fixed per test, no example database, no timing-dependent health check), so a red CI run
# is red again locally. The "dev" profile explores new random examples and remembers failing ones
# (HYPOTHESIS_PROFILE=dev pytest ...); a failure prints the example to pin with @example.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", derandomize=False, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The compiled knowledge cache of the tests: a private folder per test process (never the
# user's own, never a predictable shared path), removed at its exit; CLI subprocesses inherit
# it. A pytest-xdist worker inherits the folder its controller made, and makes its own.
if ("MULTIVECTOR_CACHE_DIR" not in os.environ
        or os.environ.get("MULTIVECTOR_TESTS_CACHE_OF", str(os.getpid())) != str(os.getpid())):
    _CACHE = tempfile.mkdtemp(prefix="multivector-tests-")
    os.environ["MULTIVECTOR_CACHE_DIR"] = _CACHE
    os.environ["MULTIVECTOR_TESTS_CACHE_OF"] = str(os.getpid())
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)


def base_edition(**overrides: Any) -> dict[str, Any]:
    """A small, valid edition of a made-up state, written for the tests."""
    data: dict[str, Any] = {
        "id": "tst/2001-2010",
        "country": "KAZ",
        "title": "Test concept 2001-2010",
        "period": {"start": 2001, "end": 2010},
        "adopted": "2001-02-03",
        "legal_act": {"kind": "decree", "number": "12", "date": "2001-02-03"},
        "completeness": {"level": "partial", "statement": "Written for the tests."},
        "sources": [
            {"id": "text", "title": "Official text", "kind": "official",
             "url": "https://example.org/text"},
            {"id": "essay", "title": "An essay", "kind": "secondary", "seed": "essay.txt"},
        ],
        "structure": [{"id": "ch1", "title": "Principles", "level": "chapter", "order": 1},
                      {"id": "ch2", "title": "Priorities", "level": "chapter", "order": 2}],
        "elements": [
            {
                "id": "principle.balance",
                "kind": "principle",
                "domain": "general",
                "title": "Balanced relations",
                "summary": "Keep relations with all major powers in balance.",
                "themes": ["statecraft.multivector"],
                "parent": "ch1",
                "order": 1,
                "evidence": [{"source": "text", "locator": "ch. 1 para 2", "level": "official"}],
            },
            {
                "id": "priority.bilateral.russia",
                "kind": "priority",
                "domain": "bilateral",
                "title": "Russia",
                "summary": "Deepen the relationship with Russia.",
                "themes": ["economy.integration"],
                "partners": [{"actor": "RUS", "wording": "strategic partnership",
                              "tier": "strategic_partnership"}],
                "parent": "ch2",
                "order": 1,
                "evidence": [{"source": "text", "locator": "ch. 2 para 1", "level": "official"}],
            },
            {
                "id": "goal.citizens",
                "kind": "goal",
                "domain": "consular",
                "title": "Citizens abroad",
                "summary": "Protect citizens who live or travel abroad.",
                "themes": ["consular.citizens_abroad"],
                "parent": "ch2",
                "order": 2,
                "evidence": [{"source": "essay", "locator": "para 3", "level": "secondary",
                              "claim": {"key": "economic_priorities_count", "value": 9}}],
            },
            {
                "id": "priority.old",
                "kind": "priority",
                "domain": "economic",
                "title": "An old priority",
                "summary": "Something the next edition drops.",
                "parent": "ch2",
                "order": 3,
                "evidence": [{"source": "text", "locator": "ch. 2 para 9", "level": "official"}],
            },
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def edition_data() -> Callable[..., dict[str, Any]]:
    return lambda **kw: copy.deepcopy(base_edition(**kw))


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[[str, Any], Path]:
    def write(name: str, data: Any) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True,
                                                                 sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write


# ------------------------------------------------------------------ bundled samples on disk


@pytest.fixture(scope="session")
def ungd_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled UN General Debate sample written out once: README.md, speakers.csv, texts/."""
    from multivector.samples import extract_sample

    return extract_sample("ungd-central-asia", tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="session")
def kaz_texts(ungd_folder: Path) -> list[Path]:
    """Kazakhstan's 33 UN General Debate statements, 1992-2024, as files."""
    return sorted((ungd_folder / "texts").glob("KAZ_*.txt"))


# ------------------------------------------------------------------ a served corpus


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus file for the web tests: the five states' UN statements of 2014-2020 from the
    bundled sample (33 documents), coded against kaz/2014-2020. Tests that write copy it first."""
    from multivector.services.corpus import Corpus
    from multivector.services.ingest import Selection, documents_from
    from multivector.services.knowledge import default_knowledge
    from multivector.services.stores import open_store

    db = tmp_path_factory.mktemp("web") / "corpus.db"
    docs, _ = documents_from(Selection(sample="ungd-central-asia", years=(2014, 2020)))
    with Corpus(store=open_store(db), knowledge=default_knowledge()).for_edition(
        "kaz/2014-2020"
    ) as corpus:
        result = corpus.ingest_documents(docs)
    assert result.ok and len(result.doc_ids) == 33, result
    return db
