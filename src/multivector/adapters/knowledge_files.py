"""Load knowledge-base files (shipped or user-supplied) and convert them to domain objects.

Validation happens here, at the edge: a YAML file is parsed with line numbers, checked against
its pydantic model (:mod:`multivector.adapters.schemas`) and turned into frozen domain objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import BaseModel

from multivector.adapters import schemas as s
from multivector.adapters.validation import check
from multivector.adapters.yamlfile import YamlDocument, parse_yaml, read_yaml, yaml_text
from multivector.domain.actors import (
    ALWAYS,
    Actor,
    ActorType,
    Alias,
    AliasKind,
    Membership,
    Office,
    Period,
)
from multivector.domain.codebook import Codebook, Crosswalk, Example, Labels, Theme
from multivector.domain.concept import (
    Claim,
    Completeness,
    Cue,
    Disagreement,
    Edition,
    Element,
    Evidence,
    LegalAct,
    PartnerRelation,
    Provision,
    Source,
    StructureNode,
    Tier,
)
from multivector.domain.russian import inflect, is_cyrillic
from multivector.domain.vectors import Vector, VectorScheme
from multivector.errors import Problem, ValidationError

DATA = "multivector.data"


def data_root() -> Traversable:
    """The package's shipped data folder."""
    return resources.files(DATA)


def read_document(source: Path | Traversable, name: str | None = None) -> YamlDocument:
    """Parse a user's file (a :class:`~pathlib.Path`) or a shipped one (a ``Traversable``)."""
    if isinstance(source, Path):
        return read_yaml(source)
    label = name or str(source)
    return parse_yaml(yaml_text(source.read_bytes(), label), label)


# --------------------------------------------------------------------------- editions


def element_cues(e: s.ElementModel) -> tuple[Cue, ...]:
    """An element's cues, language by language; phrases of the older ``labels`` list follow,
    each in the language its script shows (Cyrillic: Russian)."""
    cues = [Cue(text.strip(), lang) for lang, phrases in e.cues.items() for text in phrases]
    cues += [Cue(text.strip(), "ru" if is_cyrillic(text) else "en") for text in e.labels]
    return tuple(dict.fromkeys(c for c in cues if c.text))


def edition_from_model(m: s.EditionModel) -> Edition:
    elements = tuple(
        Element(
            id=e.id,
            kind=e.kind,
            domain=e.domain,
            title=e.title,
            summary=e.summary,
            themes=tuple(e.themes),
            partners=tuple(
                PartnerRelation(p.actor, p.wording, Tier.from_slug(p.tier) if p.tier else None)
                for p in e.partners
            ),
            organisations=tuple(e.organisations),
            cues=element_cues(e),
            parent=e.parent,
            order=e.order,
            scope=e.scope,
            evidence=tuple(
                Evidence(
                    source=ev.source,
                    locator=ev.locator,
                    level=ev.level,
                    note=ev.note,
                    claim=Claim(ev.claim.key, ev.claim.value, ev.claim.unit) if ev.claim else None,
                    start=ev.start,
                    end=ev.end,
                )
                for ev in e.evidence
            ),
        )
        for e in m.elements
    )
    act = m.legal_act
    return Edition(
        id=m.id,
        country=m.country,
        title=m.title,
        title_ru=m.title_ru,
        period_start=m.period.start,
        period_end=m.period.end,
        adopted=m.adopted,
        legal_act=LegalAct(
            act.kind, act.number, act.date, act.issuer, act.title, act.url,
            provisions=tuple(
                Provision(p.number, p.summary, p.source, p.locator) for p in act.provisions
            ),
        )
        if act
        else None,
        supersedes=m.supersedes,
        data_version=m.data_version,
        sources=tuple(
            Source(
                id=x.id,
                title=x.title,
                kind=x.kind,
                url=x.url,
                seed=x.seed,
                publisher=x.publisher,
                author=x.author,
                date=x.date,
                language=x.language,
                note=x.note,
                sha256=x.sha256,
            )
            for x in m.sources
        ),
        completeness=Completeness(
            m.completeness.level, m.completeness.statement, tuple(m.completeness.missing)
        ),
        disagreements=tuple(
            Disagreement(d.field, d.note, tuple(d.sources), tuple(d.elements))
            for d in m.disagreements
        ),
        structure=tuple(
            StructureNode(n.id, n.title, n.level, n.parent, n.order) for n in m.structure
        ),
        elements=elements,
    )


def load_edition_document(doc: YamlDocument) -> Edition:
    model = check(doc, s.EditionModel)
    problems = cross_check(doc, model)
    if problems:
        raise ValidationError(problems)
    return edition_from_model(model)


