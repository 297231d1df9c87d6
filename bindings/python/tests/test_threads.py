"""Concurrency: calls release the GIL, objects are shared safely between threads, and results from
many threads equal the single-threaded ones."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import List, Tuple

import guidang
from conftest import RECORDS, stable


def test_many_threads_same_results() -> None:
    paths = sorted(p for p in RECORDS.iterdir() if p.is_dir())
    expected = {p.name: stable(guidang.check(p)) for p in paths}
    checker = guidang.Checker()

    def one(p: Path) -> Tuple[str, object]:
        return p.name, stable(checker.check(p))

    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(one, paths * 4))
    assert len(got) == len(paths) * 4
    for name, findings in got:
        assert findings == expected[name], name


def test_gil_is_released_during_a_check() -> None:
    # 32 MiB in memory: hashing (SM3 + SHA-256) takes long enough to observe.
    big = guidang.Component.from_bytes(b"\0" * (32 * 1024 * 1024), "big.bin", role="附件")
    record = guidang.Record("BIG-1", components=[big])
    window: List[float] = []

    def worker() -> None:
        t0 = time.perf_counter()
        guidang.check_record(record)
        window.extend([t0, time.perf_counter()])

    ticks: List[float] = []
    t = threading.Thread(target=worker)
    t.start()
    while t.is_alive():
        ticks.append(time.perf_counter())
    t.join()
    start, end = window
    assert end - start > 0.05, "check too fast to observe"
    inside = [x for x in ticks if start <= x <= end]
    # With the GIL held for the whole call the main thread would be frozen: it would only run at
    # the edges. Released, it keeps ticking throughout.
    covered = (max(inside) - min(inside)) / (end - start) if len(inside) > 1 else 0.0
    assert len(inside) > 1000, len(inside)
    assert covered > 0.8, covered


def test_report_shared_between_threads(failing_record: Path) -> None:
    r = guidang.check(failing_record)
    with ThreadPoolExecutor(max_workers=4) as pool:
        outs = list(pool.map(lambda _: (r.verdict, r.failed_codes(), len(r.to_json())), range(64)))
    assert len(set(map(repr, outs))) == 1
