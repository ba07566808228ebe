"""Write a study's files into a run directory, never leaving half-written ones.

Every file is written under a temporary name and renamed into place, and
``status.json`` is written last: a directory without ``status.json`` saying
``complete`` is not a finished result, whatever else it holds.  A directory
that already has a ``status.json`` is never written into again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import numpy as np
from omegaconf import DictConfig, OmegaConf

from sim.analysis.metrics import HEADLINE, SUMMARY_COLUMNS
from sim.analysis.results import StudyResult

FILES = ("timeseries.csv", "events.csv", "summary.csv", "summary.json", "revenue_by_site.png")


class OutputExistsError(RuntimeError):
    """The output directory already holds a run's results."""


def version() -> str:
    try:
        return metadata.version("scamsim")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def git_commit() -> str:
    """The source tree's commit, or "unknown" outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "unknown"


def config_hash(cfg: DictConfig) -> str:
    """SHA-256 of the resolved config without Hydra's own section: what makes results what they are."""
    body = {k: v for k, v in OmegaConf.to_container(cfg, resolve=True).items() if k != "hydra"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def read_status(outdir: Path) -> dict | None:
    try:
        return json.loads((Path(outdir) / "status.json").read_text())
    except (OSError, ValueError):
        return None


def guard(outdir: Path, chash: str | None = None) -> bool:
    """Decide what to do with a run directory before running.

    Returns True when it already holds complete results of the same config
    (a resumed sweep skips the job), False when it is fresh or holds only a
    failed or interrupted attempt (which is rerun; a failed status is kept as
    ``status.failed.json``).  Complete results of another config are never
    overwritten: :class:`OutputExistsError`.
    """
    outdir = Path(outdir)
    status = read_status(outdir)
    if status is None:
        return False
    if status.get("status") == "complete":
        if chash is not None and status.get("config_hash") == chash:
            return True
        raise OutputExistsError(f"{outdir} already holds complete results of another config; refusing to overwrite them")
    os.replace(outdir / "status.json", outdir / "status.failed.json")
    return False


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _fmt(v: object) -> str:
    if isinstance(v, (float, np.floating)):
        return "" if math.isnan(v) else f"{float(v):.10g}"
    return str(v)


def _csv(records: np.ndarray) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(records.dtype.names)
    writer.writerows([_fmt(v) for v in row] for row in records.tolist())
    return buf.getvalue().encode()


def write_status(outdir: Path, status: str, **extra: object) -> None:
    _atomic_write(outdir / "status.json", json.dumps({"status": status, **extra}, indent=2).encode())


def summary_json(study: StudyResult) -> dict:
    cfg = study.config
    return {
        "scenario": cfg.scenario.name,
        "world": cfg.world.name,
        "seed": cfg.seed,
        "replications": len(study.replications),
        "intervention_day": cfg.intervention_day,
        "horizon_days": cfg.horizon_days,
        "version": version(),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "wall_time_s": round(study.wall_time, 3),
        "confidence_level": 0.95,
        "metrics": {
            k: {kk: (None if isinstance(vv, float) and math.isnan(vv) else vv) for kk, vv in v.items()}
            for k, v in study.stats.items()
        },
    }


def write_outputs(study: StudyResult, outdir: Path, figure: bool = True, chash: str | None = None) -> list[Path]:
    """Write every file of the output contract; ``status.json`` last."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    if guard(outdir, chash):
        raise OutputExistsError(f"{outdir} already holds these results")
    _atomic_write(outdir / "timeseries.csv", _csv(study.timeseries))
    _atomic_write(outdir / "events.csv", _csv(study.events))
    _atomic_write(outdir / "summary.csv", _csv(study.summary))
    meta = summary_json(study)
    _atomic_write(outdir / "summary.json", json.dumps(meta, indent=2).encode())
    written = [outdir / f for f in FILES[:4]]
    if figure:
        from sim.runs.figures import revenue_by_site

        path = outdir / "revenue_by_site.png"
        revenue_by_site(study, path)
        written.append(path)
    write_status(outdir, "complete", files=[p.name for p in written], wall_time_s=meta["wall_time_s"], config_hash=chash)
    return written


def headline_table(study: StudyResult) -> str:
    """The short terminal table: mean and 95% CI of the headline metrics."""
    cfg = study.config
    lines = [
        f"scamsim {version()}  scenario={cfg.scenario.name}  world={cfg.world.name}  seed={cfg.seed}  "
        f"replications={len(study.replications)}  ({study.wall_time:.1f} s)",
        f"{'metric':<24}{'mean':>12}   95% CI",
    ]
    for key in HEADLINE:
        s = study.stats[key]
        if s["n"] == 0:
            lines.append(f"{key:<24}{'never':>12}   (in all replications)")
            continue
        ci = "" if math.isnan(s["ci_low"]) else f"[{s['ci_low']:.3g}, {s['ci_high']:.3g}]"
        note = (
            f"  ({s['n']} of {len(study.replications)} recovered)"
            if key == "recovery_days" and s["n"] < len(study.replications)
            else ""
        )
        lines.append(f"{key:<24}{s['mean']:>12.4g}   {ci}{note}")
    return "\n".join(lines)


__all__ = [
    "FILES",
    "SUMMARY_COLUMNS",
    "OutputExistsError",
    "config_hash",
    "guard",
    "headline_table",
    "read_status",
    "write_outputs",
    "write_status",
]
