"""Hardening (issue 13): no lost or mislabelled results, every bad input refused in one line, a usable help.

The harness runs every case of :mod:`bad_inputs` through the CLI: most in
this process (``sim.cli.entry`` with ``sys.argv`` set, as the console script
runs it; a refusal takes a fraction of a second), and the cases about flags,
config folders, output folders and multiruns as ``python -m sim``
subprocesses.  Each must exit non-zero with exactly one line on stderr naming
the key or the problem, no traceback, no results, and within a timeout.
The defect tests reproduce what issue 13 found; each fails on the code before
its fix.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from bad_inputs import CASES, CONFIG_DIRS, FLAGS, OUTPUT_DIRS, arguments, make_files
from omegaconf import OmegaConf

import sim
import sim.cli
from sim.docs.catalog import scenarios, worlds
from sim.docs.params_table import rows
from sim.runs.lock import RunDirLock

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
#: Cases run as subprocesses: what only a real command line exercises (argv parsing, --config-dir, run folders, -m).
SUBPROCESS = {c[0] for c in CONFIG_DIRS + OUTPUT_DIRS + FLAGS} | {"peak-rate-1e308", "typo-added-with-plus", "delete-world"}
#: A run that is quick to simulate: the small world, no intervention, one replication, a short horizon.
RUN = ["world=small", "scenario=baseline", "replications=1", "figure=false", "progress=false", "horizon_days=400"]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def cli(*args: str, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=timeout, check=False
    )


@contextlib.contextmanager
def deadline(seconds: int):
    """Fail instead of hanging: an in-process run that takes longer raises TimeoutError."""

    def expired(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def in_process(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """``scamsim <args>`` in this process: (exit status, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["scamsim", *args])
    monkeypatch.delenv("HYDRA_FULL_ERROR", raising=False)
    capsys.readouterr()
    code = 0
    with deadline(TIMEOUT):
        try:
            sim.cli.entry()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("bad_inputs")
    make_files(tmp)
    return tmp


# ------------------------------------------------------------------ the harness


