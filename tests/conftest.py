"""Shared fixtures: where the read-only shared material (seeds, gold, corpus) lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """``$KG_SHARED`` if set, else ``../shared`` beside the project checkout."""
    return Path(os.environ.get("KG_SHARED", PROJECT_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared folder; in CI its absence is an error, elsewhere the test is skipped."""
    path = shared_dir()
    if not (path / "gold").is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared material not found at {path} (set KG_SHARED)")
        pytest.skip(f"shared material not found at {path} (set KG_SHARED)")
    return path
