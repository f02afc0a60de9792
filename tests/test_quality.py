"""The code is typed (mypy strict) and lint-clean (ruff), and the domain imports no framework."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FRAMEWORKS = {"typer", "click", "rich", "fastapi", "starlette", "sqlite3", "sqlalchemy", "pydantic",
              "yaml", "pandas", "ahocorasick", "pycountry", "psycopg", "httpx"}


def test_mypy_strict_is_clean() -> None:
    out = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_is_clean() -> None:
    if shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff").exists():
        pytest.skip("ruff is not installed")
    ruff = str(Path(sys.executable).parent / "ruff") if (
        Path(sys.executable).parent / "ruff").exists() else "ruff"
    out = subprocess.run([ruff, "check", "src"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_domain_imports_no_framework() -> None:
    offenders = []
    for path in (ROOT / "src/multivector/domain").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for n in names:
                if n.split(".")[0] in FRAMEWORKS and not _type_checking_only(tree, node):
                    offenders.append(f"{path.name}: {n}")
    assert offenders == []


def _type_checking_only(tree: ast.Module, target: ast.AST) -> bool:
    """Imports under `if TYPE_CHECKING:` or inside a function (lazy) do not bind the domain."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            if any(target is n for n in ast.walk(node)):
                return True
        if isinstance(node, ast.FunctionDef) and any(target is n for n in ast.walk(node)):
            return True
    return False
