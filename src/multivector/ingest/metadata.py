"""Document metadata from file names, sidecar files and loose fields, normalised to DocumentMeta.

Naming conventions: the UN General Debate Corpus names a statement ``ISO3_SESSION_YEAR.txt``
(``KAZ_75_2020.txt``), and a ``speakers.csv`` beside the texts (or one folder up, or given as
rows read by :func:`parse_speakers`) names the speaker and post; other files may start with an
ISO date (``2020-03-06_title.txt``). Fields of tables and of HTML/PDF/DOCX properties are
normalised here too (dates, genre, language, ISO3 country), and :func:`merge` layers the sources,
recording which one gave each field. :func:`meta_from_text` reads the head of a plain text: a
title line, a dateline ("Wednesday, 05 February 2014") and a byline ("By Jane Roe").
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

from multivector.domain.corpus import DocumentMeta, Genre
from multivector.ingest.encodings import decode
from multivector.ingest.errors import IngestError

UNGD_SOURCE = "UN General Debate"
UNGD_DATE_PRECISION = "approximate: UN General Debate week"
_UNGD_NAME = re.compile(r"^([A-Z]{3})_(\d{1,2})_(\d{4})$")
_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[_\- ]+(.*))?$")
_HONORIFIC = re.compile(r"^(?:(?:mr|mrs|ms|miss|mme|dr|prof|sir|h\.\s?e)\.?\s+)+", re.IGNORECASE)
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        ("january jan января январь", "february feb февраля февраль", "march mar марта март",
         "april apr апреля апрель", "may мая май", "june jun июня июнь", "july jul июля июль",
         "august aug августа август", "september sep sept сентября сентябрь",
         "october oct октября октябрь", "november nov ноября ноябрь",
         "december dec декабря декабрь")
    )
    for m in names.split()
}
_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([^\W\d_]+)\.?,?\s+(\d{4})(?:\s*(?:г\.?|года))?$")
_MONTH_DAY_YEAR = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_LANGUAGES = {"en": "en", "eng": "en", "english": "en", "английский": "en",
              "ru": "ru", "rus": "ru", "russian": "ru", "русский": "ru",
              "kk": "kk", "kaz": "kk", "kazakh": "kk", "казахский": "kk", "қазақ": "kk",
              "қазақша": "kk"}
_GENRES = {g.value: g for g in Genre} | {"official": Genre.OFFICIAL, "document": Genre.OFFICIAL,
                                         "press_release": Genre.STATEMENT}
_FIELD_NAMES = {"title": "title", "headline": "title", "date": "date", "source": "source",
                "author": "author", "speaker": "author", "language": "language",
                "lang": "language", "genre": "genre", "country": "country"}
# (ISO3, year) -> (clean name, name as recorded, post): the rows of a UNGDC speakers.csv
Speakers = Mapping[tuple[str, int], tuple[str, str, str]]


def parse_date(value: str) -> dt.date | None:
    """ISO dates (and datetimes), DD.MM.YYYY (day first), '6 March 2020', 'March 6, 2020'."""
    value = value.strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    day = month = year = None
    if m := _DAY_FIRST.match(value):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _DAY_MONTH_YEAR.match(value):
        day, month, year = int(m[1]), _MONTHS.get(m[2].lower()), int(m[3])
    elif m := _MONTH_DAY_YEAR.match(value):
        day, month, year = int(m[2]), _MONTHS.get(m[1].lower()), int(m[3])
    if day is None or month is None or year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def language_code(value: str) -> str:
    """'English', 'eng', 'en-GB' -> 'en'; codes it does not know are kept, lowercased."""
    v = value.strip().lower()
    return _LANGUAGES.get(v) or _LANGUAGES.get(re.split(r"[-_]", v)[0]) or v


def country_code(value: str) -> str | None:
    """An ISO 3166 alpha-3 code for a code or an exact country name, or None."""
    import pycountry  # lazily: its data loads on first use

    try:
        return str(pycountry.countries.lookup(value.strip()).alpha_3)
    except LookupError:
        return None


def meta_from_fields(values: Mapping[str, Any]) -> DocumentMeta:
    """Map loose fields (a table row, a file's properties) onto DocumentMeta; keep the rest.

    Field names are matched case-insensitively: title, date, source, author or speaker, language
    or lang, genre, country. Values that cannot be read (a date in an unknown format, an
    unknown genre or country) are kept in ``extra`` as ``<field>_original``.
    """
    found: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, raw in values.items():
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        name = _FIELD_NAMES.get(str(key).strip().lower())
        if name is None or name in found:
            extra[str(key)] = raw
            continue
        text = str(raw).strip()
        value: Any = text
        if name == "date":
            value = parse_date(text)
        elif name == "genre":
            value = _GENRES.get(re.sub(r"[\s-]+", "_", text.lower()), Genre.OTHER)
            if value is Genre.OTHER and text.lower() != "other":
                extra["genre_original"] = text
        elif name == "language":
            value = language_code(text)
        elif name == "country":
            value = country_code(text)
        if value is None:
            extra[f"{name}_original"] = text
        else:
            found[name] = value
    return DocumentMeta(**found, extra=extra)


def meta_from_name(
    path: PurePath, *, speakers: tuple[str, Speakers] | None = None
) -> DocumentMeta | None:
    """Metadata from the file's name and a speakers table, or None if no convention applies.

    The speakers table is ``speakers`` when given: the name to record for it (as
    ``extra["speakers_table"]``) and its rows, from :func:`parse_speakers`; then only the name of
    ``path`` is read, never the disk. Without it, the nearest ``speakers.csv`` on disk is used.
    """
    stem = path.stem
    if (m := _UNGD_NAME.match(stem)) and int(m[3]) - int(m[2]) == 1945:
        iso3, session, year = m[1], int(m[2]), int(m[3])
        extra: dict[str, Any] = {"session": session, "date_precision": UNGD_DATE_PRECISION}
        author = None
        if speakers is None:
            speaker = _speaker(Path(path), iso3, year)
        else:
            found = speakers[1].get((iso3, year))
            speaker = None if found is None else (speakers[0], found)
        if speaker is not None:
            table, (author, recorded, post) = speaker
            extra["speaker_recorded"] = recorded
            extra["speakers_table"] = table
            if post:
                extra["post"] = post
        return DocumentMeta(
            title=f"{UNGD_SOURCE} {year} (session {session}): statement of {iso3}",
            date=dt.date(year, 9, 25), source=UNGD_SOURCE, author=author, genre=Genre.SPEECH,
            country=iso3, extra=extra,
        )
    if (m := _DATED_NAME.match(stem)) and (date := parse_date(m[1])) is not None:
        title = re.sub(r"[_\s]+", " ", m[2]).strip() if m[2] else None
        return DocumentMeta(title=title or None, date=date)
    return None


_WEEKDAY = (r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu"
            r"|thur|thurs|fri|sat|sun|понедельник|вторник|среда|четверг|пятница|суббота"
            r"|воскресенье|пн|вт|ср|чт|пт|сб|вс)\.?")
_DATELINE = re.compile(
    rf"(?i)^(?:(?:published|posted|updated|date|dated|опубликовано|дата(?:\s+публикации)?)"
    rf"(?:\s+on)?\s*:?\s*)?(?:{_WEEKDAY}\s*,?\s+|[A-ZА-ЯЁ][\w'’-]+(?:[\s-][A-ZА-ЯЁ][\w'’-]+)"
    r"{0,2},\s+)?(?P<date>[^|]+?)"
    r"(?:\s*(?:[,|–—-]|\s)\s*(?:at\s+|в\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?(?:\s*(?:am|pm|gmt|utc"
    r"|msk|[+-]\d{2}:?\d{2}))?)?\s*$")
_BYLINE = re.compile(r"^(?:By|BY|Автор|Author|Авторы|Authors)\s*:?\s+(?P<name>[^(,|\n]+)")
_NAME = re.compile(r"^(?:[A-ZА-ЯЁ][\w'’.-]*\s+){0,4}[A-ZА-ЯЁ][\w'’.-]*$")
_CONTACT = re.compile(r"(?i)\b(?:tel|phone|fax|e-?mail|www)\b|@|https?://|\d{5,}")
HEAD_LINES = 12  # a text's head: its first lines, before the body starts
_BODY_WORDS = 25
_TITLE_WORDS = 20
_TITLE_CHARS = 200


def meta_from_text(text: str) -> DocumentMeta | None:
    """Title, date and author from the head of a plain text, or None when it gives none.

    The head is the first ``HEAD_LINES`` non-empty lines before the first line of body text
    (a line of more than 25 words). In it: a dateline is a line that is only a date, with a
    weekday, a place, a label ("Published:") or a time around it ("Wednesday, 05 February
    2014", "Astana, 28 June 2011", "5 февраля 2014 г., 10:32");
    a byline starts with "By" or "Author" and names one to five capitalised words ("By Dr. Jane
    Roe (the 5 May issue)" -> "Jane Roe"); a title is the first other line that stands alone
    (blank lines, the text's start or end, a dateline or a byline around it), has 2-20
    words, does not end like a sentence (".", ",", ";", ":") and is no contact line, counter or
    navigation. Lines of hard-wrapped paragraphs never stand alone, so they are never titles.
    """
    from multivector.text.event_rules import boilerplate_spans  # lazily: only plain texts need it

    lines = _head(text)
    if not lines:
        return None
    frame = boilerplate_spans(text[: lines[-1][1]])
    date: dt.date | None = None
    author: str | None = None
    kinds: list[str] = []
    for start, end in lines:
        line = text[start:end].strip()
        kind = "other"
        if any(a <= start < b for a, b in frame):
            kind = "frame"
        elif (m := _DATELINE.match(line)) and (found := parse_date(m["date"].strip(" ,."))):
            kind = "date"
            date = date or found
        elif (m := _BYLINE.match(line)) and (name := _byline_name(m["name"])):
            kind = "byline"
            author = author or name
        kinds.append(kind)
    title = None
    for i, (start, end) in enumerate(lines):
        if kinds[i] != "other":
            continue
        line = text[start:end].strip()
        if _stands_alone(text, lines, kinds, i) and _looks_like_title(line):
            title = line
            break
    if title is None and date is None and author is None:
        return None
    return DocumentMeta(title=title, date=date, author=author)


def _head(text: str) -> list[tuple[int, int]]:
    """(start, end) of the head's lines: the first non-empty lines before the body."""
    out: list[tuple[int, int]] = []
    pos = 0
    while len(out) < HEAD_LINES and pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        line = text[pos:end]
        if line.strip():
            if len(line.split()) > _BODY_WORDS:
                break
            out.append((pos, end))
        pos = end + 1
    return out


def _stands_alone(text: str, lines: list[tuple[int, int]], kinds: list[str], i: int) -> bool:
    """Whether line ``i`` is a paragraph of its own: a blank line, the text's edge or a
    dateline/byline/frame line on each side."""
    start, end = lines[i]
    before = text[:start]
    after = text[end:]
    blank_before = not before.strip() or before.rstrip(" \t").endswith("\n\n") or (
        i > 0 and kinds[i - 1] != "other" and before.rstrip(" \t\n") == text[:lines[i - 1][1]]
        .rstrip(" \t\n"))
    blank_after = not after.strip() or after.lstrip(" \t").startswith("\n\n") or (
        i + 1 < len(lines) and kinds[i + 1] != "other"
        and not text[end : lines[i + 1][0]].strip())
    return bool(blank_before and blank_after)


def _looks_like_title(line: str) -> bool:
    words = line.split()
    return (2 <= len(words) <= _TITLE_WORDS and len(line) <= _TITLE_CHARS
            and line[-1] not in ".,;:" and (line[0].isupper() or line[0].isdigit()
                                            or line[0] in "\"«“'‘")
            and not _CONTACT.search(line) and sum(c.isalpha() for c in line) >= len(line) / 2)


def _byline_name(raw: str) -> str | None:
    name = clean_speaker(raw.strip().rstrip("*†‡ ").strip())
    return name if _NAME.match(name) else None


def clean_speaker(name: str) -> str:
    """'Mr.  Kassymzhomart TOKAEV ' -> 'Kassymzhomart Tokaev'."""
    name = _HONORIFIC.sub("", " ".join(name.split()))
    return " ".join(w.title() if w.isupper() and len(w) > 2 else w for w in name.split())


def _speaker(path: Path, iso3: str, year: int) -> tuple[str, tuple[str, str, str]] | None:
    """(the table's path, (name, name as recorded, post)) from the nearest ``speakers.csv``."""
    for folder in (path.parent, path.parent.parent):
        table = folder / "speakers.csv"
        if table.is_file():
            stat = table.stat()
            found = _speakers(str(table), stat.st_mtime_ns, stat.st_size).get((iso3, year))
            return None if found is None else (str(table), found)
    return None


@lru_cache(maxsize=8)
def _speakers(table: str, mtime_ns: int, size: int) -> dict[tuple[str, int], tuple[str, str, str]]:
    """The rows of the ``speakers.csv`` at ``table`` (:func:`parse_speakers`), cached while the
    file's modification time and size stay the same."""
    try:
        text = decode(Path(table).read_bytes(), table).text
    except (OSError, IngestError):
        return {}  # an unreadable sidecar only costs the speaker names
    return parse_speakers(text)


def parse_speakers(text: str) -> dict[tuple[str, int], tuple[str, str, str]]:
    """(ISO3, year) -> (clean name, name as recorded, post), from the text of a UNGDC
    ``speakers.csv``; column names in any case, the first row of a country and year wins, and
    rows without a code, a year or a name are skipped."""
    out: dict[tuple[str, int], tuple[str, str, str]] = {}
    for raw in csv.DictReader(text.splitlines()):
        row = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items()}
        iso3, year, name = row.get("iso code", ""), row.get("year", ""), row.get(
            "name of person speaking", "")
        if iso3 and year.isdigit() and name:
            out.setdefault((iso3.upper(), int(year)), (clean_speaker(name), name,
                                                      " ".join(row.get("post", "").split())))
    return out


def merge(layers: Sequence[tuple[str, DocumentMeta | None]]) -> DocumentMeta:
    """Combine metadata layers, the first layer that sets a field winning.

    ``extra`` is merged key by key the same way, and ``extra["meta_sources"]`` records which
    layer gave each field (for example ``{"date": "file name", "language": "detected"}``).
    """
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    extra: dict[str, Any] = {}
    for label, meta in layers:
        if meta is None:
            continue
        for f in fields(DocumentMeta):
            value = getattr(meta, f.name)
            if f.name != "extra" and value is not None and f.name not in values:
                values[f.name] = value
                sources[f.name] = label
        for key, value in meta.extra.items():
            extra.setdefault(key, value)
    extra["meta_sources"] = sources
    return replace(DocumentMeta(**values), extra=extra)
