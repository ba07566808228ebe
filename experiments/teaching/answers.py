"""The worksheets' expected answers: the numbers (``answers.json``) and the instructor's guide made from them.

    python experiments/teaching/run_worksheets.py      # runs every command, then does both steps below
    python experiments/teaching/answers.py --collect outputs/teaching/worksheets/<date_time>
                                                       # answers.json from the folders that run wrote
    python experiments/teaching/answers.py             # INSTRUCTOR.md's answer blocks (and worksheet 6's
                                                       # budget box) from answers.json and the configs
    python experiments/teaching/answers.py --check     # exit 1 if either is not what answers.json makes

No number in ``INSTRUCTOR.md`` between ``<!-- answers:NAME:start -->`` and
``<!-- answers:NAME:end -->`` is typed by hand: ``--collect`` reads the run
and sweep folders each worksheet command wrote (listed in the
``manifest.json`` of ``run_worksheets.py``) with the same functions the
helper scripts print with (``paired.py``, ``story.py``), and stores every
number an answer quotes in ``answers.json`` with the git commit, the model
version and the run times.  Rendering only formats those numbers.  Where the
prose of an answer states a direction ("lower", "recovers", "identical"),
the words are computed, or the claim is checked (:func:`expect`): a claim
that no longer holds makes the rendering fail, naming it, so the guide is
rewritten instead of going stale.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import arrests
import numpy as np
import paired
import story
from _common import ROOT, num, read_csv

import sim
from sim.analysis import pattern_measures as pm
from sim.analysis.counterfactual import LASTING_LEVEL, RECOVERY_LEVEL
from sim.analysis.counterfactual import effect_class as classify_effect
from sim.analysis.stats import column_ci, t_quantile

HERE = Path(__file__).resolve().parent
ANSWERS = HERE / "answers.json"
GUIDE = HERE / "INSTRUCTOR.md"
BUDGET_SHEET = HERE / "06_budget.md"
#: Version of the model the answers were made with (README, "What it finds": version 2 = issue 10:
#: finite labour, binding money, a victim pool, built space, timed moves, the paired counterfactual arm).
MODEL_VERSION = 2
#: Thresholds of ``experiments/region.py`` for the effect one year on (``frac_cf_1y``): "lasting" when the
#: whole 95% CI is below LASTING, "recovers" when it is above RECOVERS, "partial" otherwise.
LASTING, RECOVERS = LASTING_LEVEL, RECOVERY_LEVEL
POLICIES = ("july_2025", "sustained", "protection_first", "protection_and_infrastructure", "bosses_first", "largest_first")


# ----------------------------------------------------------------------------- numbers


def sig(x: float, digits: int = 6) -> float | None:
    """``x`` rounded to ``digits`` significant digits (None for NaN: JSON has no NaN)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    x = float(x)
    return 0.0 if x == 0 else round(x, digits - 1 - math.floor(math.log10(abs(x))))


def stat(values: np.ndarray, column: str = "") -> dict:
    """Mean and 95% CI over replications, clipped like the run's own table when ``column`` is a summary column."""
    mean, lo, hi, n = column_ci(np.asarray(values, float), column)
    return {"mean": sig(mean), "lo": sig(lo), "hi": sig(hi), "n": int(n)}


class Sheet:
    """The commands of one worksheet as ``run_worksheets.py`` recorded them."""

    def __init__(self, name: str, record: dict) -> None:
        self.name, self.commands = name, record["commands"]

    def record(self, command: str) -> dict:
        for rec in self.commands:
            if rec["command"] == command:
                return rec
        raise SystemExit(f"answers: {self.name} has no command {command!r}: the worksheet changed, update answers.py")

    def folder(self, command: str) -> Path:
        rec = self.record(command)
        if not rec["folder"]:
            raise SystemExit(f"answers: no folder recorded for {command!r} in {self.name}")
        return ROOT / rec["folder"]

    def stdout(self, command: str) -> str:
        return self.record(command)["stdout"]


# --- single runs


def run_stats(folder: Path, columns: tuple[str, ...]) -> dict:
    metrics = json.loads((folder / "summary.json").read_text())["metrics"]
    out = {}
    for c in columns:
        m = metrics[c]
        out[c] = {"mean": sig(m["mean"]), "lo": sig(m["ci_low"]), "hi": sig(m["ci_high"]), "n": int(m["n"])}
    return out


def summary_rows(folder: Path) -> list[dict[str, str]]:
    return read_csv(folder / "summary.csv")


def column(rows: list[dict[str, str]], name: str) -> np.ndarray:
    return np.array([num(r[name]) for r in rows])


def senior_share(rows: list[dict[str, str]]) -> np.ndarray:
    w, m, b = (column(rows, c) for c in ("arrests_workers", "arrests_managers", "arrests_bosses"))
    return (m + b) / np.maximum(w + m + b, 1)


def per_raid(rows: list[dict[str, str]]) -> np.ndarray:
    w, m, b, r = (column(rows, c) for c in ("arrests_workers", "arrests_managers", "arrests_bosses", "raids"))
    return np.where(r > 0, (w + m + b) / np.maximum(r, 1), math.nan)


def t0_of(folder: Path) -> int:
    return int(json.loads((folder / "summary.json").read_text())["intervention_day"])


def events(folder: Path, rep: int) -> list[dict]:
    """One replication's events, days from the intervention."""
    t0 = t0_of(folder)
    out = []
    for r in read_csv(folder / "events.csv"):
        if int(r["replication"]) == rep:
            out.append({**r, "day": int(r["day"]) - t0, "count": int(r["count"])})
    return out


def raids_told(folder: Path, rep: int) -> list[dict]:
    """Every raid of a replication with its parts (as ``story.py`` tells it), and what its compound did next."""
    evs = events(folder, rep)
    raids: dict[tuple[int, str], dict] = {}
    for e in evs:
        if e["event"] == "raid" or e["event"] in story.RAID_PARTS:
            raid = raids.setdefault((e["day"], e["compound"]), {"day": e["day"], "compound": e["compound"]})
            raid.update(site=e["site"] or raid.get("site", ""), boss=e["boss"] or raid.get("boss", ""))
            raid[e["event"]] = e["count"]
    out = []
    for raid in sorted(raids.values(), key=lambda r: r["day"]):
        after = [e for e in evs if e["compound"] == raid["compound"] and e["day"] > raid["day"]]
        for kind in ("lay_low", "resume", "relocation"):
            days = [e["day"] for e in after if e["event"] == kind]
            raid[f"{kind}_day"] = days[0] if days else None
        raid["leaked"] = "warning" in raid
        raid["sealed"] = "kept_operating" not in raid
        out.append(raid)
    return out


def raids_per_replication(folder: Path) -> list[int]:
    n = int(json.loads((folder / "summary.json").read_text())["replications"])
    counts = Counter(int(r["replication"]) for r in read_csv(folder / "events.csv") if r["event"] == "raid")
    return [counts.get(k, 0) for k in range(n)]


def moves(folder: Path, rep: int, last_day: int) -> list[dict]:
    """Relocations of a replication up to ``last_day``: day, compound, boss, from, to (as ``story.py`` tells them)."""
    last_site: dict[str, str] = {}
    out = []
    for e in events(folder, rep):
        origin = last_site.get(e["compound"])
        if e["compound"] not in ("", "-1") and e["site"]:
            last_site[e["compound"]] = e["site"]
        if e["event"] == "relocation" and e["day"] <= last_day:
            out.append({"day": e["day"], "compound": e["compound"], "boss": e["boss"], "from": origin, "to": e["site"]})
    return out


def sites(folder: Path) -> dict:
    """``story.site_data`` as JSON: per site and window, USD/day and % of the network's revenue before."""
    data = story.site_data(folder, t0_of(folder))
    total = data["total_before"]
    out = {}
    for s in [*data["sites"], "ALL SITES"]:
        pick = data["sites"] if s == "ALL SITES" else [s]
        out[s] = {
            w: {
                "usd": sig(sum(data["revenue"].get((w, x), 0.0) for x in pick)),
                "share": sig(sum(data["revenue"].get((w, x), 0.0) for x in pick) / total),
                "workers": sig(sum(data["workers"].get((w, x), 0.0) for x in pick)),
            }
            for w in data["windows"]
        }
    return out


def before_vs_arm(folder: Path) -> dict:
    """Per replication, the network's revenue in the 30 days before day 0 over the same days of its no-intervention arm.

    Below 1 when a campaign raided before day 0 (``crackdown_2025``'s June campaign): what the wave had
    already cost before the directive.  (The yardstick of ``trough_frac``, ``final_frac`` and
    ``recovery_days`` is read before the first campaign, so it is not lowered: ``baseline_revenue``.)
    """
    t0 = t0_of(folder)
    sums: dict[tuple[str, str], float] = defaultdict(float)
    for r in read_csv(folder / "timeseries.csv"):
        if t0 - 30 <= int(r["day"]) < t0:
            sums[(r.get("arm", "scenario"), r["replication"])] += num(r["revenue_usd"])
    reps = sorted({k for (arm, k) in sums if arm == "scenario"}, key=int)
    return stat(np.array([sums[("scenario", k)] / sums[(story.COUNTERFACTUAL, k)] for k in reps]))


def reported(folder: Path) -> dict:
    """What ``arrests.py`` prints for a run, from its same functions: the July 2025 figures in their sources' windows.

    The run's configuration is re-run in memory, as ``arrests.py`` does (same seed: the same replications;
    checked against the run's ``summary.csv``).  ``figures``: one entry per calibration pattern of the
    registry, with the run's mean [95% CI] in the pattern's window and where it lies against the allowed range
    (scaled to the Cambodia world's size on a smaller world); ``ratios``: arrests per raid and per compound raided
    in the same windows; ``nationalities``: shares among arrested workers, with AP's.
    """
    study, _seconds = arrests.rerun(folder)
    if not arrests.reproduces(study, summary_rows(folder)):
        raise SystemExit(f"answers: re-running {folder} does not reproduce its arrests: the model changed since the run")
    factor = arrests.scale_factor(study.config)
    figures = {}
    for x in arrests.figures(study, factor):
        figures[x["name"]] = {
            **{k: x[k] for k in ("window", "dates", "observed", "citation", "measure", "count", "range", "n", "where")},
            **{k: sig(x[k]) for k in ("mean", "lo", "hi", "compared")},
        }
    ratios = {}
    for key, (num_, den) in {
        "arrests_per_raid": ("arrests_july_2025", "raids_july_2025"),
        "arrests_per_location": ("detained_first_three_weeks", "locations_first_three_weeks"),
    }.items():
        mean, lo, hi, n = arrests.ratio(study, num_, den)
        ratios[key] = {"mean": sig(mean), "lo": sig(lo), "hi": sig(hi), "n": int(n)}
    # CNA's campaign window counted from the directive instead of from 27 June: what reading day 0 as the start misses
    start, end = arrests.by_name("raids_july_2025").window
    from_directive = {}
    for key, measure in (("raids", pm.raids), ("arrests", pm.arrests)):
        mean, lo, hi, n = arrests.mean_ci(measure(study, (0, end)))
        from_directive[key] = {"mean": sig(mean), "lo": sig(max(lo, 0.0)), "hi": sig(hi), "n": int(n)}
    return {
        "factor": sig(factor),
        "posterior": arrests.posterior_of(folder),
        "from_directive": {"window": [0, end], "campaign_window": [start, end], **from_directive},
        "figures": figures,
        "ratios": ratios,
        "nationalities": {
            r["name"]: {"share": sig(r["share"]), "ap": sig(r["ap"]) if r["ap"] is not None else None}
            for r in arrests.nationality_rows(study, 10)
        },
    }


# --- sweeps


def sweep(folder: Path) -> list[paired.Job]:
    jobs, _keys = paired.load(folder)
    return jobs


def job(jobs: list[paired.Job], *conds: str) -> paired.Job:
    return paired.pick_base(jobs, list(conds))


def job_stats(j: paired.Job, columns: tuple[str, ...]) -> dict:
    return {c: stat(j.values(c), c) for c in columns}


def diff_record(d: float, lo: float, hi: float, ulo: float, uhi: float, pair: bool) -> dict:
    """A paired (or, if the runs cannot be paired, unpaired) difference as the answers store it, with its verdict."""
    verdict = paired.verdict(lo, hi) if pair else paired.verdict(ulo, uhi)
    return {"diff": sig(d), "lo": sig(lo), "hi": sig(hi), "ulo": sig(ulo), "uhi": sig(uhi), "paired": pair, "verdict": verdict}


def diff(base: paired.Job, other: paired.Job, col: str) -> dict:
    pair = paired.pairable(base, other)
    r = paired.compare(base, other, col, pair)
    return diff_record(r["diff"], r["lo"], r["hi"], r["ulo"], r["uhi"], pair)


def diffs(base: paired.Job, other: paired.Job, columns: tuple[str, ...]) -> dict:
    return {c: diff(base, other, c) for c in columns}


def site_shares(j: paired.Job, base: paired.Job | None = None) -> dict:
    """Each site's revenue at the end in % of the network's before; minus the job's no-intervention arm; minus ``base``."""
    names, share = paired.site_shares(j)
    _n, cf = paired.site_shares(j, story.COUNTERFACTUAL)
    base_share = paired.site_shares(base)[1] if base is not None else {}
    out = {}
    for i, s in enumerate(names):
        row = {"share": stat(np.array([v[i] for v in share.values()]) * 100)}
        if cf:
            row["minus_cf"] = stat(np.array([(share[k][i] - cf[k][i]) * 100 for k in sorted(share)]))
        if base_share and paired.pairable(base, j):
            common = sorted(set(share) & set(base_share))
            row["minus_base"] = stat(np.array([(share[k][i] - base_share[k][i]) * 100 for k in common]))
        out[s] = row
    return out


def identical(a: paired.Job, b: paired.Job) -> bool:
    """Whether two jobs gave exactly the same summary, replication by replication."""
    cols = [c for c in a.reps[min(a.reps)] if c in paired.SUMMARY_COLUMNS]
    return all(np.array_equal(a.values(c), b.values(c), equal_nan=True) for c in cols)


def budget(j: paired.Job) -> dict:
    cfg = paired.job_config(j)
    attempts = j.values("raids") + j.values("raids_deflected")
    other = paired.other_actions(cfg)
    s = stat(attempts)
    return {"planned": sig(paired.planned_raids(cfg)), "attempts": s, "other": sig(other), "total": sig(s["mean"] + other)}


def effect_class(s: dict) -> str:
    """``lasting``, ``recovers`` or ``partial`` from the CI of ``frac_cf_1y`` (sim.analysis.counterfactual's thresholds)."""
    return classify_effect(s["lo"], s["hi"])


# ----------------------------------------------------------------------------- collect: one function per worksheet

RUN_COLS = (
    "raids",
    "raids_deflected",
    "raids_21d",
    "arrests_21d",
    "raided_sites_21d",
    "raids_30d",
    "arrests_workers",
    "arrests_30d",
    "arrests_managers",
    "arrests_bosses",
    "low_level_share",
    "nationalities_arrested",
    "warned_share",
    "trough_frac",
    "recovery_days",
    "final_frac",
    "revenue_lost_days",
    "host_final_frac",
    "final_frac_cf",
    "frac_cf_1y",
    "recovery_days_cf",
    "revenue_lost_days_cf",
    "host_final_frac_cf",
    "displacement_ratio",
    "relocations",
    "relocations_abroad",
    "compounds_closed",
    "compounds_founded",
    "sealed_180d",
    "arrests_180d",
    "raided_kept_operating",
    "raided_resumed",
    "raided_relocated",
    "raided_split",
    "raided_closed",
)
SWEEP_COLS = (
    "raids",
    "raids_deflected",
    "arrests_workers",
    "arrests_managers",
    "arrests_bosses",
    "trough_frac",
    "recovery_days",
    "recovery_days_cf",
    "final_frac",
    "host_final_frac",
    "revenue_lost_days",
    "final_frac_cf",
    "frac_cf_1y",
    "revenue_lost_days_cf",
    "host_final_frac_cf",
    "displacement_ratio",
    "relocations",
    "relocations_abroad",
    "compounds_closed",
    "compounds_founded",
)
EFFECTS = ("final_frac_cf", "frac_cf_1y", "revenue_lost_days_cf", "host_final_frac_cf")


