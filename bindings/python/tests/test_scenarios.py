"""Runs the shared scenario manifest (tests/scenarios.json) through the Python binding and writes
target/scenarios/python.json for tests/compare_scenarios.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import guidang
from conftest import ROOT


def build_component(c: Dict[str, Any]) -> guidang.Component:
    kwargs: Dict[str, Any] = {
        "role": c.get("role", "正文"),
        "declared": c.get("declared"),
        "digests": c.get("digests"),
    }
    if "path" in c:
        return guidang.Component.from_path(ROOT / c["path"], name=c.get("name"), **kwargs)
    if "bytes_of" in c:
        return guidang.Component.from_bytes((ROOT / c["bytes_of"]).read_bytes(), c["name"], **kwargs)
    return guidang.Component.from_bytes(c["text"].encode("utf-8"), c["name"], **kwargs)


def run(s: Dict[str, Any]) -> guidang.Report:
    if "path" in s:
        return guidang.check(ROOT / s["path"])
    r = s["record"]
    record = guidang.Record(
        r["id"],
        metadata=r.get("metadata"),
        components=[build_component(c) for c in r.get("components", [])],
        schema=r.get("schema"),
    )
    return guidang.check_record(record)


def test_shared_scenarios() -> None:
    manifest = json.loads((ROOT / "tests" / "scenarios.json").read_text(encoding="utf-8"))
    results: List[Dict[str, Any]] = []
    problems: List[str] = []
    for s in manifest["scenarios"]:
        sid = s["id"]
        try:
            report = run(s)
        except guidang.GuidangError as e:
            if s.get("error") != e.code:
                problems.append(f"{sid}: error {e.code} ({e}), expected {s.get('error')!r}")
            results.append({"id": sid, "error": e.code})
            continue
        failed = report.failed_codes()
        if "error" in s:
            problems.append(f"{sid}: expected error {s['error']}, got a report")
        else:
            if report.verdict != s["verdict"]:
                problems.append(f"{sid}: verdict {report.verdict}, expected {s['verdict']} ({failed})")
            problems += [f"{sid}: {c} did not fail ({failed})" for c in s["failed"] if c not in failed]
        results.append(
            {
                "id": sid,
                "verdict": report.verdict,
                "failed": failed,
                "findings": [f"{f.code} {f.rule} {f.outcome}" for f in report.findings],
            }
        )
    out = ROOT / "target" / "scenarios"
    out.mkdir(parents=True, exist_ok=True)
    (out / "python.json").write_text(
        json.dumps({"lang": "python", "results": results}, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    assert not problems, "\n".join(problems)
    assert len(results) == len(manifest["scenarios"])
