"""The explorer without a browser: its overrides, its runs, its views and its reproducibility.

What the page shows must be what ``python -m sim`` computes for the command
the page shows: the levers become overrides (and only changed levers do),
the background job's replication-by-replication study equals one
``sim.run`` call, the traced replication is the same replication, the saved
run folder and the YAML download reproduce the CLI's files byte for byte.
The page itself is built and driven here through its Python objects;
``tests/test_explore_browser.py`` drives it in a real Chromium.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("panel", reason="the explorer needs Panel: python -m pip install -e '.[explore]' (or '.[test]')")

import sim
from sim.analysis.compare import paired
from sim.explore.app import Explorer, create_app
from sim.explore.jobs import Job
from sim.explore.levers import Policy, Setup, command, compose_config, number, overrides
from sim.explore.reproduce import yaml_name, yaml_text
from sim.explore.series import headline_metric, paired_rows, stat
from sim.runs.output import fmt_number

ROOT = Path(__file__).resolve().parents[1]
SMALL = Setup(world="small", seed=20250716, replications=2)


def cli(args: list[str], run_dir: Path) -> Path:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["MPLBACKEND"] = "Agg"
    proc = subprocess.run(
        [sys.executable, "-m", "sim", *args, f"hydra.run.dir={run_dir}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return run_dir


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Explorer:
    """The page on its defaults (small world, crackdown_2025), run with two replications and polled to the end."""
    p = Explorer(tmp_path_factory.mktemp("explore") / "saved")
    p.replications.value = 2
    job = p.start()
    assert job is not None and job.wait(300)
    p.poll()
    assert p.shown is not None
    return p


@pytest.fixture(scope="module")
def job(page: Explorer) -> Job:
    assert page.job is not None
    return page.job


@pytest.fixture(scope="module")
def cli_run(page: Explorer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m sim`` with the overrides the page shows."""
    assert page.shown is not None
    return cli(page.shown.overrides[0], tmp_path_factory.mktemp("cli") / "run")


def test_defaults_are_the_small_world_and_the_july_wave():
    assert overrides(Setup(), Policy())[:3] == ["world=small", "scenario=crackdown_2025", "seed=20250716"]
    assert command(overrides(SMALL, Policy())) == "python -m sim world=small scenario=crackdown_2025 seed=20250716 replications=2"


def test_only_changed_levers_become_overrides_and_they_compose_to_what_they_say():
    policy = Policy(
        raid_intensity=2.0,
        hold_days=60,
        targeting="largest",
        strength_scale=0.0,
        warnings=False,
        relocation=True,  # as the scenario has it: no override
        substitutes=False,
        supply_scale=0.5,
        pool_scale=2.0,
    )
    ov = overrides(SMALL, policy)
    wave = sim.compose(["world=small", "scenario=crackdown_2025"]).scenario.campaigns
    assert list(wave) == ["june_2025", "july_2025"]  # the two campaigns of the July 2025 wave, each scaled
    per_campaign = [
        line
        for name, camp in wave.items()
        for line in (
            f"scenario.campaigns.{name}.peak_raid_rate={number(camp.peak_raid_rate * 2.0)}",
            f"scenario.campaigns.{name}.hold_days=60.0",
            f"scenario.campaigns.{name}.targeting=largest",
        )
    ]
    assert ov[4:] == [
        *per_campaign,
        "protection.strength_scale=0.0",
        "labour.supply_scale=0.5",
        "victims.pool_scale=2.0",
        "raids.warnings=false",
        "infrastructure.substitutes=false",
    ]
    cfg = compose_config(ov)
    for name, camp in cfg.scenario.campaigns.items():
        want = float(number(wave[name].peak_raid_rate * 2.0))
        assert (camp.peak_raid_rate, camp.hold_days, camp.targeting) == (want, 60.0, "largest")
    assert (cfg.protection.strength_scale, cfg.raids.warnings, cfg.decisions.relocation) == (0.0, False, True)
    assert overrides(SMALL, Policy(scenario="baseline", raid_intensity=3.0))[4:] == [], "baseline has no campaign to scale"


