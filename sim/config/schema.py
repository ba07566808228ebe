"""Typed configuration schema: one dataclass per config section, no Hydra import.

The scenario section's dataclasses live in :mod:`sim.config.scenario` and are
re-exported here; the markets' in :mod:`sim.config.markets`.

Every tunable number of the model is a field here, with its unit, the range
it may take and where its default comes from (``docs/sources.md`` or "assumed").
Hydra merges the YAML in ``configs/`` over these dataclasses (registered by
:mod:`sim.config.compose`), OmegaConf checks the types, and
:mod:`sim.config.checks` checks the ranges and names once,
before a run, using the same metadata.  Keeping the metadata next to the
field means a parameter table can be generated from the code and cannot
drift from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from omegaconf import MISSING

from sim.config.fields import param, prob
from sim.config.markets import FinanceConf, LabourConf, SpaceConf, VictimsConf
from sim.config.run_control import (  # re-exported: how a run is run, not what it models
    DesignConf,
    OutputConf,
    PrecisionConf,
    StudyConf,
    UncertaintyConf,
)
from sim.config.scenario import (  # re-exported: the scenario section's schema
    BorderClosureConf,
    BossActionConf,
    CampaignConf,
    ClosureOrderConf,
    CutConf,
    HandoverConf,
    ProtectorRemovalConf,
    ScenarioConf,
    SourceMeasureConf,
    TargetingConf,
    VictimMeasureConf,
)

# --------------------------------------------------------------------------- world


@dataclass
class SiteConf:
    """A place where compounds stand."""

    country: str = MISSING
    lat: float = param(0.0, "degrees", -90.0, 90.0)
    lon: float = param(0.0, "degrees", -180.0, 180.0)
    room: int = param(10, "compounds", 0, 10000, "sized so the site can grow, docs/sources.md growth row")
    compounds: int = param(0, "compounds", 0, 10000)
    workers: int = param(0, "people", 0, 10_000_000)
    bosses: int = param(1, "bosses", 0, 10000)
    grid_supplier: str = ""  # country whose grid feeds the site ("" = its own)
    grid_alternates: list[str] = field(default_factory=list)  # countries it can switch to when its supplier cuts
    base_pressure: float = prob(0.0)
    attractiveness: float = param(1.0, "relative revenue", 0.0, 100.0)


@dataclass
class ProtectorConf:
    """An official or elite who sells protection at some sites."""

    rank: str = "local"  # local | provincial | national
    sites: list[str] = field(default_factory=list)
    strength: float = prob(0.5)
    patron: str = ""  # the protector of higher rank above this one (patronage); "" = none


@dataclass
class NationalityConf:
    weight: float = param(1.0, "relative share", 0.0, 1e9)
    entry_via: str = ""  # country recruits enter through ("" = arrive by air)


@dataclass
class SyndicateConf:
    """A named owner group running several compounds (the Prince Group ran at least ten, US DOJ 2025)."""

    members: list[str] = field(default_factory=list)  # boss names, <site>-boss-<k>
    chairman: str = ""  # one of the members ("" = the first)


@dataclass
class WorldConf:
    name: str = MISSING
    sites: dict[str, SiteConf] = field(default_factory=dict)
    protectors: dict[str, ProtectorConf] = field(default_factory=dict)
    syndicates: dict[str, SyndicateConf] = field(default_factory=dict)  # bosses in none are grouped at random (network)
    nationalities: dict[str, NationalityConf] = field(default_factory=dict)
    compound_size_sigma: float = param(0.7, "log-sd", 0.0, 3.0, "assumed: compounds range from cells of tens to thousands")
    capacity_headroom: float = param(1.15, "capacity / initial workforce", 1.0, 10.0)
    workers_per_manager: float = param(40.0, "workers", 1.0, 1e5)
    boss_capital_usd: float = param(5e6, "USD", 0.0, 1e12)
    boss_protector_links: float = prob(0.8)


# --------------------------------------------------------------------------- mechanisms


@dataclass
class OperationsConf:
    revenue_per_worker_day: float = param(350.0, "USD/worker/day", 0.0, 1e5, "docs/sources.md: ~$128k per worker-year")
    cost_per_worker_day: float = param(40.0, "USD/worker/day", 0.0, 1e5)
    bribe_share: float = prob(0.15, "assumed: elites take a share of profits (USIP 2024)")
    profit_retained: float = prob(
        0.5,
        "derived: bosses hold large liquid reserves (127,271 BTC seized from one group, US DOJ Oct 2025); an uncertain lever, see results/region.md",
    )
    attrition: bool = True
    attrition_rate: float = param(1 / 365, "1/day", 0.0, 1.0)
    laying_low_output: float = prob(0.3)


@dataclass
class RecruitmentConf:
    enabled: bool = True
    refill_rate: float = param(0.04, "share of vacancies filled per day", 0.0, 1.0, "docs/sources.md: recruits moved within days")
    delay_mean: float = param(10.0, "days", 0.0, 36500.0)
    delay_cv: float = param(0.5, "coefficient of variation", 0.0, 5.0)
    pressure_slowdown: float = prob(0.6, "docs/sources.md: job ads reappear right after raids")
    retrafficked_first: bool = True


@dataclass
class GrowthConf:
    enabled: bool = True
    expand_prob: float = prob(0.08, "tuned to ~+30%/yr, docs/sources.md growth row")
    expand_cost_usd: float = param(2e6, "USD", 0.0, 1e12)
    calm_days: float = param(90.0, "days without a raid", 0.0, 36500.0)
    new_compound_workers: float = param(300.0, "capacity", 1.0, 1e5)


@dataclass
class RaidConf:
    warnings: bool = True
    warning_base: float = prob(0.3, "docs/sources.md: Telegram warnings, workers moved out days before")
    warning_max: float = prob(0.95)
    evacuate_share_warned: float = prob(0.8, "docs/sources.md: workers moved out several days before raids (AFP 2026)")
    flee_share_warned: float = prob(0.1, "docs/sources.md: videos of people fleeing compounds")
    flee_share_unwarned: float = prob(0.3)
    arrest_prob_present: float = prob(0.3)
    arrest_capacity_mean: float = param(40.0, "people per raid", 0.0, 1e5, "docs/sources.md: ~21-50 arrests per site")
    keep_operating_max: float = prob(
        0.6, "docs/sources.md: >2/3 of compounds never investigated or kept operating (Amnesty 2025)"
    )
    deflect_max: float = prob(0.3)
    soften_max: float = prob(0.5)
    equipment_seized_share: float = prob(0.8)
    seal_days_mean: float = param(30.0, "days", 0.0, 36500.0)
    manager_arrest_prob: float = prob(0.06, "calibrated: senior figures ~1.6% of arrests (Reuters 2026), results/calibration.md")
    boss_present_prob: float = prob(0.1, "docs/sources.md: tycoons left before warrants were served")
    boss_arrest_prob: float = prob(0.5)
    size_bias: float = param(
        0.0,
        "exponent of the workers at a compound",
        0.0,
        4.0,
        "assumed: 0 = a random-targeting raid finds any standing compound alike; > 0 favours the large, known ones "
        "(weight workers^size_bias), as AP's ~50 detained per location in the first weeks suggest; the ABC calibration sets it",
    )


@dataclass
class DecisionConf:
    relocation: bool = True
    lay_low_days_mean: float = param(
        30.0, "days (x (0.5 + site pressure))", 0.0, 36500.0, "docs/sources.md: operations stop for a while, then resume"
    )
    relocation_days_mean: float = param(21.0, "days", 0.0, 36500.0)
    relocation_fixed_usd: float = param(5e5, "USD", 0.0, 1e12)
    relocation_usd_per_km: float = param(1000.0, "USD/km", 0.0, 1e9)
    border_crossing_usd: float = param(5e5, "USD", 0.0, 1e12)
    equipment_usd_per_worker: float = param(1500.0, "USD", 0.0, 1e9, "docs/sources.md: ~1 computer and ~2.5 phones per worker")
    equipment_days_mean: float = param(7.0, "days", 0.0, 36500.0, "docs/sources.md: equipment easily replaced")
    risk_memory_days: float = param(180.0, "days", 1.0, 36500.0)
    risk_weight: float = param(0.2, "hazard per raid remembered at a site", 0.0, 100.0)
    relocate_margin: float = param(0.2, "score gain needed to move", 0.0, 100.0)
    review_days: float = param(14.0, "days", 1.0, 36500.0)
    move_km_per_day: float = param(100.0, "km/day workers are moved overland", 1.0, 5000.0, "assumed")
    transport_batch: int = param(150, "workers moved per day", 1, 100000, "assumed: vans and boats, a few at a time")
    escape_share_moving: float = prob(0.05, "assumed: some escape on the way")
    pressure_move_threshold: float = prob(0.5, "assumed: unshielded pressure that makes a boss consider moving")
    pressure_move_days: float = param(45.0, "days of sustained pressure before moving", 1.0, 3650.0)
    split: bool = True  # under high pressure an operation can split into small cells
    split_threshold: float = prob(0.6, "assumed: unshielded pressure at which sealed operations disperse")
    split_prob: float = prob(0.3, "assumed")
    cell_size_min: int = param(20, "workers", 1, 10000, "docs/sources.md: dispersed cells of 20-50 after the Philippine ban")
    cell_size_max: int = param(50, "workers", 1, 10000, "docs/sources.md: dispersed cells of 20-50 after the Philippine ban")
    max_cells: int = param(6, "cells per split compound", 1, 1000)
    cell_output: float = prob(0.7, "assumed: a cell earns less per worker than a compound")


@dataclass
class InfrastructureConf:
    substitutes: bool = True
    no_power_output: float = prob(0.1)
    no_internet_output: float = prob(0.2)
    generator_usd: float = param(2e5, "USD per compound", 0.0, 1e12)
    generator_days: float = param(14.0, "days", 0.0, 36500.0)
    satellite_usd: float = param(1e5, "USD per compound", 0.0, 1e12)
    satellite_days: float = param(10.0, "days", 0.0, 36500.0)


@dataclass
class ProtectionConf:
    enabled: bool = True
    buy_in: bool = True  # bosses buy protection where they have none (after moving, after removals)
    # every protector's strength s becomes 1 - (1 - s) ** strength_scale: 0 removes
    # protection, 1 keeps the world's values, 2 doubles its effect, and it stays in [0, 1]
    strength_scale: float = param(1.0, "exponent", 0.0, 100.0)
    replacement: bool = True  # a removed protector's seat is filled by a successor
    replacement_days_mean: float = param(90.0, "days", 0.0, 36500.0, "assumed: a successor official takes the seat")
    buy_in_usd: float = param(5e5, "USD", 0.0, 1e12)
    manager_release_max: float = prob(0.6, "docs/sources.md: roadblocks demanded bribes for release")
    shield_max: float = prob(0.9)
    drop_unpaid: bool = True
    unpaid_days: float = param(60.0, "days without bribes", 1.0, 36500.0)
    target_level: float = prob(0.5, "assumed: protection below which a boss buys more")
    price_pressure: float = param(
        2.0, "price increase per unit of site pressure", 0.0, 100.0, "assumed: protection costs more under a crackdown"
    )


@dataclass
class BossConf:
    flee_prob_warned: float = prob(0.8, "docs/sources.md: tycoons left before warrants were served")
    sanction_freeze_share: float = prob(0.5)
    successor_prob: float = prob(0.7, "assumed: Duijn et al. 2014, networks reorganise after removals")
    successor_days_mean: float = param(60.0, "days", 0.0, 36500.0)


@dataclass
class RepatriationConf:
    enabled: bool = True
    processing_days: float = param(7.0, "days", 0.0, 36500.0)
    daily_capacity: int = param(
        60, "people/day", 0, 10_000_000, "docs/sources.md: ~11,000 deported in 2025-26 (derived ~50-60/day)"
    )
    retraffic_prob_daily: float = prob(0.002, "docs/sources.md: resale of trafficked workers (~$10,000)")
    fled_report_prob_daily: float = prob(0.01)
    fled_retraffic_prob_daily: float = prob(0.01)
    fled_home_prob_daily: float = prob(0.05)
    trafficked_share: float = prob(0.5, "docs/sources.md: contested, 0.2-0.8")


@dataclass
class BorderConf:
    enabled: bool = True


@dataclass
class NetworkConf:
    """The protection network as a graph (section ``network``): syndicates, patronage, ties.

    Nodes are bosses, syndicates and protectors; edges are paid protection,
    patronage (national over provincial over local) and syndicate ties.
    """

    enabled: bool = True
    adaptation: bool = True  # rewiring, successors and bought-back protection; false = the network cannot adapt
    syndicate_size_mean: float = param(
        2.0,
        "bosses per generated syndicate",
        1.0,
        1000.0,
        "assumed: owner groups run several compounds (Prince Group >= 10, US DOJ 2025)",
    )
    tie_warning_prob: float = prob(0.5, "assumed: chance a raided boss warns each syndicate partner")
    tie_warning_days: float = param(14.0, "days a passed-on warning lasts", 0.0, 3650.0, "assumed")
    tie_warning_level: float = prob(0.8, "assumed: chance a raid on a tipped-off partner's compound leaks")
    tie_successor_prob: float = prob(0.5, "assumed: an arrested boss's compounds go to a syndicate partner, not a newcomer")
    capital_share: float = prob(0.2, "assumed: share of his capital a partner lends a member about to go bankrupt")
    patron_dependence: float = prob(0.5, "assumed: share of a protector's strength that rests on his patron")
    patron_slowdown: float = prob(
        0.5, "assumed: how far an active national patron slows a campaign in his country, x his strength"
    )
    rewire_days_mean: float = param(60.0, "days", 1.0, 36500.0, "assumed: an orphaned official finds a new patron")
    # days after intervention start when the graph is recorded (network.csv, network_edges.csv); days past the run's end are skipped
    snapshot_days: list[int] = field(default_factory=lambda: [-1, 30, 180, 365, 729])


@dataclass
class ScamsimConfig:
    """The whole run: world, scenario, mechanisms, and run control."""

    world: WorldConf = MISSING
    scenario: ScenarioConf = MISSING
    operations: OperationsConf = field(default_factory=OperationsConf)
    recruitment: RecruitmentConf = field(default_factory=RecruitmentConf)
    growth: GrowthConf = field(default_factory=GrowthConf)
    raids: RaidConf = field(default_factory=RaidConf)
    decisions: DecisionConf = field(default_factory=DecisionConf)
    infrastructure: InfrastructureConf = field(default_factory=InfrastructureConf)
    protection: ProtectionConf = field(default_factory=ProtectionConf)
    bosses: BossConf = field(default_factory=BossConf)
    repatriation: RepatriationConf = field(default_factory=RepatriationConf)
    border: BorderConf = field(default_factory=BorderConf)
    network: NetworkConf = field(default_factory=NetworkConf)
    labour: LabourConf = field(default_factory=LabourConf)
    finance: FinanceConf = field(default_factory=FinanceConf)
    victims: VictimsConf = field(default_factory=VictimsConf)
    space: SpaceConf = field(default_factory=SpaceConf)
    seed: int = param(20250716, "integer", 0, 1e18)
    replications: Any = 10  # a count >= 1, or "auto": run until `precision` is met
    precision: PrecisionConf = field(default_factory=PrecisionConf)
    design: DesignConf = field(default_factory=DesignConf)
    uncertainty: UncertaintyConf = field(default_factory=UncertaintyConf)
    intervention_day: int = param(180, "day", 30, 36500, "warm-up long enough for a 30-day baseline")
    horizon_days: int = param(910, "days", 31, 36500)
    figure: bool = True
    counterfactual: bool = True  # intervention scenarios also run the paired no-intervention arm (same seeds)
    output: OutputConf = field(default_factory=OutputConf)
    progress: bool = True
    study: StudyConf = field(default_factory=StudyConf)


__all__ = [
    "BorderClosureConf",
    "BorderConf",
    "BossActionConf",
    "BossConf",
    "CampaignConf",
    "ClosureOrderConf",
    "CutConf",
    "DecisionConf",
    "DesignConf",
    "GrowthConf",
    "HandoverConf",
    "InfrastructureConf",
    "NationalityConf",
    "NetworkConf",
    "OperationsConf",
    "OutputConf",
    "PrecisionConf",
    "ProtectionConf",
    "ProtectorConf",
    "ProtectorRemovalConf",
    "RaidConf",
    "RecruitmentConf",
    "RepatriationConf",
    "ScamsimConfig",
    "ScenarioConf",
    "SiteConf",
    "SourceMeasureConf",
    "StudyConf",
    "SyndicateConf",
    "TargetingConf",
    "UncertaintyConf",
    "VictimMeasureConf",
    "WorldConf",
]
