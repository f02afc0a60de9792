"""Annotation use cases: label passages as named coders, import and export labels as JSON Lines
(the ``evaluate`` gold format), list disagreements and reconcile them, measure agreement.

Interfaces (the ``annotate`` and ``labels`` commands, the annotation page and its API) only
parse input, call these and render what they return.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from multivector.analysis.agreement import Agreement, agreement
from multivector.domain.corpus import Layer
from multivector.domain.knowledge import Knowledge
from multivector.domain.labels import CONSENSUS, LABEL_LAYERS, Label, check_coder, check_layer
from multivector.errors import MultivectorError, NotFoundError, Problem, UsageError
from multivector.store.base import CorpusRepository

MAX_LINE = 1_000_000  # characters: a longer line is not a label line


def codebook_tag(knowledge: Knowledge) -> str:
    book = knowledge.codebook
    return f"{book.id}@{book.version}"


def allowed_values(knowledge: Knowledge, layer: str) -> frozenset[str]:
    """The values a label of ``layer`` may take: leaf theme ids, element ids of any held
    edition, event types."""
    if layer == "themes":
        return frozenset(t.id for t in knowledge.codebook.leaves)
    if layer == "elements":
        return frozenset(e.id for ed in knowledge.editions() for e in ed.elements)
    from multivector.text.event_rules import EVENT_TYPES

    return frozenset(EVENT_TYPES)


def check_values(knowledge: Knowledge, layer: str, values: Iterable[str]) -> tuple[str, ...]:
    """``values`` checked against the layer's vocabulary; an unknown one names the nearest."""
    import difflib

    allowed = allowed_values(knowledge, check_layer(layer))
    out = []
    for v in values:
        v = v.strip()
        if not v:
            continue
        if v not in allowed:
            near = difflib.get_close_matches(v, sorted(allowed), n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(near)}?" if near else (
                "see `multivector themes`" if layer == "themes" else f"see the {layer} vocabulary")
            raise UsageError(f"{layer}: unknown value {v!r}", hint=hint)
        out.append(v)
    return tuple(sorted(set(out)))


# -- labelling ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    value: str
    score: float
    method: str  # lexicon, semantic, model, ...
    why: str  # the rule, label or model that produced it


@dataclass(frozen=True)
class PassageToLabel:
    doc_id: str
    passage: int
    start: int
    end: int
    text: str
    title: str | None
    date: str | None
    country: str | None
    path: str | None
    suggestions: tuple[Suggestion, ...]
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)  # coder -> values

    def document(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id, "passage": self.passage, "start": self.start,
            "end": self.end, "text": self.text, "title": self.title, "date": self.date,
            "country": self.country, "path": self.path,
            "suggestions": [{"value": s.value, "score": round(s.score, 3), "method": s.method,
                             "why": s.why} for s in self.suggestions],
            "labels": {c: list(v) for c, v in self.labels.items()},
        }


_LAYER_OF = {"themes": Layer.THEME, "elements": Layer.ELEMENT, "events": Layer.EVENT}


def passage_to_label(store: CorpusRepository, doc_id: str, index: int,
                     layer: str = "themes", *, coder: str | None = None) -> PassageToLabel:
    """A stored passage with the coder's suggestions (the pipeline's annotations of ``layer``,
    best first, one per value) and the labels coders gave it so far: with ``coder``, only that
    coder's own (a coder labelling does not see the others', so that agreement measures
    independent judgements; the reconciliation view compares them)."""
    doc = store.document(doc_id)
    found = [p for p in store.passages(doc_id) if p.index == index]
    if not found:
        raise NotFoundError(f"document {doc_id[:16]} has no passage {index}",
                            hint="passages are numbered from 0; see `multivector doc ID`")
    p = found[0]
    best: dict[str, Suggestion] = {}
    for a in store.annotations(doc_id, [_LAYER_OF[layer]], passages=[index]):
        value = str(a.attrs.get("type", a.label)) if layer == "events" else a.label
        method = str(a.attrs.get("method", a.producer.component))
        if value not in best or a.score > best[value].score:
            best[value] = Suggestion(value, a.score, method, a.producer.rule)
    labels = {x.coder: x.values for x in store.labels(layer, coders=(coder,) if coder else (),
                                                     doc_id=doc_id, passage=index)}
    meta = doc.meta
    return PassageToLabel(
        doc_id, index, p.start, p.end, doc.text[p.start:p.end], meta.title,
        meta.date.isoformat() if meta.date else None, meta.country, meta.path,
        tuple(sorted(best.values(), key=lambda s: (-s.score, s.value))), labels,
    )


def next_to_label(store: CorpusRepository, coder: str, layer: str = "themes", *,
                  doc_ids: Sequence[str] = (), skip: Iterable[tuple[str, int]] = ()
                  ) -> PassageToLabel | None:
    """The first passage ``coder`` has not labelled on ``layer`` (outside ``skip``), or None."""
    check_coder(coder)
    skipped = set(skip)
    for doc_id, index in store.unlabelled(coder, check_layer(layer), doc_ids,
                                          limit=len(skipped) + 1):
        if (doc_id, index) not in skipped:
            return passage_to_label(store, doc_id, index, layer, coder=coder)
    return None


