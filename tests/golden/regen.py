"""Regenerate ``tests/golden/reference.json`` (only for an intended, stated change of behaviour).

python tests/golden/regen.py
"""

from __future__ import annotations

import json

from cases import CASES, REFERENCE, outputs


def main() -> None:
    reference = {name: outputs(overrides) for name, overrides in CASES.items()}
    REFERENCE.write_text(json.dumps(reference, indent=1, sort_keys=True) + "\n")
    print(f"wrote {REFERENCE} ({len(reference)} cases)")


if __name__ == "__main__":
    main()
