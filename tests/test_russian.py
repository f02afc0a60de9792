"""Case forms of Russian names: what real texts write must lead back to the nominative alias."""

from __future__ import annotations

import pytest

from multivector.domain.russian import inflect


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("Россия", {"России", "Россию", "Россией"}),
        ("Российская Федерация", {"Российской Федерации", "Российскую Федерацию",
                                  "Российской Федерацией"}),
        ("Казахстан", {"Казахстана", "Казахстану", "Казахстаном", "Казахстане"}),
        ("Китай", {"Китая", "Китаю", "Китаем", "Китае"}),
        ("Москва", {"Москвы", "Москве", "Москву", "Москвой"}),
        ("Республика Казахстан", {"Республики Казахстан", "Республикой Казахстан"}),
        ("Совет Безопасности ООН", {"Совета Безопасности ООН", "Советом Безопасности ООН"}),
        ("Соединённые Штаты Америки", {"Соединённых Штатов Америки",
                                       "Соединёнными Штатами Америки"}),
        ("Европейский союз", {"Европейского союза", "Европейским союзом", "Европейском союзе"}),
        ("Южная Корея", {"Южной Кореи", "Южную Корею"}),
        ("Алма-Ата", {"Алма-Аты", "Алма-Ате"}),
        ("Содружество Независимых Государств", {"Содружества Независимых Государств"}),
    ],
)
def test_place_and_organisation_names(name: str, forms: set[str]) -> None:
    got = inflect(name)
    assert name in got
    assert forms <= got


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("Токаев", {"Токаева", "Токаеву", "Токаевым", "Токаеве"}),
        ("Касым-Жомарт Токаев", {"Касым-Жомарта Токаева", "Касым-Жомартом Токаевым"}),
        ("Нурсултан Назарбаев", {"Нурсултана Назарбаева", "Нурсултаном Назарбаевым"}),
        ("Сергей Лавров", {"Сергея Лаврова", "Сергеем Лавровым"}),
        ("Си Цзиньпин", {"Си Цзиньпина", "Си Цзиньпиным"}),
    ],
)
def test_personal_names(name: str, forms: set[str]) -> None:
    assert forms <= inflect(name, person=True)


@pytest.mark.parametrize("name", ["США", "ООН", "Конго", "Монако", "Перу"])
def test_indeclinable_names_stay_as_they_are(name: str) -> None:
    assert inflect(name) == {name}


def test_latin_text_is_untouched() -> None:
    assert inflect("Russia") == {"Russia"}


def test_no_form_mixes_cases_of_adjective_and_noun() -> None:
    forms = inflect("Российская Федерация")
    assert "Российской Федерацию" not in forms
    assert len(forms) == 4  # nominative + genitive/dative/prepositional, accusative, instrumental