def remaining(store: CorpusRepository, coder: str, layer: str = "themes",
              doc_ids: Sequence[str] = ()) -> int:
    return len(store.unlabelled(coder, layer, doc_ids, limit=10_000_000))


def label_passage(store: CorpusRepository, knowledge: Knowledge, doc_id: str, index: int,
                  coder: str, layer: str, values: Iterable[str], note: str | None = None) -> Label:
    """Store one coder's label set for a passage (replacing their earlier one)."""
    checked = check_values(knowledge, layer, values)
    if not any(p.index == index for p in store.passages(doc_id)):
        raise NotFoundError(f"document {doc_id[:16]} has no passage {index}",
                            hint="passages are numbered from 0; see `multivector doc ID`")
    label = Label.make(doc_id, index, layer, coder, checked, codebook_tag(knowledge), note=note)
    store.set_labels([label])
    return label


# -- import and export -------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    stored: int
    lines: int
    problems: tuple[Problem, ...]
    # lines that carry their own text and no place in a stored document (written passages of
    # a gold file): not labels of stored passages, skipped; evaluate and train read them as
    # they are
    unplaced: tuple[int, ...] = ()


def _locate(store: CorpusRepository, row: dict[str, Any],
            by_path: dict[str, str]) -> tuple[str, int]:
    ref = row.get("document") or row.get("doc_id") or row.get("path")
    if not isinstance(ref, str) or not ref:
        raise ValueError("a label line needs `document` (a stored document id) or `path`, and "
                         "`passage` (or `start` and `end`)")
    doc_id = by_path.get(ref)
    if doc_id is None and store.has_document(ref):
        doc_id = ref
    if doc_id is None:
        raise ValueError(f"no stored document {ref}: ingest it first (a bundled sample: "
                         "`multivector ingest --sample NAME`)")
    passages = store.passages(doc_id)
    index = row.get("passage")
    start, end = row.get("start"), row.get("end")
    for p in passages:
        if (index is None or p.index == index) and (start is None or p.start == start) and (
                end is None or p.end == end):
            return doc_id, p.index
    raise ValueError(f"document {ref} has no passage {index if index is not None else ''}"
                     f"{'' if start is None else f' at {start}-{end}'}: it was segmented "
                     "differently (ingest it with the same --unit)")


def import_labels(store: CorpusRepository, knowledge: Knowledge, path: Path, *,
                  coder: str | None = None) -> ImportReport:
    """Store the labels of a JSON Lines file (one passage, one coder a line; the layers it
    carries). A bad line is a problem with its number; the good lines are stored."""
    if coder is not None:
        check_coder(coder)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}",
                         hint="give a UTF-8 JSON Lines file") from None
    by_path = store.document_paths()
    tag = codebook_tag(knowledge)
    labels: dict[tuple[str, int, str, str], Label] = {}
    problems: list[Problem] = []
    unplaced: list[int] = []
    count = 0
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        count += 1
        try:
            if len(line) > MAX_LINE:
                raise ValueError(f"line longer than {MAX_LINE:,} characters")
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("each line must be a JSON object")
            if isinstance(row.get("text"), str) and not any(
                    row.get(k) for k in ("document", "doc_id", "path")):
                unplaced.append(n)
                continue
            who = coder or row.get("coder")
            if not isinstance(who, str):
                raise ValueError("no `coder` on the line: add one, or pass --coder")
            doc_id, index = _locate(store, row, by_path)
            layers = [x for x in LABEL_LAYERS if x in row]
            if not layers:
                raise ValueError(f"no labels: give one of {', '.join(LABEL_LAYERS)}")
            at = row.get("labelled_at")
            when = dt.datetime.fromisoformat(at) if isinstance(at, str) else None
            for layer in layers:
                raw = row[layer]
                if not isinstance(raw, list):
                    raise ValueError(f"`{layer}` must be a list")
                values = [x["type"] if layer == "events" and isinstance(x, dict) else x
                          for x in raw]
                if not all(isinstance(v, str) for v in values):
                    raise ValueError(f"`{layer}` must hold strings")
                checked = check_values(knowledge, layer, values)
                note = row.get("note") if isinstance(row.get("note"), str) else None
                label = Label.make(doc_id, index, layer, who, checked,
                                   str(row.get("codebook") or tag), when, note)
                labels[(doc_id, index, layer, label.coder)] = label
        except (ValueError, TypeError, KeyError) as exc:
            problems.append(Problem(str(path), n, "(line)", f"{exc}"))
        except MultivectorError as exc:
            message = f"{exc.message}; {exc.hint}" if exc.hint else exc.message
            problems.append(Problem(str(path), n, "(line)", message))
    stored = store.set_labels(list(labels.values())) if labels else 0
    return ImportReport(stored, count, tuple(problems), tuple(unplaced))


