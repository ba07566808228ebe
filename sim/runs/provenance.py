"""Provenance: what made a result, recorded the same way everywhere.

One record (:func:`provenance`) names the scamsim version, the source
tree's git commit and the Python version, and, for figures and reports, the
versions of the packages the numbers depend on and the time of writing.
``summary.json`` of every run carries the first three; every figure and
report of ``experiments/`` has a JSON sidecar (:func:`write_sidecar`) with
the whole record next to the study that made it.  :func:`config_hash` is
the fingerprint of a resolved config that resumed sweeps compare.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import time
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sim.runs.atomic import write_json

#: Packages whose versions a sidecar records: the model's own dependencies and the plotting stack.
PACKAGES = ("simpy", "numpy", "scipy", "matplotlib", "hydra-core", "omegaconf", "joblib")

__all__ = ["PACKAGES", "config_hash", "git_commit", "package_versions", "provenance", "version", "write_sidecar"]


def version() -> str:
    """The installed scamsim version, or ``0+unknown`` when the package is not installed."""
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


def uncommitted() -> list[str]:
    """Tracked files under sim/ and configs/ that differ from the commit: the code that ran is not exactly the commit's.

    Empty outside a git checkout.  Study scripts record it beside
    :func:`git_commit`, so a result made from a dirty tree says so.
    """
    root = Path(__file__).resolve().parents[2]
    try:
        proc = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "sim", "configs"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted(line[3:] for line in proc.stdout.splitlines() if line.strip()) if proc.returncode == 0 else []


def package_versions(packages: Iterable[str] = PACKAGES) -> dict[str, str | None]:
    """Installed version of each package, None for a package that is not installed."""
    versions: dict[str, str | None] = {}
    for pkg in packages:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return versions


def provenance(packages: bool = True) -> dict[str, Any]:
    """``version``, ``git_commit`` and ``python``; with ``packages``, also package versions and the UTC time."""
    record: dict[str, Any] = {"version": version(), "git_commit": git_commit(), "python": platform.python_version()}
    if packages:
        record["packages"] = package_versions()
        record["created"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return record


def write_sidecar(path: str | Path, study: Mapping[str, Any], **extra: Any) -> Path:
    """Write ``<path without suffix>.json``: the file's name, the study that made it, provenance and ``extra``."""
    path = Path(path)
    info = {"figure": path.name, "study": dict(study), **provenance(), **extra}
    return write_json(path.with_suffix(".json"), info, default=str)


#: Top-level sections that do not change a run's results: Hydra's own, and the study description (the model ignores it).
UNHASHED = ("hydra", "study")


def config_hash(cfg: DictConfig) -> str:
    """SHA-256 of the resolved config without :data:`UNHASHED`: what makes results what they are.

    The ``study`` node is left out so that a run's hash does not depend on
    whether it was composed through an experiment config (and hashes of runs
    made before the node existed stay valid for resuming).
    """
    resolved = OmegaConf.to_container(cfg, resolve=True)
    assert isinstance(resolved, dict)
    body = {k: v for k, v in resolved.items() if k not in UNHASHED}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()
