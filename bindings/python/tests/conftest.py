"""Shared paths for the binding tests: the repository root and the project's fixture records."""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import pytest

import guidang

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


def stable(report: guidang.Report) -> List[Tuple[str, str, str, str, bool, str]]:
    """A report's findings without their evidence (which may hold timings such as `inspect_ms`)."""
    return [(f.code, f.rule, f.outcome, f.subject, f.blocking, f.message_en) for f in report.findings]
