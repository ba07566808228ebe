"""What a user can run: worlds, scenarios, config sections and parameters, as text for a terminal.

Read from the same files a run composes (``configs/``) and from the schema's
field metadata (:mod:`sim.docs.params_table`), so the help cannot drift from
the code.  :func:`help_text` is ``python -m sim --help``; :func:`listing` is
``python -m sim.list``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import textwrap
from pathlib import Path
from typing import Any, get_type_hints

from omegaconf import DictConfig, OmegaConf

from sim.config.paths import config_dir
from sim.config.schema import ScamsimConfig
from sim.docs.params_table import ANY, COMMAND, Row, rows
from sim.docs.world_listing import fmt

PARAMETERS_DOC = "docs/parameters.md"
WIDTH = 100

__all__ = ["help_text", "listing", "parameter_lines", "scenarios", "sections", "worlds"]


@dataclasses.dataclass(frozen=True)
class Option:
    """One option of a config group: its name, a one-line description and a few numbers."""

    name: str
    description: str
    facts: str = ""


def _comment_header(path: Path) -> str:
    """The comment block a YAML file opens with, as one paragraph (``# @package`` lines and rules skipped)."""
    words: list[str] = []
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        text = line.lstrip("#").strip()
        if text.startswith("@package") or set(text) <= {"-", "="}:
            continue
        words.append(text)
    return " ".join(words)


def _first_sentence(text: str, limit: int = 170) -> str:
    """Up to the first full stop, cut at a word boundary past ``limit`` characters."""
    found = re.search(r"^(.+?)\.(\s|$)", text)
    sentence = found.group(1) if found else text
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:(") + " ..."
    return sentence


def worlds() -> list[Option]:
    """The ``world`` group: each file's opening comment, and its sites, compounds and workers."""
    out = []
    for path in sorted((config_dir() / "world").glob("*.yaml")):
        node = OmegaConf.load(path)
        sites = (node.get("sites") if isinstance(node, DictConfig) else None) or {}
        compounds = sum(int(s.get("compounds", 0)) for s in sites.values())
        workers = sum(int(s.get("workers", 0)) for s in sites.values())
        facts = f"{len(sites)} sites, {compounds} compounds, {workers:,} workers"
        out.append(Option(path.stem, _first_sentence(_comment_header(path)), facts))
    return out


def scenarios() -> list[Option]:
    """The ``scenario`` group: each file's ``description``, and the opening comment's first sentence."""
    out = []
    for path in sorted((config_dir() / "scenario").glob("*.yaml")):
        node = OmegaConf.load(path)
        description = str(node.get("description", "")) if isinstance(node, DictConfig) else ""
        out.append(
            Option(path.stem, description or _first_sentence(_comment_header(path)), _first_sentence(_comment_header(path)))
        )
    return out


def _group(name: str) -> list[str]:
    folder = config_dir() / name
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def sections() -> list[Option]:
    """The config sections (one dataclass each) and the top-level run keys."""
    hints = get_type_hints(ScamsimConfig)
    out = []
    for f in dataclasses.fields(ScamsimConfig):
        tp = hints[f.name]
        if not (isinstance(tp, type) and dataclasses.is_dataclass(tp)):
            continue
        names = [g.name for g in dataclasses.fields(tp)]
        doc = (tp.__doc__ or "").strip()
        doc = "" if doc.startswith(tp.__name__ + "(") else " ".join(doc.split("\n\n")[0].split()).replace("``", "")
        keys = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
        out.append(Option(f.name, doc, f"{len(names)} keys: {keys}"))
    top = [f.name for f in dataclasses.fields(ScamsimConfig) if not dataclasses.is_dataclass(hints[f.name])]
    out.append(Option("(top level)", "run control", ", ".join(top)))
    return out


def _options(items: list[Option], with_facts: bool = True) -> list[str]:
    width = max((len(o.name) for o in items), default=0) + 2
    lines = []
    for o in items:
        facts = o.facts if with_facts and o.facts != o.description else ""
        text = f"{o.description} ({facts})" if o.description and facts else o.description or facts
        wrapped = textwrap.wrap(text, WIDTH - width - 2) or [""]
        lines.append(f"  {o.name:<{width}}{wrapped[0]}")
        lines += [" " * (width + 2) + more for more in wrapped[1:]]
    return lines


def help_text() -> str:
    """``python -m sim --help``: how to run, the worlds and scenarios, the sections, where the parameters are."""
    lines = [
        "scamsim: a discrete-event simulation of scam-compound networks under crackdowns (SimPy + Hydra).",
        "",
        "usage: python -m sim [key=value ...]             one study: replications of one config",
        "       python -m sim -m key=a,b [key=value ...]  a sweep (Hydra multirun), one job per point",
        "       python -m sim --cfg job [key=value ...]   print the composed config without running",
        "",
        "examples:",
        "  python -m sim world=small scenario=baseline replications=20 seed=7",
        "  python -m sim raids.warning_max=0.5 protection.replacement=false",
        "  python -m sim -m scenario=baseline,crackdown_2025 world=small hydra/launcher=joblib",
        "",
        "worlds (world=<name>; default cambodia):",
        *_options(worlds()),
        "",
        "scenarios (scenario=<name>; default crackdown_2025):",
        *_options(scenarios(), with_facts=False),
        "",
    ]
    for group, how in (("teaching", "+teaching=<name>"), ("experiment", "+experiment=<name>")):
        names = _group(group)
        if names:
            lines += [*textwrap.wrap(f"{group} configs ({how}): {', '.join(names)}", WIDTH, subsequent_indent="  "), ""]
    lines += [
        "config sections (override any key as section.key=value):",
        *_options(sections()),
        "",
        f"parameters: every key with its default, unit, allowed range and source is in {PARAMETERS_DOC}",
        f"  (generated by `{COMMAND}`);",
        "  `python -m sim.list` prints them here.",
        "  A value outside its range stops the run before it starts, with one line naming the key.",
        "",
        "output: outputs/<scenario>/<world>/<date_time>/ (hydra.run.dir=<dir> to choose): timeseries.csv,",
        "  events.csv, summary.csv, summary.json, revenue_by_site.png, and status.json (written last).",
        "",
        "explorer: scamsim explore [--port 8765] (or python -m sim.explore) serves an interactive page",
        '  over the model in the browser (needs the explore extra: pip install -e ".[explore]").',
        "",
        "more: python -m sim --hydra-help (Hydra's own flags and options), README.md.",
    ]
    return "\n".join(lines)


def _in_use() -> dict[str, Any]:
    """Values the default composition gives top-level and mechanism keys (where they differ from the schema)."""
    from sim.config.compose import compose

    config = compose([])
    out = {}
    for row in rows():
        if ANY in row.key or row.section in ("world", "scenario"):
            continue
        try:
            out[row.key] = functools.reduce(getattr, row.key.split("."), config)
        except AttributeError:
            continue
    return out


def parameter_lines(prefix: str = "") -> list[str]:
    """One line per parameter whose key starts with ``prefix``: key, default, unit and allowed values."""
    selected: list[Row] = [r for r in rows() if r.key.startswith(prefix)]
    in_use = _in_use()
    body = []
    for r in selected:
        default = in_use.get(r.key, r.default)
        body.append((r.key, fmt(default).replace("`", ""), r.unit, r.allowed or "—"))
    if not body:
        return [f"no parameter key starts with {prefix!r}"]
    widths = [max(len(col) for col in column) for column in zip(("key", "default", "unit", "allowed"), *body, strict=False)]
    head = ("key", "default", "unit", "allowed")
    out = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip()]
    out += ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in body]
    return out


def listing(what: str = "all", prefix: str = "") -> str:
    """``python -m sim.list``: worlds, scenarios and parameters with units and ranges."""
    lines: list[str] = []
    if what in ("all", "worlds"):
        lines += ["worlds (world=<name>):", *_options(worlds()), ""]
    if what in ("all", "scenarios"):
        lines += ["scenarios (scenario=<name>):"]
        for o in scenarios():
            lines += _options([Option(o.name, o.description)], with_facts=False)
            if o.facts and o.facts != o.description:
                lines += textwrap.wrap(o.facts, WIDTH, initial_indent=" " * 6, subsequent_indent=" " * 6)
        lines += [""]
    if what in ("all", "parameters"):
        title = f"parameters{f' ({prefix}*)' if prefix else ''} ({PARAMETERS_DOC} has sources and notes):"
        lines += [title, *parameter_lines(prefix), ""]
    return "\n".join(lines).rstrip()
