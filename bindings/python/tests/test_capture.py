"""Capture and verification from Python: Capturer as a context manager, receipts, idempotency and
the typed ConflictError / RefusedError, verify_package, verify_signatures, extract_invoice."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from typing import List

import pytest

import guidang
from conftest import RECORDS, ROOT

CORPUS = ROOT.parent / "shared" / "corpus"


def test_capture_context_manager(valid_record: Path, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    with guidang.Capturer(outbox, fsync=False) as cap:
        assert not cap.closed
        assert cap.outbox == str(outbox)
        receipt = cap.capture(valid_record)
        assert type(receipt) is guidang.Receipt
        assert receipt.record_id == "BGS-2024-000001"
        assert receipt.version == 1
        assert receipt.format == "zip"
        assert Path(receipt.package_path).is_file()
        assert Path(receipt.package_path).parent == outbox
        assert len(receipt.package_sm3) == 64
        assert receipt.report.verdict == "pass"
        assert receipt.to_dict()["record_id"] == receipt.record_id
        # idempotent: the same record again is the same receipt
        again = cap.capture(guidang.Record.load(valid_record))
        assert again.package_sm3 == receipt.package_sm3
        assert again.journal_seq == receipt.journal_seq
        found = cap.receipt("BGS-2024-000001")
        assert found is not None and found.package_path == receipt.package_path
        assert cap.receipt("never-captured") is None
    assert cap.closed
    with pytest.raises(ValueError, match="closed"):
        cap.capture(valid_record)


def test_conflict_and_revision(valid_record: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed"
    shutil.copytree(valid_record, changed)
    with guidang.Capturer(tmp_path / "outbox", fsync=False) as cap:
        first = cap.capture(valid_record)
        # same id, different content: the title is corrected after capture
        md = (changed / "元数据.xml").read_text(encoding="utf-8")
        title = "关于做好2024年度电子文件归档工作的通知"
        assert title in md
        (changed / "元数据.xml").write_text(md.replace(title, title + "（修订）"), encoding="utf-8")
        with pytest.raises(guidang.ConflictError) as info:
            cap.capture(changed)
        assert info.value.code == "conflict"
        assert isinstance(info.value, guidang.GuidangError)
        rev = cap.capture_revision(changed)
        assert rev.version == 2
        assert rev.revises is not None
        assert rev.package_path != first.package_path


def test_refused_carries_the_report(tmp_path: Path) -> None:
    with guidang.Capturer(tmp_path / "outbox", fsync=False) as cap:
        with pytest.raises(guidang.RefusedError) as info:
            cap.capture(RECORDS / "digest-mismatch")
    e = info.value
    assert e.code == "refused"
    assert e.report is not None
    assert e.report.verdict == "fail"
    assert "GD-1-1" in e.report.failed_codes()
    assert not any(p.suffix == ".zip" for p in (tmp_path / "outbox").iterdir())


def test_capturer_shared_by_threads(tmp_path: Path) -> None:
    with guidang.Capturer(tmp_path / "outbox", fsync=False) as cap:
        got: List[str] = []

        def one() -> None:
            got.append(cap.capture(RECORDS / "valid-wenshu").package_sm3)

        threads = [threading.Thread(target=one) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(got) == 8 and len(set(got)) == 1


def test_verify_package(valid_record: Path, tmp_path: Path) -> None:
    with guidang.Capturer(tmp_path / "outbox", fsync=False) as cap:
        receipt = cap.capture(valid_record)
    report = guidang.verify_package(receipt.package_path, expected_sm3=receipt.package_sm3)
    assert report.stage == "YJ"
    assert report.verdict in {"pass", "warn"}, report.failed_codes()
    bad = guidang.verify_package(receipt.package_path, expected_sm3="0" * 64)
    assert bad.verdict == "fail"
    assert "YJ-1-14" in bad.failed_codes()
    assert guidang.verify_package(receipt.package_path, stage="BC").stage == "BC"
    with pytest.raises(ValueError):
        guidang.verify_package(receipt.package_path, stage="XX")  # type: ignore[arg-type]


def test_verify_signatures() -> None:
    ofd = CORPUS / "ofd" / "sign__v4signed.ofd"
    assert ofd.is_file(), f"corpus missing: {ofd}"
    v = guidang.verify_signatures(ofd)
    assert isinstance(v, dict)
    assert v["signatures"], v
    unsigned = guidang.verify_signatures(CORPUS / "ofd" / "reader__helloworld.ofd")
    assert unsigned["signatures"] == []
    with pytest.raises(guidang.InputError):
        guidang.verify_signatures(CORPUS / "ofd" / "no-such.ofd")


def test_extract_invoice() -> None:
    inv = guidang.extract_invoice(ROOT / "fixtures" / "invoices" / "normal.xml")
    assert isinstance(inv, dict)
    assert inv["number"]
    assert "provenance" in inv and inv["provenance"]
    with pytest.raises(guidang.InputError):
        guidang.extract_invoice(ROOT / "fixtures" / "invoices" / "no-such.xml")
