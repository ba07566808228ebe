"""Compare the jobs of a sweep with 95% confidence intervals, paired by replication.

    python experiments/teaching/paired.py multirun/teaching/03_warnings_protection
    python experiments/teaching/paired.py multirun/teaching/06_budget --base teaching/policy=july_2025 --budget
    python experiments/teaching/paired.py multirun/teaching/04_displacement --base scenario=baseline --sites

The folder may be a sweep folder (it holds ``gathered.csv``) or any folder
above sweeps (the newest is used).  Every job of a sweep runs replications
0, 1, 2, ... at the same seed, so replication k of two jobs shares every
random draw where their configs do not differ (common random numbers).  The
difference of a metric replication by replication then removes most of the
luck, and its confidence interval is much narrower than the interval of the
difference of two means ("unpaired").  Jobs with another seed than the base
job's are not paired: only the unpaired interval is shown for them.

Options: ``--budget`` prints what each job spent in raid-equivalents (see
worksheet 06), ``--sites`` where the revenue ended up, site by site, and
``--plot`` draws the comparison to ``compare_<metric>.png`` in the sweep
folder (``compare_<metric>-1.png`` and so on if it is drawn again: nothing is
overwritten).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from _common import ci, fmt, latest, num, read_csv
from omegaconf import OmegaConf

from sim.analysis.compare import welch_ci
from sim.analysis.counterfactual import CF_COLUMNS, COUNTERFACTUAL
from sim.analysis.metrics import SUMMARY_COLUMNS, mean_ci

#: Effects measured against each job's paired no-intervention arm (same seeds): read these first.
DEFAULT_METRICS = ("final_frac_cf", "frac_cf_1y", "host_final_frac_cf", "revenue_lost_days_cf")
NO_ARM = "n/a (no counterfactual arm)"

#: Costs in raid-equivalents on the small world (as the quick claim study, configs/experiment/claim.yaml,
#: plus boss actions, assumed to cost an investigation like a protector removal).
COSTS = {"raid": 1.0, "protector_removal": 1.5, "site_cut": 3.0, "boss_action": 1.5}


class Job:
    def __init__(self, name: str, params: dict[str, str], status: str, reps: dict[int, dict[str, str]], folder: Path):
        self.name, self.params, self.status, self.reps, self.folder = name, params, status, reps, folder

    @property
    def seed(self) -> str:
        """The job's seed, from its recorded config (swept or not)."""
        cfg = job_config(self)
        return str(cfg.seed) if cfg is not None else self.params.get("seed", "")

    def label(self, keys: list[str]) -> str:
        return " ".join(f"{k}={self.params.get(k, '')}" for k in keys) or f"job {self.name}"

    def values(self, metric: str, reps: list[int] | None = None) -> np.ndarray:
        order = sorted(self.reps) if reps is None else reps
        return np.array([num(self.reps[k].get(metric)) for k in order])


def load(sweep: Path) -> tuple[list[Job], list[str]]:
    rows = read_csv(sweep / "gathered.csv")
    fixed = {"job", "status", "error", "replication"}
    keys = [c for c in rows[0] if c not in fixed and c not in SUMMARY_COLUMNS] if rows else []
    by_job: dict[str, Job] = {}
    for r in rows:
        job = by_job.setdefault(r["job"], Job(r["job"], {k: r[k] for k in keys}, r["status"], {}, sweep / r["job"]))
        if r["status"] == "complete" and r.get("replication") not in (None, ""):
            job.reps[int(r["replication"])] = r
    varying = [k for k in keys if len({j.params[k] for j in by_job.values()}) > 1] or keys
    return list(by_job.values()), varying


def same(a: str | None, b: str) -> bool:
    """Override values as typed and as recorded: ``true`` = ``True``, ``1`` = ``1.0``."""
    if a is None:
        return False
    if a.strip().lower() == b.strip().lower():
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def pick_base(jobs: list[Job], wanted: list[str]) -> Job:
    if not wanted:
        return jobs[0]
    conds = [w.lstrip("+~").split("=", 1) for w in wanted]
    for job in jobs:
        if all(len(c) == 2 and same(job.params.get(c[0]), c[1]) for c in conds):
            return job
    choices = "; ".join(" ".join(f"{k}={v}" for k, v in j.params.items()) for j in jobs)
    sys.exit(f"teaching: no job with {' '.join(wanted)}; the jobs are: {choices}")


