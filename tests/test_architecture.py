"""The layers import one way: interfaces -> services -> engines and adapters -> domain -> text.

Every module-level import of every module is checked against the layer table below, including
imports inside functions (a lazy import still binds the layers) but not those under
``TYPE_CHECKING``, which exist only for the type checker.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "multivector"

# layer -> the layers (or single modules) it may import besides itself
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "text": {"errors"},
    "domain": {"errors", "text"},
    "adapters": {"errors", "text", "domain"},
    "store": {"errors", "text", "domain"},
    "ingest": {"errors", "text", "domain"},
    "pipeline": {"errors", "text", "domain"},
    # analyses read the store only through its contract, never an implementation
    "analysis": {"errors", "text", "domain", "store.base"},
    "report": {"errors", "domain"},
    "samples": {"errors", "domain", "ingest"},
    "services": {"errors", "text", "domain", "adapters", "store", "ingest", "pipeline",
                 "analysis", "report", "samples"},
    "interfaces": {"errors", "domain", "services"},
    "__init__": {"errors", "domain", "adapters", "services", "analysis"},
    "__main__": {"interfaces"},
}
# what the interfaces may take from below the services: value types and registries only
INTERFACE_EXCEPTIONS = {
    "multivector.store.base": {"Filters"},
    "multivector.text.event_rules": {"EVENT_TYPES"},
}


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _type_checking_blocks(tree: ast.Module) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            ids |= {id(n) for n in ast.walk(node)}
    return ids


def imports(path: Path, module: str | None = None) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, names) of every runtime import of multivector modules in the
    file ``path``, read as the module ``module`` (by default, its name in the package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_blocks(tree)
    module = module or "multivector." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module.removesuffix(
        ".__init__")
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names
                    if a.name.startswith("multivector")]
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = package.split(".")
                target = ".".join(base[: len(base) - node.level + 1] + ([target] if target else []))
            if target.startswith("multivector"):
                names = [a.name for a in node.names]
                if target == "multivector":  # `from multivector import samples`
                    out += [(node.lineno, f"multivector.{n}", []) for n in names
                            if not n.startswith("__")]  # __version__ is the package's own
                else:
                    out.append((node.lineno, target, names))
    return out


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "data" not in p.parts)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_the_layers(path: Path) -> None:
    own = layer_of("multivector." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
    allowed = ALLOWED[own]
    bad = []
    for line, target, names in imports(path):
        layer = layer_of(target)
        if target == "multivector" or layer == own:
            continue
        module2 = ".".join(target.split(".")[1:3])
        if layer in allowed or module2 in allowed:
            continue
        if own == "interfaces" and set(names) <= INTERFACE_EXCEPTIONS.get(target, set()) and names:
            continue
        bad.append(f"line {line}: {target} ({', '.join(names)})")
    assert bad == [], f"{path.relative_to(PACKAGE)} ({own}) imports across layers"


def test_the_table_names_every_layer() -> None:
    layers = {layer_of("multivector." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts))
              for p in modules()}
    assert layers <= set(ALLOWED), layers - set(ALLOWED)


def test_a_lazy_import_across_layers_is_caught(tmp_path: Path) -> None:
    """The checker sees imports inside functions and relative ones, and ignores only
    TYPE_CHECKING blocks."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from multivector.services.corpus import Corpus\n"
        "def f():\n    from multivector.services.knowledge import default_knowledge\n"
        "    from ..pipeline import Annotator\n",
        encoding="utf-8",
    )
    found = imports(probe, "multivector.domain.probe")
    assert [t for _, t, _ in found] == ["multivector.services.knowledge", "multivector.pipeline"]
