"""Where the Hydra configs live, in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # the sim package


def config_dir() -> Path:
    """``configs/`` beside the package in a checkout, or ``sim/configs`` in a wheel."""
    for candidate in (_PACKAGE / "configs", _PACKAGE.parent / "configs"):
        if (candidate / "config.yaml").is_file():
            return candidate
    raise FileNotFoundError(f"no configs/config.yaml next to {_PACKAGE}")
