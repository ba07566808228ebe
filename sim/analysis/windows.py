"""What a campaign did in its first weeks and months, and what became of the compounds it raided.

The summary columns count from the earliest campaign start,
``intervention_day + min(campaign.day)`` (the intervention day when the
scenario has no campaign, so a no-campaign run counts zeros): in
``crackdown_2025`` that is 27 June 2025 (day -19), when the campaign the
directive of 16 July stepped up began.  They are descriptive, in round
windows (21, 30 and 180 days); the July 2025 figures are compared in the
windows their sources counted by the pattern registry
(:mod:`sim.analysis.patterns`: 27 June to 18 July, to 22 July, to mid-August,
to 25 January 2026).  Windows are half-open: the first 30 days are days
[start, start + 30).  Arrests are people: workers + managers + bosses.

Raid outcomes: each compound raided is counted once, by what followed its
first raid that struck (an event of kind ``raid``; deflected raids do not
strike).  The five shares sum to 1:

- ``raided_kept_operating``: that raid did not seal it (a ``kept_operating``
  event followed it before any other raid on the compound);
- ``raided_resumed``: sealed, then operating again at the same site (a
  transition to operating with reason ``resume`` before any relocation);
- ``raided_relocated``: sealed, then moved (reason ``relocation``);
- ``raided_split``: sealed, then split into cells (reason ``split``);
- ``raided_closed``: sealed, then closed (reason ``closure_*``), or not back
  in operation by the end (still sealed, laying low or rebuilding).
"""

from __future__ import annotations

import math

from sim.config.schema import ScamsimConfig
from sim.core.compounds import OPERATING, SEALED
from sim.core.events import EventKind
from sim.model import ReplicationResult

__all__ = ["OUTCOMES", "WINDOW_COLUMNS", "observation_start", "raid_outcomes", "window_counts"]

WINDOW_COLUMNS = ("raids_21d", "arrests_21d", "raided_sites_21d", "raids_30d", "arrests_30d", "sealed_180d", "arrests_180d")
OUTCOMES = ("kept_operating", "resumed", "relocated", "split", "closed")
_ARRESTS = (EventKind.ARREST_WORKERS, EventKind.ARREST_MANAGERS)


def observation_start(config: ScamsimConfig) -> int:
    """The day observation windows count from: the earliest campaign start, else the intervention day."""
    days = [camp.day for camp in config.scenario.campaigns.values()]
    return config.intervention_day + (min(days) if days else 0)


def window_counts(result: ReplicationResult, config: ScamsimConfig) -> dict[str, float]:
    """Raids, arrests, raided compounds and sealings in the first 21, 30 and 180 days."""
    start = observation_start(config)

    def raids(days: int) -> list[int]:
        return [e.compound for e in result.events if e.kind is EventKind.RAID and start <= e.day < start + days]

    def arrests(days: int) -> int:
        total = 0
        for e in result.events:
            if start <= e.day < start + days:
                if e.kind in _ARRESTS:
                    total += e.amount
                elif e.kind is EventKind.ARREST_BOSS:
                    total += 1
        return total

    sealed = {
        ch.compound
        for ch in result.compound_changes
        if ch.reason == "raid" and ch.to_status == SEALED and start <= ch.day < start + 180
    }
    raided_21 = raids(21)
    return {
        "raids_21d": float(len(raided_21)),
        "arrests_21d": float(arrests(21)),
        "raided_sites_21d": float(len(set(raided_21))),
        "raids_30d": float(len(raids(30))),
        "arrests_30d": float(arrests(30)),
        "sealed_180d": float(len(sealed)),
        "arrests_180d": float(arrests(180)),
    }


def raid_outcomes(result: ReplicationResult) -> dict[str, float]:
    """Shares of raided compounds by what followed their first raid that struck; NaN when none was raided."""
    first: dict[int, int] = {}  # compound -> index of its first raid in the event log
    kept: set[int] = set()
    decided: set[int] = set()
    for i, e in enumerate(result.events):
        if e.compound < 0:
            continue
        if e.kind is EventKind.RAID:
            if e.compound in first:
                decided.add(e.compound)  # a second raid before any kept_operating: the first one sealed it
            else:
                first[e.compound] = i
        elif e.kind is EventKind.KEPT_OPERATING and e.compound in first and e.compound not in decided:
            kept.add(e.compound)
            decided.add(e.compound)
    counts = dict.fromkeys(OUTCOMES, 0)
    if not first:
        return {f"raided_{k}": math.nan for k in OUTCOMES}
    counts["kept_operating"] = len(kept)
    sealed = {c: result.events[i].day for c, i in first.items() if c not in kept}
    fate: dict[int, str] = {}
    sealing_seen: set[int] = set()
    for ch in result.compound_changes:  # in the order they happened
        c = ch.compound
        if c not in sealed or c in fate:
            continue
        if c not in sealing_seen:
            if ch.reason == "raid" and ch.to_status == SEALED and ch.day >= sealed[c]:
                sealing_seen.add(c)
            continue
        outcome = _outcome(ch.reason, ch.to_status)
        if outcome is not None:
            fate[c] = outcome
    for c in sealed:
        counts[fate.get(c, "closed")] += 1
    total = len(first)
    return {f"raided_{k}": counts[k] / total for k in OUTCOMES}


def _outcome(reason: str, to_status: int) -> str | None:
    """The outcome a compound change decides, or None if it decides nothing (laying low, rebuilding, ...)."""
    if reason == "relocation":
        return "relocated"
    if reason == "split" or reason.startswith("split_"):
        return "split"
    if reason.startswith("closure_"):
        return "closed"
    if reason == "resume" and to_status == OPERATING:
        return "resumed"
    return None
