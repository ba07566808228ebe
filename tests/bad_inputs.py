"""Bad inputs for the CLI hardening harness (tests/test_hardening.py).

Each case is an id, the command-line arguments after ``python -m sim`` and a
fragment the one line on stderr must contain (the key or the problem).
``{tmp}`` in an argument is the case's scratch folder, where :func:`make_files`
writes the design files and config folders the cases point at; ``{run}`` is
the case's run folder.  Every case must be refused before anything is
simulated, so each takes about as long as Python and Hydra take to start.
"""

from __future__ import annotations

from pathlib import Path

#: What every case adds: the small world, a short horizon, no figure (and nothing to simulate if refused).
BASE = ["world=small", "scenario=baseline", "replications=1", "figure=false", "progress=false", "horizon_days=400"]

# (id, arguments, fragment of the one stderr line)
OVERRIDES = [
    ("probability-above-1", ["raids.warning_max=1.5"], "raids.warning_max=1.5"),
    ("text-for-float", ["raids.warning_max=abc"], "raids.warning_max='abc'"),
    ("nan", ["raids.warning_max=nan"], "raids.warning_max=nan"),
    ("inf", ["raids.arrest_capacity_mean=inf"], "raids.arrest_capacity_mean=inf"),
    ("arrest-capacity-1e308", ["raids.arrest_capacity_mean=1e308"], "raids.arrest_capacity_mean=1e+308"),
    (
        "peak-rate-1e308",
        ["scenario=crackdown_2025", "scenario.campaigns.july_2025.peak_raid_rate=1e308"],
        "peak_raid_rate=1e+308",
    ),
    ("peak-rate-above-max", ["scenario=crackdown_2025", "scenario.campaigns.july_2025.peak_raid_rate=101"], "peak_raid_rate=101"),
    ("horizon-1e9", ["horizon_days=1000000000"], "horizon_days=1000000000"),
    ("revenue-1e308", ["operations.revenue_per_worker_day=1e308"], "operations.revenue_per_worker_day=1e+308"),
    ("cost-1e308", ["operations.cost_per_worker_day=1e308"], "operations.cost_per_worker_day"),
    ("capital-1e300", ["world.boss_capital_usd=1e300"], "world.boss_capital_usd"),
    ("replications-zero", ["replications=0"], "replications=0"),
    ("replications-negative", ["replications=-3"], "replications=-3"),
    ("replications-text", ["replications=many"], "replications='many'"),
    ("replications-1e9", ["replications=1000000000"], "replications=1000000000"),
    ("seed-negative", ["seed=-1"], "seed=-1"),
    ("workers-negative", ["world.sites.poipet.workers=-5"], "world.sites.poipet.workers=-5"),
    ("compounds-above-room", ["world.sites.bavet.compounds=5"], "world.sites.bavet.compounds=5"),
    ("site-without-boss", ["world.sites.bavet.bosses=0"], "world.sites.bavet.bosses=0"),
    ("empty-sites", ["world.sites={}"], "world.sites={}"),
    ("empty-protectors", ["world.protectors={}"], "world.protectors={}"),
    ("empty-campaigns", ["scenario=crackdown_2025", "scenario.campaigns={}"], "scenario.campaigns={}"),
    ("typo-added-with-plus", ["+raids.warnng_max=0.5"], "raids.warnng_max"),
    ("unknown-top-level-added", ["+foo=1"], "foo=1"),
    ("typo-without-plus", ["raids.warnng_max=0.5"], "raids.warnng_max"),
    ("plus-on-existing-key", ["+raids.warning_max=0.5"], "raids.warning_max"),
    ("delete-world", ["~world"], "world"),
    ("delete-scenario", ["~scenario"], "scenario"),
    ("unknown-world", ["world=nope"], "world='nope'"),
    ("unknown-scenario", ["scenario=nope"], "scenario='nope'"),
    ("unknown-launcher", ["hydra/launcher=nope"], "nope"),
    ("campaign-day-outside-horizon", ["scenario=crackdown_2025", "scenario.campaigns.july_2025.day=2000"], "july_2025.day=2000"),
    ("campaign-unknown-site", ["scenario=crackdown_2025", "scenario.campaigns.july_2025.sites=[nowhere]"], "nowhere"),
    ("campaign-bad-targeting", ["scenario=crackdown_2025", "scenario.campaigns.july_2025.targeting=bogus"], "targeting"),
    ("warning-base-above-max", ["raids.warning_base=0.99"], "raids.warning_base"),
    ("precision-unknown-metric", ["replications=auto", "precision.metric=nope"], "precision.metric"),
    ("precision-max-below-2", ["precision.max_replications=1"], "precision.max_replications"),
    ("override-syntax", ["raids.warning_max=[1"], "override"),
    ("intervention-after-horizon", ["intervention_day=5000"], "horizon_days"),
    ("design-row-without-file", ["design.row=3"], "design.row=3"),
]