def test_the_job_equals_one_run_of_the_same_overrides(job):
    snap = job.snapshot()
    assert snap.state == "done" and snap.done == snap.total
    study = snap.studies[0]
    assert study is not None
    ref = sim.run(sim.compose(overrides(SMALL, Policy())))
    assert study.summaries == ref.summaries
    assert study.stats == ref.stats
    assert np.array_equal(study.revenue("counterfactual"), ref.revenue("counterfactual"))


def test_the_trace_is_replication_0_and_places_every_worker(job):
    snap = job.snapshot()
    trace, study = snap.traces[0], snap.studies[0]
    assert trace is not None and study is not None
    assert trace.result.events == study.replications[0].events, "tracing must not change the run"
    workers = trace.result.series["workers"]
    for day in range(0, trace.days, 37):  # each compound's workers, summed by its traced site, are the site's workers
        placed = trace.compound_site[day] >= 0
        by_site = np.bincount(trace.compound_site[day][placed], trace.workers(day)[placed], minlength=len(trace.site_names))
        assert np.allclose(by_site, workers[day]), day
    assert any(m.kind == "relocation" for m in trace.moves)
    assert all(m.from_site != -1 for m in trace.moves if m.kind == "relocation")
    assert trace.links[0].pairs, "bosses start with protectors"


def test_a_job_can_be_cancelled():
    j = Job([("Policy A", overrides(Setup(world="small", replications=40), Policy()))], 40).start()
    j.cancel()
    assert j.wait(120)
    snap = j.snapshot()
    assert snap.state == "cancelled"
    assert snap.done < snap.total


def test_the_page_builds_runs_and_saves_what_the_cli_writes(page, cli_run, tmp_path):
    assert create_app(tmp_path) is not None
    assert (page.world.value, page.policies[0].scenario.value) == ("small", "crackdown_2025")
    study = page.shown.studies[0]
    value = stat(study, headline_metric(study))
    assert f'data-mean="{value.mean!r}"' in page.headline.object
    assert f">{fmt_number(value.mean)}</span>" in page.headline.object
    assert command(page.shown.overrides[0]) in page.command.object
    page.policies[0].warnings.value = False
    assert "raids.warnings=false" in page.pending.object, "the page says when the controls no longer match the screen"
    page.policies[0].warnings.value = True
    assert page.pending.object == ""
    saved = page.save()[0]
    assert json.loads((saved / "status.json").read_text())["status"] == "complete"
    for name in ("summary.csv", "timeseries.csv", "events.csv"):
        assert (saved / name).read_bytes() == (cli_run / name).read_bytes(), name
    status = [json.loads((d / "status.json").read_text()) for d in (saved, cli_run)]
    assert status[0]["config_hash"] == status[1]["config_hash"], "a saved run resumes like a CLI run"
    assert (saved / ".hydra" / "config.yaml").read_text() == (cli_run / ".hydra" / "config.yaml").read_text()


def test_the_yaml_download_is_a_config_the_cli_runs(page, cli_run, tmp_path):
    ov = page.shown.overrides[0]
    text = page._yaml(0).getvalue()
    assert text == yaml_text(ov)
    path = tmp_path / yaml_name(ov)
    path.write_text(text)
    made = cli(["--config-dir", str(tmp_path), "--config-name", path.stem], tmp_path / "from_yaml")
    assert (made / "summary.csv").read_bytes() == (cli_run / "summary.csv").read_bytes()


def test_compare_mode_shows_the_paired_differences(tmp_path):
    page = Explorer(tmp_path)
    page.replications.value = 2
    page.compare.value = True
    page.policies[1].warnings.value = False
    job = page.start()
    assert job is not None and job.wait(300)
    page.poll()
    assert page.shown is not None and len(page.shown.studies) == 2
    a, b = page.shown.studies
    ref = {r["metric"]: r for r in paired(a, b, ["final_frac_cf", "arrests_workers"])}
    rows = {r["metric"]: r for r in paired_rows(a, b)}
    for metric in ref:
        assert rows[metric]["B - A"] == fmt_number(float(ref[metric]["diff"]))
    html = page.compared.objects[-1].object
    assert "paired-table" in html and fmt_number(float(ref["arrests_workers"]["diff"])) in html


def test_scamsim_explore_is_a_subcommand():
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "explore", "--help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "scamsim explore" in proc.stdout and "--port" in proc.stdout and "8765" in proc.stdout
