"""Human labels in the SQLite store: one row per passage, layer and coder (migration 4).

Writes are upserts in one transaction per batch: labelling a passage again replaces the coder's
earlier set, so importing a file twice stores nothing twice.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence

from multivector.domain.labels import Label

_COLUMNS = 'doc_id, passage, layer, coder, "values", codebook, labelled_at, note'


def upsert(conn: sqlite3.Connection, labels: Sequence[Label]) -> int:
    """Store ``labels`` (inside the caller's transaction); the number of rows written."""
    conn.executemany(
        f"INSERT INTO labels ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (doc_id, passage, layer, coder) DO UPDATE SET"
        ' "values" = excluded."values", codebook = excluded.codebook,'
        " labelled_at = excluded.labelled_at, note = excluded.note",
        [(x.doc_id, x.passage, x.layer, x.coder, json.dumps(list(x.values)), x.codebook,
          x.labelled_at.isoformat(), x.note) for x in labels],
    )
    return len(labels)


def select(
    conn: sqlite3.Connection,
    *,
    layer: str | None = None,
    coders: Sequence[str] = (),
    doc_id: str | None = None,
    passage: int | None = None,
) -> Iterator[Label]:
    conds: list[str] = []
    params: list[object] = []
    if layer is not None:
        conds.append("layer = ?")
        params.append(layer)
    if coders:
        conds.append(f"coder IN ({', '.join('?' * len(coders))})")
        params += list(coders)
    if doc_id is not None:
        conds.append("doc_id = ?")
        params.append(doc_id)
    if passage is not None:
        conds.append("passage = ?")
        params.append(passage)
    where = f" WHERE {' AND '.join(conds)}" if conds else ""
    sql = f"SELECT {_COLUMNS} FROM labels{where} ORDER BY doc_id, passage, layer, coder"
    for d, p, lay, coder, values, codebook, at, note in conn.execute(sql, params):
        yield Label(d, p, lay, coder, tuple(json.loads(values)), codebook,
                    dt.datetime.fromisoformat(at), note)


def unlabelled(
    conn: sqlite3.Connection, coder: str, layer: str, *, doc_ids: Sequence[str] = (),
    limit: int = 1,
) -> list[tuple[str, int]]:
    """Passages ``coder`` has not labelled on ``layer`` yet, in document date (undated last),
    document and passage order."""
    conds = ["NOT EXISTS (SELECT 1 FROM labels l WHERE l.doc_id = p.doc_id AND"
             " l.passage = p.idx AND l.layer = ? AND l.coder = ?)"]
    params: list[object] = [layer, coder]
    if doc_ids:
        conds.append(f"p.doc_id IN ({', '.join('?' * len(doc_ids))})")
        params += list(doc_ids)
    sql = ("SELECT p.doc_id, p.idx FROM passages p JOIN documents d ON d.id = p.doc_id WHERE "
           + " AND ".join(conds) + " ORDER BY d.date NULLS LAST, p.doc_id, p.idx LIMIT ?")
    params.append(limit)
    return [(d, i) for d, i in conn.execute(sql, params)]


def document_paths(conn: sqlite3.Connection) -> dict[str, str]:
    """Stored documents' source paths (``sample:NAME/FILE`` for a bundled sample) -> ids."""
    return {path: doc_id for doc_id, path in conn.execute(
        "SELECT id, path FROM documents WHERE path IS NOT NULL ORDER BY ingested_at DESC")}
