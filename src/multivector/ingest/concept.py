"""Read a concept's full text into a draft edition: structure, element kinds, partners and tiers.

The text's outline (:mod:`multivector.text.outline`) gives headings, lead-ins and items. Each
item becomes an element whose kind is read from the nearest lead-in or heading that names one
("Целями ... являются:" -> goal, "Priorities" -> priority); an item nothing classifies is kept
as ``unclassified``. Partners are the countries and organisations the actor registry finds in the
item (Russian case forms included); a partner's tier is read from the relation phrase before it
("союзнические отношения с Российской Федерацией" -> allied). Every element carries ``official``
evidence with a locator and the character offsets of its words in the text; its title is a short
form of those words and its summary the words themselves, for the analyst to rewrite.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from multivector.domain.actors import ActorType
from multivector.domain.concept import (
    Completeness,
    Domain,
    Edition,
    Element,
    ElementKind,
    Evidence,
    EvidenceLevel,
    LegalAct,
    PartnerRelation,
    Provision,
    Source,
    SourceKind,
    StructureNode,
    Tier,
)
from multivector.domain.registry import ActorRegistry
from multivector.text.outline import Block, Heading, Outline, outline

__all__ = ["KIND_CUES", "TIER_PHRASES", "ImportedText", "draft_edition", "kind_of", "partners_in"]

SOURCE_ID = "text"

# Words that name an element kind in a heading or lead-in, first match in the text wins.
# Russian stems cover the case forms ("Целями", "целей", "задачи").
KIND_CUES: tuple[tuple[ElementKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (ElementKind.EXPECTED_RESULT, r"\bожидаем\w*\s+результат\w*|\bрезультат\w*"
                                      r"|\bexpected\s+(?:results?|outcomes?)|\bresults?\b"
                                      r"|\boutcomes?\b|\bкүтілетін\s+нәтиже\w*|\bнәтиже\w*"),
        (ElementKind.GOAL, r"\bцел(?:ь|и|ей|ям|ями|ях)\b|\bgoals?\b|\baims?\b|\bмақсат\w*"),
        (ElementKind.OBJECTIVE, r"\bзадач\w*|\bobjectives?\b|\btasks?\b|\bміндет\w*"),
        (ElementKind.PRINCIPLE, r"\bпринцип\w*|\bprinciples?\b|\bқағидат\w*|\bқағида\w*"),
        (ElementKind.PRIORITY, r"\bприоритет\w*|\bpriorit(?:y|ies)\b|\bбасымдық\w*"
                               r"|\bбасым\s+бағыт\w*"),
        (ElementKind.MECHANISM, r"\bмеханизм\w*|\bреализаци\w*|\bmechanisms?\b|\bimplementation\b"
                                r"|\bинструмент\w*|\binstruments?\b|\btools?\b|\bтетік\w*"
                                r"|\bіске\s+асыр\w*"),
        (ElementKind.THREAT, r"\bугроз\w*|\bвызов\w*|\bриск\w*|\bthreats?\b|\bchallenges?\b"
                             r"|\brisks?\b|\bқатер\w*|\bқауіп\w*|\bсын-қатер\w*"),
        (ElementKind.ASSESSMENT, r"\bоценк\w*|\bанализ\w*|\bтекущ\w+\s+ситуаци\w*|\bтенденци\w*"
                                 r"|\bобстановк\w*|\bassessments?\b|\banalysis\b|\bsituation\b"
                                 r"|\btrends?\b|\bталдау\w*|\bбағалау\w*|\bахуал\w*"),
    )
)

# Relation phrases, closest tier first (a longer phrase is tried before the phrase it contains).
TIER_PHRASES: tuple[tuple[Tier, re.Pattern[str]], ...] = tuple(
    (tier, re.compile(pattern, re.IGNORECASE))
    for tier, pattern in (
        (Tier.ALLIED, r"\bсоюзническ\w*(?:\s+\w+)?|\bсоюзничеств\w*|\bсоюз\w*\s+отношени\w*"
                      r"|\balli(?:ed|ance)\b(?:\s+relations(?:hip)?)?|\bодақтас\w*"),
        (Tier.COMPREHENSIVE_STRATEGIC_PARTNERSHIP,
         r"\b(?:всеобъемлющ|всесторонн)\w*\s+(?:и\s+\w+\s+)?стратегическ\w*\s+партн[её]рств\w*"
         r"|\bcomprehensive\s+strategic\s+partnership"
         r"|\bжан-жақты\s+стратегиялық\s+әріптестік\w*"),
        (Tier.EXPANDED_STRATEGIC_PARTNERSHIP,
         r"\bрасширенн\w*\s+стратегическ\w*\s+партн[её]рств\w*"
         r"|\b(?:expanded|enhanced)\s+strategic\s+partnership"
         r"|\bкеңейтілген\s+стратегиялық\s+әріптестік\w*"),
        (Tier.STRATEGIC_PARTNERSHIP,
         r"\bстратегическ\w*\s+(?:партн[её]рств\w*|отношени\w*|сотрудничеств\w*)"
         r"|\bstrategic\s+(?:partnership|relations(?:hip)?|cooperation)"
         r"|\bстратегиялық\s+(?:әріптестік|қатынас|ынтымақтастық)\w*"),
        (Tier.EXPANDED_PARTNERSHIP_AND_COOPERATION,
         r"\bрасширенн\w*\s+партн[её]рств\w*\s+и\s+сотрудничеств\w*"
         r"|\b(?:expanded|enhanced)\s+partnership\s+and\s+cooperation"
         r"|\bкеңейтілген\s+әріптестік\s+және\s+ынтымақтастық\w*"),
        (Tier.PARTNERSHIP_AND_COOPERATION,
         r"\bпартн[её]рств\w*\s+и\s+сотрудничеств\w*|\bpartnership\s+and\s+cooperation"
         r"|\bәріптестік\s+және\s+ынтымақтастық\w*"),
        (Tier.COOPERATION, r"\bсотрудничеств\w*|\bcooperation\b|\bынтымақтастық\w*"),
    )
)

_DOMAIN_CUES: tuple[tuple[Domain, re.Pattern[str]], ...] = tuple(
    (domain, re.compile(pattern, re.IGNORECASE))
    for domain, pattern in (
        (Domain.CONSULAR, r"\bконсульск\w*|\bграждан\w*\s+за\s+рубеж\w*|\bсоотечественник\w*"
                          r"|\bconsular\b|\bcitizens\s+abroad|\bdiaspora"),
        (Domain.INSTITUTIONAL, r"\bдипломатическ\w+\s+служб\w*|\bминистерств\w*|\bкадр\w*"
                               r"|\bdiplomatic\s+service|\bministry\b|\bstaff"),
        (Domain.SECURITY, r"\bбезопасност\w*|\bтерроризм\w*|\bэкстремизм\w*|\bоборон\w*"
                          r"|\bразоружени\w*|\bнераспространени\w*|\bsecurity\b|\bterror\w*"
                          r"|\bextremis\w*|\bdefen[cs]e\b|\bdisarmament|\bnon-?proliferation"),
        (Domain.ECONOMIC, r"\bэкономи\w*|\bторгов\w*|\bинвестици\w*|\bтранзит\w*|\bэнергет\w*"
                          r"|\beconom\w*|\btrade\b|\binvest\w*|\btransit\b|\benergy\b"),
        (Domain.ENVIRONMENTAL, r"\bэкологи\w*|\bклимат\w*|\bводн\w+\s+ресурс\w*"
                               r"|\benvironment\w*|\bclimate\b|\bwater\s+resources"),
        (Domain.HUMANITARIAN, r"\bгуманитарн\w*|\bкультур\w*|\bобразовани\w*|\bправ\w*\s+человека"
                              r"|\bhumanitarian\b|\bcultur\w*|\beducation\w*|\bhuman\s+rights"),
        (Domain.MULTILATERAL, r"\bмногосторонн\w*|\bмеждународн\w+\s+организаци\w*"
                              r"|\bmultilateral\w*|\binternational\s+organi[sz]ations?"),
        (Domain.REGIONAL, r"\bрегион\w*|\bregion\w*"),
    )
)

_MONTHS = {
    **{m: i + 1 for i, m in enumerate((
        "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
        "октября", "ноября", "декабря"))},
    **{m: i + 1 for i, m in enumerate((
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december"))},
}
_MONTH_ALT = "|".join(_MONTHS)
_DATE_PATTERNS = (
    re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_ALT})\s+(\d{{4}})", re.IGNORECASE),  # 6 марта 2020
    re.compile(rf"\b({_MONTH_ALT})\s+(\d{{1,2}}),?\s+(\d{{4}})", re.IGNORECASE),  # March 6, 2020
    re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"),  # 06.03.2020
)
_NUMBER = re.compile(r"(?:№|\bNo\.?|\bN)\s*(\d+[\w/-]*)", re.IGNORECASE)
_PERIOD = re.compile(r"\b((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})\b")
_UNTIL = re.compile(r"\b(?:до|until|to|up\s+to)\s+((?:19|20)\d{2})\b", re.IGNORECASE)
_ACT_KIND = (("decree", r"\bуказ\w*|\bdecree\b"), ("resolution", r"\bпостановлени\w*|\bresolution"),
             ("law", r"\bзакон\w*|\blaw\b"), ("order", r"\bраспоряжени\w*|\border\b"))
_LEVELS = {"part": "chapter", "chapter": "chapter", "section": "section",
           "subsection": "subsection"}


@dataclass(frozen=True)
class ImportedText:
    """The text an import reads, and where it came from."""

    text: str
    name: str  # the file's name as the user gave it
    url: str  # a file: URI
    sha256: str
    reader: str  # txt, html, docx or pdf


_FOLLOWING = re.compile(r"(?:следующ\w*|нижеследующ\w*|following|the\s+below|мынадай)\s+"
                        r"(?:\w+\s+)?$", re.IGNORECASE)


def kind_of(words: str) -> ElementKind | None:
    """The element kind a heading or lead-in names: the cue after "следующие" / "the
    following" when there is one ("Для достижения целей решаются следующие задачи:" names
    objectives); else results when they are named ("Implementation of the Concept is expected
    to result in:"); else the earliest cue in the words."""
    best: tuple[int, ElementKind] | None = None
    for kind, pattern in KIND_CUES:
        for m in pattern.finditer(words):
            if _FOLLOWING.search(words[max(0, m.start() - 40) : m.start()]):
                return kind
            if best is None or m.start() < best[0]:
                best = (m.start(), kind)
    if KIND_CUES[0][1].search(words):
        return KIND_CUES[0][0]
    return best[1] if best else None


def _domain(words: str, partners: Sequence[PartnerRelation], orgs: Sequence[str],
            registry: ActorRegistry) -> Domain:
    for domain, pattern in _DOMAIN_CUES:
        if pattern.search(words):
            return domain
    if any(registry.get(p.actor).type is ActorType.COUNTRY for p in partners):
        return Domain.BILATERAL
    if orgs or partners:
        return Domain.MULTILATERAL
    return Domain.GENERAL


def partners_in(
    words: str, registry: ActorRegistry, home: str, on: dt.date | None = None
) -> tuple[list[PartnerRelation], list[str]]:
    """Partners with their relation tiers, and organisations named without one, in ``words``.

    A partner takes the tier of the nearest relation phrase before it in the same sentence, as
    long as no other sentence or clause ending (";", ".") falls between; failing that, the
    nearest one after it in the sentence ("с Японией развивается стратегическое
    партнерство")."""
    mentions = [r for r in registry.find(words, on)
                if r.actor.type in (ActorType.COUNTRY, ActorType.ORGANISATION)
                and r.confidence >= 0.5]
    names = [(r.start, r.end) for r in mentions]
    phrases: list[tuple[int, int, Tier]] = []
    for tier, pattern in TIER_PHRASES:
        for m in pattern.finditer(words):
            if any(s <= m.start() < e for s, e, _ in phrases):  # a closer tier took it
                continue
            if any(s < m.end() and m.start() < e for s, e in names):
                continue  # "сотрудничества" in "Шанхайской организации сотрудничества"
            phrases.append((m.start(), m.end(), tier))
    phrases.sort()
    partners: dict[str, PartnerRelation] = {}
    orgs: list[str] = []
    seen: set[tuple[int, int]] = set()
    for r in mentions:
        if r.actor.id == home or (r.start, r.end) in seen:
            continue
        seen.add((r.start, r.end))
        phrase = _tier_phrase(words, phrases, r.start, r.end)
        if phrase is None:
            if r.actor.type is ActorType.ORGANISATION:
                if r.actor.id not in orgs:
                    orgs.append(r.actor.id)
                continue
            rel = PartnerRelation(r.actor.id, _clause(words, r.start, r.end), None)
        else:
            s, e, tier = phrase
            rel = PartnerRelation(r.actor.id, " ".join(words[s:e].split()), tier)
        cur = partners.get(r.actor.id)
        if cur is None or (rel.tier or 0) > (cur.tier or 0):
            partners[r.actor.id] = rel
    orgs = [o for o in orgs if o not in partners]
    return list(partners.values()), orgs


_JOINED = re.compile(r"^\s*(?:,|и|and|as\s+well\s+as|а\s+также)?\s*$", re.IGNORECASE)


def _tier_phrase(
    words: str, phrases: list[tuple[int, int, Tier]], start: int, end: int
) -> tuple[int, int, Tier] | None:
    """The relation phrase a mention takes: the nearest before it in its clause, else the
    nearest after it; of phrases joined by "и"/"and" ("стратегического партнерства и
    союзничества"), the closest tier."""
    before = [p for p in phrases if p[1] <= start and not re.search(r"[.;]\s", words[p[1]:start])]
    after = [p for p in phrases if p[0] >= end and not re.search(r"[.;,]\s", words[end:p[0]])]
    if before:
        chain = [before[-1]]
        for p in reversed(before[:-1]):
            if not _JOINED.match(words[p[1] : chain[-1][0]]):
                break
            chain.append(p)
    elif after:
        chain = [after[0]]
        for p in after[1:]:
            if not _JOINED.match(words[chain[-1][1] : p[0]]):
                break
            chain.append(p)
    else:
        return None
    return max(chain, key=lambda p: p[2])


def _clause(words: str, start: int, end: int) -> str:
    """The words around a mention, within its clause: the wording of an untiered relation."""
    left = max(words.rfind(c, 0, start) for c in ",;:.")
    right_cands = [i for i in (words.find(c, end) for c in ",;:.") if i != -1]
    right = min(right_cands) if right_cands else len(words)
    return words[left + 1 : right].strip()[:160] or words[start:end]


def short_title(words: str, limit: int = 10) -> str:
    """A short form of an item's own words: its first clause, at most ``limit`` words."""
    first = re.split(r"(?<=[^\s.]{2})[.;:](?:\s|$)", words.strip(), maxsplit=1)[0]
    first = first.strip().rstrip(",;:.")
    tokens = first.split()
    if len(tokens) > limit:
        cut = first.split(",")[0].split()
        tokens = cut if 3 <= len(cut) <= limit else tokens[:limit]
        title = " ".join(tokens).rstrip(",;:") + "…"
    else:
        title = " ".join(tokens)
    return (title[:1].upper() + title[1:]) if title else words[:60]


def _act(text: str) -> LegalAct | None:
    """The approving act named in ``text`` (the preamble, or the head of the text)."""
    number = _NUMBER.search(text)
    date = None
    for i, pattern in enumerate(_DATE_PATTERNS):
        m = pattern.search(text)
        if not m:
            continue
        try:
            if i == 0:
                date = dt.date(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
            elif i == 1:
                date = dt.date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
            else:
                date = dt.date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            continue
        break
    if number is None and date is None:
        return None
    kind = next((k for k, p in _ACT_KIND if re.search(p, text, re.IGNORECASE)), "act")
    title = next((" ".join(ln.split()) for ln in text.splitlines()
                  if re.match(r"^\s*(?:об\s+утверждении|on\s+(?:the\s+)?approv)", ln, re.I)), None)
    return LegalAct(kind=kind, number=number[1] if number else None, date=date, title=title)


def _period(title: str, act: LegalAct | None) -> tuple[int, int | None]:
    m = _PERIOD.search(title)
    if m:
        return int(m[1]), int(m[2])
    start = act.date.year if act and act.date else dt.date.today().year
    until = _UNTIL.search(title)
    return start, (int(until[1]) if until else None)


def _heading_id(h: Heading) -> str:
    if not h.number:
        return f"h{h.order + 1}"
    prefix = {"part": "part", "chapter": "ch", "section": "s", "subsection": "s"}[h.level]
    return prefix + re.sub(r"[^0-9a-z]+", "-", h.number.lower()).strip("-")


def _locator(o: Outline, b: Block, para: int) -> str:
    parts = [(h.label or f"'{h.title[:40]}'") for h in b.headings]
    if b.in_preamble:
        parts = ["approving act"]
    for p in b.parents:
        lead = o.blocks[p]
        parts.append(f"item {lead.marker}" if lead.marker else f"list after '{_lead(o, lead)}'")
    if b.marker:
        parts.append(f"item {b.marker}")
    else:
        parts.append(f"item {para}" if b.marker_kind == "unmarked" else f"paragraph {para}")
    return ", ".join(parts)


def _lead(o: Outline, b: Block) -> str:
    words = o.words(b).rstrip(":")
    tokens = words.split()
    return " ".join(tokens[:6]) + ("…" if len(tokens) > 6 else "")


def draft_edition(
    source: ImportedText,
    *,
    country: str,
    registry: ActorRegistry,
    edition_id: str | None = None,
    lang: str | None = None,
) -> Edition:
    """A draft edition of the concept in ``source.text`` (see the module docstring)."""
    text = source.text
    o = outline(text)
    head = text[: o.preamble_end] if o.preamble_end else text[:3000]
    act = _act(head)
    title = _sentence_case(o.title or (o.words(o.blocks[0])[:200] if o.blocks else source.name))
    start, end = _period(title, act)
    period = f"{start}-{end}" if end else f"{start}"
    eid = edition_id or f"{country.lower()}/{period}-draft"
    on = act.date if act and act.date else dt.date(start, 7, 1)

    structure: list[StructureNode] = []
    node_of: dict[int, str] = {}  # heading order -> node id
    used: set[str] = set()

    def unique(base: str) -> str:
        out, n = base, 2
        while out in used:
            out, n = f"{base}-{n}", n + 1
        used.add(out)
        return out

    provisions: list[Provision] = []
    if act is not None:  # the act's numbered points are its provisions, not concept items
        for b in o.blocks:
            if b.in_preamble and b.marker:
                provisions.append(Provision(
                    number=b.marker.rstrip(".)"), summary=o.words(b), source=SOURCE_ID,
                    locator=f"approving act, point {b.marker.rstrip('.)')} (characters "
                            f"{b.start}-{b.end} of the text)"))
        act = replace(act, provisions=tuple(provisions))
    elif any(b.in_preamble and b.marker for b in o.blocks):
        structure.append(StructureNode(unique("act"), "Approving act", "chapter", None, 0))
    for h in o.headings:
        parent = None
        for outer in reversed(o.headings[: h.order]):
            if _LEVEL_RANK[outer.level] < _LEVEL_RANK[h.level]:
                parent = node_of[outer.order]
                break
        nid = unique(_heading_id(h))
        node_of[h.order] = nid
        label = f"{h.label}. {h.title}" if h.label and h.title != h.label else h.title
        structure.append(StructureNode(nid, label, _LEVELS[h.level], parent, h.order + 1))

    elements: list[Element] = []
    element_of: dict[int, str] = {}
    para_count: dict[tuple[int, ...], int] = {}
    counts: dict[str, int] = {}
    for b in o.blocks:
        words = o.words(b)
        if not words or (b.in_preamble and (b.marker is None or provisions)):
            continue  # the act's heading, title, date lines and points: read into legal_act
        kind = _kind_for(o, b)
        if b.lead_in and kind is not None and not _names_partner(words, registry, country, on):
            # a lead-in that only introduces its list ("Целями ... являются:") is structure
            container = node_of[b.headings[-1].order] if b.headings else None
            if b.parents:
                container = element_of.get(b.parents[-1], container)
            nid = unique(f"list{len(structure) + 1}")
            structure.append(StructureNode(nid, short_title(words), "item", container,
                                           len(structure) + 1))
            element_of[b.index] = nid
            continue
        key = tuple(h.order for h in b.headings) + b.parents
        para_count[key] = para_count.get(key, 0) + (0 if b.marker else 1)
        partners, orgs = partners_in(words, registry, country, on)
        final_kind = kind or ElementKind.UNCLASSIFIED
        parent = "act" if b.in_preamble else (
            node_of[b.headings[-1].order] if b.headings else None)
        if b.parents and b.parents[-1] in element_of:
            parent = element_of[b.parents[-1]]
        counts[final_kind.value] = counts.get(final_kind.value, 0) + 1
        base = f"{final_kind.value}.{parent or 'top'}.{counts[final_kind.value]}"
        element = Element(
            id=unique(base),
            kind=final_kind,
            domain=_domain(words, partners, orgs, registry),
            title=short_title(words),
            summary=words,
            evidence=(
                Evidence(
                    source=SOURCE_ID,
                    locator=_locator(o, b, para_count[key]),
                    level=EvidenceLevel.OFFICIAL,
                    start=b.start,
                    end=b.end,
                ),
            ),
            partners=tuple(partners),
            organisations=tuple(orgs),
            parent=parent,
            order=len(elements) + 1,
        )
        elements.append(element)
        element_of[b.index] = element.id

    unclassified = sum(e.kind is ElementKind.UNCLASSIFIED for e in elements)
    file_name = re.split(r"[\\/]", source.name)[-1]
    statement = (
        f"Draft imported by `multivector import` from {file_name} ({source.reader}, "
        f"{len(text):,} characters): {len(elements)} items, {unclassified} of them unclassified. "
        "Kinds, partners and tiers were assigned by rules and need review; summaries hold the "
        "text's own words (evidence offsets point into the text read from the file) and are to "
        "be rewritten in the project's words."
    )
    return Edition(
        id=eid,
        country=country,
        title=title,
        title_ru=title if (lang or "") == "ru" else None,
        period_start=start,
        period_end=end,
        adopted=act.date if act else None,
        legal_act=act,
        supersedes=None,
        sources=(
            Source(
                id=SOURCE_ID,
                title=f"{title} (text of {file_name})",
                kind=SourceKind.OFFICIAL,
                url=source.url,
                date=act.date.isoformat() if act and act.date else None,
                language=lang,
                note=f"Read as {source.reader}; evidence offsets are characters of the text read.",
                sha256=source.sha256,
            ),
        ),
        completeness=Completeness("full" if not unclassified else "substantial", statement),
        elements=tuple(elements),
        structure=tuple(structure),
    )


_SMALL_WORDS = frozenset({"a", "an", "and", "as", "at", "for", "in", "of", "on", "the", "to"})


def _sentence_case(title: str) -> str:
    """A title's words in capitals written normally: 'КОНЦЕПЦИЯ внешней политики' ->
    'Концепция внешней политики', 'CONCEPT OF THE FOREIGN POLICY' -> 'Concept of the Foreign
    Policy' (English words in title case, Russian ones in lower case after the first)."""
    words = title.split()
    caps = [len(w) > 1 and w.isupper() for w in words]
    # a run of two or more words in capitals, or a first word in capitals ("КОНЦЕПЦИЯ"); a lone
    # acronym elsewhere ("NATO") stays as it is
    shout = [c and (i == 0 or (i > 0 and caps[i - 1]) or (i + 1 < len(caps) and caps[i + 1]))
             for i, c in enumerate(caps)]
    out: list[str] = []
    for i, word in enumerate(words):
        if shout[i]:
            low = word.lower()
            if i == 0 or (re.search(r"[a-z]", low) and low not in _SMALL_WORDS):
                word = low[:1].upper() + low[1:]
            else:
                word = low
        out.append(word)
    return " ".join(out)


_LEVEL_RANK = {"part": 0, "chapter": 1, "section": 2, "subsection": 3}


def _kind_for(o: Outline, b: Block) -> ElementKind | None:
    """The kind of the nearest lead-in, then heading, that names one; a plain paragraph's own
    opening words count first ("Основной целью ... является ...")."""
    if b.in_preamble:
        return None
    if b.lead_in or not b.marker:
        words = o.words(b)
        own = kind_of(words if b.lead_in else " ".join(words.split()[:6]))
        if own is not None:
            return own
    for p in reversed(b.parents):
        k = kind_of(o.words(o.blocks[p]))
        if k is not None:
            return k
    for h in reversed(b.headings):
        k = kind_of(h.title)
        if k is not None:
            return k
    return None


def _names_partner(words: str, registry: ActorRegistry, home: str, on: dt.date) -> bool:
    partners, orgs = partners_in(words, registry, home, on)
    return bool(partners or orgs)
