"""The ingest use case: the pure annotate step, batched writes, and what stops a batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from multivector.adapters.knowledge import KnowledgeBase
from multivector.domain.corpus import Document, DocumentMeta, Layer
from multivector.ingest.readers import Failure, Origin, RawDocument
from multivector.pipeline import Annotator, UnsupportedDocument, annotate
from multivector.services.ingest import ingest
from multivector.services.knowledge import default_knowledge
from multivector.store.sqlite import SQLiteStore
from tests.test_corpus import FAST

TEXTS = [
    "Kazakhstan and Russia signed a treaty on the Caspian Sea in 2018.",
    "The President of Kazakhstan paid a state visit to China in 2019.",
    "Kazakhstan hosted talks on Syria in Astana in 2017.",
    "Uzbekistan and Kazakhstan agreed on water sharing in Central Asia.",
    "Kazakhstan chaired the OSCE in 2010 and hosted its summit in Astana.",
]


def raw(text: str, n: int, language: str | None = "en") -> RawDocument:
    meta = DocumentMeta(title=f"doc {n}", date=dt.date(2019, 9, 25), language=language,
                        country="KAZ")
    return RawDocument(text, meta, Origin(f"doc{n}.txt"))


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_knowledge()


def test_annotate_is_pure_and_repeatable(kb: KnowledgeBase) -> None:
    doc = Document.create(TEXTS[0], raw(TEXTS[0], 0).meta)
    first = annotate(doc, kb, FAST, edition="kaz/2020-2030")
    second = annotate(doc, kb, FAST, edition="kaz/2020-2030")
    assert first.annotations == second.annotations and first.passages == second.passages
    actors = {a.label for a in first.annotations if a.layer is Layer.ACTOR}
    assert {"KAZ", "RUS"} <= actors
    assert first.embeddings is not None and first.embeddings.shape[0] == len(first.passages)


def test_annotate_refuses_what_it_cannot_code(kb: KnowledgeBase) -> None:
    french = Document.create("Le Kazakhstan et la France.", DocumentMeta(language="fr"))
    with pytest.raises(UnsupportedDocument, match="language not supported"):
        annotate(french, kb, FAST)
    annotator = Annotator(kb, FAST, max_passages=3)
    many = Document.create("\n\n".join(TEXTS), DocumentMeta(language="en"))
    with pytest.raises(UnsupportedDocument, match="5 passages, above the cap of 3"):
        annotator(many)


def test_documents_are_written_in_batches(kb: KnowledgeBase, tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "b.db")
    annotator = Annotator(kb, FAST)
    docs = [raw(t, i) for i, t in enumerate(TEXTS)]
    docs.insert(2, Failure("bad.txt", None, "unreadable: written for the test"))
    docs.append(raw(TEXTS[0], 99))  # the same text again: a duplicate within the run
    seen: list[tuple[str, int]] = []
    report = ingest(docs, store=store, annotator=annotator, batch_documents=2,
                    progress=lambda name, n: seen.append((name, n)))
    assert len(report.ingested) == 5 and len(report.duplicates) == 1
    assert [f.path for f in report.failures] == ["bad.txt"]
    assert store.count()["documents"] == 5
    assert [n for _, n in seen] == list(range(1, 8))  # one step per file, failures included
    again = ingest([raw(t, i) for i, t in enumerate(TEXTS)], store=store, annotator=annotator)
    assert not again.ingested and len(again.duplicates) == 5
    store.close()


def test_an_interrupted_batch_keeps_what_was_coded(kb: KnowledgeBase, tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "i.db")

    def interrupted() -> Iterator[RawDocument]:
        yield raw(TEXTS[0], 0)
        yield raw(TEXTS[1], 1)
        raise KeyboardInterrupt

    report = ingest(interrupted(), store=store, annotator=Annotator(kb, FAST),
                    batch_documents=10)
    assert report.interrupted and len(report.ingested) == 2
    assert store.count()["documents"] == 2
    store.close()


def test_unsupported_documents_fail_and_the_rest_goes_on(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    store = SQLiteStore(tmp_path / "u.db")
    docs = [raw(TEXTS[0], 0), raw("Bonjour à tous.", 1, language="fr"), raw(TEXTS[1], 2)]
    report = ingest(docs, store=store, annotator=Annotator(kb, FAST))
    assert len(report.ingested) == 2
    assert [(f.path, "language not supported" in f.reason) for f in report.failures] == [
        ("doc1.txt", True)]
    store.close()


def test_each_document_records_the_edition_it_was_coded_against(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    from multivector.services.coding import code

    store = SQLiteStore(tmp_path / "p.db")
    report = ingest([raw(TEXTS[0], 0)], store=store,
                    annotator=Annotator(kb, FAST, edition="kaz/2020-2030"))
    doc_id = report.doc_ids[0]
    assert store.pipelines([doc_id])[doc_id]["edition"] == "kaz/2020-2030"
    code(store, Annotator(kb, FAST, edition="kaz/2014-2020"))
    stamp = store.pipelines([doc_id])[doc_id]
    assert stamp["edition"] == "kaz/2014-2020" and stamp["elements"]  # versions kept too
    assert store.pipelines(["no-such-id"]) == {}
    store.close()


def test_recoding_without_an_edition_keeps_each_documents_own(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    from multivector.domain.corpus import Layer
    from multivector.services.corpus import Corpus

    with Corpus(tmp_path / "r.db", knowledge=kb, config=FAST, edition="kaz/2014-2020") as c:
        c.ingest_documents([raw(TEXTS[0], 0)])
        before = [a for a in c.store.annotations(layers=[Layer.ELEMENT])]
    with Corpus(tmp_path / "r.db", knowledge=kb, config=FAST) as c:  # no --concept
        counts = c.code()
        after = [a for a in c.store.annotations(layers=[Layer.ELEMENT])]
        doc_id = next(row[0] for row in c.store.document_table())
        stamp = c.store.pipelines([doc_id])[doc_id]
    assert counts["documents"] == 1 and stamp["edition"] == "kaz/2014-2020"
    assert {a.attrs["edition"] for a in after} <= {"kaz/2014-2020"}
    assert len(after) == len(before)
