"""A run's raids and arrests next to the July 2025 figures, each in the window its source counted; who was arrested.

    python experiments/teaching/arrests.py outputs/teaching/02_july_wave

The July 2025 wave began on 27 June 2025 (day -19); Hun Manet's directive of
16 July (day 0) stepped it up.  Every published count runs from 27 June to
the day its source reported it: 18 July (AP), 22 July (the ad hoc
committee), mid-August (CNA), six and seven months on.  The script measures
the run in those same windows, with the windows and measures of the pattern
registry (``sim/analysis/patterns.py``, the calibration's targets), and says
which window each figure is from.  The summary's round windows
(``raids_30d``, ``arrests_30d``, ``sealed_180d``, ...) also count from 27
June but are not the sources' windows: they are not used here.

The events those measures need, and the nationality of each arrested
worker, are not in the run's files, so the script first re-runs the run's
exact configuration (``.hydra/config.yaml``, same seed: the same numbers) in
memory and checks that the re-run reproduces the run's arrests.  Ranks
(workers, managers, bosses) over the whole run and what became of the
raided compounds come from the run's ``summary.csv``.  Nothing is written to
disk.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from _common import ROOT, ci, latest, num, read_csv
from omegaconf import OmegaConf

import sim
from sim import run as run_study
from sim.analysis import pattern_measures as pm
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
from sim.analysis.patterns import CALIBRATION, by_name, evaluate
from sim.analysis.results import StudyResult
from sim.analysis.stats import column_ci
from sim.config.checks import to_config
from sim.config.schema import ScamsimConfig

#: Day 0 of the scenario: Hun Manet's directive of 16 July 2025 (``../../docs/sources.md#july-directive``).
DIRECTIVE = date(2025, 7, 16)
#: Locations raided in the first three weeks, 27 Jun - 18 Jul 2025 (AP; ``../../docs/sources.md#july-first-weeks``).
AP_LOCATIONS = 43
#: The world the registry's ranges are for: the calibration ran on it (``configs/experiment/calibration.yaml``).
COUNTRY_WORLD = "cambodia"
#: What each registry measure counts, in a word or two (the measures: ``sim/analysis/pattern_measures.py``).
MEASURES = {
    pm.raids: "raids",
    pm.arrests: "arrests",
    pm.raided_compounds: "compounds raided",
    pm.sealed_compounds: "compounds sealed",
    pm.low_level_share: "workers' share",
}
#: Measures that are counts (scaled with the world's size); the others are shares.
COUNTS = (pm.raids, pm.arrests, pm.raided_compounds, pm.sealed_compounds)
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


def value(x: float) -> str:
    """A measured value: whole numbers from 100 on, else three significant digits."""
    if math.isnan(x):
        return "-"
    return f"{x:.0f}" if abs(x) >= 100 else f"{x:.3g}"


def value_ci(mean: float, lo: float, hi: float) -> str:
    """``mean [lo, hi]`` with :func:`value`; the mean alone when the interval is undefined."""
    return value(mean) if math.isnan(lo) else f"{value(mean)} [{value(lo)}, {value(hi)}]"


def number(x: float) -> str:
    """A reported figure or bound: thousands with a comma, shares as they are."""
    return f"{x:,.0f}" if abs(x) >= 10 and float(x).is_integer() else f"{x:g}"


# ----------------------------------------------------------------------------- re-run and measure


def rerun(folder: Path) -> tuple[StudyResult, float]:
    """The run's exact configuration run again in memory (same seed: the same replications), and the seconds it took."""
    cfg = OmegaConf.merge(OmegaConf.structured(ScamsimConfig), OmegaConf.load(folder / ".hydra" / "config.yaml"))
    start = time.perf_counter()
    study = run_study(to_config(cfg))
    return study, time.perf_counter() - start


def reproduces(study: StudyResult, rows: list[dict[str, str]]) -> bool:
    """Whether the re-run gives the run's worker arrests, replication by replication."""
    again = np.array([s["arrests_workers"] for s in study.summaries])
    workers = column(rows, "arrests_workers")
    return again.shape == workers.shape and bool(np.array_equal(again, workers))


def cambodian_compounds(config) -> int:
    """Compounds at a world's Cambodian sites at the start."""
    return sum(site.compounds for site in config.world.sites.values() if site.country == "Cambodia")


def scale_factor(config) -> float:
    """How many times more compounds the Cambodia world has in Cambodia than this run's world (1 on the Cambodia world)."""
    if config.world.name == COUNTRY_WORLD:
        return 1.0
    return cambodian_compounds(sim.compose([f"world={COUNTRY_WORLD}"])) / cambodian_compounds(config)


