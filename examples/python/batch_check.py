#!/usr/bin/env python3
"""Check every record in a folder tree with guidang (DA/T 70 四性检测), in parallel.

A record is a folder with a metadata XML (元数据.xml / metadata.xml / …元数据.xml) or a
record.json manifest; record folders are not searched further. Results go to a JSON Lines file
(one object per record), and a summary is printed at the end.

    python batch_check.py /data/归档/2024 --workers 4 --out results.jsonl [--scheme gd-default]

Exit status: 0 if no record failed, 1 if some record failed or could not be checked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Union

from tqdm import tqdm

import guidang

Result = Dict[str, Union[str, int, List[str]]]

_checker: Optional[guidang.Checker] = None


def is_record_folder(p: Path) -> bool:
    if (p / "record.json").is_file():
        return True
    return any(f.is_file() and f.name.lower().endswith(("元数据.xml", "metadata.xml")) for f in p.iterdir())


def find_records(root: Path) -> Iterator[Path]:
    """Record folders under root, in name order."""
    if is_record_folder(root):
        yield root
        return
    for child in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        yield from find_records(child)


def _init(scheme: str) -> None:
    global _checker
    _checker = guidang.Checker(scheme=scheme)


def check_one(path: str) -> Result:
    """Runs in a worker process: checks one record and returns plain data."""
    assert _checker is not None
    try:
        r = _checker.check(path)
    except guidang.GuidangError as e:
        return {"path": path, "error": e.code, "message": str(e)}
    return {
        "path": path,
        "id": r.id,
        "verdict": r.verdict,
        "failed": r.failed_codes(),
        "findings": len(r.findings),
        "manual": r.summary["manual"],
    }


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root", type=Path, help="folder tree of records")
    ap.add_argument("--out", type=Path, default=Path("results.jsonl"), help="JSON Lines output")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--scheme", default="gd-default", help="检测方案 id or TOML file")
    args = ap.parse_args(argv)

    records = [str(p) for p in find_records(args.root)]
    if not records:
        print(f"no records under {args.root}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    verdicts: Counter[str] = Counter()
    failing_codes: Counter[str] = Counter()
    with ProcessPoolExecutor(max_workers=args.workers, initializer=_init, initargs=(args.scheme,)) as pool, \
            args.out.open("w", encoding="utf-8") as out:
        futures = [pool.submit(check_one, p) for p in records]
        for fut in tqdm(as_completed(futures), total=len(futures), unit="件", desc="四性检测"):
            res = fut.result()
            out.write(json.dumps(res, ensure_ascii=False) + "\n")
            verdicts[str(res.get("verdict", "error"))] += 1
            failed = res.get("failed", [])
            if isinstance(failed, list):
                failing_codes.update(failed)
    summary = ", ".join(f"{k} {verdicts[k]}" for k in ("pass", "warn", "fail", "error") if verdicts[k])
    print(f"summary: {len(records)} records: {summary}; results in {args.out}")
    for code, n in failing_codes.most_common():
        print(f"  {code}: {n} record(s)")
    return 0 if verdicts["fail"] == 0 and verdicts["error"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
