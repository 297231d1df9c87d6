#!/usr/bin/env bash
# Per-call overhead of the bindings: time to check one small record (fixtures/records/valid-wenshu:
# metadata XML + 2 small files) from Rust, from Python (pyo3 wheel) and from the JVM (uniffi jar),
# all through the same entry point (check_path with the default archiving checker), release builds.
# Needs scripts/test-python.sh and scripts/test-jvm.sh to have run (venv, wheel, jar).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CALLS=${CALLS:-2000}
REC=$ROOT/fixtures/records/valid-wenshu
JNA=/usr/share/java/jna.jar
OUT=$ROOT/target/jvm
KOTLINC=$ROOT/target/tools/kotlin-compiler-2.4.20/package/bin/kotlinc-jvm

cargo run -q --release -p guidang-uniffi --example overhead -- "$REC" "$CALLS"
"$ROOT/target/venv/bin/python" - "$REC" "$CALLS" <<'PY'
import sys, time, guidang
path, calls = sys.argv[1], int(sys.argv[2])
for _ in range(calls // 10):
    guidang.check(path)
t = time.perf_counter()
for _ in range(calls):
    guidang.check(path)
print(f"python: {(time.perf_counter() - t) * 1e6 / calls:.1f} us/call ({calls} calls of guidang.check)")
PY
if [ ! -f "$OUT/overhead.jar" ] || [ bindings/uniffi/tests/kotlin/Overhead.kt -nt "$OUT/overhead.jar" ]; then
  "$KOTLINC" -nowarn -cp "$OUT/guidang.jar:$JNA" bindings/uniffi/tests/kotlin/Overhead.kt -d "$OUT/overhead.jar"
fi
java -cp "$OUT/overhead.jar:$OUT/guidang.jar:$JNA" cn.guidang.tests.Overhead "$REC" "$CALLS"
