"""Sweeps through Hydra: resume after a kill, launchers agree, failures are data.

Each sweep here is two or three small-world jobs, so a whole sweep takes a
few seconds; the kill test stops a real sweep process mid-way.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SWEEP = ["world=small", "replications=2", "figure=false", "progress=false", "horizon_days=400"]


def sweep(sweep_dir: Path, *overrides: str, check: bool = True) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "sim", "-m", *SWEEP, *overrides, f"hydra.sweep.dir={sweep_dir}"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env=_env())
    if check and proc.returncode != 0:
        raise AssertionError(f"sweep failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def rows(path: Path) -> list[dict[str, str]]:
    with path.open() as fh:
        return list(csv.DictReader(fh))


def test_sweep_gathers_one_row_per_job_and_replication(tmp_path):
    """The callback writes gathered.csv (parameters as columns) and points.csv (one row per point)."""
    sweep(tmp_path / "s", "scenario=baseline,crackdown_2025")
    gathered = rows(tmp_path / "s" / "gathered.csv")
    assert len(gathered) == 2 * 2
    assert {r["scenario"] for r in gathered} == {"baseline", "crackdown_2025"}
    assert all(r["status"] == "complete" for r in gathered)
    points = rows(tmp_path / "s" / "points.csv")
    assert len(points) == 2
    for p in points:
        assert float(p["final_frac_ci_low"]) <= float(p["final_frac"]) <= float(p["final_frac_ci_high"])
    report = json.loads((tmp_path / "s" / "gather.json").read_text())
    assert report["complete"] == 2 and report["failed"] == 0


def test_killed_sweep_resumes_to_the_same_table(tmp_path):
    """Kill a sweep after its first job completes; rerunning it completes the rest and gathers identically."""
    overrides = ["scenario=baseline,crackdown_2025,sustained_pressure"]
    sweep(tmp_path / "whole", *overrides)
    killed = tmp_path / "killed"
    cmd = [sys.executable, "-m", "sim", "-m", *SWEEP, *overrides, f"hydra.sweep.dir={killed}"]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.time() + 300
    while not (killed / "0" / "status.json").exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (killed / "0" / "status.json").exists(), "the first job never finished"
    assert not (killed / "gathered.csv").exists() or not (killed / "2" / "status.json").exists()
    first_status = (killed / "0" / "status.json").read_bytes()
    resumed = sweep(killed, *overrides)
    assert "skipped" in resumed.stdout  # job 0 was not run again
    assert (killed / "0" / "status.json").read_bytes() == first_status
    assert (killed / "gathered.csv").read_bytes() == (tmp_path / "whole" / "gathered.csv").read_bytes()


def test_interrupted_job_leaves_nothing_that_looks_complete_and_is_rerun(tmp_path):
    """A job dir with result files but no status.json is incomplete in the gathered table and is rerun."""
    sweep(tmp_path / "s", "scenario=baseline,crackdown_2025")
    job = tmp_path / "s" / "1"
    reference = (job / "summary.csv").read_bytes()
    (job / "status.json").unlink()
    (job / "summary.csv").write_text("replication,final_frac\n0,0.5\n")  # a half-written leftover
    from sim.runs.gather import gather

    report = gather(tmp_path / "s")
    assert report["incomplete"] == 1
    assert [r["status"] for r in rows(tmp_path / "s" / "gathered.csv") if r["job"] == "1"] == ["incomplete"]
    sweep(tmp_path / "s", "scenario=baseline,crackdown_2025")
    assert (job / "summary.csv").read_bytes() == reference


def test_basic_and_joblib_launchers_give_identical_tables(tmp_path):
    """Results depend on config and seed only, not on the process that ran them."""
    sweep(tmp_path / "basic", "scenario=baseline,crackdown_2025", "seed=3")
    sweep(tmp_path / "joblib", "scenario=baseline,crackdown_2025", "seed=3", "hydra/launcher=joblib", "hydra.launcher.n_jobs=2")
    for name in ("gathered.csv", "points.csv"):
        assert (tmp_path / "basic" / name).read_bytes() == (tmp_path / "joblib" / name).read_bytes()


def test_submitit_local_launcher_runs_a_sweep(tmp_path):
    """The SLURM launcher's local executor runs jobs in separate processes and the results match."""
    pytest.importorskip("hydra_plugins.hydra_submitit_launcher")
    sweep(tmp_path / "basic", "scenario=baseline", "seed=5")
    sweep(tmp_path / "submitit", "scenario=baseline", "seed=5", "hydra/launcher=submitit_local")
    a, b = rows(tmp_path / "basic" / "gathered.csv"), rows(tmp_path / "submitit" / "gathered.csv")
    assert [r["final_frac"] for r in a] == [r["final_frac"] for r in b]


def test_failing_job_is_recorded_and_the_sweep_goes_on(tmp_path):
    """A bad parameter point fails its job only; the sweep exits 3 and the tables say which failed."""
    proc = sweep(tmp_path / "s", "raids.warning_max=0.5,7", check=False)
    assert proc.returncode == 3, proc.stderr[-2000:]
    by_job = {r["job"]: r for r in rows(tmp_path / "s" / "points.csv")}
    assert by_job["0"]["status"] == "complete"
    assert by_job["1"]["status"] == "failed"
    assert "raids.warning_max" in by_job["1"]["error"]
    assert json.loads((tmp_path / "s" / "1" / "status.json").read_text())["status"] == "failed"
    assert not (tmp_path / "s" / "1" / "summary.csv").exists()


def test_gather_command_works_on_a_partial_sweep(tmp_path):
    """`python -m sim.runs.gather DIR` gathers whatever is there and exits 3 when jobs are missing."""
    sweep(tmp_path / "s", "scenario=baseline,crackdown_2025")
    (tmp_path / "s" / "0" / "status.json").unlink()
    (tmp_path / "s" / "gathered.csv").unlink()
    proc = subprocess.run(
        [sys.executable, "-m", "sim.runs.gather", str(tmp_path / "s")], cwd=ROOT, env=_env(), capture_output=True, text=True
    )
    assert proc.returncode == 3
    assert "1 complete" in proc.stdout and "1 incomplete" in proc.stdout
    assert len(rows(tmp_path / "s" / "gathered.csv")) == 1 + 2


@pytest.mark.slow
def test_ray_launcher_matches_basic(tmp_path):
    """Ray's launcher (optional extra `scamsim[ray]`) gives the same gathered table as the basic one."""
    pytest.importorskip("hydra_plugins.hydra_ray_launcher")
    sweep(tmp_path / "basic", "scenario=baseline,crackdown_2025")
    sweep(tmp_path / "ray", "scenario=baseline,crackdown_2025", "hydra/launcher=ray_local")
    assert (tmp_path / "ray" / "gathered.csv").read_bytes() == (tmp_path / "basic" / "gathered.csv").read_bytes()
