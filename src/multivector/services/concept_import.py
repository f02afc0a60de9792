"""The use case behind ``multivector import``: a concept's full text in, a draft edition file out.

:func:`import_concept` checks the options before it reads anything, reads the file with the
ingest readers (txt, html, docx, pdf), drafts the edition (:mod:`multivector.ingest.concept`),
optionally matches its items to a shipped edition's elements (:mod:`multivector.services.review`),
checks the draft as ``multivector validate`` would, and only then writes it, in one step (a
temporary file renamed into place), so that a failed import leaves no half-written draft.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from multivector.adapters.knowledge import KnowledgeBase
from multivector.domain.actors import ActorType
from multivector.domain.concept import Edition
from multivector.errors import UsageError
from multivector.text.embedder import Embedder

__all__ = ["IMPORT_SUFFIXES", "ImportResult", "import_concept", "read_concept_text"]

IMPORT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
LANGS = ("ru", "en", "kk")
_READERS = {".txt": "txt", ".md": "txt", ".html": "html", ".htm": "html", ".docx": "docx",
            ".pdf": "pdf"}


@dataclass
class ImportResult:
    """What an import wrote, and the figures to show the user."""

    edition: Edition
    out: Path
    text: str
    lang: str | None
    matches: list[object] = field(default_factory=list)  # review.Match rows with --against

    @property
    def kinds(self) -> dict[str, int]:
        return dict(Counter(e.kind.value for e in self.edition.elements))

    @property
    def unclassified(self) -> int:
        return self.kinds.get("unclassified", 0)


def _check_options(path: Path, country: str, out: Path, lang: str | None,
                   edition_id: str | None, kb: KnowledgeBase) -> str:
    if lang is not None and lang not in LANGS:
        raise UsageError(f"--lang: unknown language {lang!r}", hint="use ru, en or kk")
    if edition_id is not None and not re.fullmatch(r"[a-z]{3}/[0-9a-z\-]+", edition_id):
        raise UsageError(f"--edition: {edition_id!r} is not an edition id",
                         hint="write it as the country's code, a slash and a name: "
                              "kaz/2020-2030-draft")
    iso = country.strip().upper()
    if iso not in kb.registry or kb.registry.get(iso).type is not ActorType.COUNTRY:
        raise UsageError(f"--country: unknown country {country!r}",
                         hint="give the ISO3 code of a country, such as KAZ, RUS or UZB")
    if edition_id is not None and edition_id[:3] != iso.lower():
        raise UsageError(f"--edition: {edition_id!r} does not start with {iso.lower()}/",
                         hint=f"name it {iso.lower()}/{edition_id.split('/', 1)[-1]}")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"--out: the folder {folder} does not exist",
                         hint=f"create it (mkdir -p {folder}) or write the draft elsewhere")
    if out.is_dir():
        raise UsageError(f"--out: {out} is a folder", hint="give a file name, e.g. draft.yaml")
    if not path.exists():
        raise UsageError(f"{path}: no such file", hint="check the path of the concept's text")
    if path.is_dir():
        raise UsageError(f"{path}: is a folder", hint="import one file at a time")
    if path.suffix.lower() not in IMPORT_SUFFIXES:
        raise UsageError(f"{path}: cannot import a {path.suffix or 'suffixless'} file",
                         hint=f"give the text as {', '.join(IMPORT_SUFFIXES)}")
    return iso


def read_concept_text(path: Path) -> tuple[str, str | None, bytes]:
    """The text of one file (with the language the reader detected) and its bytes."""
    from multivector.ingest.errors import IngestError
    from multivector.ingest.readers import Failure, read_path

    results = list(read_path(path))
    docs = [r for r in results if not isinstance(r, Failure)]
    failure = next((r for r in results if isinstance(r, Failure)), None)
    if failure is not None:
        raise IngestError(f"{path}: {failure.reason}", hint="fix or convert the file and import "
                          "it again")
    if not docs or not docs[0].text.strip():
        raise IngestError(f"{path}: no text found in the file",
                          hint="check that it holds the concept's text (a scanned PDF needs OCR)")
    doc = docs[0]
    return doc.text, doc.meta.language, path.read_bytes()


def import_concept(
    path: Path,
    *,
    country: str,
    out: Path,
    knowledge: KnowledgeBase,
    edition_id: str | None = None,
    lang: str | None = None,
    against: str | None = None,
    embedder: Embedder | None = None,
) -> ImportResult:
    """Read ``path``, draft the edition and write it to ``out`` (see the module docstring)."""
    from multivector.adapters.edition_yaml import edition_yaml
    from multivector.ingest.concept import ImportedText, draft_edition

    iso = _check_options(path, country, out, lang, edition_id, knowledge)
    base = None
    if against is not None:
        from multivector.services.knowledge import edition_by_id

        base = edition_by_id(knowledge, against)
    text, detected, data = read_concept_text(path)
    lang = lang or (detected if detected in LANGS else None)
    source = ImportedText(
        text=text,
        name=str(path),
        url=path.resolve().as_uri(),
        sha256=hashlib.sha256(data).hexdigest(),
        reader=_READERS.get(path.suffix.lower(), "txt"),
    )
    edition = draft_edition(source, country=iso, registry=knowledge.registry,
                            edition_id=edition_id, lang=lang)
    edition = _with_themes(edition, knowledge)
    if not edition.elements:
        raise UsageError(f"{path}: no items found in the text",
                         hint="check that the file holds the concept's text, not a cover page")
    matches: list[object] = []
    if base is not None:
        from multivector.services.review import match_edition

        edition, rows = match_edition(edition, base, embedder=embedder)
        matches = list(rows)
    header = (f"Draft of {edition.title} imported from {path.name} by `multivector import`.\n"
              "Kinds, partners and tiers were read by rules: review them; rewrite summaries in "
              "the project's words.")
    body = edition_yaml(edition, header)
    _check_draft(body, out, knowledge)
    _write_atomically(out, body)
    return ImportResult(edition, out, text, lang, matches)


def _with_themes(edition: Edition, kb: KnowledgeBase) -> Edition:
    """Each element coded to the codebook themes whose labels its words use (labels only: a
    cue such as "United Nations" names a theme's setting, not its subject)."""
    from dataclasses import replace

    from multivector.pipeline.components.themes import ThemeLexicon

    lexicon = ThemeLexicon(kb.codebook)
    elements = []
    for e in edition.elements:
        found = lexicon.find(e.summary)
        themes = tuple(dict.fromkeys(h[2].theme for h in found if h[2].kind != "cue"))
        elements.append(replace(e, themes=themes) if themes else e)
    return replace(edition, elements=tuple(elements), _by_id={})


def _check_draft(body: str, out: Path, kb: KnowledgeBase) -> None:
    """The checks of ``multivector validate``, on the draft before it is written."""
    from multivector.adapters.knowledge_files import cross_check, edition_from_model
    from multivector.adapters.schemas import EditionModel
    from multivector.adapters.validation import check
    from multivector.adapters.yamlfile import parse_yaml
    from multivector.errors import ValidationError

    doc = parse_yaml(body, str(out))
    parsed = check(doc, EditionModel)
    problems = cross_check(doc, parsed)
    problems += kb.check_edition_references(edition_from_model(parsed), doc)
    if problems:
        raise ValidationError(problems)


def _write_atomically(out: Path, body: str) -> None:
    folder = out.parent if str(out.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(body)
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UsageError(f"--out: cannot write {out}: {exc.strerror or exc}",
                         hint="choose a writable path") from None


def import_document(result: ImportResult) -> dict[str, object]:
    """What ``multivector import`` prints: the draft written, its counts, the partners and tiers
    it read, the unclassified items and, with ``--against``, the review rows."""
    ed = result.edition
    partners = [
        {"actor": actor, "tier": rel.tier.slug if rel.tier else None, "wording": rel.wording}
        for actor, rel in sorted(ed.partner_tiers().items(),
                                 key=lambda kv: (-(kv[1].tier or 0), kv[0]))
    ]
    unclassified = [
        {"id": e.id, "locator": e.evidence[0].locator, "title": e.title}
        for e in ed.elements if e.kind.value == "unclassified"
    ]
    doc: dict[str, object] = {
        "draft": str(result.out),
        "edition": ed.id,
        "title": ed.title,
        "language": result.lang,
        "period": ed.period,
        "legal_act": str(ed.legal_act) if ed.legal_act else None,
        "sha256": ed.sources[0].sha256,
        "elements": len(ed.elements),
        "structure": len(ed.structure),
        "kinds": ", ".join(f"{k} {n}" for k, n in sorted(result.kinds.items())),
        "partners": partners,
        "unclassified": unclassified,
    }
    if result.matches:
        from multivector.services.review import review_rows

        doc["review"] = review_rows(result.matches)
    return doc
