"""The quick reproduction writes every figure and table of the studies, and never touches results/.

``results/`` holds the committed reference results of the full runs; a quick
run (what CI does) writes 4-replication small-world numbers, which must land
in ``outputs/reproduce-quick/<date_time>/`` and never over the reference
files (issue 13).  The studies are Hydra experiment configs in
``configs/experiment/`` in the one ``# @package _global_`` dialect.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import sim
from sim.runs.experiment import ResultsProtectedError, load_study, output_folder, studies

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "results"
EXPERIMENTS = ROOT / "configs" / "experiment"
FIGURES = [
    "fig1_revenue_by_scenario",
    "fig2_recovery",
    "fig3_displacement",
    "fig4_phase",
    "fig5_arrests",
    "fig6_claim",
]
TABLES = ["scenarios.csv", "displacement.csv", "arrests.csv", "phase.csv", "claim.csv"]
SCRIPTS = ["reproduce.py", "validate.py", "calibrate.py", "sensitivity.py", "benchmark/benchmark.py"]


def digests(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under ``folder`` (hidden ones included), by relative path: its size, modification time and SHA-256.

    Files inside a hidden folder (a long study's resumable sweep, such as
    ``results/.sensitivity_sweep/``: git-ignored, gigabytes on a machine that
    ran it) are compared by size and modification time only; any write
    changes the second.  Hashing them made each of these tests read them all.
    """
    out = {}
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(folder)
        st = p.stat()
        hidden_folder = any(part.startswith(".") for part in rel.parts[:-1])
        out[str(rel)] = (st.st_size, st.st_mtime_ns, "" if hidden_folder else hashlib.sha256(p.read_bytes()).hexdigest())
    return out


def test_quick_reproduction_writes_every_figure_elsewhere_and_leaves_results_byte_identical(run_experiment):
    before = digests(RESULTS)
    proc = run_experiment("reproduce.py", "--quick", "--jobs", "2")
    said = [line.removeprefix("output: ") for line in proc.stdout.splitlines() if line.startswith("output: ")]
    assert len(said) == 1, proc.stdout
    out = Path(said[0])
    try:
        assert digests(RESULTS) == before, "reproduce.py --quick changed the committed reference results"
        assert out.parent == ROOT / "outputs" / "reproduce-quick", out
        for fig in FIGURES:
            png = out / f"{fig}.png"
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", fig
            meta = json.loads((out / f"{fig}.json").read_text())
            assert meta["study"]["mode"] == "quick"
            assert meta["study"]["world"] == "small"
            assert {"name", "seed", "replications", "overrides", "spec"} <= set(meta["study"])
            assert meta["study"]["overrides"][0] == f"+experiment={meta['study']['name']}"
            assert meta["git_commit"] and meta["packages"]["simpy"] and meta["version"]
        for table in TABLES:
            lines = (out / table).read_text().splitlines()
            assert len(lines) >= 2, table
        claim = json.loads((out / "fig6_claim.json").read_text())
        # equal enforcement budget, up to the raid count's sampling noise
        assert abs(claim["budget_targeted"] - claim["budget_raid_only"]) <= 0.25 * claim["budget_raid_only"]
        assert not list(out.glob(".*.tmp")), "temporary files left behind"
    finally:
        shutil.rmtree(out, ignore_errors=True)
        with contextlib.suppress(OSError):  # the quick-output folder, if this run made it
            out.parent.rmdir()


@pytest.mark.parametrize("name", SCRIPTS)
@pytest.mark.parametrize("target", ["results", "results/sub"])
def test_quick_output_into_results_is_refused(name, target, run_experiment):
    before = digests(RESULTS)
    proc = run_experiment(name, "--quick", "--out", target, expect=2)
    assert "--overwrite-results" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert digests(RESULTS) == before
    assert not (RESULTS / "sub").exists()


