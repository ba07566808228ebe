"""Per-world listings for the parameter table, and the Markdown helpers both use.

Sites, protectors and nationality mixes are not schema defaults: they live in
``configs/world/*.yaml``.  This module lists them as a run composes them
(``sim.compose(["world=<name>"])``), with the file's own comments, so the
generated ``docs/parameters.md`` shows the values actually in use.
"""

from __future__ import annotations

import math
from typing import Any

from omegaconf import MISSING

from sim.config.paths import config_dir


def fmt(value: Any) -> str:
    """A value as the table shows it: USD-sized floats with thousands separators, inf as ∞."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if math.isinf(value):
            return "∞" if value > 0 else "-∞"
        return f"{value:,.0f}" if value.is_integer() else f"{value:.6g}"
    if isinstance(value, str):
        return "(required)" if value == MISSING else f"`{value}`" if value else '`""`'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def interval(lo: float, hi: float) -> str:
    return ("(" if math.isinf(lo) else "[") + f"{fmt(lo)}, {fmt(hi)}" + (")" if math.isinf(hi) else "]")


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(header: list[str], body: list[list[str]]) -> list[str]:
    head = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return [*head, *("| " + " | ".join(cell(c) for c in line) + " |" for line in body), ""]


def world_names() -> list[str]:
    return sorted(p.stem for p in (config_dir() / "world").glob("*.yaml"))


def world_section(name: str, defaults: dict[str, Any]) -> list[str]:
    """Sites, protectors, nationalities and world-level overrides of one world file.

    ``defaults`` maps world-level field names (``compound_size_sigma``, ...) to
    their schema defaults, so only the values a file changes are listed.
    """
    from sim.config.compose import compose

    world = compose([f"world={name}"]).world
    path = config_dir() / "world" / f"{name}.yaml"
    lines = [f"### `{name}` (`configs/world/{name}.yaml`)", ""]
    comments = [ln.strip().lstrip("#").strip() for ln in path.read_text().splitlines() if ln.strip().startswith("#")]
    if comments:
        lines += ["From the file's comments:", "", *(f"> {c}".replace("<", "\\<") for c in comments), ""]
    sites = world.sites.values()
    body = [
        [
            f"`{n}`",
            s.country,
            str(s.compounds),
            f"{s.workers:,}",
            str(s.bosses),
            str(s.room),
            s.grid_supplier or f"{s.country} (own)",
            fmt(s.base_pressure),
            fmt(s.attractiveness),
            f"{s.lat:.2f}, {s.lon:.2f}",
        ]
        for n, s in world.sites.items()
    ]
    body.append(
        [
            "**total**",
            "",
            str(sum(s.compounds for s in sites)),
            f"{sum(s.workers for s in sites):,}",
            str(sum(s.bosses for s in sites)),
            str(sum(s.room for s in sites)),
            "",
            "",
            "",
            "",
        ]
    )
    header = [
        "site",
        "country",
        "compounds",
        "workers",
        "bosses",
        "room",
        "grid supplier",
        "base pressure",
        "attractiveness",
        "lat, lon",
    ]
    lines += ["Sites:", "", *table(header, body)]
    countries = dict.fromkeys(s.country for s in sites)
    by_country = "; ".join(
        f"{c} {sum(s.compounds for s in sites if s.country == c)} compounds, {sum(s.workers for s in sites if s.country == c):,} workers"
        for c in countries
    )
    lines += [f"By country: {by_country}.", ""]
    body = [[f"`{n}`", p.rank, ", ".join(p.sites), fmt(p.strength)] for n, p in world.protectors.items()]
    lines += ["Protectors:", "", *table(["protector", "rank", "sites", "strength"], body)]
    total = sum(n.weight for n in world.nationalities.values())
    mix = ", ".join(
        f"{n} {100 * c.weight / total:.1f}%" + (f" (overland via {c.entry_via})" if c.entry_via else "")
        for n, c in world.nationalities.items()
    )
    lines += [f"Nationalities ({len(world.nationalities)}, share of workers and recruits): {mix}.", ""]
    changed = [f"`world.{k}` = {fmt(getattr(world, k))}" for k, default in defaults.items() if getattr(world, k) != default]
    lines += ["World-level parameters: " + (", ".join(changed) if changed else "the schema defaults above") + ".", ""]
    return lines
