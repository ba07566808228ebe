"""The committed validation results say what the registry says, and their discriminating patterns really fail.

``results/validation_data.json`` (``python experiments/validate.py``) lists,
for every pattern, the arms it fails on.  Here each counted (discriminating
validation) pattern is run again on its clearest failing arm with two
replications of the same seed (replications 0 and 1 of the committed run),
and must fail again; the report must show a role and a "discriminates"
cell for every pattern of the registry, and count no calibration target,
input or claim.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.analysis.discrimination import NO_INTERVENTION
from sim.analysis.patterns import PATTERNS, by_name, evaluate
from sim.runs.experiment import load_study, run_many
from sim.runs.validation import arm_overrides

ROOT = Path(__file__).resolve().parents[1]
DATA = json.loads((ROOT / "results" / "validation_data.json").read_text())
REPORT = (ROOT / "results" / "validation.md").read_text()
COUNTED = [n for n, d in DATA["discrimination"].items() if d["counted"]]


def test_results_follow_the_committed_registry():
    assert set(DATA["patterns"]) == {p.name for p in PATTERNS}
    for p in PATTERNS:
        declared = DATA["patterns"][p.name]
        assert (declared["role"], declared["lo"], declared["hi"], tuple(declared["window"])) == (p.role, p.lo, p.hi, p.window)


def test_report_has_role_and_discriminates_for_every_pattern():
    assert "| pattern | role | scenario | window (days) |" in REPORT and "| discriminates (fails on) |" in REPORT
    for p in PATTERNS:
        row = next(line for line in REPORT.splitlines() if line.startswith(f"| {p.name} | {p.role} | "))
        assert row.count("|") == 10, row  # nine cells: the last one is the discriminates column


def test_inputs_calibration_targets_and_the_claim_are_not_counted():
    for name, d in DATA["discrimination"].items():
        if by_name(name).role != "validation":
            assert not d["counted"], name
    assert DATA["counts"]["counted"] == len(COUNTED)
    assert all(by_name(n).role == "validation" and DATA["discrimination"][n]["fails_on"] for n in COUNTED)


def _arm(name: str) -> str:
    d = DATA["discrimination"][name]
    return (d["clear"] or d["fails_on"])[0]


def test_each_discriminating_pattern_fails_again_on_its_arm():
    if not COUNTED:
        pytest.skip("no discriminating validation pattern in the committed results")
    study = load_study("validation", overrides=["replications=2"])
    assert study.config.world.name == DATA["run"]["world"]
    runs: dict[tuple[str, str], list[str]] = {}
    for name in COUNTED:
        p = by_name(name)
        arm = _arm(name)
        scenario = "baseline" if arm == NO_INTERVENTION else p.scenario
        runs.setdefault((arm, scenario), arm_overrides(study, arm, scenario))
    results = dict(zip(runs, run_many(list(runs.values()), jobs=2), strict=True))
    failed_again = {}
    for name in COUNTED:
        p, arm = by_name(name), _arm(name)
        r = evaluate(p, results[(arm, "baseline" if arm == NO_INTERVENTION else p.scenario)])
        failed_again[name] = (arm, not r["pass"] and bool(r["n"] or r["never"]), r["mean"])
    assert all(ok for _arm_name, ok, _mean in failed_again.values()), failed_again