def params() -> dict:
    """Parameter values the answers quote, read from the composed default config (not typed)."""
    c = sim.compose(["+teaching=02_july_wave"])
    return {
        "boss_capital_usd": c.world.boss_capital_usd,
        "equipment_usd_per_worker": c.decisions.equipment_usd_per_worker,
        "successor_prob": c.bosses.successor_prob,
        "flee_prob_warned": c.bosses.flee_prob_warned,
        "boss_present_prob": c.raids.boss_present_prob,
        "manager_arrest_prob": c.raids.manager_arrest_prob,
        "refill_rate": c.recruitment.refill_rate,
        "delay_mean": c.recruitment.delay_mean,
        "equipment_days_mean": c.decisions.equipment_days_mean,
        "generator_usd": c.infrastructure.generator_usd,
        "satellite_usd": c.infrastructure.satellite_usd,
        "profit_retained": c.operations.profit_retained,
        "loss_tolerance_days": c.finance.loss_tolerance_days,
        "replacement_days_mean": c.protection.replacement_days_mean,
        "campaigns": {
            name: {k: float(getattr(camp, k)) for k in ("day", "ramp_days", "hold_days", "decay_half_life", "peak_raid_rate")}
            for name, camp in c.scenario.campaigns.items()
        },
    }


def settings() -> dict:
    """World, seed and replications of each teaching config (configs/teaching/NN_*.yaml)."""
    out = {}
    for path in sorted((ROOT / "configs" / "teaching").glob("[0-9][0-9]_*.yaml")):
        cfg = sim.compose([f"+teaching={path.stem}"])
        out[path.stem] = {"world": cfg.world.name, "seed": cfg.seed, "replications": cfg.replications}
    return out


def collect_01(sh: Sheet) -> dict:
    run = sh.folder("python -m sim +teaching=01_single_raid")
    sih = sh.folder(
        "python -m sim +teaching=01_single_raid 'scenario.campaigns.one_raid.sites=[sihanoukville]' "
        "scenario.campaigns.one_raid.peak_raid_rate=17"
    )
    deflected = sorted({int(r["replication"]) for r in read_csv(run / "events.csv") if r["event"] == "raid_deflected"})
    return {
        "run": run_stats(run, RUN_COLS),
        "rep0": raids_told(run, 0),
        "rep3": raids_told(run, 3),
        "raids_per_replication": raids_per_replication(run),
        "deflected_replications": deflected,
        "sites": sites(run),
        "no_warnings": run_stats(sh.folder("python -m sim +teaching=01_single_raid raids.warnings=false"), RUN_COLS),
        "no_protection": run_stats(sh.folder("python -m sim +teaching=01_single_raid protection.strength_scale=0"), RUN_COLS),
        "sihanoukville": run_stats(sih, RUN_COLS),
        "sihanoukville_rep0": raids_told(sih, 0),
    }


def collect_02(sh: Sheet) -> dict:
    out = {}
    for key, command in (
        ("small", "python -m sim +teaching=02_july_wave"),
        ("cambodia", "python -m sim +teaching=02_july_wave world=cambodia"),
        ("cambodia_posterior", "python -m sim +teaching=02_july_wave world=cambodia +posterior=july_2025"),
    ):
        folder = sh.folder(command)
        rows = summary_rows(folder)
        out[key] = {
            "run": run_stats(folder, RUN_COLS),
            "senior_share": stat(senior_share(rows)),
            "per_raid": stat(per_raid(rows)),
            "sites": sites(folder),
            "before_vs_arm": before_vs_arm(folder),
            **reported(folder),
        }
    jobs = sweep(
        sh.folder("python -m sim -m +teaching=02_july_wave operations.profit_retained=0.1,0.5 labour.supply_scale=0.25,1")
    )
    base = job(jobs, "operations.profit_retained=0.5", "labour.supply_scale=1")
    levers = []
    for j in jobs:
        row = {
            "profit_retained": float(j.params["operations.profit_retained"]),
            "supply_scale": float(j.params["labour.supply_scale"]),
            **job_stats(j, SWEEP_COLS),
        }
        row["class"] = effect_class(row["frac_cf_1y"])
        if j is not base:
            row["minus_base"] = diffs(base, j, ("frac_cf_1y", "final_frac_cf", "host_final_frac_cf"))
        levers.append(row)
    out["levers"] = levers
    return out


def collect_03(sh: Sheet) -> dict:
    jobs = sweep(
        sh.folder("python -m sim -m +teaching=03_warnings_protection raids.warnings=true,false protection.strength_scale=0,1,2")
    )
    base = job(jobs, "raids.warnings=true", "protection.strength_scale=1")
    cols = ("arrests_workers", "arrests_managers", "raids_deflected", "revenue_lost_days_cf", "final_frac_cf")
    rows = []
    for j in jobs:
        shares = senior_share([r for _k, r in sorted(j.reps.items())])
        row = {
            "warnings": j.params["raids.warnings"].lower() == "true",
            "scale": float(j.params["protection.strength_scale"]),
            **job_stats(j, SWEEP_COLS),
            "senior_share": stat(shares),
            "attempts": stat(j.values("raids") + j.values("raids_deflected")),
        }
        if j is not base:
            row["minus_base"] = diffs(base, j, (*cols, "host_final_frac_cf", "trough_frac"))
        rows.append(row)
    return {
        "jobs": rows,
        "x4": run_stats(sh.folder("python -m sim +teaching=03_warnings_protection protection.strength_scale=4"), RUN_COLS),
    }


def collect_04(sh: Sheet) -> dict:
    run = sh.folder("python -m sim +teaching=04_displacement")
    jobs = sweep(
        sh.folder(
            "python -m sim -m +teaching=04_displacement scenario=baseline,crackdown_2025,sustained_pressure "
            "decisions.relocation=true,false"
        )
    )
    base = job(jobs, "scenario=baseline", "decisions.relocation=true")
    rows = []
    for j in jobs:
        row = {
            "scenario": j.params["scenario"],
            "relocation": j.params["decisions.relocation"].lower() == "true",
            **job_stats(j, SWEEP_COLS),
            "sites": site_shares(j, base),
        }
        if j is not base:
            row["minus_base"] = diffs(base, j, ("final_frac", "host_final_frac"))
            row["identical_to_base"] = identical(base, j)
        rows.append(row)
    room = sweep(
        sh.folder("python -m sim -m +teaching=04_displacement scenario=baseline,sustained_pressure world.sites.myawaddy.room=20")
    )
    room_base = job(room, "scenario=baseline")
    room_sus = job(room, "scenario=sustained_pressure")
    return {
        "run": run_stats(run, RUN_COLS),
        "moves_rep0": moves(run, 0, 120),
        "sites": sites(run),
        "jobs": rows,
        "room20": {
            "baseline": job_stats(room_base, SWEEP_COLS),
            "sustained": {**job_stats(room_sus, SWEEP_COLS), "sites": site_shares(room_sus, room_base)},
            "minus_base": diffs(room_base, room_sus, ("final_frac", "host_final_frac")),
            "baseline_identical_to_room6": identical(base, room_base),
        },
    }


def collect_05(sh: Sheet) -> dict:
    run = sh.folder("python -m sim +teaching=05_infrastructure")
    subs = [e for e in events(run, 0) if e["event"] == "substitute_installed" and e["site"] == "poipet" and e["day"] <= 60]
    jobs = sweep(
        sh.folder(
            "python -m sim -m +teaching=05_infrastructure scenario.cuts.thai_grid.substitutes=false,true "
            "decisions.relocation=true,false"
        )
    )
    base = job(jobs, "scenario.cuts.thai_grid.substitutes=false", "decisions.relocation=true")
    rows = []
    for j in jobs:
        row = {
            "blocked": j.params["scenario.cuts.thai_grid.substitutes"].lower() == "true",
            "relocation": j.params["decisions.relocation"].lower() == "true",
            **job_stats(j, SWEEP_COLS),
            "sites": site_shares(j, base),
        }
        if j is not base:
            row["minus_base"] = diffs(base, j, ("revenue_lost_days_cf", "final_frac_cf", "host_final_frac_cf"))
            row["identical_to_base"] = identical(base, j)
        rows.append(row)
    both = sh.folder(
        "python -m sim +teaching=05_infrastructure 'scenario.cuts.thai_grid.sites=[poipet,myawaddy]' "
        "scenario.cuts.thai_grid.substitutes=true"
    )
    return {
        "run": run_stats(run, RUN_COLS),
        "substitutes_rep0": {"compounds": len(subs), "last_day": max((e["day"] for e in subs), default=None)},
        "sites": sites(run),
        "jobs": rows,
        "both": {"run": run_stats(both, RUN_COLS), "sites": sites(both)},
    }


def collect_06(sh: Sheet) -> dict:
    jobs = sweep(sh.folder("python -m sim -m +teaching=06_budget +teaching/policy=" + ",".join(POLICIES)))
    base = job(jobs, "teaching/policy=july_2025")
    cols = ("revenue_lost_days_cf", "frac_cf_1y", "final_frac_cf", "host_final_frac_cf", "arrests_workers")
    rows = {}
    for j in jobs:
        name = j.params["teaching/policy"]
        row = {**job_stats(j, SWEEP_COLS), "budget": budget(j)}
        if j is not base:
            row["minus_base"] = diffs(base, j, (*cols, "relocations", "arrests_bosses"))
        rows[name] = row
    bosses = job(jobs, "teaching/policy=bosses_first")
    kinds = Counter(r["event"] for r in read_csv(bosses.folder / "events.csv"))
    mine = sweep(sh.folder("python -m sim -m +teaching=06_budget +teaching/policy=july_2025,my_policy"))
    m_base, m_job = job(mine, "teaching/policy=july_2025"), job(mine, "teaching/policy=my_policy")
    return {
        "policies": rows,
        "bosses_first_events": {
            k: kinds.get(k, 0) for k in ("boss_indicted", "boss_fled_abroad", "arrest_boss", "boss_successor", "boss_sanctioned")
        },
        "bosses_first_replications": len(bosses.reps),
        "my_policy": {
            "budget": budget(m_job),
            "minus_base": diffs(m_base, m_job, ("revenue_lost_days_cf", "frac_cf_1y", "host_final_frac_cf")),
            "identical_to_july": identical(m_base, m_job),
        },
    }


def collect_07(sh: Sheet) -> dict:
    seeds = sweep(sh.folder("python -m sim -m +teaching=07_randomness seed=1,2,3,4,5,6"))
    spread = {}
    for c in ("final_frac_cf", "revenue_lost_days_cf", "recovery_days_cf", "arrests_workers", "final_frac"):
        by_seed = {j.params["seed"]: float(j.values(c)[0]) for j in seeds}
        lo, hi = min(by_seed, key=by_seed.get), max(by_seed, key=by_seed.get)
        spread[c] = {"min": sig(by_seed[lo]), "min_seed": lo, "max": sig(by_seed[hi]), "max_seed": hi}
    reps = sweep(sh.folder("python -m sim -m +teaching=07_randomness replications=4,16"))
    r4, r16 = job(reps, "replications=4"), job(reps, "replications=16")
    n_cols = ("revenue_lost_days_cf", "recovery_days_cf", "arrests_workers")
    widths = {}
    for c in n_cols:
        widths[c] = {
            "4": job_stats(r4, (c,))[c],
            "16": job_stats(r16, (c,))[c],
            "sd4": sig(float(np.nanstd(r4.values(c), ddof=1))),
            "sd16": sig(float(np.nanstd(r16.values(c), ddof=1))),
            "paired_zero": diff(r4, r16, c)["diff"] == 0 and diff(r4, r16, c)["lo"] == 0,
        }

    def versus(folder: Path) -> dict:
        jobs = sweep(folder)
        b, c = job(jobs, "scenario=baseline"), job(jobs, "scenario=crackdown_2025")
        ratio = c.values("final_frac") / b.values("final_frac")
        # each run's final_frac divides by its own baseline_revenue, read before its first intervention
        before = c.values("baseline_revenue") / b.values("baseline_revenue")
        return {
            "minus_base": diffs(b, c, ("final_frac", "host_final_frac", "revenue_lost_days", "trough_frac")),
            "crackdown": job_stats(c, SWEEP_COLS),
            "plain_ratio_error": sig(float(np.nanmax(np.abs(ratio - c.values("final_frac_cf"))))),
            "ratio_error": sig(float(np.nanmax(np.abs(ratio * before - c.values("final_frac_cf"))))),
            "before_ratio": stat(before),
        }

    auto = sh.folder(
        "python -m sim +teaching=07_randomness replications=auto precision.metric=final_frac_cf precision.half_width=0.01"
    )
    mixed = sweep(sh.folder("python -m sim -m +teaching=07_randomness scenario=baseline,crackdown_2025 seed=1,2 replications=4"))
    b1 = job(mixed, "scenario=baseline", "seed=1")
    return {
        "seeds": spread,
        "replications": widths,
        "versus": versus(sh.folder("python -m sim -m +teaching=07_randomness scenario=baseline,crackdown_2025 replications=12")),
        "versus_seed7": versus(
            sh.folder("python -m sim -m +teaching=07_randomness scenario=baseline,crackdown_2025 replications=12 seed=7")
        ),
        "auto": {
            "replications": int(json.loads((auto / "summary.json").read_text())["replications"]),
            **run_stats(auto, ("final_frac_cf", "final_frac")),
        },
        "mixed": {
            "same_seed": diff(b1, job(mixed, "scenario=crackdown_2025", "seed=1"), "host_final_frac"),
            "other_seed": diff(b1, job(mixed, "scenario=crackdown_2025", "seed=2"), "host_final_frac"),
        },
    }


#: The explorer's policies B the worksheet's questions set, as :class:`sim.explore.levers.Policy` fields.
EXPLORER_B = {
    "no_warnings": {"warnings": False},
    "no_protection": {"strength_scale": 0.0},
    "no_relocation": {"relocation": False},
    "x2_held_365": {"raid_intensity": 2.0, "hold_days": 365.0},
    "scarce_labour_victims": {"supply_scale": 0.25, "pool_scale": 0.25},
}
EXPLORER_METRICS = (
    "final_frac_cf",
    "frac_cf_1y",
    "host_final_frac_cf",
    "arrests_workers",
    "arrests_managers",
    "relocations",
    "relocations_abroad",
)