DESIGNS = [
    ("design-missing-file", ["design.file={tmp}/nope.csv", "design.row=0"], "design.file"),
    ("design-binary-file", ["design.file={tmp}/binary.csv", "design.row=0"], "binary"),
    (
        "design-duplicated-column",
        ["design.file={tmp}/duplicated.csv", "design.row=0"],
        "raids.warning_max appears more than once",
    ),
    ("design-unknown-column", ["design.file={tmp}/unknown.csv", "design.row=0"], "raids.warnng_max"),
    ("design-empty-file", ["design.file={tmp}/empty.csv", "design.row=0"], "empty"),
    ("design-text-for-float", ["design.file={tmp}/text.csv", "design.row=0"], "raids.warning_max"),
    ("design-row-out-of-range", ["design.file={tmp}/good.csv", "design.row=7"], "design.row=7"),
    ("design-short-row", ["design.file={tmp}/short.csv", "design.row=0"], "cells"),
    ("design-sets-design", ["design.file={tmp}/recursive.csv", "design.row=0"], "design.row"),
    ("design-value-out-of-range", ["design.file={tmp}/range.csv", "design.row=0"], "raids.warning_max=1.5"),
]

CONFIG_DIRS = [
    ("config-dir-malformed-yaml", ["--config-dir", "{tmp}/confs", "world=broken"], "malformed YAML"),
    ("config-dir-missing", ["--config-dir", "{tmp}/no-such-dir"], "not found"),
    ("config-dir-wrong-type", ["--config-dir", "{tmp}/confs", "world=wrongtype"], "sites"),
]

OUTPUT_DIRS = [
    ("output-in-proc", ["hydra.run.dir=/proc/scamsim-hardening"], "/proc/scamsim-hardening"),
    ("output-under-a-file", ["hydra.run.dir={tmp}/a_file/run"], "Not a directory"),
    ("output-is-a-file", ["hydra.run.dir={tmp}/a_file"], "a_file"),
]

FLAGS = [
    ("unknown-flag", ["--bogus"], "--bogus"),
    ("bad-cfg-choice", ["--cfg", "nope"], "--cfg"),
    ("multirun-unknown-option", ["-m", "scenario=baseline,nope", "hydra.sweep.dir={tmp}/sweep"], "scenario='nope'"),
]

CASES = OVERRIDES + DESIGNS + CONFIG_DIRS + OUTPUT_DIRS + FLAGS


def make_files(tmp: Path) -> None:
    """The design files and config folders the cases point at."""
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "binary.csv").write_bytes(b"\x00\x01\x02\xff\xfe\x89PNG\r\n\x1a\n")
    (tmp / "duplicated.csv").write_text("raids.warning_max,raids.warning_max\n0.5,0.6\n")
    (tmp / "unknown.csv").write_text("raids.warnng_max\n0.5\n")
    (tmp / "empty.csv").write_text("")
    (tmp / "text.csv").write_text("raids.warning_max\nabc\n")
    (tmp / "good.csv").write_text("raids.warning_max\n0.5\n0.6\n")
    (tmp / "short.csv").write_text("raids.warning_max,seed\n0.5\n")
    (tmp / "recursive.csv").write_text("design.row\n1\n")
    (tmp / "range.csv").write_text("raids.warning_max\n1.5\n")
    (tmp / "a_file").write_text("not a folder\n")
    world = tmp / "confs" / "world"
    world.mkdir(parents=True, exist_ok=True)
    (world / "broken.yaml").write_text("name: broken\nsites: {poipet: {country: Cambodia\n")
    (world / "wrongtype.yaml").write_text("name: wrongtype\nsites: 5\n")


def arguments(args: list[str], tmp: Path, run: Path) -> list[str]:
    """The full argument list of a case: its own arguments, the base ones, and a run folder of its own."""
    own = [a.replace("{tmp}", str(tmp)) for a in args]
    flags = [a for a in own if a.startswith("-")]
    flag_values = [own[i + 1] for i, a in enumerate(own[:-1]) if a in ("--config-dir", "--cfg")]
    rest = [a for a in own if a not in flags and a not in flag_values]
    run_dir = [] if any(a.startswith(("hydra.run.dir=", "hydra.sweep.dir=")) for a in rest) else [f"hydra.run.dir={run}"]
    head = [a for a in own if a in flags or a in flag_values]
    return [*head, *BASE, *rest, *run_dir]
