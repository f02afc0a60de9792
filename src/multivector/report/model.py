"""What a report is made of: plain DataFrames per section, the passages behind them, and a stamp.

The report renders whatever sections are present; each is optional. Frames hold plain columns
(documented on :class:`ReportData`), so any analysis can feed the report without the report
importing it. Evidence is keyed by figure id and cell key (see :data:`FIGURES` and
:func:`cell_key`): ``evidence["theme_heatmap"][cell_key("security.terrorism", "2014")]`` is the
list of passages behind that heatmap cell.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from multivector.domain.concept import Edition
    from multivector.domain.diff import EditionDiff

# Figure and table ids: the keys of ``ReportData.evidence`` and the HTML ids of the figures.
FIGURES = (
    "balance_index",  # cell key: period
    "vector_shares",  # cell key: cell_key(period, vector)
    "theme_heatmap",  # cell key: cell_key(theme, period)
    "coverage",  # cell key: element id
    "gap",  # cell key: vector id
    "events",  # filled from the events frame itself (doc_id, passage, evidence)
    "alignment",  # cell key: doc_id
    "diff_summary",  # editions' own sources, not corpus passages: usually empty
)

KEY_SEPARATOR = " · "


def cell_key(*parts: object) -> str:
    """The evidence key of a figure cell: its coordinates joined, e.g. ``"2014 · russia"``."""
    return KEY_SEPARATOR.join(str(p) for p in parts)


def corpus_hash(doc_ids: Iterable[str]) -> str:
    """sha256 of the sorted, distinct document ids, one per line: the corpus identity."""
    joined = "\n".join(sorted(set(doc_ids)))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def passage_anchor(doc_id: str, passage: int) -> str:
    """The HTML id of a passage in the evidence appendix: ``p-<first 12 of doc id>-<index>``."""
    return f"p-{doc_id[:12]}-{int(passage)}"


@dataclass(frozen=True)
class EvidencePassage:
    """One passage shown as evidence: where it is, a snippet of it, and its document."""

    doc_id: str
    passage: int
    text: str
    date: str | None = None
    title: str = ""
    score: float | None = None

    @property
    def anchor(self) -> str:
        return passage_anchor(self.doc_id, self.passage)


Evidence = Mapping[str, Mapping[str, Sequence[EvidencePassage]]]


@dataclass(frozen=True)
class EditionInfo:
    """The concept edition the report codes against."""

    id: str
    title: str
    legal_act: str | None = None
    period: str = ""

    @classmethod
    def from_edition(cls, edition: Edition) -> EditionInfo:
        end = edition.period_end if edition.period_end is not None else "present"
        return cls(
            id=edition.id,
            title=edition.title,
            legal_act=str(edition.legal_act) if edition.legal_act else None,
            period=f"{edition.period_start}-{end}",
        )


@dataclass(frozen=True)
class Stamp:
    """Everything needed to reproduce the report: versions of the data and a hash of the corpus."""

    package_version: str
    codebook_id: str
    codebook_version: str
    edition_id: str
    edition_data_version: str
    vectors_id: str
    vectors_version: str
    corpus_hash: str
    n_documents: int
    n_passages: int
    date_from: str | None = None
    date_to: str | None = None
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def rows(self) -> list[tuple[str, str]]:
        """Label/value pairs in reading order (the stamp table of every format)."""
        span = f"{self.date_from or '?'} to {self.date_to or '?'}"
        return [
            ("multivector", self.package_version),
            ("Codebook", f"{self.codebook_id} {self.codebook_version}"),
            ("Concept edition", f"{self.edition_id} (data version {self.edition_data_version})"),
            ("Vector scheme", f"{self.vectors_id} {self.vectors_version}"),
            ("Corpus", f"{self.n_documents} documents, {self.n_passages} passages, {span}"),
            ("Corpus hash (sha256 of sorted document ids)", self.corpus_hash),
            ("Generated", self.generated_at.strftime("%Y-%m-%d %H:%M %Z").strip()),
        ]


@dataclass(frozen=True, eq=False)  # frames do not compare as booleans
class DiffSummary:
    """What changed between two editions: counts by change type, tier moves and claims.

    ``relations`` columns: partner, direction (up/down/new/dropped/reworded/same), before, after.
    ``claims`` columns: key, before, after.
    """

    before: str
    after: str
    counts: Mapping[str, int]
    relations: pd.DataFrame
    claims: pd.DataFrame

    @classmethod
    def from_diff(cls, diff: EditionDiff) -> DiffSummary:
        import pandas as pd

        def side(rel: Any) -> str:
            if rel is None:
                return "(not named)"
            tier = getattr(rel, "tier", None)
            label = tier.label if tier is not None else "untiered"
            return f"{label} ({rel.wording})"

        relations = pd.DataFrame(
            [
                {
                    "partner": r.partner,
                    "direction": r.direction,
                    "before": side(r.before),
                    "after": side(r.after),
                }
                for r in diff.relations
            ],
            columns=["partner", "direction", "before", "after"],
        )
        claims = pd.DataFrame(
            [
                {
                    "key": c.key,
                    "before": "" if c.before is None else f"{c.before} {c.unit or ''}".strip(),
                    "after": "" if c.after is None else f"{c.after} {c.unit or ''}".strip(),
                }
                for c in diff.claims
            ],
            columns=["key", "before", "after"],
        )
        return cls(diff.a.id, diff.b.id, diff.summary(), relations, claims)


@dataclass(frozen=True, eq=False)  # frames do not compare as booleans
class ReportData:
    """Everything a report shows. Every section is optional; absent ones are left out.

    Frames and their columns:

    - ``balance_index``: period, period_start (int year or date), entropy, entropy_lo,
      entropy_hi, one_minus_hhi, n_documents, flag (bool: differs from the previous period).
    - ``vector_shares``: period, period_start, vector, share.
    - ``theme_heatmap``: theme, period, share (optional: label, period_start for ordering).
    - ``coverage``: element, kind, title, periods_with_evidence, share (of periods with
      evidence, 0-1), passages, silent (bool), last_seen.
    - ``events``: date, type, actor, counterpart, evidence (text), doc_id, passage.
    - ``gap``: vector, declared, observed, observed_lo, observed_hi, gap, flag.
    - ``alignment``: doc_id, title, year, best_edition, score_<edition id>... .

    ``evidence[figure][cell_key(...)]`` lists the passages behind a cell (see :data:`FIGURES`);
    ``vector_labels`` and ``theme_labels`` give display names for ids; ``methods`` holds the
    settings used (weighting, periods, bootstrap draws) as label/value pairs; ``findings`` are
    short paragraphs written by the caller, shown first.
    """

    title: str
    edition: EditionInfo
    stamp: Stamp
    subtitle: str = ""
    findings: Sequence[str] = ()
    balance_index: pd.DataFrame | None = None
    vector_shares: pd.DataFrame | None = None
    theme_heatmap: pd.DataFrame | None = None
    coverage: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    diff_summary: DiffSummary | None = None
    gap: pd.DataFrame | None = None
    alignment: pd.DataFrame | None = None
    evidence: Evidence = field(default_factory=dict)
    vector_labels: Mapping[str, str] = field(default_factory=dict)
    theme_labels: Mapping[str, str] = field(default_factory=dict)
    methods: Mapping[str, str] = field(default_factory=dict)

    def vector_label(self, vector: object) -> str:
        key = str(vector)
        return self.vector_labels.get(key, key.replace("_", " ").capitalize())

    def theme_label(self, theme: object) -> str:
        return self.theme_labels.get(str(theme), str(theme))


def evidence_from_frame(
    frame: pd.DataFrame,
    key: str | Sequence[str],
    *,
    limit: int = 3,
    text_column: str = "text",
) -> dict[str, list[EvidencePassage]]:
    """Evidence lists from a frame of passages (doc_id, passage, text, [date, title, score]).

    Rows are grouped by the ``key`` column(s) (joined with :func:`cell_key`); each group keeps
    its ``limit`` strongest passages (by ``score`` when present), one per (doc_id, passage).
    """
    keys = [key] if isinstance(key, str) else list(key)
    out: dict[str, list[EvidencePassage]] = {}
    ordered = frame.sort_values("score", ascending=False) if "score" in frame else frame
    for row in ordered.to_dict("records"):
        cell = cell_key(*(row[k] for k in keys))
        bucket = out.setdefault(cell, [])
        if len(bucket) >= limit or any(
            p.doc_id == row["doc_id"] and p.passage == int(row["passage"]) for p in bucket
        ):
            continue
        date = row.get("date")
        bucket.append(
            EvidencePassage(
                doc_id=str(row["doc_id"]),
                passage=int(row["passage"]),
                text=str(row.get(text_column) or ""),
                date=_date_text(date),
                title=str(row.get("title") or ""),
                score=float(row["score"]) if row.get("score") is not None else None,
            )
        )
    return out


def _date_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return None if text in ("", "NaT", "nan", "None") else text[:10]
