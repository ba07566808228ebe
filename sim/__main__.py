"""``python -m sim``: run the Hydra app."""

from sim.cli import entry

entry()
