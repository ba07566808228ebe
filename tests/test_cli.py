"""The command line end to end: ``python -m sim world=small`` writes every file of the output contract."""

from __future__ import annotations

import csv
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import sim
from sim.analysis.counterfactual import intervention_start
from sim.config.columns import COLUMN_RANGES

ROOT = Path(__file__).resolve().parents[1]
REPS = 2
SEED = 4242
CONTRACT = (
    "timeseries.csv",
    "events.csv",
    "summary.csv",
    "summary.json",
    "revenue_by_site.png",
    "network.csv",
    "network_edges.csv",
    "status.json",
)
SUMMARY_REQUIRED = (
    "baseline_revenue",
    "trough_frac",
    "recovery_days",
    "final_frac",
    "raids",
    "arrests_workers",
    "arrests_managers",
    "arrests_bosses",
    "low_level_share",
    "nationalities_arrested",
    "relocations",
    "compounds_closed",
)
HEADLINE_KEYS = ("raids", "arrests_workers", "low_level_share", "trough_frac", "final_frac", "relocations", "compounds_closed")


def run_cli(args: list[str], run_dir: Path, executable: list[str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [*(executable or [sys.executable, "-m", "sim"]), *args, f"hydra.run.dir={run_dir}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def num(text: str) -> float:
    """CSV cells: empty means NaN."""
    return math.nan if text == "" else float(text)


@pytest.fixture(scope="module")
def config():
    return sim.compose(["world=small", f"replications={REPS}", f"seed={SEED}"])


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One CLI run shared by the read-only tests of this module."""
    run_dir = tmp_path_factory.mktemp("cli") / "run"
    proc = run_cli(["world=small", f"replications={REPS}", f"seed={SEED}"], run_dir)
    assert proc.returncode == 0, proc.stderr
    return run_dir, proc


def test_exit_zero_and_every_contract_file_written(run):
    run_dir, proc = run
    for name in CONTRACT:
        assert (run_dir / name).is_file(), name
        assert (run_dir / name).stat().st_size > 0, name
    # no temporary files left behind by the atomic writes
    assert not list(run_dir.glob(".*.tmp"))
    assert "Traceback" not in proc.stderr


def test_status_json_complete(run):
    run_dir, _ = run
    status = json.loads((run_dir / "status.json").read_text())
    assert status["status"] == "complete"
    assert set(status["files"]) == set(CONTRACT) - {"status.json"}


def test_timeseries_one_row_per_replication_arm_day_site(run, config):
    run_dir, _ = run
    header, rows = read_csv(run_dir / "timeseries.csv")
    assert header[:3] == ["replication", "arm", "day"]
    for col in ("site", "compounds_active", "workers", "revenue_usd"):
        assert col in header
    sites = list(config.world.sites)
    arms = 2  # the crackdown and its paired no-intervention arm
    assert len(rows) == arms * REPS * config.horizon_days * len(sites)
    keys = {(r["arm"], int(r["replication"]), int(r["day"]), r["site"]) for r in rows}
    assert len(keys) == len(rows)  # no duplicates, so together with the count: every combination once
    assert {k[0] for k in keys} == {"scenario", "counterfactual"}
    assert {k[1] for k in keys} == set(range(REPS))
    assert {k[2] for k in keys} == set(range(config.horizon_days))
    assert {k[3] for k in keys} == set(sites)
    for r in rows:
        assert float(r["revenue_usd"]) >= 0
        assert float(r["workers"]) >= 0
        assert float(r["compounds_active"]) >= 0


def test_events_csv_columns_and_content(run, config):
    run_dir, _ = run
    header, rows = read_csv(run_dir / "events.csv")
    assert header == ["replication", "day", "event", "site", "compound", "boss", "count"]
    assert rows, "a crackdown run logs events"
    sites = set(config.world.sites)
    bosses = {f"{site}-boss-{k}" for site, sc in config.world.sites.items() for k in range(1, sc.bosses + 1)}
    for r in rows:
        assert int(r["replication"]) in range(REPS)
        assert 0 <= int(r["day"]) < config.horizon_days
        assert r["site"] == "" or r["site"] in sites
        # a boss of the world, or the successor (of a successor ...) of one
        assert r["boss"] == "" or re.sub(r"(-successor)+$", "", r["boss"]) in bosses, r["boss"]
        assert int(r["count"]) >= 0
    assert "raid" in {r["event"] for r in rows}


def test_summary_csv_one_row_per_replication_consistent_with_events(run):
    run_dir, _ = run
    header, rows = read_csv(run_dir / "summary.csv")
    assert header[0] == "replication"
    for col in SUMMARY_REQUIRED:
        assert col in header
    assert [int(r["replication"]) for r in rows] == list(range(REPS))

    _, events = read_csv(run_dir / "events.csv")
    n_events: dict[tuple[int, str], int] = defaultdict(int)
    people: dict[tuple[int, str], int] = defaultdict(int)
    for e in events:
        n_events[int(e["replication"]), e["event"]] += 1
        people[int(e["replication"]), e["event"]] += int(e["count"])
    for r in rows:
        k = int(r["replication"])
        assert num(r["raids"]) == n_events[k, "raid"]
        assert num(r["arrests_workers"]) == people[k, "arrest_workers"]
        assert num(r["arrests_managers"]) == people[k, "arrest_managers"]
        assert num(r["arrests_bosses"]) == n_events[k, "arrest_boss"]
        assert num(r["relocations"]) == n_events[k, "relocation"]
        assert num(r["compounds_closed"]) == n_events[k, "compound_closed"]
        arrests = num(r["arrests_workers"]) + num(r["arrests_managers"]) + num(r["arrests_bosses"])
        if arrests:
            assert num(r["low_level_share"]) == pytest.approx(num(r["arrests_workers"]) / arrests)
        else:
            assert math.isnan(num(r["low_level_share"]))


def test_baseline_revenue_recomputed_from_timeseries(run, config):
    run_dir, _ = run
    _, ts = read_csv(run_dir / "timeseries.csv")
    t0 = intervention_start(config)  # the 30 days before the first action: the June 2025 campaign, 19 days before the directive
    assert t0 == config.intervention_day - 19
    daily: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for r in ts:
        if r["arm"] == "scenario":  # not the paired counterfactual arm's rows, which follow
            daily[int(r["replication"])][int(r["day"])] += float(r["revenue_usd"])
    _, summary = read_csv(run_dir / "summary.csv")
    for r in summary:
        k = int(r["replication"])
        window = [daily[k][d] for d in range(t0 - 30, t0)]
        expected = sum(window) / 30
        assert expected > 0
        assert num(r["baseline_revenue"]) == pytest.approx(expected, rel=1e-8)


def test_summary_json_mean_and_ci_of_each_summary_column(run):
    run_dir, _ = run
    meta = json.loads((run_dir / "summary.json").read_text())
    assert meta["seed"] == SEED
    assert meta["replications"] == REPS
    assert meta["world"] == "small"
    assert meta["scenario"] == "crackdown_2025"
    assert isinstance(meta["version"], str) and meta["version"]
    assert isinstance(meta["git_commit"], str) and (
        meta["git_commit"] == "unknown" or re.fullmatch(r"[0-9a-f]{40}", meta["git_commit"])
    )
    assert isinstance(meta["wall_time_s"], (int, float)) and meta["wall_time_s"] >= 0

    header, rows = read_csv(run_dir / "summary.csv")
    columns = header[1:]
    assert set(meta["metrics"]) == set(columns)
    assert meta["ci_method"] == "student_t_clipped"
    tcrit = stats.t.ppf(0.975, REPS - 1)
    for col in columns:
        values = np.array([num(r[col]) for r in rows])
        values = values[~np.isnan(values)]
        m = meta["metrics"][col]
        assert m["n"] == values.size, col
        if values.size == 0:
            assert m["mean"] is None and m["ci_low"] is None and m["ci_high"] is None
            continue
        assert m["mean"] == pytest.approx(values.mean(), rel=1e-8, abs=1e-9), col
        if values.size >= 2:
            half = tcrit * values.std(ddof=1) / math.sqrt(values.size)
            lo, hi = COLUMN_RANGES[col]  # Student t, clipped to the column's possible range
            assert m["ci_low"] == pytest.approx(max(values.mean() - half, lo), rel=1e-6, abs=1e-9), col
            assert m["ci_high"] == pytest.approx(min(values.mean() + half, hi), rel=1e-6, abs=1e-9), col


def test_summary_json_git_commit_matches_checkout(run):
    run_dir, _ = run
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
    if head.returncode != 0:
        pytest.skip("not a git checkout")
    assert json.loads((run_dir / "summary.json").read_text())["git_commit"] == head.stdout.strip()


def test_figure_is_a_valid_png(run):
    run_dir, _ = run
    data = (run_dir / "revenue_by_site.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 100 and height > 100
    assert data[-8:-4] == b"IEND"
    import matplotlib.image

    img = matplotlib.image.imread(run_dir / "revenue_by_site.png")
    assert img.shape[:2] == (height, width)


def test_terminal_prints_headline_table(run):
    run_dir, proc = run
    out = proc.stdout
    assert "scenario=crackdown_2025" in out and "world=small" in out
    assert f"seed={SEED}" in out and f"replications={REPS}" in out
    assert "95% CI" in out
    assert f"results: {run_dir}" in out
    meta = json.loads((run_dir / "summary.json").read_text())
    table = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}
    for key in HEADLINE_KEYS:
        assert key in table, key
        mean = meta["metrics"][key]["mean"]
        if mean is not None:
            assert float(table[key][0]) == pytest.approx(mean, rel=1e-3), key


def snapshot(run_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in run_dir.iterdir() if p.is_file()}


@pytest.fixture
def finished_run(tmp_path):
    run_dir = tmp_path / "run"
    first = run_cli(["world=small", "replications=1", "figure=false"], run_dir)
    assert first.returncode == 0, first.stderr
    before = snapshot(run_dir)
    assert "status.json" in before and "summary.csv" in before
    return run_dir, before


def test_rerun_with_another_config_into_same_dir_refuses_and_leaves_results_untouched(finished_run):
    run_dir, before = finished_run
    second = run_cli(["world=small", "replications=1", "figure=false", "seed=7"], run_dir)
    assert second.returncode != 0
    assert "refusing to overwrite" in second.stderr
    assert "Traceback" not in second.stderr
    assert "results:" not in second.stdout
    assert snapshot(run_dir) == before


def test_rerun_with_same_config_into_same_dir_is_skipped_and_leaves_results_untouched(finished_run):
    run_dir, before = finished_run
    second = run_cli(["world=small", "replications=1", "figure=false"], run_dir)
    assert second.returncode == 0, second.stderr
    assert "skipped" in second.stdout
    assert "results:" not in second.stdout  # nothing was run
    assert snapshot(run_dir) == before


def test_run_after_failed_validation_in_same_dir_completes_and_keeps_failure(tmp_path):
    run_dir = tmp_path / "run"
    bad = run_cli(["world=small", "replications=1", "figure=false", "raids.warning_max=1.5"], run_dir)
    assert bad.returncode == 2
    failed = (run_dir / "status.json").read_bytes()
    good = run_cli(["world=small", "replications=1", "figure=false"], run_dir)
    assert good.returncode == 0, good.stderr
    assert json.loads((run_dir / "status.json").read_text())["status"] == "complete"
    assert (run_dir / "status.failed.json").read_bytes() == failed
    _, rows = read_csv(run_dir / "summary.csv")
    assert len(rows) == 1


def test_refused_rerun_leaves_hydra_provenance_untouched(finished_run):
    run_dir, _ = finished_run
    before = {p.name: p.read_bytes() for p in (run_dir / ".hydra").iterdir()}
    second = run_cli(["world=small", "replications=1", "figure=false", "seed=7"], run_dir)
    assert second.returncode != 0
    after = {p.name: p.read_bytes() for p in (run_dir / ".hydra").iterdir()}
    assert after == before


def test_figure_false_skips_png(finished_run):
    run_dir, _ = finished_run
    assert not (run_dir / "revenue_by_site.png").exists()
    status = json.loads((run_dir / "status.json").read_text())
    assert status["status"] == "complete"
    assert "revenue_by_site.png" not in status["files"]
    assert "summary.csv" in status["files"]


def test_console_script(tmp_path):
    exe = shutil.which("scamsim")
    if exe is None:
        pytest.skip("scamsim console script not installed")
    run_dir = tmp_path / "run"
    proc = run_cli(["world=small", "replications=1", "figure=false"], run_dir, executable=[exe])
    assert proc.returncode == 0, proc.stderr
    assert json.loads((run_dir / "status.json").read_text())["status"] == "complete"
    _, rows = read_csv(run_dir / "summary.csv")
    assert len(rows) == 1
