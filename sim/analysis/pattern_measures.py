"""What each observed pattern measures in a replication, inside the time window its source observed.

Every measure takes a study result and a window ``(a, b)``: days
``[day0 + a, day0 + b)`` where ``day0`` is the scenario's day 0, the
intervention day (the July 2025 directive in ``crackdown_2025``, the cut's
first day in ``infrastructure_cut``, the intervention day in ``baseline``).
A source reports what it saw in a window (from the campaign's start on 27
June 2025, a month after the directive, six months after, ...), so the model
is read in the same window, not at the end of the run.  Levels "before" are
read before the observation start of :func:`sim.analysis.windows.observation_start`
(the first campaign's start: before any raid of the wave).  Each measure
returns one value per replication: NaN when there is nothing to measure (no
raid, no arrest), ``inf`` for a duration that never ended.  The registry that
pairs these with the observed ranges is :mod:`sim.analysis.patterns`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np

from sim.analysis.metrics import host_sites
from sim.analysis.results import StudyResult
from sim.analysis.windows import observation_start
from sim.core.compounds import ACTIVE, OPERATING, SEALED
from sim.core.events import EventKind
from sim.model import ReplicationResult

Window = tuple[int, int]
Measure = Callable[[StudyResult, Window], np.ndarray]

_ARRESTS = (EventKind.ARREST_WORKERS, EventKind.ARREST_MANAGERS)
_RECRUITED = ("recruited", "re_recruited")


def _days(res: StudyResult, window: Window) -> tuple[int, int]:
    """The window as absolute run days, half-open: days after the scenario's day 0 (the intervention day)."""
    day0 = res.config.intervention_day
    return day0 + window[0], day0 + window[1]


def _ratio(num: float, den: float) -> float:
    return num / den if den else math.nan


def _count(r: ReplicationResult, kinds: Iterable[EventKind], lo: int, hi: int, people: bool = True) -> int:
    """Events of ``kinds`` on days [lo, hi): their people (``amount``) or one per event."""
    wanted = frozenset(kinds)
    return sum((e.amount if people else 1) for e in r.events if e.kind in wanted and lo <= e.day < hi)


def _arrests(r: ReplicationResult, lo: int, hi: int) -> tuple[int, int]:
    """(all arrests, boss arrests) on days [lo, hi); people, as in the summary's ``arrests_*`` columns."""
    bosses = _count(r, (EventKind.ARREST_BOSS,), lo, hi, people=False)
    return _count(r, _ARRESTS, lo, hi) + bosses, bosses


def _struck(r: ReplicationResult, lo: int, hi: int) -> dict[int, int]:
    """Compound -> day of its first raid that struck on days [lo, hi)."""
    first: dict[int, int] = {}
    for e in r.events:
        if e.kind is EventKind.RAID and lo <= e.day < hi and e.compound >= 0:
            first.setdefault(e.compound, e.day)
    return first


def _per_replication(fn: Callable[[ReplicationResult, int, int], float]) -> Measure:
    """A measure from a function of one replication and the window's absolute days."""

    def measure(res: StudyResult, window: Window) -> np.ndarray:
        lo, hi = _days(res, window)
        return np.array([fn(r, lo, hi) for r in res.replications], float)

    measure.__doc__ = fn.__doc__
    return measure


# --------------------------------------------------------------------------- counts (calibration targets)


@_per_replication
def raids(r: ReplicationResult, lo: int, hi: int) -> float:
    """Raids that struck (deflected raids excluded)."""
    return float(_count(r, (EventKind.RAID,), lo, hi, people=False))


@_per_replication
def arrests(r: ReplicationResult, lo: int, hi: int) -> float:
    """People arrested: workers, managers and bosses."""
    return float(_arrests(r, lo, hi)[0])


@_per_replication
def raided_compounds(r: ReplicationResult, lo: int, hi: int) -> float:
    """Distinct compounds struck by a raid (the reports' "locations")."""
    return float(len(_struck(r, lo, hi)))