def table_of_means(jobs: list[Job], keys: list[str], metrics: list[str]) -> list[str]:
    lines = ["Each job: mean over its replications [95% CI]"]
    width = max(len(j.label(keys)) for j in jobs) + 2
    lines.append(f"  {'job':<{width}}{'n':>4}  " + "".join(f"{m:<30}" for m in metrics))
    for j in jobs:
        if j.status != "complete":
            lines.append(f"  {j.label(keys):<{width}}  {j.status}")
            continue
        cells = []
        for m in metrics:
            mean, lo, hi, n = mean_ci(j.values(m))
            if n == 0 and m in CF_COLUMNS:  # a job without interventions runs no counterfactual arm
                cells.append(NO_ARM)
                continue
            cells.append(ci(mean, lo, hi) + ("" if n == len(j.reps) else f" (n={n})"))
        lines.append(f"  {j.label(keys):<{width}}{len(j.reps):>4}  " + "".join(f"{c:<30}" for c in cells))
    done = [j for j in jobs if j.status == "complete"]
    if len(done) > 1 and all(len(j.reps) == 1 for j in done):  # one run per job: show how far apart they are
        cells = []
        for m in metrics:
            values = np.array([j.values(m)[0] for j in done])
            values = values[~np.isnan(values)]
            cells.append(f"{fmt(values.min())} to {fmt(values.max())}" if values.size else "-")
        lines.append(f"  {'lowest to highest':<{width}}{'':>4}  " + "".join(f"{c:<30}" for c in cells))
    return lines


def compare(base: Job, other: Job, metric: str, paired_ok: bool) -> dict[str, float]:
    common = sorted(set(base.reps) & set(other.reps))
    a, b = base.values(metric, common), other.values(metric, common)
    ulo, uhi = welch_ci(base.values(metric), other.values(metric))
    out = {"diff": math.nan, "lo": math.nan, "hi": math.nan, "n": 0, "ulo": ulo, "uhi": uhi}
    if paired_ok and common:
        both = ~np.isnan(a) & ~np.isnan(b)
        diff, lo, hi, n = mean_ci(b[both] - a[both])
        out.update(diff=diff, lo=lo, hi=hi, n=n)
    else:
        out["diff"] = float(np.nanmean(other.values(metric)) - np.nanmean(base.values(metric)))
    return out


def verdict(lo: float, hi: float) -> str:
    if math.isnan(lo):
        return "?"
    if lo > 0:
        return "higher"
    if hi < 0:
        return "lower"
    return "no clear difference"


def table_of_differences(jobs: list[Job], base: Job, keys: list[str], metrics: list[str]) -> list[str]:
    lines = [
        f"Differences from the base job [{base.label(keys)}]: paired by replication when the job has the base's seed "
        f"({base.seed}), unpaired otherwise:"
    ]
    width = max(len(j.label(keys)) for j in jobs) + 2
    lines.append(f"  {'job':<{width}}{'metric':<20}{'difference':>11}  {'paired 95% CI':<24}{'unpaired 95% CI':<22}verdict")
    skipped: set[str] = set()
    for job in jobs:
        if job is base or job.status != "complete":
            continue
        pair = pairable(base, job)
        for m in metrics:
            if m in CF_COLUMNS and not (has_arm(base) and has_arm(job)):
                skipped.add(m)
                continue
            r = compare(base, job, m, pair)
            p = f"[{fmt(r['lo'])}, {fmt(r['hi'])}]" if pair else "not paired: other seed"
            u = f"[{fmt(r['ulo'])}, {fmt(r['uhi'])}]"
            v = verdict(r["lo"], r["hi"]) if pair else verdict(r["ulo"], r["uhi"])
            lines.append(f"  {job.label(keys):<{width}}{m:<20}{fmt(r['diff']):>11}  {p:<24}{u:<22}{v}")
    if skipped:
        lines.append(
            f"  ({', '.join(m for m in metrics if m in skipped)}: not compared where a job ran no counterfactual arm "
            "(no intervention); a job's own _cf value is already its effect against its paired no-intervention arm)"
        )
    return lines


def has_arm(job: Job) -> bool:
    """Whether the job ran the paired no-intervention arm (its ``_cf`` columns are defined)."""
    return bool(np.any(~np.isnan(job.values(CF_COLUMNS[0]))))


def pairable(base: Job, job: Job) -> bool:
    """Replication k of two jobs shares its random numbers only if the jobs share the seed."""
    return base.seed == job.seed


def job_config(job: Job):
    path = job.folder / ".hydra" / "config.yaml"
    return OmegaConf.load(path) if path.is_file() else None


