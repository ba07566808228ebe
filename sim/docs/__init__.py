"""Documentation generated from the code: the parameter table (``python -m sim.docs.params_table``)."""
