"""Tell the story of one replication of a run, in words, from its ``events.csv``.

    python experiments/teaching/story.py outputs/teaching/01_single_raid
    python experiments/teaching/story.py outputs/teaching/01_single_raid --replication 3 --to-day 200
    python experiments/teaching/story.py outputs/teaching/04_displacement --sites

The folder may be a run folder or any folder above it (the newest run is
used).  Days are counted from the intervention (day 0 = the directive of
16 July 2025), as in the scenario files; ``events.csv`` itself counts days
from the start of the run (``intervention_day``, 180 by default, is day 0 here).
The story starts ten days before day 0, or with the first campaign if it
starts earlier (``crackdown_2025``'s ``june_2025`` starts on day -19, 27
June 2025).

The events of one raid (warning, evacuation, flight, arrests, seizure,
sealing) are told on one line.  Then a table of each site: workers and
revenue before the intervention, at the trough and at the end, averaged
over all replications of the run (``--sites`` prints only the table).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from _common import latest, num, read_csv
from omegaconf import OmegaConf

from sim.analysis.counterfactual import COUNTERFACTUAL

#: Events told as part of the raid on the same compound and day.
RAID_PARTS = (
    "warning",
    "workers_evacuated",
    "workers_fled",
    "arrest_workers",
    "arrest_managers",
    "arrest_boss",
    "equipment_seized",
    "kept_operating",
)
#: Column of the site table for the paired no-intervention arm.
NO_INTERVENTION = "no intervention, last 30"
#: Daily flows: counted, not told one by one.
FLOWS = ("repatriated", "retrafficked", "handover", "tie_warning")

SENTENCES = {
    "raid_deflected": "a raid on compound {compound} at {site} is called off: its protectors deflected it",
    "manager_released": "{count} arrested manager(s) of compound {compound} released (protection buys them out)",
    "lay_low": "compound {compound} at {site} reopens quietly, laying low (reduced output)",
    "resume": "compound {compound} at {site} is re-equipped and fully operating again",
    "relocation": "compound {compound} of {boss} moves{origin} to {site}",
    "compound_founded": "{boss} founds a new compound ({compound}) at {site}",
    "compound_closed": "compound {compound} at {site} closes for good; {count} workers held there are let go",
    "boss_exit": "{boss} leaves the business (no compounds left)",
    "boss_fled_abroad": "{boss} is tipped off and flees abroad before the warrant is served",
    "boss_indicted": "{boss} is indicted",
    "boss_sanctioned": "{boss} is sanctioned: part of his capital is frozen",
    "boss_successor": "a successor takes over the compounds of {boss}",
    "arrest_boss": "BOSS ARRESTED: {boss}",
    "cut": "the neighbour cuts grid power and/or Internet at {site}",
    "restored": "power and Internet restored at {site}",
    "substitute_installed": "compound {compound} at {site} gets a generator and/or satellite link",
    "protector_removed": "a protector is removed",
    "protector_successor": "a successor official takes a removed protector's seat",
    "protection_bought": "{boss} buys protection at {site}",
    "protection_dropped": "a protector drops {boss} (unpaid)",
    "border_closed": "a land border closes",
    "border_opened": "a land border reopens",
    "split": "compound {compound} at {site} of {boss} splits into {count} small cells (the compound closes)",
    "workers_escaped": "{count} workers escape while compound {compound} is moved to {site}",
    "construction_started": "{boss} starts building at {site}",
    "boss_bankrupt": "{boss} is bankrupt: his compounds close",
    "capital_shared": "syndicate partners lend {boss} money to keep him afloat",
    "protector_rewired": "an official at {site} who lost his patron finds a new one",
    "closure_order": "the authorities order every compound at {site} to close by a deadline",
    "order_closed": "compound {compound} at {site} is shut under the closure order; {count} workers were inside",
    "demolished": "the building of compound {compound} at {site} is demolished",
    "target_removed": "targeting: {boss} is removed from the network (a protector at {site} if no boss is named)",
}
#: Told one by one only with --all; otherwise counted in the "also in this window" line.
COUNTED = ("protection_bought", "compound_founded", "construction_started")


def raid_line(parts: dict[str, int], site: str, compound: str, boss: str) -> str:
    inside = parts.get("raid", 0)
    bits = [f"RAID on compound {compound} at {site} (owner {boss}), {inside} workers inside"]
    if "warning" in parts:
        bits.append("the raid LEAKED")
        if parts.get("workers_evacuated"):
            bits.append(f"{parts['workers_evacuated']} moved out beforehand")
    if parts.get("workers_fled"):
        bits.append(f"{parts['workers_fled']} fled")
    bits.append(f"{parts.get('arrest_workers', 0)} workers arrested")
    if parts.get("arrest_managers"):
        bits.append(f"{parts['arrest_managers']} manager(s) arrested")
    if parts.get("arrest_boss"):
        bits.append("THE BOSS ARRESTED")
    if parts.get("equipment_seized"):
        bits.append(f"equipment for {parts['equipment_seized']} workers seized")
    bits.append("kept operating thanks to protection" if "kept_operating" in parts else "compound SEALED")
    return "; ".join(bits)


def story(rows: list[dict[str, str]], t0: int, replication: int, lo: int, hi: int, show_all: bool) -> list[str]:
    mine = [r for r in rows if int(r["replication"]) == replication]
    last_site: dict[str, str] = {}
    raids: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    lines: list[tuple[int, int, str]] = []
    flows: Counter[str] = Counter()
    for i, r in enumerate(mine):
        day, kind, site, comp, boss, count = int(r["day"]) - t0, r["event"], r["site"], r["compound"], r["boss"], int(r["count"])
        origin = last_site.get(comp)
        if comp not in ("", "-1") and site:
            last_site[comp] = site  # a relocation's site is where the compound goes
        if not lo <= day <= hi:
            continue
        if kind in FLOWS:
            flows[kind] += count
            continue
        if kind == "raid" or kind in RAID_PARTS:
            key = (day, comp)
            if key not in raids:
                lines.append((day, i, f"RAIDREF {day} {comp} {site} {boss}"))
            raids[key][kind] = count
            continue
        if kind in COUNTED and not show_all:
            flows[kind] += 1
            continue
        text = SENTENCES.get(kind, kind).format(
            site=site or "-",
            compound=comp,
            boss=boss or "-",
            count=count,
            origin=f" from {origin}" if origin and origin != site else "",
        )
        lines.append((day, i, text))
    out = []
    for day, _i, text in sorted(lines):
        if text.startswith("RAIDREF"):
            _, d, comp, site, boss = text.split(" ", 4)
            text = raid_line(raids[(int(d), comp)], site, comp, boss)
        out.append(f"  day {day:+5d}  {text}")
    if not out:
        out.append("  (nothing happened in this window)")
    if flows:
        told = {
            "repatriated": "people repatriated from detention",
            "retrafficked": "times someone was re-trafficked",
            "handover": "people rounded up and handed over",
            "tie_warning": "warnings passed to syndicate partners after a raid",
            "protection_bought": "protection purchases",
            "compound_founded": "new compounds founded (growth)",
            "construction_started": "buildings started (growth or a move)",
        }
        summary = ", ".join(f"{n} {told.get(k, k)}" for k, n in sorted(flows.items()))
        out.append(f"  also in this window (use --all to list): {summary}")
    return out


def site_data(run: Path, t0: int) -> dict:
    """Workers and revenue by site and window, mean over replications (what :func:`site_table` prints).

    Windows: ``before`` (30 days before the intervention), ``days 0-60``,
    ``last 30 days`` and, when the run has the paired no-intervention arm
    (``arm`` = ``counterfactual`` in ``timeseries.csv``), ``NO_INTERVENTION``:
    that arm's last 30 days, where each site would have been without the
    intervention (same seeds).  Returns ``sites``, ``windows``, ``replications``,
    ``revenue`` and ``workers`` (``{(window, site): USD/day or workers}``) and
    ``total_before`` (the network's revenue per day before the intervention).
    """
    table = read_csv(run / "timeseries.csv")
    rows = [r for r in table if r.get("arm", "scenario") == "scenario"]
    cf_rows = [r for r in table if r.get("arm") == COUNTERFACTUAL]
    end = max(int(r["day"]) for r in rows)
    windows = {
        "before": (t0 - 30, t0 - 1),
        "days 0-60": (t0, t0 + 60),
        "last 30 days": (end - 29, end),
    }
    reps = sorted({r["replication"] for r in rows})
    sites = list(dict.fromkeys(r["site"] for r in rows))
    revenue: dict[tuple[str, str], float] = defaultdict(float)
    workers: dict[tuple[str, str], float] = defaultdict(float)
    for arm_rows, names in ((rows, list(windows)), (cf_rows, [NO_INTERVENTION])):
        for r in arm_rows:
            d = int(r["day"])
            for w in names:
                a, b = windows.get(w, windows["last 30 days"])
                if a <= d <= b:
                    revenue[(w, r["site"])] += num(r["revenue_usd"]) / (b - a + 1) / len(reps)
                    workers[(w, r["site"])] += num(r["workers"]) / (b - a + 1) / len(reps)
    return {
        "sites": sites,
        "windows": [*windows, NO_INTERVENTION] if cf_rows else list(windows),
        "replications": len(reps),
        "revenue": dict(revenue),
        "workers": dict(workers),
        "total_before": sum(revenue.get(("before", s), 0.0) for s in sites) or 1.0,
    }


def site_table(run: Path, t0: int) -> list[str]:
    """Workers and revenue by site, mean over replications: before, trough window and end (and without the intervention)."""
    data = site_data(run, t0)
    sites, shown = data["sites"], data["windows"]
    lines = [
        f"Sites, mean of {data['replications']} replication(s): workers and revenue (USD thousand/day, and % of the "
        "network's pre-intervention revenue)",
        f"  {'site':<16}" + "".join(f"{w:>26}" for w in shown),
    ]
    for s in [*sites, "ALL SITES"]:
        cells = []
        for w in shown:
            pick = sites if s == "ALL SITES" else [s]
            wk = sum(data["workers"].get((w, x), 0.0) for x in pick)
            rev = sum(data["revenue"].get((w, x), 0.0) for x in pick)
            cells.append(f"{wk:>7.0f} wk {rev / 1e3:>7.0f}k ({100 * rev / data['total_before']:>4.0f}%)")
        lines.append(f"  {s:<16}" + "".join(f"{c:>26}" for c in cells))
    if NO_INTERVENTION in shown:
        lines.append(f"  ('{NO_INTERVENTION}': the same last 30 days in the paired run without the intervention, same seeds)")
    return lines


def first_campaign_day(run: Path) -> list[int]:
    """The day, from the intervention, each campaign of the run's scenario starts ([] without campaigns or config)."""
    path = run / ".hydra" / "config.yaml"
    if not path.is_file():
        return []
    campaigns = OmegaConf.load(path).scenario.get("campaigns") or {}
    return [int(c.day) for c in campaigns.values()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="a run folder, or a folder above runs (the newest is used)")
    parser.add_argument("--replication", type=int, default=0, help="which replication to tell (default 0)")
    parser.add_argument(
        "--from-day", type=int, help="first day, from the intervention (default -10, or the first campaign's start if earlier)"
    )
    parser.add_argument("--to-day", type=int, default=365, help="last day, from the intervention (default 365)")
    parser.add_argument("--all", action="store_true", help="also list growth and protection purchases one by one")
    parser.add_argument("--sites", action="store_true", help="only the table of sites")
    args = parser.parse_args(argv)
    run = latest(args.run, "status.json")
    status = json.loads((run / "status.json").read_text())
    if status.get("status") != "complete":
        raise SystemExit(f"teaching: {run} is not a complete run ({status.get('status')}: {status.get('error', '')})")
    meta = json.loads((run / "summary.json").read_text())
    t0 = int(meta["intervention_day"])
    print(f"run {run}: scenario={meta['scenario']} world={meta['world']} seed={meta['seed']} replications={meta['replications']}")
    if not args.sites:
        rows = read_csv(run / "events.csv")
        n = meta["replications"]
        if not 0 <= args.replication < n:
            raise SystemExit(f"teaching: --replication must be in 0..{n - 1}")
        if args.from_day is None:
            args.from_day = min([-10, *first_campaign_day(run)])
        print(f"Replication {args.replication}, days {args.from_day:+d} to {args.to_day:+d} from the intervention:")
        print("\n".join(story(rows, t0, args.replication, args.from_day, args.to_day, args.all)))
        per_rep = Counter(int(r["replication"]) for r in rows if r["event"] == "raid")
        print("Raids carried out in each replication: " + ", ".join(f"#{k}: {per_rep.get(k, 0)}" for k in range(n)))
        print()
    print("\n".join(site_table(run, t0)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