def export_labels(store: CorpusRepository, *, layer: str | None = None,
                  coders: Sequence[str] = ()) -> Iterator[dict[str, Any]]:
    """Label lines in the gold format: one per passage and coder, with the passage's text and
    metadata, its place (document, path, passage, offsets) and every layer the coder labelled."""
    grouped: dict[tuple[str, int, str], dict[str, Label]] = defaultdict(dict)
    for x in store.labels(layer, coders):
        grouped[(x.doc_id, x.passage, x.coder)][x.layer] = x
    docs: dict[str, Any] = {}
    for (doc_id, index, coder), by_layer in grouped.items():
        if doc_id not in docs:
            docs = {doc_id: (store.document(doc_id), {p.index: p for p in store.passages(doc_id)})}
        doc, passages = docs[doc_id]
        p = passages[index]
        meta = doc.meta
        first = next(iter(by_layer.values()))
        row: dict[str, Any] = {
            "id": f"{doc_id[:16]}:{index}", "coder": coder, "document": doc_id,
            "path": meta.path, "passage": index, "start": p.start, "end": p.end,
            "lang": meta.language, "date": meta.date.isoformat() if meta.date else None,
            "country": meta.country, "genre": meta.genre.value if meta.genre else None,
            "text": doc.text[p.start:p.end],
        }
        for lay in LABEL_LAYERS:
            if lay in by_layer:
                row[lay] = list(by_layer[lay].values)
        row["codebook"] = first.codebook
        row["labelled_at"] = max(x.labelled_at for x in by_layer.values()).isoformat()
        notes = [x.note for x in by_layer.values() if x.note]
        if notes:
            row["note"] = notes[0]
        yield row


# -- disagreements and agreement ------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    doc_id: str
    passage: int
    labels: dict[str, tuple[str, ...]]  # coder -> values
    consensus: tuple[str, ...] | None

    def record(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "passage": self.passage,
                "labels": {c: list(v) for c, v in self.labels.items()},
                "consensus": None if self.consensus is None else list(self.consensus),
                "reconciled": self.consensus is not None}


def disagreements(store: CorpusRepository, layer: str = "themes", *,
                  include_reconciled: bool = False) -> list[Disagreement]:
    """Passages whose coders (``consensus`` aside) gave different label sets."""
    by: dict[tuple[str, int], dict[str, tuple[str, ...]]] = defaultdict(dict)
    for x in store.labels(check_layer(layer)):
        by[(x.doc_id, x.passage)][x.coder] = x.values
    out = []
    for (doc_id, index), sets in by.items():
        coders = {c: v for c, v in sets.items() if c != CONSENSUS}
        if len(set(coders.values())) > 1:
            consensus = sets.get(CONSENSUS)
            if consensus is None or include_reconciled:
                out.append(Disagreement(doc_id, index, coders, consensus))
    return out


def codes_of(labels: Iterable[Label], layer: str = "themes",
             coders: Sequence[str] = ()) -> dict[tuple[str, int], dict[str, frozenset[str]]]:
    """passage -> coder -> set, the ``consensus`` coder left out (it is not independent)."""
    out: dict[tuple[str, int], dict[str, frozenset[str]]] = defaultdict(dict)
    for x in labels:
        if x.layer == layer and x.coder != CONSENSUS and (not coders or x.coder in coders):
            out[(x.doc_id, x.passage)][x.coder] = frozenset(x.values)
    return out


def store_agreement(store: CorpusRepository, knowledge: Knowledge, layer: str = "themes", *,
                    coders: Sequence[str] = (), bootstrap: int = 1000, seed: int = 0) -> Agreement:
    codes = codes_of(store.labels(check_layer(layer)), layer, coders)
    return agreement(codes, labels=sorted(allowed_values(knowledge, layer)) if layer == "themes"
                     else None, layer=layer, bootstrap=bootstrap, seed=seed)


def file_agreement(path: Path, knowledge: Knowledge, layer: str = "themes", *,
                   coders: Sequence[str] = (), bootstrap: int = 1000, seed: int = 0) -> Agreement:
    """Agreement of the coders of a label file (lines with the same ``id`` are one passage)."""
    from multivector.services.evaluate import read_gold

    codes: dict[str, dict[str, frozenset[str]]] = defaultdict(dict)
    for g in read_gold(path):
        if layer in g.expected and g.coder and g.coder != CONSENSUS and (
                not coders or g.coder in coders):
            codes[g.id][g.coder] = g.expected[layer]
    if not codes:
        raise UsageError(f"{path}: no {layer} labels with a `coder`",
                         hint="agreement needs lines with `coder` and the layer's labels")
    return agreement(codes, labels=sorted(allowed_values(knowledge, layer)) if layer == "themes"
                     else None, layer=layer, bootstrap=bootstrap, seed=seed)


def stored_gold(store: CorpusRepository, layer: str = "themes") -> list[Any]:
    """The stored labels of ``layer`` as gold passages (one per passage and coder), the input
    of training and evaluation."""
    from multivector.services.evaluate import GoldPassage

    out = []
    for row in export_labels(store, layer=layer):
        out.append(GoldPassage(
            row["id"], row["text"], {layer: frozenset(row[layer])}, row["lang"],
            dt.date.fromisoformat(row["date"]) if row["date"] else None, row["country"],
            row["genre"], None, None, row["coder"], None, row["document"]))
    return out
