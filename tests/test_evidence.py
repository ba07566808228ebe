"""The evidence pipeline runs end to end: validation with knockouts, ABC calibration, Sobol analysis.

Quick modes on the small world; the committed results/ come from the full
runs.  The small world is not calibrated to the July 2025 counts, so these
tests check that every pattern is measured and reported, not that it passes.
"""

from __future__ import annotations

import csv
import json

import pytest

from sim.analysis.patterns import PATTERNS


@pytest.mark.slow  # about a minute: run with pytest -m slow
def test_validation_reports_every_pattern_with_role_and_discrimination(tmp_path, run_experiment):
    run_experiment("validate.py", "--quick", "--out", str(tmp_path))
    report = (tmp_path / "validation.md").read_text()
    data = json.loads((tmp_path / "validation_data.json").read_text())
    assert "| pattern | role | scenario | window (days) |" in report and "discriminates (fails on) |" in report
    for p in PATTERNS:
        assert f"| {p.name} | {p.role} | {p.scenario} |" in report
    assert set(data["arms"]) >= {
        "defaults",
        "no_intervention",
        "no_warnings",
        "no_relocation",
        "no_recruitment",
        "no_substitutes",
    }
    assert set(data["discrimination"]) == {p.name for p in PATTERNS}
    for name, d in data["discrimination"].items():
        # the column is what the arms measured: every arm listed fails there, with a measurement
        for arm in d["fails_on"]:
            r = data["arms"][arm][name]
            assert not r["pass"] and (r["n"] or r["never"]), (name, arm)
        assert d["counted"] == (d["role"] == "validation" and bool(d["fails_on"]))
    assert data["counts"]["counted"] == sum(d["counted"] for d in data["discrimination"].values())
    # switching a mechanism off breaks the pattern that depends on it
    arms = data["arms"]
    assert arms["defaults"]["cut_site_substitutes"]["pass"] and not arms["no_substitutes"]["cut_site_substitutes"]["pass"]
    assert not arms["no_relocation"]["displacement_abroad"]["pass"]
    assert not arms["no_recruitment"]["recruitment_stays_open"]["pass"]
    assert (
        arms["defaults"]["occupants_leave_before_arrest"]["mean"] > arms["no_warnings"]["occupants_leave_before_arrest"]["mean"]
    )


@pytest.mark.slow  # about a minute: run with pytest -m slow
def test_calibration_is_abc_smc_with_a_shrinking_tolerance(tmp_path, run_experiment):
    run_experiment("calibrate.py", "--quick", "--particles", "12", "--out", str(tmp_path))
    data = json.loads((tmp_path / "calibration.json").read_text())
    assert data["method"] == "ABC-SMC" and data["generations"] == 2 and data["particles"] == 12
    eps = [g["epsilon"] for g in data["generation_table"]]
    assert eps[1] < eps[0]  # the quantile schedule tightens
    with (tmp_path / "calibration_posterior.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 12 and abs(sum(float(r["weight"]) for r in rows) - 1) < 1e-9
    for key, p in data["parameters"].items():
        lo, hi = p["prior"]
        assert all(lo <= float(r[key]) <= hi for r in rows)
        assert p["sd_ratio"] == pytest.approx(p["sd"] / ((hi - lo) / 12**0.5))
        assert p["identified"] == (p["sd_ratio"] < data["identified_below"])
    assert set(data["posterior_predictive"]["targets"]) == set(data["targets"]) == set(data["point_fit"]["targets"])
    assert data["overlay"] is None  # a quick run never replaces the calibrated world


@pytest.mark.slow
def test_sensitivity_quick(tmp_path, run_experiment):
    """The default quick run: every parameter of the study and the seed get indices (tests/test_sensitivity.py has the rest)."""
    pytest.importorskip("SALib")
    run_experiment("sensitivity.py", "--quick", "--out", str(tmp_path))
    with (tmp_path / "sensitivity.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert {r["output"] for r in rows} == {"final_frac_cf", "recovery_days_cf", "displacement_ratio"}
    inputs = {r["input"] for r in rows}
    assert len(inputs) == 15 and "seed" in inputs and "bosses.successor_prob" in inputs
    assert len(rows) == 3 * 15
    data = json.loads((tmp_path / "sensitivity.json").read_text())
    assert data["points"] == 2 * 17 and data["seeding"]["distinct_seeds"] == 4
