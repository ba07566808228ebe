"""Typed event kinds and records: what ``events.csv`` can contain.

Why an enumeration: metrics count events by kind, and a misspelt string
would silently count nothing.  :meth:`sim.core.recorder.Recorder.event`
refuses anything that is not an :class:`EventKind`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class EventKind(StrEnum):
    """Every kind of event the model records; the value is what ``events.csv`` shows."""

    RAID = "raid"
    RAID_DEFLECTED = "raid_deflected"
    WARNING = "warning"
    WORKERS_EVACUATED = "workers_evacuated"
    WORKERS_FLED = "workers_fled"
    ARREST_WORKERS = "arrest_workers"
    ARREST_MANAGERS = "arrest_managers"
    MANAGER_RELEASED = "manager_released"
    ARREST_BOSS = "arrest_boss"
    EQUIPMENT_SEIZED = "equipment_seized"
    KEPT_OPERATING = "kept_operating"
    LAY_LOW = "lay_low"
    RESUME = "resume"
    RELOCATION = "relocation"
    COMPOUND_FOUNDED = "compound_founded"
    COMPOUND_CLOSED = "compound_closed"
    BOSS_EXIT = "boss_exit"
    BOSS_FLED_ABROAD = "boss_fled_abroad"
    BOSS_INDICTED = "boss_indicted"
    BOSS_SANCTIONED = "boss_sanctioned"
    BOSS_SUCCESSOR = "boss_successor"
    CUT = "cut"
    RESTORED = "restored"
    SUBSTITUTE_INSTALLED = "substitute_installed"
    PROTECTOR_REMOVED = "protector_removed"
    PROTECTOR_SUCCESSOR = "protector_successor"
    PROTECTION_BOUGHT = "protection_bought"
    PROTECTION_DROPPED = "protection_dropped"
    BORDER_CLOSED = "border_closed"
    BORDER_OPENED = "border_opened"
    REPATRIATED = "repatriated"
    RETRAFFICKED = "retrafficked"
    SPLIT = "split"
    CONSTRUCTION_STARTED = "construction_started"
    WORKERS_ESCAPED = "workers_escaped"
    BOSS_BANKRUPT = "boss_bankrupt"
    TIE_WARNING = "tie_warning"
    CAPITAL_SHARED = "capital_shared"
    PROTECTOR_REWIRED = "protector_rewired"
    CLOSURE_ORDER = "closure_order"
    ORDER_CLOSED = "order_closed"
    DEMOLISHED = "demolished"
    HANDOVER = "handover"
    TARGET_REMOVED = "target_removed"


#: Kinds whose ``count`` is a number of people; every other kind counts one per event.
PEOPLE_COUNTS = frozenset({EventKind.ARREST_WORKERS, EventKind.ARREST_MANAGERS, EventKind.RETRAFFICKED, EventKind.HANDOVER})


class Event(NamedTuple):
    """One row of the event log; ``-1`` means "not applicable"."""

    day: int
    kind: EventKind
    site: int
    compound: int
    boss: int
    amount: int  # the ``count`` column: people for arrests and flows, units for seizures, else 1


class LedgerEntry(NamedTuple):
    """One batch of worker status changes: ``workers`` of them went ``from_status`` -> ``to_status``."""

    day: int
    from_status: int
    to_status: int
    workers: int
    reason: str


class CompoundChange(NamedTuple):
    """One compound status change, written by the compound table's single write path."""

    day: int
    compound: int
    from_status: int
    to_status: int
    reason: str