def collect_08(sh: Sheet) -> dict:
    """The explorer's answers, computed through the page's own overrides (``sim.explore.levers``) and map trace."""
    from sim.analysis.compare import paired as paired_rows
    from sim.explore.levers import Policy, Setup, compose_config, overrides
    from sim.explore.series import status_name
    from sim.explore.trace import trace_replication

    folder = sh.folder("python -m sim +teaching=02_july_wave replications=5")
    setup = Setup()
    config_a = compose_config(overrides(setup, Policy()))
    study_a = sim.run(config_a)
    same = bool(  # summary.csv holds 10 significant digits
        np.allclose(
            [s["final_frac_cf"] for s in study_a.summaries], [num(r["final_frac_cf"]) for r in summary_rows(folder)], rtol=1e-8
        )
    )
    policies = {}
    for key, levers in EXPLORER_B.items():
        policy = Policy(**levers)
        study_b = sim.run(compose_config(overrides(setup, policy)))
        rows = {r["metric"]: r for r in paired_rows(study_a, study_b, EXPLORER_METRICS)}
        policies[key] = {
            "overrides": overrides(setup, policy),
            "stats": {
                c: {k: sig(v) for k, v in zip(("mean", "lo", "hi"), _ci(study_b, c), strict=True)} for c in EXPLORER_METRICS
            },
            "minus_a": {
                c: diff_record(r["diff"], r["ci_low"], r["ci_high"], r["unpaired_ci_low"], r["unpaired_ci_high"], True)
                for c, r in rows.items()
            },
        }
    trace = trace_replication(config_a, replication=1)
    t0 = trace.intervention_day
    day30 = t0 + 30
    exists = trace.compound_status[day30] >= 0
    statuses = Counter(status_name(int(code)) for code in trace.compound_status[day30][exists])

    def site_workers(day: int) -> dict[str, int]:
        workers = trace.workers(day)
        out = dict.fromkeys(trace.site_names, 0)
        for c, site in enumerate(trace.compound_site[day]):
            if site >= 0:
                out[trace.site_names[site]] += int(workers[c])
        return out

    start = t0 + min([0, *(int(c.day) for c in config_a.scenario.campaigns.values())])  # the first campaign's start
    moves = [m for m in trace.moves if m.kind == "relocation" and m.day >= start]
    return {
        "overrides": overrides(setup, Policy()),
        "page_is_the_command": same,
        "run": run_stats(folder, RUN_COLS),
        "map": {
            "replication": 1,
            "day30": dict(statuses),
            "first_moves": [
                {"day": m.day - t0, "from": trace.site_names[m.from_site], "to": trace.site_names[m.to_site]} for m in moves[:5]
            ],
            "before_day": start - 1 - t0,
            "workers_before": site_workers(start - 1),
            "workers_365": site_workers(t0 + 365),
        },
        "policies": policies,
    }


def _ci(study, column_name: str) -> tuple[float, float, float]:
    s = study.stats[column_name]
    return s["mean"], s["ci_low"], s["ci_high"]


COLLECT = {
    "01_single_raid": collect_01,
    "02_july_wave": collect_02,
    "03_warnings_protection": collect_03,
    "04_displacement": collect_04,
    "05_infrastructure": collect_05,
    "06_budget": collect_06,
    "07_randomness": collect_07,
    "08_explorer": collect_08,
}


def collect(logdir: Path) -> dict:
    manifest = json.loads((logdir / "manifest.json").read_text())
    if manifest.get("failed"):
        raise SystemExit(f"answers: {manifest['failed']} command(s) failed in {logdir}: no answers from it")
    missing = [name for name in COLLECT if name not in manifest["worksheets"]]
    if missing:
        raise SystemExit(f"answers: {logdir} did not run {', '.join(missing)} (run all worksheets)")
    out: dict = {}
    for name, fn in COLLECT.items():
        out[name] = fn(Sheet(name, manifest["worksheets"][name]))
    first = ROOT / manifest["worksheets"]["01_single_raid"]["commands"][0]["folder"]
    meta = json.loads((first / "summary.json").read_text())
    out["meta"] = {
        "model_version": MODEL_VERSION,
        "package_version": meta["version"],
        "git_commit": manifest["git_commit"],
        "git_dirty": manifest["git_dirty"],
        "started": manifest["started"],
        "log_dir": str(logdir.relative_to(ROOT)) if logdir.is_relative_to(ROOT) else str(logdir),
        "machine_start": manifest["machine_start"],
        "machine_end": manifest["machine_end"],
        "ci_description": meta["ci_description"],
        "seconds": {
            name: {"commands": len(w["commands"]), "all": w["seconds"], "run_it": w["run_it_seconds"]}
            for name, w in manifest["worksheets"].items()
        },
        "params": params(),
        "settings": settings(),
    }
    return {"meta": out.pop("meta"), **out}


# ----------------------------------------------------------------------------- render helpers


class Failed(list):
    """Claims of the prose that the numbers no longer support."""


FAILED = Failed()


def expect(condition: bool, claim: str) -> None:
    """Record a claim the answer's prose makes; a false one fails the rendering."""
    if not condition:
        FAILED.append(claim)


