"""Shared paths for the binding tests: the repository root and the project's fixture records."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
RECORDS = ROOT / "fixtures" / "records"


@pytest.fixture
def valid_record() -> Path:
    path = RECORDS / "valid-wenshu"
    assert path.is_dir(), f"fixture record missing: {path}"
    return path


@pytest.fixture
def failing_record() -> Path:
    path = RECORDS / "digest-mismatch"
    assert path.is_dir(), f"fixture record missing: {path}"
    return path
