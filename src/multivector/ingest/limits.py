"""The caps that keep one file from hanging or exhausting an ingest, and their messages.

A file is refused before it is parsed when it is too large on disk (``max_bytes``) or, for a zip
container such as DOCX, when it would unpack to too much (``max_unpacked_bytes``); a document is
refused when its extracted text is too long (``max_chars``, checked while text is read, so that
reading stops at the cap). The cap on passages per document belongs to the pipeline, which
segments (:data:`multivector.pipeline.MAX_PASSAGES`). Each message gives the figure, the cap
and what to do.
"""

from __future__ import annotations

MAX_BYTES = 50_000_000  # a file on disk
MAX_UNPACKED_BYTES = 100_000_000  # everything a zip container (DOCX) unpacks to
MAX_ZIP_MEMBERS = 10_000  # parts of a zip container; a long report has a few dozen
MAX_CHARS = 20_000_000  # extracted text of one document: some 10,000 pages


def text_over_cap(chars: int, max_chars: int, *, stopped_at: str | None = None) -> str:
    """The reason for a document whose text is longer than ``max_chars``.

    ``stopped_at`` says where reading stopped ("at the cap", "at page 9 of 20") when it did not
    go on to the end: then ``chars`` is how far it got, not the length of the text.
    """
    size = f"{chars:,} characters" if stopped_at is None else (
        f"more than {chars:,} characters (reading stopped {stopped_at})")
    return (f"extracted text is {size}, above the {max_chars:,}-character cap: split the file or "
            "raise the cap (max_chars, --max-chars)")


def unpacked_over_cap(kind: str, size: int, max_unpacked_bytes: int, *, stopped: bool) -> str:
    """The reason for a zip container (a DOCX) that unpacks to more than the cap: a zip bomb,
    or a genuine but huge document."""
    size_text = f"more than {size:,} bytes (unpacking stopped there)" if stopped else (
        f"{size:,} bytes")
    return (f"the {kind} unpacks to {size_text}, above the {max_unpacked_bytes:,}-byte cap on "
            "unpacked content (a zip bomb, or a huge document): if the file is genuine, save it "
            "in smaller parts or raise the cap (max_unpacked_bytes, --max-unpacked-mb)")
