"""Exceptions: which class each failure raises, the attributes they carry, the hierarchy, and that
findings are never exceptions."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import guidang
from guidang import errors


def test_missing_path_is_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(guidang.InputError) as info:
        guidang.check(missing)
    e = info.value
    assert isinstance(e, guidang.GuidangError)
    assert e.code == "io"
    assert e.path == str(missing)
    assert str(missing) in str(e)
    assert e.message == str(e)


def test_invalid_manifest_is_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "record.json"
    bad.write_text('{"id": "x", "components": [{"path": "../../etc/passwd"}]}', encoding="utf-8")
    with pytest.raises(guidang.InputError) as info:
        guidang.check(bad)
    assert info.value.code == "invalid_input"
    assert info.value.path == str(bad)


def test_batch_folder_is_not_a_record() -> None:
    from conftest import ROOT

    with pytest.raises(guidang.InputError, match="batch"):
        guidang.check(ROOT / "fixtures" / "batches" / "valid-batch")


def test_unknown_scheme_is_config_error() -> None:
    with pytest.raises(guidang.ConfigError) as info:
        guidang.Checker(scheme="no-such-scheme")
    assert info.value.code == "config"
    assert info.value.path is None


def test_bad_scheme_file_is_schema_error_with_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text("id='x'\nname='x'\nstage='GD'\n[items]\n\"9-9\"='off'\n", encoding="utf-8")
    with pytest.raises(guidang.SchemaError) as info:
        guidang.Checker(scheme=f)
    assert info.value.code == "schema"
    assert info.value.line == 5
    assert info.value.path == str(f)


def test_unknown_schema_is_config_error() -> None:
    with pytest.raises(guidang.GuidangError) as info:
        guidang.Checker(schema="no-such-schema")
    assert info.value.code in {"config", "schema"}


def test_hierarchy() -> None:
    for cls in (
        errors.InputError,
        errors.SchemaError,
        errors.ConfigError,
        errors.LimitError,
        errors.ConflictError,
        errors.DuplicateError,
        errors.RefusedError,
        errors.CryptoError,
        errors.InternalError,
    ):
        assert issubclass(cls, guidang.GuidangError)
        assert getattr(guidang, cls.__name__) is cls
    assert issubclass(errors.LimitError, errors.InputError)
    assert issubclass(guidang.GuidangError, Exception)


def test_exceptions_pickle(tmp_path: Path, failing_record: Path) -> None:
    with pytest.raises(guidang.InputError) as info:
        guidang.check(tmp_path / "nope")
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is guidang.InputError
    assert (again.code, again.path, str(again)) == (info.value.code, info.value.path, str(info.value))
    report = guidang.check(failing_record)
    refused = errors.RefusedError("refused", code="refused", report=report)
    assert refused.report is report
    assert pickle.loads(pickle.dumps(refused)).report is None


def test_findings_are_not_exceptions(failing_record: Path) -> None:
    r = guidang.check(failing_record)  # must not raise
    assert r.verdict == "fail"
