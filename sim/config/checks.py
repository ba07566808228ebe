"""Turn a composed config into typed objects and reject bad values before a run.

Hydra and OmegaConf check types; this module checks meaning: ranges from the
schema's field metadata, names that must refer to sites, protectors, bosses or
countries of the world, and dates that must fall inside the horizon.  Each
problem becomes a :class:`ConfigError` whose one-line message names the key,
the value and what is allowed, so a user never has to read a traceback and
no value is ever clamped silently.
"""

from __future__ import annotations

import math
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from omegaconf import DictConfig

from sim.config.design import apply_design
from sim.config.errors import ConfigError
from sim.config.keys import check_keys, to_object
from sim.config.network_checks import RANKS, check_interventions, check_network
from sim.config.schema import ScamsimConfig

TARGETING = ("random", "largest", "least_protected", "site")
BOSS_ACTIONS = ("indict", "sanction", "arrest")
TOLERANCE = 1e-9  # for sums of probabilities typed as decimals (0.33 + 0.56 + 0.11)
MAX_REPLICATIONS = 100_000  # replications of one job; more is a sweep's work (and a typo more often than not)


def to_config(cfg: DictConfig | ScamsimConfig, design: bool = True) -> ScamsimConfig:
    """Convert once to the typed dataclass tree and validate it.

    A DictConfig gets its design row applied first (``design=False``: the
    caller already did, as the CLI does to hash and record the config the
    run really uses), and keys no schema section declares are refused.
    """
    if isinstance(cfg, DictConfig):
        if design:
            cfg = apply_design(cfg)
        check_keys(cfg)
    obj = cfg if isinstance(cfg, ScamsimConfig) else to_object(cfg)
    if not isinstance(obj, ScamsimConfig):  # a config composed without the schema
        raise ConfigError("<root>", type(obj).__name__, "compose with configs/config.yaml (schema scamsim_schema)")
    validate(obj)
    return obj


def boss_names(config: ScamsimConfig) -> list[str]:
    """Bosses are generated per site and named ``<site>-boss-<k>``, k from 1."""
    return [f"{site}-boss-{k}" for site, s in config.world.sites.items() for k in range(1, s.bosses + 1)]


def validate(config: ScamsimConfig) -> None:
    """Raise :class:`ConfigError` on the first problem found."""
    _check_ranges(config, "")
    _check_replications(config)
    _check_world(config)
    check_network(config, boss_names(config), _check_day)
    _check_scenario(config)
    check_interventions(config, _known_site, _check_day)
    _check_output(config)
    _check_uncertainty(config)


UNCERTAINTY_KEYS = ("world", "all")


def _check_uncertainty(config: ScamsimConfig) -> None:
    u = config.uncertainty
    if u.keys not in UNCERTAINTY_KEYS:
        raise ConfigError("uncertainty.keys", u.keys, f"one of {', '.join(UNCERTAINTY_KEYS)}")
    if u.draws and not Path(u.draws).is_file():
        raise ConfigError(
            "uncertainty.draws", u.draws, "an existing CSV of parameter sets (e.g. results/calibration_posterior.csv)"
        )


OUTPUT_FORMATS = ("csv", "parquet")


def _check_output(config: ScamsimConfig) -> None:
    fmt = config.output.format
    if fmt not in OUTPUT_FORMATS:
        raise ConfigError("output.format", fmt, f"one of {', '.join(OUTPUT_FORMATS)}")
    if fmt == "parquet":
        import importlib.util

        if importlib.util.find_spec("pyarrow") is None:
            raise ConfigError("output.format", fmt, 'needs pyarrow: pip install "scamsim[parquet]"')


def _check_ranges(node: Any, prefix: str) -> None:
    if is_dataclass(node):
        for f in fields(node):
            value = getattr(node, f.name)
            key = f"{prefix}{f.name}"
            bounds = f.metadata.get("range")
            if bounds is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
                lo, hi = bounds
                if not math.isfinite(value):
                    raise ConfigError(key, value, "must be a finite number; " + _describe(f.metadata["unit"], lo, hi))
                if not lo <= value <= hi:
                    raise ConfigError(key, value, _describe(f.metadata["unit"], lo, hi))
            _check_ranges(value, key + ".")
    elif isinstance(node, dict):
        for name, value in node.items():
            _check_ranges(value, f"{prefix}{name}.")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_ranges(value, f"{prefix}{i}.")