@_per_replication
def sealed_compounds(r: ReplicationResult, lo: int, hi: int) -> float:
    """Distinct compounds sealed by a raid."""
    return float(
        len({c.compound for c in r.compound_changes if c.reason == "raid" and c.to_status == SEALED and lo <= c.day < hi})
    )


@_per_replication
def low_level_share(r: ReplicationResult, lo: int, hi: int) -> float:
    """Workers among everyone arrested."""
    total = _arrests(r, lo, hi)[0]
    return _ratio(_count(r, (EventKind.ARREST_WORKERS,), lo, hi), total)


def yearly_growth(res: StudyResult, window: Window) -> np.ndarray:
    """Network revenue in the window's last 30 days over the 30 days before it starts, minus 1."""
    lo, hi = _days(res, window)
    rev = res.revenue()
    return rev[:, hi - 30 : hi].mean(axis=1) / rev[:, lo - 30 : lo].mean(axis=1) - 1.0


# --------------------------------------------------------------------------- model inputs


def nationalities(res: StudyResult, window: Window) -> np.ndarray:
    """Nationalities among arrested workers, over the whole run (the model keeps arrests by nationality only in total)."""
    return np.array([float(r.nationalities_arrested) for r in res.replications])


def chinese_vietnamese_share(res: StudyResult, window: Window) -> np.ndarray:
    """Chinese and Vietnamese among arrested workers, over the whole run (totals only, as above)."""
    out = []
    for r in res.replications:
        idx = [r.nationalities.index(n) for n in ("China", "Vietnam")]
        out.append(_ratio(float(r.arrests_by_nationality[idx].sum()), float(r.arrests_by_nationality.sum())))
    return np.array(out)


# --------------------------------------------------------------------------- the claim


def final_level(res: StudyResult, window: Window) -> np.ndarray:
    """Network revenue in the window over the 30 days before the observation start."""
    lo, hi = _days(res, window)
    start = observation_start(res.config)
    rev = res.revenue()
    return rev[:, lo:hi].mean(axis=1) / rev[:, start - 30 : start].mean(axis=1)


# --------------------------------------------------------------------------- validation patterns


@_per_replication
def occupants_gone(r: ReplicationResult, lo: int, hi: int) -> float:
    """Workers moved out or fled at raids, over the workers there when the raid leaked or struck."""
    present = _count(r, (EventKind.RAID,), lo, hi)
    gone = _count(r, (EventKind.WORKERS_EVACUATED, EventKind.WORKERS_FLED), lo, hi)
    return _ratio(gone, present)


@_per_replication
def boss_share_of_arrests(r: ReplicationResult, lo: int, hi: int) -> float:
    """Bosses among everyone arrested."""
    total, bosses = _arrests(r, lo, hi)
    return _ratio(bosses, total)


@_per_replication
def raided_still_running(r: ReplicationResult, lo: int, hi: int) -> float:
    """Compounds struck in the window that stand at the same site at its end, operating, laying low or rebuilding.

    A compound that relocated or split after its raid does not count as still
    running (it left), nor does one sealed or closed on the window's last day.
    """
    struck = _struck(r, lo, hi)
    if not struck:
        return math.nan
    # a struck compound was active when raided; its last change before the window's end is its status then
    status = dict.fromkeys(struck, OPERATING)
    left: set[int] = set()
    for ch in r.compound_changes:
        if ch.day >= hi or ch.compound not in struck:
            continue
        status[ch.compound] = ch.to_status
        if ch.day >= struck[ch.compound] and (ch.reason == "relocation" or ch.reason.startswith("split")):
            left.add(ch.compound)
    running = sum(1 for c in struck if c not in left and status[c] in ACTIVE)
    return running / len(struck)


