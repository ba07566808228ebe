"""scamsim: a discrete-event simulation of scam-network resilience under crackdowns.

Python API::

    from sim import compose, run
    result = run(compose(["world=small", "replications=5"]))
    print(result.stats["final_frac"])
    run_data = load("outputs/<scenario>/<world>/<date_time>")   # a finished run as pandas DataFrames

Layout (each layer imports only the ones below it; see README "Layout"):
``cli`` > ``docs`` > ``runs`` > ``analysis`` > ``model`` > ``mechanisms`` > ``core`` > ``config``.
"""

from sim.analysis.results import StudyResult
from sim.config.compose import compose
from sim.config.errors import ConfigError
from sim.runs.load import load
from sim.runs.study import run

__all__ = ["ConfigError", "StudyResult", "compose", "load", "run"]
