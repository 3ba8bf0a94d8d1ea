"""Shared test settings and data paths."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, settings

DATA = Path(__file__).parent / "data"

# CI machines are shared and slow: no per-example deadline, a fixed budget.
settings.register_profile(
    "default", deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("default")

# The plugin's own tests run inner pytest sessions.
pytest_plugins = ["pytester"]
