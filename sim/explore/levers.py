"""What the explorer's controls mean as Hydra overrides, and the configs they compose.

The page never builds a config of its own: every control becomes one
``key=value`` override, the overrides are composed by the same Hydra
composition as ``python -m sim`` (:func:`sim.config.compose.compose_dictconfig`),
and the command shown on the page is those overrides.  That is what makes
the page reproducible by construction: what runs in the browser and what the
command runs are the same config, not two configs kept in step.

A lever emits an override only when it differs from the composed value of
the chosen world and scenario, so the command stays short and reads as
"the scenario, plus these changes".  Campaign levers (raid intensity and
duration, targeting) act on every campaign of the scenario; a scenario
without campaigns has none to change.
"""

from __future__ import annotations

import functools
import shlex
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from omegaconf import DictConfig, OmegaConf

from sim.config.checks import TARGETING, to_config
from sim.config.compose import compose_dictconfig
from sim.config.paths import config_dir
from sim.config.schema import ScamsimConfig

#: Hydra's compose API keeps global state: one composition at a time, whichever session or thread asks.
_COMPOSE_LOCK = threading.Lock()

#: Targeting strategies a slider can offer (``site`` needs a list of sites, which a control cannot pick well).
TARGETS = tuple(t for t in TARGETING if t != "site")

DEFAULT_WORLD = "small"
DEFAULT_SCENARIO = "crackdown_2025"
DEFAULT_REPLICATIONS = 5  # below 5 the CLI warns that intervals are unreliable


def compose_cfg(overrides: Sequence[str]) -> DictConfig:
    """The composed DictConfig of ``overrides`` (what ``.hydra/config.yaml`` of a CLI run holds)."""
    with _COMPOSE_LOCK:
        return compose_dictconfig(list(overrides))


def compose_config(overrides: Sequence[str]) -> ScamsimConfig:
    """The typed, validated config of ``overrides``, exactly as ``python -m sim`` would run it."""
    return to_config(compose_cfg(overrides))


def group_options(group: str) -> list[str]:
    """The options of a config group (``world``, ``scenario``), from the files a run composes."""
    return sorted(p.stem for p in (config_dir() / group).glob("*.yaml"))


@functools.cache
def default_seed() -> int:
    """The seed of ``configs/config.yaml``: the page starts where ``python -m sim`` starts."""
    node = OmegaConf.load(config_dir() / "config.yaml")
    assert isinstance(node, DictConfig)
    return int(node["seed"])


@dataclass(frozen=True)
class Campaign:
    """One campaign of a scenario, as composed: the base values the campaign levers scale or replace."""

    name: str
    peak_raid_rate: float
    hold_days: float
    targeting: str


@dataclass(frozen=True)
class Base:
    """The composed values of a world and scenario that the levers start from."""

    world: str
    scenario: str
    description: str
    campaigns: tuple[Campaign, ...]
    strength_scale: float
    warnings: bool
    relocation: bool
    substitutes: bool
    supply_scale: float
    pool_scale: float
    has_interventions: bool


@functools.lru_cache(maxsize=64)
def base(world: str, scenario: str) -> Base:
    """What ``world=<world> scenario=<scenario>`` composes to, for the levers' starting points (cached)."""
    from sim.analysis.counterfactual import has_interventions

    cfg = compose_config([f"world={world}", f"scenario={scenario}"])
    camps = tuple(
        Campaign(name, float(c.peak_raid_rate), float(c.hold_days), str(c.targeting))
        for name, c in cfg.scenario.campaigns.items()
    )
    return Base(
        world=world,
        scenario=scenario,
        description=cfg.scenario.description,
        campaigns=camps,
        strength_scale=float(cfg.protection.strength_scale),
        warnings=bool(cfg.raids.warnings),
        relocation=bool(cfg.decisions.relocation),
        substitutes=bool(cfg.infrastructure.substitutes),
        supply_scale=float(cfg.labour.supply_scale),
        pool_scale=float(cfg.victims.pool_scale),
        has_interventions=has_interventions(cfg.scenario),
    )


@dataclass(frozen=True)
class Policy:
    """One policy: a scenario and the levers the worksheets turn.  ``None`` means "as the scenario has it"."""

    scenario: str = DEFAULT_SCENARIO
    raid_intensity: float = 1.0  # multiplier of every campaign's peak raid rate
    hold_days: float | None = None  # days every campaign holds its peak
    targeting: str | None = None  # random | largest | least_protected
    strength_scale: float | None = None  # protection.strength_scale
    warnings: bool | None = None  # raids.warnings
    relocation: bool | None = None  # decisions.relocation
    substitutes: bool | None = None  # infrastructure.substitutes
    supply_scale: float | None = None  # labour.supply_scale
    pool_scale: float | None = None  # victims.pool_scale


@dataclass(frozen=True)
class Setup:
    """What both policies of a comparison share: the world, the seed and the replications (common random numbers)."""

    world: str = DEFAULT_WORLD
    seed: int = field(default_factory=default_seed)
    replications: int = DEFAULT_REPLICATIONS


def number(x: float) -> str:
    """A float as an override value: 6 significant digits, the same text on the page and in the command."""
    text = f"{x:.6g}"
    return text if any(c in text for c in ".en") else f"{text}.0"


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def overrides(setup: Setup, policy: Policy) -> list[str]:
    """The Hydra overrides of a setup and policy: the run's whole description, in the order the command shows."""
    b = base(setup.world, policy.scenario)
    out = [f"world={setup.world}", f"scenario={policy.scenario}", f"seed={setup.seed}", f"replications={setup.replications}"]
    for camp in b.campaigns:
        key = f"scenario.campaigns.{camp.name}"
        if policy.raid_intensity != 1.0:
            out.append(f"{key}.peak_raid_rate={number(min(camp.peak_raid_rate * policy.raid_intensity, 100.0))}")
        if policy.hold_days is not None and float(policy.hold_days) != camp.hold_days:
            out.append(f"{key}.hold_days={number(policy.hold_days)}")
        if policy.targeting is not None and policy.targeting != camp.targeting:
            out.append(f"{key}.targeting={policy.targeting}")
    scalars = (
        ("protection.strength_scale", policy.strength_scale, b.strength_scale),
        ("labour.supply_scale", policy.supply_scale, b.supply_scale),
        ("victims.pool_scale", policy.pool_scale, b.pool_scale),
    )
    for key, value, default in scalars:
        if value is not None and float(value) != default:
            out.append(f"{key}={number(value)}")
    switches = (
        ("raids.warnings", policy.warnings, b.warnings),
        ("decisions.relocation", policy.relocation, b.relocation),
        ("infrastructure.substitutes", policy.substitutes, b.substitutes),
    )
    for key, flag, default in switches:
        if flag is not None and bool(flag) != default:
            out.append(f"{key}={_boolean(flag)}")
    return out


def command(overrides_: Sequence[str]) -> str:
    """The shell command that runs these overrides from the command line, as the page shows it."""
    return " ".join(["python", "-m", "sim", *(shlex.quote(o) for o in overrides_)])