def f(x: float | None) -> str:
    """A number with three significant digits, thousands with a comma, no exponent."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if x == 0:
        return "0"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}".replace("-", "−")
    digits = max(0, 2 - math.floor(math.log10(a)))
    text = f"{x:.{digits}f}"
    if "." in text:  # as the scripts print them (format g): 26, not 26.0
        text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")


def c(s: dict) -> str:
    """``mean [lo, hi]``."""
    if s["lo"] is None:
        return f(s["mean"])
    return f"{f(s['mean'])} [{f(s['lo'])}, {f(s['hi'])}]"


def m(s: dict) -> str:
    """The mean alone."""
    return f(s["mean"])


def d(r: dict) -> str:
    """A paired difference ``+x [lo, hi]`` (the unpaired CI when the jobs are not paired)."""
    sign = "+" if r["diff"] is not None and r["diff"] > 0 else ""
    lo, hi = (r["lo"], r["hi"]) if r["paired"] else (r["ulo"], r["uhi"])
    return f"{sign}{f(r['diff'])} [{f(lo)}, {f(hi)}]"


def pct(x: float | None, digits: int = 0) -> str:
    return "–" if x is None else f"{100 * x:.{digits}f}%"


def pts(s: dict) -> str:
    """A share in points of revenue, signed: ``+27 [21, 32]``."""
    sign = "+" if s["mean"] > 0 else ""
    return f"{sign}{f(s['mean'])} [{f(s['lo'])}, {f(s['hi'])}]"


def usd_k(x: float) -> str:
    return f"{x / 1e3:,.0f}k USD/day"


def usd(x: float) -> str:
    return f"${x / 1e6:g}M" if x >= 1e6 else f"${x / 1e3:g}k"


def verdict(r: dict) -> str:
    return {"higher": "higher", "lower": "lower", "no clear difference": "no clear difference"}.get(r["verdict"], "?")


def below(s: dict, level: float = 1.0) -> bool:
    return s["hi"] is not None and s["hi"] < level


def contains(s: dict, level: float = 1.0) -> bool:
    return s["lo"] is not None and s["lo"] <= level <= s["hi"]


def relation(s: dict, level: float = 1.0) -> str:
    """Where a CI lies against ``level``: "below", "above" or "not distinguishable from"."""
    if s["hi"] is not None and s["hi"] < level:
        return "below"
    if s["lo"] is not None and s["lo"] > level:
        return "above"
    return "not distinguishable from"


def raid_text(r: dict) -> str:
    bits = [f"day {r['day']:+d}, compound {r['compound']} at {r['site'].capitalize()} ({r['boss']}), {r.get('raid', 0)} inside"]
    if r["leaked"]:
        bits.append(f"**leaked**, {r.get('workers_evacuated', 0)} moved out beforehand")
    else:
        bits.append("no leak")
    bits.append(f"{r.get('workers_fled', 0)} fled, {r.get('arrest_workers', 0)} arrested")
    if r.get("equipment_seized"):
        bits.append(f"equipment for {r['equipment_seized']} workers seized")
    if r["sealed"]:
        bits.append("**sealed**")
        if r.get("relocation_day") is not None and (r.get("resume_day") is None or r["relocation_day"] < r["resume_day"]):
            bits.append(f"moved on day {r['relocation_day']:+d}")
        else:
            if r.get("lay_low_day") is not None:
                bits.append(f"laying low from day {r['lay_low_day']:+d}")
            if r.get("resume_day") is not None:
                bits.append(f"fully operating on day {r['resume_day']:+d}")
    else:
        bits.append("**kept operating** (protection)")
    return "; ".join(bits)


def share_of(site_row: dict, window: str) -> str:
    return pct(site_row[window]["share"])


# ----------------------------------------------------------------------------- render: one block per worksheet


def heading(a: dict, name: str, title: str, per: str) -> str:
    x = a["meta"]["settings"][name]
    reps = x["replications"]
    return f"## {name}.md — {title} (seed {x['seed']}, {reps} replication{'s' if reps != 1 else ''}{per})\n"


def block_header(a: dict) -> str:
    meta = a["meta"]
    dirty = meta["git_dirty"]
    state = (
        "with no uncommitted change to `sim/`, `configs/` or this folder"
        if not dirty
        else "with uncommitted changes to " + ", ".join(f"`{line[3:]}`" for line in dirty)
    )
    return "\n".join(
        [
            f"- **Model version {meta['model_version']}**, scamsim `{meta['package_version']}`, git commit "
            f"`{meta['git_commit'][:7]}` ({state}); the runs started {meta['started']}.",
            f"- **Where the numbers come from**: `run_worksheets.py` ran every command of every worksheet; "
            f"its logs and `manifest.json` are in `{meta['log_dir']}/` (not committed: rerun to get your own), and "
            "`answers.py --collect` wrote every number quoted below to `answers.json` (committed next to this "
            "file) from the run and sweep folders those commands wrote.",
            "- **Settings**: those of the teaching configs (`configs/teaching/`), unchanged: "
            + "; ".join(
                f"{name[:2]}: world `{x['world']}`, seed {x['seed']}, {x['replications']} replication(s)"
                for name, x in meta["settings"].items()
            )
            + "; a command's own `replications=` or `seed=` wins.",
        ]
    )


def block_times(a: dict) -> str:
    meta = a["meta"]
    lines = [
        '| worksheet | commands | seconds, all commands | seconds, "Run it" section only |',
        "|---|---|---|---|",
    ]
    for name, t in meta["seconds"].items():
        lines.append(f"| {name}.md | {t['commands']} | {t['all']:.0f} | {t['run_it']:.0f} |")
    ms, me = meta["machine_start"], meta["machine_end"]
    lines += [
        "",
        f"Measured once by `run_worksheets.py` (every command, open questions included, full settings) on "
        f"{ms['cpus']} CPUs ({ms['processor']}, Python {ms['python']}), 1-minute load average "
        f"{ms['load_average_1min']:g} at the start and {me['load_average_1min']:g} at the end (the machine was "
        "running other jobs, so these are pessimistic; a current laptop is usually faster).  Every intervention run "
        "computes each replication twice (with and without the intervention), so the runs take about twice as "
        "long as in version 1.",
    ]
    return "\n".join(lines)


def block_01(a: dict) -> str:
    w = a["01_single_raid"]
    head = heading(a, "01_single_raid", "a single raid", "")
    r, p = w["run"], a["meta"]["params"]
    r0 = w["rep0"][0]
    r3 = w["rep3"][0] if w["rep3"] else None
    bavet = w["sites"]["bavet"]
    nw, npr = w["no_warnings"], w["no_protection"]
    s0 = w["sihanoukville_rep0"][0]
    expect(len(w["rep0"]) == 1, "replication 0 of seed 10 has exactly one raid")
    expect(r["revenue_lost_days_cf"]["mean"] > r["revenue_lost_days"]["mean"], "revenue_lost_days_cf > revenue_lost_days")
    expect(contains(r["final_frac_cf"]) and contains(r["frac_cf_1y"]), "a single raid leaves no lasting effect (CIs contain 1)")
    expect(r["final_frac"]["lo"] > 1, "the network grows when left alone (final_frac > 1)")
    same_days = (s0.get("lay_low_day"), s0.get("resume_day")) == (r0.get("lay_low_day"), r0.get("resume_day"))
    arrested = r0.get("arrest_workers", 0) / max(r0.get("raid", 1), 1)
    fled = r0.get("workers_fled", 0) / max(r0.get("raid", 1), 1)
    lines = [
        f"Terminal table: `raids` {c(r['raids'])}; `arrests_workers` {c(r['arrests_workers'])}; "
        f"`trough_frac` {c(r['trough_frac'])}; `recovery_days` {c(r['recovery_days'])}; "
        f"`final_frac` {c(r['final_frac'])}.  Against the no-raid arm: `final_frac_cf` {c(r['final_frac_cf'])}, "
        f"`frac_cf_1y` {c(r['frac_cf_1y'])}, `revenue_lost_days_cf` {c(r['revenue_lost_days_cf'])} (against "
        f"`revenue_lost_days` {c(r['revenue_lost_days'])}), `displacement_ratio` {c(r['displacement_ratio'])}.  "
        f"Relocations {m(r['relocations'])}, closures {m(r['compounds_closed'])}.",
        "",
        f"Story of replication 0: {raid_text(r0)}.  Raids per replication: "
        + ", ".join(str(k) for k in w["raids_per_replication"])
        + "."
        + (f"  Replication 3 (`--replication 3`): {raid_text(r3)}." if r3 else "")
        + (
            "  A raid called off by protectors is in replication(s) "
            + ", ".join(str(k) for k in w["deflected_replications"])
            + "."
            if w["deflected_replications"]
            else ""
        ),
        "",
        "Answers.",
        "",
        f"1. Raided on day {r0['day']:+d}: {pct(arrested)} of the workers inside arrested and {pct(fled)} fled, "
        f"equipment seized, {'sealed' if r0['sealed'] else 'kept operating'}; "
        + (
            f"after the seal the boss reopened in place (laying low on day {r0['lay_low_day']:+d}, fully operating on "
            f'day {r0["resume_day"]:+d}): "la ligne s\'arrete temporairement puis reprend ses activites".  '
            if r0["sealed"] and r0.get("resume_day") is not None
            else ""
        )
        + f"Managers arrested: {r0.get('arrest_managers', 0)}; the boss: {'yes' if r0.get('arrest_boss') else 'no'}.",
        f"2. {r0.get('arrest_workers', 0)} of {r0.get('raid', 0)} ≈ {pct(arrested)}"
        + (
            f" ({r3.get('arrest_workers', 0)} of {r3.get('raid', 0)} when the raid leaked, replication 3)"
            if r3 and r3["leaked"]
            else ""
        )
        + ".  The real wave's ~50 per site (AP) is of the same order.  The workers paid: the boss is rarely present "
        f"(`boss_present_prob` {p['boss_present_prob']:g}) and each manager present is arrested with probability "
        f"`manager_arrest_prob` {p['manager_arrest_prob']:g}.",
        f"3. (a) The other compounds and three other sites go on working: Bavet is {share_of(bavet, 'before')} of the "
        "network's revenue before the raid.  (b) Vacancies refill through recruitment "
        f"({pct(p['refill_rate'])} of vacancies a day, ~{p['delay_mean']:g}-day pipeline) and equipment is re-bought "
        f"in ~{p['equipment_days_mean']:g} days.  Bavet's revenue: {usd_k(bavet['before']['usd'])} before, "
        f"{usd_k(bavet['days 0-60']['usd'])} over days 0–60, {usd_k(bavet['last 30 days']['usd'])} at the end "
        f"({usd_k(bavet[story.NO_INTERVENTION]['usd'])} at the end without the raid).  The CIs of `frac_cf_1y` and "
        "`final_frac_cf` both contain 1: no lasting effect.",
        f"4. `revenue_lost_days_cf` ({m(r['revenue_lost_days_cf'])}) is larger than `revenue_lost_days` "
        f"({m(r['revenue_lost_days'])}): left alone the network grows (`final_frac` {m(r['final_frac'])}), so "
        "part of what the raid cost is growth that did not happen, which the pre-raid level does not see.  The "
        "`_cf` column is the cost of the raid.",
        f"5. With a loss this small the denominator is near zero in some replications (one raid, or none: "
        f"{sum(1 for k in w['raids_per_replication'] if k == 0)} of {len(w['raids_per_replication'])} replications "
        "have no raid), so the ratio jumps: read `displacement_ratio` only when the loss is large.",
        "",
        "Open questions.",
        "",
        f"- `raids.warnings=false`: arrests {c(nw['arrests_workers'])} instead of {m(r['arrests_workers'])}; "
        f"`revenue_lost_days_cf` {c(nw['revenue_lost_days_cf'])}, `final_frac_cf` {c(nw['final_frac_cf'])}.  A surprise "
        "raid arrests more people; the business barely notices.",
        f"- `protection.strength_scale=0`: raids {m(npr['raids'])} ({m(npr['raids_deflected'])} deflected), arrests "
        f"{c(npr['arrests_workers'])}, `trough_frac` {m(npr['trough_frac'])}, compounds closed "
        f"{m(npr['compounds_closed'])}, `final_frac_cf` {c(npr['final_frac_cf'])}: still nothing lasting at "
        "network level.",
        f"- Sihanoukville: replication 0: {raid_text(s0)}."
        + (
            "  The *same days* as at Bavet: the decision stream is shared (common random numbers), a good moment "
            "to preview worksheet 7."
            if same_days
            else ""
        ),
        f"- A single raid closes a compound for good only if the boss cannot pay to re-equip it (capital "
        f"{usd(p['boss_capital_usd'])} at the start against ${p['equipment_usd_per_worker']:,.0f} per worker), if it "
        f"then loses money for `finance.loss_tolerance_days` ({p['loss_tolerance_days']:g}) days, or if the boss "
        f"is arrested and has no successor (`bosses.successor_prob` {p['successor_prob']:g}).  A boss who keeps "
        f"little of his profit (`operations.profit_retained`, {p['profit_retained']:g} by default) is closer to "
        "that line (worksheet 2, question 6).",
    ]
    return head + "\n" + "\n".join(lines)


def figure_cell(x: dict, scaled: bool) -> str:
    """A figure of ``arrests.py`` measured in a run: ``mean [lo, hi]`` (and ×factor on a smaller world), where it lies."""
    text = c({"mean": x["mean"], "lo": x["lo"], "hi": x["hi"]})
    if scaled and x["count"]:
        text += f" → {f(x['compared'])}"
    return f"{text} ({x['where']})"


def figures_table(w: dict) -> list[str]:
    """The July 2025 figures in their sources' windows, measured in worksheet 2's three runs."""
    s, k, kp = w["small"], w["cambodia"], w["cambodia_posterior"]
    lines = [
        f"| figure (source) | window: dates, days | allowed | small world (→ ×{f(s['factor'])}) | Cambodia world | "
        "Cambodia world, `+posterior=july_2025` |",
        "|---|---|---|---|---|---|",
    ]
    for name, x in s["figures"].items():
        lo, hi = x["range"]
        lines.append(
            f"| `{name}`: {x['observed']} ({x['citation']}) | {x['dates']}, {x['window'][0]} to {x['window'][1] - 1} | "
            f"{f(lo)}–{f(hi)} | {figure_cell(x, True)} | {figure_cell(k['figures'][name], False)} | "
            f"{figure_cell(kp['figures'][name], False)} |"
        )
    return lines


def in_range(run: dict) -> list[str]:
    return [n for n, x in run["figures"].items() if x["where"] == "in range"]


def names(items: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in items) if items else "none"


def block_02(a: dict) -> str:
    w = a["02_july_wave"]
    head = heading(a, "02_july_wave", "the July 2025 wave", "")
    s, k, kp = w["small"], w["cambodia"], w["cambodia_posterior"]
    r, rc = s["run"], k["run"]
    expect(
        kp["posterior"] == "july_2025" and k["posterior"] is None, "only the last Cambodia run has the calibrated raid parameters"
    )
    where = {v: [n for n, x in s["figures"].items() if x["where"] == v] for v in ("below", "in range", "above")}
    fd, cna = s["from_directive"], s["figures"]["raids_july_2025"]
    expect(below(s["before_vs_arm"]), "the June campaign lowers the 30 days before the directive")
    expect(fd["raids"]["mean"] < cna["mean"], "counting from the directive misses the June campaign's raids")
    p = a["meta"]["params"]
    mya = s["sites"]["myawaddy"]
    nat = s["nationalities"]
    top = list(nat)[:3]
    kept = r["raided_kept_operating"]["mean"] + r["raided_resumed"]["mean"]
    expect(below(r["host_final_frac_cf"], 0.9), "Cambodia ends well below its no-crackdown arm (host_final_frac_cf < 0.9)")
    expect(below(r["final_frac_cf"]), "the network ends a few percent below its no-crackdown arm")
    expect(r["final_frac"]["lo"] > 1, "final_frac > 1 (growth hides the effect)")
    expect(r["displacement_ratio"]["lo"] > 0.5, "most of Cambodia's loss is displaced")
    levers = {(x["profit_retained"], x["supply_scale"]): x for x in w["levers"]}
    low_pr = [x for x in w["levers"] if x["profit_retained"] < p["profit_retained"]]
    default = levers[(p["profit_retained"], 1.0)]
    lasting = [x for x in w["levers"] if x["class"] == "lasting"]
    lever_rows = [
        "| `profit_retained` | `supply_scale` | `frac_cf_1y` | class | `final_frac_cf` | `host_final_frac_cf` | closed |",
        "|---|---|---|---|---|---|---|",
    ]
    for x in sorted(w["levers"], key=lambda x: (x["profit_retained"], x["supply_scale"])):
        lever_rows.append(
            f"| {x['profit_retained']:g} | {x['supply_scale']:g} | {c(x['frac_cf_1y'])} | {x['class']} | "
            f"{c(x['final_frac_cf'])} | {c(x['host_final_frac_cf'])} | {m(x['compounds_closed'])} |"
        )
    pr_effect = all(x["frac_cf_1y"]["mean"] < default["frac_cf_1y"]["mean"] for x in low_pr)
    supply_diff = levers[(p["profit_retained"], 0.25)]["minus_base"]["frac_cf_1y"]
    pr_diff = levers[(min(x["profit_retained"] for x in w["levers"]), 1.0)]["minus_base"]["frac_cf_1y"]
    lines = [
        "The July 2025 figures, each counted in its source's window (days after the directive; `arrests.py`, with the "
        "registry's windows and measures; on the small world each count is also scaled up to the Cambodia world's "
        "size, and it is that number the range is compared with):",
        "",
        *figures_table(w),
        "",
        f"Small world over the whole run: raids {c(r['raids'])}, workers arrested {c(r['arrests_workers'])}; managers "
        f"{c(r['arrests_managers'])}; bosses {c(r['arrests_bosses'])}; `low_level_share` {m(r['low_level_share'])}; "
        f"`nationalities_arrested` {c(r['nationalities_arrested'])}; `trough_frac` {c(r['trough_frac'])}; "
        f"`recovery_days` {c(r['recovery_days'])}, `recovery_days_cf` {c(r['recovery_days_cf'])}; `final_frac` "
        f"{c(r['final_frac'])}; against the no-crackdown arm `frac_cf_1y` {c(r['frac_cf_1y'])}, `final_frac_cf` "
        f"{c(r['final_frac_cf'])}, `host_final_frac_cf` {c(r['host_final_frac_cf'])}, `displacement_ratio` "
        f"{c(r['displacement_ratio'])}; relocations {m(r['relocations'])} ({m(r['relocations_abroad'])} abroad).  "
        f"`arrests.py`: senior share {pct(s['senior_share']['mean'], 1)} [{pct(s['senior_share']['lo'], 1)}, "
        f"{pct(s['senior_share']['hi'], 1)}]; {c(s['ratios']['arrests_per_raid'])} arrests per raid in CNA's window "
        f"({c(s['per_raid'])} over the whole run); {pct(r['warned_share']['mean'])} of raids leaked; nationality shares "
        + ", ".join(f"{n} {pct(nat[n]['share'], 1)}" for n in top)
        + " (AP: "
        + ", ".join(pct(nat[n]["ap"], 1) for n in top)
        + ").  Raided compounds: "
        + ", ".join(
            f"{label} {pct(r[col]['mean'])}"
            for col, label in (
                ("raided_kept_operating", "kept operating"),
                ("raided_resumed", "resumed in place"),
                ("raided_relocated", "moved"),
                ("raided_split", "split"),
                ("raided_closed", "closed"),
            )
        )
        + ".",
        "",
        f"Cambodia world (`world=cambodia`, default raid parameters): raids over the whole run {m(rc['raids'])}; "
        f"managers {m(rc['arrests_managers'])}; bosses {m(rc['arrests_bosses'])}; "
        f"senior share {pct(k['senior_share']['mean'], 1)}; {m(k['ratios']['arrests_per_raid'])} arrests per raid in "
        f"CNA's window; {pct(rc['warned_share']['mean'])} leaked; {m(rc['nationalities_arrested'])} nationalities; "
        f"`trough_frac` {m(rc['trough_frac'])}; "
        f"`frac_cf_1y` {c(rc['frac_cf_1y'])}; `final_frac_cf` {c(rc['final_frac_cf'])}; `host_final_frac_cf` "
        f"{c(rc['host_final_frac_cf'])}; {m(rc['relocations'])} relocations."
        + (
            "  A year on the Cambodia-sized network is even slightly *above* its no-crackdown arm: one reason is "
            "the shared victim pool (`docs/ODD.md` §7.20), less exploited during the wave, which yields more per "
            "worker for a while afterwards."
            if rc["frac_cf_1y"]["lo"] > 1
            else ""
        ),
        "",
        "Answers.",
        "",
        f"1. Scaled by {f(s['factor'])}, the small world is in the allowed range for {names(where['in range'])}; below "
        f"it for {names(where['below'])}; above it for {names(where['above'])} (the table).  Scaling by compounds "
        "is rough: the two worlds' compounds differ in size, and a raid arrests people up to a capacity "
        "(`arrest_capacity_mean`), not in proportion to the compound's size.  Each figure must be read in its own window, from 27 June (day −19) to the day the source "
        f"reported: the ~140 raids to mid-August are {m(cna)} raids on the small world in CNA's window (days "
        f"{cna['window'][0]} to {cna['window'][1] - 1}), but {m(fd['raids'])} counted from the directive (days 0 to "
        f"{fd['window'][1] - 1}), which misses the June campaign; `raids_30d` ({m(r['raids_30d'])}) stops on 26 July, "
        f"three weeks before CNA's count; the whole run ({m(r['raids'])} raids) adds months of the wave easing off "
        "that no figure of mid-August contains.  A model compared in the wrong window is tuned to the wrong number.",
        f"2. {pct(r['low_level_share']['mean'])} workers.  Senior share {pct(s['senior_share']['mean'], 1)} (small) and "
        f"{pct(k['senior_share']['mean'], 1)} (Cambodia) against 1.6% of the deported (173/11,000, Reuters) and 0.2% "
        f"in Kokang.  Mechanisms: {pct(r['warned_share']['mean'])} of raids leak, and a leaked raid arrests no "
        f"manager or boss (`warning_*`); bosses are rarely on site (`boss_present_prob` {p['boss_present_prob']:g}); "
        "protection softens arrests and buys managers out (`manager_release_max`).  `manager_arrest_prob`'s "
        "default was set from the senior share; the ABC calibration, which targets the low-level share, does not "
        "pin it down (`results/calibration.md`).",
        "3. No: `configs/nationalities/july_2025.yaml` sets the recruits' mix from the AP counts, and arrests fall at "
        'random on whoever is present, so the arrested mirror the workforce (the "workforce" column).  A match on '
        "a quantity built in is not validation; a real test is a pattern the model was not tuned on "
        "(Grimm et al. 2005).",
        f"4. {pct(r['raided_kept_operating']['mean'])} of the raided compounds kept operating and "
        f"{pct(r['raided_resumed']['mean'])} were sealed and then worked again in place "
        f'({pct(kept)} together, against Amnesty\'s "more than two thirds"); {pct(r["raided_relocated"]["mean"])} '
        f"moved, {pct(r['raided_closed']['mean'])} closed.  "
        f"On the Cambodia world: {pct(rc['raided_kept_operating']['mean'] + rc['raided_resumed']['mean'])} kept "
        f"operating or resumed, {pct(rc['raided_relocated']['mean'])} moved.",
        f'5. "Revenue fell to {pct(r["trough_frac"]["mean"])} of its level in the month before the crackdown began; a year on the industry is at '
        f"{pct(r['frac_cf_1y']['mean'])} of where it would have been without the crackdown and at the end at "
        f"{pct(r['final_frac_cf']['mean'])}.  But Cambodia's own scam revenue ends at "
        f"{pct(r['host_final_frac_cf']['mean'])} of its no-crackdown level: the business moved "
        f"(`displacement_ratio` {m(r['displacement_ratio'])}: that share of what Cambodia lost was made up "
        f"elsewhere, mostly at Myawaddy, {share_of(mya, 'last 30 days')} of the network's old revenue at the end "
        f"against {share_of(mya, story.NO_INTERVENTION)} without the wave).  The arrests were workers; the "
        'structure was left in place."  `final_frac` ('
        f"{m(r['final_frac'])}) compares the end with the 30 days before the June campaign, and the network grows "
        f"(the same replications without the wave end at "
        f"{pct(s['sites']['ALL SITES'][story.NO_INTERVENTION]['share'])} of their 30 days before the directive; the June "
        f"campaign had already cut the 30 days before the directive to {c(s['before_vs_arm'])} of the same days "
        "without the wave).  `recovery_days` "
        f"({m(r['recovery_days'])}) counts growth as recovery; `recovery_days_cf` ({m(r['recovery_days_cf'])}) does "
        "not.",
        f"6. Four worlds, each against its own no-crackdown arm (the table below).  The network is at least 20% "
        f"below its arm a year on, whole CI, in {len(lasting)} of the 4 worlds"
        + (
            " ("
            + "; ".join(f"profit_retained {x['profit_retained']:g}, supply_scale {x['supply_scale']:g}" for x in lasting)
            + ")"
            if lasting
            else ""
        )
        + f".  Cutting `profit_retained` to {min(x['profit_retained'] for x in w['levers']):g} moves `frac_cf_1y` by "
        f"{d(pr_diff)} (paired, at supply 1), cutting `supply_scale` to 0.25 by {d(supply_diff)}: "
        + (
            "the money lever decides it.  With thin reserves a raided boss cannot pay to re-equip, recruit and "
            "keep up his compounds, so they lose money and wind down (`compounds_closed` "
            f"{m(levers[(min(x['profit_retained'] for x in w['levers']), 1.0)]['compounds_closed'])} against "
            f"{m(default['compounds_closed'])}) instead of coming back.  Scarce labour alone deepens the dent a "
            f"little and Cambodia's loss more (`host_final_frac_cf` "
            f"{d(levers[(p['profit_retained'], 0.25)]['minus_base']['host_final_frac_cf'])}), without a lasting "
            "loss for the network."
            if pr_effect and abs(pr_diff["diff"]) > abs(supply_diff["diff"])
            else "compare the two paired differences to say which lever matters."
        )
        + "  In the field one would need the bosses' reserves and retained profits (seized assets, laundering "
        "flows), not only arrest counts; `results/region.md` finds the same lever on the Cambodia world.",
        "",
        *lever_rows,
        "",
        "Open questions.",
        "",
        f"- Calibrated (ABC-SMC on the Cambodia world, `results/calibration.md`): all {len(s['figures'])} figures of "
        "`arrests.py`'s table were the targets, in their sources' windows, fitted by the two campaigns' rates, the "
        "directive campaign's hold and half-life (`configs/calibrated/crackdown_2025.yaml`) and eight raid "
        "parameters of the world (`+posterior=july_2025`) together.  With the default raid parameters the Cambodia "
        f"world is in range for {len(in_range(k))} of them ({names(in_range(k))}); with the calibrated ones for "
        f"{len(in_range(kp))} ({names(in_range(kp))})"
        + (
            ": the campaigns' values were fitted with the raid parameters, and need them."
            if len(in_range(kp)) > len(in_range(k))
            else "."
        )
        + f"  With the calibrated raid parameters the senior share of arrests is {pct(kp['senior_share']['mean'], 1)} "
        f"(`low_level_arrests` {kp['figures']['low_level_arrests']['where']}; Reuters: 1.6%)."
        + f"  Arrests per raid in CNA's window: {c(k['ratios']['arrests_per_raid'])} with the default raid parameters, "
        f"{c(kp['ratios']['arrests_per_raid'])} with the calibrated ones (CNA: ~21); per location to 18 July "
        f"{c(k['ratios']['arrests_per_location'])} and {c(kp['ratios']['arrests_per_location'])} (AP: ~50).  Most raid "
        "parameters are not identified by these counts (`results/calibration.md`: a count fixes a product of "
        "parameters, not its factors), so the share of raids that leaked, or the arrests per raid, are not "
        f"evidence: the leaked share is {pct(rc['warned_share']['mean'])} with the defaults and "
        f"{pct(kp['run']['warned_share']['mean'])} with the calibrated parameters, and the counts cannot say which "
        "is nearer the truth.  The "
        "nationality mix is set by construction.  Not tuned: what became of the raided compounds, recovery, "
        "displacement and every `_cf` column.",
        "- `trafficked_share` does not change who is arrested (arrests are blind to it, `docs/ODD.md` §8); it "
        "changes nothing else either in this version: no process reads the flag.",
        "- Repatriated workers can be re-trafficked (`retrafficked`), and recruits fill vacancies while the stocks "
        "last: arrests remove people, not the demand for labour.  The lever sweep of question 6 answers whether "
        f"labour binds: a quarter of the supply moves `frac_cf_1y` by {d(supply_diff)} only.",
    ]
    return head + "\n" + "\n".join(lines)


def block_03(a: dict) -> str:
    w = a["03_warnings_protection"]
    head = heading(a, "03_warnings_protection", "warnings and protection", " per job")
    jobs = {(x["warnings"], x["scale"]): x for x in w["jobs"]}
    base = jobs[(True, 1.0)]
    off, p0, p2 = jobs[(False, 1.0)], jobs[(True, 0.0)], jobs[(True, 2.0)]
    rows = [
        "| job | workers arrested | managers | deflected | `revenue_lost_days_cf` | `final_frac_cf` | `host_final_frac_cf` |",
        "|---|---|---|---|---|---|---|",
    ]
    for key in ((True, 0.0), (True, 1.0), (True, 2.0), (False, 0.0), (False, 1.0), (False, 2.0)):
        x = jobs[key]
        name = f"warnings {'on' if key[0] else 'off'}, protection ×{key[1]:g}" + (" (base)" if key == (True, 1.0) else "")
        rows.append(
            f"| {name} | {c(x['arrests_workers'])} | {m(x['arrests_managers'])} | {m(x['raids_deflected'])} | "
            f"{c(x['revenue_lost_days_cf'])} | {c(x['final_frac_cf'])} | {c(x['host_final_frac_cf'])} |"
        )
    od, pd, p2d = off["minus_base"], p0["minus_base"], p2["minus_base"]
    expect(od["arrests_workers"]["verdict"] == "higher", "warnings off: more worker arrests")
    expect(od["revenue_lost_days_cf"]["verdict"] != "lower", "warnings off: no less revenue lost")
    expect(pd["revenue_lost_days_cf"]["verdict"] == "higher", "protection x0: more revenue lost")
    finals = [x["final_frac_cf"] for x in w["jobs"]]
    hosts = [x["host_final_frac_cf"] for x in w["jobs"]]
    expect(all(x["mean"] > 0.9 for x in finals), "the network ends within 10% of its arm in every job")
    expect(all(below(x, 0.95) for x in hosts), "Cambodia ends below its arm in every job")
    closest = min(w["jobs"], key=lambda x: abs(x["senior_share"]["mean"] - 173 / 11000))
    x4 = w["x4"]
    ratio = off["arrests_workers"]["mean"] / base["arrests_workers"]["mean"]
    lost_ratio = off["revenue_lost_days_cf"]["mean"] / base["revenue_lost_days_cf"]["mean"]
    expect(lost_ratio - 1 < 0.5 * (ratio - 1), "warnings off: revenue lost grows much less than arrests")
    lines = [
        *rows,
        "",
        f"Paired differences from the base: warnings off → workers {d(od['arrests_workers'])}, managers "
        f"{d(od['arrests_managers'])}, `revenue_lost_days_cf` {d(od['revenue_lost_days_cf'])} "
        f"({verdict(od['revenue_lost_days_cf'])}); protection ×0 → workers {d(pd['arrests_workers'])}, "
        f"`revenue_lost_days_cf` {d(pd['revenue_lost_days_cf'])}, deflected {d(pd['raids_deflected'])}; protection ×2 → "
        f"workers {d(p2d['arrests_workers'])}, deflected {d(p2d['raids_deflected'])} "
        f"({verdict(p2d['raids_deflected'])}), `revenue_lost_days_cf` {d(p2d['revenue_lost_days_cf'])} "
        f"({verdict(p2d['revenue_lost_days_cf'])}).  `final_frac_cf`: "
        + "; ".join(
            f"{'on' if x['warnings'] else 'off'} ×{x['scale']:g} {d(x['minus_base']['final_frac_cf'])}"
            for x in w["jobs"]
            if "minus_base" in x
        )
        + ".",
        "",
        "Answers.",
        "",
        f"1. Worker arrests ×{ratio:.1f}, manager arrests from {m(base['arrests_managers'])} to "
        f"{m(off['arrests_managers'])}; revenue lost ×{lost_ratio:.1f} ({d(od['revenue_lost_days_cf'])} days: "
        f"{verdict(od['revenue_lost_days_cf'])}"
        + (
            ", with a CI that nearly reaches 0"
            if od["revenue_lost_days_cf"]["lo"] < 0.1 * od["revenue_lost_days_cf"]["diff"]
            else ""
        )
        + ").  Without a leak, the workers who would have been moved out are arrested, but they are replaced by "
        "recruitment, and most of the compound's downtime (seal, lay low, re-equipping) is the same whether its "
        "workers were arrested or moved out.  The extra loss most likely comes from replacing them: in version 2 "
        "recruits cost money and come from finite stocks that publicity about arrests shrinks.",
        f"2. Without protection revenue lost rises by {f(pd['revenue_lost_days_cf']['diff'])} days "
        f"({pct(pd['revenue_lost_days_cf']['diff'] / base['revenue_lost_days_cf']['mean'])}): no raid is deflected, no "
        "raided compound keeps operating (`keep_operating_max`), every raid seals.  Protection's main economic "
        "effect is not the leak but keeping compounds open after a raid.",
        f"3. {m(p2['raids_deflected'])} of ~{m(p2['attempts'])} attempts "
        f"({pct(p2['raids_deflected']['mean'] / p2['attempts']['mean'])}) are called off at ×2 (and "
        f'{m(base["raids_deflected"])} of ~{m(base["attempts"])} at ×1); official statistics of raids "carried out" '
        "do not see the raids that never happened.",
        f"4. The network ends at {f(min(x['mean'] for x in finals))}–{f(max(x['mean'] for x in finals))} of its "
        f"no-crackdown arm in all six worlds: it comes back.  Cambodia does not: `host_final_frac_cf` "
        f"{f(min(x['mean'] for x in hosts))}–{f(max(x['mean'] for x in hosts))}.  Activity returns, but not "
        "necessarily where it was: much of it returns across the border (worksheet 4).  The article's claim holds "
        "for the industry, not for the country that cracked down.",
        '5. "Arrests measure how many low-level workers were present when the police came, which depends on leaks '
        f"and protection, not on how much the business was harmed: the scenario with {ratio:.1f} times the arrests "
        f'did {lost_ratio:.1f} times the damage."',
        "",
        f"Open questions.  Senior share closest to 1.6%: warnings {'on' if closest['warnings'] else 'off'}, "
        f"protection ×{closest['scale']:g} ({pct(closest['senior_share']['mean'], 1)}), but the observed figure is of "
        f"*deported* people, so the match is weak evidence.  Protection ×4: raids {m(x4['raids'])}, arrests "
        f"{c(x4['arrests_workers'])}, `trough_frac` {m(x4['trough_frac'])}, `revenue_lost_days_cf` "
        f"{c(x4['revenue_lost_days_cf'])}, `host_final_frac_cf` {c(x4['host_final_frac_cf'])}, `final_frac_cf` "
        f"{c(x4['final_frac_cf'])}: the raids still cost the business a trough "
        f"(`revenue_lost_days_cf` {'above' if x4['revenue_lost_days_cf']['lo'] > 0 else 'near'} 0) "
        "but less of Cambodia's business leaves.  A shared leak would need a new parameter (e.g. a site-level "
        "leak probability drawn once per site and day); the model has none, which students can propose as an "
        "extension.",
    ]
    return head + "\n" + "\n".join(lines)


def block_04(a: dict) -> str:
    w = a["04_displacement"]
    head = heading(a, "04_displacement", "relocation and displacement", " per job")
    r = w["run"]
    jobs = {(x["scenario"], x["relocation"]): x for x in w["jobs"]}
    base = jobs[("baseline", True)]
    wave, wave_n = jobs[("crackdown_2025", True)], jobs[("crackdown_2025", False)]
    sus, sus_n = jobs[("sustained_pressure", True)], jobs[("sustained_pressure", False)]
    mya = w["sites"]["myawaddy"]
    sih = w["sites"]["sihanoukville"]
    room = w["room20"]
    expect(jobs[("baseline", False)]["identical_to_base"], "the two baselines are identical")
    expect(
        all(
            x["sites"]["myawaddy"]["minus_cf"] == x["sites"]["myawaddy"]["minus_base"]
            for x in (wave, sus)
            if "minus_base" in x["sites"]["myawaddy"]
        ),
        "minus its arm = minus the baseline job, relocation on",
    )
    mv = w["moves_rep0"]
    rows = [
        "| job | `final_frac_cf` | `host_final_frac_cf` | `displacement_ratio` | Myawaddy, points vs its arm | relocations (abroad) |",
        "|---|---|---|---|---|---|",
    ]
    for key, name in (
        (("crackdown_2025", True), "July wave"),
        (("crackdown_2025", False), "July wave, no relocation"),
        (("sustained_pressure", True), "sustained"),
        (("sustained_pressure", False), "sustained, no relocation"),
    ):
        x = jobs[key]
        rows.append(
            f"| {name} | {c(x['final_frac_cf'])} | {c(x['host_final_frac_cf'])} | {c(x['displacement_ratio'])} | "
            f"{pts(x['sites']['myawaddy']['minus_cf'])} | {m(x['relocations'])} ({m(x['relocations_abroad'])}) |"
        )
    cam_loss = 1 - sus["host_final_frac_cf"]["mean"]
    lines = [
        f"Single run: relocations {m(r['relocations'])} per replication, {m(r['relocations_abroad'])} of them abroad; "
        f"`host_final_frac_cf` {c(r['host_final_frac_cf'])}, `final_frac_cf` {c(r['final_frac_cf'])}, "
        f"`displacement_ratio` {c(r['displacement_ratio'])}.  Story of replication 0: "
        + "; ".join(f"day {x['day']:+d} compound {x['compound']} ({x['boss']}) {x['from']} → {x['to']}" for x in mv[:5])
        + (f"; {len(mv) - 5} more moves by day +120" if len(mv) > 5 else "")
        + f".  Site table: Myawaddy {share_of(mya, 'before')} of the network's revenue before, "
        f"{share_of(mya, 'days 0-60')} during days 0–60, {share_of(mya, 'last 30 days')} at the end "
        f"({share_of(mya, story.NO_INTERVENTION)} without the wave); Sihanoukville {share_of(sih, 'before')} → "
        f"{share_of(sih, 'days 0-60')} → {share_of(sih, 'last 30 days')} ({share_of(sih, story.NO_INTERVENTION)} "
        "without the wave).",
        "",
        "Sweep (each job against its own no-intervention arm; the Myawaddy column is its paired difference in "
        "points of the network's pre-intervention revenue):",
        "",
        *rows,
        "",
        f"Paired differences from the baseline job: July wave `final_frac` {d(wave['minus_base']['final_frac'])}, "
        f"`host_final_frac` {d(wave['minus_base']['host_final_frac'])}; sustained `host_final_frac` "
        f"{d(sus['minus_base']['host_final_frac'])}.  The two baselines are identical (paired difference exactly "
        f'0), and for every relocation-on job the site rows "minus its no-intervention arm" and "minus the base '
        f'job" are equal.  Baseline: `final_frac` {c(base["final_frac"])}, Myawaddy '
        f"{f(base['sites']['myawaddy']['share']['mean'])}% of the old revenue at the end, "
        f"{m(base['compounds_founded'])} compounds founded.",
        "",
        "Answers.",
        "",
        "1. The network grows (and moves) in the baseline too; within the crackdown run, Myawaddy's rise mixes "
        "growth with displacement.  Only a comparison with the same world without the crackdown, same random "
        "numbers, isolates what the crackdown moved: the baseline job is that world, and the no-intervention arm "
        "every crackdown job carries is *exactly* the baseline job (same config minus the interventions, same "
        "seed and replications): that is why the two rows are identical.",
        f"2. July wave: Cambodia ends at {c(wave['host_final_frac_cf'])} of its no-crackdown level, the network at "
        f"{c(wave['final_frac_cf'])}; `displacement_ratio` {c(wave['displacement_ratio'])}: most of what Cambodia "
        f"lost was made up elsewhere, mainly Myawaddy ({pts(wave['sites']['myawaddy']['minus_cf'])} points).  "
        "Displacement is large and lasting: the small dent in the network and the large one in Cambodia are the "
        "balloon effect in numbers.",
        f"3. Sustained, relocation on: Cambodia loses {pct(cam_loss)} of its no-crackdown revenue "
        f"(`host_final_frac_cf` {c(sus['host_final_frac_cf'])}) and Myawaddy gains "
        f"{pts(sus['sites']['myawaddy']['minus_cf'])} points; the network ends at {c(sus['final_frac_cf'])}: nearly "
        f"all of it displaced.  Relocation forbidden: Cambodia {c(sus_n['host_final_frac_cf'])}, Myawaddy still "
        f"{pts(sus_n['sites']['myawaddy']['minus_cf'])} points: growth, not moves, takes the business there "
        "(new compounds are founded where pressure is low).",
        f"4. Without relocation the network ends at {c(wave_n['final_frac_cf'])} (July wave) and "
        f"{c(sus_n['final_frac_cf'])} (sustained), against {c(wave['final_frac_cf'])} and {c(sus['final_frac_cf'])} "
        f"with it; Cambodia at {c(wave_n['host_final_frac_cf'])} and {c(sus_n['host_final_frac_cf'])} against "
        f"{c(wave['host_final_frac_cf'])} and {c(sus['host_final_frac_cf'])}.  Forbidding moves keeps the business "
        "in Cambodia, so the crackdown dents Cambodia less and pushes nothing abroad; for the network it "
        + (
            "makes the sustained campaign more damaging: stuck compounds stay raided and some close "
            f"({m(sus_n['compounds_closed'])} closures against {m(sus['compounds_closed'])})."
            if sus_n["final_frac_cf"]["mean"] < sus["final_frac_cf"]["mean"]
            else "makes little difference."
        ),
        "5. There is no cap on compounds at a site any more.  Moves are limited by what they cost (a fixed cost, "
        "per km, a border crossing, space at the destination: a vacant building to fit out or a new one to build "
        "in months, dearer on crowded sites), by the weeks they take (workers driven over a few a day, some "
        "escaping), by reachability (closed borders) and by the boss's capital.  Left alone the network does not "
        f"grow into Myawaddy (the baseline's Myawaddy ends at {f(base['sites']['myawaddy']['share']['mean'])}% of "
        "the old revenue): its lower `attractiveness` and its `base_pressure` (`configs/world/small.yaml`) make "
        "the Cambodian sites the better bet until the raids raise their hazard.",
        "",
        f"Open question (room 20): baseline `final_frac` {c(room['baseline']['final_frac'])} — "
        + (
            "identical to the baseline at room 6 (the extra buildings are not used when nobody is pushed)"
            if room["baseline_identical_to_room6"]
            else "different from the baseline at room 6"
        )
        + f"; sustained `host_final_frac_cf` {c(room['sustained']['host_final_frac_cf'])}, `final_frac_cf` "
        f"{c(room['sustained']['final_frac_cf'])}, `displacement_ratio` {c(room['sustained']['displacement_ratio'])}, "
        f"Myawaddy {pts(room['sustained']['sites']['myawaddy']['minus_cf'])} points, "
        f"{m(room['sustained']['relocations_abroad'])} relocations abroad (against {m(sus['relocations_abroad'])} at "
        "room 6).  Ready buildings make moving cheaper and faster, so the balloon grows"
        + (" and the network loses less" if room["sustained"]["final_frac_cf"]["mean"] > sus["final_frac_cf"]["mean"] else "")
        + ".  A comparison at the same room is needed because room could change the baseline too (here it does "
        "not, which the comparison shows).  Border closures (`{Thailand, Cambodia}` in the scenario) block "
        "relocations and overland recruits across that pair only: a Cambodia → Myanmar move is a direct crossing "
        "in the model, a simplification worth discussing (`docs/ODD.md` §8).",
    ]
    return head + "\n" + "\n".join(lines)


def block_05(a: dict) -> str:
    w = a["05_infrastructure"]
    head = heading(a, "05_infrastructure", "cuts and substitutes", " per job")
    r = w["run"]
    p = a["meta"]["params"]
    poi = w["sites"]["poipet"]
    jobs = {(x["blocked"], x["relocation"]): x for x in w["jobs"]}
    same = jobs[(False, False)]
    bl, bln = jobs[(True, True)], jobs[(True, False)]
    both = w["both"]
    subs = w["substitutes_rep0"]
    expect(same["identical_to_base"], "substitutes allowed: relocation on and off identical")
    expect(bl["sites"]["poipet"]["share"]["mean"] < 1, "blocked substitutes: Poipet ends near zero")
    expect(bln["final_frac_cf"]["mean"] < bl["final_frac_cf"]["mean"], "no relocation: the network loses more")
    cost = subs["compounds"] * (p["generator_usd"] + p["satellite_usd"])
    gainers = sorted(((s, x["minus_cf"]) for s, x in bl["sites"].items() if s != "poipet"), key=lambda t: -t[1]["mean"])
    rows = [
        "| job | `revenue_lost_days_cf` | `final_frac_cf` | `host_final_frac_cf` | relocations (abroad) | closed |",
        "|---|---|---|---|---|---|",
    ]
    for key, name in (
        ((False, True), "substitutes allowed, relocation on (base)"),
        ((False, False), "substitutes allowed, relocation off"),
        ((True, True), "substitutes blocked, relocation on"),
        ((True, False), "substitutes blocked, relocation off"),
    ):
        x = jobs[key]
        rows.append(
            f"| {name} | {c(x['revenue_lost_days_cf'])} | {c(x['final_frac_cf'])} | {c(x['host_final_frac_cf'])} | "
            f"{m(x['relocations'])} ({m(x['relocations_abroad'])}) | {m(x['compounds_closed'])} |"
        )
    lines = [
        f"Single run: `trough_frac` {c(r['trough_frac'])}; `recovery_days` {c(r['recovery_days'])}; "
        f"`revenue_lost_days_cf` {c(r['revenue_lost_days_cf'])} (`revenue_lost_days` {c(r['revenue_lost_days'])}); "
        f"`final_frac_cf` {c(r['final_frac_cf'])}.  Story (`--to-day 60`): the cut on day 0; {subs['compounds']} Poipet "
        f"compounds have generators and satellite links by day {subs['last_day']:+d}.  Poipet: {usd_k(poi['before']['usd'])} "
        f"before, {usd_k(poi['days 0-60']['usd'])} over days 0–60, {usd_k(poi['last 30 days']['usd'])} at the end.",
        "",
        *rows,
        "",
        "Site table, substitutes blocked and relocation on, points of the old revenue against the no-cut arm: "
        + ", ".join(f"{s} {pts(x)}" for s, x in [("poipet", bl["sites"]["poipet"]["minus_cf"]), *gainers])
        + f"; Poipet ends at {f(bl['sites']['poipet']['share']['mean'])}% of the old revenue.",
        "",
        "Answers.",
        "",
        f"1. Trough {m(r['trough_frac'])}, {m(r['revenue_lost_days_cf'])} days of revenue lost against the no-cut "
        f"arm, back in {m(r['recovery_days'])} days.  Substitutes: {subs['compounds']} compounds × "
        f"({usd(p['generator_usd'])} + {usd(p['satellite_usd'])}) = {usd(cost)}, about "
        f"{cost / poi['before']['usd']:.0f} days of Poipet's revenue ({usd_k(poi['before']['usd'])}).",
        f"2. Poipet's revenue is gone for good; Cambodia ends at {c(bl['host_final_frac_cf'])} of its no-cut level and "
        f"the network at {c(bl['final_frac_cf'])}: the compounds moved ({m(bl['relocations'])} relocations, "
        f"{m(bl['relocations_abroad'])} abroad) "
        + (
            "to the other Cambodian sites, mostly " + gainers[0][0].capitalize() + ": the country keeps the business."
            if bl["relocations_abroad"]["mean"] < 0.5 * bl["relocations"]["mean"]
            else "across the border."
        ),
        f"3. Without relocation the Poipet compounds lose money and wind down ({m(bln['compounds_closed'])} closed per "
        f"replication); the network ends at {c(bln['final_frac_cf'])} and Cambodia at "
        f"{c(bln['host_final_frac_cf'])}, revenue lost {m(bln['revenue_lost_days_cf'])} days against "
        f"{m(bl['revenue_lost_days_cf'])} with relocation.  Relocation lets bosses save the business they had at "
        "Poipet.",
        f"4. A raid interrupts a compound that keeps its building, its boss, its protection and its access to power; "
        'equipment and workers are replaced.  A cut with blocked substitutes removes a *site* from the map: "si ... '
        'les infrastructures existent toujours les activites ... peuvent revenir rapidement" — at Poipet they no '
        "longer exist.  But with relocation allowed the business simply moves to sites where they do: Cambodia "
        f"({c(bl['host_final_frac_cf'])}) and the network ({c(bl['final_frac_cf'])}) lose "
        + (
            "less than to the July wave of worksheet 2"
            if bl["host_final_frac_cf"]["mean"] > a["02_july_wave"]["small"]["run"]["host_final_frac_cf"]["mean"]
            else "about as much as to the July wave"
        )
        + f" (Cambodia {c(a['02_july_wave']['small']['run']['host_final_frac_cf'])}).  The cut is lasting for the "
        "site, not for the industry.",
        '5. "Substitutes allowed" with and without relocation are identical (difference exactly 0): when generators '
        "work, connectivity returns and no boss wants to move; relocation only happens after raids or while a site "
        "stays cut.",
        "",
        f"Open question (cut Poipet and Myawaddy, substitutes blocked): `final_frac_cf` {c(both['run']['final_frac_cf'])}, "
        f"`host_final_frac_cf` {c(both['run']['host_final_frac_cf'])}, relocations {m(both['run']['relocations'])}, "
        f"closed {m(both['run']['compounds_closed'])}; at the end Poipet {share_of(both['sites']['poipet'], 'last 30 days')}, "
        f"Myawaddy {share_of(both['sites']['myawaddy'], 'last 30 days')}, Sihanoukville "
        f"{share_of(both['sites']['sihanoukville'], 'last 30 days')} of the old revenue.  Both Thai-fed sites are "
        "emptied and the bosses move to the Cambodian sites that still have power"
        + (
            ": Cambodia ends *above* its no-cut level, having taken in Myawaddy's business.  "
            if both["run"]["host_final_frac_cf"]["lo"] > 1
            else ".  "
        )
        + "A neighbour that supplies power and Internet holds leverage over a site, not over the industry.  "
        "Partial blocking: raise `infrastructure.generator_usd` / `satellite_usd` and `generator_days` / "
        "`satellite_days`.  The cut's cost to the town's residents is not in the model (no civilian economy).",
    ]
    return head + "\n" + "\n".join(lines)


def block_06(a: dict) -> str:
    w = a["06_budget"]
    head = heading(a, "06_budget", "policy under a budget", " per job")
    pol = w["policies"]
    july = pol["july_2025"]
    rows = [
        "| policy | `revenue_lost_days_cf` | `frac_cf_1y` | `final_frac_cf` | `host_final_frac_cf` | workers arrested | spent |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in POLICIES:
        x = pol[name]
        rows.append(
            f"| {name} | {c(x['revenue_lost_days_cf'])} | {c(x['frac_cf_1y'])} | {c(x['final_frac_cf'])} | "
            f"{c(x['host_final_frac_cf'])} | {m(x['arrests_workers'])} | {f(x['budget']['total'])} |"
        )
    diffs_text = []
    for name in POLICIES[1:]:
        md = pol[name]["minus_base"]
        clear = [
            f"`{k}` {d(md[k])} ({md[k]['verdict']})"
            for k in ("revenue_lost_days_cf", "frac_cf_1y", "final_frac_cf", "host_final_frac_cf")
            if md[k]["verdict"] != "no clear difference"
        ]
        diffs_text.append(f"{name}: " + ("; ".join(clear) if clear else "no clear difference on any `_cf` metric"))
    spent = {n: pol[n]["budget"]["total"] for n in POLICIES}
    cheaper = [n for n in POLICIES if spent[n] < 0.9 * spent["july_2025"]]
    ev = w["bosses_first_events"]
    most_harm = max(POLICIES, key=lambda n: pol[n]["revenue_lost_days_cf"]["mean"])
    lowest_host = min(POLICIES, key=lambda n: pol[n]["host_final_frac_cf"]["mean"])
    lowest_1y = min(POLICIES, key=lambda n: pol[n]["frac_cf_1y"]["mean"])
    sus, pf, pi, bf = pol["sustained"], pol["protection_first"], pol["protection_and_infrastructure"], pol["bosses_first"]
    for name in POLICIES:  # the policy files must still be those the runs were made with
        live = paired.planned_raids(sim.compose(["+teaching=06_budget", f"+teaching/policy={name}"]))
        expect(
            abs(live - pol[name]["budget"]["planned"]) < 0.05,
            f"configs/teaching/policy/{name}.yaml is the file answers.json was made with (rerun run_worksheets.py)",
        )
    mp = w["my_policy"]
    harm = {"revenue_lost_days_cf": "higher", "frac_cf_1y": "lower", "final_frac_cf": "lower", "host_final_frac_cf": "lower"}
    pi_more_harm = any(pi["minus_base"][k]["verdict"] == v for k, v in harm.items())
    pi_less_harm = any(pi["minus_base"][k]["verdict"] not in (v, "no clear difference") for k, v in harm.items())
    lines = [
        *rows,
        "",
        "Paired differences from `july_2025` (only those whose 95% CI excludes 0): " + "; ".join(diffs_text) + ".  "
        "Budget (raid-equivalents, planned / counted attempts / other actions): "
        + "; ".join(
            f"{n} {f(pol[n]['budget']['planned'])} / {m(pol[n]['budget']['attempts'])} / {f(pol[n]['budget']['other'])}"
            for n in POLICIES
        )
        + ".  `my_policy` as shipped: planned "
        + f"{f(mp['budget']['planned'])}, "
        + (
            "identical to `july_2025` (paired difference 0)."
            if mp["identical_to_july"]
            else f"not the July wave (its campaign settings differ): `revenue_lost_days_cf` "
            f"{d(mp['minus_base']['revenue_lost_days_cf'])}, `host_final_frac_cf` {d(mp['minus_base']['host_final_frac_cf'])} "
            "against `july_2025`."
        ),
        "",
        "Answers.",
        "",
        (
            f"The budget table first: {', '.join(f'`{n}`' for n in cheaper)} spend "
            f"{f(min(spent[n] for n in cheaper))}–{f(max(spent[n] for n in cheaper))} raid-equivalents against "
            f"{f(spent['july_2025'])} for the July wave, so this is a comparison at *lower* cost, not equal cost "
            "(worksheet 6's budget box says why).  Any of them that does as much lasting harm as the July wave does "
            "it more cheaply."
            if cheaper
            else "The budget table first: every policy spends about the July wave's budget, so the comparison is at equal cost."
        ),
        "",
        f"1. Most harm over two years: `{most_harm}` (`revenue_lost_days_cf` {c(pol[most_harm]['revenue_lost_days_cf'])}).  "
        f"Lowest a year on: `{lowest_1y}` (`frac_cf_1y` {c(pol[lowest_1y]['frac_cf_1y'])}); lowest for Cambodia at "
        f"the end: `{lowest_host}` (`host_final_frac_cf` {c(pol[lowest_host]['host_final_frac_cf'])}).  At the end "
        "of the run every policy leaves the *network* at "
        f"{f(min(pol[n]['final_frac_cf']['mean'] for n in POLICIES))}–{f(max(pol[n]['final_frac_cf']['mean'] for n in POLICIES))}"
        " of its no-intervention arm: harm during the campaign and a lasting effect are different things, and "
        "what lasts is mostly Cambodia's loss to displacement.  `sustained` keeps pressure on for a year: "
        f"`frac_cf_1y` {c(sus['frac_cf_1y'])} and `host_final_frac_cf` {c(sus['host_final_frac_cf'])}, with "
        f"{f(spent['sustained'])} raid-equivalents against {f(spent['july_2025'])}.",
        f"2. `bosses_first` arrests {m(bf['arrests_workers'])} workers against {m(july['arrests_workers'])}; "
        f"`revenue_lost_days_cf` {d(bf['minus_base']['revenue_lost_days_cf'])}, `host_final_frac_cf` "
        f"{d(bf['minus_base']['host_final_frac_cf'])}.  Over its {w['bosses_first_replications']} replications: "
        f"{ev['boss_indicted']} indictments, {ev['boss_fled_abroad']} bosses tipped off and fled abroad (from where "
        f"they keep running their compounds, `bosses.flee_prob_warned` {a['meta']['params']['flee_prob_warned']:g}), "
        f"{ev['arrest_boss']} boss arrests, {ev['boss_successor']} successions.  Arrest statistics would call it a "
        "failure; for the workers it is fewer detentions; for the business "
        + (
            f"it is a lasting dent all the same: `final_frac_cf` {d(bf['minus_base']['final_frac_cf'])} (lower), "
            f"with {f(spent['bosses_first'])} raid-equivalents against {f(spent['july_2025'])}."
            if bf["minus_base"]["final_frac_cf"]["verdict"] == "lower"
            else "it is mostly fewer raids."
        ),
        f"3. `protection_first` against `july_2025`: `revenue_lost_days_cf` {d(pf['minus_base']['revenue_lost_days_cf'])}, "
        f"`frac_cf_1y` {d(pf['minus_base']['frac_cf_1y'])}, `host_final_frac_cf` {d(pf['minus_base']['host_final_frac_cf'])}.  "
        f"Removed protectors are replaced after ~{a['meta']['params']['replacement_days_mean']:g} days "
        "(`replacement`, `replacement_days_mean`), bosses buy protection again (`buy_in`, and in version 2 also "
        "where it is merely low), and local police keep protecting.  Whether real patrons are replaced that fast "
        "is an empirical question — try `protection.replacement=false`.",
        "4. "
        + (
            "Partly, in this version and at these costs: "
            if pi_more_harm and not pi_less_harm and spent["protection_and_infrastructure"] <= spent["july_2025"]
            else "Not in this version, at these costs: "
            if not pi_more_harm
            else "Mixed: "
        )
        + f"`protection_and_infrastructure` against `july_2025` gives `revenue_lost_days_cf` "
        f"{d(pi['minus_base']['revenue_lost_days_cf'])} ({pi['minus_base']['revenue_lost_days_cf']['verdict']}), "
        f"`frac_cf_1y` {d(pi['minus_base']['frac_cf_1y'])} ({pi['minus_base']['frac_cf_1y']['verdict']}), "
        f"`final_frac_cf` {d(pi['minus_base']['final_frac_cf'])} ({pi['minus_base']['final_frac_cf']['verdict']}), "
        f"`host_final_frac_cf` {d(pi['minus_base']['host_final_frac_cf'])} "
        f"({pi['minus_base']['host_final_frac_cf']['verdict']}), with {m(pi['arrests_workers'])} workers arrested "
        f"instead of {m(july['arrests_workers'])} and {f(spent['protection_and_infrastructure'])} raid-equivalents "
        f"instead of {f(spent['july_2025'])}.  "
        + (
            "The two missing factors, as modelled, do more harm to the business during the campaign and leave "
            "Cambodia lower for no more money"
            + (
                ", but not a lasting mark on the network at the end: Poipet's compounds move to other sites "
                "(worksheet 5) and the removed protectors are replaced.  "
                if pi["minus_base"]["final_frac_cf"]["verdict"] == "no clear difference"
                else ".  "
            )
            if pi_more_harm
            else "The Poipet cut empties Poipet but its compounds move to other Cambodian sites (worksheet 5), and the "
            "removed protectors are replaced: the two missing factors, as modelled, do about what the raids do.  "
        )
        + "The answer depends on the costs, on `protection.replacement`, on whether fuel and satellite links can "
        "really be blocked, on the moves being possible at all, and it ignores the cut's civilian cost.",
    ]
    lines += [
        "",
        'A strong student answer to "design your own": spend the July budget on pressure that lasts (a lower rate '
        "held longer, like `sustained`, which already leaves the network lower a year on and Cambodia lower at the "
        "end, with less money) and check "
        "its `host_final_frac_cf` *and* `final_frac_cf`: a policy that only pushes compounds across the border "
        "looks good for Cambodia and does nothing for the region.",
    ]
    expect(
        sus["minus_base"]["host_final_frac_cf"]["verdict"] == "lower"
        and sus["minus_base"]["frac_cf_1y"]["verdict"] == "lower"
        and spent["sustained"] < spent["july_2025"],
        "sustained leaves the network lower a year on and Cambodia lower at the end, for less money",
    )
    return head + "\n" + "\n".join(lines)


def block_07(a: dict) -> str:
    w = a["07_randomness"]
    head = heading(a, "07_randomness", "randomness and replications", " per run unless the command says otherwise")
    sp = w["seeds"]
    rp = w["replications"]
    v, v7 = w["versus"], w["versus_seed7"]
    vb = v["minus_base"]
    expect(all(x["paired_zero"] for x in rp.values()), "4 vs 16 replications: paired differences exactly 0")
    expect(
        v["ratio_error"] < 1e-6,
        "final_frac_cf = final_frac / baseline final_frac x (crackdown's before level / baseline's), replication by replication",
    )
    same_before = v["plain_ratio_error"] < 1e-6

    def width(s: dict) -> float:
        return s["hi"] - s["lo"]

    rl = rp["revenue_lost_days_cf"]
    narrower = width(vb["final_frac"] | {"lo": vb["final_frac"]["ulo"], "hi": vb["final_frac"]["uhi"]}) / width(vb["final_frac"])
    auto = w["auto"]
    mixed = w["mixed"]
    lines = [
        "Six seeds, one replication each: "
        + "; ".join(
            f"`{k}` {f(sp[k]['min'])} (seed {sp[k]['min_seed']}) to {f(sp[k]['max'])} (seed {sp[k]['max_seed']})"
            for k in ("final_frac_cf", "revenue_lost_days_cf", "recovery_days_cf", "arrests_workers")
        )
        + ".",
        "",
        "4 vs 16 replications (seed 20250716): "
        + "; ".join(f"`{k}` {c(x['4'])} vs {c(x['16'])} (width {f(width(x['4']))} → {f(width(x['16']))})" for k, x in rp.items())
        + ".  Paired differences between the two jobs: exactly 0.",
        "",
        f"Baseline vs crackdown, 12 replications: `final_frac` {d(vb['final_frac'])} paired vs "
        f"[{f(vb['final_frac']['ulo'])}, {f(vb['final_frac']['uhi'])}] unpaired ({narrower:.0f}× narrower); "
        f"`host_final_frac` {d(vb['host_final_frac'])} paired vs [{f(vb['host_final_frac']['ulo'])}, "
        f"{f(vb['host_final_frac']['uhi'])}] unpaired; `revenue_lost_days` {d(vb['revenue_lost_days'])}.  The "
        f"crackdown's own `final_frac_cf` {c(v['crackdown']['final_frac_cf'])} and `host_final_frac_cf` "
        f"{c(v['crackdown']['host_final_frac_cf'])}; replication by replication `final_frac_cf` equals its "
        f"`final_frac` divided by the baseline's, times the ratio of the two runs' levels before the first intervention "
        f"(`baseline_revenue`: crackdown / baseline {c(v['before_ratio'])}; largest difference "
        f"{v['ratio_error']:.1g}" + ("" if same_before else f", against {f(v['plain_ratio_error'])} without that ratio") + ").",
        "",
        f"`replications=auto` with ±0.01 on `final_frac_cf`: stops at **{auto['replications']}** replications, "
        f"`final_frac_cf` {c(auto['final_frac_cf'])}.",
        "",
        "Answers.",
        "",
        f"1. `revenue_lost_days_cf` runs from {f(sp['revenue_lost_days_cf']['min'])} to "
        f"{f(sp['revenue_lost_days_cf']['max'])} days across six seeds "
        f'(×{sp["revenue_lost_days_cf"]["max"] / sp["revenue_lost_days_cf"]["min"]:.1f}): one run could "show" a '
        f"crackdown that cost the industry about {sp['revenue_lost_days_cf']['min'] / 30:.0f} months of revenue, or "
        f"one that cost it {sp['revenue_lost_days_cf']['max'] / 30:.0f}.",
        f"2. Width {f(width(rl['4']))} → {f(width(rl['16']))} (×{width(rl['16']) / width(rl['4']):.2f}; 1/√n predicts "
        f"×0.5).  With 4 replications the standard deviation itself is badly estimated ({f(rl['sd4'])} at n = 4, "
        f"{f(rl['sd16'])} at n = 16) and the t quantile is large ({t_quantile(4):.2f} against "
        f"{t_quantile(16):.2f}), so 1/√n holds only on average"
        + (
            f" (for `recovery_days_cf` the CI did not narrow at all: {f(width(rp['recovery_days_cf']['4']))} → "
            f"{f(width(rp['recovery_days_cf']['16']))})"
            if width(rp["recovery_days_cf"]["16"]) > 0.8 * width(rp["recovery_days_cf"]["4"])
            else ""
        )
        + "; the mean moves because 12 new replications were added.  With too few replications you do not even know "
        "how uncertain you are.",
        f"3. Unpaired: {'no' if vb['final_frac']['ulo'] < 0 < vb['final_frac']['uhi'] else 'yes'} "
        f"([{f(vb['final_frac']['ulo'])}, {f(vb['final_frac']['uhi'])}]).  Paired: "
        f"{'yes' if vb['final_frac']['verdict'] != 'no clear difference' else 'no'} ({d(vb['final_frac'])}"
        + (
            ", *higher* with the crackdown: `final_frac` divides by each run's own level before its first "
            "intervention, and the crackdown's was lower"
            if vb["final_frac"]["verdict"] == "higher" and not same_before
            else ""
        )
        + ").  Report the paired CI, valid only because both runs used the same seed and replication numbers: "
        "replication k shares every random draw the crackdown does not change.  The crackdown's `final_frac_cf` "
        "is the crackdown's revenue at the end over its no-intervention arm's, and that arm *is* the baseline "
        "job: every intervention run carries its paired baseline, and the `_cf` columns are the paired comparison "
        "done for you"
        + (
            ".  So `final_frac_cf` is the crackdown's `final_frac` over the baseline's only when both runs had the "
            "same level before the first intervention; here the crackdown's was "
            f"{pct(1 - v['before_ratio']['mean'])} lower: it is read in the 30 days before the June campaign, "
            "earlier than the baseline job's (no intervention: the 30 days before day 0), in a network that grows.  "
            "`final_frac_cf` corrects for it: it compares the same days of the two runs, not each run with its own past."
            if not same_before and v["before_ratio"]["hi"] < 1
            else (
                ".  Here the two runs' levels are the same: `baseline_revenue` is read before the first campaign, "
                "while the runs are still one, so `final_frac_cf` is just the ratio of the two `final_frac`."
                if same_before
                else "."
            )
        ),
        f"4. With `seed=7`: `final_frac` {d(v7['minus_base']['final_frac'])} ({verdict(v7['minus_base']['final_frac'])}), "
        f"`host_final_frac` {d(v7['minus_base']['host_final_frac'])} ({verdict(v7['minus_base']['host_final_frac'])}), "
        f"`revenue_lost_days` {d(v7['minus_base']['revenue_lost_days'])}; `final_frac_cf` "
        f"{c(v7['crackdown']['final_frac_cf'])}, `host_final_frac_cf` {c(v7['crackdown']['host_final_frac_cf'])}: "
        + (
            "the same conclusions, different numbers inside each other's intervals."
            if v7["minus_base"]["host_final_frac"]["verdict"] == vb["host_final_frac"]["verdict"]
            and v7["minus_base"]["final_frac"]["verdict"] == vb["final_frac"]["verdict"]
            else "a conclusion changed with the seed: the effect is near the edge of what 12 replications detect."
        ),
        '5. "The model is random like the world it describes: one run is one possible history.  We ran it N times '
        "and report the average with a range that would contain the true model average 95 times in 100.  A "
        'difference between policies counts only if its range excludes zero."',
        "",
        f"Open question (scenario × seed, 4 replications): crackdown seed 1 vs baseline seed 1 is paired: "
        f"`host_final_frac` {d(mixed['same_seed'])}; crackdown seed 2 vs baseline seed 1 is not: "
        f'{d(mixed["other_seed"])} (unpaired).  Mixing seeds compares different histories: the "difference" '
        "contains the luck of two worlds.  `recovery_days_cf` averages only the replications that recovered (`n` "
        'smaller than the replications, the terminal says "k of N recovered"), so a policy whose worst runs never '
        "recover looks better than it is — report the share that recovered too.  CIs cover seed noise only, not "
        "parameter uncertainty (trafficked share 0.2–0.8, the contested headcounts, and in version 2 the labour, "
        "money and victim levers of worksheet 2): that needs sweeps over parameter ranges or "
        "`experiments/sensitivity.py`.",
    ]
    return head + "\n" + "\n".join(lines)


def block_08(a: dict) -> str:
    w = a["08_explorer"]
    seed = next(o.split("=", 1)[1] for o in w["overrides"] if o.startswith("seed="))
    reps = int(next(o.split("=", 1)[1] for o in w["overrides"] if o.startswith("replications=")))
    head = (
        f"## 08_explorer.md — the explorer (seed {seed}, {reps} replications)\n\n"
        "Worksheet 8 runs in a browser, so these numbers are the explorer's defaults (world `small`, "
        "`crackdown_2025`, the page's default seed and replications: `"
        + " ".join(w["overrides"])
        + "`) computed by `answers.py --collect` through the page's own overrides (`sim.explore.levers`) and map "
        "trace (`sim.explore.trace`, replication 1).  The page shows the same digits as `python -m sim` for its "
        "command, and the test suite checks that in a real browser (`tests/test_explore_browser.py`).  How long a "
        "run on the page and the start of `scamsim explore` take on a class machine: `python -m sim.explore.timing`.\n"
    )
    r, mp, pol = w["run"], w["map"], w["policies"]
    nw, npr, nrl = pol["no_warnings"], pol["no_protection"], pol["no_relocation"]
    x2, scarce = pol["x2_held_365"], pol["scarce_labour_victims"]
    expect(w["page_is_the_command"], "the page's default run is the worksheet's command, replication by replication")
    expect(below(r["host_final_frac_cf"], 0.9), "Cambodia's sites end well below their no-wave level (host_final_frac_cf < 0.9)")
    gains = {site: mp["workers_365"][site] - mp["workers_before"][site] for site in mp["workers_365"]}
    gainer = max(gains, key=gains.get)
    loser = min(gains, key=gains.get)
    dest = Counter(x["to"] for x in mp["first_moves"])
    first_to, first_n = dest.most_common(1)[0] if dest else ("", 0)
    moves = mp["first_moves"]
    arrows = (
        f"the first {len(moves)} arrows (days {moves[0]['day']:+d} to {moves[-1]['day']:+d}) "
        + (
            f"all point to **{first_to.capitalize()}**"
            if first_n == len(moves)
            else f"— {first_n} of them point to **{first_to.capitalize()}**, "
            + ("the other " if len(moves) - first_n == 1 else "the others ")
            + ", ".join(f"{x['from'].capitalize()} → {x['to'].capitalize()}" for x in moves if x["to"] != first_to)
        )
        if moves
        else "no arrow yet"
    )
    state = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(mp["day30"].items(), key=lambda t: -t[1]))
    nwd, npd, x2d, scd = (x["minus_a"] for x in (nw, npr, x2, scarce))
    arrests_ratio = nw["stats"]["arrests_workers"]["mean"] / r["arrests_workers"]["mean"]
    little_damage = nwd["final_frac_cf"]["verdict"] == "no clear difference" and abs(nwd["frac_cf_1y"]["diff"]) < 0.1
    p1y = npd["frac_cf_1y"]
    paired_excludes = p1y["lo"] > 0 or p1y["hi"] < 0
    unpaired_excludes = p1y["ulo"] > 0 or p1y["uhi"] < 0
    x2_class = effect_class(x2["stats"]["frac_cf_1y"])
    lines = [
        f"1. `final_frac_cf` {c(r['final_frac_cf'])}, `frac_cf_1y` {c(r['frac_cf_1y'])}, but `host_final_frac_cf` "
        f"{c(r['host_final_frac_cf'])}: the network ends "
        + (
            "indistinguishable from the no-crackdown world"
            if contains(r["final_frac_cf"])
            else f"at {pct(r['final_frac_cf']['mean'])} of the no-crackdown world"
        )
        + f" while Cambodia's sites stay about {pct(1 - r['host_final_frac_cf']['mean'])} below it; the gap is money "
        f"made elsewhere (`displacement_ratio` {c(r['displacement_ratio'])}).  `trough_frac` {m(r['trough_frac'])}: revenue fell to "
        f"{pct(r['trough_frac']['mean'])} of the 30 days before the first campaign.",
        f"2. Replication {mp['replication']}, day +30: {state}; {arrows}.  By day +365 {gainer.capitalize()} holds "
        f"{f(mp['workers_365'][gainer])} workers against {f(mp['workers_before'][gainer])} on day "
        f"{mp['before_day']:+d}, the eve of the first campaign; {loser.capitalize()} {f(mp['workers_365'][loser])} "
        f"against {f(mp['workers_before'][loser])}.  Expect students to spot the arrows first; ask them to read the "
        "site labels.",
        f"3. Warnings off: `arrests_workers` {m(r['arrests_workers'])} → {m(nw['stats']['arrests_workers'])} (paired "
        f"B − A {d(nwd['arrests_workers'])}, {arrests_ratio:.1f} times as many), managers {m(r['arrests_managers'])} → "
        f"{m(nw['stats']['arrests_managers'])}; `final_frac_cf` {m(r['final_frac_cf'])} → "
        f"{m(nw['stats']['final_frac_cf'])} ({nwd['final_frac_cf']['verdict']}), `frac_cf_1y` "
        f"{d(nwd['frac_cf_1y'])} ({nwd['frac_cf_1y']['verdict']}).  "
        + (
            "Many more arrests, little more lasting damage: worksheet 3's point, seen in one click."
            if little_damage
            else "Here the surprise raids do more lasting damage: compare with worksheet 3's sweep."
        ),
        f"4. Protection strength 0 (B): worker arrests {d(npd['arrests_workers'])}, managers "
        f"{d(npd['arrests_managers'])}; `frac_cf_1y` {f(p1y['diff'])} with a **paired** CI [{f(p1y['lo'])}, "
        f"{f(p1y['hi'])}] and an **unpaired** one [{f(p1y['ulo'])}, {f(p1y['uhi'])}]"
        + (
            ": the paired one excludes 0, the unpaired one does not — pairing (same seeds) is what makes a small "
            f"effect visible with {reps} replications."
            if paired_excludes and not unpaired_excludes
            else f": {'both exclude' if paired_excludes else 'neither excludes'} 0, the paired one is "
            f"{(p1y['uhi'] - p1y['ulo']) / max(p1y['hi'] - p1y['lo'], 1e-12):.1f} times narrower."
        )
        + f"  `final_frac_cf` {d(npd['final_frac_cf'])} ({npd['final_frac_cf']['verdict']}); Cambodia's "
        f"`host_final_frac_cf` {d(npd['host_final_frac_cf'])} ({npd['host_final_frac_cf']['verdict']}), with "
        f"{m(npr['stats']['relocations_abroad'])} relocations abroad against {m(r['relocations_abroad'])} "
        f"({npd['relocations_abroad']['verdict']})"
        + (
            ": unprotected compounds are sealed and leave the country."
            if npd["relocations_abroad"]["verdict"] == "higher" and npd["host_final_frac_cf"]["verdict"] == "lower"
            else "."
        ),
        f"5. Relocation off (B): relocations {m(r['relocations'])} → {m(nrl['stats']['relocations'])} "
        f"({m(r['relocations_abroad'])} → {m(nrl['stats']['relocations_abroad'])} abroad); `host_final_frac_cf` "
        f"{m(r['host_final_frac_cf'])} → {c(nrl['stats']['host_final_frac_cf'])} and `final_frac_cf` "
        f"{c(nrl['stats']['final_frac_cf'])}: without relocation Cambodia ends "
        + (
            "indistinguishable from its no-wave level."
            if contains(nrl["stats"]["host_final_frac_cf"])
            else f"{relation(nrl['stats']['host_final_frac_cf'])} its no-wave level."
        )
        + (
            "  The wave's lasting damage to Cambodia is displacement, not destruction."
            if nrl["stats"]["host_final_frac_cf"]["hi"] >= 0.9
            else "  Even without moves Cambodia keeps a lasting loss: the wave also destroys."
        ),
        "6. The command reproduces the page exactly (the same `final_frac_cf`, replication by replication, in "
        "`summary.csv`).  A screenshot has no seed, no replications and no lever values; the command has all of "
        "them.",
        "",
        f"Open questions: ×2 intensity held 365 days (B; both campaigns, so the June one runs on beside the "
        f"directive's): `frac_cf_1y` {c(x2['stats']['frac_cf_1y'])} (paired {d(x2d['frac_cf_1y'])}), "
        + {
            "lasting": "lasting by the whole-CI rule",
            "recovers": "recovered by the whole-CI rule",
            "partial": 'not "lasting" by the whole-CI rule (the CI reaches above 0.8)'
            if x2["stats"]["frac_cf_1y"]["mean"] < LASTING
            else "partial by the whole-CI rule",
        }[x2_class]
        + f"; at the end {c(x2['stats']['final_frac_cf'])}; Cambodia's `host_final_frac_cf` "
        f"{c(x2['stats']['host_final_frac_cf'])}"
        + (
            ": the sustained wave drives the industry abroad"
            if x2d["relocations_abroad"]["verdict"] == "higher" and below(x2["stats"]["host_final_frac_cf"], 0.5)
            else ""
        )
        + f" ({m(x2['stats']['relocations_abroad'])} relocations abroad against {m(r['relocations_abroad'])}).  Labour "
        f"supply and victim pool at ×0.25: `final_frac_cf` {c(scarce['stats']['final_frac_cf'])}, `frac_cf_1y` "
        f"{c(scarce['stats']['frac_cf_1y'])} ({effect_class(scarce['stats']['frac_cf_1y'])}), `host_final_frac_cf` "
        f"{c(scarce['stats']['host_final_frac_cf'])} (paired B − A {d(scd['host_final_frac_cf'])}, "
        f"{scd['host_final_frac_cf']['verdict']}); the README's findings point to "
        "`operations.profit_retained` (`... operations.profit_retained=0.1` on the command line).",
    ]
    return head + "\n" + "\n".join(lines)


def block_changes(a: dict) -> str:
    """What changed in substance from the version-1 answers (the v1 side in words; the numbers are v2's)."""
    w2 = a["02_july_wave"]["small"]["run"]
    w4 = {(x["scenario"], x["relocation"]): x for x in a["04_displacement"]["jobs"]}
    w5 = {(x["blocked"], x["relocation"]): x for x in a["05_infrastructure"]["jobs"]}
    w6 = a["06_budget"]["policies"]
    sus = w4[("sustained_pressure", True)]
    bl = w5[(True, True)]
    lasting6 = [n for n in POLICIES if effect_class(w6[n]["frac_cf_1y"]) == "lasting"]
    expect(lasting6 != ["protection_and_infrastructure"], "protection_and_infrastructure is not the one lasting policy")
    return "\n".join(
        [
            "- **Read the `_cf` columns.**  Version 1's answers compared `final_frac` with a baseline job by hand; "
            "every intervention run now carries its paired no-intervention arm, and the guide quotes the `_cf` "
            "columns first.",
            f"- **The July wave on the small world** still recovers for the *network* "
            f"(`frac_cf_1y` {c(w2['frac_cf_1y'])}: {effect_class(w2['frac_cf_1y'])} by the region study's rule; "
            f"`final_frac_cf` {c(w2['final_frac_cf'])}, a small dent whose CI now excludes 1), but *Cambodia* does "
            f"not: `host_final_frac_cf` {c(w2['host_final_frac_cf'])}, with `displacement_ratio` "
            f"{c(w2['displacement_ratio'])}.  In version 1 both were indistinguishable from the baseline.  The "
            f"trough is deeper (`trough_frac` {m(w2['trough_frac'])}): the recalibrated wave is larger "
            f"({m(w2['raids'])} raids over the run on the small world) and moves now take weeks.",
            "- **The July wave is two campaigns**, calibrated by ABC-SMC to the published counts in their sources' "
            "windows: "
            + "; ".join(
                f"`{name}` from day {x['day']:+.0f}, {x['peak_raid_rate']:.3g} raids/day per 100 compounds, ramp "
                f"{x['ramp_days']:g} d, hold {x['hold_days']:.3g} d, half-life {x['decay_half_life']:.3g} d"
                for name, x in a["meta"]["params"]["campaigns"].items()
            )
            + ".  The counts begin on 27 June 2025 (day −19), not at the directive (day 0): worksheet 2 and "
            "`arrests.py` compare each figure in its own window, and the summary's `raids_30d`, `arrests_30d`, ... "
            "are only descriptive (they also count from 27 June).",
            f"- **Displacement** (worksheet 4) is now large: no room cap, and under sustained pressure Cambodia "
            f"ends at {c(sus['host_final_frac_cf'])} of its no-intervention level while Myawaddy gains "
            f"{pts(sus['sites']['myawaddy']['minus_cf'])} points.",
            f"- **Infrastructure** (worksheet 5): with relocation, blocked substitutes empty Poipet but its "
            f"compounds move to other Cambodian sites ({m(bl['relocations_abroad'])} abroad), so Cambodia "
            f"({c(bl['host_final_frac_cf'])}) and the network ({c(bl['final_frac_cf'])}) keep most of the business; "
            "version 1 found a large lasting loss.",
            f"- **Budget** (worksheet 6): the calibrated July wave costs {f(w6['july_2025']['budget']['planned'])} "
            "raid-equivalents; see the budget box of the worksheet for which policy files match it.  "
            "`protection_and_infrastructure` is no longer the one policy with a lasting effect"
            + (
                " (lasting a year on: " + ", ".join(f"`{n}`" for n in lasting6) + ")."
                if lasting6
                else ": no policy's `frac_cf_1y` is below 0.8 with its whole CI."
            ),
            "- **New question** (worksheet 2, question 6): `operations.profit_retained` and `labour.supply_scale` "
            "decide whether the wave has a lasting effect.",
        ]
    )


BLOCKS = {
    "header": block_header,
    "times": block_times,
    "changes": block_changes,
    "01_single_raid": block_01,
    "02_july_wave": block_02,
    "03_warnings_protection": block_03,
    "04_displacement": block_04,
    "05_infrastructure": block_05,
    "06_budget": block_06,
    "07_randomness": block_07,
    "08_explorer": block_08,
}


# ----------------------------------------------------------------------------- worksheet 6's budget box (from the configs)

DESCRIPTIONS = {
    "july_2025": "the reference: raids only, as in July 2025",
    "sustained": "the directive's campaign at a lower rate, held for a year",
    "protection_first": "remove the Poipet senator and the national patron, fewer raids",
    "protection_and_infrastructure": "remove both patrons and cut Poipet's grid with substitutes blocked, fewer raids",
    "bosses_first": "indict and sanction the largest Poipet boss, indict two Sihanoukville bosses, fewer raids",
    "largest_first": "the July raids, each of the directive's campaign aimed at the largest compound instead of a random one",
    "my_policy": "yours to edit (every setting of the directive's campaign written out)",
}
#: The campaign the policy files change (the directive's); every other campaign of the scenario runs unchanged.
POLICY_CAMPAIGN = "july_2025"


def budget_box() -> str:
    """Worksheet 6's costs, the July wave's budget and each policy's planned cost, composed from the config files."""
    rows = []
    for name in (*POLICIES, "my_policy"):
        cfg = sim.compose(["+teaching=06_budget", f"+teaching/policy={name}"])
        rows.append((name, paired.planned_by_campaign(cfg), paired.other_actions(cfg), paired.campaign_terms(cfg)))
    july = rows[0]
    budget_value = sum(july[1].values())
    terms = july[3]
    others = [c for c in terms if c != POLICY_CAMPAIGN]
    lines = [
        "<!-- generated by experiments/teaching/answers.py from configs/teaching/policy/*.yaml: do not edit -->",
        "",
        "| action | cost |",
        "|---|---|",
        "| one raid attempt (carried out or called off) | 1 |",
        f"| removing a protector (investigation, prosecution) | {paired.COSTS['protector_removal']:g} |",
        f"| cutting power + Internet + substitutes at one site | {paired.COSTS['site_cut']:g} |",
        f"| one boss action (indictment or sanctions) | {paired.COSTS['boss_action']:g} |",
        "",
        f"**The budget is what the July 2025 wave costs on the small world: {budget_value:.1f}.**  Expected raid "
        "attempts of a campaign are",
        "",
        "    peak_raid_rate × (compounds at its sites) / 100 × (ramp_days/2 + hold_days + decay_half_life/ln 2)",
        "",
        f"and the July wave is {len(terms)} campaign{'s' if len(terms) != 1 else ''}: "
        + "; ".join(
            f"`{c}` {rate:g} × {compounds}/100 × ({cfg_days(july[0], c)}) = {july[1][c]:.1f}"
            for c, (rate, compounds, _days) in terms.items()
        )
        + (f"; together {budget_value:.1f}." if len(terms) > 1 else "."),
        "",
        f"The policy files change the directive's campaign (`{POLICY_CAMPAIGN}`) and add other actions"
        + (
            "; "
            + ", ".join(f"`{c}`" for c in others)
            + f" runs in every policy as in the July wave ({sum(july[1][c] for c in others):.1f} of the budget)."
            if others
            else "."
        ),
        "",
        f"| policy | what it does | `{POLICY_CAMPAIGN}` raid rate | other actions | planned cost | "
        f"`{POLICY_CAMPAIGN}` raid rate that spends the budget |",
        "|---|---|---|---|---|---|",
    ]
    for name, planned, other, camp_terms in rows:
        rate, compounds, days = camp_terms[POLICY_CAMPAIGN]
        rest = sum(v for c, v in planned.items() if c != POLICY_CAMPAIGN)
        at_budget = (budget_value - other - rest) / (compounds / 100 * days) if compounds * days > 0 else math.nan
        total = sum(planned.values()) + other
        lines.append(f"| `{name}` | {DESCRIPTIONS[name]} | {rate:g} | {other:g} | {total:.1f} | {at_budget:.3g} |")
    short = [(n, sum(p.values()) + o) for n, p, o, _t in rows[1:] if sum(p.values()) + o < 0.95 * budget_value]
    if short:
        lines += [
            "",
            "**Check the budget before comparing.**  "
            + ", ".join(f"`{n}` ({v:.1f})" for n, v in short)
            + f" plan less than the July wave's {budget_value:.1f}: those files were sized for the one-campaign July "
            "wave of an earlier calibration, which cost less (their comments show the arithmetic).  Compare them as "
            "policies that spend less (any of them that does as much lasting harm does it more cheaply), or put the "
            "last column's rate in a copy (`configs/teaching/policy/my_policy.yaml`) to compare at equal cost.",
        ]
    return "\n".join(lines)


def cfg_days(policy: str, campaign: str) -> str:
    """``ramp_days/2 + hold_days + decay_half_life/ln 2`` of a policy's campaign, as its three terms."""
    camp = sim.compose(["+teaching=06_budget", f"+teaching/policy={policy}"]).scenario.campaigns[campaign]
    half = camp.decay_half_life / math.log(2) if camp.decay_half_life > 0 else 0.0
    return f"{camp.ramp_days / 2:g} + {camp.hold_days:.3g} + {half:.3g}"


# ----------------------------------------------------------------------------- write


def replace_block(text: str, name: str, body: str, where: str) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"answers: {where} has no {start} ... {end} block")
    return pattern.sub(lambda _m: f"{start}\n{body}\n{end}", text)


