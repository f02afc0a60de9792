"""The corpus pages: search with the words, names and rules that matched; the documents with
filters; one document with its annotations marked inline by layer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from multivector.domain.corpus import Annotation, Genre, Layer
from multivector.errors import UsageError
from multivector.interfaces.common import LANGUAGES
from multivector.interfaces.web.app import CorpusDep, KnowledgeDep
from multivector.interfaces.web.highlight import Span, highlight
from multivector.interfaces.web.pages.base import (
    CENTRAL_ASIA,
    FILTER_NAMES,
    Labels,
    PageRoute,
    Query,
    cursor_offset,
    doc_url,
    document_rows,
    make_cursor,
    pages,
    render,
    twin,
    url,
)
from multivector.interfaces.web.pages.concepts import theme_options
from multivector.services.corpus import MAX_LIMIT, Corpus
from multivector.services.corpus_documents import check_layers, matched_terms, search_document
from multivector.services.knowledge import KnowledgeBase
from multivector.store.base import Filters
from multivector.text.event_rules import EVENT_TYPES

router = APIRouter(route_class=PageRoute, include_in_schema=False)
LAYERS = ("actor", "theme", "element", "event", "date")
DEFAULT_LAYERS = ("actor", "theme", "element", "event")
LAYER_NAMES = {"actor": "Actors", "theme": "Themes", "element": "Concept elements",
               "event": "Events", "date": "Dates"}
PAGE_SIZES = {"search": 20, "documents": 50}


def filter_options(kb: KnowledgeBase, labels: Labels) -> dict[str, list[tuple[str, str]]]:
    """The choices offered for each filter with a closed set of values."""
    return {
        "country": [(c, f"{labels.actor(c)} ({c})") for c in CENTRAL_ASIA],
        "vector": [(v.id, v.label) for v in kb.vectors] + [("multilateral", "Multilateral")],
        "theme": theme_options(kb),
        "event": [(e, e.replace("_", " ")) for e in EVENT_TYPES],
        "genre": [(g.value, g.value.replace("_", " ")) for g in Genre],
        "lang": [(x, {"en": "English", "ru": "Russian", "kk": "Kazakh"}[x]) for x in LANGUAGES],
    }


def _passage_level(f: Filters) -> bool:
    return bool(f.actors or f.vectors or f.themes or f.elements or f.event_types)


def _matches(a: Annotation, f: Filters) -> bool:
    """Whether annotation ``a`` is one of those a passage-level filter asked for."""
    if a.layer is Layer.ACTOR:
        return a.label in f.actors or a.attrs.get("vector") in f.vectors
    if a.layer is Layer.THEME:
        return any(a.label == t or a.label.startswith(t + ".") for t in f.themes)
    if a.layer is Layer.ELEMENT:
        return a.label in f.elements
    if a.layer is Layer.EVENT:
        return a.label in f.event_types
    return False


def _name(a: Annotation | Mapping[str, Any], labels: Labels) -> str:
    layer = a.layer.value if isinstance(a, Annotation) else str(a["layer"])
    label = a.label if isinstance(a, Annotation) else str(a["label"])
    if layer == "actor":
        return labels.actor(label)
    if layer == "theme":
        return labels.theme(label)
    if layer == "element":
        return labels.element(label)
    return label.replace("_", " ")


def _hit_view(hit: dict[str, Any], matched: Sequence[Mapping[str, Any]],
              annotations: Sequence[Annotation], f: Filters, labels: Labels) -> dict[str, Any]:
    snippet = str(hit["snippet"])
    spans = [Span(a, b, "hit", "matched the query") for a, b in hit["highlights"]]
    inside = [a for a in annotations if a.passage == hit["passage"]]
    why = [{"layer": a.layer.value, "name": _name(a, labels), "text": a.attrs.get("label")
            or "", "rule": a.producer.rule} for a in inside if _matches(a, f)]
    coded = []
    for layer in ("actor", "theme", "element", "event"):
        seen: dict[str, str] = {}
        for a in inside:
            if a.layer.value == layer and a.label not in seen:
                seen[a.label] = a.producer.rule
        for label, rule in seen.items():
            coded.append((layer, url("/documents", {layer: label}),
                          _name({"layer": layer, "label": label}, labels), rule))
    return {
        **hit,
        "html": highlight(snippet, spans),
        "words": list({(m["text"], m["rule"] or "", m["term"] or "",
                        labels.actor(m["actor"]) if m.get("actor") else ""): None
                       for m in matched}),
        "why": why,
        "coded": coded,
        "href": doc_url(hit["doc_id"], hit["passage"]),
        "country_name": labels.actor(hit["country"]),
    }


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, corpus: CorpusDep, kb: KnowledgeDep) -> HTMLResponse:
    q = Query(request, takes=("q", "semantic", "exact", "limit", "cursor", *FILTER_NAMES))
    text = q.one("q")
    semantic, exact = q.flag("semantic"), q.flag("exact")
    limit = q.integer("limit", PAGE_SIZES["search"], 1, 100)
    f = q.filters()
    labels = Labels(kb)
    state: dict[str, Any] = {"q": text, "semantic": semantic, "exact": exact,
                             **q.state(FILTER_NAMES)}
    if limit != PAGE_SIZES["search"]:
        state["limit"] = limit
    context: dict[str, Any] = {"state": state, "options": filter_options(kb, labels),
                               "hits": None, "advanced": any(state[n] for n in FILTER_NAMES
                                                             if n != "country")}
    if text:
        params = {k: v for k, v in state.items() if k != "limit"}
        offset = cursor_offset(q, "/search", params)
        if offset + limit > MAX_LIMIT:
            raise UsageError(f"the first {MAX_LIMIT:,} hits of a query can be paged through",
                             hint="narrow the query or its filters")
        res = corpus.search(text, semantic=semantic, filters=f, limit=offset + limit + 1,
                            expand=not exact)
        records = search_document(res)["hits"]
        why = matched_terms(res)
        shown = records[offset:offset + limit]
        wanted: dict[str, set[int]] = {}
        for h in shown:
            wanted.setdefault(h["doc_id"], set()).add(int(h["passage"]))
        by_doc = {d: list(corpus.store.annotations(d, passages=ps)) for d, ps in wanted.items()}
        prev, after = pages("/search", "/search", {**params, "limit": state.get("limit")},
                            offset, limit, len(records) > offset + limit)
        context.update(
            hits=[_hit_view(h, m, by_doc[h["doc_id"]], f, labels)
                  for h, m in zip(shown, why[offset:offset + limit], strict=True)],
            first=offset + 1, last=offset + len(shown), prev=prev, next=after,
            expansions=[{"typed": x.typed, "actor": x.actor_id, "name": labels.actor(x.actor_id),
                         "names": x.names} for x in (res.expanded.expansions
                                                      if res.expanded else ())],
        )
        context["twins"] = [twin("These results", "/search", {
            **params, "limit": limit, "cursor": make_cursor("/search", params, offset)
            if offset else None})]
    return render(request, "search.html", context)


@router.get("/documents", response_class=HTMLResponse)
def documents(request: Request, corpus: CorpusDep, kb: KnowledgeDep) -> HTMLResponse:
    q = Query(request, takes=("limit", "cursor", *FILTER_NAMES))
    f = q.filters()
    limit = q.integer("limit", PAGE_SIZES["documents"], 1, 500)
    labels = Labels(kb)
    state: dict[str, Any] = q.state(FILTER_NAMES)
    offset = cursor_offset(q, "/documents", state)
    if limit != PAGE_SIZES["documents"]:
        state["limit"] = limit
    rows = list(document_rows(corpus.store, f))
    shown = rows[offset:offset + limit]
    for r in shown:
        r["country_name"] = labels.actor(r["country"])
        r["href"] = doc_url(r["doc_id"])
    filters_only = {k: v for k, v in state.items() if k != "limit"}
    prev, after = pages("/documents", "/documents", state, offset, limit,
                        len(rows) > offset + limit)
    return render(request, "documents.html", {
        "rows": shown, "total": len(rows), "first": offset + 1, "last": offset + len(shown),
        "prev": prev, "next": after,
        "state": state, "options": filter_options(kb, labels), "passage_level": _passage_level(f),
        "advanced": any(state[n] for n in FILTER_NAMES if n not in ("country", "from", "to")),
        "twins": [twin("These documents", "/documents", {
            **state, "limit": limit, "cursor": make_cursor("/documents", filters_only, offset)
            if offset else None})],
    })


def _file_name(path: str | None) -> str:
    """The file name of a document's path, never the folders of the machine it came from."""
    if not path:
        return ""
    if path.startswith("sample:"):  # a bundled sample's file: no folder of this machine
        return path
    return PureWindowsPath(path).name if "\\" in path else PurePosixPath(path).name


