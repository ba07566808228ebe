"""The two files a calibration writes for the calibrated world, apart because they are config, not results.

World-level keys (``raids.*``) go to ``configs/posterior/<name>.yaml``, added
to a run with ``+posterior=<name>``; a scenario's campaign keys
(``scenario.campaigns.*``) go to ``configs/calibrated/<scenario>.yaml``,
which the scenario itself includes, so every scenario built on it runs the
calibrated wave.  Both are written atomically and say where they came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.runs.atomic import atomic_write
from sim.runs.calibration_report import SCRIPT

__all__ = ["write_campaign_overlay", "write_world_overlay"]


def write_world_overlay(path: Path, name: str, values: Mapping[str, float], record: Mapping[str, Any]) -> Path:
    """The calibrated world-level values (every key not under ``scenario.``): the config group ``+posterior=<name>``."""
    lines = [
        "# @package _global_",
        "# " + "-" * 75,
        f"# The calibrated world-level parameters: the best-fitting posterior particle of the {record['method']} calibration",
        f"# to the July 2025 wave ({record['generations']} generations of {record['particles']} particles; results/calibration.json),",
        f"# written by `python {SCRIPT}`; do not edit by hand.  Add to any run with +posterior={name}.",
        "# Only the world-level parameters are here; the wave's own campaigns are in configs/calibrated/.",
        "# " + "-" * 75,
    ]
    sections: dict[str, list[str]] = {}
    for k, v in values.items():
        if not k.startswith("scenario."):
            section, rest = k.split(".", 1)
            sections.setdefault(section, []).append(f"  {rest}: {v:.6g}")
    for section, entries in sections.items():
        lines += [f"{section}:", *entries]
    return atomic_write(path, "\n".join(lines) + "\n")


def write_campaign_overlay(path: Path, scenario: str, values: Mapping[str, float], record: Mapping[str, Any]) -> Path:
    """The calibrated campaign values of ``scenario`` (its ``scenario.campaigns.*`` keys), which the scenario includes."""
    camp: dict[str, dict[str, float]] = {}
    for k, v in values.items():
        if k.startswith("scenario.campaigns."):
            name, field = k.removeprefix("scenario.campaigns.").split(".", 1)
            camp.setdefault(name, {})[field] = v
    lines = [
        f"# The calibrated campaign values of scenario {scenario} (package: the scenario, which includes this file).",
        f"# The best-fitting posterior particle of the {record['method']} calibration ({record['generations']} generations of "
        f"{record['particles']} particles;",
        f"# results/calibration.json), written by `python {SCRIPT}`; do not edit by hand.",
        "campaigns:",
    ]
    for name, fields in camp.items():
        lines.append(f"  {name}:")
        lines += [f"    {field}: {v:.6g}" for field, v in fields.items()]
    return atomic_write(path, "\n".join(lines) + "\n")