def refill_days(res: StudyResult, window: Window, level: float = 0.8, min_workers: int = 20) -> np.ndarray:
    """Median days from a raid in the window until the compound's workforce is back to ``level`` of its pre-raid size.

    Only raids after which the workforce fell below that level count (a warned
    compound whose workers were moved out and came back the same day never lost
    them); the search starts the day after the raid.  ``inf`` when the median
    raid never refilled by the end of the run.
    """
    lo, hi = _days(res, window)
    out = []
    for r in res.replications:
        cw = r.compound_workers
        days = []
        for e in r.events:
            if e.kind is not EventKind.RAID or not lo <= e.day < hi or e.day < 1:
                continue
            d, c = e.day, e.compound
            pre = cw[d - 1, c]
            if pre < min_workers or d + 1 >= cw.shape[0] or cw[d + 1, c] >= level * pre:
                continue
            back = np.flatnonzero(cw[d + 1 :, c] >= level * pre)
            days.append(float(back[0] + 1) if back.size else math.inf)
        out.append(float(np.median(days)) if days else math.nan)
    return np.array(out)


def recruitment_ratio(res: StudyResult, window: Window) -> np.ndarray:
    """Recruits per day in the window over the same number of days just before the observation start.

    0 when nobody was recruited in the window (recruitment closed, whatever
    came before); NaN when nobody was recruited before either.
    """
    lo, hi = _days(res, window)
    start = observation_start(res.config)
    length = hi - lo
    out = []
    for r in res.replications:
        during = sum(e.workers for e in r.ledger if e.reason in _RECRUITED and lo <= e.day < hi) / length
        before = sum(e.workers for e in r.ledger if e.reason in _RECRUITED and start - length <= e.day < start) / length
        out.append(0.0 if during == 0 else _ratio(during, before))
    return np.array(out)


def abroad_share(res: StudyResult, window: Window) -> np.ndarray:
    """Compounds struck in the window that relocated abroad (out of the campaign's countries) within it."""
    lo, hi = _days(res, window)
    out = []
    for r in res.replications:
        host = set(host_sites(r, res.config).tolist())
        struck = _struck(r, lo, hi)
        moved = {
            e.compound
            for e in r.events
            if e.kind is EventKind.RELOCATION and e.site not in host and e.compound in struck and struck[e.compound] <= e.day < hi
        }
        out.append(_ratio(len(moved), len(struck)))
    return np.array(out)


def host_share_ratio(res: StudyResult, window: Window) -> np.ndarray:
    """Campaign countries' share of network revenue in the window over their share in the 30 days before the start."""
    lo, hi = _days(res, window)
    start = observation_start(res.config)
    out = []
    for r in res.replications:
        host = host_sites(r, res.config)
        rev = r.series["revenue_usd"]
        before = rev[start - 30 : start, host].sum() / rev[start - 30 : start].sum()
        after = rev[lo:hi, host].sum() / rev[lo:hi].sum()
        out.append(after / before)
    return np.array(out)


def host_revenue_ratio(res: StudyResult, window: Window) -> np.ndarray:
    """Campaign countries' mean daily revenue in the window over the 30 days before the start."""
    lo, hi = _days(res, window)
    start = observation_start(res.config)
    out = []
    for r in res.replications:
        rev = r.series["revenue_usd"][:, host_sites(r, res.config)].sum(axis=1)
        out.append(_ratio(float(rev[lo:hi].mean()), float(rev[start - 30 : start].mean())))
    return np.array(out)


def site_revenue_ratio(site: str) -> Measure:
    """Revenue at ``site`` in the window over its 30 days before the start."""

    def measure(res: StudyResult, window: Window) -> np.ndarray:
        lo, hi = _days(res, window)
        start = observation_start(res.config)
        out = []
        for r in res.replications:
            rev = r.series["revenue_usd"][:, r.site_names.index(site)]
            out.append(_ratio(float(rev[lo:hi].mean()), float(rev[start - 30 : start].mean())))
        return np.array(out)

    measure.__doc__ = f"Revenue at {site} in the window over its 30 days before the start."
    return measure


@_per_replication
def deported_share(r: ReplicationResult, lo: int, hi: int) -> float:
    """Workers repatriated from detention in the window over people arrested in it.

    Detention holds both the arrested and workers who fled and reported
    themselves to the authorities, so the ratio can exceed 1.
    """
    deported = sum(e.workers for e in r.ledger if e.reason == "repatriated" and lo <= e.day < hi)
    return _ratio(deported, _arrests(r, lo, hi)[0])
