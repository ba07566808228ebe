"""Write a study's files into a run directory, never leaving half-written ones.

Every file is written under a temporary name and renamed into place
(:mod:`sim.runs.atomic`), provenance comes from :mod:`sim.runs.provenance`, and
``status.json`` is written last: a directory without ``status.json`` saying
``complete`` is not a finished result, whatever else it holds.  A directory
that already has a ``status.json`` is never written into again.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

from sim.analysis.counterfactual import CF_COLUMNS
from sim.analysis.metrics import HEADLINE, SUMMARY_COLUMNS
from sim.analysis.results import StudyResult
from sim.analysis.stats import CI_METHOD
from sim.runs.atomic import write_json
from sim.runs.integrity import NonFiniteResults, check_finite, precision_report
from sim.runs.lock import LOCK_NAME
from sim.runs.provenance import config_hash, git_commit, provenance, version
from sim.runs.tables import write_table

FILES = (
    "timeseries.csv",
    "events.csv",
    "summary.csv",
    "summary.json",
    "revenue_by_site.png",
    "network.csv",  # with network.snapshot_days (the default)
    "network_edges.csv",
)
#: The tables of the output contract, written as ``<name>.csv`` or ``<name>.parquet`` (``output.format``).
TABLES = ("timeseries", "events", "summary")
#: Written when the run took network snapshots (``network.snapshot_days``): measures and edge lists.
NETWORK_TABLES = ("network", "network_edges")
CI_DESCRIPTION = (
    "95% Student-t interval of the mean over replications, clipped to each metric's possible range "
    "(shares in [0, 1]; counts, days, levels and ratios >= 0)"
)
#: Floats in the output contract's CSV files: 10 significant digits (the golden tests pin the bytes).
FLOAT_FORMAT = ".10g"


#: Where results of a job whose config has since changed are kept when the job is rerun.
SUPERSEDED = "superseded"


class OutputExistsError(RuntimeError):
    """The output directory already holds a run's results."""


def read_status(outdir: Path) -> dict | None:
    try:
        return json.loads((Path(outdir) / "status.json").read_text())
    except (OSError, ValueError):
        return None


def guard(outdir: Path, chash: str | None = None, supersede: bool = False) -> bool:
    """Decide what to do with a run directory before running.

    Returns True when it already holds complete results of the same config
    (a resumed sweep skips the job), False when it is fresh or holds only a
    failed or interrupted attempt (which is rerun; a failed status is kept as
    ``status.failed.json``).  Complete results of another config are never
    overwritten: :class:`OutputExistsError`, unless ``supersede`` (the same
    job, whose config changed through a file it reads, e.g. an edited design
    row), when they are moved into ``superseded/<their config hash>/`` and
    False is returned.
    """
    outdir = Path(outdir)
    status = read_status(outdir)
    if status is None:
        return False
    if status.get("status") == "complete":
        if chash is not None and status.get("config_hash") == chash:
            return True
        if supersede:
            _supersede(outdir, str(status.get("config_hash") or "unknown"))
            return False
        raise OutputExistsError(f"{outdir} already holds complete results of another config; refusing to overwrite them")
    os.replace(outdir / "status.json", outdir / "status.failed.json")
    return False


def _supersede(outdir: Path, old_hash: str) -> Path:
    """Move every file of the run but the lock into ``superseded/<hash prefix>/`` (kept, not deleted)."""
    dest = outdir / SUPERSEDED / old_hash[:12]
    k = 1
    while dest.exists():
        k += 1
        dest = outdir / SUPERSEDED / f"{old_hash[:12]}-{k}"
    dest.mkdir(parents=True)
    for entry in sorted(outdir.iterdir()):
        if entry.name not in (LOCK_NAME, SUPERSEDED):
            os.replace(entry, dest / entry.name)
    return dest


def write_status(outdir: Path, status: str, **extra: object) -> None:
    write_json(outdir / "status.json", {"status": status, **extra})


