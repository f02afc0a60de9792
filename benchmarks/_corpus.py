"""The benchmark corpus: the UN General Debate statements in ../shared, replicated to a size."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from multivector.domain.corpus import AnnotatedDocument, Document, DocumentMeta
from multivector.ingest.metadata import meta_from_name
from multivector.pipeline.components.segment import Segmenter

SHARED = Path(__file__).resolve().parents[2] / "shared"
TEXTS = SHARED / "corpora/ungd-central-asia/texts"


def load_texts() -> list[tuple[str, DocumentMeta]]:
    if not TEXTS.exists():
        raise SystemExit(f"benchmark corpus not found: {TEXTS} (shared/ must sit beside the repo)")
    out = []
    for path in sorted(TEXTS.glob("*.txt")):
        meta = meta_from_name(path) or DocumentMeta(date=dt.date(2000, 1, 1))
        out.append((path.read_text(encoding="utf-8"), meta))
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
