"""The `events` component: diplomatic events found by trigger rules in each sentence.

Each passage is cut into sentences; the rules of :mod:`multivector.text.event_rules` find
triggers (visit, meeting, signed ... agreement, opened ... embassy, chairmanship, accession,
mediation, aid, support, criticism) in English and Russian. An event is one annotation per
sentence, type and status (the strongest trigger wins), and per coordinated part (below),
spanning the whole sentence as its evidence.

Roles come from the layers found before (run `actors` and `dates` first):

- actor: the first actor (not a place) before the trigger that does not follow a preposition
  ("in", "with", "с", "в" ...): "Kazakhstan and Russia signed" -> KAZ; otherwise, when the
  sentence speaks in the first person ("we", "our country", "мы", "наша страна"), the speaker's
  country (``meta.country``); otherwise none, and the score drops to 70%.
- counterpart: every other actor of the sentence, organisations included, places excluded
  (for a coordinated part, its own actors and those outside the coordination).
- place: the first place actor of the sentence, else a country right after "in"/"at"/"в".
- date: a date of the sentence (see below), else the document's date, marked as such.

The score is the trigger rule's strength (0.55-0.9). ``attrs`` hold ``actor``, ``actor_source``
(sentence, speaker), ``counterpart`` (list), ``place``, ``status`` and ``status_cue``, the date
(``date``, ``date_precision``, ``date_source``, ``date_range_end``, ``date_span``), ``plover``,
``plover_mode``, ``future`` (true for planned, proposed, hoped and conditional events),
``trigger`` (its text) and ``trigger_start``/``trigger_end`` (offsets into the document text).

Status (see :func:`multivector.text.event_rules.status_of`): ``happened`` (past or present:
"chaired", "chairs"), ``planned`` ("next year we will assume the chairmanship"), ``proposed``
("we propose to hold a summit"), ``hoped`` ("we hope to sign"), ``negated`` ("did not sign") or
``conditional`` ("if ..., we will sign"). Every status is kept; only ``happened`` events report
what was done. A happened-looking event dated after its document ("the summit in 2027") is
planned (cue "date"), unless its clause tells of the past ("took over the chairmanship for the
coming year").

Date: ``date`` is ISO and may be partial (``1996``, ``1996-09``, ``1996-09-10``) with
``date_precision`` year, month or day. ``date_source`` "sentence": a date annotation of the
sentence (``date_span`` its offsets) in the trigger's clause (up to a semicolon or colon): the
nearest date it owns (a date belongs to the nearest trigger in its part of the sentence, between
commas, or to the nearest trigger when its part holds none), else the nearest date in a part
without a trigger ("In 2010, Kazakhstan chaired the OSCE and hosted the summit"). Years
inside names ("the 2030 Agenda", "Expo-2017"), a noun's dates ("resolution 1624 of 2005") and
decades are no event dates; support and criticism, done by saying them, take only a date said
before the trigger ("In 2014 we welcomed ...", not the date of what they welcome), and never one
after the document's. ``date_source``
"document": the sentence gives none and ``date`` is the document's date (precision day), which
says when the event was reported, not when it took place; without a document date all are None.

Coordination: "chaired the OSCE in 2010 and the OIC in 2011" is two events, one per
organisation for chairmanship and membership ("joined the UN, the OSCE and the CIS in 1992":
three), and one per year for the others ("hosted the congress in 2003, 2006 and 2009": three;
"signed agreements with China in 2013 and with Russia in 2014": two). A date after the
coordinator ("and in 2011 the OIC") belongs to what follows it.

Lines of a web page's frame (navigation, "Visit also" and its links, "Read 6289 times", "Sign up
for ...": :func:`multivector.text.event_rules.boilerplate_spans`) yield no events, and a frame
line that segmentation joined to a sentence is left out of the event's span (its evidence).
Settings: ``min_score`` (events scoring less are dropped), ``skip_boilerplate`` (default
true; false finds events in the frame too) and ``prefilter`` (default true: a sentence runs only
the rules whose required words it holds, found by one automaton scan; false runs every rule on
every sentence, the slower reference, with the same events).

PLOVER codes (category, mode), after the PLOVER manual and its CAMEO conversion table:

================  ===========  ============  ================================================
event type        PLOVER       mode          why
================  ===========  ============  ================================================
visit             CONSULT      visit         CAMEO 042 "make a visit"
meeting           CONSULT      multilateral  a summit or an organisation takes part; else no
                                             mode (CAMEO 040/044)
agreement_signed  SUPPORT      --            PLOVER puts "ratify, sign, or finalize an
                                             agreement" under SUPPORT (CAMEO 057); a promise
                                             to sign ("will sign") is AGREE
embassy_opened    SUPPORT      --            "initiate or expand diplomatic, non-material
                                             cooperation"; COOPERATE is material only
chairmanship      --           --            holding an office in an organisation is a
                                             status, not an act toward a recipient
membership        SUPPORT      --            accession finalises a treaty or opens
                                             diplomatic ties (as agreement_signed)
mediation         CONSULT      --            CAMEO 045 "engage in mediation"
aid_given         AID          humanitarian  or economic (loans, grants, money), else none
support_stated    SUPPORT      --            CAMEO 051 "praise or endorse"
criticism_stated  ACCUSE       disapprove    CAMEO 111 "criticize or denounce"
================  ===========  ============  ================================================
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from typing import Any

from multivector.domain.corpus import AnnotatedDocument, Annotation, Layer, Passage, Producer
from multivector.pipeline import Component, Context, register
from multivector.text.event_rules import (
    CLAUSE_BREAK,
    NOT_YET,
    SPEECH_ACTS,
    Trigger,
    boilerplate_spans,
    find_triggers,
    first_subject_pronoun,
    is_first_person,
    plover_of,
    reads_past,
)
from multivector.text.segment import sentences

_PREPOSITION = re.compile(r"(?i)\b(?:in|at|of|with|to|from|for|by|on|between|among|towards"
                          r"|against|into|than|в|во|на|с|со|к|ко|от|для|при|из|по|между"
                          r"|против|у)\s+(?:the\s+)?$")
_AGENT = re.compile(r"(?i)\s*,?\s+(of|by|between)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$")
_OF_AGENT = {"visit", "meeting", "chairmanship", "membership", "mediation"}
_POSSESSIVE = re.compile(r"['’]s\b")
_IN = re.compile(r"(?i)\b(?:in|at|в|во)\s+(?:the\s+)?$")
NO_ACTOR_FACTOR = 0.7
EVENT_PRECISIONS = ("day", "month", "year")  # decades date no event
PER_ORGANISATION = frozenset({"chairmanship", "membership"})
_MONTH_ALONE = frozenset({"en month alone", "ru month alone"})
# coordinated parts: "the OSCE in 2010 and the OIC", "в ОБСЕ и в ШОС"
_COORDINATOR = re.compile(r"(?i),|\band\b|\bи\b|\bas\s+well\s+as\b|\bа\s+также\b")
_GAP_BREAK = re.compile(r"[;:()]|(?i:\b(?:which|who|where|when|but|while|whereas|because|that"
                        r"|котор\w+|где|когда|но|что)\b)")
_YEAR_LIST_GAP = re.compile(r"(?i)\s*(?:,\s*(?:and\s+|и\s+)?|\s(?:and|и)\s+)(?:in\s+|в\s+)?$")
_COORDINATION_WORDS = 8
_PART = re.compile(r"[,;:]|\s[–—-]\s")
_HARD_BREAK = re.compile(r"[;:]")
_OF_DATE = re.compile(r"(?i)\b(?!(?:autumn|spring|summer|winter|fall|end|beginning|middle|half"
                      r"|start|course)\s)\w+\s+(?:of|от)\s+$")


class EventFinder:
    name = "events"
    version = "2"

    def __init__(self, min_score: float = 0.0, skip_boilerplate: bool = True,
                 prefilter: bool = True) -> None:
        self.min_score = min_score
        self.skip_boilerplate = skip_boilerplate
        self.prefilter = prefilter

    def __call__(self, doc: AnnotatedDocument) -> AnnotatedDocument:
        frame = boilerplate_spans(doc.text) if self.skip_boilerplate else []
        for p in doc.passages:
            actors = _best_per_span(doc.in_passage(p.index, Layer.ACTOR))
            dates = [d for d in doc.in_passage(p.index, Layer.DATE) if _usable(d, doc.text)]
            for s_start, s_end in sentences(doc.text, p.start, p.end):
                if frame:
                    s_start, s_end = _without_frame(doc.text, s_start, s_end, frame)
                    if s_start >= s_end:
                        continue
                sent_actors = [a for a in actors if s_start <= a.start and a.end <= s_end]
                sent_dates = [d for d in dates if s_start <= d.start and d.end <= s_end]
                doc.annotations.extend(
                    self._events(doc, p, s_start, s_end, sent_actors, sent_dates, frame)
                )
        return doc

    def _events(
        self,
        doc: AnnotatedDocument,
        p: Passage,
        s_start: int,
        s_end: int,
        actors: list[Annotation],
        dates: list[Annotation],
        frame: Sequence[tuple[int, int]],
    ) -> list[Annotation]:
        text = doc.text
        found = [t for t in find_triggers(text[s_start:s_end], prefilter=self.prefilter)
                 if not _inside(frame, s_start + t.start)]
        best: dict[tuple[str, str], Trigger] = {}
        for t in found:
            if t.rule.needs_organisation and not _organisation_follows(actors, s_start + t.end):
                continue
            key = (t.rule.type, t.status)
            if key not in best or t.rule.score > best[key].rule.score:
                best[key] = t
        out = []
        for (event_type, status), t in best.items():
            t_start, t_end = s_start + t.start, s_start + t.end
            actor, source = self._actor(doc, event_type, actors, t_start, t_end, s_start, s_end)
            score = t.rule.score * (1.0 if actor else NO_ACTOR_FACTOR)
            if score < self.min_score:
                continue
            people = [a for a in actors if a.attrs.get("type") != "place"]
            others = [a for a in people if a.label != actor]
            elsewhere = [(s_start + o.start, s_start + o.end) for o in found
                         if o.end <= t.start or o.start >= t.end]
            trigger_text = text[t_start:t_end]
            usable = dates
            if event_type in SPEECH_ACTS:  # "we welcome the elections held on 18 September"
                usable = [d for d in dates if d.end <= t_start]
            for counterparts, date in _conjuncts(event_type, text, (t_start, t_end),
                                                 (s_start, s_end), others, usable, elsewhere):
                when = _date_attrs(doc, date, status)
                own_status, cue = status, t.cue
                if _after_document(doc, when) and event_type in SPEECH_ACTS:
                    when = _date_attrs(doc, None, status)  # said now of a later date
                elif status == "happened" and _after_document(doc, when) and not reads_past(
                        text[s_start:s_end], t.start, t.end):
                    own_status, cue = "planned", "date"
                future = own_status in NOT_YET
                plover, mode = plover_of(event_type, trigger_text, future)
                if event_type == "meeting" and (
                    "summit" in trigger_text.lower() or "саммит" in trigger_text.lower()
                    or any(a.attrs.get("type") == "organisation" for a in counterparts)
                ):
                    mode = "multilateral"
                out.append(
                    Annotation(
                        doc_id=doc.document.id,
                        passage=p.index,
                        layer=Layer.EVENT,
                        label=event_type,
                        start=s_start,
                        end=s_end,
                        score=round(score, 3),
                        producer=Producer(self.name, self.version, t.rule.name),
                        attrs={
                            "actor": actor,
                            "actor_source": source,
                            "counterpart": list(dict.fromkeys(a.label for a in counterparts)),
                            "place": _place(text, actors, s_start),
                            "status": own_status,
                            "status_cue": cue,
                            **when,
                            "plover": plover,
                            "plover_mode": mode,
                            "future": future,
                            "trigger": trigger_text,
                            "trigger_start": t_start,
                            "trigger_end": t_end,
                        },
                    )
                )
        return out

    @staticmethod
    def _actor(
        doc: AnnotatedDocument,
        event_type: str,
        actors: list[Annotation],
        trigger_start: int,
        trigger_end: int,
        sent_start: int,
        sent_end: int,
    ) -> tuple[str | None, str | None]:
        text = doc.text
        country = doc.document.meta.country
        sentence = text[sent_start:trigger_start]
        pronoun = first_subject_pronoun(sentence)
        for a in actors:
            if a.start > trigger_start:
                break
            after_preposition = _PREPOSITION.search(text[max(0, a.start - 20) : a.start])
            if after_preposition and not _POSSESSIVE.match(text, a.end):
                continue  # "with Russia", but "on Kazakhstan's admission" keeps its subject
            if country and pronoun is not None and sent_start + pronoun < a.start:
                return country, "speaker"  # "we hosted the OIC Summit"
            if a.attrs.get("type") == "place":
                if a.attrs.get("own_country") and country:
                    return country, "sentence"  # "Astana hosted": the capital for the state
                continue
            return a.label, "sentence"
        for a in actors:  # "the visit of the Secretary-General", "chaired by Kazakhstan"
            agent = _AGENT.match(text[trigger_end : a.start]) if a.start >= trigger_end else None
            if agent and a.attrs.get("type") != "place" and (
                agent.group(1).lower() != "of" or event_type in _OF_AGENT
            ) and not (  # "the chairmanship of the OSCE": the office, not who holds it
                agent.group(1).lower() == "of" and event_type in PER_ORGANISATION
                and a.attrs.get("type") == "organisation"
            ):
                return a.label, "sentence"
        if country and is_first_person(text[sent_start:sent_end]):
            return country, "speaker"
        return None, None


def _best_per_span(actors: list[Annotation]) -> list[Annotation]:
    """One reading per mention (the most confident), in text order."""
    best: dict[tuple[int, int], Annotation] = {}
    for a in actors:
        key = (a.start, a.end)
        if key not in best or a.score > best[key].score:
            best[key] = a
    return sorted(best.values(), key=lambda a: (a.start, a.end))


def _organisation_follows(actors: list[Annotation], pos: int) -> bool:
    return any(
        a.attrs.get("type") == "organisation" and pos <= a.start <= pos + 12 for a in actors
    )


def _place(text: str, actors: list[Annotation], s_start: int) -> str | None:
    for a in actors:
        if a.attrs.get("type") == "place":
            return a.label
    for a in actors:
        if a.attrs.get("type") == "country" and _IN.search(text[max(s_start, a.start - 12) :
                                                                a.start]):
            return a.label
    return None


def _inside(spans: Sequence[tuple[int, int]], pos: int) -> bool:
    """Whether ``pos`` lies in one of ``spans`` (sorted, disjoint)."""
    i = bisect_right(spans, (pos, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def _without_frame(
    text: str, start: int, end: int, frame: Sequence[tuple[int, int]]
) -> tuple[int, int]:
    """The sentence ``start:end`` without the frame lines at its edges (a navigation line that
    segmentation joined to the text after it)."""
    i = bisect_right(frame, (start, 1 << 62)) - 1
    if i >= 0 and frame[i][0] <= start < frame[i][1]:
        start = frame[i][1]
        while start < end and text[start].isspace():
            start += 1
    j = bisect_right(frame, (end - 1, 1 << 62)) - 1
    if j >= 0 and frame[j][0] <= end - 1 < frame[j][1] and frame[j][0] > start:
        end = frame[j][0]
        while end > start and text[end - 1].isspace():
            end -= 1
    return start, end


def _usable(d: Annotation, text: str) -> bool:
    """A date an event can take: resolved, a day, month or year, not part of a name and not a
    noun's ("resolution 69/213 of 2014", "указ от 6 марта 2020 года")."""
    return (d.attrs.get("value") is not None and d.attrs.get("kind") != "name"
            and d.attrs.get("precision") in EVENT_PRECISIONS
            and not _OF_DATE.search(text, max(0, d.start - 20), d.start))