def summary_json(study: StudyResult) -> dict:
    cfg = study.config
    return {
        "scenario": cfg.scenario.name,
        "world": cfg.world.name,
        "seed": cfg.seed,
        "replications": len(study.replications),
        "intervention_day": cfg.intervention_day,
        "horizon_days": cfg.horizon_days,
        **provenance(packages=False),  # version, git_commit, python
        "wall_time_s": round(study.wall_time, 3),
        "confidence_level": 0.95,
        "ci_method": CI_METHOD,
        "ci_description": CI_DESCRIPTION,
        "counterfactual": study.counterfactual is not None,
        "warnings": study.warnings,
        **({"precision": report} if (report := precision_report(study)) is not None else {}),  # replications=auto
        "metrics": {
            k: {kk: (None if isinstance(vv, float) and math.isnan(vv) else vv) for kk, vv in v.items()}
            for k, v in study.stats.items()
        },
    }


def write_outputs(study: StudyResult, outdir: Path, figure: bool = True, chash: str | None = None) -> list[Path]:
    """Write every file of the output contract; ``status.json`` last.

    Results with values that must be finite and are not raise
    :class:`NonFiniteResults` before anything is written.
    """
    outdir = Path(outdir)
    check_finite(study)
    outdir.mkdir(parents=True, exist_ok=True)
    if guard(outdir, chash):
        raise OutputExistsError(f"{outdir} already holds these results")
    fmt = study.config.output.format
    written = [write_table(outdir, name, getattr(study, name), fmt) for name in TABLES]
    if any(r.network for r in study.replications):
        written += [write_table(outdir, name, getattr(study, name), fmt) for name in NETWORK_TABLES]
    meta = summary_json(study)
    written.append(write_json(outdir / "summary.json", meta))
    if figure:
        from sim.runs.figures import revenue_by_site

        path = outdir / "revenue_by_site.png"
        revenue_by_site(study, path)
        written.append(path)
    write_status(outdir, "complete", files=[p.name for p in written], wall_time_s=meta["wall_time_s"], config_hash=chash)
    return written


def fmt_number(x: float) -> str:
    """The terminal table's one number format: 4 significant digits, never in exponent form."""
    if math.isnan(x):
        return "n/a"
    if x != 0 and abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.4g}" if abs(x) >= 1e-4 or x == 0 else f"{x:.2e}"


def headline_table(study: StudyResult) -> str:
    """The short terminal table: mean and 95% CI of the headline metrics, effects against the counterfactual first."""
    cfg = study.config
    reps = len(study.replications)
    lines = [
        f"scamsim {version()}  scenario={cfg.scenario.name}  world={cfg.world.name}  seed={cfg.seed}  "
        f"replications={reps}  ({study.wall_time:.1f} s)",
        f"{'metric':<24}{'mean':>12}   95% CI",
    ]
    for key in HEADLINE:
        s = study.stats[key]
        if s["n"] == 0:
            if key.startswith("recovery_days") and (key not in CF_COLUMNS or study.counterfactual is not None):
                lines.append(f"{key:<24}{'never':>12}   (in all replications)")
            elif key in CF_COLUMNS and study.counterfactual is None:
                lines.append(f"{key:<24}{'n/a':>12}   (no counterfactual arm)")
            else:
                lines.append(f"{key:<24}{'n/a':>12}   (nothing to measure in any replication)")
            continue
        ci = "" if math.isnan(s["ci_low"]) else f"[{fmt_number(s['ci_low'])}, {fmt_number(s['ci_high'])}]"
        note = f"  ({s['n']} of {reps} recovered)" if key.startswith("recovery_days") and s["n"] < reps else ""
        lines.append(f"{key:<24}{fmt_number(s['mean']):>12}   {ci}{note}")
    return "\n".join(lines)


__all__ = [
    "FILES",
    "SUMMARY_COLUMNS",
    "NonFiniteResults",
    "OutputExistsError",
    "config_hash",
    "fmt_number",
    "git_commit",
    "guard",
    "headline_table",
    "read_status",
    "summary_json",
    "version",
    "write_outputs",
    "write_status",
]
