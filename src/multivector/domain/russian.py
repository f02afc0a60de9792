"""Case forms of Russian proper names, so that «России», «Россией» and «Токаевым» find their actor.

The rules cover what actor names need: nouns by their ending, adjective + noun phrases
(«Российская Федерация» -> «Российской Федерации»), apposition and genitive complements that stay
unchanged («Республика Казахстан» -> «Республики Казахстан», «Совет Безопасности ООН» ->
«Совета Безопасности ООН») and personal names («Касым-Жомарт Токаев» -> «Касым-Жомарта
Токаева»). A paradigm is the five oblique cases in order: genitive, dative, accusative,
instrumental, prepositional. Irregular forms are listed in the alias table instead.
"""

from __future__ import annotations

Paradigm = tuple[str, str, str, str, str]

VOWELS = frozenset("аеёиоуыэюя")
VELAR_HUSHING = frozenset("гкхжшщч")
HUSHING = frozenset("жшщчц")

_ADJ: dict[str, tuple[str, str, str, str, str]] = {
    "ая": ("ой", "ой", "ую", "ой", "ой"),
    "яя": ("ей", "ей", "юю", "ей", "ей"),
    "ый": ("ого", "ому", "ый", "ым", "ом"),
    "ой": ("ого", "ому", "ой", "ым", "ом"),
    "ое": ("ого", "ому", "ое", "ым", "ом"),
    "ее": ("его", "ему", "ее", "им", "ем"),
    "ые": ("ых", "ым", "ые", "ыми", "ых"),
    "ие": ("их", "им", "ие", "ими", "их"),
}
_ADJ_IY_HARD = ("ого", "ому", "ий", "им", "ом")  # русский, великий
_ADJ_IY_SOFT = ("его", "ему", "ий", "им", "ем")  # синий


def is_cyrillic(text: str) -> bool:
    return any("а" <= ch <= "я" or ch == "ё" for ch in text.lower())


def _p(stem: str, endings: tuple[str, ...]) -> Paradigm:
    g, d, a, i, p = (stem + e for e in endings)
    return (g, d, a, i, p)


def is_adjective(word: str) -> bool:
    w = word.lower()
    return len(w) >= 4 and is_cyrillic(w) and (w[-2:] in _ADJ or w.endswith("ий"))


def adjective_paradigm(word: str) -> Paradigm | None:
    end = word[-2:].lower()
    if end in _ADJ:
        return _p(word[:-2], _ADJ[end])
    if end == "ий":
        stem = word[:-2]
        soft = stem[-1:].lower() == "н"
        return _p(stem, _ADJ_IY_SOFT if soft else _ADJ_IY_HARD)
    return None


def noun_paradigms(word: str, *, animate: bool = False) -> list[Paradigm]:
    """Paradigms of a noun by its ending; [] when it does not decline (Конго, ООН)."""
    if "-" in word:
        head, _, last = word.rpartition("-")
        return [
            _p(f"{head}-", tuple(form for form in par))
            for par in noun_paradigms(last, animate=animate)
        ]
    lw = word.lower()
    if len(lw) < 2 or not is_cyrillic(lw) or word.isupper():
        return []
    last, prev = lw[-1], lw[-2]
    s = word[:-1]
    if lw.endswith("ия"):
        return [_p(word[:-2], ("ии", "ии", "ию", "ией", "ии"))]
    if lw.endswith("ие"):
        return [_p(word[:-2], ("ия", "ию", "ие", "ием", "ии"))]
    if lw.endswith("ство"):
        return [_p(s, ("а", "у", "о", "ом", "е"))]
    if last == "а":
        gen = "и" if prev in VELAR_HUSHING else "ы"
        instr = "ей" if prev in HUSHING else "ой"
        return [_p(s, (gen, "е", "у", instr, "е"))]
    if last == "я":
        return [_p(s, ("и", "е", "ю", "ей", "е"))]
    if last == "й":
        acc = "я" if animate else "й"
        return [_p(s, ("я", "ю", acc, "ем", "е"))]
    if last == "ь":
        acc_m = "я" if animate else "ь"
        return [_p(s, ("я", "ю", acc_m, "ем", "е")), _p(s, ("и", "и", "ь", "ью", "и"))]
    if last in "ыи" and prev not in VOWELS and not animate:  # Штаты, Нидерланды, Эмираты
        return [_p(s, ("ов", "ам", last, "ами", "ах"))]
    if last in VOWELS:
        return []
    acc = word + "а" if animate else word
    pars = [(word + "а", word + "у", acc, word + "ом", word + "е")]
    if last in HUSHING:
        pars.append((word + "а", word + "у", acc, word + "ем", word + "е"))
    return pars


def surname_paradigms(word: str) -> list[Paradigm]:
    """Surnames: -ов/-ев/-ин decline like possessives (Токаевым), the rest like nouns."""
    lw = word.lower()
    if "-" not in word and lw.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return [_p(word, ("а", "у", "а", "ым", "е"))]
    if lw.endswith(("ова", "ева", "ёва", "ина", "ына")):
        return [_p(word[:-1], ("ой", "ой", "у", "ой", "ой"))]
    if lw.endswith(("ский", "цкий")):
        par = adjective_paradigm(word)
        return [(par[0], par[1], par[0], par[3], par[4])] if par else []
    return noun_paradigms(word, animate=True)


def given_name_paradigms(word: str) -> list[Paradigm]:
    if word.lower().endswith(("ович", "евич")):
        return [_p(word, ("а", "у", "а", "ем", "е"))]
    return noun_paradigms(word, animate=True)


def phrase_forms(phrase: str) -> set[str]:
    """Case forms of a place or organisation name, the nominative included.

    Leading adjectives agree with the first noun; words after it (apposition, genitive
    complements) stay unchanged.
    """
    words = phrase.split(" ")
    i = 0
    while i < len(words) - 1 and is_adjective(words[i]):
        i += 1
    adjectives = [adjective_paradigm(w) for w in words[:i]]
    same: Paradigm = (words[i],) * 5
    heads = noun_paradigms(words[i]) or [same]
    out = {phrase}
    if not any(adjectives) and heads == [same]:
        return out
    for head in heads:
        for case in range(5):
            adj = [par[case] if par else w for w, par in zip(words[:i], adjectives, strict=True)]
            out.add(" ".join([*adj, head[case], *words[i + 1 :]]))
    return out


def person_forms(name: str) -> set[str]:
    """Case forms of a personal name: every word in the same case."""
    words = name.split(" ")
    paradigms: list[list[Paradigm]] = []
    for i, w in enumerate(words):
        if not is_cyrillic(w) or w.endswith(".") or len(w) < 2:
            paradigms.append([])
        elif i == len(words) - 1:
            paradigms.append(surname_paradigms(w))
        else:
            paradigms.append(given_name_paradigms(w))
    out = {name}
    for case in range(5):
        variants: list[list[str]] = []
        for w, pars in zip(words, paradigms, strict=True):
            variants.append([p[case] for p in pars] or [w])
        out.update(_product(variants))
    return out


def _product(options: list[list[str]]) -> set[str]:
    out = [""]
    for opts in options:
        out = [f"{prefix} {o}".strip() for prefix in out for o in opts]
    return set(out)


def inflect(phrase: str, *, person: bool = False) -> set[str]:
    """Case forms of ``phrase`` (itself included); non-Cyrillic text is returned unchanged."""
    if not is_cyrillic(phrase):
        return {phrase}
    return person_forms(phrase) if person else phrase_forms(phrase)