def _date_attrs(doc: AnnotatedDocument, d: Annotation | None, status: str) -> dict[str, Any]:
    if d is not None:
        value = str(d.attrs["value"])
        day = doc.document.meta.date
        if (status in NOT_YET and d.producer.rule in _MONTH_ALONE and day is not None
                and value < day.isoformat()[:7]):
            value = f"{int(value[:4]) + 1:04d}{value[4:]}"  # "in December we will": the next
        return {"date": value, "date_precision": d.attrs.get("precision"),
                "date_source": "sentence", "date_range_end": d.attrs.get("range_end"),
                "date_span": [d.start, d.end]}
    day = doc.document.meta.date
    return {"date": day.isoformat() if day else None, "date_precision": "day" if day else None,
            "date_source": "document" if day else None, "date_range_end": None,
            "date_span": None}


def _after_document(doc: AnnotatedDocument, when: Mapping[str, Any]) -> bool:
    """Whether a date from the sentence lies after the document's date, at its precision."""
    day = doc.document.meta.date
    value = when.get("date")
    if day is None or when.get("date_source") != "sentence" or not isinstance(value, str):
        return False
    return value > day.isoformat()[: len(value)]


def _conjuncts(
    event_type: str,
    text: str,
    trigger: tuple[int, int],
    sentence: tuple[int, int],
    counterparts: list[Annotation],
    dates: list[Annotation],
    elsewhere: list[tuple[int, int]],
) -> list[tuple[list[Annotation], Annotation | None]]:
    """The events one trigger reports: (counterparts, date) per coordinated part."""
    chosen = _nearest_date(text, trigger, sentence, dates, elsewhere)
    run = _coordinated(text, trigger[1], sentence[1], counterparts, elsewhere)
    organisations = [a for a in run if a.attrs.get("type") == "organisation"]
    if len(run) >= 2:
        owned = _dates_of(text, run, [d for d in dates if d.start >= sentence[0]], trigger)
        distinct = {str(d.attrs["value"]) for d in owned if d is not None}
        per_org = event_type in PER_ORGANISATION and len(organisations) >= 2
        if per_org or len(distinct) >= 2:
            filled = _fill(owned, chosen if len(distinct) <= 1 else None)
            rest = [a for a in counterparts if a not in run]
            if per_org:
                rest += [a for a in run if a not in organisations]
                return [([a, *rest], d) for a, d in zip(run, filled, strict=True)
                        if a in organisations]
            groups: dict[str | None, list[Annotation]] = {}
            when: dict[str | None, Annotation | None] = {}
            for a, d in zip(run, filled, strict=True):
                key = None if d is None else str(d.attrs["value"])
                groups.setdefault(key, []).append(a)
                when.setdefault(key, d)
            return [([*members, *rest], when[key]) for key, members in groups.items()]
    listed = _year_list(text, dates, chosen) if chosen is not None else []
    if len(listed) >= 2:
        return [(counterparts, d) for d in listed]
    return [(counterparts, chosen)]


