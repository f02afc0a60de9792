"""Pipeline configs from files: which components run, with which settings (docs/pipeline.md).

A config file is YAML or JSON, read with the hardened YAML reader (an alias bomb or a cycle is a
located error, not a hang), and checked for its shape before any component is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from multivector.errors import UsageError, ValidationError

UNITS = ("paragraph", "sentence")


def pipeline_config(path: Path | None, unit: str = "paragraph") -> dict[str, Any] | None:
    """The config in ``path`` (None: the default pipeline), with the passage ``unit`` applied."""
    from multivector.pipeline import DEFAULT_CONFIG

    if unit not in UNITS:
        raise UsageError(f"--unit: unknown unit {unit!r}", hint="use paragraph or sentence")
    if path is None and unit == "paragraph":
        return None
    config: dict[str, Any] = {"components": list(DEFAULT_CONFIG["components"]), "settings": {}}
    if path is not None:
        from multivector.adapters.yamlfile import read_yaml

        try:
            loaded = read_yaml(path).data
        except ValidationError as exc:
            raise UsageError(
                f"--config: {exc.problems[0]}",
                hint="give a YAML or JSON file with `components` and `settings`",
            ) from None
        if not isinstance(loaded, dict) or not set(loaded) <= {"components", "settings"}:
            raise UsageError(
                f"--config: {path} must be a mapping with `components` and/or `settings`",
                hint="see docs/pipeline.md",
            )
        config.update(loaded)
    if unit != "paragraph":
        settings = config.setdefault("settings", {})
        if not isinstance(settings, dict):
            raise UsageError(f"--config: {path}: `settings` must be a mapping",
                             hint="see docs/pipeline.md")
        settings.setdefault("segment", {})["unit"] = unit
    return config
