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
import re
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
    "channels",  # cell key: cell_key(period, vector)
    "comparison_balance",  # cell key: cell_key(country, period)
    "comparison_votes",  # roll calls, not passages: usually empty
    "diff_summary",  # editions' own sources, not corpus passages: usually empty
)

KEY_SEPARATOR = " · "
# A finding names a figure or a section by id, e.g. "(Figure {figure:gap})" or "{section:channels}";
# the renderer puts in the number the figure or section gets in this report.
REFERENCE = re.compile(r"\{(figure|section):([a-z_]+)\}")


def plural(n: float, word: str, many: str | None = None) -> str:
    """``1 document``, ``3 documents``; ``many`` for irregular plurals (``1 country``...)."""
    count = int(n) if float(n).is_integer() else n
    return f"{count} {word if count == 1 else (many or word + 's')}"


def join_words(items: Sequence[str], last: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


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
class DocumentInfo:
    """What the evidence appendix says of a document: its title, the file it was read from,
    its record online when one is known (a UN document symbol), and how exact its date is."""

    title: str = ""
    source: str = ""  # the file, e.g. sample:ungd-central-asia/KAZ_75_2020.txt
    record: str = ""  # e.g. A/75/PV.4
    url: str = ""  # e.g. https://undocs.org/A/75/PV.4
    date_note: str = ""  # e.g. "approximate: UN General Debate week"


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
            ("Corpus", f"{plural(self.n_documents, 'document')}, "
                       f"{plural(self.n_passages, 'passage')}, {span}"),
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
class Comparison:
    """Several countries side by side on one time axis (``periods``, e.g. the years of the
    concept country's editions, labelled ``1995-2000``).

    - ``balance``: country, period, period_start, n_documents, effective, evidence
      (sufficient / insufficient), entropy (NaN when insufficient), entropy_lo, entropy_hi.
    - ``shares``: country, vector, share (NaN when insufficient), share_lo, share_hi, evidence,
      n_documents, actors: attention over the whole span, per country.
    - ``votes``: country, partner, partner_name, period, period_start, value, low, high,
      n_rollcalls, status (ok / insufficient): UN General Assembly agreement.
    - ``declared``: country -> the ids of its encoded concept editions (empty: none encoded).
    - ``findings``: sentences written by the caller, shown under the section's introduction.
    """

    countries: Sequence[str]
    balance: pd.DataFrame
    shares: pd.DataFrame | None = None
    votes: pd.DataFrame | None = None
    declared: Mapping[str, Sequence[str]] = field(default_factory=dict)
    periods: str = ""
    findings: Sequence[str] = ()


@dataclass(frozen=True, eq=False)  # frames do not compare as booleans
class ReportData:
    """Everything a report shows. Every section is optional; absent ones are left out.

    Frames and their columns (those marked optional may be absent):

    - ``balance_index``: period, period_start (int year or date), entropy (NaN when the period
      holds too little evidence), entropy_lo, entropy_hi, one_minus_hhi, n_documents, flag
      (bool: differs from the previous period); optional: evidence (sufficient /
      insufficient), n_mentions, effective (mentions over the design effect), sources (the
      sources and genres of its documents), caveat (when they are of one kind).
    - ``vector_shares``: period, period_start, vector, share (NaN when insufficient); optional:
      share_lo, share_hi, evidence, actors (the actors behind the share, "AFG 15, PAK 3").
    - ``theme_heatmap``: theme, period, share (optional: label, period_start for ordering).
    - ``coverage``: element, kind, title, periods_with_evidence, share (of periods with
      evidence, 0-1), passages, silent (bool), last_seen.
    - ``events``: date, type, actor, counterpart, evidence (text), doc_id, passage; optional:
      date_source (sentence, or document: the date of the text reporting it), date_precision
      (year, month, day), reported (the document's date).
    - ``gap``: vector, declared, observed (NaN when insufficient), observed_lo, observed_hi,
      gap, flag; optional: evidence, actors.
    - ``channels``: country, period, period_start, vector, declared_tier, declared_share,
      rhetoric_share, rhetoric_low, rhetoric_high, rhetoric_evidence, rhetoric_actors, events,
      event_share, event_low, event_high, event_evidence, vote_partner, votes, votes_low,
      votes_high, n_rollcalls, votes_status (the table of
      :func:`multivector.analysis.channels.channels`, one country).
    - ``comparison``: several countries side by side (:class:`Comparison`).

    ``subject`` names whom the main sections are about when ``comparison`` holds several
    countries (their titles then say so). ``evidence[figure][cell_key(...)]`` lists the
    passages behind a cell (see :data:`FIGURES`); ``documents`` says where each cited document
    came from; ``vector_labels``, ``theme_labels`` and ``actor_labels`` give display names for
    ids; ``methods`` holds the settings used (weighting, periods, intervals) as label/value
    pairs; ``findings`` are short paragraphs written by the caller, shown first, led by
    ``channel_findings`` (``channel_periods``: the channels' sentence for every period, in
    their section); a finding may name a figure or section by id (``{figure:gap}``,
    ``{section:channels}``, see :data:`REFERENCE`) and gets its number in the rendered report.
    ``notes`` are caveats shown under a section's table, keyed by section id (``balance``: what
    the genre of the documents cannot say; ``gap``: the window and evidence declared versus
    observed rests on;
    ``channels``: how the channels are measured).
    """

    title: str
    edition: EditionInfo
    stamp: Stamp
    subtitle: str = ""
    subject: str = ""
    findings: Sequence[str] = ()
    channel_findings: Sequence[str] = ()
    channel_periods: Sequence[str] = ()
    balance_index: pd.DataFrame | None = None
    vector_shares: pd.DataFrame | None = None
    theme_heatmap: pd.DataFrame | None = None
    coverage: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    diff_summary: DiffSummary | None = None
    gap: pd.DataFrame | None = None
    channels: pd.DataFrame | None = None
    comparison: Comparison | None = None
    evidence: Evidence = field(default_factory=dict)
    documents: Mapping[str, DocumentInfo] = field(default_factory=dict)
    vector_labels: Mapping[str, str] = field(default_factory=dict)
    theme_labels: Mapping[str, str] = field(default_factory=dict)
    actor_labels: Mapping[str, str] = field(default_factory=dict)
    methods: Mapping[str, str] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)

    def vector_label(self, vector: object) -> str:
        key = str(vector)
        return self.vector_labels.get(key, key.replace("_", " ").capitalize())

    def theme_label(self, theme: object) -> str:
        return self.theme_labels.get(str(theme), str(theme))

    def actor_label(self, actor: object) -> str:
        """The name of an actor id (``RUS`` -> ``Russia``); the id itself when unknown."""
        return self.actor_labels.get(str(actor), str(actor))

    def actors_text(self, actors: object, top: int | None = None) -> str:
        """``"AFG 15, PAK 3 ... of 20"`` with names: ``"Afghanistan 15, Pakistan 3 and others
        (of 20 mentions)"``; ``top``: name that many at most."""
        counts, more, total = parse_actors(actors)
        if not counts:
            return ""
        shown = counts if top is None else counts[:top]
        named = ", ".join(f"{self.actor_label(a)} {n}" for a, n in shown)
        more = more or len(shown) < len(counts)
        return named + (" and others" if more else "") + (f" (of {total} mentions)" if total
                                                          else "")


_ACTOR_COUNT = re.compile(r"^(?P<actor>.+?)\s+(?P<n>\d+)$")


def parse_actors(text: object) -> tuple[list[tuple[str, int]], bool, int | None]:
    """The actors behind a figure as the analyses write them (``"AFG 15, PAK 3 ... of 20"``):
    (actor, count) pairs, whether more were left out, and the total (None when not given)."""
    if not isinstance(text, str) or not text.strip():
        return [], False, None
    body, total = text.strip(), None
    head, sep, tail = body.rpartition(" of ")
    if sep and tail.strip().isdigit():
        body, total = head, int(tail)
    more = body.endswith("...")
    body = body.removesuffix("...").strip()
    pairs: list[tuple[str, int]] = []
    for part in body.split(","):
        m = _ACTOR_COUNT.match(part.strip())
        if m:
            pairs.append((m.group("actor"), int(m.group("n"))))
    return pairs, more, total


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
