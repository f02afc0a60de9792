"""The `dates` component: absolute and relative dates in each passage, normalised.

Expressions are found and normalised by :func:`multivector.text.dates.find_dates`, anchored to
the document's date, so "last year" in a 2015 speech is 2014. Without a document date, relative
expressions are kept with ``resolved`` false and no value.

Each annotation's label is the normalised value (``2020-03-06``, ``2020-03``, ``2020``, ``1990``
for the 1990s) or ``unresolved``; ``attrs`` hold ``value``, ``precision`` (day, month, year,
decade), ``resolved``, ``kind`` (absolute, relative, range) and ``range_end``. The score says how
exact the date is: 1.0 a day, 0.9 a month or year, 0.8 a decade, 0.7 a relative expression. The
producer's rule is the name of the pattern that matched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from multivector.domain.corpus import AnnotatedDocument, Annotation, Layer, Producer
from multivector.pipeline import Component, Context, register
from multivector.text.dates import find_dates


class DateFinder:
    name = "dates"
    version = "1"

    def __init__(self, relative: bool = True) -> None:
        self.relative = relative

    def __call__(self, doc: AnnotatedDocument) -> AnnotatedDocument:
        anchor = doc.document.meta.date
        for p, chunk in doc.iter_passages():
            for mention in find_dates(chunk, anchor):
                if mention.kind == "relative" and not self.relative:
                    continue
                doc.annotations.append(
                    Annotation(
                        doc_id=doc.document.id,
                        passage=p.index,
                        layer=Layer.DATE,
                        label=mention.value or "unresolved",
                        start=p.start + mention.start,
                        end=p.start + mention.end,
                        score=mention.score,
                        producer=Producer(self.name, self.version, mention.rule),
                        attrs={
                            "value": mention.value,
                            "precision": mention.precision,
                            "resolved": mention.resolved,
                            "kind": mention.kind,
                            "range_end": mention.range_end,
                        },
                    )
                )
        return doc


@register("dates")
def make_date_finder(context: Context, settings: Mapping[str, Any]) -> Component:
    return DateFinder(**settings)
