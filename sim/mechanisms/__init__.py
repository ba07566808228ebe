"""The model's mechanisms, one module per config section, each owning its state.

Dependencies run one way (checked by import-linter in CI):
``scenario -> raids -> bosses -> growth -> decisions ->
{protection, infrastructure, border, operations, recruitment, repatriation}``.
A mechanism gets the shared :class:`~sim.core.context.Context` and the
mechanisms it uses when the model builds it.
"""