# --------------------------------------------------------------------------- codebook


def codebook_from_model(m: s.CodebookModel) -> Codebook:
    return Codebook(
        id=m.id,
        version=m.version,
        description=m.description,
        themes=tuple(
            Theme(
                id=t.id,
                definition=t.definition,
                include=t.include,
                exclude=t.exclude,
                labels={
                    lang: Labels(lab.preferred, tuple(lab.alternative))
                    for lang, lab in t.labels.items()
                },
                negative={lang: tuple(v) for lang, v in t.negative.items()},
                cues={lang: tuple(v) for lang, v in t.cues.items()},
                examples=tuple(Example(x.lang, x.text) for x in t.examples),
                crosswalk=tuple(Crosswalk(c.scheme, c.code, c.label, c.fit) for c in t.crosswalk),
            )
            for t in m.themes
        ),
    )


def load_codebook_document(doc: YamlDocument) -> Codebook:
    model = check(doc, s.CodebookModel)
    problems = cross_check(doc, model)
    if problems:
        raise ValidationError(problems)
    return codebook_from_model(model)


# --------------------------------------------------------------------------- vectors


def load_vectors_document(doc: YamlDocument) -> VectorScheme:
    m = check(doc, s.VectorSchemeModel)
    problems = cross_check(doc, m)
    if problems:
        raise ValidationError(problems)
    return VectorScheme(
        id=m.id,
        version=m.version,
        description=m.description,
        home=m.home,
        unassigned=frozenset(m.unassigned),
        vectors=tuple(
            Vector(v.id, v.label, frozenset(v.members), frozenset(v.organisations), v.description)
            for v in m.vectors
        ),
    )


# --------------------------------------------------------------------------- actors


def _period(start: dt.date | None, end: dt.date | None) -> Period:
    return ALWAYS if start is None and end is None else Period(start, end)


def expand_alias(
    actor_id: str,
    text: str,
    lang: str,
    kind: str,
    valid: Period,
    inflect_flag: bool | None,
    forms: Iterable[str],
    *,
    person: bool = False,
) -> list[Alias]:
    """An alias plus its generated Russian case forms and its listed extra forms."""
    out = [Alias(text, actor_id, lang, AliasKind(kind), valid)]
    seen = {text}
    generated: set[str] = set()
    should_inflect = inflect_flag if inflect_flag is not None else (lang == "ru")
    if should_inflect and is_cyrillic(text) and kind not in ("abbreviation",):
        generated = inflect(text, person=person)
    for form in sorted(generated | set(forms)):
        if form not in seen:
            seen.add(form)
            out.append(Alias(form, actor_id, lang, AliasKind.FORM, valid, base=text))
    return out


def _aliases(actor_id: str, models: Iterable[s.AliasModel], *, person: bool = False) -> list[Alias]:
    out: list[Alias] = []
    for a in models:
        out.extend(
            expand_alias(
                actor_id,
                a.text,
                a.lang,
                a.kind,
                _period(a.valid_from, a.valid_to),
                a.inflect,
                a.forms,
                person=person,
            )
        )
    return out


def load_countries_document(doc: YamlDocument) -> tuple[list[Actor], list[Alias]]:
    m = check(doc, s.CountriesFileModel)
    actors, aliases = [], []
    for c in m.countries:
        actors.append(
            Actor(
                id=c.code,
                type=ActorType.COUNTRY,
                name=c.name or next((a.text for a in c.aliases if a.lang == "en"), c.code),
                valid=_period(c.valid_from, c.valid_to),
                successors=tuple(c.successors),
                note=c.note,
            )
        )
        aliases.extend(_aliases(c.code, c.aliases))
    return actors, aliases


def load_organisations_document(doc: YamlDocument) -> tuple[list[Actor], list[Alias]]:
    m = check(doc, s.OrganisationsFileModel)
    actors, aliases = [], []
    for o in m.organisations:
        members = (
            ()
            if o.members == "un_members"
            else tuple(
                Membership(x.member, _period(x.valid_from, x.valid_to), x.role) for x in o.members
            )
        )
        actors.append(
            Actor(
                id=o.id,
                type=ActorType.ORGANISATION,
                name=o.name,
                kind=o.kind,
                valid=_period(o.valid_from, o.valid_to),
                parent=o.parent,
                counts_toward=o.counts_toward,
                members=members,
                all_un_members=o.members == "un_members",
                predecessors=tuple(o.predecessors),
                successors=(o.successor,) if o.successor else (),
                note=o.note,
            )
        )
        aliases.append(Alias(o.name, o.id, "en", AliasKind.NAME))
        aliases.extend(a for a in _aliases(o.id, o.aliases) if a.text != o.name)
    return actors, aliases