def _check_replications(config: ScamsimConfig) -> None:
    reps = config.replications
    if reps == "auto":
        prec = config.precision
        from sim.config.columns import SUMMARY_COLUMNS

        if prec.metric not in SUMMARY_COLUMNS:
            raise ConfigError("precision.metric", prec.metric, f"one of the summary columns: {', '.join(SUMMARY_COLUMNS)}")
        if prec.max_replications < prec.min_replications:
            raise ConfigError(
                "precision.max_replications", prec.max_replications, f"must be >= min_replications ({prec.min_replications})"
            )
        return
    if isinstance(reps, bool) or not isinstance(reps, int) or not 1 <= reps <= MAX_REPLICATIONS:
        raise ConfigError("replications", reps, f'a whole number in [1, {MAX_REPLICATIONS:,}], or "auto"')


def _describe(unit: str, lo: float, hi: float) -> str:
    if unit == "probability":
        return "must be a probability in [0, 1]"
    if hi == math.inf:
        return f"must be >= {_number(lo)} ({unit})"
    return f"must be in [{_number(lo)}, {_number(hi)}] ({unit})"


def _number(x: float) -> str:
    """A bound as a reader writes it: 36500, 10,000,000, 1e+12, 0.05."""
    return f"{int(x):,}" if float(x).is_integer() and abs(x) < 1e9 else f"{x:g}"


def _check_world(config: ScamsimConfig) -> None:
    world = config.world
    if not world.sites:
        raise ConfigError("world.sites", {}, "a world needs at least one site")
    if sum(s.compounds for s in world.sites.values()) == 0:
        raise ConfigError("world.sites.*.compounds", 0, "a world needs at least one compound")
    for name, site in world.sites.items():
        key = f"world.sites.{name}"
        if site.compounds > site.room:
            raise ConfigError(f"{key}.compounds", site.compounds, f"must be <= room ({site.room})")
        if site.compounds == 0 and site.workers > 0:
            raise ConfigError(
                f"{key}.workers", site.workers, "must be 0 when the site has no compounds (workers live in compounds)"
            )
        if site.compounds > 0 and site.workers < site.compounds:
            raise ConfigError(f"{key}.workers", site.workers, f"must be >= compounds ({site.compounds})")
        if site.compounds > 0 and site.bosses < 1:
            raise ConfigError(f"{key}.bosses", site.bosses, "a site with compounds needs at least one boss")
    for name, prot in world.protectors.items():
        key = f"world.protectors.{name}"
        if prot.rank not in RANKS:
            raise ConfigError(f"{key}.rank", prot.rank, f"one of {', '.join(RANKS)}")
        for site_name in prot.sites:
            _known_site(f"{key}.sites", site_name, world.sites)
    if not world.nationalities or sum(n.weight for n in world.nationalities.values()) <= 0:
        raise ConfigError("world.nationalities", list(world.nationalities), "need at least one nationality with weight > 0")
    rep = config.repatriation
    fled_total = rep.fled_report_prob_daily + rep.fled_retraffic_prob_daily + rep.fled_home_prob_daily
    if fled_total > 1.0 + TOLERANCE:
        raise ConfigError(
            "repatriation.fled_home_prob_daily",
            rep.fled_home_prob_daily,
            f"fled_report + fled_retraffic + fled_home probabilities must sum to <= 1 (now {fled_total:g})",
        )
    if config.raids.evacuate_share_warned + config.raids.flee_share_warned > 1.0 + TOLERANCE:
        raise ConfigError(
            "raids.flee_share_warned",
            config.raids.flee_share_warned,
            f"evacuate_share_warned + flee_share_warned must be <= 1 (now {config.raids.evacuate_share_warned + config.raids.flee_share_warned:g})",
        )
    if config.raids.warning_base > config.raids.warning_max:
        raise ConfigError(
            "raids.warning_base", config.raids.warning_base, f"must be <= raids.warning_max ({config.raids.warning_max})"
        )
    if config.horizon_days < config.intervention_day + 31:
        raise ConfigError(
            "horizon_days", config.horizon_days, f"must be >= intervention_day + 31 ({config.intervention_day + 31})"
        )


