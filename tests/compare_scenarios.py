#!/usr/bin/env python3
"""Compares the shared-scenario results written by each language runner.

Usage: python3 tests/compare_scenarios.py rust python kotlin [uniffi-python ...]

Reads target/scenarios/<lang>.json for every language named, requires each to exist and to cover
every scenario of tests/scenarios.json, and fails (exit 1) on any difference from the first one:
verdict or error code, failed codes, and every finding's code, rule and outcome.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load(lang: str) -> dict[str, dict[str, object]]:
    path = ROOT / "target" / "scenarios" / f"{lang}.json"
    if not path.is_file():
        raise SystemExit(f"compare_scenarios: {path} is missing (did the {lang} runner run?)")
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("lang") != lang:
        raise SystemExit(f"compare_scenarios: {path} says lang={data.get('lang')!r}")
    return {r["id"]: r for r in data["results"]}


def main(langs: list[str]) -> int:
    if len(langs) < 2:
        print(__doc__)
        return 2
    ids = [s["id"] for s in json.loads((ROOT / "tests" / "scenarios.json").read_text("utf-8"))["scenarios"]]
    results = {lang: load(lang) for lang in langs}
    ref_lang = langs[0]
    differences: list[str] = []
    for lang, res in results.items():
        missing = [i for i in ids if i not in res]
        if missing:
            differences.append(f"{lang}: scenarios not run: {', '.join(missing)}")
    for sid in ids:
        ref = results[ref_lang].get(sid)
        for lang in langs[1:]:
            got = results[lang].get(sid)
            if ref is None or got is None or got == ref:
                continue
            for key in sorted(set(ref) | set(got)):
                a, b = ref.get(key), got.get(key)
                if a == b:
                    continue
                if isinstance(a, list) and isinstance(b, list):
                    only_a = [x for x in a if x not in b]
                    only_b = [x for x in b if x not in a]
                    detail = f"only in {ref_lang}: {only_a}; only in {lang}: {only_b}"
                    if not only_a and not only_b:
                        detail = "same items, different order"
                    differences.append(f"{sid}: {key}: {detail}")
                else:
                    differences.append(f"{sid}: {key}: {ref_lang}={a!r} {lang}={b!r}")
    if differences:
        print("\n".join(differences))
        print(f"scenarios: {len(differences)} difference(s) between {', '.join(langs)}")
        return 1
    print(f"scenarios: {len(ids)} scenarios identical in {', '.join(langs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
