"""The actor registry resolves every spelling the seeds and corpora use, and no look-alike."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from multivector.domain.actors import ActorType
from multivector.services.knowledge import KnowledgeBase


@pytest.fixture(scope="module")
def reg():  # type: ignore[no-untyped-def]
    return KnowledgeBase().registry


def top(reg, text: str, on: str | None = None) -> str | None:  # type: ignore[no-untyped-def]
    res = reg.resolve(text, on=dt.date.fromisoformat(on) if on else None)
    return res[0].actor.id if res else None


TOKAYEV = ["Tokayev", "Tokaev", "Kassym-Jomart", "Kassym-Zhomart", "Kasimzhomart", "Kasyzhomart",
           "Kassymzhomart", "Kassymjomart", "Kassym-Jomart Tokayev", "Kassym Jomart Tokayev",
           "Kassymzhomart Tokayev", "Mr. Kassym-Jomart Tokayev", "Токаев", "Токаева", "Токаеву",
           "Токаевым", "Токаеве", "Касым-Жомарт Токаев", "Касым-Жомарта Токаева"]


@pytest.mark.parametrize("name", TOKAYEV)
def test_every_tokayev_spelling(reg, name: str) -> None:
    assert top(reg, name, "2020-09-22") == "tokayev"


@pytest.mark.parametrize("name", ["Nazarbayev", "Nazarbaev", "Nursultan Nazarbayev",
                                  "Назарбаев", "Назарбаевым"])
def test_nazarbayev(reg, name: str) -> None:
    assert top(reg, name, "2010-01-01") == "nazarbayev"


@pytest.mark.parametrize(
    ("name", "code"),
    [("Republic of Korea", "KOR"), ("South Korea", "KOR"), ("ROK", "KOR"),
     ("Democratic People's Republic of Korea", "PRK"), ("North Korea", "PRK"), ("DPRK", "PRK"),
     ("the U.S.", "USA"), ("U.S.", "USA"), ("United States of America", "USA"), ("USA", "USA"),
     ("Russia", "RUS"), ("the Russian Federation", "RUS"), ("Россия", "RUS"), ("России", "RUS"),
     ("Россией", "RUS"), ("Российской Федерации", "RUS"), ("Ресей", "RUS"), ("Moscow", "RUS"),
     ("Beijing", "CHN"), ("Китаем", "CHN"), ("PRC", "CHN"), ("Washington", "USA"),
     ("США", "USA"), ("Kyrgyz Republic", "KGZ"), ("Кыргызстана", "KGZ"), ("Türkiye", "TUR"),
     ("Turkey", "TUR"), ("Great Britain", "GBR"), ("Узбекистаном", "UZB"),
     ("Tashkent", "UZB"), ("Afghanistan", "AFG")],
)
def test_country_variants(reg, name: str, code: str) -> None:
    assert top(reg, name, "2015-06-01") == code


@pytest.mark.parametrize(
    ("name", "code", "on"),
    [("USSR", "SUN", "1990-01-01"), ("Soviet Union", "SUN", "1990-01-01"),
     ("СССР", "SUN", "1990-01-01"), ("Yugoslavia", "YUG", "1990-01-01"),
     ("Czechoslovakia", "CSK", "1990-01-01")],
)
def test_defunct_states_with_dates(reg, name: str, code: str, on: str) -> None:
    res = reg.resolve(name, on=dt.date.fromisoformat(on))
    assert res[0].actor.id == code
    assert res[0].actor.valid.end is not None
    later = reg.resolve(name, on=dt.date(2015, 1, 1))[0]
    assert later.confidence < res[0].confidence
    assert "not on 2015-01-01" in later.reason


ORGS = [("United Nations", "UN"), ("UN", "UN"), ("ООН", "UN"), ("Security Council", "UNSC"),
        ("UN Security Council", "UNSC"), ("Совета Безопасности ООН", "UNSC"),
        ("General Assembly", "UNGA"), ("IAEA", "IAEA"), ("МАГАТЭ", "IAEA"), ("CIS", "CIS"),
        ("СНГ", "CIS"), ("CSTO", "CSTO"), ("ОДКБ", "CSTO"), ("EAEU", "EAEU"), ("EEU", "EAEU"),
        ("Eurasian Economic Union", "EAEU"), ("ЕАЭС", "EAEU"),
        ("Евразийского экономического союза", "EAEU"), ("Common Economic Space", "CES"),
        ("SCO", "SCO"), ("Shanghai Cooperation Organisation", "SCO"), ("ШОС", "SCO"),
        ("CICA", "CICA"), ("СВМДА", "CICA"), ("OSCE", "OSCE"), ("ОБСЕ", "OSCE"), ("OIC", "OIC"),
        ("Organisation of Islamic Cooperation", "OIC"), ("ICO", "OIC"),
        ("Turkic Council", "OTS"), ("Cooperation Council of Turkic-speaking States", "OTS"),
        ("Organization of Turkic States", "OTS"), ("EU", "EU"), ("European Union", "EU"),
        ("Евросоюз", "EU"), ("NATO", "NATO"), ("НАТО", "NATO"), ("ASEAN", "ASEAN"),
        ("League of Arab States", "LAS"), ("Arab League", "LAS"), ("ECO", "ECO"),
        ("WTO", "WTO"), ("BRICS", "BRICS"), ("G20", "G20"), ("AIFC", "AIFC"),
        ("Astana International Financial Centre", "AIFC")]


@pytest.mark.parametrize(("name", "org"), ORGS)
def test_organisations(reg, name: str, org: str) -> None:
    assert top(reg, name, "2020-06-01") == org


def test_dated_organisation_names(reg) -> None:  # type: ignore[no-untyped-def]
    assert top(reg, "Organisation of the Islamic Conference", "2005-01-01") == "OIC"
    assert top(reg, "Customs Union", "2012-01-01") == "CU"
    eaeu = reg.get("EAEU")
    assert {"CU", "CES"} <= set(eaeu.predecessors)


@pytest.mark.parametrize(
    ("phrase", "on", "person"),
    [("Foreign Minister of Kazakhstan", "2005-06-01", "tokayev"),
     ("the Kazakh Foreign Minister", "2005-06-01", "tokayev"),
     ("Kazakhstan's foreign minister", "2015-06-01", "idrissov"),
     ("President of Kazakhstan", "2015-06-01", "nazarbayev"),
     ("President of Kazakhstan", "2021-06-01", "tokayev"),
     ("Russian Foreign Minister", "2010-01-01", "lavrov"),
     ("President of the United States", "2005-01-01", "bush_george_w")],
)
def test_role_phrases_resolve_by_date(reg, phrase: str, on: str, person: str) -> None:
    assert top(reg, phrase, on) == person


def test_people_resolve_by_date(reg) -> None:  # type: ignore[no-untyped-def]
    bush = reg.resolve("Bush", on=dt.date(2005, 1, 1))
    assert bush[0].actor.id == "bush_george_w"
    assert bush[0].confidence > bush[1].confidence
    assert "on that date" in bush[0].reason


@pytest.mark.parametrize(
    ("name", "on", "expected"),
    [("Astana", "2010-01-01", "astana"), ("Akmola", "1997-01-01", "astana"),
     ("Tselinograd", "1980-01-01", "astana"), ("Nur-Sultan", "2020-01-01", "astana"),
     ("Almaty", "2010-01-01", "almaty"), ("Alma-Ata", "1990-01-01", "almaty"),
     ("Нур-Султане", "2020-01-01", "astana")],
)
def test_places_with_renames(reg, name: str, on: str, expected: str) -> None:
    ids = [r.actor.id for r in reg.resolve(name, on=dt.date.fromisoformat(on))]
    assert expected in ids


def test_a_name_out_of_its_time_is_less_certain(reg) -> None:  # type: ignore[no-untyped-def]
    now = [r for r in reg.resolve("Nur-Sultan", on=dt.date(2020, 1, 1)) if r.actor.id == "astana"]
    then = [r for r in reg.resolve("Nur-Sultan", on=dt.date(2010, 1, 1)) if r.actor.id == "astana"]
    assert then[0].confidence < now[0].confidence
    assert "in use" in then[0].reason


@pytest.mark.parametrize(
    "text", ["us", "un", "turkey", "china plates", "Indiana", "Korea", "Chadian stew?", "Niger"]
)
def test_look_alikes(reg, text: str) -> None:  # type: ignore[no-untyped-def]
    ids = {r.actor.id for r in reg.resolve(text, on=dt.date(2015, 1, 1)) if r.confidence >= 0.5}
    wrong = {"us": {"USA"}, "un": {"UN"}, "turkey": {"TUR"}, "china plates": {"CHN"},
             "Indiana": {"IND"}, "Korea": {"KOR", "PRK"}, "Chadian stew?": set(),
             "Niger": {"NGA"}}[text]
    assert not (ids & wrong)


def test_korea_alone_is_never_certain(reg) -> None:  # type: ignore[no-untyped-def]
    for r in reg.resolve("Korea"):
        assert r.actor.id not in ("KOR", "PRK") or r.confidence < 0.5


def test_find_mentions_in_running_text(reg) -> None:  # type: ignore[no-untyped-def]
    text = "Kazakhstan values the Republic of Korea, the EU and Россией alike."
    found = [(text[r.start:r.end], r.actor.id) for r in reg.find(text)]
    assert ("Republic of Korea", "KOR") in found
    assert ("EU", "EU") in found and ("Россией", "RUS") in found
    assert ("Kazakhstan", "KAZ") in found


def test_every_un_speaker_resolves_to_a_person_of_their_country(  # type: ignore[no-untyped-def]
    reg, ungd_folder: Path
) -> None:
    path = ungd_folder / "speakers.csv"
    failures = []
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = row["Name of Person Speaking"].strip()
            if not name:
                continue  # the record names no speaker (UZB 2015)
            year = int(row["Year"])
            res = reg.resolve(name, on=dt.date(year, 9, 25))
            people = [r for r in res if r.actor.type is ActorType.PERSON]
            if not people or people[0].actor.country != row["ISO Code"].strip():
                failures.append(f"{year} {row['ISO Code']} {name!r}")
    assert failures == []


def test_no_two_countries_share_a_translated_name() -> None:
    """pycountry's Kazakh catalogue once named Nepal as the Central African Republic."""
    import collections

    from multivector.adapters.iso_countries import country_actors

    _, aliases = country_actors()
    owners: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for a in aliases:
        if a.lang in ("ru", "kk"):
            owners[(a.lang, a.text.casefold())].add(a.actor_id)
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    assert shared == {}


