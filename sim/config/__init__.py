"""Configuration: the typed schema, Hydra composition, semantic checks and design rows.

Layering inside the package: :mod:`schema` and :mod:`errors` import nothing of
Hydra, so the simulation core can depend on them alone; :mod:`compose` and
:mod:`translate` are the only modules that talk to Hydra.
"""