def load_people_document(doc: YamlDocument) -> tuple[list[Actor], list[Alias]]:
    m = check(doc, s.PeopleFileModel)
    actors, aliases = [], []
    for p in m.people:
        actors.append(
            Actor(
                id=p.id,
                type=ActorType.PERSON,
                name=p.name,
                country=p.country,
                offices=tuple(
                    Office(o.role, o.title, o.of, Period(o.valid_from, o.valid_to), o.acting)
                    for o in p.offices
                ),
                note=p.note,
            )
        )
        aliases.append(Alias(p.name, p.id, "en", AliasKind.NAME))
        aliases.extend(a for a in _aliases(p.id, p.aliases, person=True) if a.text != p.name)
    return actors, aliases


def load_places_document(doc: YamlDocument) -> tuple[list[Actor], list[Alias]]:
    m = check(doc, s.PlacesFileModel)
    actors, aliases = [], []
    for p in m.places:
        actors.append(
            Actor(
                id=p.id,
                type=ActorType.PLACE,
                name=p.name,
                country=p.country,
                kind=p.kind,
                capital_of=tuple((c.of, _period(c.valid_from, c.valid_to)) for c in p.capital),
                note=p.note,
            )
        )
        for n in p.names:
            kind = "name" if n.valid_to is None else "former"
            aliases.extend(
                expand_alias(
                    p.id,
                    n.text,
                    n.lang,
                    kind,
                    _period(n.valid_from, n.valid_to),
                    n.inflect,
                    n.forms,
                )
            )
    return actors, aliases


def load_regions_document(doc: YamlDocument) -> tuple[list[Actor], list[Alias]]:
    m = check(doc, s.RegionsFileModel)
    actors, aliases = [], []
    for r in m.regions:
        actors.append(
            Actor(id=r.id, type=ActorType.REGION, name=r.name, counts_toward=r.counts_toward,
                  note=r.note)
        )
        for n in r.names:
            aliases.extend(
                expand_alias(r.id, n.text, n.lang, "name", _period(n.valid_from, n.valid_to),
                             n.inflect, n.forms)
            )
    return actors, aliases


# --------------------------------------------------------------------------- cross checks


def cross_check(doc: YamlDocument, parsed: BaseModel) -> list[Problem]:
    """Problems that span fields: references to sources, parents, themes and actors."""
    problems: list[Problem] = []
    if isinstance(parsed, s.EditionModel):
        sources = {x.id for x in parsed.sources}
        nodes = {n.id for n in parsed.structure} | {e.id for e in parsed.elements}
        for i, el in enumerate(parsed.elements):
            for j, ev in enumerate(el.evidence):
                if ev.source not in sources:
                    problems.append(
                        doc.problem(
                            ("elements", i, "evidence", j, "source"),
                            f"unknown source {ev.source!r}; list it under `sources` first",
                        )
                    )
            if el.parent is not None and el.parent not in nodes:
                problems.append(
                    doc.problem(
                        ("elements", i, "parent"),
                        f"unknown parent {el.parent!r}; use a structure node or element id",
                    )
                )
        element_ids = {e.id for e in parsed.elements}
        for i, d in enumerate(parsed.disagreements):
            for src in d.sources:
                if src not in sources:
                    problems.append(
                        doc.problem(("disagreements", i, "sources"), f"unknown source {src!r}")
                    )
            for el_id in d.elements:
                if el_id not in element_ids:
                    problems.append(
                        doc.problem(
                            ("disagreements", i, "elements"),
                            f"unknown element {el_id!r}; name an element id of this edition",
                        )
                    )
        if parsed.legal_act is not None:
            for i, p in enumerate(parsed.legal_act.provisions):
                if p.source not in sources:
                    problems.append(
                        doc.problem(
                            ("legal_act", "provisions", i, "source"),
                            f"unknown source {p.source!r}; list it under `sources` first",
                        )
                    )
        for i, n in enumerate(parsed.structure):
            if n.parent is not None and n.parent not in nodes:
                problems.append(
                    doc.problem(("structure", i, "parent"), f"unknown parent {n.parent!r}")
                )
        problems += _parent_cycles(doc, parsed)
    elif isinstance(parsed, s.CodebookModel):
        ids = [t.id for t in parsed.themes]
        for i, t in enumerate(parsed.themes):
            if ids.count(t.id) > 1:
                problems.append(doc.problem(("themes", i, "id"), f"duplicate theme {t.id!r}"))
            if "." in t.id and t.id.rsplit(".", 1)[0] not in ids:
                problems.append(
                    doc.problem(
                        ("themes", i, "id"),
                        f"parent theme {t.id.rsplit('.', 1)[0]!r} is not defined; add it first",
                    )
                )
            for lang, cues in t.cues.items():
                # the preferred label may be a cue (a theme named after an institution)
                labels = t.labels.get(lang)
                strong = {x.casefold() for x in (labels.alternative if labels else [])}
                for j, cue in enumerate(cues):
                    if cue.casefold() in strong:
                        problems.append(
                            doc.problem(
                                ("themes", i, "cues", lang, j),
                                f"{cue!r} is both an alternative label and a cue of {t.id!r}; "
                                "keep it in one list (cues code the theme only when "
                                "corroborated)",
                            )
                        )
    elif isinstance(parsed, s.VectorSchemeModel):
        seen: dict[str, str] = {}
        for i, v in enumerate(parsed.vectors):
            for j, code in enumerate(v.members):
                if code in seen:
                    problems.append(
                        doc.problem(
                            ("vectors", i, "members", j),
                            f"{code} is already in vector {seen[code]!r}; vectors are exclusive",
                        )
                    )
                seen[code] = v.id
        for j, code in enumerate(parsed.unassigned):
            if code in seen:
                problems.append(
                    doc.problem(
                        ("unassigned", j), f"{code} is unassigned but also in {seen[code]!r}"
                    )
                )
    return problems


