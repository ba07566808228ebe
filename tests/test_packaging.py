"""What a citable package declares, and what a run leaves in its folder besides its results.

- ``pyproject.toml``: the version from git tags (hatch-vcs) with a fallback for
  a clone without tags or an archive without git, the classifiers, keywords
  and authors, ``matplotlib>=3.9``, no pin of what another dependency brings,
  and the ``teaching`` and ``test`` extras for the notebook.
- ``sim.runs.provenance.version()`` reports the installed version (PEP 440).
- A run, a refused run and a sweep write no log file: Hydra's job logging goes
  to the terminal (``hydra/job_logging: stdout`` in ``configs/config.yaml``),
  not to an empty ``cli.log`` in every folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from sim.runs.provenance import provenance, version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]


def requirements(items: list[str]) -> dict[str, Requirement]:
    reqs = [Requirement(r) for r in items]
    return {re.sub(r"[-_.]+", "-", r.name).lower(): r for r in reqs}


# ----------------------------------------------------------------------------- version


def test_version_comes_from_git_tags_with_a_fallback():
    assert "version" not in PROJECT and "version" in PROJECT["dynamic"]
    assert PYPROJECT["tool"]["hatch"]["version"]["source"] == "vcs"
    assert any(Requirement(r).name == "hatch-vcs" for r in PYPROJECT["build-system"]["requires"])
    fallback = PYPROJECT["tool"]["hatch"]["version"]["raw-options"]["fallback_version"]
    assert Version(fallback).is_devrelease, "a build without git metadata must not look like a release"


def test_installed_version_is_a_pep440_version_recorded_in_provenance():
    installed = version()
    assert installed != "0+unknown", "scamsim is not installed: python -m pip install -e '.[test]'"
    Version(installed)  # raises InvalidVersion otherwise
    assert provenance(packages=False)["version"] == installed


# ----------------------------------------------------------------------------- metadata


def test_classifiers_keywords_authors():
    classifiers = set(PROJECT["classifiers"])
    for required in (
        "Intended Audience :: Science/Research",
        "Intended Audience :: Education",
        "License :: OSI Approved :: MIT License",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Topic :: Scientific/Engineering",
    ):
        assert required in classifiers, required
    assert any(c.startswith("Development Status :: ") for c in classifiers)
    assert PROJECT["keywords"] and PROJECT["authors"]
    assert (ROOT / "LICENSE").is_file() and "MIT" in (ROOT / "LICENSE").read_text()


def test_dependencies_matplotlib_39_and_no_redundant_pins():
    deps = requirements(PROJECT["dependencies"])
    assert deps["matplotlib"].specifier.contains("3.9.0") and not deps["matplotlib"].specifier.contains("3.8.4"), (
        "Axes.boxplot(tick_labels=) needs matplotlib 3.9"
    )
    assert "omegaconf" not in deps, "hydra-core brings (and pins) omegaconf"
    assert "joblib" not in deps, "hydra-joblib-launcher brings joblib"


def test_teaching_and_test_extras_run_the_notebook():
    extras = PROJECT["optional-dependencies"]
    teaching = requirements(extras["teaching"])
    assert "jupyter" in teaching and "ipykernel" in teaching
    test = requirements(extras["test"])
    assert "nbclient" in test and "ipykernel" in test, "CI runs tests/test_notebook.py in a kernel"


# ----------------------------------------------------------------------------- no log files


def run_sim(*args: str, multirun: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            *(["-m"] if multirun else []),
            "world=small",
            "scenario=baseline",
            "replications=1",
            "figure=false",
            *args,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize("kind", ["run", "refused", "sweep"])
def test_no_log_file_in_run_or_sweep_folders(tmp_path, kind):
    out = tmp_path / kind
    if kind == "run":
        proc = run_sim(f"hydra.run.dir={out}")
    elif kind == "refused":
        proc = run_sim("horizon_days=-1", f"hydra.run.dir={out}")
    else:
        proc = run_sim("seed=1,2", f"hydra.sweep.dir={out}", multirun=True)
    if kind == "refused":
        assert proc.returncode != 0 and "horizon_days" in proc.stderr, proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr[-3000:]
        jobs = [out] if kind == "run" else [out / "0", out / "1"]
        assert all((job / "status.json").is_file() for job in jobs)
    logs = [str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*.log")]
    assert not logs, f"log files in the run folders (Hydra's default job logging writes an empty <job>.log): {logs}"


def test_ci_runs_the_readme_test_command_verbatim():
    """A new user and CI run the same thing: the one command line of .ci/run is a line of the README."""
    commands = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))
    ]
    assert len(commands) == 1, commands
    readme_lines = {line.strip() for line in (ROOT / "README.md").read_text().splitlines()}
    assert commands[0].strip() in readme_lines
    assert "python -m pytest" in commands[0]
