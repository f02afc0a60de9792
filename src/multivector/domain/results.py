"""A small contract shared by every result: rows as plain dicts, and a pandas frame on request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported only when a frame is asked for
    import pandas as pd


class Tabular:
    """Results that can be shown as a table: ``records()`` rows, ``to_frame()`` for pandas."""

    def records(self) -> list[dict[str, Any]]:
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame.from_records(self.records())