def _cycles(links: Mapping[str, str], order: Iterable[str]) -> list[list[str]]:
    """Every cycle of a graph with at most one link per node, once each, as a closed path
    (``[a, b, a]``) starting at the member that comes first in ``order``."""
    rank = {node: i for i, node in enumerate(order)}
    state: dict[str, bool] = {}  # True while on the chain being followed, False once done
    cycles: list[list[str]] = []
    for start in rank:
        chain: list[str] = []
        node = start
        while node in links and node not in state:
            state[node] = True
            chain.append(node)
            node = links[node]
        if state.get(node):
            loop = chain[chain.index(node) :]
            first = loop.index(min(loop, key=lambda n: rank.get(n, len(rank))))
            loop = loop[first:] + loop[:first]
            cycles.append([*loop, loop[0]])
        for seen in chain:
            state[seen] = False
    return cycles


def _parent_cycles(doc: YamlDocument, parsed: s.EditionModel) -> list[Problem]:
    """Structure nodes and elements whose chain of parents comes back to them."""
    links: dict[str, str] = {}
    where: dict[str, tuple[str | int, ...]] = {}
    nodes = [("structure", i, n.id, n.parent) for i, n in enumerate(parsed.structure)]
    nodes += [("elements", i, e.id, e.parent) for i, e in enumerate(parsed.elements)]
    for section, i, ident, parent in nodes:
        if ident not in where:
            where[ident] = (section, i, "parent")
            if parent is not None:
                links[ident] = parent
    return [
        doc.problem(
            where[cycle[0]],
            f"parent cycle {' -> '.join(cycle)}; a chain of parents must end at a node "
            "without one (a chapter)",
        )
        for cycle in _cycles(links, where)
    ]


def supersedes_problems(editions: Iterable[tuple[Edition, YamlDocument | None]]) -> list[Problem]:
    """Editions whose chain of ``supersedes`` comes back to them, one problem per cycle.

    ``editions`` pairs each edition with the document it was read from (for the line), or None.
    An id given twice keeps its later edition, as user folders override shipped ones. The
    problem sits on the ``supersedes`` of the cycle's first edition in ``editions``. A
    ``supersedes`` naming an edition the set does not hold is not a problem: the chain ends there.
    """
    held: dict[str, tuple[Edition, YamlDocument | None]] = {}
    for edition, doc in editions:
        held[edition.id] = (edition, doc)
    links = {ident: ed.supersedes for ident, (ed, _) in held.items() if ed.supersedes}
    problems: list[Problem] = []
    for cycle in _cycles(links, held):
        edition, doc = held[cycle[0]]
        if len(cycle) == 2:
            message = f"{edition.id} supersedes itself; name the edition it replaces, or leave "
            message += "`supersedes` out"
        else:
            message = f"supersedes cycle {' -> '.join(cycle)}; an edition supersedes an older one"
        problems.append(
            doc.problem(("supersedes",), message)
            if doc is not None
            else Problem(edition.id, None, "supersedes", message)
        )
    return problems
