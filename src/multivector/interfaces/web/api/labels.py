"""Human labels (`multivector annotate`, `multivector labels`, `multivector agreement`): the next
passage a coder has not labelled, one passage with its suggestions, the disagreements of
coders and their agreement; storing a coder's labels and the consensus of a disputed passage
are writes, which need the server's bearer token."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from multivector.domain.labels import CONSENSUS, Label, check_coder
from multivector.errors import NotFoundError, UsageError
from multivector.interfaces.web.api.cache import Body
from multivector.interfaces.web.api.common import (
    CSV,
    FormatQuery,
    answer,
    cache_of,
    csv_body,
    is_offset,
    json_body,
    many,
    request_key,
)
from multivector.interfaces.web.api.models import ErrorBody
from multivector.interfaces.web.api.models import labels as m
from multivector.interfaces.web.api.writes import REFUSED
from multivector.interfaces.web.app import CorpusDep, KnowledgeDep, WebError, WriterDep
from multivector.services.annotation import (
    Disagreement,
    check_values,
    disagreements,
    label_passage,
    next_to_label,
    passage_to_label,
    remaining,
    store_agreement,
)
from multivector.services.knowledge import KnowledgeBase

router = APIRouter(tags=["labels"])
MAX_SKIPS = 500
MAX_BOOTSTRAP = 10_000
LayerQuery = Annotated[m.LabelLayer, Query(description="themes, elements or events.")]
WRITE: dict[int | str, dict[str, Any]] = {
    **REFUSED,
    404: {"model": ErrorBody, "description": "No such document, or it has no such passage."},
    422: {"model": ErrorBody, "description": "A value the layer does not have, or a coder "
          "name that is not usable: the message names the field (`values`, `coder`)."},
}


# ------------------------------------------------------------------------------ shared


def checked_values(kb: KnowledgeBase, layer: str, values: Iterable[str],
                   coder: str | None = None) -> tuple[str, ...]:
    """``values`` checked against the layer's vocabulary (and ``coder``'s name): a refusal is a
    422 whose message starts with the field it is about."""
    if coder is not None:
        try:
            check_coder(coder)
        except UsageError as exc:
            raise WebError(422, exc.code, f"coder: {exc.message}", exc.hint) from None
    try:
        return check_values(kb, layer, values)
    except UsageError as exc:
        raise WebError(422, exc.code, f"values: {exc.message}", exc.hint) from None


def skipped(values: Sequence[str], name: str = "skip") -> list[tuple[str, int]]:
    """Passages (to pass over), each given as DOCUMENT:INDEX in the parameter ``name``."""
    if len(values) > MAX_SKIPS:
        raise UsageError(f"{name}: {len(values)} passages given, at most {MAX_SKIPS}",
                         hint="label some of them, or start again without skip")
    out = []
    for value in values:
        doc, sep, index = value.rpartition(":")
        if not sep or not doc or not is_offset(index):
            raise UsageError(f"{name}: {value[:80]!r} is not DOCUMENT:INDEX",
                             hint="give a document id and a passage number, e.g. 3f2a9c1e:4")
        out.append((doc, int(index)))
    return out


def label_document(label: Label) -> dict[str, Any]:
    return {"doc_id": label.doc_id, "passage": label.passage, "layer": label.layer,
            "coder": label.coder, "values": list(label.values), "codebook": label.codebook,
            "labelled_at": label.labelled_at.isoformat(), "note": label.note}


def disagreement_rows(found: Iterable[Disagreement]) -> list[dict[str, Any]]:
    """The rows `labels disagreements --format csv` prints: a column per coder."""
    return [{"passage": f"{d.doc_id[:16]}:{d.passage}",
             **{f"coder {c}": ", ".join(v) or "(none)" for c, v in d.labels.items()},
             "consensus": None if d.consensus is None else ", ".join(d.consensus)}
            for d in found]


def no_overlap() -> UsageError:
    """What `multivector agreement` says when no passage has two coders."""
    return UsageError("no passage was labelled by two coders: agreement needs overlap",
                      hint="have a second coder label some of the same passages")


# ------------------------------------------------------------------------------ reads


@router.get("/labels/next", response_model=m.NextPassage, summary="The next passage the coder "
            "has not labelled on the layer, with the pipeline's suggestions and the labels "
            "other coders gave it (`multivector annotate`); 404 when none is left")
async def next_passage(
    request: Request, corpus: CorpusDep,
    coder: Annotated[str, Query(max_length=64, description="The coder's name.",
                                examples=["aigerim"])],
    layer: LayerQuery = "themes",
    skip: Annotated[list[str] | None, Query(
        description="Passages to pass over, as DOCUMENT:INDEX (repeatable).")] = None,
) -> Response:
    passed = skipped(many(skip))

    def build() -> Body:
        item = next_to_label(corpus.store, coder, layer, skip=passed)
        if item is None:
            raise NotFoundError(
                f"{coder} has no passage left to label on {layer}"
                + (f" ({len(passed)} skipped)" if passed else ""),
                hint="ingest more documents, or label the skipped ones" if passed
                else "ingest more documents, or choose another layer")
        left = remaining(corpus.store, coder, layer) - len(set(passed))
        return json_body({**item.document(), "remaining": max(left, 1)}, m.NextPassage)

    return await answer(request, request_key(request, "labels-next"), build)


@router.get("/labels/passage/{doc_id}/{index}", response_model=m.PassageToLabel,
            summary="A stored passage with the pipeline's suggestions and every coder's labels "
            "(`multivector annotate --passage DOCUMENT:INDEX`)")
async def passage(
    request: Request, corpus: CorpusDep,
    doc_id: Annotated[str, Path(description="The document's id, or its first characters (4 "
                                "or more).")],
    index: Annotated[int, Path(ge=0, le=10_000_000, description="The passage, from 0.")],
    layer: LayerQuery = "themes",
) -> Response:
    def build() -> Body:
        item = passage_to_label(corpus.store, corpus.resolve_id(doc_id), index, layer)
        return json_body(item.document(), m.PassageToLabel)

    return await answer(request, request_key(request, "labels-passage"), build)


@router.get("/labels/disagreements", response_model=m.Disagreements, responses=CSV,
            summary="Passages whose coders gave different labels, each coder's set and the "
            "consensus if one was recorded (`multivector labels disagreements`)")
async def disagreement_list(
    request: Request, corpus: CorpusDep, layer: LayerQuery = "themes",
    all_: Annotated[bool, Query(alias="all", description="Also reconciled ones.")] = False,
    format: FormatQuery = "json",
) -> Response:
    def build() -> Body:
        found = disagreements(corpus.store, layer, include_reconciled=all_)
        if format == "csv":
            return csv_body(disagreement_rows(found), f"disagreements_{layer}")
        return json_body({"layer": layer, "disagreements": [d.record() for d in found]},
                         m.Disagreements)

    return await answer(request, request_key(request, "labels-disagreements"), build)


@router.get("/agreement", response_model=m.Agreement, responses=CSV,
            summary="Krippendorff's alpha per label and overall, with bootstrap intervals over "
            "passages, and the agreement of each pair of coders (`multivector agreement`); "
            "CSV: the per-label table")
async def agreement(
    request: Request, corpus: CorpusDep, kb: KnowledgeDep, layer: LayerQuery = "themes",
    coder: Annotated[list[str] | None, Query(description="Only these coders (repeatable).")]
    = None,
    bootstrap: Annotated[int, Query(ge=0, le=MAX_BOOTSTRAP,
                                    description="Bootstrap resamples of passages.")] = 1000,
    seed: Annotated[int, Query(ge=0, le=2**32 - 1, description="Seed of the resamples.")] = 0,
    format: FormatQuery = "json",
) -> Response:
    coders = many(coder)

    def build() -> Body:
        result = store_agreement(corpus.store, kb, layer, coders=coders, bootstrap=bootstrap,
                                 seed=seed)
        if result.pairable == 0:
            raise no_overlap()
        if format == "csv":
            return csv_body(result.records(), f"agreement_{layer}")
        return json_body(result.document(), m.Agreement)

    return await answer(request, request_key(request, "agreement"), build)


# ------------------------------------------------------------------------------ writes


@router.post("/labels", response_model=m.StoredLabel, responses=WRITE,
             summary="Store one coder's labels for a passage, replacing their earlier ones "
             "(`multivector annotate --passage DOCUMENT:INDEX --set VALUES`)")
async def store_label(
    request: Request, _writer: WriterDep, corpus: CorpusDep, kb: KnowledgeDep,
    body: m.LabelBody,
) -> dict[str, Any]:
    values = checked_values(kb, body.layer, body.values, body.coder)

    def write() -> dict[str, Any]:
        doc_id = corpus.resolve_id(body.doc_id)
        return label_document(label_passage(corpus.store, kb, doc_id, body.passage, body.coder,
                                            body.layer, values, body.note))

    try:
        return await run_in_threadpool(write)
    finally:
        cache_of(request).clear()


@router.post("/labels/reconcile", response_model=m.StoredLabel, responses=WRITE,
             summary="Record the agreed labels of a disputed passage, as the coder "
             f"`{CONSENSUS}`, which training prefers and agreement leaves out "
             "(`multivector labels reconcile`)")
async def reconcile(
    request: Request, _writer: WriterDep, corpus: CorpusDep, kb: KnowledgeDep,
    body: m.ReconcileBody,
) -> dict[str, Any]:
    values = checked_values(kb, body.layer, body.values)

    def write() -> dict[str, Any]:
        doc_id = corpus.resolve_id(body.doc_id)
        return label_document(label_passage(corpus.store, kb, doc_id, body.passage, CONSENSUS,
                                            body.layer, values, body.note))

    try:
        return await run_in_threadpool(write)
    finally:
        cache_of(request).clear()
