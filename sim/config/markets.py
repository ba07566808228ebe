"""Schema sections of the version-2 markets: labour, money, victims and built space.

Split from :mod:`sim.config.schema` (which imports them) to keep modules small;
every field carries its unit, range and source like the rest of the schema.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.fields import param, prob


@dataclass
class LabourConf:
    """A finite labour market: recruit stocks by source country, broker capacity, publicity, prices."""

    enabled: bool = True
    # Inflow of people who become recruitable per day, as a share of the world's initial
    # workforce: attrition (1/365) plus the observed growth (+31%/yr, facts) need ~0.0036/day;
    # the default allows ~1.7x that, so labour binds only after large losses or measures.
    inflow_share_daily: float = param(
        0.006,
        "recruits/day per initial worker",
        0.0,
        0.1,
        "assumed: 1.7x attrition + observed growth (docs/sources.md growth row)",
    )
    supply_scale: float = param(1.0, "multiplier of the inflow", 0.0, 10.0)
    stock_days: float = param(
        60.0, "days a recruitable person stays available", 1.0, 3650.0, "assumed: job seekers move on within ~2 months"
    )
    broker_share_daily: float = param(
        0.01, "recruits moved/day per initial worker", 0.0, 0.2, "assumed: brokers move recruits 'within days' (docs/sources.md)"
    )
    publicity_people: float = param(
        1500.0,
        "recent arrests of a nationality that halve its inflow",
        1.0,
        1e7,
        "assumed: source countries warn after publicised arrests (docs/sources.md: job ads reappear, warnings)",
    )
    publicity_half_life: float = param(90.0, "days", 1.0, 3650.0)
    recruit_cost_usd: float = param(2000.0, "USD per fresh recruit", 0.0, 1e6, "assumed: broker fees and transport")
    resale_price_usd: float = param(
        10000.0, "USD per re-trafficked worker", 0.0, 1e6, "docs/sources.md: resale ~$10,000 (ProPublica 2022)"
    )


@dataclass
class FinanceConf:
    """Money that binds: upkeep, laundering, losses that close compounds, bankrupt bosses."""

    upkeep_usd_per_day: float = param(5000.0, "USD per standing compound per day", 0.0, 1e8, "assumed: rent, guards, power")
    laundering_loss: float = prob(0.2, "assumed: share of retained profit lost to laundering")
    sanctioned_laundering_loss: float = prob(0.6, "assumed: laundering after sanctions (bank liquidated, accounts frozen)")
    loss_tolerance_days: float = param(120.0, "days of losses before a compound winds down", 1.0, 3650.0)


@dataclass
class VictimsConf:
    """The victim market: a renewable pool of reachable victims that scam effort depletes."""

    enabled: bool = True
    # The pool is half depleted by `saturation` times the world's initial workforce, so at
    # the start revenue per worker is 1/(1 + 1/saturation) of the untouched-pool yield.
    saturation: float = param(
        2.0,
        "initial workforces that half-deplete the pool",
        0.05,
        100.0,
        "assumed; UNODC 2024/2025: losses $18-37 bn vs profits ~$40 bn/yr bound the market",
    )
    pool_scale: float = param(1.0, "multiplier of the pool", 0.05, 20.0)
    renewal_days: float = param(180.0, "days for the pool to renew", 1.0, 3650.0, "assumed: new Internet users, fading awareness")


@dataclass
class SpaceConf:
    """Built space: vacant buildings, construction and crowding instead of a fixed room cap."""

    fitout_usd_per_place: float = param(300.0, "USD per worker place in a vacant building", 0.0, 1e6)
    fitout_days: float = param(14.0, "days", 0.0, 3650.0)
    build_usd_per_place: float = param(
        4000.0, "USD per worker place built", 0.0, 1e6, "assumed; docs/sources.md: Myanmar compounds +13.5 acres/month (ASPI)"
    )
    build_days_mean: float = param(150.0, "days", 1.0, 3650.0, "assumed: construction takes months")
    crowding: float = param(1.0, "extra cost per compound standing, per plot of room", 0.0, 100.0)
    amortise_days: float = param(365.0, "days a new compound must pay for itself in", 30.0, 3650.0)