def _parts(text: str, start: int, end: int) -> list[int]:
    """Where the parts of a sentence (between commas and clause breaks) end."""
    cuts = {m.start() for m in _PART.finditer(text, start, end)}
    cuts |= {m.start() for m in CLAUSE_BREAK.finditer(text, start, end)}
    return sorted(cuts)


def _nearest_date(
    text: str,
    trigger: tuple[int, int],
    sentence: tuple[int, int],
    dates: list[Annotation],
    elsewhere: list[tuple[int, int]],
) -> Annotation | None:
    """The trigger's date: the nearest of the dates it owns (each date belongs to the nearest
    trigger of its part of the sentence, or to the nearest trigger at all when its part has
    none), else the nearest date of its clause in a part without a trigger ("In 2010,
    Kazakhstan chaired the OSCE and hosted the summit": the summit's date too)."""
    if not dates:
        return None
    cuts = _parts(text, *sentence)
    hard = [m.start() for m in _HARD_BREAK.finditer(text, *sentence)]
    clause = bisect_right(hard, trigger[0])
    triggers = [trigger, *elsewhere]
    with_trigger = {bisect_right(cuts, s) for s, _ in triggers}
    owned: list[tuple[int, Annotation]] = []
    shared: list[tuple[int, Annotation]] = []
    for d in dates:
        if bisect_right(hard, d.start) != clause:
            continue
        part = bisect_right(cuts, d.start)
        owner = min(triggers, key=lambda t: (bisect_right(cuts, t[0]) != part, _gap(d, t)))
        if owner == trigger:
            owned.append((_gap(d, trigger), d))
        elif part not in with_trigger:
            shared.append((_gap(d, trigger), d))
    for found in (owned, shared):
        if found:
            return min(found, key=lambda f: f[0])[1]
    return None