@pytest.mark.parametrize(("args", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_in_one_line_before_anything_runs(request, scratch, monkeypatch, capsys, args, fragment):
    case = request.node.callspec.id
    run = scratch / "runs" / case
    full = arguments(args, scratch, run)
    if case in SUBPROCESS:
        proc = cli(*full)
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    else:
        code, out, err = in_process(monkeypatch, capsys, *full)
    lines = err.strip().splitlines()
    assert code != 0, f"accepted: {full}\n{out[-2000:]}"
    assert len(lines) == 1, err
    assert lines[0].startswith("scamsim: "), err
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in err
    assert "results:" not in out
    assert not (run / "summary.csv").exists()
    if (run / "status.json").exists():
        assert json.loads((run / "status.json").read_text())["status"] == "failed"


def test_the_harness_has_at_least_forty_distinct_bad_inputs():
    assert len({c[0] for c in CASES}) == len(CASES) >= 40
    assert len({tuple(c[1]) for c in CASES}) == len(CASES)


# ------------------------------------------------------------------ 1. resume hashes the config after the design row


def test_edited_design_row_is_rerun_with_the_new_value_on_resume(tmp_path):
    design = tmp_path / "design.csv"
    design.write_text("raids.warning_max,seed\n0.5,11\n0.7,12\n")
    sweep = ["-m", *RUN, f"design.file={design}", "design.row=0,1", f"hydra.sweep.dir={tmp_path / 's'}"]
    first = cli(*sweep)
    assert first.returncode == 0, first.stderr
    job0, job1 = tmp_path / "s" / "0", tmp_path / "s" / "1"
    assert OmegaConf.load(job1 / ".hydra" / "config.yaml").raids.warning_max == 0.7  # the value the job ran with
    status0, status1 = (job0 / "status.json").read_bytes(), json.loads((job1 / "status.json").read_text())
    design.write_text("raids.warning_max,seed\n0.5,11\n0.9,12\n")  # edit row 1 only
    second = cli(*sweep)
    assert second.returncode == 0, second.stderr
    assert f"{job0} already holds complete results of this config; skipped" in second.stdout
    assert (job0 / "status.json").read_bytes() == status0
    rerun = json.loads((job1 / "status.json").read_text())
    assert rerun["status"] == "complete"
    assert rerun["config_hash"] != status1["config_hash"]
    assert OmegaConf.load(job1 / ".hydra" / "config.yaml").raids.warning_max == 0.9
    kept = job1 / "superseded" / status1["config_hash"][:12]  # the old results are moved aside, not lost
    assert json.loads((kept / "status.json").read_text())["config_hash"] == status1["config_hash"]
    assert OmegaConf.load(kept / ".hydra" / "config.yaml").raids.warning_max == 0.7
    assert [r["job"] for r in csv.DictReader((tmp_path / "s" / "gathered.csv").open())] == ["0", "1"]


# ------------------------------------------------------------------ 2. one run per folder at a time


def test_run_into_a_locked_folder_refuses_in_one_line_and_touches_nothing(tmp_path):
    run_dir = tmp_path / "run"
    with RunDirLock(run_dir):
        before = sorted(p.name for p in run_dir.rglob("*"))
        proc = cli(*RUN, f"hydra.run.dir={run_dir}")
        after = sorted(p.name for p in run_dir.rglob("*"))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "in use by another scamsim run" in proc.stderr, proc.stderr
    assert after == before == [".scamsim.lock"]


def test_two_concurrent_runs_into_one_folder_one_wins_and_owns_every_file(tmp_path):
    run_dir = tmp_path / "run"
    args = [*RUN, "replications=4", "horizon_days=910", f"hydra.run.dir={run_dir}"]
    procs = {
        seed: subprocess.Popen(
            [sys.executable, "-m", "sim", *args, f"seed={seed}"],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in (7, 8)
    }
    results = {seed: (p.wait(timeout=300), *p.communicate()) for seed, p in procs.items()}
    winners = [seed for seed, (code, _, _) in results.items() if code == 0]
    assert len(winners) == 1, {s: (c, e) for s, (c, _, e) in results.items()}
    winner, loser = winners[0], 15 - winners[0]
    code, _, err = results[loser]
    assert code == 2
    assert err.count("\n") == 1 and ("in use by another scamsim run" in err or "refusing to overwrite" in err), err
    assert "Traceback" not in err
    assert OmegaConf.load(run_dir / ".hydra" / "config.yaml").seed == winner
    assert json.loads((run_dir / "summary.json").read_text())["seed"] == winner
    assert json.loads((run_dir / "status.json").read_text())["status"] == "complete"
    assert not (run_dir / "status.failed.json").exists()


# ------------------------------------------------------------------ 3. finite bounds, finite results


def test_every_numeric_parameter_has_a_finite_range():
    unbounded = [r.key for r in rows() if r.bounds is not None and not all(math.isfinite(b) for b in r.bounds)]
    assert unbounded == []


@pytest.mark.parametrize(
    "override",
    [
        "scenario.campaigns.july_2025.peak_raid_rate=1e308",  # hung: the gap between raids became 0
        "raids.arrest_capacity_mean=1e308",  # a traceback from numpy's Poisson draw
        "horizon_days=1000000000",  # a traceback allocating the series
        "operations.revenue_per_worker_day=1e308",  # inf and NaN metrics marked complete
    ],
)
def test_absurd_finite_values_are_refused_before_the_run(override):
    with pytest.raises(sim.ConfigError) as info:
        sim.compose(["world=small", override])
    key = override.split("=")[0]
    assert str(info.value).startswith(f"invalid config: {key}=") and "must be in [" in str(info.value)


def test_non_finite_results_mark_the_run_failed_not_complete(tmp_path, monkeypatch, capsys):
    real_run = sim.cli.run

    def overflowing(config, **kwargs):
        study = real_run(config, **kwargs)
        study.replications[0].series["revenue_usd"][5, 0] = np.inf  # what revenue_per_worker_day=1e308 did
        return study

    monkeypatch.setattr(sim.cli, "run", overflowing)
    run_dir = tmp_path / "run"
    code, _, err = in_process(monkeypatch, capsys, *RUN, f"hydra.run.dir={run_dir}")
    assert code == 1
    assert err.count("\n") == 1 and "timeseries.revenue_usd" in err and "non-finite" in err, err
    status = json.loads((run_dir / "status.json").read_text())
    assert status["status"] == "failed" and "non-finite" in status["error"]
    assert not (run_dir / "summary.csv").exists() and not (run_dir / "timeseries.csv").exists()


# ------------------------------------------------------------------ 4. a full disk


def test_full_disk_ends_with_status_failed_no_temporary_file_and_no_empty_error_txt(tmp_path, monkeypatch, capsys):
    real = Path.write_bytes

    def disk_full(self: Path, data: bytes) -> int:
        if "timeseries" in self.name:  # the big file does not fit: half of it is written, then ENOSPC
            with open(self, "wb") as fh:
                fh.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    run_dir = tmp_path / "run"
    code, _, err = in_process(monkeypatch, capsys, *RUN, f"hydra.run.dir={run_dir}")
    assert code == 1
    assert err.count("\n") == 1 and "No space left on device" in err, err
    assert "Traceback" not in err
    status = json.loads((run_dir / "status.json").read_text())
    assert status["status"] == "failed" and "No space left on device" in status["error"]
    assert list(run_dir.rglob("*.tmp")) == []
    assert not (run_dir / "timeseries.csv").exists()
    error_txt = run_dir / "error.txt"
    assert not error_txt.exists() or error_txt.stat().st_size > 0


# ------------------------------------------------------------------ 5. refused instead of silently accepted


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["+raids.warnng_max=0.5"], "raids.warnng_max=0.5: no such key in raids (did you mean warning_max"),
        (["+foo=1"], "foo=1: no such key in the config"),
        (["world.sites={}"], "world.sites={}: an empty mapping is merged into the existing one"),
        (["scenario.campaigns={}"], "scenario.campaigns={}: an empty mapping"),
        (["~world"], "world='???': required: choose one with world=<name>"),
        (["design.row=2"], "design.row=2: needs design.file"),
    ],
)
def test_inputs_that_were_silently_accepted_are_refused(overrides, message):
    with pytest.raises(sim.ConfigError) as info:
        sim.compose(["world=small", *overrides])
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02\xff\xfe\x89PNG\r\n", "binary"),
        (b"raids.warning_max,raids.warning_max\n0.5,0.6\n", "raids.warning_max appears more than once"),
        (b"", "empty"),
        (b"raids.warning_max,seed\n0.5\n", "row 0 has 1 cells for 2 columns"),
    ],
    ids=["binary", "duplicated-column", "empty", "short-row"],
)
def test_design_files_that_are_not_designs_are_refused(tmp_path, content, message):
    design = tmp_path / "design.csv"
    design.write_bytes(content)
    with pytest.raises(sim.ConfigError) as info:
        sim.compose(["world=small", f"design.file={design}", "design.row=0"])
    assert message in str(info.value) and "\n" not in str(info.value)


