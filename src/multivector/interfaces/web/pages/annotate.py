"""The annotation pages: label passages one at a time as a named coder (the pipeline's
suggestions pre-ticked among every value of the layer), and the passages coders disagree on,
with the coders' agreement and a form to record the consensus (`multivector annotate`,
`multivector labels disagreements` and `labels reconcile`).

A label is saved by a form sent to the page itself, which checks the server's bearer token
(typed into the form) as the API's writes do, refuses on a read-only server, stores the label
and sends the browser on to a GET of the next view, so that reloading stores nothing twice.
The pages work without JavaScript; /static/js/annotate.js only keeps the typed token for the
tab, so that it is asked for once."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from multivector.domain.labels import CONSENSUS, check_coder
from multivector.errors import UsageError
from multivector.interfaces.web.api.common import cache_of, many
from multivector.interfaces.web.api.labels import checked_values, skipped
from multivector.interfaces.web.api.models.labels import MAX_NOTE, LabelLayer
from multivector.interfaces.web.app import CorpusDep, KnowledgeDep, settings_of, writer_refusal
from multivector.interfaces.web.pages.base import (
    Labels,
    PageRoute,
    Query,
    doc_url,
    render,
    twin,
    url,
)
from multivector.services.annotation import (
    PassageToLabel,
    allowed_values,
    disagreements,
    label_passage,
    next_to_label,
    passage_to_label,
    remaining,
    store_agreement,
)
from multivector.services.corpus import Corpus
from multivector.services.knowledge import KnowledgeBase

router = APIRouter(route_class=PageRoute, include_in_schema=False)
LAYERS = ("themes", "elements", "events")
LAYER_NAMES = {"themes": "Themes", "elements": "Concept elements", "events": "Events"}
MAX_PASSAGE = 10_000_000
Group = tuple[str, list[tuple[str, str]]]  # a heading and its (value, name) pairs


def value_groups(kb: KnowledgeBase, layer: str) -> list[Group]:
    """Every value a label of ``layer`` may take, grouped as a coder looks for them: leaf
    themes under their family (codebook order), elements under their edition, event types."""
    allowed = allowed_values(kb, layer)
    if layer == "themes":
        themes = list(kb.codebook)
        leaves = [t for t in themes if t.id in allowed]
        groups = []
        for family in themes:
            members = [(t.id, t.label("en")) for t in leaves if (t.parent or t.id) == family.id]
            if members:
                groups.append((family.label("en"), members))
        return groups
    if layer == "elements":
        seen: set[str] = set()
        out = []
        for edition in kb.editions():
            members = [(e.id, e.title) for e in edition.elements if e.id not in seen]
            seen.update(e.id for e in edition.elements)
            if members:
                out.append((edition.id, members))
        return out
    return [("Event types", [(v, v.replace("_", " ")) for v in sorted(allowed)])]


def value_name(labels: Labels, layer: str, value: str) -> str:
    if layer == "themes":
        return labels.theme(value)
    if layer == "elements":
        return labels.element(value)
    return value.replace("_", " ")


def _passage_view(item: PassageToLabel, coder: str, layer: str, labels: Labels
                  ) -> dict[str, Any]:
    own = item.labels.get(coder)
    return {
        "item": item,
        "own": own,
        # a passage labelled before shows the coder's own labels, else the suggestions
        "ticked": set(own) if own is not None else {s.value for s in item.suggestions},
        "suggestions": [(s, value_name(labels, layer, s.value)) for s in item.suggestions],
        "others": [(c, [(v, value_name(labels, layer, v)) for v in values])
                   for c, values in item.labels.items() if c != coder],
        "doc_href": doc_url(item.doc_id, item.passage),
    }


# ------------------------------------------------------------------------------ labelling


@router.get("/annotate", response_class=HTMLResponse)
def annotate(request: Request, corpus: CorpusDep, kb: KnowledgeDep) -> HTMLResponse:
    q = Query(request, takes=("coder", "layer", "skip", "doc", "passage", "saved"))
    coder = q.one("coder")
    layer = q.choice("layer", LAYERS, "themes") or "themes"
    skips = q.many("skip")
    passed = skipped(skips)
    saved = q.one("saved")
    saved_at = skipped([saved], "saved")[0] if saved else None
    context: dict[str, Any] = {
        "coder": coder or "", "layer": layer, "layer_name": LAYER_NAMES[layer],
        "layers": [(x, LAYER_NAMES[x]) for x in LAYERS], "skip": skips, "item": None,
        "saved": None if saved_at is None else {
            "ref": f"{saved_at[0][:16]}:{saved_at[1]}",
            "href": url("/annotate", {"coder": coder, "layer": layer, "doc": saved_at[0],
                                      "passage": saved_at[1]})},
    }
    if coder is None:  # the form that asks for a coder name
        return render(request, "annotate.html", context)
    check_coder(coder)
    doc, at = q.one("doc"), q.one("passage")
    if (doc is None) != (at is None):
        raise UsageError("doc and passage go together",
                         hint="give both (a document id and a passage number), or neither for "
                         "the next passage to label")
    if doc is not None:
        index = q.integer("passage", 0, 0, MAX_PASSAGE)
        full = corpus.resolve_id(doc)
        item: PassageToLabel | None = passage_to_label(corpus.store, full, index, layer,
                                                       coder=coder)
        context["twins"] = [twin("This passage", f"/labels/passage/{quote(full)}/{index}",
                                 {"layer": layer}, tables=())]
        context["left"] = None
    else:
        item = next_to_label(corpus.store, coder, layer, skip=passed)
        context["twins"] = [twin("The next passage", "/labels/next",
                                 {"coder": coder, "layer": layer, "skip": skips}, tables=())]
        context["left"] = (max(remaining(corpus.store, coder, layer) - len(set(passed)), 1)
                           if item else 0)
    if item is not None:
        context.update(_passage_view(item, coder, layer, Labels(kb)),
                       groups=value_groups(kb, layer), offered=allowed_values(kb, layer))
    return render(request, "annotate.html", context)


@router.post("/annotate", response_class=HTMLResponse)
async def annotate_save(
    request: Request, corpus: CorpusDep, kb: KnowledgeDep,
    coder: Annotated[str, Form(max_length=64)],
    doc_id: Annotated[str, Form(max_length=64)],
    passage: Annotated[int, Form(ge=0, le=MAX_PASSAGE)],
    layer: Annotated[LabelLayer, Form()] = "themes",
    values: Annotated[list[str] | None, Form()] = None,
    note: Annotated[str, Form(max_length=MAX_NOTE)] = "",
    token: Annotated[str, Form(max_length=1_000)] = "",
    action: Annotated[str, Form(pattern="^(save|skip)$")] = "save",
    skip: Annotated[list[str] | None, Form()] = None,
) -> Response:
    Query(request, takes=())
    skips = many(skip)
    skipped(skips)
    back: dict[str, Any] = {"coder": coder, "layer": layer, "skip": skips}
    if action == "skip":  # nothing is stored: no token needed
        back["skip"] = [*skips, f"{doc_id}:{passage}"]
        return RedirectResponse(url("/annotate", back), status_code=303)
    refusal = writer_refusal(settings_of(request), token.strip())
    if refusal is not None:
        raise refusal
    chosen = checked_values(kb, layer, values or [], coder)
    full = await _store(request, corpus, kb, doc_id, passage, coder, layer, chosen, note)
    return RedirectResponse(url("/annotate", {**back, "saved": f"{full}:{passage}"}),
                            status_code=303)


async def _store(request: Request, corpus: Corpus, kb: KnowledgeBase, doc_id: str,
                 passage: int, coder: str, layer: str, values: tuple[str, ...], note: str
                 ) -> str:
    """Store the label (in the thread pool) and clear the cached answers; the document's id."""

    def write() -> str:
        full = corpus.resolve_id(doc_id)
        label_passage(corpus.store, kb, full, passage, coder, layer, values, note.strip() or None)
        return full

    try:
        return await run_in_threadpool(write)
    finally:
        cache_of(request).clear()


