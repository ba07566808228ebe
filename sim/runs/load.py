"""Load a finished run directory back into Python: every table as a pandas DataFrame, and its config.

::

    import sim
    res = sim.load("outputs/crackdown_2025/small/2026-11-28_10-00-00")
    res.summary["final_frac_cf"].mean()
    res.timeseries.query("arm == 'counterfactual'")
    res.config["scenario"]["name"], res.summary_json["metrics"]["final_frac"]

Tables are read from ``<name>.csv`` or ``<name>.parquet``, whichever the run
wrote (``output.format``); the config is the one the run recorded in
``.hydra/config.yaml``, resolved, as plain dicts and lists.  pandas is
imported here, not when the package is imported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from sim.runs.output import NETWORK_TABLES, TABLES, read_status
from sim.runs.tables import read_table, table_path

__all__ = ["LoadedRun", "load"]


@dataclass
class LoadedRun:
    """A run directory's contents: ``timeseries``, ``events`` and ``summary`` DataFrames, config and summary.json."""

    path: Path
    timeseries: Any
    events: Any
    summary: Any
    config: dict[str, Any]
    summary_json: dict[str, Any]
    status: dict[str, Any] = field(default_factory=dict)
    network: Any = None  # network.csv (measures at the snapshot days), None when the run took no snapshots
    network_edges: Any = None  # network_edges.csv (the edge lists)

    @property
    def stats(self) -> Any:
        """``summary.json``'s metrics as a DataFrame: one row per metric (mean, ci_low, ci_high, n)."""
        import pandas as pd

        metrics = self.summary_json.get("metrics", {})
        return pd.DataFrame.from_dict(metrics, orient="index").rename_axis("metric").reset_index()

    def __getitem__(self, name: str) -> Any:
        """``run["summary"]`` is ``run.summary``: the tables by file name."""
        if name not in self.keys():
            raise KeyError(name)
        return getattr(self, name)

    def keys(self) -> tuple[str, ...]:
        network = tuple(n for n in NETWORK_TABLES if getattr(self, n) is not None)
        return (*TABLES, *network, "config", "summary_json", "status")


def load(run_dir: str | Path) -> LoadedRun:
    """Read a run directory written by ``python -m sim`` (or :func:`sim.runs.output.write_outputs`)."""
    path = Path(run_dir)
    if not path.is_dir():
        raise FileNotFoundError(f"{path} is not a directory")
    status = read_status(path) or {}
    if status and status.get("status") != "complete":
        raise ValueError(
            f"{path} does not hold complete results (status.json: {status.get('status')}: {status.get('error', '')})"
        )
    tables = {name: read_table(path, name) for name in TABLES}
    for name in NETWORK_TABLES:
        if any(table_path(path, name, fmt).is_file() for fmt in ("csv", "parquet")):
            tables[name] = read_table(path, name)
    config_file = path / ".hydra" / "config.yaml"
    config: dict[str, Any] = {}
    if config_file.is_file():
        loaded = OmegaConf.load(config_file)
        try:
            container = OmegaConf.to_container(loaded, resolve=True)
        except Exception:  # an interpolation only Hydra can resolve: keep it as written
            container = OmegaConf.to_container(loaded, resolve=False)
        config = {str(k): v for k, v in container.items()} if isinstance(container, dict) else {}
    summary_file = path / "summary.json"
    summary_json = json.loads(summary_file.read_text()) if summary_file.is_file() else {}
    return LoadedRun(path, config=config, summary_json=summary_json, status=status, **tables)