def _known_site(key: str, site: str, sites: dict) -> None:
    if site not in sites:
        raise ConfigError(key, site, f"unknown site; known sites: {', '.join(sites)}")


def _check_day(config: ScamsimConfig, key: str, offset: int, end: bool = False) -> None:
    absolute = config.intervention_day + offset
    hi = config.horizon_days if end else config.horizon_days - 1
    if not 0 <= absolute <= hi:
        raise ConfigError(
            key,
            offset,
            f"days are counted from intervention_day={config.intervention_day}; allowed "
            f"{-config.intervention_day}..{hi - config.intervention_day} within horizon_days={config.horizon_days}",
        )


def known_countries(config: ScamsimConfig) -> set[str]:
    """Countries the world knows: its sites', their grid suppliers' and the recruits' entry routes."""
    world = config.world
    names = {s.country for s in world.sites.values()} | {s.grid_supplier for s in world.sites.values()}
    names |= {c for s in world.sites.values() for c in s.grid_alternates}
    names |= {n.entry_via for n in world.nationalities.values()}
    return names - {""}


def _check_scenario(config: ScamsimConfig) -> None:
    scen, world = config.scenario, config.world
    countries = {s.country for s in world.sites.values()}
    known = known_countries(config)
    for name, camp in scen.campaigns.items():
        key = f"scenario.campaigns.{name}"
        _check_day(config, f"{key}.day", camp.day)
        if camp.targeting not in TARGETING:
            raise ConfigError(f"{key}.targeting", camp.targeting, f"one of {', '.join(TARGETING)}")
        if camp.country not in countries:
            raise ConfigError(f"{key}.country", camp.country, f"one of the world's countries: {', '.join(sorted(countries))}")
        for site in camp.sites:
            _known_site(f"{key}.sites", site, world.sites)
        if camp.targeting == "site" and not camp.sites:
            raise ConfigError(f"{key}.sites", [], "targeting=site needs at least one site name")
    for name, cut in scen.cuts.items():
        key = f"scenario.cuts.{name}"
        _check_day(config, f"{key}.day", cut.day)
        if cut.by not in known:
            raise ConfigError(f"{key}.by", cut.by, f"a country the world knows: {', '.join(sorted(known))}")
        if not cut.sites:
            raise ConfigError(f"{key}.sites", [], "a cut needs at least one site name")
        for site in cut.sites:
            _known_site(f"{key}.sites", site, world.sites)
        if cut.end_day is not None:
            _check_day(config, f"{key}.end_day", cut.end_day, end=True)
            if cut.end_day <= cut.day:
                raise ConfigError(f"{key}.end_day", cut.end_day, f"must be after day={cut.day}")
    for i, rem in enumerate(scen.protector_removals):
        key = f"scenario.protector_removals.{i}"
        _check_day(config, f"{key}.day", rem.day)
        if rem.protector not in world.protectors:
            raise ConfigError(f"{key}.protector", rem.protector, f"unknown protector; known: {', '.join(world.protectors)}")
    bosses = set(boss_names(config))
    for i, act in enumerate(scen.boss_actions):
        key = f"scenario.boss_actions.{i}"
        _check_day(config, f"{key}.day", act.day)
        if act.boss and act.boss not in bosses:
            raise ConfigError(
                f"{key}.boss", act.boss, "unknown boss; bosses are named <site>-boss-<k>, e.g. " + ", ".join(sorted(bosses)[:3])
            )
        if act.action not in BOSS_ACTIONS:
            raise ConfigError(f"{key}.action", act.action, f"one of {', '.join(BOSS_ACTIONS)}")
    for i, closure in enumerate(scen.border_closures):
        key = f"scenario.border_closures.{i}"
        _check_day(config, f"{key}.day", closure.day)
        if len(closure.countries) != 2 or closure.countries[0] == closure.countries[1]:
            raise ConfigError(f"{key}.countries", closure.countries, "exactly two different countries")
        for country in closure.countries:
            if country not in known:
                raise ConfigError(f"{key}.countries", country, f"a country the world knows: {', '.join(sorted(known))}")
        if closure.end_day is not None:
            _check_day(config, f"{key}.end_day", closure.end_day, end=True)
            if closure.end_day <= closure.day:
                raise ConfigError(f"{key}.end_day", closure.end_day, f"must be after day={closure.day}")