@pytest.mark.slow
def test_benchmark_quick(tmp_path, run_experiment):
    run_experiment("benchmark/benchmark.py", "--quick", "--out", str(tmp_path))
    report = json.loads((tmp_path / "benchmark.json").read_text())
    assert report["mode"] == "quick"
    names = [t["name"] for t in report["targets"]]
    committed = [t["name"] for t in json.loads((RESULTS / "benchmark.json").read_text())["targets"]]
    assert names == committed, "the quick benchmark checks the same targets as the committed one"
    assert sum(n.startswith("(v2)") for n in names) == 5  # the performance v2 targets
    assert all(isinstance(t["pass"], bool | float | int) and t["value"] for t in report["targets"])
    assert report["naive"]["agreement"]["agree"], "the naive reference and the reduced model must agree"
    for name in ("benchmark_scaling.png", "benchmark_sweep.png", "benchmark_profile.txt"):
        assert (tmp_path / name).stat().st_size > 0, name


def test_output_folder_rules(tmp_path):
    (tmp_path / "results").mkdir()
    full = output_folder(None, quick=False, root=tmp_path, name="x")
    assert full == (tmp_path / "results").resolve()
    quick = output_folder(None, quick=True, root=tmp_path, name="x")
    assert quick.parent == (tmp_path / "outputs" / "x-quick").resolve() and quick.is_dir()
    with pytest.raises(ResultsProtectedError):
        output_folder(tmp_path / "results", quick=True, root=tmp_path, name="x")
    with pytest.raises(ResultsProtectedError):
        output_folder(tmp_path / "results" / ".." / "results" / "a", quick=True, root=tmp_path, name="x")
    assert output_folder(tmp_path / "results", quick=True, root=tmp_path, name="x", overwrite_results=True).is_dir()
    assert output_folder(tmp_path / "elsewhere", quick=True, root=tmp_path, name="x").is_dir()


# ----------------------------------------------------------------------------- the study configs


def test_every_study_is_an_experiment_config_in_the_global_dialect():
    assert set(studies()) >= {"scenarios", "phase", "claim", "validation", "calibration", "sensitivity"}
    assert not (ROOT / "experiments" / "studies").exists(), "one dialect: studies live in configs/experiment/"
    for name in studies():
        text = (EXPERIMENTS / f"{name}.yaml").read_text()
        assert text.startswith("# @package _global_"), name


@pytest.mark.parametrize("name", sorted(p.stem for p in EXPERIMENTS.glob("*.yaml")))
@pytest.mark.parametrize("quick", [False, True], ids=["full", "quick"])
def test_study_composes(name, quick):
    study = load_study(name, quick)
    assert study.name == name and study.title and study.spec
    assert study.overrides[0] == f"+experiment={name}"
    assert study.config.study.name == name
    if quick:
        assert study.overrides[1:] == list(study.config.study.quick)
        # a smoke test on the small world, unless the study says why it needs another (spec.quick_world)
        assert study.config.world.name == study.spec.get("quick_world", "small"), "quick mode is a smoke test on the small world"
    # every run of the study is composed from the same overrides, so the CLI can remake it
    assert sim.compose(study.overrides).study.spec == study.config.study.spec


def test_study_node_does_not_change_a_plain_run():
    plain = sim.compose(["world=small"])
    assert plain.study.name == "" and plain.study.spec == {} and plain.study.quick == []


def test_experiment_cfg_job_prints_the_study(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "+experiment=scenarios", "--cfg", "job"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "name: scenarios" in proc.stdout and "replications: 30" in proc.stdout


def test_no_import_path_manipulation():
    needle = "sys" + ".path"  # spelled apart so that this file does not match itself
    hits = [
        f"{p.relative_to(ROOT)}"
        for folder in ("sim", "experiments", "tests")
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and p.suffix in (".py", ".ipynb", ".md") and needle in p.read_text(errors="ignore")
    ]
    assert hits == []
