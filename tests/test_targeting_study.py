"""The targeting study (experiments/targeting.py): its quick mode end to end, and its paired statistics."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def targeting():
    """``experiments/targeting.py``, imported the way the scripts import each other (their folder on the path)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(ROOT / "experiments"))
        import targeting

        yield targeting


def test_paired_difference_is_the_mean_and_t_interval_of_the_per_replication_differences(targeting):
    a = [1.0, 2.0, 4.0, 3.0]
    b = [0.5, 1.0, 2.5, 2.0]
    d = np.array(a) - np.array(b)  # 0.5, 1, 1.5, 1
    half = 3.182446305284263 * d.std(ddof=1) / 2.0  # t(0.975, 3) * s / sqrt(4)
    out = targeting.paired_difference(a, b)
    assert out["n"] == 4
    assert out["mean"] == pytest.approx(1.0)
    assert out["ci_low"] == pytest.approx(1.0 - half) and out["ci_high"] == pytest.approx(1.0 + half)
    assert out["side"] == "above" and out["excludes_zero"]
    flipped = targeting.paired_difference(b, a)
    assert flipped["side"] == "below" and flipped["mean"] == pytest.approx(-1.0)


def test_paired_difference_pairs_replications_not_means(targeting):
    """A large common spread cancels in the pairs: the unpaired intervals overlap, the paired one excludes 0."""
    base = np.array([10.0, 50.0, 90.0, 30.0, 70.0])
    a, b = base + 1.0 + np.array([0.1, -0.1, 0.0, 0.05, -0.05]), base
    out = targeting.paired_difference(a.tolist(), b.tolist())
    assert out["excludes_zero"] and out["mean"] == pytest.approx(1.0)
    lo_a, hi_b = targeting.interval(a)["ci_low"], targeting.interval(b)["ci_high"]
    assert lo_a < hi_b  # unpaired, they could not be told apart


def test_paired_difference_drops_incomplete_pairs_and_needs_two(targeting):
    out = targeting.paired_difference([1.0, math.nan, 3.0, 2.0], [0.0, 1.0, math.nan, 1.0])
    assert out["n"] == 2 and out["mean"] == pytest.approx(1.0)
    assert out["ci_low"] == pytest.approx(1.0) and out["ci_high"] == pytest.approx(1.0)  # no spread
    assert out["side"] == "above"  # a zero-width interval at 1 lies above 0
    one = targeting.paired_difference([1.0, math.nan], [0.0, 0.0])
    assert one["n"] == 1 and math.isnan(one["ci_low"]) and not one["excludes_zero"]
    with pytest.raises(ValueError):
        targeting.paired_difference([1.0, 2.0], [1.0])


def test_side_reads_a_ratio_against_one(targeting):
    assert targeting.side({"ci_low": 1.01, "ci_high": 1.2}, 1.0) == "above"
    assert targeting.side({"ci_low": 0.5, "ci_high": 0.99}, 1.0) == "below"
    assert targeting.side({"ci_low": 0.9, "ci_high": 1.1}, 1.0) == "indistinguishable"
    assert targeting.side({"ci_low": math.nan, "ci_high": math.nan}, 1.0) == "indistinguishable"


def test_quick_study_writes_every_file_elsewhere_and_renders_from_its_json(tmp_path, run_experiment):
    run_experiment("targeting.py", "--quick", "--out", str(tmp_path))
    names = ("targeting.md", "targeting.csv", "targeting.json", "targeting.png")
    assert all((tmp_path / n).is_file() for n in names)
    data = json.loads((tmp_path / "targeting.json").read_text())
    meta, spec = data["meta"], data["meta"]["study"]["spec"]
    assert meta["study"]["world"] == "small" and meta["study"]["mode"] == "quick" and meta["git_commit"]
    assert spec["count"] == 4 and spec["strategies"] == ["random", "degree", "betweenness", "money", "rank"]
    for setting in ("true", "false"):
        reps = data["replications"][setting]
        assert [r["replication"] for r in reps] == [0, 1, 2]  # the same indices in every arm and setting
        for r in reps:
            for arm in spec["strategies"]:
                gone = r["arms"][arm]["removed"]
                assert gone["bosses"] + gone["protectors"] == 4 == len(gone["nodes"])
            assert r["arms"]["wave_alone"]["removed"]["nodes"] == []
        s = data["summary"]["settings"][setting]
        assert sorted(s["rankings"]["revenue_lost_days_cf"]["order"]) == sorted(spec["strategies"])
        assert len(s["rankings"]["revenue_lost_days_cf"]["pairwise"]) == 10
        # the wave alone's graph is the counterfactual's until the wave starts
        assert s["arms"]["wave_alone"]["measure_ratio"]["-20"]["edges"]["mean"] == pytest.approx(1.0)
        # the paired difference vs random is recomputed from the replications
        lost = [[r["arms"][a]["metrics"]["revenue_lost_days_cf"] for r in reps] for a in ("degree", "random")]
        diff = s["arms"]["degree"]["minus_reference"]["revenue_lost_days_cf"]
        assert diff["mean"] == pytest.approx(np.mean(np.array(lost[0]) - np.array(lost[1])))
    md = (tmp_path / "targeting.md").read_text()
    assert "Bright et al. (2017" in md and "Duijn" in md and not re.search(r"\bnan\b", md, re.IGNORECASE)
    rows = (tmp_path / "targeting.csv").read_text().splitlines()
    assert len(rows) == 1 + 2 * 6  # (5 strategies + the wave alone) x 2 adaptation settings
    # --render remakes the report from the JSON alone
    (tmp_path / "targeting.md").unlink()
    run_experiment("targeting.py", "--render", "--out", str(tmp_path))
    assert (tmp_path / "targeting.md").read_text() == md


def test_quick_output_is_refused_in_results(run_experiment):
    proc = run_experiment("targeting.py", "--quick", "--out", str(ROOT / "results"), expect=2)
    assert "refusing" in proc.stderr
