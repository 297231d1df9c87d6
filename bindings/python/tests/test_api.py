"""The Python surface of the binding: types and attributes of reports and findings, the JSON forms,
paths given as str / bytes / os.PathLike, the record builder, Checker options and listings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import guidang
from conftest import stable

OUTCOMES = {"pass", "fail", "warn", "manual", "not_applicable"}


def test_report_types(valid_record: Path) -> None:
    r = guidang.check(str(valid_record))
    assert type(r) is guidang.Report
    assert type(r).__module__ == "guidang._native"
    assert r.verdict == "pass"
    assert r.kind == "record"
    assert r.stage == "GD"
    assert r.scheme == "gd-default"
    assert r.id == "BGS-2024-000001"
    assert r.failed_codes() == []
    findings = r.findings
    assert findings and all(type(f) is guidang.Finding for f in findings)
    for f in findings:
        assert f.outcome in OUTCOMES
        assert f.code.startswith("GD-")
        assert f.stage == "GD"
        assert f.property in {"authenticity", "integrity", "usability", "security"}
        assert isinstance(f.blocking, bool)
        assert isinstance(f.evidence, dict)
        assert isinstance(f.message_zh, str) and isinstance(f.message_en, str)
    summary = r.summary
    assert sum(summary.values()) == len(findings)
    assert summary["fail"] == 0
    assert repr(r).startswith("Report(id=")


def test_failing_report(failing_record: Path) -> None:
    r = guidang.check(failing_record)
    assert r.verdict == "fail"
    assert "GD-1-1" in r.failed_codes()
    failed = [f for f in r.findings if f.outcome == "fail"]
    assert any(f.code == "GD-1-1" and f.blocking for f in failed)
    # evidence of a digest mismatch is structured data, not text
    assert any(f.evidence for f in failed)


def test_to_dict_and_to_json_agree(failing_record: Path) -> None:
    r = guidang.check(failing_record)
    d = r.to_dict()
    assert d == json.loads(r.to_json())
    assert d == json.loads(r.to_json(indent=True))
    assert d["verdict"] == r.verdict
    assert [f["code"] for f in d["findings"]] == [f.code for f in r.findings]
    first = r.findings[0]
    assert first.to_dict() == d["findings"][0]
    assert "\n" in r.to_json(indent=True) and "\n" not in r.to_json()


def test_render(failing_record: Path) -> None:
    r = guidang.check(failing_record)
    assert "GD-1-1" in r.render("zh")
    assert "GD-1-1" in r.render("en")
    with pytest.raises(ValueError):
        r.render("fr")


class _MyPath:
    def __init__(self, p: Path) -> None:
        self._p = p

    def __fspath__(self) -> str:
        return str(self._p)


def test_path_kinds(valid_record: Path) -> None:
    by_str = stable(guidang.check(str(valid_record)))
    for arg in (valid_record, os.fsencode(valid_record), _MyPath(valid_record)):
        assert stable(guidang.check(arg)) == by_str


def test_non_utf8_bytes_path(tmp_path: Path) -> None:
    name = b"\xff\xfe-not-utf8.pdf"
    target = os.path.join(os.fsencode(tmp_path), name)
    with open(target, "wb") as fh:
        fh.write(b"%PDF-1.4\n%%EOF\n")
    r = guidang.check(target)
    assert r.kind == "record"
    assert len(r.findings) > 0


def test_wrong_path_type() -> None:
    with pytest.raises(TypeError):
        guidang.check(42)  # type: ignore[arg-type]


def test_record_builder_bytes_and_path(valid_record: Path) -> None:
    ofd = valid_record / "正文.ofd"
    pdf = valid_record / "附件1.pdf"
    main = guidang.Component.from_path(ofd, declared={"格式信息": "OFD", "计算机文件大小": ofd.stat().st_size})
    att = guidang.Component.from_bytes(pdf.read_bytes(), "附件1.pdf", role="附件", title="附件")
    assert main.name == "正文.ofd" and main.role == "正文"
    assert att.role == "附件" and att.size == pdf.stat().st_size
    rec = guidang.Record(
        "MEM-1",
        metadata={"内容描述": {"题名": "测试", "日期": "20240305"}, "档号": {"全宗号": "Z109"}},
        components=[main, att],
    )
    assert rec.id == "MEM-1"
    assert rec.meta("内容描述/题名") == "测试"
    assert rec.meta("全宗号") == "Z109"
    assert [c.name for c in rec.components] == ["正文.ofd", "附件1.pdf"]
    report = guidang.check_record(rec)
    assert report.id == "MEM-1"
    assert report.source == "memory:"
    # the attachment declared nothing: DA/T 70 1-10 cannot be confirmed
    assert "GD-1-10" in report.failed_codes()


def test_record_load(valid_record: Path) -> None:
    rec = guidang.Record.load(valid_record)
    assert rec.id == "BGS-2024-000001"
    assert len(rec.components) == 2
    assert guidang.check_record(rec).verdict == "pass"


def test_record_builder_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="unknown declared attribute"):
        guidang.Component.from_bytes(b"x", "a.txt", declared={"颜色": "红"})
    with pytest.raises(ValueError, match="metadata must be a dict"):
        guidang.Record("x", metadata=["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        guidang.Record("x", metadata={"题名": object()})


def test_checker_options(valid_record: Path, tmp_path: Path) -> None:
    c = guidang.Checker(scheme="yj-default")
    assert c.scheme == "yj-default"
    r = c.check(valid_record)
    assert r.stage == "YJ"
    assert all(f.code.startswith("YJ-") for f in r.findings)
    assert guidang.Checker().scheme == "gd-default"
    scheme = tmp_path / "my.toml"
    scheme.write_text(
        "id='mine'\nname='mine'\nstage='GD'\nextends='gd-default'\n[items]\n\"4-2\"='off'\n", encoding="utf-8"
    )
    mine = guidang.Checker(scheme=scheme, schema="dat46-wenshu", now="2026-01-01")
    assert mine.scheme == "mine"
    assert not any(f.code == "GD-4-2" for f in mine.check(valid_record).findings)


def test_check_batch() -> None:
    from conftest import ROOT

    records, batch = guidang.Checker().check_batch(ROOT / "fixtures" / "batches" / "valid-batch")
    assert batch.kind == "batch"
    assert len(records) == 3
    assert all(r.kind == "record" for r in records)


def test_listings() -> None:
    items = guidang.catalogue()
    assert len(items) > 100
    first = items[0]
    assert type(first) is guidang.CatalogueItem
    assert first.code == "GD-1-1" and first.stage == "GD" and first.seq == "1-1"
    assert first.automatable in {"yes", "partial", "no"}
    assert {"GD", "YJ", "BC"} == {i.stage for i in items}
    assert "dat46-wenshu" in guidang.schemas()
    assert guidang.schemes() == ["gd-default", "yj-default", "bc-default"]
    assert guidang.__version__.count(".") == 2


def test_objects_are_immutable(valid_record: Path) -> None:
    r = guidang.check(valid_record)
    with pytest.raises(AttributeError):
        r.verdict = "pass"  # type: ignore[misc]
