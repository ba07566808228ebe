"""What each section of the verdict was rendered from: its result files, derived values and the files' age.

A section of ``verdict.md`` (:class:`Section`) names the result files it
reads and records every value it derives from them (a count of cells, a
difference of two columns) or takes from the code (a threshold), with the
rule that made it.  ``experiments/verdict.py`` writes these records to
``results/verdict_derived.json`` before it renders, so every number of the
verdict is a formatter applied to a value of a file under ``results/``, and
the test can check it section by section.

:func:`model_age` says which result files were made on the model with the
calibrated world (issue 12) and which before it, from the commit
their sidecar records.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CALIBRATED_COMMIT", "MADE_WITH_THE_CALIBRATION", "PRODUCER", "Section", "model_age"]

#: The commit from which every results study runs the current calibrated world (the two-campaign July 2025 wave).
CALIBRATED_COMMIT = "1341abd"
#: Result files made by the calibration run itself, which writes the calibrated world (its overlays) and measures
#: it in the same run: they count as calibrated from the commit that run started at (its sidecar's ``git_commit``),
#: the parent of the commit that recorded its output.
MADE_WITH_THE_CALIBRATION: dict[str, str] = {"calibration_fit.json": "1306fc0"}
#: Result file -> (the file recording the commit that made it, the keys down to that commit).
PRODUCER: dict[str, tuple[str, tuple[str, ...]]] = {
    "scenarios.csv": ("fig1_revenue_by_scenario.json", ("git_commit",)),
    "region.json": ("region.json", ("meta", "git_commit")),
    "claim.csv": ("fig6_claim.json", ("git_commit",)),
    "phase.csv": ("fig4_phase.json", ("git_commit",)),
    "calibration_fit.json": ("calibration.json", ("git_commit",)),
    "validation_data.json": ("validation.json", ("git_commit",)),
    "targeting.json": ("targeting.json", ("meta", "git_commit")),
    "uncertainty.json": ("uncertainty.json", ("git_commit",)),
    "discovery.json": ("discovery.json", ("git_commit",)),
    "sensitivity.json": ("sensitivity.json", ("git_commit",)),
}


@dataclass
class Section:
    """One section of the verdict: its heading, the result files it reads and the values it derives."""

    heading: str  # the section's "## " line ("" for the title and preamble)
    sources: list[str]  # paths relative to the repository root
    derived: dict[str, dict[str, Any]] = field(default_factory=dict)
    numbers: list[list[Any]] = field(default_factory=list)  # [formatter, value, text] of every number written, in order

    def put(self, name: str, value: float, rule: str) -> float:
        """Record a derived value under ``name`` with the rule that made it, and return it for formatting."""
        if name in self.derived and self.derived[name]["value"] != value:
            raise ValueError(f"{self.heading!r}: derived value {name!r} recorded twice with different values")
        self.derived[name] = {"value": value, "rule": rule}
        return value

    def record(self) -> dict[str, Any]:
        return {"heading": self.heading, "sources": self.sources, "derived": self.derived, "numbers": self.numbers}


def _is_ancestor(old: str, new: str, root: Path) -> bool | None:
    """Whether commit ``old`` is an ancestor of ``new``; None when git cannot tell (no checkout, unknown commit)."""
    try:
        proc = subprocess.run(
            ["git", "merge-base", "--is-ancestor", old, new], cwd=root, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return {0: True, 1: False}.get(proc.returncode)


def _commit(results: Path, name: str) -> str | None:
    producer, keys = PRODUCER[name]
    path = results / producer
    if not path.exists():
        return None
    node: Any = json.loads(path.read_text())
    for k in keys:
        node = node.get(k) if isinstance(node, Mapping) else None
    return node if isinstance(node, str) and node != "unknown" else None


def model_age(results: Path, root: Path) -> dict[str, str]:
    """Result file -> ``calibrated`` (made on the calibrated world), ``before`` or ``unknown``."""
    out = {}
    for name in PRODUCER:
        commit = _commit(results, name)
        ok = _is_ancestor(MADE_WITH_THE_CALIBRATION.get(name, CALIBRATED_COMMIT), commit, root) if commit else None
        out[name] = "unknown" if ok is None else "calibrated" if ok else "before"
    return out
