"""Shared fixtures: configs of the small teaching world, composed through Hydra like the CLI does."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import sim
from sim.config.schema import ScamsimConfig

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def small() -> Callable[..., ScamsimConfig]:
    """``small("scenario=baseline", ...)``: a fresh validated config of ``world=small`` with one replication.

    A new config is composed on every call, so a test may change fields without
    affecting any other test.
    """

    def compose(*overrides: str) -> ScamsimConfig:
        return sim.compose(["world=small", "replications=1", *overrides])

    return compose


@pytest.fixture(scope="session")
def run_experiment() -> Callable[..., subprocess.CompletedProcess]:
    """``run_experiment("validate.py", "--quick", "--out", dir)``: run a script of experiments/ as a user would.

    From the repository root (``script`` is relative to ``experiments/``, e.g.
    ``"benchmark/benchmark.py"``), with the source tree first on PYTHONPATH so
    the child measures this checkout; fails the test with the script's stderr
    unless it exits with ``expect`` (default 0).
    """

    def run(script: str, *args: str, expect: int = 0) -> subprocess.CompletedProcess:
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        proc = subprocess.run(
            [sys.executable, f"experiments/{script}", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
        )
        assert proc.returncode == expect, proc.stderr[-3000:]
        return proc

    return run
