"""Who was arrested in a run: by rank and by nationality, next to the July 2025 figures.

    python experiments/teaching/arrests.py outputs/teaching/02_july_wave

Ranks (workers, managers, bosses), the counts in the first 30 days and six
months (the windows the July 2025 figures were reported in), and what became
of the raided compounds come from the run's ``summary.csv``.  The
nationality of each arrested worker is not in the run's files, so the
script re-runs the run's exact configuration (``.hydra/config.yaml``, same
seed: the same numbers) in memory, checks that the re-run reproduces the
run's arrests, and prints the shares next to the arrests of the first three
weeks of the wave reported by AP (``../../docs/sources.md#july-first-weeks``).  Nothing is
written to disk.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
from _common import ci, latest, num, read_csv
from omegaconf import OmegaConf

from sim import run as run_study
from sim.analysis.metrics import mean_ci
from sim.analysis.observed import (
    AP_NATIONALITIES,
    AP_TOTAL,
    CAMPAIGN_ARRESTS,
    CAMPAIGN_RAIDS,
    KOKANG_SHARE,
    MIN_NATIONALITIES,
    SENIOR_SHARE,
)
from sim.analysis.stats import column_ci
from sim.config.checks import to_config
from sim.config.schema import ScamsimConfig

#: Reported for Cambodia six months after July 2025 (Anti-Scam Commission; ``../../docs/sources.md#sealed-six-months``).
SEALED_SITES_6M = 118
ARRESTS_6M = 5000
#: The raid-outcome columns of ``summary.csv`` (sim/analysis/windows.py), in words.
OUTCOMES = {
    "raided_kept_operating": "kept operating (the raid did not seal it)",
    "raided_resumed": "sealed, then working again in place",
    "raided_relocated": "sealed, then moved to another site",
    "raided_split": "sealed, then split into small cells",
    "raided_closed": "sealed, then closed or not back by the end",
}


def column(rows: list[dict[str, str]], name: str) -> np.ndarray:
    return np.array([num(r[name]) for r in rows])


def stat(values: np.ndarray, column: str = "") -> str:
    """Mean [95% CI]; clipped to the possible range of ``column`` when it names a summary column (as the run's table)."""
    mean, lo, hi, _n = column_ci(values, column) if column else mean_ci(values)
    return ci(mean, lo, hi, 4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="a run folder, or a folder above runs (the newest is used)")
    parser.add_argument("--top", type=int, default=10, help="nationalities to list (default 10)")
    args = parser.parse_args(argv)
    folder = latest(args.run, "status.json")
    meta = json.loads((folder / "summary.json").read_text())
    rows = read_csv(folder / "summary.csv")
    print(f"run {folder}: scenario={meta['scenario']} world={meta['world']} seed={meta['seed']} replications={len(rows)}")
    print("(mean per replication [95% CI])")

    workers, managers, bosses = (column(rows, c) for c in ("arrests_workers", "arrests_managers", "arrests_bosses"))
    raids = column(rows, "raids")
    print("\nIn the window the July 2025 figures were reported in: the first 30 days (the raid rate is calibrated to it)")
    print(
        f"  raids                   {stat(column(rows, 'raids_30d'), 'raids_30d')}   (July 2025: ~{CAMPAIGN_RAIDS} raids in all Cambodia, CNA)"
    )
    print(
        f"  arrests (all ranks)     {stat(column(rows, 'arrests_30d'), 'arrests_30d')}   (July 2025: more than {CAMPAIGN_ARRESTS:,} "
        "in all Cambodia, CNA)"
    )
    print(
        "  six months on: compounds sealed "
        + stat(column(rows, "sealed_180d"), "sealed_180d")
        + ", arrests "
        + stat(column(rows, "arrests_180d"), "arrests_180d")
    )
    print(f"                          (reported for Cambodia: ~{SEALED_SITES_6M} sites sealed, ~{ARRESTS_6M:,} arrests)")
    print("\nWho was arrested, over the whole run (the wave eases off for months after the first 30 days)")
    print(f"  raids carried out       {stat(raids, 'raids')}")
    print(f"  workers arrested        {stat(workers, 'arrests_workers')}")
    print(f"  managers arrested       {stat(managers, 'arrests_managers')}")
    print(f"  bosses arrested         {stat(bosses, 'arrests_bosses')}")
    senior = (managers + bosses) / np.maximum(workers + managers + bosses, 1)
    print(
        f"  senior share of arrests {stat(senior)}   (observed: {SENIOR_SHARE:.1%} of those deported, Reuters 2026; "
        f"{KOKANG_SHARE:.1%} of Kokang handovers, Xinhua 2023)"
    )
    per_raid = np.where(raids > 0, (workers + managers + bosses) / np.maximum(raids, 1), math.nan)
    print(f"  arrests per raid        {stat(per_raid)}   (observed: ~21 per raid, CNA; ~50 per site in the first weeks, AP)")
    print(
        f"  share of raids leaked   {stat(column(rows, 'warned_share'), 'warned_share')}   (Telegram warnings, workers moved out days before)"
    )
    print(
        f"  nationalities arrested  {stat(column(rows, 'nationalities_arrested'), 'nationalities_arrested')}   (observed: at least {MIN_NATIONALITIES})"
    )

    print("\nWhat became of the compounds raided: share of them, by what followed the first raid that struck each")
    for key, text in OUTCOMES.items():
        print(f"  {text:<44}{stat(column(rows, key), key)}")
    print(
        "  (Amnesty 2025: more than two thirds of the compounds it documented were never investigated or kept "
        "operating after police action)"
    )

    cfg = OmegaConf.merge(OmegaConf.structured(ScamsimConfig), OmegaConf.load(folder / ".hydra" / "config.yaml"))
    config = to_config(cfg)
    start = time.perf_counter()
    study = run_study(config)
    again = np.array([s["arrests_workers"] for s in study.summaries])
    print(f"\nNationalities of arrested workers (re-ran the run's config in {time.perf_counter() - start:.1f} s)")
    if again.shape != workers.shape or not np.array_equal(again, workers):
        print("  WARNING: the re-run does not reproduce this run's arrests: the model changed since the run was made.")
    names = study.replications[0].nationalities
    counts = np.stack([r.arrests_by_nationality for r in study.replications]).astype(float)
    total = counts.sum()
    weights = np.array([config.world.nationalities[n].weight for n in names], float)
    weights /= weights.sum()
    order = np.argsort(-counts.sum(axis=0))[: args.top]
    print(f"  {'nationality':<14}{'arrested/rep':>13}{'share':>8}{'AP 1st 3 weeks':>16}{'workforce':>11}")
    for i in order:
        ap = AP_NATIONALITIES.get(names[i])
        ap_text = f"{ap / AP_TOTAL:.1%}" if ap else "-"
        share = counts[:, i].sum() / total if total else math.nan
        print(f"  {names[i]:<14}{counts[:, i].mean():>13.1f}{share:>8.1%}{ap_text:>16}{weights[i]:>11.1%}")
    print(
        "  (AP: 2,137 arrests at 43 locations, 27 Jun - 18 Jul 2025; 'workforce' is the nationality mix of "
        "recruits in the world config)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
