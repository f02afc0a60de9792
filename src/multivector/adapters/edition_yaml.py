"""Write an edition as an edition YAML file (the inverse of :mod:`knowledge_files`' reader).

Used by ``multivector import`` for its drafts: fields in the order the shipped files use, empty
optional fields left out, so that the file reads like a hand-written one.
"""

from __future__ import annotations

from typing import Any

import yaml

from multivector.domain.concept import Edition, Element, Evidence, Source

__all__ = ["edition_document", "edition_yaml"]


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != [] and v != {}}


def _source(s: Source) -> dict[str, Any]:
    return _clean({"id": s.id, "title": s.title, "kind": s.kind.value, "url": s.url,
                   "seed": s.seed, "publisher": s.publisher, "author": s.author,
                   "date": s.date, "language": s.language, "note": s.note, "sha256": s.sha256})


def _evidence(e: Evidence) -> dict[str, Any]:
    claim = None if e.claim is None else _clean(
        {"key": e.claim.key, "value": e.claim.value, "unit": e.claim.unit})
    return _clean({"source": e.source, "locator": e.locator, "level": e.level.value,
                   "note": e.note, "claim": claim, "start": e.start, "end": e.end})


def _element(e: Element) -> dict[str, Any]:
    cues: dict[str, list[str]] = {}
    for c in e.cues:
        cues.setdefault(c.lang, []).append(c.text)
    return _clean({
        "id": e.id, "kind": e.kind.value, "domain": e.domain.value, "title": e.title,
        "summary": e.summary, "themes": list(e.themes),
        "partners": [_clean({"actor": p.actor, "wording": p.wording,
                             "tier": p.tier.slug if p.tier else None}) for p in e.partners],
        "organisations": list(e.organisations), "cues": cues, "parent": e.parent,
        "order": e.order, "evidence": [_evidence(x) for x in e.evidence],
    })


def edition_document(ed: Edition) -> dict[str, Any]:
    """The edition as the plain mapping an edition file holds."""
    act = None
    if ed.legal_act is not None:
        a = ed.legal_act
        act = _clean({"kind": a.kind, "number": a.number, "date": a.date, "issuer": a.issuer,
                      "title": a.title, "url": a.url,
                      "provisions": [{"number": p.number, "summary": p.summary,
                                      "source": p.source, "locator": p.locator}
                                     for p in a.provisions]})
    return _clean({
        "id": ed.id,
        "country": ed.country,
        "title": ed.title,
        "title_ru": ed.title_ru,
        "period": _clean({"start": ed.period_start, "end": ed.period_end}),
        "adopted": ed.adopted,
        "legal_act": act,
        "supersedes": ed.supersedes,
        "data_version": ed.data_version,
        "completeness": _clean({"level": ed.completeness.level,
                                "statement": ed.completeness.statement,
                                "missing": list(ed.completeness.missing)}),
        "sources": [_source(s) for s in ed.sources],
        "disagreements": [{"field": d.field, "note": d.note, "sources": list(d.sources)}
                          for d in ed.disagreements],
        "structure": [_clean({"id": n.id, "title": n.title, "level": n.level,
                              "parent": n.parent, "order": n.order}) for n in ed.structure],
        "elements": [_element(e) for e in ed.elements],
    })


class _NoAliases(yaml.SafeDumper):
    """Writes a value shared by two fields (a date) twice rather than as an anchor and alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def edition_yaml(ed: Edition, header: str = "") -> str:
    """The edition file's text, with ``header`` as comment lines on top."""
    body = yaml.dump(edition_document(ed), Dumper=_NoAliases, allow_unicode=True,
                     sort_keys=False, width=100)
    lines = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return lines + body
