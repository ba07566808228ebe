"""Shared fixtures: configs of the small teaching world, composed through Hydra like the CLI does."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import sim
from sim.schema import ScamsimConfig


@pytest.fixture(scope="session")
def small() -> Callable[..., ScamsimConfig]:
    """``small("scenario=baseline", ...)``: a fresh validated config of ``world=small`` with one replication.

    A new config is composed on every call, so a test may change fields without
    affecting any other test.
    """

    def compose(*overrides: str) -> ScamsimConfig:
        return sim.compose(["world=small", "replications=1", *overrides])

    return compose