def _layers(q: Query) -> tuple[str, ...]:
    """The layers asked for: ``layer`` repeated or comma-separated; given but blank: none."""
    if not q.given("layer"):
        return DEFAULT_LAYERS
    chosen = check_layers(q.many("layer"))
    return tuple(x for x in LAYERS if x in chosen)


def _mark_class(a: Annotation) -> str:
    """The mark of an annotation: its layer; an element found only by a weak route (its themes
    or partners, not its own cues) and an event that did not happen marked more lightly."""
    if a.layer is Layer.ELEMENT and a.attrs.get("strength") == "weak":
        return "element-weak"
    if a.layer is Layer.EVENT and a.attrs.get("status") not in (None, "happened"):
        return "event-unreal"  # planned, hoped, negated...: said, not done
    return a.layer.value


def _mark_title(a: Annotation, labels: Labels) -> str:
    """What a mark's tooltip says: the layer, the label's name, an event's status when it did
    not happen (planned, hoped...), and the rule that made it."""
    status = a.attrs.get("status") if a.layer is Layer.EVENT else None
    said = f", {status}" if isinstance(status, str) and status != "happened" else ""
    return f"{a.layer.value}: {_name(a, labels)}{said} ({a.producer.rule})"


def document_view(corpus: Corpus, doc_id: str, layers: Sequence[str], labels: Labels
                  ) -> dict[str, Any]:
    """A document's metadata and passages, each passage's text marked with the annotations of
    ``layers`` (built from offsets, every piece escaped) and listed below it."""
    from multivector.services.corpus import annotation_row, document_row

    document, passages, annotations = corpus.document(doc_id)
    text = document.text
    counts = {x: 0 for x in LAYERS}
    by_passage: dict[int, list[Annotation]] = {}
    for a in annotations:
        counts[a.layer.value] = counts.get(a.layer.value, 0) + 1
        if a.layer.value in layers:
            by_passage.setdefault(a.passage, []).append(a)
    views = []
    for p in passages:
        marked = by_passage.get(p.index, [])
        spans = [Span(a.start, a.end, _mark_class(a), _mark_title(a, labels)) for a in marked]
        rows = [{**annotation_row(a, text), "name": _name(a, labels)} for a in marked]
        views.append({"index": p.index, "html": highlight(text[p.start:p.end], spans,
                                                          offset=p.start), "annotations": rows})
    meta = document_row(document)
    meta["file"] = _file_name(meta.pop("path"))
    meta["country_name"] = labels.actor(meta["country"])
    symbol = document.meta.extra.get("symbol") if document.meta.extra else None
    meta["un_record"] = ("https://undocs.org/" + quote(str(symbol), safe="/")
                         if isinstance(symbol, str) and symbol.strip() else None)
    return {"meta": meta, "passages": views, "counts": counts}


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document(request: Request, doc_id: str, corpus: CorpusDep, kb: KnowledgeDep
             ) -> HTMLResponse:
    q = Query(request, takes=("layer",))
    layers = _layers(q)
    labels = Labels(kb)
    view = document_view(corpus, doc_id, layers, labels)
    full = view["meta"]["doc_id"]
    params = {"layer": ",".join(layers)} if q.given("layer") else {}
    return render(request, "document.html", {
        **view, "layers": layers, "all_layers": LAYERS, "layer_names": LAYER_NAMES,
        "twins": [twin("This document and its annotations", f"/documents/{full}", params)],
    })
