"""Statistics a reader can trust (issue 13 item 8).

Intervals of bounded metrics stay in the possible range; the figure's band
is the same interval as ``summary.json``'s; fewer than 5 replications warn on
stderr and in ``summary.json``; the terminal table has one number format and
says "n/a", not "never", when there is nothing to measure.
"""

from __future__ import annotations

import io
import json
import math
import re

import numpy as np
import pytest

from sim import compose, run
from sim.analysis.stats import CI_METHOD, band, column_ci, mean_ci, replication_warning
from sim.config.columns import COLUMN_RANGES, SUMMARY_COLUMNS
from sim.runs.output import fmt_number, headline_table, summary_json, write_outputs
from sim.runs.progress import Progress

SHORT = ["world=small", "horizon_days=400", "figure=false", "progress=false"]


def test_intervals_of_bounded_metrics_stay_in_range():
    """The issue's two examples: a count CI below 0 and a share CI above 1, from raw Student t."""
    closed = np.array([0, 0, 0, 2], float)
    _m, lo, _hi, _n = mean_ci(closed)
    assert lo < 0  # what the t-interval alone gives
    mean, lo, hi, n = column_ci(closed, "compounds_closed")
    assert (mean, lo, n) == (0.5, 0.0, 4) and hi > mean
    share = np.array([0.98, 1.0, 0.93, 1.0, 1.0])
    assert mean_ci(share)[2] > 1
    _m, lo, hi, _n = column_ci(share, "low_level_share")
    assert hi == 1.0 and 0 < lo < 1


def test_every_summary_column_has_a_range_and_the_study_respects_it():
    assert set(COLUMN_RANGES) == set(SUMMARY_COLUMNS)
    study = run(compose([*SHORT, "scenario=crackdown_2025", "replications=3"]))
    for col, s in study.stats.items():
        lo, hi = COLUMN_RANGES[col]
        if s["n"] > 1:
            assert lo <= s["ci_low"] <= s["mean"] <= s["ci_high"] <= hi, (col, s)
    meta = summary_json(study)
    assert meta["ci_method"] == CI_METHOD == "student_t_clipped"
    assert "clipped" in meta["ci_description"]


def test_the_figure_band_is_the_summary_interval():
    """revenue_by_site draws stats.band: the same Student-t interval as summary.json, not 1.96."""
    rng = np.random.default_rng(0)
    runs = rng.normal(10, 2, size=(4, 6))
    mean, lo, hi = band(runs)
    for j in range(runs.shape[1]):
        m, clo, chi, _n = column_ci(runs[:, j], "baseline_revenue")
        assert mean[j] == pytest.approx(m) and lo[j] == pytest.approx(clo) and hi[j] == pytest.approx(chi)
    # with 4 replications Student t is ~1.6x wider than 1.96 would be
    half = (hi - lo) / 2
    assert np.all(half > 1.5 * 1.96 * runs.std(axis=0, ddof=1) / 2)


def test_few_replications_warn_in_summary_json_and_on_stderr(tmp_path, capsys):
    assert replication_warning(5) is None and "only 4 replications" in str(replication_warning(4))
    study = run(compose([*SHORT, "scenario=baseline", "replications=2"]))
    assert study.warnings and "only 2 replications" in study.warnings[0]
    write_outputs(study, tmp_path / "run", figure=False)
    meta = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert meta["warnings"] == study.warnings
    assert meta["counterfactual"] is False


def test_the_cli_prints_the_warning_on_stderr(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "sim", *SHORT, "scenario=baseline", "replications=1", f"hydra.run.dir={tmp_path / 'r'}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "scamsim: warning: only 1 replication:" in proc.stderr
    assert "warning" not in proc.stdout


NUMBER = r"(n/a|-?\d{1,3}(,\d{3})+|-?\d+(\.\d+)?|-?\d\.\d+e[-+]\d+)"


def test_one_number_format_and_na_instead_of_never():
    assert fmt_number(0.58173) == "0.5817" and fmt_number(3060.4) == "3,060" and fmt_number(116000.0) == "116,000"
    assert fmt_number(0.0) == "0" and fmt_number(math.nan) == "n/a" and fmt_number(12.3456) == "12.35"
    study = run(compose([*SHORT, "scenario=baseline", "replications=2"]))  # no raids, so no arrests
    table = headline_table(study)
    rows = {line.split()[0]: line for line in table.splitlines()[2:]}
    assert "n/a" in rows["low_level_share"] and "never" not in rows["low_level_share"]
    assert "no counterfactual arm" in rows["final_frac_cf"]
    for line in table.splitlines()[2:]:
        fields = line.split(None, 1)[1]
        value = fields.split()[0]
        assert re.fullmatch(NUMBER, value), line
        ci = re.search(r"\[(.+), (.+)\]", fields)
        if ci:
            assert re.fullmatch(NUMBER, ci.group(1)) and re.fullmatch(NUMBER, ci.group(2)), line


def test_never_stays_for_recovery():
    study = run(
        compose([*SHORT, "scenario=crackdown_2025", "replications=1", "scenario.campaigns.july_2025.hold_days=500"]),
        counterfactual=False,
    )
    row = next(line for line in headline_table(study).splitlines() if line.startswith("recovery_days "))
    assert ("never" in row) == math.isnan(study.summaries[0]["recovery_days"])


def test_headline_leads_with_the_counterfactual_columns():
    from sim.analysis.counterfactual import CF_COLUMNS
    from sim.analysis.metrics import HEADLINE

    assert HEADLINE[: len(CF_COLUMNS)] == CF_COLUMNS
    for old in ("trough_frac", "recovery_days", "final_frac", "host_final_frac"):
        assert old in HEADLINE


def test_progress_without_a_terminal_prints_a_line_per_batch():
    """replications=auto: one line per batch on a non-terminal stream, with the half-width against the target."""
    out = io.StringIO()
    bar = Progress("x/small", total=20, stream=out, tty=False)
    for _batch in range(3):
        bar.step(5)
        bar.precision("final_frac", 0.05, 0.02)
        bar.batch_done()
    bar.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[-1].startswith("scamsim: x/small: 15/20 replications, final_frac half-width 0.05 (target 0.02)")


def test_progress_of_a_fixed_run_without_a_terminal_prints_tenths():
    out = io.StringIO()
    bar = Progress("x/small", total=30, stream=out, tty=False)
    for _ in range(30):
        bar.step()
        bar.maybe_line()
    assert len(out.getvalue().splitlines()) == 10


def test_progress_on_a_terminal_is_one_bar_with_the_half_width():
    out = io.StringIO()
    bar = Progress("x/small", total=20, stream=out, tty=True)
    bar.step(5)
    bar.precision("final_frac", 0.05, 0.02)
    bar.batch_done()
    bar.close()
    text = out.getvalue()
    assert "half-width 0.05 (target 0.02)" in text and "scamsim:" not in text


def test_an_auto_run_reports_each_batch_on_stderr(capsys):
    run(
        compose(
            [
                *SHORT,
                "scenario=baseline",
                "replications=auto",
                "precision.min_replications=2",
                "precision.batch=1",
                "precision.max_replications=3",
                "precision.half_width=1e-9",
            ]
        ),
        progress=True,
    )
    err = capsys.readouterr().err.splitlines()
    lines = [e for e in err if e.startswith("scamsim: baseline/small:")]
    assert [e.split(":")[2].split()[0] for e in lines] == ["2/3", "3/3"]
    assert all("final_frac half-width" in e for e in lines)
