"""The compiled knowledge cache: entries reused while their files and code are unchanged, rebuilt
when a file changes, and never in the way (off, unwritable, corrupt)."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from multivector.adapters.compiled import CompiledCache, cache_dir, key_of
from multivector.adapters.knowledge import KnowledgeBase
from multivector.errors import NotFoundError, ValidationError


def _never() -> Any:
    raise AssertionError("built although a valid entry was stored")


def test_an_entry_is_built_once_per_key(tmp_path: Path) -> None:
    cache = CompiledCache(tmp_path)
    key = key_of(["data v1"])
    assert cache.get("edition:x", key, lambda: {"title": "first"}) == {"title": "first"}
    assert cache.get("edition:x", key, _never) == {"title": "first"}
    # another key (the file changed) rebuilds and replaces the entry: one file per name
    other = key_of(["data v2"])
    assert cache.get("edition:x", other, lambda: {"title": "second"}) == {"title": "second"}
    assert cache.get("edition:x", other, _never) == {"title": "second"}
    assert len(list(tmp_path.glob("*.pickle"))) == 1


def test_keys_depend_on_every_part_and_its_boundaries() -> None:
    assert key_of(["ab", "c"]) != key_of(["a", "bc"])
    assert key_of([b"x"]) == key_of(["x"])
    assert key_of(["x"]) != key_of(["y"])


def test_a_corrupt_or_foreign_entry_is_rebuilt(tmp_path: Path) -> None:
    cache = CompiledCache(tmp_path)
    key = key_of(["k"])
    cache.get("codebook:c", key, lambda: 1)
    entry = next(tmp_path.glob("*.pickle"))
    entry.write_bytes(b"\x80\x05not a pickle at all")
    assert cache.get("codebook:c", key, lambda: 2) == 2
    entry.write_bytes(pickle.dumps(("another key", 3)))
    assert cache.get("codebook:c", key, lambda: 4) == 4


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    cache = CompiledCache(blocked / "multivector")
    assert cache.get("vectors:v", key_of(["k"]), lambda: "built") == "built"
    kb = KnowledgeBase(cache=cache)
    assert kb.edition("kaz/2020-2030").id == "kaz/2020-2030"


def test_the_cache_can_be_turned_off_or_moved(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setenv("MULTIVECTOR_CACHE_DIR", "off")
    assert cache_dir() is None
    monkeypatch.setenv("MULTIVECTOR_CACHE_DIR", str(tmp_path / "here"))
    assert cache_dir() == tmp_path / "here"
    monkeypatch.delenv("MULTIVECTOR_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "multivector"


def test_a_changed_edition_file_is_read_again(
    tmp_path: Path, edition_data: Any, write_yaml: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mine"
    path = write_yaml("mine/tst/2001-2010.yaml", edition_data())
    monkeypatch.setenv("MULTIVECTOR_EDITIONS", str(folder))
    cache = CompiledCache(tmp_path / "cache")
    assert KnowledgeBase(cache=cache).edition("tst/2001-2010").title == "Test concept 2001-2010"
    assert any((tmp_path / "cache").iterdir())
    write_yaml("mine/tst/2001-2010.yaml", edition_data(title="Renamed in the file"))
    assert path.exists()
    assert KnowledgeBase(cache=cache).edition("tst/2001-2010").title == "Renamed in the file"
    # an edition that became invalid is reported with its line, cache or not
    write_yaml("mine/tst/2001-2010.yaml", edition_data(elements=[{"id": "x"}]))
    with pytest.raises(ValidationError, match=r"2001-2010.yaml:\d+"):
        KnowledgeBase(cache=cache).edition("tst/2001-2010")


def test_edition_ids_are_case_insensitive() -> None:
    kb = KnowledgeBase(cache=CompiledCache(None))
    assert kb.edition("KAZ/2020-2030").id == "kaz/2020-2030"
    with pytest.raises(NotFoundError, match="did you mean kaz/2014-2020, kaz/2020-2030"):
        kb.edition("KAZ/2020")


def test_a_supersedes_cycle_among_editions_is_refused(
    tmp_path: Path, edition_data: Any, write_yaml: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_yaml("eds/tst/a.yaml", edition_data(id="tst/a", supersedes="tst/b"))
    write_yaml("eds/tst/b.yaml", edition_data(id="tst/b", supersedes="tst/a"))
    monkeypatch.setenv("MULTIVECTOR_EDITIONS", str(tmp_path / "eds"))
    kb = KnowledgeBase(cache=CompiledCache(tmp_path / "cache"))
    assert kb.edition("tst/a").supersedes == "tst/b"  # each file alone is valid
    with pytest.raises(ValidationError, match="supersedes"):
        kb.editions()