def posterior_of(folder: Path) -> str | None:
    """The ``configs/posterior/NAME.yaml`` whose every value the run's config holds (``+posterior=NAME``), or None."""
    plain = OmegaConf.to_container(OmegaConf.load(folder / ".hydra" / "config.yaml"))
    for path in sorted((ROOT / "configs" / "posterior").glob("*.yaml")):
        overlay = OmegaConf.to_container(OmegaConf.load(path))

        def held(over: dict, base: dict) -> bool:
            return all(held(v, base.get(k, {})) if isinstance(v, dict) else base.get(k) == v for k, v in over.items())

        if overlay and held(overlay, plain):
            return path.stem
    return None


def dates(window: tuple[int, int]) -> str:
    """A window of days [a, b) after the directive as calendar dates, first and last day included."""
    first, last = DIRECTIVE + timedelta(days=window[0]), DIRECTIVE + timedelta(days=window[1] - 1)
    year = "" if first.year == last.year else f" {first.year}"
    return f"{first.day} {first:%b}{year} - {last.day} {last:%b %Y}"


def figures(study: StudyResult, factor: float) -> list[dict]:
    """Each July 2025 figure the calibration targets, with the run measured in the source's window.

    One dict per pattern of the registry (``CALIBRATION``, scenario ``crackdown``), in the order of the
    windows' ends: its name, window (days after day 0, half-open), dates, what was reported and by whom, the
    allowed range, the run's mean [95% CI] over replications, the value compared with the range (the mean,
    times ``factor`` for a count on a smaller world) and where that value lies: ``below``, ``in range`` or
    ``above``.
    """
    out = []
    for p in sorted((p for p in CALIBRATION if p.scenario == "crackdown"), key=lambda p: (p.window[1], p.window[0])):
        count = p.measure in COUNTS
        e = evaluate(p, study)
        scaled = e["mean"] * (factor if count else 1.0)
        top = math.inf if count else 1.0  # the CI clipped to what the measure can be, as the run's own table
        lo, hi = (e["ci_low"], e["ci_high"]) if math.isnan(e["ci_low"]) else (max(e["ci_low"], 0.0), min(e["ci_high"], top))
        where = "below" if scaled < p.lo else "above" if scaled > p.hi else "in range"
        out.append(
            {
                "name": p.name,
                "window": list(p.window),
                "dates": dates(p.window),
                "observed": p.observed,
                "citation": p.citation,
                "measure": MEASURES.get(p.measure, p.measure.__doc__ or ""),
                "count": count,
                "range": [p.lo, p.hi],
                "mean": e["mean"],
                "lo": lo,
                "hi": hi,
                "n": e["n"],
                "compared": scaled,
                "where": where,
            }
        )
    return out


def ratio(study: StudyResult, numerator: str, denominator: str) -> tuple[float, float, float, int]:
    """Mean [95% CI] over replications of one pattern's value over another's (the same window), replication by replication."""
    a, b = by_name(numerator).values(study), by_name(denominator).values(study)
    mean, lo, hi, n = mean_ci(np.where(b > 0, a / np.where(b > 0, b, 1.0), math.nan))
    return mean, (lo if math.isnan(lo) else max(lo, 0.0)), hi, n


def nationality_rows(study: StudyResult, top: int) -> list[dict]:
    """The ``top`` nationalities of arrested workers: arrested per replication, share, AP's share, share of recruits."""
    config = study.config
    names = study.replications[0].nationalities
    counts = np.stack([r.arrests_by_nationality for r in study.replications]).astype(float)
    total = counts.sum()
    weights = np.array([config.world.nationalities[n].weight for n in names], float)
    weights /= weights.sum()
    out = []
    for i in np.argsort(-counts.sum(axis=0))[:top]:
        ap = AP_NATIONALITIES.get(names[i])
        out.append(
            {
                "name": names[i],
                "per_replication": float(counts[:, i].mean()),
                "share": float(counts[:, i].sum() / total) if total else math.nan,
                "ap": ap / AP_TOTAL if ap else None,
                "workforce": float(weights[i]),
            }
        )
    return out


# ----------------------------------------------------------------------------- print


