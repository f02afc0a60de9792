"""JSON documents of the corpus reads: a search, a document with its annotations, events and
the list of stored documents. The command line prints them with ``--format json`` and the REST
API answers with them, so both speak one contract (docs/json-output.md).

Checks of the values these reads take (event statuses, annotation layers) live here too, so that
both interfaces refuse the same values with the same message.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from multivector.domain.corpus import Annotation, Document, Layer, Passage
from multivector.errors import UsageError
from multivector.services.corpus import SearchResults, annotation_row, document_row
from multivector.store.base import CorpusRepository, Filters

EVENT_STATUSES = ("happened", "planned", "proposed", "hoped", "negated", "conditional")
LAYERS = tuple(x.value for x in Layer)


def _unknown(value: str, choices: Sequence[str], what: str, *, hint: str) -> UsageError:
    near = difflib.get_close_matches(value, list(choices), n=3, cutoff=0.6)
    if near:
        hint = f"did you mean {', '.join(near)}? ({hint})"
    return UsageError(f"unknown {what} {value!r}", hint=hint)


def event_statuses(values: Iterable[str] | None) -> tuple[str, ...] | None:
    """The statuses asked for (``happened`` when none; None for ``all``), comma-separated or
    repeated; an unknown one is a usage error naming the nearest."""
    chosen = [x.strip().lower() for v in values or ["happened"] for x in v.split(",")]
    for x in chosen:
        if x not in (*EVENT_STATUSES, "all"):
            raise _unknown(x, (*EVENT_STATUSES, "all"), "status",
                           hint=f"use {', '.join(EVENT_STATUSES)} or all")
    return None if "all" in chosen else tuple(chosen)


def check_layers(values: Iterable[str] | None) -> list[str]:
    """Annotation layers (actor, date, theme, element, event, ...), each checked."""
    chosen = list(values or [])
    for x in chosen:
        if x not in LAYERS:
            raise _unknown(x, LAYERS, "layer", hint=f"use {', '.join(LAYERS)}")
    return chosen


# ------------------------------------------------------------------------------ search


def search_document(res: SearchResults) -> dict[str, Any]:
    """``{"query", "semantic", ["expanded_query", "expansions"], "hits"}``: the hits best
    first, each with its snippet, highlight offsets and the labels coded in its passage."""
    out: dict[str, Any] = {"query": res.query, "semantic": res.semantic}
    if res.expanded:
        out["expanded_query"] = res.expanded.query
        out["expansions"] = [
            {"typed": x.typed, "actor": x.actor_id, "names": list(x.names)}
            for x in res.expanded.expansions
        ]
    out["hits"] = res.records()
    return out


def matched_terms(res: SearchResults) -> list[list[dict[str, Any]]]:
    """Why each hit matched, one list per hit: every highlighted word of its snippet with the
    query term it answers and the rule that tied them: ``as typed``, ``word form`` (the same
    lemma: "России" for "Россия"), ``prefix`` (``nucl*``) or ``alias`` (another name of the
    actor the query named; ``actor`` says which). A semantic hit matched by meaning: no words."""
    if res.semantic:
        return [[] for _ in res.hits]
    from multivector.store.fts import lexemes
    from multivector.text.lemmas import lemma, tokens

    typed: list[tuple[str, str, bool]] = []  # (word lemma or prefix, term as typed, prefix?)
    for lex in lexemes(res.query):
        if lex in ("AND", "OR", "NOT", "(", ")"):
            continue
        prefix = lex.endswith("*")
        term = lex.rstrip("*").strip('"')
        words = [w for _, _, w in tokens(term)]
        for i, w in enumerate(words):
            last = prefix and i == len(words) - 1
            typed.append((w.lower().replace("ё", "е") if last else lemma(w), term, last))
    aliases: dict[str, tuple[str, str]] = {}  # word lemma -> (name, actor)
    for x in res.expanded.expansions if res.expanded else ():
        for name in x.names:
            for _, _, w in tokens(name):
                aliases.setdefault(lemma(w), (name, x.actor_id))
    out: list[list[dict[str, Any]]] = []
    for hit in res.hits:
        rows: list[dict[str, Any]] = []
        for h in hit.highlights:
            text = hit.snippet[h.start:h.end]
            key = lemma(text)
            row: dict[str, Any] = {"start": h.start, "end": h.end, "text": text, "term": None,
                                   "rule": None, "actor": None}
            for form, term, prefix in typed:
                if prefix and key.startswith(form):
                    row.update(term=term + "*", rule="prefix")
                    break
                if not prefix and key == form:
                    same = text.casefold() in {w.casefold() for w in term.split()}
                    row.update(term=term, rule="as typed" if same else "word form")
                    break
            else:
                if key in aliases:
                    name, actor = aliases[key]
                    row.update(term=name, rule="alias", actor=actor)
            rows.append(row)
        out.append(rows)
    return out


# ------------------------------------------------------------------------------ documents


def document_document(
    document: Document, passages: Sequence[Passage], annotations: Iterable[Annotation],
    layers: Sequence[str] = (),
) -> dict[str, Any]:
    """A document's metadata, its number of passages and every annotation (of ``layers``,
    all when empty) with its text, score, producer and scalar attributes (``attr_*``)."""
    rows = [annotation_row(a, document.text) for a in annotations
            if not layers or a.layer.value in layers]
    return {**document_row(document), "passages": len(passages), "annotations": rows}


def document_text(document: Document, passages: Sequence[Passage]) -> dict[str, Any]:
    """The text of a document and each passage's offsets into it, to show annotations (whose
    offsets are into the same text) inline."""
    return {
        "text": document.text,
        "passage_spans": [{"passage": p.index, "start": p.start, "end": p.end, "unit": p.unit}
                          for p in passages],
    }


def documents_page(
    store: CorpusRepository, filters: Filters | None, *, offset: int, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """The rows of the stored documents matching ``filters`` from ``offset`` (by date, undated
    last, then id, as ``export --what documents`` writes them), at most ``limit``, and whether
    more follow."""
    ids = [row[0] for row in islice(store.document_table(filters), offset, offset + limit + 1)]
    return [document_row(store.document(i)) for i in ids[:limit]], len(ids) > limit