def _gap(d: Annotation, trigger: tuple[int, int]) -> int:
    return d.start - trigger[1] if d.start >= trigger[1] else max(0, trigger[0] - d.end)


def _coordinated(
    text: str, trigger_end: int, sentence_end: int, counterparts: list[Annotation],
    elsewhere: list[tuple[int, int]],
) -> list[Annotation]:
    """Counterparts coordinated right after the trigger: "the OSCE in 2010 and the OIC"."""
    after = [a for a in counterparts if a.start >= trigger_end and a.end <= sentence_end]
    if not after or len(text[trigger_end : after[0].start].split()) > _COORDINATION_WORDS:
        return []
    run = [after[0]]
    for a in after[1:]:
        gap = text[run[-1].end : a.start]
        if (len(gap.split()) > _COORDINATION_WORDS or not _COORDINATOR.search(gap)
                or _GAP_BREAK.search(gap)
                or any(run[-1].end <= s < a.start for s, _ in elsewhere)):
            break
        run.append(a)
    return run


def _dates_of(
    text: str, run: list[Annotation], dates: list[Annotation], trigger: tuple[int, int]
) -> list[Annotation | None]:
    """The date each coordinated part owns: one in its gap before the coordinator, or after it
    when the date follows the coordinator ("and in 2011 the OIC")."""
    owned: list[Annotation | None] = [None] * len(run)
    for d in dates:
        if d.end <= run[0].start:
            i = 0
        elif d.start >= run[-1].end:
            i = len(run) - 1
            if _GAP_BREAK.search(text, run[-1].end, d.start):
                continue
        else:
            i = next(k for k in range(len(run) - 1) if d.start < run[k + 1].start)
            coordinators = list(_COORDINATOR.finditer(text, run[i].end, run[i + 1].start))
            if coordinators and d.start >= coordinators[-1].end():
                i += 1
        if owned[i] is None or (i == 0 and d.start >= trigger[1]):
            owned[i] = d
    return owned


def _fill(owned: list[Annotation | None], default: Annotation | None) -> list[Annotation | None]:
    """Parts without a date of their own take the next part's ("the UN and the OSCE in 1992 and
    the CIS in 1993"), the last ones the previous part's; with one date or none, ``default``."""
    if default is not None or not any(owned):
        return [default] * len(owned)
    out = list(owned)
    for i in range(len(out) - 2, -1, -1):
        if out[i] is None:
            out[i] = out[i + 1]
    for i in range(1, len(out)):
        if out[i] is None:
            out[i] = out[i - 1]
    return out


def _year_list(text: str, dates: list[Annotation], first: Annotation) -> list[Annotation]:
    """``first`` and the dates listed after it: "in 2003, 2006 and 2009", "in 2010 and in 2011"."""
    ordered = sorted(dates, key=lambda d: d.start)
    out = [first]
    for d in ordered[ordered.index(first) + 1 :]:
        if not _YEAR_LIST_GAP.match(text[out[-1].end : d.start]) or d.attrs.get(
                "precision") != first.attrs.get("precision"):
            break
        out.append(d)
    return out


@register("events")
def make_event_finder(context: Context, settings: Mapping[str, Any]) -> Component:
    return EventFinder(**settings)