def print_figures(study: StudyResult, factor: float, posterior: str | None) -> None:
    config = study.config
    print("\nThe July 2025 figures, each in the window its source counted (sim/analysis/patterns.py)")
    print(f"  Day 0 is Hun Manet's directive of {DIRECTIVE:%d %B %Y}.  The wave began on 27 June (day -19), and every")
    print("  count below runs from then to the day its source reported it.")
    if factor != 1:
        print(
            f"  The figures are for all of Cambodia.  This world has {cambodian_compounds(config)} compounds in Cambodia, the "
            f"Cambodia world\n  {cambodian_compounds(config) * factor:.0f}: the column x{factor:.1f} scales this run's "
            "counts up to compare (shares are not scaled)."
        )
    else:
        print("  This is the Cambodia world, the world the calibration ran on: compare directly.")
    if posterior:
        print(f"  Raid parameters: the calibrated ones (+posterior={posterior}), as in the calibration.")
    else:
        print(
            "  Raid parameters: the defaults.  The calibration fitted the two campaigns' rates (in the scenario) together "
            "with\n  the world's raid parameters (+posterior=july_2025, results/calibration.md): add it to the command to "
            "run the\n  calibrated model."
        )
    scaled_head = f"x{factor:.1f}" if factor != 1 else ""
    print(f"\n  {'reported':<56}{'allowed':<14}{'this run':<34}{scaled_head:>7}")
    group = None
    for x in figures(study, factor):
        if (tuple(x["window"]), x["citation"]) != group:
            group = (tuple(x["window"]), x["citation"])
            a, b = x["window"]
            print(f"  {x['dates']} (days {a} to {b - 1}), {x['citation']}:")
        measured = f"{x['measure']} {value_ci(x['mean'], x['lo'], x['hi'])}"
        scaled = f"{x['compared']:.0f}" if (factor != 1 and x["count"]) else ""
        allowed = f"{number(x['range'][0])}-{number(x['range'][1])}"
        print(f"    {x['observed']:<54}{allowed:<14}{measured:<34}{scaled:>7}  {x['where']}")
    print("\n  In the same windows:")
    mean, lo, hi, _n = ratio(study, "arrests_july_2025", "raids_july_2025")
    print(
        f"    arrests per raid, 27 Jun - 15 Aug         {value_ci(mean, lo, hi):<24}"
        f"(CNA: more than {CAMPAIGN_ARRESTS:,} in ~{CAMPAIGN_RAIDS} raids, ~{CAMPAIGN_ARRESTS / CAMPAIGN_RAIDS:.0f} per raid)"
    )
    mean, lo, hi, _n = ratio(study, "detained_first_three_weeks", "locations_first_three_weeks")
    print(
        f"    arrests per compound raided, to 18 Jul    {value_ci(mean, lo, hi):<24}"
        f"(AP: {AP_TOTAL:,} at {AP_LOCATIONS} locations, ~{AP_TOTAL / AP_LOCATIONS:.0f} per location)"
    )


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

    study, seconds = rerun(folder)
    print(f"(re-ran the run's config in memory in {seconds:.1f} s for the windows and the nationalities)")
    if not reproduces(study, rows):
        print("  WARNING: the re-run does not reproduce this run's arrests: the model changed since the run was made.")
    print_figures(study, scale_factor(study.config), posterior_of(folder))

    workers, managers, bosses = (column(rows, c) for c in ("arrests_workers", "arrests_managers", "arrests_bosses"))
    print("\nWho was arrested, over the whole run (both campaigns, and the months the wave takes to ease off)")
    print(f"  raids carried out       {stat(column(rows, 'raids'), 'raids')}")
    print(f"  workers arrested        {stat(workers, 'arrests_workers')}")
    print(f"  managers arrested       {stat(managers, 'arrests_managers')}")
    print(f"  bosses arrested         {stat(bosses, 'arrests_bosses')}")
    senior = (managers + bosses) / np.maximum(workers + managers + bosses, 1)
    print(
        f"  senior share of arrests {stat(senior)}   (observed: {SENIOR_SHARE:.1%} of those deported, Reuters 2026; "
        f"{KOKANG_SHARE:.1%} of Kokang handovers, Xinhua 2023)"
    )
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

    print("\nNationalities of arrested workers, over the whole run")
    print(f"  {'nationality':<14}{'arrested/rep':>13}{'share':>8}{'AP 1st 3 weeks':>16}{'workforce':>11}")
    for r in nationality_rows(study, args.top):
        ap_text = f"{r['ap']:.1%}" if r["ap"] else "-"
        print(f"  {r['name']:<14}{r['per_replication']:>13.1f}{r['share']:>8.1%}{ap_text:>16}{r['workforce']:>11.1%}")
    print(
        f"  (AP: {AP_TOTAL:,} arrests at {AP_LOCATIONS} locations, 27 Jun - 18 Jul 2025; 'workforce' is the nationality mix of "
        "recruits in the world config)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
