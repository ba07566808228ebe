"""The run-control sections of the schema: designs, precision, studies, parameter uncertainty, output.

Split from :mod:`sim.config.schema` (which imports and re-exports these) so
that each file holds one concept: here, how a run is run and recorded, not
what it models.  The fields carry units and ranges like the rest of the
schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.config.fields import param

__all__ = ["DesignConf", "OutputConf", "PrecisionConf", "StudyConf", "UncertaintyConf"]


@dataclass
class DesignConf:
    """One row of a sampling design (e.g. a Sobol sample) applied as overrides.

    ``file`` is a CSV whose header holds dotted config keys; sweeping ``row``
    (``design.row=range(0,640)``) turns a design into a Hydra sweep that any
    launcher can run, locally or on a cluster.
    """

    file: str = ""
    row: int = param(-1, "row index (-1 = no design)", -1, 1e9)


@dataclass
class PrecisionConf:
    """For ``replications=auto``: add batches until the CI of ``metric`` is narrow enough."""

    metric: str = "final_frac"
    half_width: float = param(0.02, "CI half-width, in the metric's unit", 0.0, 1e12)
    relative: bool = False  # half_width as a share of the mean
    min_replications: int = param(5, "runs", 2, 100_000)
    max_replications: int = param(200, "runs", 2, 100_000)
    batch: int = param(5, "runs", 1, 100_000)


@dataclass
class StudyConf:
    """What an experiment config (``configs/experiment/<name>.yaml``) studies; the model ignores it.

    ``python -m sim +experiment=<name>`` sets the world, seed and replications
    of a study and fills this node; the scripts of ``experiments/`` read it.
    ``quick`` holds the Hydra overrides of the study's quick mode (a smoke
    test on the small world, e.g. ``["world=small", "replications=4"]``);
    ``spec`` holds the study's own keys (scenario lists, grids, knockouts,
    costs, metrics), free-form.
    """

    name: str = ""  # the experiment's name; "" = a plain run, not a study
    title: str = ""  # one line: the question the study answers
    quick: list[str] = field(default_factory=list)  # Hydra overrides applied in quick mode (--quick)
    spec: dict[str, Any] = field(default_factory=dict)  # the study's own keys, read by its script in experiments/


@dataclass
class UncertaintyConf:
    """Parameter uncertainty carried into a study: each replication runs its own posterior draw.

    ``draws`` is a CSV of parameter sets whose columns are config keys (and an
    optional ``weight``), e.g. the ABC-SMC posterior
    ``results/calibration_posterior.csv``.  Replication k takes the row drawn
    by weight from its own stream (``posterior``), so the draw is the same in
    any process, and a scenario arm and its counterfactual arm share it.
    ``keys``: ``world`` applies only the keys outside ``scenario.`` (the
    calibrated world under any scenario); ``all`` also applies the scenario's
    campaign keys (only for the calibrated wave itself).
    """

    draws: str = ""
    keys: str = "world"  # world | all


@dataclass
class OutputConf:
    """How a run writes its tables (``timeseries``, ``events``, ``summary``)."""

    format: str = "csv"  # csv | parquet (parquet needs the [parquet] extra: pip install "scamsim[parquet]")
    gather_timeseries: bool = False  # a multirun also writes timeseries_gathered.<format> at the sweep root