def campaign_terms(cfg) -> dict[str, tuple[float, int, float]]:
    """Per campaign of a config: (peak raid rate, compounds at its sites, effective days)."""
    out = {}
    for name, camp in cfg.scenario.campaigns.items():
        sites = list(camp.sites) or [s for s, site in cfg.world.sites.items() if site.country == camp.country]
        compounds = sum(cfg.world.sites[s].compounds for s in sites)
        days = camp.ramp_days / 2 + camp.hold_days + (camp.decay_half_life / math.log(2) if camp.decay_half_life > 0 else 0)
        out[name] = (float(camp.peak_raid_rate), compounds, float(days))
    return out


def planned_by_campaign(cfg) -> dict[str, float]:
    """Expected raid attempts of each of a config's campaigns: rate x compounds/100 x effective days."""
    return {name: rate * compounds / 100 * days for name, (rate, compounds, days) in campaign_terms(cfg).items()}


def planned_raids(cfg) -> float:
    """Expected raid attempts of a config's campaigns, summed."""
    return sum(planned_by_campaign(cfg).values())


def other_actions(cfg) -> float:
    """Cost of a config's non-raid actions in raid-equivalents: protector removals, site cuts, boss actions."""
    scen = cfg.scenario
    return (
        COSTS["protector_removal"] * len(scen.protector_removals)
        + COSTS["site_cut"] * sum(len(c.sites) for c in scen.cuts.values())
        + COSTS["boss_action"] * len(scen.boss_actions)
    )


def table_of_budgets(jobs: list[Job], keys: list[str]) -> list[str]:
    width = max(len(j.label(keys)) for j in jobs) + 2
    lines = [
        "Budget in raid-equivalents: a raid attempt 1, removing a protector "
        f"{COSTS['protector_removal']:g}, cutting a site {COSTS['site_cut']:g}, a boss action {COSTS['boss_action']:g}",
        f"  {'job':<{width}}{'planned raids':>14}  {'raid attempts [95% CI]':<24}{'other actions':>14}{'total spent':>13}",
    ]
    for job in jobs:
        cfg = job_config(job)
        if cfg is None or job.status != "complete":
            continue
        other = other_actions(cfg)
        attempts = job.values("raids") + job.values("raids_deflected")
        mean, lo, hi, _n = mean_ci(attempts)
        lines.append(
            f"  {job.label(keys):<{width}}{planned_raids(cfg):>14.1f}  {ci(mean, lo, hi):<24}{other:>14.1f}{mean + other:>13.1f}"
        )
    lines.append(
        "  planned = sum over the campaigns of peak_raid_rate x compounds/100 x (ramp_days/2 + hold_days + decay_half_life/ln 2)"
    )
    lines.append("  attempts = raids carried out + raids called off (a raid finds no target when every compound is shut)")
    return lines


def site_shares(job: Job, arm: str = "scenario") -> tuple[list[str], dict[int, np.ndarray]]:
    """Per replication: each site's mean revenue over the last 30 days / the network's pre-intervention revenue.

    ``arm`` is ``scenario`` (the job itself) or ``counterfactual`` (its paired
    no-intervention arm: empty when the job ran none).  The two arms share
    the warm-up, so the pre-intervention revenue is the same in both.
    """
    cfg = job_config(job)
    t0 = int(cfg.intervention_day) if cfg is not None else 180
    rows = [r for r in read_csv(job.folder / "timeseries.csv") if r.get("arm", "scenario") == arm]
    if not rows:
        return [], {}
    sites = list(dict.fromkeys(r["site"] for r in rows))
    end = max(int(r["day"]) for r in rows)
    before: dict[int, float] = defaultdict(float)
    after: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(len(sites)))
    for r in rows:
        d, k = int(r["day"]), int(r["replication"])
        if t0 - 30 <= d < t0:
            before[k] += float(r["revenue_usd"]) / 30
        elif d > end - 30:
            after[k][sites.index(r["site"])] += float(r["revenue_usd"]) / 30
    return sites, {k: after[k] / before[k] for k in after if before[k] > 0}


