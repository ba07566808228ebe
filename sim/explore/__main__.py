"""``python -m sim.explore``: serve the explorer (the same as ``scamsim explore``)."""

import sys

from sim.explore.server import main

sys.exit(main())
