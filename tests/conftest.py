"""Pytest configuration. Shared helpers live in tests/helpers.py (importable as `helpers`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from helpers import run_cli


@pytest.fixture
def cli() -> Callable[..., tuple[int, str, str]]:
    return run_cli
