"""Loading results (issue 13): ``sim.load``, ``StudyResult.to_pandas``, Parquet output, and gathering sweeps.

A run directory reads back as DataFrames equal to what the study produced;
``output.format=parquet`` writes the same tables as Parquet (and refuses in
one line without pyarrow); a design sweep's gathered tables carry the design
row's parameters, and its time series can be gathered too.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim import compose, run
from sim.config.errors import ConfigError
from sim.runs.gather import gather
from sim.runs.output import write_outputs

ROOT = Path(__file__).resolve().parents[1]
SHORT = ["world=small", "horizon_days=400", "replications=2", "figure=false", "progress=false", "seed=9"]
HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "sim", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def study():
    return run(compose(SHORT))


@pytest.fixture(scope="module")
def csv_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("csv") / "run"
    _cli(*SHORT, f"hydra.run.dir={out}")
    return out


def _same(frame: pd.DataFrame, other: pd.DataFrame) -> None:
    assert list(frame.columns) == list(other.columns)
    assert len(frame) == len(other)
    for col in frame.columns:
        a, b = frame[col].to_numpy(), other[col].to_numpy()
        if a.dtype.kind in "fiu" and b.dtype.kind in "fiu":
            np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=1e-9, equal_nan=True, err_msg=col)
        else:
            assert [("" if pd.isna(x) else str(x)) for x in a] == [("" if pd.isna(x) else str(x)) for x in b], col


def test_load_reads_every_table_and_the_config(csv_run, study):
    res = sim.load(csv_run)
    tables = study.to_pandas()
    for name in ("timeseries", "events", "summary"):
        _same(getattr(res, name), tables[name])
        assert res[name] is getattr(res, name)
    assert set(res.timeseries["arm"]) == {"scenario", "counterfactual"}
    assert res.config["scenario"]["name"] == "crackdown_2025" and res.config["seed"] == 9
    assert res.summary_json["metrics"]["final_frac_cf"]["mean"] == pytest.approx(study.stats["final_frac_cf"]["mean"])
    assert list(res.stats["metric"])[:3] == ["baseline_revenue", "trough_frac", "trough_day"]
    assert res.status["status"] == "complete"


def test_to_pandas_matches_the_structured_arrays(study):
    tables = study.to_pandas()
    assert list(tables["timeseries"].columns[:3]) == ["replication", "arm", "day"]
    assert len(tables["summary"]) == 2 and len(tables["events"]) == study.events.size
    stats = tables["stats"].set_index("metric")
    assert stats.loc["final_frac", "mean"] == study.stats["final_frac"]["mean"]


def test_load_refuses_an_unfinished_directory(tmp_path):
    (tmp_path / "status.json").write_text('{"status": "failed", "error": "boom"}')
    with pytest.raises(ValueError, match="does not hold complete results"):
        sim.load(tmp_path)
    with pytest.raises(FileNotFoundError):
        sim.load(tmp_path / "nowhere")


@pytest.mark.skipif(not HAS_PYARROW, reason="needs pyarrow (the [parquet] extra)")
def test_parquet_output_loads_the_same_as_csv(tmp_path, csv_run):
    out = tmp_path / "pq"
    _cli(*SHORT, "output.format=parquet", f"hydra.run.dir={out}")
    tables = ("timeseries", "events", "summary", "network", "network_edges")
    assert {p.name for p in out.glob("*.parquet")} == {f"{t}.parquet" for t in tables}
    assert not list(out.glob("*.csv"))
    pq, cs = sim.load(out), sim.load(csv_run)
    for name in tables:
        _same(getattr(pq, name), getattr(cs, name))


def test_parquet_without_pyarrow_is_refused_in_one_line(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a))
    with pytest.raises(ConfigError, match=r"output\.format=.?parquet.?: needs pyarrow: pip install \"scamsim\[parquet\]\""):
        compose([*SHORT, "output.format=parquet"])
    with pytest.raises(ConfigError, match="one of csv, parquet"):
        compose([*SHORT, "output.format=xml"])


def _job(sweep: Path, num: int, study, design: Path) -> None:
    job = sweep / str(num)
    (job / ".hydra").mkdir(parents=True)
    (job / ".hydra" / "overrides.yaml").write_text(f"- design.row={num}\n")
    (job / ".hydra" / "config.yaml").write_text(f"design:\n  file: {design}\n  row: {num}\nseed: 9\n")
    write_outputs(study, job, figure=False)


def test_gather_adds_design_columns_and_time_series(tmp_path, study):
    design = tmp_path / "design.csv"
    design.write_text("raids.warning_max,protection.strength_scale\n0.5,1.0\n0.9,2.0\n")
    sweep = tmp_path / "sweep"
    for num in (0, 1):
        _job(sweep, num, study, design)
    report = gather(sweep, timeseries=True)
    assert report["complete"] == 2 and report["timeseries"] == "timeseries_gathered.csv"
    with (sweep / "points.csv").open() as fh:
        points = list(csv.DictReader(fh))
    assert [p["raids.warning_max"] for p in points] == ["0.5", "0.9"]
    assert [p["protection.strength_scale"] for p in points] == ["1.0", "2.0"]
    assert [p["design.row"] for p in points] == ["0", "1"]
    series = pd.read_csv(sweep / "timeseries_gathered.csv")
    assert list(series.columns[:5]) == ["job", "design.row", "protection.strength_scale", "raids.warning_max", "replication"]
    assert len(series) == 2 * study.timeseries.size
    assert set(series["arm"]) == {"scenario", "counterfactual"}
    assert not gather(sweep).get("timeseries")  # off by default


def test_a_multirun_gathers_time_series_when_asked(tmp_path):
    sweep = tmp_path / "multi"
    _cli(
        "-m",
        "world=small",
        "horizon_days=300",
        "replications=1",
        "figure=false",
        "progress=false",
        "scenario=baseline",
        "seed=1,2",
        "output.gather_timeseries=true",
        f"hydra.sweep.dir={sweep}",
    )
    series = pd.read_csv(sweep / "timeseries_gathered.csv")
    assert sorted(set(series["seed"])) == [1, 2]
    columns = list(series.columns)
    assert columns[0] == "job" and "seed" in columns and columns.index("seed") < columns.index("replication")