# ------------------------------------------------------------------------------ disagreements


@router.get("/annotate/disagreements", response_class=HTMLResponse)
def disagreement_list(request: Request, corpus: CorpusDep, kb: KnowledgeDep) -> HTMLResponse:
    q = Query(request, takes=("layer", "all", "saved"))
    layer = q.choice("layer", LAYERS, "themes") or "themes"
    everything = q.flag("all")
    saved = q.one("saved")
    saved_at = skipped([saved], "saved")[0] if saved else None
    labels = Labels(kb)
    found = disagreements(corpus.store, layer, include_reconciled=everything)
    coders = sorted({c for d in found for c in d.labels})
    rows = []
    for d in found:
        item = passage_to_label(corpus.store, d.doc_id, d.passage, layer)
        given = sorted({v for vs in d.labels.values() for v in vs} | set(d.consensus or ()))
        # the form starts from the consensus, else from what every coder gave
        agreed = (set(d.consensus) if d.consensus is not None
                  else set.intersection(*(set(v) for v in d.labels.values())))
        rows.append({
            "d": d, "item": item, "href": doc_url(d.doc_id, d.passage),
            "cells": [None if c not in d.labels else
                      [(v, value_name(labels, layer, v)) for v in d.labels[c]] for c in coders],
            "consensus": None if d.consensus is None else
            [(v, value_name(labels, layer, v)) for v in d.consensus],
            "choices": [(v, value_name(labels, layer, v), v in agreed) for v in given],
            "annotate": url("/annotate", {"coder": CONSENSUS, "layer": layer, "doc": d.doc_id,
                                          "passage": d.passage}),
        })
    result = store_agreement(corpus.store, kb, layer)
    state = {"layer": layer, "all": everything}
    twins = [twin("These disagreements", "/labels/disagreements", state)]
    if result.pairable:
        twins.append(twin("The coders' agreement", "/agreement", {"layer": layer}))
    return render(request, "disagreements.html", {
        "layer": layer, "layer_name": LAYER_NAMES[layer], "everything": everything,
        "layers": [(x, LAYER_NAMES[x]) for x in LAYERS], "coders": coders, "rows": rows,
        "agreement": result if result.pairable else None, "consensus_coder": CONSENSUS,
        "saved": None if saved_at is None else f"{saved_at[0][:16]}:{saved_at[1]}",
        "twins": twins,
    })


@router.post("/annotate/disagreements", response_class=HTMLResponse)
async def reconcile(
    request: Request, corpus: CorpusDep, kb: KnowledgeDep,
    doc_id: Annotated[str, Form(max_length=64)],
    passage: Annotated[int, Form(ge=0, le=MAX_PASSAGE)],
    layer: Annotated[LabelLayer, Form()] = "themes",
    values: Annotated[list[str] | None, Form()] = None,
    other: Annotated[str, Form(max_length=MAX_NOTE)] = "",
    note: Annotated[str, Form(max_length=MAX_NOTE)] = "",
    token: Annotated[str, Form(max_length=1_000)] = "",
    everything: Annotated[bool, Form(alias="all")] = False,
) -> Response:
    Query(request, takes=())
    refusal = writer_refusal(settings_of(request), token.strip())
    if refusal is not None:
        raise refusal
    chosen = checked_values(kb, layer, [*(values or []), *other.split(",")])
    full = await _store(request, corpus, kb, doc_id, passage, CONSENSUS, layer, chosen, note)
    return RedirectResponse(url("/annotate/disagreements", {
        "layer": layer, "all": everything, "saved": f"{full}:{passage}"}), status_code=303)
