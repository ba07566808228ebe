"""The scenario section's schema: the interventions a scenario file can list.

Split from :mod:`sim.config.schema` (which imports and re-exports these) so
each file holds one concept: here, what enforcement can do and when.
Every field carries its unit, range and source like the rest of the schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from omegaconf import MISSING

from sim.config.fields import param, prob

# --------------------------------------------------------------------------- scenario


@dataclass
class CampaignConf:
    """An enforcement directive: raids at a rate that rises, holds and decays."""

    day: int = param(0, "days after intervention start", -36500, 36500)
    ramp_days: float = param(7.0, "days", 0.0, 36500.0)
    hold_days: float = param(21.0, "days", 0.0, 36500.0)
    decay_half_life: float = param(14.0, "days", 0.0, 36500.0)
    peak_raid_rate: float = param(
        5.7,
        "raids/day per 100 compounds at its sites",
        0.0,
        100.0,  # at most a raid per compound per day (July 2025: ~3)
        "assumed: a July-2025-sized wave; crackdown_2025's own rates are the ABC-SMC calibrated point "
        "(configs/calibrated/crackdown_2025.yaml, results/calibration.md)",
    )
    targeting: str = "random"  # random | largest | least_protected | site
    sites: list[str] = field(default_factory=list)  # empty = every site in `country`
    country: str = "Cambodia"
    site_pressure: float = prob(1.0)  # pressure the campaign adds at its sites at peak


@dataclass
class CutConf:
    """A neighbour cuts grid power and/or Internet at sites."""

    day: int = param(0, "days after intervention start", -36500, 36500)
    end_day: int | None = None
    by: str = "Thailand"
    sites: list[str] = field(default_factory=list)
    power: bool = True  # grid power: lost only where `by` is the site's country or every supplier it can draw on
    internet: bool = True
    substitutes: bool = False  # also block generators' fuel and satellite links (both of the two below)
    fuel: bool = False  # block fuel for generators
    satellite: bool = False  # disable satellite terminals


@dataclass
class ProtectorRemovalConf:
    protector: str = MISSING
    day: int = param(0, "days after intervention start", -36500, 36500)


@dataclass
class BossActionConf:
    boss: str = ""  # a boss name, or "" with `syndicate`
    syndicate: str = ""  # a named syndicate: the action hits every member (its chairman first)
    day: int = param(0, "days after intervention start", -36500, 36500)
    action: str = "indict"  # indict | sanction | arrest


@dataclass
class ClosureOrderConf:
    """An order to close every compound at some sites by a deadline (a licence ban, an SEZ closure).

    From ``day`` the order adds ``site_pressure`` at its sites (bosses with
    notice may move out); at ``deadline_day`` each standing compound there
    closes unless its protection shields it (``1 - protection.shield_max *
    protection``); with ``demolish`` its building is pulled down too.  The
    workers of a closed compound are handed to the authorities with
    ``detain_share`` (the rest scatter, as fled).
    """

    day: int = param(0, "days after intervention start", -36500, 36500)
    deadline_day: int = param(0, "days after intervention start", -36500, 36500)
    sites: list[str] = field(default_factory=list)  # empty = every site in `country`
    country: str = ""
    site_pressure: float = prob(0.5, "assumed: pressure the order adds at its sites until the deadline")
    detain_share: float = prob(0.5, "assumed: share of a closed compound's workers taken into custody")
    demolish: bool = False


@dataclass
class HandoverConf:
    """Authorities (or an armed group) round up foreign workers at sites and hand them over, ``per_day`` at most."""

    day: int = param(0, "days after intervention start", -36500, 36500)
    end_day: int | None = None
    sites: list[str] = field(default_factory=list)
    per_day: int = param(500, "people/day", 0, 1_000_000)


@dataclass
class TargetingConf:
    """Removals chosen on the network (Bright et al. 2017): ``count`` nodes by ``strategy`` on ``day``.

    Bosses are removed by arrest, protectors by removal from office.  ``none``
    removes nobody.
    """

    strategy: str = "none"  # none | random | degree | betweenness | money | rank
    count: int = param(0, "removals", 0, 10000)
    day: int = param(-10, "days after intervention start", -36500, 36500)
    nodes: str = "any"  # any | bosses | protectors: which nodes the strategy may pick
    country: str = ""  # only nodes in this country (bosses with a compound there, protectors covering a site there); "" = any


@dataclass
class BorderClosureConf:
    countries: list[str] = field(default_factory=list)
    day: int = param(0, "days after intervention start", -36500, 36500)
    end_day: int | None = None


@dataclass
class SourceMeasureConf:
    """Source-country measures (warnings, border and exit checks) that cut the recruit inflow for a while."""

    day: int = param(0, "days after intervention start", -36500, 36500)
    end_day: int | None = None
    nationalities: list[str] = field(default_factory=list)  # empty = every source country
    inflow_cut: float = prob(0.5, "assumed: share of the recruit inflow the measures stop")


@dataclass
class VictimMeasureConf:
    """Victim-side measures (awareness campaigns, bank and platform controls) that shrink the reachable pool."""

    day: int = param(0, "days after intervention start", -36500, 36500)
    end_day: int | None = None
    pool_cut: float = prob(0.3, "assumed: share of the reachable victim pool the measures protect")


@dataclass
class ScenarioConf:
    name: str = MISSING
    description: str = ""
    campaigns: dict[str, CampaignConf] = field(default_factory=dict)
    cuts: dict[str, CutConf] = field(default_factory=dict)
    protector_removals: list[ProtectorRemovalConf] = field(default_factory=list)
    boss_actions: list[BossActionConf] = field(default_factory=list)
    border_closures: list[BorderClosureConf] = field(default_factory=list)
    source_measures: dict[str, SourceMeasureConf] = field(default_factory=dict)
    victim_measures: dict[str, VictimMeasureConf] = field(default_factory=dict)
    closure_orders: dict[str, ClosureOrderConf] = field(default_factory=dict)
    handovers: dict[str, HandoverConf] = field(default_factory=dict)
    targeting: TargetingConf = field(default_factory=TargetingConf)
