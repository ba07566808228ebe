"""The quick reproduction writes every figure and table of experiments/ (what CI runs)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = [
    "fig1_revenue_by_scenario",
    "fig2_recovery",
    "fig3_displacement",
    "fig4_phase",
    "fig5_arrests",
    "fig6_claim",
]
TABLES = ["scenarios.csv", "displacement.csv", "arrests.csv", "phase.csv", "claim.csv"]


def test_quick_reproduction_writes_every_figure_with_a_sidecar(tmp_path, run_experiment):
    run_experiment("reproduce.py", "--quick", "--out", str(tmp_path), "--jobs", "2")
    for fig in FIGURES:
        png = tmp_path / f"{fig}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", fig
        meta = json.loads((tmp_path / f"{fig}.json").read_text())
        assert meta["study"]["mode"] == "quick"
        assert {"seed", "replications", "world"} <= set(meta["study"])
        assert meta["git_commit"] and meta["packages"]["simpy"]
    for table in TABLES:
        lines = (tmp_path / table).read_text().splitlines()
        assert len(lines) >= 2, table
    claim = json.loads((tmp_path / "fig6_claim.json").read_text())
    # equal enforcement budget, up to the raid count's sampling noise
    assert abs(claim["budget_targeted"] - claim["budget_raid_only"]) <= 0.25 * claim["budget_raid_only"]
