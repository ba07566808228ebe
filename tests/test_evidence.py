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


def test_validation_reports_every_pattern_and_knockout(tmp_path, run_experiment):
    run_experiment("validate.py", "--quick", "--out", str(tmp_path))
    report = (tmp_path / "validation.md").read_text()
    data = json.loads((tmp_path / "validation_data.json").read_text())
    for p in PATTERNS:
        assert f"| {p.name} |" in report
    assert set(data) >= {"calibrated", "no_warnings", "no_relocation", "no_recruitment", "no_substitutes"}
    # switching a mechanism off breaks the pattern that depends on it
    assert data["calibrated"]["cut_site_substitutes"]["pass"] and not data["no_substitutes"]["cut_site_substitutes"]["pass"]
    assert data["calibrated"]["displacement_abroad"]["pass"] and not data["no_relocation"]["displacement_abroad"]["pass"]
    assert not data["no_recruitment"]["recruitment_stays_open"]["pass"]
    assert (
        data["calibrated"]["occupants_leave_before_arrest"]["mean"] > data["no_warnings"]["occupants_leave_before_arrest"]["mean"]
    )


def test_calibration_accepts_the_closest_draws(tmp_path, run_experiment):
    run_experiment("calibrate.py", "--quick", "--out", str(tmp_path), "--draws", "30")
    with (tmp_path / "calibration_samples.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 30
    accepted = [float(r["distance"]) for r in rows if r["accepted"] == "True"]
    rejected = [float(r["distance"]) for r in rows if r["accepted"] == "False"]
    assert len(accepted) == 3 and max(accepted) <= min(rejected)
    assert "posterior mean" in (tmp_path / "calibration.md").read_text()


@pytest.mark.slow
def test_sensitivity_quick(tmp_path, run_experiment):
    pytest.importorskip("SALib")
    run_experiment("sensitivity.py", "--quick", "--out", str(tmp_path))
    with (tmp_path / "sensitivity.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert {r["output"] for r in rows} == {"recovery_days", "final_frac", "revenue_lost_days"}
    assert len(rows) == 3 * 8