def test_design_column_named_replications_is_accepted(tmp_path):
    design = tmp_path / "design.csv"
    design.write_text("replications,seed\n3,5\n")
    config = sim.compose(["world=small", f"design.file={design}", "design.row=0"])
    assert config.replications == 3 and config.seed == 5


def test_auto_replications_stopping_at_the_maximum_say_so(tmp_path, monkeypatch, capsys):
    run_dir = tmp_path / "run"
    precision = ["replications=auto", "precision.half_width=1e-9", "precision.min_replications=2", "precision.max_replications=3"]
    code, _, err = in_process(monkeypatch, capsys, *RUN, *precision, "precision.batch=1", f"hydra.run.dir={run_dir}")
    assert code == 0, err
    meta = json.loads((run_dir / "summary.json").read_text())
    report = meta["precision"]
    assert report["met"] is False
    assert report["target"] == pytest.approx(1e-9)
    assert report["half_width"] > report["target"]
    assert report["replications"] == meta["replications"] == 3
    assert "warning: replications=auto stopped at precision.max_replications=3" in err


def test_auto_replications_reaching_the_target_record_met(tmp_path, monkeypatch, capsys):
    run_dir = tmp_path / "run"
    precision = ["replications=auto", "precision.half_width=1e6", "precision.min_replications=2", "precision.max_replications=3"]
    code, _, err = in_process(monkeypatch, capsys, *RUN, *precision, f"hydra.run.dir={run_dir}")
    assert code == 0, err
    report = json.loads((run_dir / "summary.json").read_text())["precision"]
    assert report["met"] is True and report["half_width"] <= report["target"] == 1e6
    assert "replications=auto stopped" not in err


