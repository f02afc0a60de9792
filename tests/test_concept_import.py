"""multivector import: the team's own concept texts (Russian and English, official layout) as
txt, html, docx and pdf into draft editions that validate, with kinds, tiers and offsets."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from multivector.domain.concept import ElementKind, Tier
from multivector.domain.diff import diff_editions
from multivector.ingest.concept import kind_of, partners_in, short_title
from multivector.interfaces.cli import app
from multivector.services.concept_import import import_concept
from multivector.services.knowledge import default_knowledge, validate
from multivector.text.outline import outline
from tests.concept_texts import CONCEPTS, write_formats

runner = CliRunner()
FORMATS = ("txt", "html", "docx", "pdf")
TEXTS = {"ru": ("kaz_ru.txt", "KAZ"), "en": ("uzb_en.txt", "UZB")}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("concepts")
    return {lang: write_formats(name, folder) for lang, (name, _) in TEXTS.items()}


@pytest.fixture(scope="module")
def drafts(files: dict[str, dict[str, Path]], tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("drafts")
    kb = default_knowledge()
    return {
        (lang, fmt): import_concept(path, country=TEXTS[lang][1], out=out / f"{lang}-{fmt}.yaml",
                                    knowledge=kb)
        for lang, paths in files.items() for fmt, path in paths.items()
    }


# ------------------------------------------------------------------------------ the outline


def test_outline_nests_headings_lead_ins_and_items() -> None:
    text = (CONCEPTS / "kaz_ru.txt").read_text(encoding="utf-8")
    o = outline(text)
    assert o.title and o.title.startswith("КОНЦЕПЦИЯ внешней политики")
    levels = [(h.label, h.level) for h in o.headings]
    assert ("Глава 3", "chapter") in levels and ("3.1", "section") in levels
    japan = next(b for b in o.blocks if "Японией" in o.words(b))
    assert japan.marker == "6)" and japan.lead_in
    trade = next(b for b in o.blocks if o.words(b).startswith("торговля"))
    assert trade.marker == "а)" and trade.parents[-1] == japan.index and trade.depth == 2
    assert [h.label for h in trade.headings] == ["Глава 4", "4.1"]
    decree = [b for b in o.blocks if b.in_preamble and b.marker]
    assert [b.marker for b in decree] == ["1.", "2.", "3."]


@given(st.lists(st.text(alphabet="абвгде жзик,", min_size=1, max_size=30), min_size=1,
                max_size=8), st.sampled_from(["1)", "-", "а)", "•"]))
def test_outline_spans_are_the_items_words(items: list[str], marker: str) -> None:
    body = [f"{marker} {w}" for w in items]
    text = "Глава 1. Цели\nЦелями являются:\n" + "\n".join(body) + "\n"
    o = outline(text)
    for b in o.blocks:
        span = text[b.start:b.end]
        assert span == span.strip() and 0 <= b.start <= b.end <= len(text)
    listed = [o.words(b) for b in o.blocks if b.marker]
    assert listed == [" ".join(w.split()) for w in items if w.strip()]


# ------------------------------------------------------------------------------ the rules


@pytest.mark.parametrize(("words", "kind"), [
    ("Целями внешней политики Республики Казахстан являются:", ElementKind.GOAL),
    ("Для достижения указанных целей решаются следующие задачи:", ElementKind.OBJECTIVE),
    ("Внешняя политика строится на следующих принципах:", ElementKind.PRINCIPLE),
    ("Реализация Концепции позволит достичь следующих результатов:",
     ElementKind.EXPECTED_RESULT),
    ("To achieve these goals, the following objectives are set:", ElementKind.OBJECTIVE),
    ("The priority areas of foreign policy are:", ElementKind.PRIORITY),
    ("Mechanisms for implementing the Concept", ElementKind.MECHANISM),
    ("Многосторонняя дипломатия", None),
])
def test_kind_from_lead_ins_and_headings(words: str, kind: ElementKind | None) -> None:
    assert kind_of(words) == kind


@pytest.mark.parametrize(("words", "expected"), [
    ("дальнейшее укрепление союзнических отношений с Российской Федерацией;",
     {"RUS": Tier.ALLIED}),
    ("всеобъемлющее стратегическое партнерство с Китайской Народной Республикой",
     {"CHN": Tier.COMPREHENSIVE_STRATEGIC_PARTNERSHIP}),
    ("развитие стратегического партнерства с Республикой Узбекистан и Кыргызской Республикой",
     {"UZB": Tier.STRATEGIC_PARTNERSHIP, "KGZ": Tier.STRATEGIC_PARTNERSHIP}),
    ("deepening the expanded strategic partnership with the United States of America",
     {"USA": Tier.EXPANDED_STRATEGIC_PARTNERSHIP}),
    ("участие в работе Шанхайской организации сотрудничества", {}),
])
def test_partners_take_the_tier_of_their_relation_phrase(words: str, expected: dict) -> None:
    partners, _ = partners_in(words, default_knowledge().registry, "KAZ")
    assert {p.actor: p.tier for p in partners} == expected


def test_an_organisation_without_a_relation_phrase_is_listed_apart() -> None:
    partners, orgs = partners_in("участие в работе Шанхайской организации сотрудничества",
                                 default_knowledge().registry, "KAZ")
    assert partners == [] and orgs == ["SCO"]


@pytest.mark.parametrize(("title", "written"), [
    ("КОНЦЕПЦИЯ внешней политики", "Концепция внешней политики"),
    ("CONCEPT OF THE FOREIGN POLICY OF TURKMENISTAN",
     "Concept of the Foreign Policy of Turkmenistan"),
    ("Concept of NATO policy", "Concept of NATO policy"),
])
def test_a_title_in_capitals_is_written_normally(title: str, written: str) -> None:
    from multivector.ingest.concept import _sentence_case

    assert _sentence_case(title) == written


def test_titles_are_short_forms_of_the_items_words() -> None:
    assert short_title("укрепление независимости и безопасности государства;") == (
        "Укрепление независимости и безопасности государства")
    long = short_title("развитие стратегического партнерства с Республикой Узбекистан, "
                       "Кыргызской Республикой и Республикой Таджикистан в целях углубления связей")
    assert long.endswith("…") and len(long.split()) <= 10


# ------------------------------------------------------------------------------ the drafts


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_format_gives_the_same_draft(drafts: dict, lang: str) -> None:
    shapes = {fmt: [(e.kind, e.title, tuple((p.actor, p.tier) for p in e.partners))
                    for e in drafts[(lang, fmt)].edition.elements] for fmt in FORMATS}
    assert shapes["html"] == shapes["txt"]
    assert shapes["docx"] == shapes["txt"]
    assert shapes["pdf"] == shapes["txt"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_russian_draft_recovers_act_structure_kinds_and_tiers(drafts: dict, fmt: str) -> None:
    ed = drafts[("ru", fmt)].edition
    assert ed.legal_act is not None and ed.legal_act.number == "917"
    assert ed.adopted is not None and ed.adopted.isoformat() == "2025-04-14"
    assert (ed.period_start, ed.period_end) == (2025, 2035)
    assert ed.title.startswith("Концепция внешней политики Республики Казахстан")
    tiers = {a: r.tier for a, r in ed.partner_tiers().items()}
    assert tiers["RUS"] is Tier.ALLIED
    assert tiers["CHN"] is Tier.COMPREHENSIVE_STRATEGIC_PARTNERSHIP
    assert tiers["USA"] is Tier.EXPANDED_STRATEGIC_PARTNERSHIP
    assert tiers["EU"] is Tier.EXPANDED_PARTNERSHIP_AND_COOPERATION
    kinds = {e.title: e.kind for e in ed.elements}
    assert kinds["Мирное урегулирование споров путем переговоров"] is ElementKind.PRINCIPLE
    assert kinds["Защита прав и интересов граждан Казахстана за рубежом"] is (
        ElementKind.OBJECTIVE)
    assert kinds["Увеличение объема привлеченных инвестиций"] is ElementKind.EXPECTED_RESULT
    assert kinds["Торговля и инвестиции"] is ElementKind.PRIORITY
    points = ed.legal_act.provisions
    assert [p.number for p in points] == ["1", "2", "3"]
    assert points[0].summary.startswith("Утвердить прилагаемую Концепцию")
    assert not any(e.kind is ElementKind.UNCLASSIFIED for e in ed.elements)
    assert {n.level for n in ed.structure} >= {"chapter", "section", "item"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_english_draft_recovers_kinds_and_tiers(drafts: dict, fmt: str) -> None:
    ed = drafts[("en", fmt)].edition
    assert ed.legal_act is not None and ed.legal_act.number == "412"
    assert (ed.period_start, ed.period_end) == (2026, 2036)
    tiers = {a: r.tier for a, r in ed.partner_tiers().items()}
    assert tiers["CHN"] is Tier.COMPREHENSIVE_STRATEGIC_PARTNERSHIP
    assert tiers["RUS"] is Tier.STRATEGIC_PARTNERSHIP
    assert "UZB" not in tiers  # the home state is no partner
    kinds = [e.kind for e in ed.elements]
    assert kinds.count(ElementKind.OBJECTIVE) == 2 and kinds.count(ElementKind.GOAL) == 2


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_element_has_official_evidence_with_offsets(drafts: dict, lang: str,
                                                          fmt: str) -> None:
    result = drafts[(lang, fmt)]
    for e in result.edition.elements:
        (ev,) = e.evidence
        assert ev.level.value == "official" and ev.locator
        assert ev.start is not None and ev.end is not None
        assert " ".join(result.text[ev.start:ev.end].split()) == e.summary
        title_words = e.title.rstrip("…").lower().replace(",", "").split()
        assert e.summary.lower().replace(",", "").startswith(" ".join(title_words[:-1]))


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_txt_offsets_point_into_the_file_and_sha256_names_it(
        drafts: dict, files: dict, lang: str) -> None:
    path = files[lang]["txt"]
    raw = path.read_text(encoding="utf-8")
    result = drafts[(lang, "txt")]
    for e in result.edition.elements:
        ev = e.evidence[0]
        assert raw[ev.start:ev.end] == e.summary
    (source,) = result.edition.sources
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    written = yaml.safe_load(result.out.read_text(encoding="utf-8"))
    assert written["sources"][0]["sha256"] == source.sha256


@pytest.mark.parametrize("fmt", FORMATS)
def test_drafts_pass_validate(drafts: dict, fmt: str) -> None:
    assert validate([drafts[("ru", fmt)].out, drafts[("en", fmt)].out]) == []


def test_cli_import_then_validate_then_diff(files: dict, tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    res = runner.invoke(app, ["import", str(files["ru"]["docx"]), "--country", "KAZ",
                              "--lang", "ru", "--out", str(out), "--format", "json"])
    assert res.exit_code == 0, res.stderr
    assert '"edition": "kaz/2025-2035-draft"' in res.stdout
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0
    res = runner.invoke(app, ["diff", "kaz/2020-2030", str(out), "--format", "json"])
    assert res.exit_code == 0, res.stderr
    d = diff_editions(default_knowledge().edition("kaz/2020-2030"),
                      default_knowledge().edition(str(out)))
    direction = {r.partner: r.direction for r in d.relations}
    assert direction["RUS"] in ("same", "reworded")  # allied in both
    assert direction["CHN"] in ("same", "reworded")
    assert direction["JPN"] == "new"


# ------------------------------------------------------------------------------ bad input


def _import(*args: str) -> tuple[int, str]:
    res = runner.invoke(app, ["import", *args])
    return res.exit_code, res.stderr


def test_bad_input_is_one_line_with_the_fix(tmp_path: Path) -> None:
    text = CONCEPTS / "kaz_ru.txt"
    out = tmp_path / "d.yaml"
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really a pdf\n")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    cases = [
        (("missing.txt", "--country", "KAZ", "--out", str(out)), "missing.txt"),
        ((str(broken), "--country", "KAZ", "--out", str(out)), "broken.pdf"),
        ((str(empty), "--country", "KAZ", "--out", str(out)), "empty.txt"),
        ((str(text), "--country", "XXX", "--out", str(out)), "--country"),
        ((str(text), "--country", "KAZ", "--out", str(tmp_path / "no" / "d.yaml")), "mkdir"),
        ((str(text), "--country", "KAZ", "--lang", "de", "--out", str(out)), "--lang"),
        ((str(text), "--country", "KAZ", "--edition", "Bad Id", "--out", str(out)), "--edition"),
    ]
    for args, named in cases:
        code, err = _import(*args)
        assert code != 0, args
        assert err.startswith("error: ") and err.count("\n") == 1, err
        assert named in err and "Traceback" not in err
        assert not out.exists()


# ------------------------------------------------------------------------------ review


def test_matching_a_draft_to_an_edition_keeps_the_editions_ids(drafts: dict) -> None:
    from dataclasses import replace

    from multivector.services.review import match_edition
    from multivector.text.embedder import HashingEmbedder

    draft = drafts[("ru", "txt")].edition
    held = replace(draft, id="kaz/held", elements=tuple(
        replace(e, id=f"held.{e.id}", parent=None) for e in draft.elements), _by_id={})
    matched, rows = match_edition(draft, held, embedder=HashingEmbedder())
    classified = [e for e in draft.elements if e.kind is not ElementKind.UNCLASSIFIED]
    assert all(f"held.{e.id}" in matched for e in classified)
    assert all(r.action == "keep id" and r.score >= 0.9 for r in rows
               if r.kind != "unclassified")
    assert all(r.action == "new id" for r in rows if r.kind == "unclassified")
    assert rows


@pytest.mark.slow
def test_against_matches_russian_items_to_english_elements(files: dict, tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    result = import_concept(files["ru"]["txt"], country="KAZ", out=out,
                            knowledge=default_knowledge(), against="kaz/2020-2030")
    ids = {e.id for e in result.edition.elements}
    assert {"priority.bilateral.russia", "priority.bilateral.china"} <= ids
    d = diff_editions(default_knowledge().edition("kaz/2020-2030"),
                      default_knowledge().edition(str(out)))
    added = {c.element for c in d.of_type("added")}
    assert "priority.bilateral.russia" not in added
    assert validate([out]) == []


# ------------------------------------------------------------------------------ accuracy


def test_accuracy_on_the_untuned_texts(capsys: pytest.CaptureFixture[str]) -> None:
    """The figures `python -m tests.concept_accuracy` prints, with a floor under them."""
    from tests.concept_accuracy import scores

    rows = scores("fresh") + scores("untuned")
    with capsys.disabled():
        for s in rows:
            print(f"\n{s.name}: kinds {s.kind_accuracy:.0%}, tiers {s.tier_accuracy:.0%}")
    assert all(s.kind_accuracy >= 0.8 and s.tier_accuracy >= 0.6 for s in rows)


def test_a_kazakh_text_gives_kinds_and_tiers(tmp_path: Path) -> None:
    text = tmp_path / "kk.txt"
    text.write_text(
        "ҚАЗАҚСТАН РЕСПУБЛИКАСЫНЫҢ СЫРТҚЫ САЯСАТ ТҰЖЫРЫМДАМАСЫ\n2030-2040 жылдарға арналған\n\n"
        "1-тарау. Сыртқы саясаттың қағидаттары\nСыртқы саясат мынадай қағидаттарға "
        "негізделеді:\n1) халықаралық құқық нормаларын құрметтеу;\n2) даулы мәселелерді бейбіт "
        "жолмен шешу.\n\n2-тарау. Басымдықтар\nСыртқы саясаттың басымдықтары:\n1) Ресей "
        "Федерациясы одақтастық қатынастарды нығайту;\n2) Қытай Халық Республикасы жан-жақты "
        "стратегиялық әріптестікті дамыту.\n", encoding="utf-8")
    result = import_concept(text, country="KAZ", out=tmp_path / "d.yaml",
                            knowledge=default_knowledge(), lang="kk")
    ed = result.edition
    assert (ed.period_start, ed.period_end) == (2030, 2040)
    assert [e.kind.value for e in ed.elements] == ["principle"] * 2 + ["priority"] * 2
    tiers = {a: r.tier for a, r in ed.partner_tiers().items()}
    assert tiers == {"RUS": Tier.ALLIED, "CHN": Tier.COMPREHENSIVE_STRATEGIC_PARTNERSHIP}
    assert ed.structure[0].title.startswith("1-тарау")


def test_items_are_coded_to_themes_by_their_labels(drafts: dict) -> None:
    ed = drafts[("ru", "txt")].edition
    assert any(e.themes for e in ed.elements)
    known = default_knowledge().theme_ids
    assert all(t in known for e in ed.elements for t in e.themes)


def test_review_of_a_missing_draft_is_one_line(tmp_path: Path) -> None:
    res = runner.invoke(app, ["review", str(tmp_path / "none.yaml"), "--against",
                              "kaz/2020-2030"])
    assert res.exit_code == 2 and res.stderr.count("\n") == 1 and "none.yaml" in res.stderr


def test_review_of_a_draft_says_keep_rename_or_new(drafts: dict) -> None:
    from dataclasses import replace

    from multivector.services.review import review_draft
    from multivector.text.embedder import HashingEmbedder

    draft = drafts[("en", "txt")].edition
    held = replace(draft, id="uzb/held", elements=tuple(
        replace(e, id=f"held.{e.id}" if e.kind is ElementKind.PRIORITY else e.id, parent=None)
        for e in draft.elements), _by_id={})
    rows = review_draft(draft, held, embedder=HashingEmbedder())
    actions = {r.id: r.action for r in rows}
    for e in draft.elements:
        if e.kind is ElementKind.PRIORITY:
            assert actions[e.id] == "rename"
        elif e.kind is not ElementKind.UNCLASSIFIED:
            assert actions[e.id] == "keep id"


@pytest.mark.slow
def test_cli_review_lists_matches(files: dict, tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    import_concept(files["ru"]["txt"], country="KAZ", out=out, knowledge=default_knowledge())
    res = runner.invoke(app, ["review", str(out), "--against", "kaz/2020-2030", "-f", "json"])
    assert res.exit_code == 0, res.stderr
    rows = {r["match"]: r for r in __import__("json").loads(res.stdout)["review"]}
    assert rows["priority.bilateral.china"]["action"] == "rename"


def test_a_list_numbered_by_the_word_processor_stays_under_its_lead_in(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for line, style in [
        ("КОНЦЕПЦИЯ внешней политики Республики Казахстан на 2025-2035 годы", None),
        ("Глава 2. Приоритеты", None),
        ("Приоритетными направлениями являются:", None),
        ("Укрепление союзнических отношений с Российской Федерацией;", "List Number"),
        ("Развитие сотрудничества с Японией.", "List Number"),
        ("Казахстан продолжит участие в миротворческих операциях.", None),
    ]:
        document.add_paragraph(line, style=style)
    document.save(str(tmp_path / "numbered.docx"))
    ed = import_concept(tmp_path / "numbered.docx", country="KAZ", out=tmp_path / "d.yaml",
                        knowledge=default_knowledge()).edition
    first, second, after = ed.elements
    assert first.parent == second.parent != after.parent
    assert first.evidence[0].locator.endswith("item 1")
    assert second.evidence[0].locator.endswith("item 2")
    assert after.evidence[0].locator.endswith("paragraph 1")


def test_diff_of_a_draft_reads_tiers_going_up_and_down(tmp_path: Path) -> None:
    text = tmp_path / "moves.txt"
    text.write_text(
        "КОНЦЕПЦИЯ внешней политики Республики Казахстан на 2031-2040 годы\n\n"
        "Глава 1. Приоритеты\nПриоритетами внешней политики являются:\n"
        "1) стратегическое партнерство с Китайской Народной Республикой;\n"
        "2) союзнические отношения с Соединенными Штатами Америки;\n"
        "3) союзнические отношения с Российской Федерацией.\n", encoding="utf-8")
    out = tmp_path / "d.yaml"
    import_concept(text, country="KAZ", out=out, knowledge=default_knowledge())
    d = diff_editions(default_knowledge().edition("kaz/2020-2030"),
                      default_knowledge().edition(str(out)))
    direction = {r.partner: r.direction for r in d.relations}
    assert direction["CHN"] == "down" and direction["USA"] == "up"
    assert direction["RUS"] in ("same", "reworded") and direction["UZB"] == "dropped"
