"""The re-coding use case: run the coding components again over stored passages, after a
codebook, registry or edition change, keeping segmentation and stored embeddings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from multivector.domain.corpus import AnnotatedDocument, Document, Layer, Passage
from multivector.pipeline import Annotator
from multivector.services.ingest import Progress
from multivector.store.base import CorpusRepository, Filters

CODED_LAYERS = (Layer.ACTOR, Layer.DATE, Layer.THEME, Layer.ELEMENT, Layer.EVENT)

Stored = tuple[Document, list[Passage], Any]  # a document, its passages, its embeddings or None
Recoder = Callable[[Iterable[Stored]], Iterator[AnnotatedDocument]]
"""Re-codes stored documents in the order given: here (:func:`recode_here`) or on workers
(:meth:`multivector.services.distributed.DaskCoder.recoder`)."""


def recode_here(annotator: Annotator) -> Recoder:
    """The recoder that runs ``annotator`` in this process."""

    def run(items: Iterable[Stored]) -> Iterator[AnnotatedDocument]:
        for document, passages, embeddings in items:
            yield annotator.recode(document, passages, embeddings)

    return run


def code(
    store: CorpusRepository,
    annotator: Annotator,
    *,
    filters: Filters | None = None,
    progress: Progress | None = None,
    recoder: Recoder | None = None,
) -> dict[str, int]:
    """Re-code the documents matching ``filters``; counts of documents and annotations.

    Each document's new annotations replace its old ones in one transaction, so an interrupted
    run leaves every document coded one way or the other, never half. ``recoder`` codes them
    elsewhere (it must code as ``annotator`` does, whose stamp is recorded); else here."""
    n_docs = n_ann = 0
    ids = [d.id for d in store.documents(filters)]  # the list first: writes follow reads

    embedded: set[str] = set()  # read with stored embeddings, which are kept (not rewritten)

    def stored() -> Iterator[Stored]:
        for doc_id in ids:
            embeddings = store.embeddings(doc_id)
            if embeddings is not None:
                embedded.add(doc_id)
            yield store.document(doc_id), store.passages(doc_id), embeddings

    run = recoder or recode_here(annotator)
    for n, doc in enumerate(run(stored()), 1):
        document = doc.document
        kept = document.id in embedded
        embedded.discard(document.id)
        store.replace_annotations(
            document.id, CODED_LAYERS, doc.annotations, None if kept else doc.embeddings,
            pipeline=annotator.stamp(),
        )
        n_docs += 1
        n_ann += len(doc.annotations)
        if progress is not None:
            progress(document.meta.title or document.id[:12], n)
    if n_docs:
        store.prepare_search()  # new embeddings: the vector index, now rather than at a search
    return {"documents": n_docs, "annotations": n_ann}


def coded_editions(store: CorpusRepository, doc_ids: list[str]) -> dict[str, str]:
    """The edition each document was last coded against ("" for none): from the record kept
    with the document, else (documents stored before it was kept) from its elements."""
    from dataclasses import replace

    stamps = store.pipelines(doc_ids)
    out = {d: stamps[d]["edition"] for d in doc_ids if "edition" in stamps.get(d, {})}
    unknown = [d for d in doc_ids if d not in out]
    if unknown:
        chosen = replace(Filters(), doc_ids=tuple(unknown))
        for a in store.annotations(layers=[Layer.ELEMENT], filters=chosen):
            out.setdefault(a.doc_id, str(a.attrs.get("edition") or ""))
    return {d: out.get(d, "") for d in doc_ids}
