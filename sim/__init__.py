"""scamsim: a discrete-event simulation of scam-network resilience under crackdowns.

Python API::

    from sim import compose, run
    result = run(compose(["world=small", "replications=5"]))
    print(result.stats["final_frac"])
"""

from sim.study import StudyResult, compose, run
from sim.validate import ConfigError

__all__ = ["ConfigError", "StudyResult", "compose", "run"]
