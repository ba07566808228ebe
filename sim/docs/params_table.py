"""The parameter table, generated from the config schema so it cannot drift from the code.

Why generated: :mod:`sim.config.schema` already holds every parameter's default,
unit, allowed range and source in its field metadata, and :mod:`sim.validate`
enforces those ranges before every run.  A hand-written table would be a
second copy that silently goes stale; this module renders the one copy there
is, and ``tests/test_params_table.py`` fails when the committed
``docs/parameters.md`` differs from a fresh rendering.

Where the schema's source is only "assumed", the table says "assumed" and adds
a reason only where a code or config comment states one (:data:`REASONS`,
each naming its file); it never invents a source.  Per-site and per-protector
values are not schema defaults: they live in ``configs/world/*.yaml`` and are
listed per world, composed through Hydra exactly as a run composes them.

    python -m sim.docs.params_table                           # print the Markdown
    python -m sim.docs.params_table --out docs/parameters.md  # regenerate the committed table
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import functools
import inspect
import io
import tokenize
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from omegaconf import MISSING

from sim.config.checks import BOSS_ACTIONS, RANKS, TARGETING
from sim.config.schema import ScamsimConfig
from sim.docs.world_listing import fmt, interval, table, world_names, world_section

ANY = "*"  # stands for any named entry (site, protector, campaign, ...) or list item in a key path
RUN = "run"  # section of the top-level scalar fields (seed, horizon, ...)
COMMAND = "python -m sim.docs.params_table --out docs/parameters.md"

#: Text fields that take one of a fixed set of values, as :mod:`sim.validate` checks them.
CHOICES: dict[str, tuple[str, ...]] = {
    "world.protectors.*.rank": RANKS,
    "scenario.campaigns.*.targeting": TARGETING,
    "scenario.boss_actions.*.action": BOSS_ACTIONS,
}

#: Further constraints that :mod:`sim.validate` checks beyond a field's own range.
CONSTRAINTS: dict[str, str] = {
    "replications": 'a whole number in [1, 100,000], or "auto"',
    "horizon_days": ">= intervention_day + 31",
    "world.sites.*.compounds": "<= room",
    "world.sites.*.workers": ">= compounds, 0 if compounds is 0",
    "world.sites.*.bosses": ">= 1 if the site has compounds",
    "world.protectors.*.sites": "site names of the world",
    "raids.warning_base": "<= warning_max",
    "raids.flee_share_warned": "evacuate_share_warned + flee_share_warned <= 1",
    "repatriation.fled_home_prob_daily": "fled_report + fled_retraffic + fled_home <= 1",
    "precision.metric": "a column of summary.csv",
    "precision.max_replications": ">= min_replications",
    "scenario.campaigns.*.day": "intervention_day + day within the horizon",
    "scenario.campaigns.*.country": "a country of the world's sites",
    "scenario.campaigns.*.sites": "site names of the world",
    "scenario.cuts.*.day": "intervention_day + day within the horizon",
    "scenario.cuts.*.end_day": "after day, within the horizon; none = never",
    "scenario.cuts.*.by": "a country the world knows",
    "scenario.cuts.*.sites": "at least one site name of the world",
    "scenario.protector_removals.*.protector": "a protector of the world",
    "scenario.protector_removals.*.day": "intervention_day + day within the horizon",
    "scenario.boss_actions.*.boss": "`<site>-boss-<k>`",
    "scenario.boss_actions.*.day": "intervention_day + day within the horizon",
    "scenario.border_closures.*.countries": "two different countries the world knows",
    "scenario.border_closures.*.day": "intervention_day + day within the horizon",
    "scenario.border_closures.*.end_day": "after day, within the horizon; none = never",
}

#: Reasons given in code or config comments for defaults whose schema source is only "assumed".
REASONS: dict[str, str] = {
    "seed": "the date of the directive, 16 July 2025 (configs/config.yaml)",
    "horizon_days": "intervention_day + two years to see recovery (configs/config.yaml)",
    "scenario.campaigns.*.ramp_days": "a campaign builds up over a week (crackdown_2025's directive campaign: three days)",
    "scenario.campaigns.*.hold_days": "the July 2025 directive's raids hold for three weeks (configs/scenario/crackdown_2025.yaml)",
    "protection.strength_scale": "1 keeps the world's strengths (sim/config/schema.py comment)",
}


@dataclass(frozen=True)
class Row:
    """One parameter: its dotted key, schema default, unit, allowed values and provenance."""

    key: str
    default: Any
    unit: str
    bounds: tuple[float, float] | None  # closed numeric range from the schema, None for non-numeric fields
    allowed: str
    source: str
    note: str

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0] if "." in self.key else RUN


# --------------------------------------------------------------------------- walking the schema


def rows(cls: type = ScamsimConfig, prefix: str = "") -> list[Row]:
    """Every leaf field of the schema, depth first in declaration order; dict and list entries become ``*``."""
    out: list[Row] = []
    hints = get_type_hints(cls)
    notes = _field_comments(cls)
    for f in dataclasses.fields(cls):
        key = prefix + f.name
        child, many = _nested(hints[f.name])
        if child is not None:
            out += rows(child, f"{key}.{ANY}." if many else f"{key}.")
        else:
            out.append(_row(key, f, hints[f.name], notes.get(f.name, "")))
    return out


def _nested(tp: Any) -> tuple[Any, bool]:
    """The dataclass a field holds (directly, or as the values of a dict or items of a list)."""
    if dataclasses.is_dataclass(tp):
        return tp, False
    args = get_args(tp)
    if get_origin(tp) in (dict, list) and args and dataclasses.is_dataclass(args[-1]):
        return args[-1], True
    return None, False


def _row(key: str, f: dataclasses.Field, tp: Any, note: str) -> Row:
    default = _default(f)
    meta = f.metadata
    if "range" in meta:
        lo, hi = (float(x) for x in meta["range"])
        allowed = interval(lo, hi)
        if key in CONSTRAINTS:
            allowed += "; " + CONSTRAINTS[key]
        return Row(key, default, meta["unit"], (lo, hi), allowed, _source(key, meta["source"]), note)
    if key in CHOICES:
        allowed = ", ".join(CHOICES[key])
        note = "" if note == " | ".join(CHOICES[key]) else note  # the comment only lists the choices
    elif tp is bool:
        allowed = "true, false"
    else:
        allowed = CONSTRAINTS.get(key, "")
    return Row(key, default, _type_name(tp), None, allowed, "—", note)


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return MISSING


def _source(key: str, source: str) -> str:
    if source == "assumed" and key in REASONS:
        return f"assumed: {REASONS[key]}"
    return source


def _type_name(tp: Any) -> str:
    if tp is bool:
        return "switch"
    if tp is str:
        return "text"
    if get_origin(tp) is list:
        return "list of names"
    if get_origin(tp) in (Union, types.UnionType) and type(None) in get_args(tp):
        return "day after intervention start, or none"
    return "count or text"


@functools.cache
def _field_comments(cls: type) -> dict[str, str]:
    """The comments written beside, or on the lines just above, each field in the schema source."""
    lines, _ = inspect.getsourcelines(cls)
    source = "".join(lines)
    comments = {
        tok.start[0]: tok.string.lstrip("#").strip()
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.COMMENT
    }
    out: dict[str, str] = {}
    for node in ast.parse(source).body[0].body:  # type: ignore[attr-defined]
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            continue
        above: list[str] = []
        line = node.lineno - 1
        while line in comments and lines[line - 1].lstrip().startswith("#"):
            above.insert(0, comments[line])
            line -= 1
        beside = [comments[n] for n in range(node.lineno, (node.end_lineno or node.lineno) + 1) if n in comments]
        if above or beside:
            out[node.target.id] = " ".join(above + beside)
    return out


def _docstring(cls: type) -> str:
    """A dataclass's own docstring (not the signature dataclasses writes when there is none)."""
    doc = cls.__doc__ or ""
    return "" if doc.startswith(cls.__name__ + "(") else inspect.cleandoc(doc).split("\n\n")[0].replace("\n", " ")


