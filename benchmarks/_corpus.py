"""The benchmark corpus: the UN General Debate statements bundled with the package (the sample
``ungd-central-asia``), replicated to a size."""

from __future__ import annotations

import re

from multivector.domain.corpus import AnnotatedDocument, Document, DocumentMeta
from multivector.ingest import RawDocument
from multivector.pipeline.components.segment import Segmenter
from multivector.samples import iter_documents

SAMPLE = "ungd-central-asia"


def load_texts() -> list[tuple[str, DocumentMeta]]:
    """The sample's 156 statements with their metadata, as ingest reads them."""
    out = []
    for item in iter_documents(SAMPLE):
        if not isinstance(item, RawDocument):
            raise SystemExit(f"benchmark corpus: {item}")
        out.append((item.text, item.meta))
    return out


def replicated_documents(megabytes: float) -> list[AnnotatedDocument]:
    """Segmented documents whose texts add up to at least ``megabytes`` of UTF-8."""
    base = load_texts()
    seg = Segmenter()
    docs: list[AnnotatedDocument] = []
    size = 0
    copy = 0
    while size < megabytes * 1e6:
        for text, meta in base:
            # a marker line keeps every copy a distinct document (distinct content hash)
            body = f"[copy {copy}]\n\n{text}"
            doc = seg(AnnotatedDocument(Document.create(body, meta)))
            docs.append(doc)
            size += len(body.encode("utf-8"))
        copy += 1
    return docs


def passage_texts(docs: list[AnnotatedDocument]) -> list[str]:
    return [re.sub(r"\s+", " ", t) for d in docs for _, t in d.iter_passages()]


def megabytes(docs: list[AnnotatedDocument]) -> float:
    return sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
