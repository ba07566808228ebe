"""Write the README's "What it finds" block from the result files, so no number in it is typed by hand.

    python experiments/readme_findings.py      # rewrites the block between the markers in README.md

It reads ``results/region.json`` (written by ``experiments/region.py``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- findings:start -->", "<!-- findings:end -->"


def ci(x: dict) -> str:
    return f"{x['mean']:.2f} [{x['ci_low']:.2f}, {x['ci_high']:.2f}]"


def block(region: dict) -> str:
    meta, cells = region["meta"], region["cells"]
    d = meta["default_cell"]
    lasting = [c for c in cells if c["class"] == "lasting"]
    recovers = [c for c in cells if c["class"] == "recovers"]

    def where(cs: list[dict]) -> str:
        if not cs:
            return "no cell of the grid"
        keys = ("labour.supply_scale", "victims.pool_scale", "operations.profit_retained")
        return "; ".join("(" + ", ".join(f"{k.split('.')[1]}={c[k]:g}" for k in keys) + f": {ci(c['frac_cf_1y'])})" for c in cs)

    levers = "; ".join(
        f"`{name}` {low['value']:g} -> {high['value']:g} moves `final_frac_cf` from {low['mean']:.3f} to {high['mean']:.3f}"
        f" (CI width up to {max(low['width'], high['width']):.3f})"
        for name, low, high in meta["lever_effects"]
    )
    return "\n".join(
        [
            START,
            f"Measured against the paired no-crackdown arm (same seeds) on the {meta['world']} world, "
            f"{meta['replications']} replications per cell ([`results/region.md`](results/region.md), "
            f"`{meta['command']}`):",
            "",
            f"- at the defaults the raid-only July 2025 wave leaves the network at {ci(d['frac_cf_1y'])} of where it "
            f"would have been one year on and {ci(d['final_frac_cf'])} at the end of the run: **{d['class']}**;",
            f"- the wave has a **lasting** effect (at least 20% below the counterfactual a year on, whole CI) in {len(lasting)} "
            f"of {len(cells)} cells: {where(lasting)};",
            f"- the network **recovers** (CI above 90%) in {len(recovers)} cells: {where(recovers)};",
            f"- one lever at a time: {levers}.",
            END,
        ]
    )


def main() -> None:
    region = json.loads((ROOT / "results" / "region.json").read_text())
    readme = ROOT / "README.md"
    text = readme.read_text()
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no {START} ... {END} block")
    readme.write_text(pattern.sub(lambda _m: block(region), text))
    print("README.md findings block rewritten from results/region.json")


if __name__ == "__main__":
    main()
