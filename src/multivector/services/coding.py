"""The re-coding use case: run the coding components again over stored passages, after a
codebook, registry or edition change, keeping segmentation and stored embeddings."""

from __future__ import annotations

from multivector.domain.corpus import Layer
from multivector.pipeline import Annotator
from multivector.services.ingest import Progress
from multivector.store.base import CorpusRepository, Filters

CODED_LAYERS = (Layer.ACTOR, Layer.DATE, Layer.THEME, Layer.ELEMENT, Layer.EVENT)


def code(
    store: CorpusRepository,
    annotator: Annotator,
    *,
    filters: Filters | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Re-code the documents matching ``filters``; counts of documents and annotations.

    Each document's new annotations replace its old ones in one transaction, so an interrupted
    run leaves every document coded one way or the other, never half."""
    n_docs = n_ann = 0
    ids = [d.id for d in store.documents(filters)]  # the list first: writes follow reads
    for n, doc_id in enumerate(ids, 1):
        document = store.document(doc_id)
        stored = store.embeddings(doc_id)
        doc = annotator.recode(document, store.passages(doc_id), stored)
        store.replace_annotations(
            doc_id, CODED_LAYERS, doc.annotations, None if stored is not None else doc.embeddings,
            pipeline=annotator.stamp(),
        )
        n_docs += 1
        n_ann += len(doc.annotations)
        if progress is not None:
            progress(document.meta.title or doc_id[:12], n)
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
