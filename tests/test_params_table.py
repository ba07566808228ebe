"""The parameter table is generated from the schema and cannot drift from it.

``docs/parameters.md`` is rendered by :mod:`sim.docs.params_table` from the field
metadata of :mod:`sim.schema` and the world files; these tests walk the schema
on their own (not through the module under test), so a numeric field the
generator missed, a stale committed table, or a default outside its own range
fails here.
"""

from __future__ import annotations

import dataclasses
import types
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

import pytest

from sim.config.schema import ScamsimConfig
from sim.docs import params_table

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "docs" / "parameters.md"


def _is_numeric(tp: Any) -> bool:
    """int or float (optionally ``| None``), but not bool."""
    if get_origin(tp) in (Union, types.UnionType):
        return any(_is_numeric(a) for a in get_args(tp) if a is not type(None))
    return tp in (int, float)


def numeric_keys(cls: type = ScamsimConfig, prefix: str = "") -> set[str]:
    """Dotted keys of every numeric field, found independently of sim.docs.params_table."""
    keys: set[str] = set()
    hints = get_type_hints(cls)
    for f in dataclasses.fields(cls):
        tp, key = hints[f.name], prefix + f.name
        inner = get_args(tp)[-1] if get_origin(tp) in (dict, list) and get_args(tp) else None
        if dataclasses.is_dataclass(tp):
            keys |= numeric_keys(tp, key + ".")
        elif inner is not None and dataclasses.is_dataclass(inner):
            keys |= numeric_keys(inner, key + ".*.")
        elif _is_numeric(tp) or "range" in f.metadata:
            keys.add(key)
    return keys


@pytest.fixture(scope="module")
def rendered() -> str:
    return params_table.render()


def test_every_numeric_field_is_in_the_table(rendered: str) -> None:
    expected = numeric_keys()
    assert len(expected) > 80  # the walk really went through the nested sections
    rows = {r.key: r for r in params_table.rows()}
    assert not expected - rows.keys(), f"numeric fields missing from the table: {sorted(expected - rows.keys())}"
    for key in expected:
        assert f"| `{key}` |" in rendered, f"{key} is not a row of the rendered Markdown"
        row = rows[key]
        if row.bounds is not None:  # every ranged field carries its unit and provenance
            assert row.unit and row.source


def test_committed_table_is_the_generated_one(rendered: str) -> None:
    assert COMMITTED.is_file(), "docs/parameters.md is missing: run python -m sim.docs.params_table --out docs/parameters.md"
    assert COMMITTED.read_text() == rendered, (
        "docs/parameters.md differs from the schema and configs: run python -m sim.docs.params_table --out docs/parameters.md"
    )


def test_defaults_lie_in_their_ranges() -> None:
    for row in params_table.rows():
        if row.bounds is not None:
            lo, hi = row.bounds
            assert isinstance(row.default, (int, float)) and not isinstance(row.default, bool), row.key
            assert lo <= row.default <= hi, f"{row.key}: default {row.default} outside [{lo}, {hi}]"
        elif row.key in params_table.CHOICES:
            assert row.default in params_table.CHOICES[row.key], row.key
        elif row.unit == "switch":
            assert row.default in (True, False), row.key


def test_hand_written_annotations_name_real_keys() -> None:
    """REASONS, CHOICES and CONSTRAINTS must not keep notes for keys the schema no longer has."""
    keys = {r.key for r in params_table.rows()}
    for table in (params_table.REASONS, params_table.CHOICES, params_table.CONSTRAINTS):
        assert not table.keys() - keys, sorted(table.keys() - keys)
    assumed = {r.key for r in params_table.rows() if r.source.startswith("assumed")}
    assert params_table.REASONS.keys() <= assumed  # reasons only complete an "assumed" source


def test_every_world_file_is_listed(rendered: str) -> None:
    worlds = sorted(p.stem for p in (ROOT / "configs" / "world").glob("*.yaml"))
    assert worlds and params_table.world_names() == worlds
    for name in worlds:
        assert f"### `{name}` (`configs/world/{name}.yaml`)" in rendered


def test_main_writes_the_file(tmp_path: Path, rendered: str) -> None:
    out = tmp_path / "docs" / "parameters.md"
    params_table.main(["--out", str(out)])
    assert out.read_text() == rendered
