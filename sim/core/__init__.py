"""The simulation core: state tables, random streams and the recorder, with no mechanism logic.

Mechanisms (:mod:`sim.mechanisms`) act on this state; :mod:`sim.model`
wires them together.  Nothing here imports Hydra or any mechanism.
"""