def test_the_central_african_republic_in_kazakh(reg) -> None:  # type: ignore[no-untyped-def]
    assert [r.actor.id for r in reg.resolve("Орталық Африка Республикасы")][:1] == ["CAF"]
    assert all(a.lang != "kk" or "Африка" not in a.text for a in reg.aliases_of("NPL"))


def test_an_id_naming_two_kinds_of_actor_is_refused() -> None:
    from multivector.domain.actors import Actor, ActorType
    from multivector.domain.registry import ActorRegistry
    from multivector.errors import ValidationError

    with pytest.raises(ValidationError, match="'NAM' names both a country"):
        ActorRegistry([Actor("NAM", ActorType.COUNTRY, "Namibia"),
                       Actor("NAM", ActorType.ORGANISATION, "Non-Aligned Movement")], [])
    kb = KnowledgeBase()
    assert kb.registry.get("NAM").name == "Namibia"
    assert kb.registry.get("NONALIGNED").type is ActorType.ORGANISATION


def test_world_regions_count_toward_their_vector() -> None:
    from multivector.domain.corpus import Document, DocumentMeta, Layer
    from multivector.pipeline import Annotator

    kb = KnowledgeBase()
    found = kb.registry.resolve("Центральной Азии")
    assert found and found[0].actor.id == "region.central_asia"
    annotator = Annotator(kb, {"components": ["segment", "actors"], "settings": {}})
    doc = annotator(Document.create(
        "We work with our neighbours in Central Asia, with Europe and within the Organization "
        "for Security and Co-operation in Europe.", DocumentMeta(language="en", country="KAZ")))
    labels = [a.label for a in doc.layer(Layer.ACTOR)]
    vectors = {a.label: a.attrs["vector"] for a in doc.layer(Layer.ACTOR)}
    assert vectors["region.central_asia"] == "central_asia"
    assert vectors["region.europe"] == "europe"
    # "... in Europe" inside the OSCE's name is the OSCE, not a second mention of Europe
    assert "OSCE" in vectors and labels.count("region.europe") == 1


def test_seas_belong_to_no_vector_and_officials_of_organisations_to_theirs() -> None:
    import datetime as dt

    from multivector.domain.corpus import Document, DocumentMeta, Layer
    from multivector.pipeline import Annotator

    annotator = Annotator(KnowledgeBase(), {"components": ["segment", "actors"], "settings": {}})
    doc = annotator(Document.create(
        "Turkmenistan spoke of the Caspian Sea and met António Guterres.",
        DocumentMeta(language="en", country="TKM", date=dt.date(2019, 9, 25))))
    vectors = {a.label: a.attrs["vector"] for a in doc.layer(Layer.ACTOR)}
    assert vectors["caspian_sea"] is None
    assert vectors["guterres"] == "multilateral"  # the Secretary-General, not Portugal
    before = annotator(Document.create(
        "The delegation met António Guterres.",
        DocumentMeta(language="en", country="TKM", date=dt.date(1998, 9, 25))))
    assert {a.attrs["vector"] for a in before.layer(Layer.ACTOR)} == {"europe"}  # Portugal's PM
