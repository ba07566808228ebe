"""The interactive explorer: ``scamsim explore`` / ``python -m sim.explore``, a local web page over the model.

For classrooms and first contact: choose a world, a scenario and the levers
the worksheets turn, press Run, and watch revenue against the paired
no-intervention arm, the sites and compounds on a map, who is arrested, the
protection network and the event log; compare two policies at the same
seeds; copy the ``python -m sim ...`` command that reproduces the screen.

Built on Panel (``pip install "scamsim[explore]"``).  Importing this package
imports nothing of Panel; :mod:`sim.explore.server` and
:mod:`sim.explore.app` do.  The layers, bottom up: :mod:`levers` (controls
to Hydra overrides), :mod:`trace` and :mod:`jobs` (running), :mod:`series`
(the numbers behind the views), :mod:`figures`, :mod:`geo`,
:mod:`network` and :mod:`panes` (the views), :mod:`controls` and
:mod:`app` (the page), :mod:`server` (the command).
"""