# ------------------------------------------------------------------ 7. a refused multirun keeps multirun.yaml


def test_refused_multirun_leaves_the_sweep_roots_multirun_yaml_as_it_was(tmp_path):
    sweep_dir = tmp_path / "s"
    base = ["-m", *RUN, f"hydra.sweep.dir={sweep_dir}"]
    first = cli(*base, "scenario=baseline")
    assert first.returncode == 0, first.stderr
    record = (sweep_dir / "multirun.yaml").read_bytes()
    job = (sweep_dir / "0" / "status.json").read_bytes()
    unknown = cli(*base, "scenario=baseline,nope")  # refused when Hydra composes the jobs
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1, unknown.stderr
    assert (sweep_dir / "multirun.yaml").read_bytes() == record
    other = cli(*base, "scenario=baseline", "seed=9")  # refused by job 0: complete results of another config
    assert other.returncode == 2 and "refusing to overwrite" in other.stderr, other.stderr
    assert (sweep_dir / "multirun.yaml").read_bytes() == record
    assert (sweep_dir / "0" / "status.json").read_bytes() == job
    fresh = cli("-m", *RUN, f"hydra.sweep.dir={tmp_path / 'fresh'}", "scenario=nope,baseline")
    assert fresh.returncode == 2
    assert not (tmp_path / "fresh" / "multirun.yaml").exists()


# ------------------------------------------------------------------ help and listing


def test_help_lists_worlds_scenarios_sections_and_the_parameter_table():
    started = time.perf_counter()
    proc = cli("--help")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert len(out.splitlines()) < 150  # not Hydra's 350-line dump
    for world in worlds():
        assert f"  {world.name} " in out
    for scenario in scenarios():
        assert f"  {scenario.name} " in out
        assert " ".join(scenario.description.split()[:3]) in " ".join(out.split())
    for section in ("operations", "raids", "decisions", "protection", "precision", "design"):
        assert f"  {section} " in out
    assert "docs/parameters.md" in out and "python -m sim.list" in out and "--hydra-help" in out
    assert cli("-h").stdout == out
    assert time.perf_counter() - started < TIMEOUT


def test_hydra_help_is_still_available():
    proc = cli("--hydra-help")
    assert proc.returncode == 0, proc.stderr
    assert "Hydra" in proc.stdout and "--multirun" in proc.stdout


def test_sim_list_prints_scenarios_and_parameters_with_units_and_ranges(capsys):
    import sim.list

    assert sim.list.main([]) == 0
    out = capsys.readouterr().out
    for scenario in scenarios():
        assert scenario.name in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip() and not line.startswith(" ")}
    assert "probability" in lines["raids.warning_max"] and "[0, 1]" in lines["raids.warning_max"]
    assert "days" in lines["horizon_days"] and "[31, 36,500]" in lines["horizon_days"]
    assert "USD/worker/day" in lines["operations.revenue_per_worker_day"]
    sim.list.main(["parameters", "raids."])
    only = capsys.readouterr().out
    assert "raids.warning_max" in only and "horizon_days" not in only


def test_sim_list_runs_as_a_module():
    proc = subprocess.run(
        [sys.executable, "-m", "sim.list", "scenarios"], cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=TIMEOUT
    )
    assert proc.returncode == 0, proc.stderr
    assert "crackdown_2025" in proc.stdout and "July 2025" in proc.stdout
