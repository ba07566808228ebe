"""``python -m sim.list``: the worlds, scenarios and parameters (with units and ranges) you can run with.

python -m sim.list                      # everything
python -m sim.list scenarios            # worlds | scenarios | parameters
python -m sim.list parameters raids.    # parameters whose key starts with "raids."
"""

from __future__ import annotations

import argparse
import os
import sys

from sim.docs.catalog import listing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.list", description=__doc__.split("\n\n")[0].strip("`: "))
    parser.add_argument("what", nargs="?", default="all", choices=("all", "worlds", "scenarios", "parameters"))
    parser.add_argument("prefix", nargs="?", default="", help="with `parameters`: only keys starting with this")
    args = parser.parse_args(argv)
    try:
        print(listing(args.what, args.prefix))
    except BrokenPipeError:  # `python -m sim.list | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