def table_of_sites(jobs: list[Job], base: Job, keys: list[str]) -> list[str]:
    sites, base_share = site_shares(base)
    width = max(34, *(len(j.label(keys)) + 2 for j in jobs))
    lines = [
        "Where the revenue is at the end: each site's revenue over the last 30 days, in % of the network's revenue "
        "before the intervention; paired differences (points) from the job's own no-intervention arm and from the base job",
        f"  {'job':<{width}}" + "".join(f"{s:>24}" for s in sites),
    ]
    for job in jobs:
        if job.status != "complete":
            continue
        _s, share = site_shares(job)
        cells = []
        for i in range(len(sites)):
            mean, lo, hi, _n = mean_ci(np.array([v[i] for v in share.values()]) * 100)
            cells.append(ci(mean, lo, hi, 3))
        lines.append(f"  {job.label(keys):<{width}}" + "".join(f"{c:>24}" for c in cells))
        _s, cf_share = site_shares(job, COUNTERFACTUAL)
        if cf_share:
            diffs = []
            for i in range(len(sites)):
                mean, lo, hi, _n = mean_ci(np.array([(share[k][i] - cf_share[k][i]) * 100 for k in sorted(share)]))
                diffs.append(("+" if mean >= 0 else "") + ci(mean, lo, hi, 2))
            lines.append(f"  {'   minus its no-intervention arm':<{width}}" + "".join(f"{c:>24}" for c in diffs))
        if job is not base and pairable(base, job):
            common = sorted(set(share) & set(base_share))
            diffs = []
            for i in range(len(sites)):
                mean, lo, hi, _n = mean_ci(np.array([(share[k][i] - base_share[k][i]) * 100 for k in common]))
                diffs.append(("+" if mean >= 0 else "") + ci(mean, lo, hi, 2))
            lines.append(f"  {'   minus the base job (paired)':<{width}}" + "".join(f"{c:>24}" for c in diffs))
    return lines


def plot(jobs: list[Job], base: Job, keys: list[str], metric: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    done = [j for j in jobs if j.status == "complete"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 0.5 * len(done) + 2), sharey=True)
    labelled = False
    for i, job in enumerate(done):
        mean, lo, hi, _n = mean_ci(job.values(metric))
        ax1.plot([lo, hi], [i, i], color="black", linewidth=2)
        ax1.plot(mean, i, "o", color="black")
        if job is base:
            ax2.plot(0, i, "s", color="red")
            continue
        pair = pairable(base, job)
        r = compare(base, job, metric, pair)
        ax2.plot([r["ulo"], r["uhi"]], [i + 0.15] * 2, color="lightgrey", linewidth=4, label=None if labelled else "unpaired CI")
        if pair:
            ax2.plot([r["lo"], r["hi"]], [i, i], color="black", linewidth=2, label=None if labelled else "paired CI")
        ax2.plot(r["diff"], i, "o", color="black")
        labelled = True
    ax1.set_yticks(range(len(done)), [j.label(keys) for j in done], fontsize=8)
    ax1.set_xlabel(f"{metric}: mean and 95% CI")
    ax2.axvline(0, color="red", linestyle="--")
    ax2.set_xlabel(f"{metric}: difference from the base job, 95% CI")
    if labelled:
        ax2.legend(fontsize=8)
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle(f"base job: {base.label(keys)}", fontsize=9)
    fig.tight_layout()
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sweep", type=Path, help="a sweep folder (with gathered.csv), or a folder above sweeps (the newest)")
    parser.add_argument(
        "--base", action="append", default=[], metavar="KEY=VALUE", help="the job to compare with (default: job 0)"
    )
    parser.add_argument("--metrics", default=",".join(DEFAULT_METRICS), help="comma-separated summary columns")
    parser.add_argument("--budget", action="store_true", help="what each job spent, in raid-equivalents")
    parser.add_argument("--sites", action="store_true", help="revenue by site at the end (displacement)")
    parser.add_argument("--plot", action="store_true", help="draw compare_<first metric>.png in the sweep folder")
    args = parser.parse_args(argv)
    sweep = latest(args.sweep, "gathered.csv")
    jobs, keys = load(sweep)
    if not jobs:
        sys.exit(f"teaching: {sweep}/gathered.csv lists no jobs")
    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()]
    unknown = [m for m in metrics if m not in SUMMARY_COLUMNS]
    if unknown:
        sys.exit(f"teaching: unknown metric(s) {', '.join(unknown)}; choose from {', '.join(SUMMARY_COLUMNS)}")
    base = pick_base(jobs, args.base)
    print(f"sweep {sweep}: {len(jobs)} jobs, swept: {', '.join(keys) or '-'}")
    print("\n".join(table_of_means(jobs, keys, metrics)))
    single = all(len(j.reps) < 2 for j in jobs)
    if len(jobs) > 1 and not (single and not any(pairable(base, j) for j in jobs if j is not base)):
        print()
        print("\n".join(table_of_differences(jobs, base, keys, metrics)))
    if args.budget:
        print()
        print("\n".join(table_of_budgets(jobs, keys)))
    if args.sites:
        print()
        print("\n".join(table_of_sites(jobs, base, keys)))
    if args.plot:
        path = sweep / f"compare_{metrics[0]}.png"
        k = 1
        while path.exists():  # never overwrite: a second drawing gets a new name
            path = sweep / f"compare_{metrics[0]}-{k}.png"
            k += 1
        plot(jobs, base, keys, metrics[0], path)
        print(f"\nfigure: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
