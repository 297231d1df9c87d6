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


def _timed_check(size: int) -> Tuple[float, float, List[float]]:
    """Checks an in-memory record of `size` bytes in a thread while this thread keeps ticking;
    returns the call's start and end and the ticks."""
    big = guidang.Component.from_bytes(b"\0" * size, "big.bin", role="附件")
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
    return window[0], window[1], ticks


def test_gil_is_released_during_a_check() -> None:
    # Hashing (SM3 + SHA-256) of a large in-memory component takes long enough to observe; grow
    # it until the call lasts at least 0.2 s (debug builds are much slower than release ones).
    size = 4 << 20
    start, end, ticks = _timed_check(size)
    while end - start < 0.2 and size < (512 << 20):
        size *= 4
        start, end, ticks = _timed_check(size)
    assert end - start >= 0.2, "check too fast to observe"
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
