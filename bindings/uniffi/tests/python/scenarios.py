"""Smoke test of the uniffi-generated Python bindings: runs the shared scenarios through them and
writes target/scenarios/uniffi-python.json. Usage: PYTHONPATH=<generated dir> python3 scenarios.py <root>"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import guidang as g  # the uniffi module generated into target/jvm/python, not the pyo3 package

assert hasattr(g, "CheckerOptions"), f"imported the wrong guidang module: {g.__file__}"


def component(root: Path, c: dict) -> "g.ComponentInput":
    common = dict(role=c.get("role", "正文"), name=c.get("name"), declared=c.get("declared"), digests=c.get("digests"))
    if "path" in c:
        return g.ComponentInput(path=str(root / c["path"]), data=None, **common)
    if "bytes_of" in c:
        return g.ComponentInput(path=None, data=(root / c["bytes_of"]).read_bytes(), **common)
    return g.ComponentInput(path=None, data=c["text"].encode("utf-8"), **common)


def run(root: Path, s: dict) -> "g.Report":
    if "path" in s:
        return g.check_path(str(root / s["path"]))
    r = s["record"]
    md = r.get("metadata")
    return g.check_record(
        g.RecordInput(
            id=r["id"],
            metadata_json=json.dumps(md, ensure_ascii=False) if md is not None else None,
            schema=r.get("schema"),
            components=[component(root, c) for c in r.get("components", [])],
        )
    )


def main(root: Path) -> int:
    manifest = json.loads((root / "tests" / "scenarios.json").read_text(encoding="utf-8"))
    outcome = {v: v.name.lower() for v in g.Outcome}
    results, problems = [], []
    for s in manifest["scenarios"]:
        sid = s["id"]
        try:
            report = run(root, s)
        except g.GuidangError as e:
            code = e.code
            if s.get("error") != code:
                problems.append(f"{sid}: error {code} ({e}), expected {s.get('error')!r}")
            results.append({"id": sid, "error": code})
            continue
        verdict = report.verdict.name.lower()
        if "error" in s:
            problems.append(f"{sid}: expected error {s['error']}, got a report")
        else:
            if verdict != s["verdict"]:
                problems.append(f"{sid}: verdict {verdict}, expected {s['verdict']}")
            problems += [f"{sid}: {c} did not fail" for c in s["failed"] if c not in report.failed_codes]
        results.append(
            {
                "id": sid,
                "verdict": verdict,
                "failed": list(report.failed_codes),
                "findings": [f"{f.code} {f.rule} {outcome[f.outcome]}" for f in report.findings],
            }
        )
    out = root / "target" / "scenarios"
    out.mkdir(parents=True, exist_ok=True)
    (out / "uniffi-python.json").write_text(
        json.dumps({"lang": "uniffi-python", "results": results}, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    # The error mapping: a missing path is GuidangError.Input with code and message fields.
    try:
        g.check_path(str(root / "no" / "such" / "record"))
        problems.append("missing path did not raise")
    except g.GuidangError.Input as e:
        if e.code != "io" or "no/such/record" not in e.message:
            problems.append(f"bad Input error: code={e.code!r} message={e.message!r}")
    for p in problems:
        print(p)
    print(f"uniffi-python: {len(results)} scenarios, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve()))