def rendered(a: dict) -> tuple[str, str, list[str]]:
    """(INSTRUCTOR.md, 06_budget.md, claims that failed) as ``answers.json`` and the configs make them."""
    FAILED.clear()
    guide = GUIDE.read_text()
    for name, fn in BLOCKS.items():
        guide = replace_block(guide, f"answers:{name}", fn(a), "INSTRUCTOR.md")
    sheet = replace_block(BUDGET_SHEET.read_text(), "budget", budget_box(), "06_budget.md")
    return guide, sheet, list(FAILED)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--collect", type=Path, metavar="LOGDIR", help="first write answers.json from a run_worksheets log folder"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if INSTRUCTOR.md or 06_budget.md is out of date")
    args = parser.parse_args(argv)
    if args.collect:
        logdir = args.collect if args.collect.is_absolute() else ROOT / args.collect
        ANSWERS.write_text(json.dumps(collect(logdir), indent=1, ensure_ascii=False) + "\n")
        print(f"answers: wrote {ANSWERS.relative_to(ROOT)} from {logdir}")
    answers = json.loads(ANSWERS.read_text())
    guide, sheet, failed = rendered(answers)
    for claim in failed:
        print(f"answers: the guide's prose claims '{claim}', which the numbers no longer support: rewrite it", file=sys.stderr)
    if args.check:
        stale = [p.name for p, text in ((GUIDE, guide), (BUDGET_SHEET, sheet)) if p.read_text() != text]
        for name in stale:
            print(f"answers: {name} is not what answers.json makes: run python experiments/teaching/answers.py", file=sys.stderr)
        return 1 if stale or failed else 0
    GUIDE.write_text(guide)
    BUDGET_SHEET.write_text(sheet)
    print(f"answers: rewrote the answer blocks of {GUIDE.name} and the budget box of {BUDGET_SHEET.name}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
