"""Field helpers of the schema: a numeric field carries its unit, allowed range and source.

Kept apart from :mod:`sim.config.schema` so that the schema can be split over
several modules without an import cycle.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

INF = float("inf")


def param(default: Any, unit: str, lo: float = 0.0, hi: float = INF, source: str = "assumed") -> Any:
    """A numeric field with its allowed closed range ``[lo, hi]`` and provenance."""
    return field(default=default, metadata={"unit": unit, "range": (lo, hi), "source": source})


def prob(default: float, source: str = "assumed") -> Any:
    """A probability or share: a number in [0, 1]."""
    return param(default, "probability", 0.0, 1.0, source)
