"""What every mechanism of one replication shares: config, clock, world, streams and recorder.

The model creates one :class:`Context` and hands it to each mechanism;
mechanisms keep their own state on themselves and reach the shared state
only through this object, never through the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simpy

from sim.config.schema import ScamsimConfig
from sim.core.recorder import Recorder
from sim.core.streams import Streams
from sim.core.world import World


@dataclass
class Context:
    config: ScamsimConfig
    env: simpy.Environment
    world: World
    streams: Streams
    recorder: Recorder
    initial_compounds: int = field(init=False)

    def __post_init__(self) -> None:
        self.initial_compounds = self.world.compounds.n

    @property
    def day(self) -> int:
        return int(self.env.now)

    @property
    def horizon(self) -> int:
        return self.config.horizon_days
