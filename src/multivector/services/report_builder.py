"""Assemble a report from a coded corpus: run the analyses, pick the evidence, write findings.

:func:`build_report` turns a corpus (optionally restricted to some documents) and a concept
edition into a :class:`~multivector.report.model.ReportData`: what the state says, does and
votes side by side (channels), balance over time, vector shares, declared versus observed, the
edition's coverage scorecard, theme attention, events, the diff with the edition it superseded
and, with several countries, a comparison of them on one time axis. The main sections are about
the concept's country (or, when its documents are absent, the country with most documents);
the comparison holds every country. Findings are short sentences computed from those results,
each naming its figures; they lead with where the channels agree and where they part.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from multivector import __version__
from multivector.analysis import (
    balance,
    coverage,
    documents_frame,
    elements_frame,
    events_frame,
    gap,
    mentions_frame,
    passages_frame,
    theme_attention,
    themes_frame,
)
from multivector.analysis.channels import agreements
from multivector.analysis.periods import assign_period
from multivector.analysis.stats import EvidenceRule, Intervals
from multivector.domain.actors import ActorType
from multivector.domain.concept import Edition
from multivector.domain.diff import EditionDiff, diff_editions
from multivector.domain.knowledge import Knowledge
from multivector.errors import MultivectorError
from multivector.report.model import (
    Comparison,
    DiffSummary,
    DocumentInfo,
    EditionInfo,
    ReportData,
    Stamp,
    corpus_hash,
    evidence_from_frame,
    join_words,
    parse_actors,
    plural,
)
from multivector.services import analyses
from multivector.services.corpus import Corpus
from multivector.store.base import Filters

Step = Callable[[str], None]
MAIN_VECTORS = ("russia", "china", "usa", "europe", "central_asia")
VOTE_PARTNERS = ("RUS", "CHN", "USA", "EU")
MIN_MENTIONS_CLAIMED = 3  # a vector named fewer times is not called over-attended in prose
# what a genre can and cannot say about partners, shown wherever a figure rests on it alone
GENRE_NOTES = {
    "UN General Debate": (
        "UN General Debate statements address the whole Assembly and seldom name bilateral "
        "partners: a low share for Russia, China or the United States there says little about "
        "relations with them"
    ),
}
UN_RECORD = "https://undocs.org/"


def _period_starts(editions: Sequence[Edition], first_year: int | None) -> Callable[[object], Any]:
    """The first year of a period label: a year, a cut range, an edition id or '(none)'."""
    starts = {e.id: (e.adopted.year if e.adopted else e.period_start) for e in editions}

    def start(label: object) -> int | None:
        text = str(label)
        if text in starts:
            return starts[text]
        if text[:4].isdigit():
            return int(text[:4])
        return first_year  # '(none)': before the first edition, from the corpus's first year

    return start


def build_report(
    corpus: Corpus,
    edition: Edition,
    *,
    doc_ids: Sequence[str] | None = None,
    period: str | list[int] = "edition",
    intervals: Intervals | None = None,
    step: Step | None = None,
) -> ReportData:
    say = step or (lambda _m: None)
    iv = intervals or Intervals()
    kb = corpus.knowledge
    store = corpus.store
    f = Filters(doc_ids=tuple(doc_ids)) if doc_ids else None
    say("reading the coded corpus")
    all_docs = documents_frame(store, f)
    all_mentions = mentions_frame(store, f)
    countries = sorted({str(c) for c in all_docs["country"].dropna()})
    focus = _focus(all_docs, countries, edition)

    def own(frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of the main sections: the focus country's (all rows when there is none)."""
        if focus is None or len(countries) <= 1:
            return frame
        return frame[frame["country"] == focus]

    docs = own(all_docs)
    mentions = own(all_mentions)
    themes = own(themes_frame(store, f))
    elements = own(elements_frame(store, f))
    events = own(events_frame(store, f))  # events that happened only
    texts = passages_frame(store, f)[["doc_id", "passage", "text"]]
    infos = _document_infos(corpus, all_docs, kb)
    titles = pd.DataFrame({"doc_id": list(infos), "title": [i.title for i in infos.values()]})

    def with_text(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.drop(columns=[c for c in ("text", "title") if c in frame.columns])
        return frame.merge(texts, on=["doc_id", "passage"], how="left").merge(
            titles, on="doc_id", how="left"
        )

    editions = kb.editions(edition.country)
    own_editions = kb.editions(focus) if focus else []
    evidence: dict[str, Any] = {}
    years = docs["year"].dropna()
    foreign = focus is not None and focus != edition.country
    if foreign and period == "edition" and len(years):
        # another country's statements are not dated by this concept's editions: the same
        # years, labelled as years ('2014-2019'), not as editions
        period = _edition_cuts(editions, int(years.min()), int(years.max()))
    _period_start = _period_starts(editions, int(years.min()) if len(years) else None)
    first = min(editions, key=lambda e: e.period_start).id if editions else None
    last_year = int(years.max()) if len(years) else None

    def label(value: object) -> str:
        # documents dated before the first edition: say so rather than '(none)'
        text = str(value)
        if text == "(none)" and first:
            return f"before {first}"
        if text.endswith("-") and text[:-1].isdigit() and last_year is not None:
            return f"{text}{last_year}"  # an open cut range ends with the corpus
        return text

    say("balance across vectors")
    bal = balance(mentions, period=period, vectors=kb.vectors, editions=editions, intervals=iv)
    index = bal.index_frame().rename(
        columns={"entropy_low": "entropy_lo", "entropy_high": "entropy_hi"}
    )
    diffs = bal.differences_frame()
    flagged: set[str] = set()
    if len(diffs):
        ent: pd.DataFrame = diffs[diffs["metric"] == "entropy"] if "metric" in diffs else diffs
        flagged = {str(r["period_b"]) for r in ent.to_dict("records") if r.get("differs")}
    index["flag"] = index["period"].astype(str).isin(flagged)
    index["period_start"] = index["period"].map(_period_start)
    index["period"] = index["period"].map(label)
    shares = bal.shares_frame().rename(columns={"share_low": "share_lo", "share_high": "share_hi"})
    shares = shares[["period", "vector", "share", "share_lo", "share_hi", "n_documents",
                     "evidence", "actors"]].copy()
    shares["period_start"] = shares["period"].map(_period_start)
    shares["period"] = shares["period"].map(label)
    # only the scheme's state vectors count toward the shares: their evidence, no other
    counted = assign_period(mentions[mentions["vector"].isin(list(kb.vectors.ids))], period,
                            editions=editions)
    counted["period"] = counted["period"].map(label)
    evidence["vector_shares"] = evidence_from_frame(with_text(counted), ["period", "vector"])
    evidence["balance_index"] = evidence_from_frame(with_text(counted), "period")

    say("theme attention")
    heat: pd.DataFrame | None = None
    if len(themes):  # no theme coded (e.g. a short corpus without embeddings): no heatmap
        attention = theme_attention(themes, docs, period=period, level="family",
                                    editions=editions)
        heat = attention.to_frame()[["theme", "period", "share"]].copy()
        heat["period_start"] = heat["period"].map(_period_start)
        heat["period"] = heat["period"].map(label)
        fam = themes.copy()
        fam["theme"] = fam["theme"].map(lambda t: str(t).split(".")[0])
        evidence["theme_heatmap"] = evidence_from_frame(
            with_text(
                assign_period(fam, period, editions=editions).assign(
                    period=lambda x: x["period"].map(label)
                )
            ),
            ["theme", "period"],
        )

    card = pd.DataFrame()
    if not foreign:  # another country's statements are not scored on this concept's elements
        say(f"coverage of {edition.id}")
        cov = coverage(edition, elements, events, period="year", documents=docs)
        card = cov.scorecard_frame()
        evidence["coverage"] = evidence_from_frame(with_text(cov.evidence_frame()), "element")

    gap_frame: pd.DataFrame | None = None
    gap_note = ""
    if not foreign:
        say("declared versus observed")
        gp = gap(edition, mentions, kb.vectors, themes=themes, elements=elements, events=events,
                 intervals=iv)
        gv = gp.vectors_frame()
        gap_frame = pd.DataFrame(
            {
                "vector": gv["vector"],
                "declared": gv["declared_share"],
                "observed": gv["observed_share"],
                "observed_lo": gv["observed_low"],
                "observed_hi": gv["observed_high"],
                "gap": gv["gap"],
                "flag": gv["differs"],
                "evidence": gv["evidence"],
                "actors": gv["actors"],
            }
        )
        start = edition.adopted or dt.date(edition.period_start, 1, 1)
        in_force = mentions[(mentions["vector"].isin(list(kb.vectors.ids)))
                            & (mentions["date"] >= pd.Timestamp(start))]
        evidence["gap"] = evidence_from_frame(with_text(in_force), "vector")
        gap_note = _gap_note(edition, docs, in_force, gap_frame)

    channels_frame: pd.DataFrame | None = None
    channel_findings: list[str] = []
    channel_periods: list[str] = []
    names = _labels(kb, [*countries, edition.country, *(c for c in (focus,) if c)])
    if focus is not None:
        say("what it says, does and votes")
        ch = analyses.channels(store, kb, countries=[focus], filters=f, intervals=iv)
        raw = ch.to_frame()
        channel_findings = _channel_findings(raw, names, edition, own_editions)
        channel_periods = agreements(raw, names)
        first_own = min(own_editions, key=lambda e: e.period_start).id if own_editions else None
        channels_frame = raw.copy()
        channels_frame["period_start"] = channels_frame["period"].map(
            _period_starts(own_editions, int(years.min()) if len(years) else None))
        channels_frame["period"] = channels_frame["period"].map(
            lambda p: (f"before {first_own}" if first_own else "all years")
            if str(p) == "(none)" else str(p))
        rows = counted[counted["vector"].isin(MAIN_VECTORS)]
        evidence["channels"] = evidence_from_frame(with_text(rows), ["period", "vector"])

    ev = events.sort_values("date")
    ev_frame = pd.DataFrame(
        {
            "date": ev["date"],
            "type": ev["type"],
            "actor": ev["actor"],
            "counterpart": ev["counterpart"].map(
                lambda c: ", ".join(c) if isinstance(c, list) else (c or "")
            ),
            "evidence": ev["evidence"],
            "doc_id": ev["doc_id"],
            "passage": ev["passage"],
            "date_source": ev.get("date_source"),
            "date_precision": ev.get("date_precision"),
            "reported": ev["reported"] if "reported" in ev else ev["date"],
        }
    )

    diff_summary = None
    diff = None
    if edition.supersedes and edition.supersedes in kb.edition_ids():
        diff = diff_editions(kb.edition(edition.supersedes), edition)
        diff_summary = DiffSummary.from_diff(diff)

    actor_ids = {str(a) for a in all_mentions["actor"].dropna()}
    actor_ids |= {str(a) for a in events["actor"].dropna()}
    actor_ids |= {str(c) for cs in events["counterpart"] for c in (cs or [])}
    actor_ids |= {str(p) for p in (diff_summary.relations["partner"] if diff_summary else [])}
    actor_labels = _labels(kb, sorted(actor_ids | set(countries)))
    vector_labels = {v.id: v.label for v in kb.vectors}
    comparison = None
    if len(countries) > 1:
        say(f"comparing {plural(len(countries), 'country', 'countries')}")
        comparison = _comparison(all_mentions, all_docs, countries, edition, kb, iv,
                                 actor_labels, vector_labels)

    say("findings")
    findings = _findings(docs, index, shares, card, gap_frame, diff, edition, focus,
                         vector_labels, actor_labels)
    if foreign and focus is not None:
        findings.insert(1, (
            f"No concept edition of {names.get(focus, focus)} is encoded: its statements are "
            f"not set against {names.get(edition.country, edition.country)}'s declared profile "
            f"or scored on the elements of {edition.id}; the periods are the years in which "
            f"that concept's editions came into force."))
    if comparison is not None:  # the countries side by side come right after the channels
        note = _declared_note(countries, comparison.declared, names)
        findings = [*([note] if note else []), *comparison.findings, *findings]
    dates = docs["date"].dropna()
    all_dates = all_docs["date"].dropna()
    stamp = Stamp(
        package_version=__version__,
        codebook_id=kb.codebook.id,
        codebook_version=kb.codebook.version,
        edition_id=edition.id,
        edition_data_version=edition.data_version,
        vectors_id=kb.vectors.id,
        vectors_version=kb.vectors.version,
        corpus_hash=corpus_hash(all_docs["doc_id"]),
        n_documents=len(all_docs),
        n_passages=int(all_docs["n_passages"].sum()) if len(all_docs) else 0,
        date_from=all_dates.min().date().isoformat() if len(all_dates) else None,
        date_to=all_dates.max().date().isoformat() if len(all_dates) else None,
    )
    methods = {
        "Periods": str(period),
        "Attention weighting": "per actor mention",
        "Balance index": "normalised Shannon entropy over all vectors; 1 - HHI beside it",
        "Intervals": iv.describe(),
        "Evidence rule": EvidenceRule().describe().replace("units", "mentions")
        + "; below it a period gets its interval, never a number",
        "Declared profile": "partner tiers x element kind (docs/analysis.md)",
        "Coverage": "element annotations per year (best per passage)",
        "Events": "those that happened (plans, proposals, hopes and negations left out)",
        "UN votes": "Voeten, Strezhnev and Bailey, United Nations General Assembly Voting Data "
        "(bundled, 1946-2019); agreement = 1 - mean distance, yes/no 1 apart, an abstention "
        "half (docs/votes.md)",
        "Edition alignment": "not reported: theme profiles score the editions within a few "
        "hundredths of each other, and statements of the 1990s read 'closest' to the 2020 "
        "edition, so the score dates no shift (`Corpus.alignment` computes it)",
    }
    if comparison is not None:
        methods["Comparison periods"] = comparison.periods
    who = _who(countries, focus, names)
    caveat = _genre_caveat(docs)
    notes = {
        "balance": f"{caveat[0].upper()}{caveat[1:]}." if caveat else "",
        "gap": gap_note,
        "channels": (
            "Attention: share of mentions (of states, regions and organisations) per vector, "
            "with its 95% interval. Events: events that happened, read from the same texts, "
            "counted once per vector of their "
            "counterparts. Votes: agreement with the partner in UN General Assembly roll calls (1 "
            "for the same vote, a half when one of the two abstains, 0 for yes against no; the "
            "EU votes as its members' majority, Central Asia as the other Central Asian "
            "states'), with a bootstrap interval over roll calls; the bundled votes end in 2019. "
            "The channels are set side by side, never added up."),
    }
    return ReportData(
        title=_title(countries, focus, edition, names),
        subtitle=(
            (f"{join_words(sorted(names.get(c, c) for c in countries))} "
             f"({plural(len(all_docs), 'document')}); every section but the comparison is on "
             if comparison else "")
            + f"{plural(len(docs), 'document')} of {who}, "
            f"{dates.min().year if len(dates) else '?'}-{dates.max().year if len(dates) else '?'}"
        ),
        edition=EditionInfo.from_edition(edition),
        stamp=stamp,
        subject=names.get(focus, focus) if focus else "",
        findings=findings,
        channel_findings=channel_findings,
        channel_periods=channel_periods,
        balance_index=index,
        vector_shares=shares,
        theme_heatmap=heat,
        coverage=card if len(card) else None,
        events=ev_frame,
        diff_summary=diff_summary,
        gap=gap_frame,
        notes=notes,
        channels=channels_frame,
        comparison=comparison,
        evidence=evidence,
        documents=infos,
        vector_labels=vector_labels,
        theme_labels={t.id: t.label("en") for t in kb.codebook},
        actor_labels=actor_labels,
        methods=methods,
    )


# --- whom the report is about -----------------------------------------------------------------


def _focus(docs: pd.DataFrame, countries: Sequence[str], edition: Edition) -> str | None:
    """The country of the main sections: the concept's, else the one with most documents."""
    if not countries:
        return None
    if edition.country in countries:
        return edition.country
    counts = docs["country"].value_counts()
    return str(counts.index[0])


def _labels(kb: Knowledge, ids: Sequence[str]) -> dict[str, str]:
    """Display names of actor ids; a region named as such reads 'Central Asia (the region)',
    apart from the vector of the same name."""
    out: dict[str, str] = {}
    for ident in ids:
        if ident in kb.registry:
            actor = kb.registry.get(ident)
            region = actor.type is ActorType.REGION
            out[ident] = f"{actor.name} (the region)" if region else actor.name
    return out


def _the(name: str) -> str:
    """A name as it reads inside a sentence: 'the United States', 'Russia'."""
    if name.startswith(("United ", "European ", "Middle East", "Americas", "Netherlands",
                        "Philippines", "Russian Federation")):
        return f"the {name}"
    if name == "Post-Soviet states":
        return "the post-Soviet states"
    return name


def _named(labels: Mapping[str, str], actor: str) -> str:
    """An actor as a sentence names it: a region named as such is 'the region by name'."""
    label = labels.get(actor, actor)
    return "the region by name" if label.endswith(" (the region)") else _the(label)


def _who(countries: Sequence[str], focus: str | None, names: Mapping[str, str]) -> str:
    if focus is None:
        return "the corpus"
    return names.get(focus, focus)


def _title(countries: Sequence[str], focus: str | None, edition: Edition,
           names: Mapping[str, str]) -> str:
    owner = names.get(edition.country, edition.country)
    if not countries:
        return f"Foreign policy against {edition.id}"
    listed = join_words([names.get(c, c) for c in sorted(countries,
                                                          key=lambda c: names.get(c, c))])
    ident = edition.id.replace("-", "\u2011")  # a title never breaks an edition id
    if len(countries) > 1:
        return (f"{_number_word(len(countries)).capitalize()} countries side by side, against "
                f"{owner}'s concept {ident}")
    if focus == edition.country:
        return f"{owner}'s foreign policy against its concept {ident}"
    return f"{listed}'s foreign policy against {owner}'s concept {ident}"


def _display_title(title: str, country: str | None, names: Mapping[str, str]) -> str:
    """'... statement of KAZ' -> '... statement of Kazakhstan'."""
    if country and title.endswith(f" {country}") and country in names:
        return title[: -len(country)] + names[country]
    return title


def _document_infos(corpus: Corpus, docs: pd.DataFrame, kb: Knowledge) -> dict[str, DocumentInfo]:
    """Title, file and record of every document of the report (for the evidence appendix)."""
    if not len(docs):
        return {}
    names = _labels(kb, sorted({str(c) for c in docs["country"].dropna()}))
    out: dict[str, DocumentInfo] = {}
    for doc in corpus.store.documents(Filters(doc_ids=tuple(docs["doc_id"]))):
        meta = doc.meta
        extra = dict(meta.extra or {})
        symbol = str(extra.get("symbol") or extra.get("un_symbol") or "")
        out[doc.id] = DocumentInfo(
            title=_display_title(meta.title or "", meta.country, names),
            source=meta.path or "",
            record=symbol,
            url=UN_RECORD + symbol if symbol else "",
            date_note=str(extra.get("date_precision") or ""),
        )
    return out


# --- notes and findings ---------------------------------------------------------------------


def _genre_caveat(docs: pd.DataFrame) -> str:
    """What the documents' one genre cannot say, when they are all of one genre."""
    sources = {str(s) for s in docs["source"].dropna()} if "source" in docs else set()
    for source, note in GENRE_NOTES.items():
        if sources and all(s.startswith(source) for s in sources):
            return note
    kinds = {str(g) for g in docs["genre"].dropna()} if "genre" in docs else set()
    if len(kinds) == 1:
        return (f"every document is of one genre ({next(iter(kinds))}): other genres may weigh "
                "partners otherwise")
    return ""


def _gap_note(edition: Edition, docs: pd.DataFrame, in_force: pd.DataFrame,
              frame: pd.DataFrame) -> str:
    start = edition.adopted or dt.date(edition.period_start, 1, 1)
    window = docs[docs["date"] >= pd.Timestamp(start)]
    thin = bool((frame["evidence"] == "insufficient").any())
    text = (f"Observed: {plural(len(window), 'document')} dated from {start.isoformat()}, when "
            f"{edition.id} came into force, with {plural(len(in_force), 'mention')} of states, "
            "regions and organisations counted toward the vectors")
    text += (" (too little evidence for observed shares: intervals only, and no gap is "
             "claimed)." if thin else ".")
    caveat = _genre_caveat(window)
    return text + (f" {caveat[0].upper()}{caveat[1:]}." if caveat else "")


def _actor_counts(actors: pd.Series) -> Counter[str]:
    """'AFG 15, PAK 3 of 20' strings summed into counts per actor."""
    total: Counter[str] = Counter()
    for text in actors.dropna():
        for actor, n in parse_actors(text)[0]:
            total[actor] += n
    return total


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _span(low: float, high: float) -> str:
    """'74–89%' (one figure when both ends round alike)."""
    a, b = f"{100 * low:.0f}", f"{100 * high:.0f}"
    return f"{a}%" if a == b else f"{a}–{b}%"


def _findings(
    docs: pd.DataFrame,
    index: pd.DataFrame,
    shares: pd.DataFrame,
    card: pd.DataFrame,
    gap_frame: pd.DataFrame | None,
    diff: EditionDiff | None,
    edition: Edition,
    focus: str | None,
    vector_labels: Mapping[str, str],
    actor_labels: Mapping[str, str],
) -> list[str]:
    out: list[str] = []
    if not len(docs):
        return ["The corpus holds no documents: nothing to report."]

    def vec(v: object) -> str:
        return _the(vector_labels.get(str(v), str(v)))

    years = docs["year"].dropna()
    who = f" of {actor_labels.get(focus, focus)}" if focus else ""
    sources = docs["source"].dropna().astype(str).value_counts()
    kind = (f"; all from the {sources.index[0]}" if len(sources) == 1
            and sources.iloc[0] == len(docs) else "")
    out.append(
        f"The main sections rest on {plural(len(docs), 'document')}{who} from "
        f"{int(years.min())} to {int(years.max())} "
        f"({plural(int(docs['n_passages'].sum()), 'passage')}{kind})."
    )
    valid = index.dropna(subset=["entropy"])
    thin = index[index["entropy"].isna()]
    if len(valid) >= 2:
        ordered = valid.sort_values("entropy")
        lo, hi = ordered.iloc[0], ordered.iloc[-1]
        top = ""
        if isinstance(lo.get("top_vector"), str):
            behind = _actor_counts(shares.loc[(shares["period"] == lo["period"])
                                              & (shares["vector"] == lo["top_vector"]),
                                              "actors"])
            first = behind.most_common(1)[0][0] if behind else ""
            top = (f"; {vec(lo['top_vector'])} {_pct(lo['top_share'])}"
                   + (f", mostly {_named(actor_labels, first)}" if first else ""))
        out.append(
            f"Attention was most evenly spread across the vectors in {hi['period']} (balance "
            f"index {hi['entropy']:.2f}) and most concentrated in {lo['period']} "
            f"({lo['entropy']:.2f}{top}) ({{figure:balance_index}})."
        )
        shifts = [str(p) for p in valid.loc[valid["flag"].astype(bool), "period"]]
        if shifts:
            out.append("The balance index changed beyond its interval entering "
                       + join_words(shifts) + ".")
    if len(thin):
        out.append(
            f"{join_words([str(p) for p in thin['period']])} "
            f"{'holds' if len(thin) == 1 else 'hold'} too little evidence for a balance index "
            "or shares (fewer than 3 documents or 10 effective mentions): only intervals are "
            "shown for them."
        )
    sufficient = shares.dropna(subset=["share"])
    if len(sufficient):
        mean = sufficient.groupby("vector")["share"].mean().sort_values(ascending=False)
        parts = []
        for v, s in mean.head(3).items():
            if s <= 0:
                continue
            behind = _actor_counts(sufficient.loc[sufficient["vector"] == v, "actors"])
            names = [_named(actor_labels, a) for a, _ in behind.most_common(2)]
            parts.append(f"{vec(v)} ({_pct(s)}" + (f", mostly {join_words(names)})" if names
                                                   else ")"))
        if parts:
            out.append("Across periods the vectors drawing most attention were "
                       + join_words(parts)
                       + " (mean share per period; {figure:vector_shares}).")
    if gap_frame is not None and len(gap_frame):
        out.append(_gap_finding(gap_frame, edition, docs, vec, actor_labels))
    if len(card):
        silent = card[card["silent"].astype(bool)]
        named = [str(t or e) for t, e in zip(silent["title"], silent["element"], strict=True)]
        shown = "; ".join(named[:4]) + ("; …" if len(named) > 4 else "")
        out.append(
            f"Of the {plural(len(card), 'element')} of {edition.id}, {len(silent)} found no "
            "evidence in the statements dated while it is in force"
            + (f" (among them: {shown})" if len(silent) else "")
            + "; an element may be silent because the texts word it otherwise "
            "({figure:coverage})."
        )
    if diff is not None:
        moves = _tier_moves(diff, actor_labels)
        if moves:
            out.append(f"From {diff.a.id} to {diff.b.id} the declared tier went "
                       + "; ".join(moves) + " ({section:diff}).")
    out.append(
        "Every figure links to the passages behind it; the coding is automatic and "
        "should be read with the evidence (evaluation figures: docs/quality.md)."
    )
    return out


def _gap_finding(frame: pd.DataFrame, edition: Edition, docs: pd.DataFrame,
                 vec: Callable[[object], str], actor_labels: Mapping[str, str]) -> str:
    if (frame["evidence"] == "insufficient").any():
        return (f"The statements dated while {edition.id} is in force hold too little evidence "
                "to set attention against the profile it declares: the intervals are shown, "
                "and no gap is claimed ({figure:gap}).")
    flagged = frame[frame["flag"].astype(bool)]
    under = flagged[flagged["gap"] < 0].sort_values("declared", ascending=False)
    over = flagged[flagged["gap"] > 0].sort_values("observed", ascending=False)
    if not len(under) and not len(over):
        return (f"Attention in the statements under {edition.id} lies within the intervals of "
                "the profile it declares for every vector ({figure:gap}).")
    parts = []
    if len(under):
        observed = {_pct(o) for o in under["observed"]}
        parts.append(
            "less to " + join_words([vec(v) for v in under["vector"]]) + " ("
            + (f"{observed.pop()} against " if len(observed) == 1 else
               ", ".join(_pct(o) for o in under["observed"]) + " against ")
            + join_words([_pct(d) for d in under["declared"]]) + " declared)")
    more = []
    for r in over.to_dict("records"):
        behind = _actor_counts(pd.Series([r.get("actors")]))
        if sum(behind.values()) < MIN_MENTIONS_CLAIMED:
            continue  # one mention against a declared zero is no finding
        who = ", ".join(f"{_named(actor_labels, a)} {n}" for a, n in behind.most_common(2))
        more.append(f"{vec(r['vector'])} ({_pct(r['observed'])}" + (f": {who} mentions)"
                                                                     if who else ")"))
    if more:
        parts.append("more to " + join_words(more))
    if not parts:
        return (f"Attention in the statements under {edition.id} lies within the intervals of "
                "the profile it declares, but for vectors named once or twice "
                "({figure:gap}).")
    start = edition.adopted or dt.date(edition.period_start, 1, 1)
    window = docs[docs["date"] >= pd.Timestamp(start)]
    sentence = (f"Against the profile {edition.id} declares, its "
                f"{plural(len(window), 'statement')} since {start.year} give "
                + " and ".join(parts) + ", beyond the intervals ({figure:gap})")
    caveat = _genre_caveat(window)
    if caveat:
        sentence += (f". {caveat[0].upper()}{caveat[1:]}; read this as the genre's silence as "
                     "much as the policy's, and see the votes ({section:channels})")
    return sentence + "."


def _tier_moves(diff: EditionDiff, labels: Mapping[str, str]) -> list[str]:
    """'up for China (untiered -> comprehensive strategic partnership)', partners with the
    same move grouped."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for r in diff.relations:
        if r.direction not in ("up", "down"):
            continue

        def tier(rel: Any) -> str:
            t = getattr(rel, "tier", None) if rel is not None else None
            return t.label if t is not None else "untiered"

        key = (r.direction, tier(r.before), tier(r.after))
        groups.setdefault(key, []).append(_the(labels.get(r.partner, r.partner)))
    return [f"{d} for {join_words(sorted(names))} ({a} → {b})"
            for (d, a, b), names in groups.items()]


def _channel_findings(table: pd.DataFrame, names: Mapping[str, str], edition: Edition,
                      editions: Sequence[Edition]) -> list[str]:
    """The channels' sentences for the report's edition and the one before it in full, and
    one sentence for the earlier periods' votes."""
    sentences = agreements(table, names)
    if not sentences:
        return []
    recent = {edition.id, *(e.id for e in editions if e.id == edition.supersedes)}
    lead = [s for s in sentences if any(f"under {p}:" in s for p in recent)]
    earlier = table[~table["period"].isin(list(recent)) & (table["votes_status"] == "ok")]
    out = list(reversed(lead)) if lead else []
    if len(earlier):
        periods = list(dict.fromkeys(str(p) for p in earlier["period"]))
        ranges = []
        for vector in MAIN_VECTORS:
            values = earlier.loc[earlier["vector"] == vector, "votes"].dropna()
            if len(values):
                ranges.append((float(values.mean()), f"{_vector_prose(vector)} "
                               f"{_span(values.min(), values.max())}"))
        ranges.sort(reverse=True)
        lead_period = min(recent, key=lambda i: next(
            (e.period_start for e in editions if e.id == i), 9999)) if lead else None
        span = (f"in the {_number_word(len(periods))} periods before {lead_period}"
                if periods != ["(none)"] and lead_period
                else f"in the {_number_word(len(periods))} earlier periods"
                if periods != ["(none)"]
                else "before the first concept" if editions
                else "over all the years (no concept edition of it is encoded)")
        out.append(
            f"{names.get(str(table['country'].iloc[0]), '')}, {span}, in the UN General Assembly "
            "(agreement over roll calls, an abstention counting half): "
            + ", ".join(r for _, r in ranges) + " ({section:channels}).")
    return out if lead or len(earlier) else sentences


def _vector_prose(vector: str) -> str:
    return {"russia": "with Russia", "china": "with China", "usa": "with the United States",
            "europe": "with the EU", "central_asia": "with Central Asia"}.get(vector, vector)


# --- several countries ----------------------------------------------------------------------


def _edition_cuts(editions: Sequence[Edition], first: int, last: int) -> list[int]:
    """Cut years from the corpus's first year and the years the editions came into force."""
    starts = sorted({e.adopted.year if e.adopted else e.period_start for e in editions})
    return [first, *(y for y in starts if first < y <= last)]


def _comparison(
    mentions: pd.DataFrame,
    docs: pd.DataFrame,
    countries: Sequence[str],
    edition: Edition,
    kb: Knowledge,
    iv: Intervals,
    names: Mapping[str, str],
    vector_labels: Mapping[str, str],
) -> Comparison:
    """The countries side by side on the years of the concept country's editions."""
    years = docs["year"].dropna()
    first, last = int(years.min()), int(years.max())
    cuts = _edition_cuts(kb.editions(edition.country), first, last)
    relabel = {f"{cuts[-1]}-": f"{cuts[-1]}-{last}"}

    def period_label(value: object) -> str:
        return relabel.get(str(value), str(value))

    bal = balance(mentions, period=cuts, by="country", vectors=kb.vectors, intervals=iv)
    index = bal.index_frame().rename(
        columns={"entropy_low": "entropy_lo", "entropy_high": "entropy_hi"})
    index["period"] = index["period"].map(period_label)
    index["period_start"] = index["period"].map(lambda p: int(str(p)[:4]))
    whole = balance(mentions, period=[first], by="country", vectors=kb.vectors, intervals=iv)
    shares = whole.shares_frame().rename(
        columns={"share_low": "share_lo", "share_high": "share_hi"})
    shares = shares[["country", "vector", "share", "share_lo", "share_hi", "evidence",
                     "n_documents", "actors"]]
    votes = None
    try:
        from multivector.services import votes as vote_service

        va = vote_service.agreement(list(countries), list(VOTE_PARTNERS), by=cuts,
                                    date_from=first, knowledge=kb,
                                    bootstrap=min(iv.draws, 1000), seed=iv.seed)
        t = va.to_frame()
        votes = pd.DataFrame({
            "country": t["country"], "partner": t["partner"], "partner_name": t["partner_name"],
            "period": t["cell"].map(period_label), "value": t["value"], "low": t["low"],
            "high": t["high"], "n_rollcalls": t["n_rollcalls"], "status": t["status"],
        })
        votes = votes[votes["period"] != "(none)"]
        votes["period_start"] = votes["period"].map(lambda p: int(str(p)[:4]))
    except MultivectorError:
        votes = None  # e.g. a country with no recorded vote in these years
    declared = {c: [e.id for e in kb.editions(c)] for c in countries}
    owner = names.get(edition.country, edition.country)
    periods = (f"the years in which {owner}'s concept editions came into force: "
               + ", ".join(period_label(p) for p in
                           [*(f"{a}-{b - 1}" for a, b in itertools.pairwise(cuts)),
                            f"{cuts[-1]}-"]))
    return Comparison(
        countries=list(countries), balance=index, shares=shares, votes=votes,
        declared=declared, periods=periods,
        findings=_comparison_findings(countries, index, shares, votes, declared, names,
                                      vector_labels),
    )


def _declared_note(countries: Sequence[str], declared: Mapping[str, Sequence[str]],
                   names: Mapping[str, str]) -> str:
    """Which countries have a declared profile (an encoded edition), and that none is
    inferred for the others; empty when every country has one."""
    with_editions = [c for c in countries if declared.get(c)]
    without = [names.get(c, c) for c in countries if not declared.get(c)]
    if not without:
        return ""
    return ("Declared profiles exist only for countries with an encoded concept edition: "
            + (join_words([names.get(c, c) for c in with_editions]) if with_editions
               else "none of these")
            + f". {join_words(sorted(without))} {'has' if len(without) == 1 else 'have'} none "
            "encoded here, so no declared tier or share is shown for "
            f"{'it' if len(without) == 1 else 'them'}, and none is inferred.")


def _number_word(n: int) -> str:
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    return words[n] if 0 <= n < len(words) else str(n)


def _comparison_findings(
    countries: Sequence[str],
    index: pd.DataFrame,
    shares: pd.DataFrame,
    votes: pd.DataFrame | None,
    declared: Mapping[str, Sequence[str]],
    names: Mapping[str, str],
    vector_labels: Mapping[str, str],
) -> list[str]:
    out: list[str] = []
    if votes is not None and len(votes):
        ok = votes[votes["status"] == "ok"].dropna(subset=["value"])
        if len(ok):
            latest = max(ok["period_start"])
            part = ok[ok["period_start"] == latest]
            per = str(part["period"].iloc[0])
            ranges = []
            for _, rows in part.groupby("partner"):
                ranges.append((float(rows["value"].mean()),
                               f"with {_the(str(rows['partner_name'].iloc[0]))} "
                               f"{_span(rows['value'].min(), rows['value'].max())}"))
            ranges.sort(reverse=True)
            n = part["country"].nunique()
            out.append(
                f"In the UN General Assembly in {per} (the last period with roll calls in the "
                f"bundled data), the {_number_word(n)} countries voted "
                + ", ".join(r for _, r in ranges) + " of the time ({figure:comparison_votes}).")
    if len(shares):
        parts = []
        for country, rows in shares.groupby("country", sort=False):
            name = names.get(str(country), str(country))
            rows = rows.dropna(subset=["share"]).sort_values("share", ascending=False)
            if not len(rows):
                parts.append(f"{name}: too little evidence")
                continue
            top = rows.iloc[0]
            behind = _actor_counts(pd.Series([top["actors"]]))
            who = _named(names, behind.most_common(1)[0][0]) if behind else ""
            vector = str(top["vector"])
            parts.append(f"{name} to {_the(vector_labels.get(vector, vector))} "
                         f"({_pct(top['share'])}" + (f", mostly {who})" if who else ")"))
        if parts:
            out.append("Over all the years, the statements gave most attention: "
                       + "; ".join(parts) + " ({figure:comparison_balance}).")
    return out
