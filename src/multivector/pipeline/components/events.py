"""The `events` component: diplomatic events found by trigger rules in each sentence.

Each passage is cut into sentences; the rules of :mod:`multivector.text.event_rules` find
triggers (visit, meeting, signed ... agreement, opened ... embassy, chairmanship, accession,
mediation, aid, support, criticism) in English and Russian. An event is one annotation per
sentence and type (the strongest trigger wins), spanning the whole sentence as its evidence.

Roles come from the layers found before (run `actors` and `dates` first):

- actor: the first actor (not a place) before the trigger that does not follow a preposition
  ("in", "with", "с", "в" ...): "Kazakhstan and Russia signed" -> KAZ; otherwise, when the
  sentence speaks in the first person ("we", "our country", "мы", "наша страна"), the speaker's
  country (``meta.country``); otherwise none, and the score drops to 70%.
- counterpart: every other actor of the sentence, organisations included, places excluded.
- place: the first place actor of the sentence, else a country right after "in"/"at"/"в".
- date: the date annotation of the sentence nearest the trigger (``date_source`` "sentence"),
  else the document date ("document"), else none.

The score is the trigger rule's strength (0.55-0.9). ``attrs`` hold ``actor``, ``actor_source``
(sentence, speaker), ``counterpart`` (list), ``place``, ``date``, ``date_source``, ``plover``,
``plover_mode``, ``future`` ("will sign", "to chair"), ``trigger`` (its text) and
``trigger_start``/``trigger_end`` (offsets into the document text).

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
from collections.abc import Mapping
from typing import Any

from multivector.domain.corpus import AnnotatedDocument, Annotation, Layer, Passage, Producer
from multivector.pipeline import Component, Context, register
from multivector.text.event_rules import (
    Trigger,
    find_triggers,
    first_subject_pronoun,
    is_first_person,
    plover_of,
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


class EventFinder:
    name = "events"
    version = "1"

    def __init__(self, min_score: float = 0.0) -> None:
        self.min_score = min_score

    def __call__(self, doc: AnnotatedDocument) -> AnnotatedDocument:
        for p in doc.passages:
            actors = _best_per_span(doc.in_passage(p.index, Layer.ACTOR))
            dates = doc.in_passage(p.index, Layer.DATE)
            for s_start, s_end in sentences(doc.text, p.start, p.end):
                sent_actors = [a for a in actors if s_start <= a.start and a.end <= s_end]
                sent_dates = [d for d in dates if s_start <= d.start and d.end <= s_end]
                doc.annotations.extend(
                    self._events(doc, p, s_start, s_end, sent_actors, sent_dates)
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
    ) -> list[Annotation]:
        text = doc.text
        sentence = text[s_start:s_end]
        best: dict[str, Trigger] = {}
        for t in find_triggers(sentence):
            if t.rule.needs_organisation and not _organisation_follows(actors, s_start + t.end):
                continue
            if t.rule.type not in best or t.rule.score > best[t.rule.type].rule.score:
                best[t.rule.type] = t
        out = []
        for event_type, t in best.items():
            t_start, t_end = s_start + t.start, s_start + t.end
            actor, source = self._actor(doc, event_type, actors, t_start, t_end, s_start, s_end)
            people = [a for a in actors if a.attrs.get("type") != "place"]
            counterpart = list(dict.fromkeys(a.label for a in people if a.label != actor))
            trigger_text = text[t_start:t_end]
            plover, mode = plover_of(event_type, trigger_text, t.future)
            if event_type == "meeting" and (
                "summit" in trigger_text.lower() or "саммит" in trigger_text.lower()
                or any(a.attrs.get("type") == "organisation" for a in people)
            ):
                mode = "multilateral"
            date, date_source = _date(doc, dates, t_start)
            score = t.rule.score * (1.0 if actor else NO_ACTOR_FACTOR)
            if score < self.min_score:
                continue
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
                        "counterpart": counterpart,
                        "place": _place(text, actors, s_start),
                        "date": date,
                        "date_source": date_source,
                        "plover": plover,
                        "plover_mode": mode,
                        "future": t.future,
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


def _date(
    doc: AnnotatedDocument, dates: list[Annotation], trigger_start: int
) -> tuple[str | None, str | None]:
    if dates:
        nearest = min(dates, key=lambda d: abs(d.start - trigger_start))
        return nearest.attrs.get("value"), "sentence"
    day = doc.document.meta.date
    return (day.isoformat(), "document") if day else (None, None)


@register("events")
def make_event_finder(context: Context, settings: Mapping[str, Any]) -> Component:
    return EventFinder(**settings)