def _section_classes() -> dict[str, type]:
    hints = get_type_hints(ScamsimConfig)
    return {f.name: hints[f.name] for f in dataclasses.fields(ScamsimConfig) if dataclasses.is_dataclass(hints[f.name])}


def _composed_overrides(all_rows: list[Row]) -> dict[str, Any]:
    """Schema defaults that the default composition (configs/config.yaml, its world and scenario) changes."""
    from sim.config.compose import compose

    config = compose([])
    out = {}
    for row in all_rows:
        if ANY in row.key or row.section in ("world", "scenario"):
            continue  # per-entry placeholders, and the world and scenario files (listed separately)
        value = functools.reduce(getattr, row.key.split("."), config)
        if value != row.default:
            out[row.key] = value
    return out


def render() -> str:
    """The whole Markdown document (deterministic: no dates, no paths of this machine)."""
    all_rows = rows()
    changed = _composed_overrides(all_rows)
    classes = _section_classes()
    lines = [
        "# Model parameters",
        "",
        f"<!-- Generated by `{COMMAND}` from sim/config/schema.py and configs/world/*.yaml. Do not edit by hand. -->",
        "",
        "**Generated from `sim/config/schema.py` (and, for the per-world values, `configs/world/*.yaml`); do not edit by hand.**",
        f"Change the schema or the configs and run `{COMMAND}`; `tests/test_params_table.py` fails",
        "when this file differs from a fresh rendering.  The model description is `docs/ODD.md`.",
        "",
        "- **key**: the dotted path, as written in a Hydra override (`python -m sim raids.warning_max=0.9`);",
        f"  `{ANY}` stands for any named entry (site, protector, nationality, campaign, cut) or list item.",
        "- **default**: the schema's default.  Defaults of `*` fields are placeholders for what a world or scenario",
        "  file leaves out: the values in use are in the world listings below and in `configs/scenario/*.yaml`.",
        "- **range**: the closed interval `sim.validate` enforces before a run (a value outside stops the run),",
        "  plus the cross-field checks it makes.",
        '- **source**: the [docs/sources.md](sources.md) entry (or other reasoning) the default rests on, or "assumed"; an assumed default',
        "  carries a reason only where a code or config comment gives one.",
        "- **note**: the schema's own comment on the field.",
        "",
    ]
    if changed:
        lines += ["Set differently by the default composition (`configs/config.yaml`): "]
        lines += [", ".join(f"`{k}` = {fmt(v)}" for k, v in changed.items()), ""]
    order = [RUN, *classes]
    header = ["key", "default", "unit", "range", "source", "note"]
    for section in order:
        body = [[f"`{r.key}`", fmt(r.default), r.unit, r.allowed, r.source, r.note] for r in all_rows if r.section == section]
        if not body:
            continue
        lines += [f"## `{section}`" if section != RUN else "## Run control (top-level keys)", ""]
        doc = _docstring(classes[section]) if section in classes else ""
        if doc:
            lines += [doc, ""]
        lines += table(header, body)
    lines += [
        "## Worlds: per-site and per-protector values",
        "",
        "Each world file sets its sites, protectors and nationality mix (the `world.sites.*`, `world.protectors.*`",
        'and `world.nationalities.*` keys above); listed here as `sim.compose(["world=<name>"])` composes them.',
        "Protector strengths are as configured; the model uses `1 - (1 - s) ** protection.strength_scale`.",
        "",
    ]
    world_defaults = {
        r.key.split(".")[1]: r.default for r in all_rows if r.section == "world" and ANY not in r.key and r.key != "world.name"
    }
    for name in world_names():
        lines += world_section(name, world_defaults)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sim.docs.params_table", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write the Markdown here (e.g. docs/parameters.md) instead of printing it")
    args = parser.parse_args(argv)
    text = render()
    if args.out is None:
        print(text, end="")
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
