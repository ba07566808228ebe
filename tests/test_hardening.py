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
import math
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import sim
import sim.cli
from sim.docs.params_table import rows

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
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


# ------------------------------------------------------------------ the harness


# ------------------------------------------------------------------ 1. resume hashes the config after the design row


# ------------------------------------------------------------------ 2. one run per folder at a time


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


# ------------------------------------------------------------------ 4. a full disk


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


# ------------------------------------------------------------------ 7. a refused multirun keeps multirun.yaml


# ------------------------------------------------------------------ help and listing


