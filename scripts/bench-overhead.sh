#!/usr/bin/env bash
# Per-call overhead of the bindings: the time to check one small record
# (fixtures/records/valid-wenshu: metadata XML + a 1 KB OFD + a 0.6 KB PDF) from Rust, from Python
# (pyo3 abi3 wheel) and from the JVM (uniffi + JNA), all through the same entry point (check_path
# with the default archiving checker), all release builds. Run scripts/test-jvm.sh first (it
# provides kotlinc, JNA and the generated Kotlin in target/jvm). CALLS=<n> sets the call count.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CALLS=${CALLS:-2000}
REC=$ROOT/fixtures/records/valid-wenshu
JNA=/usr/share/java/jna.jar
OUT=$ROOT/target/bench
KOTLINC=$ROOT/target/tools/kotlin-compiler-2.4.20/package/bin/kotlinc-jvm
mkdir -p "$OUT"

# Rust
cargo run -q --release -p guidang-uniffi --example overhead -- "$REC" "$CALLS"

# Python: a release wheel in its own venv
if [ ! -x "$OUT/venv/bin/python" ]; then
  python3 -m venv "$OUT/venv"
  "$OUT/venv/bin/pip" install -q --disable-pip-version-check "maturin>=1.16,<2"
fi
rm -rf "$OUT/wheels"
(cd bindings/python && "$OUT/venv/bin/maturin" build -q --release -o "$OUT/wheels" >/dev/null)
"$OUT/venv/bin/pip" install -q --disable-pip-version-check --force-reinstall "$OUT"/wheels/*.whl
"$OUT/venv/bin/python" - "$REC" "$CALLS" <<'PY'
import sys, time, guidang
path, calls = sys.argv[1], int(sys.argv[2])
for _ in range(calls // 10):
    guidang.check(path)
t = time.perf_counter()
for _ in range(calls):
    guidang.check(path)
print(f"python: {(time.perf_counter() - t) * 1e6 / calls:.1f} us/call ({calls} calls of guidang.check)")
PY

# JVM: the release library found through jna.library.path (searched before the jar's resource)
cargo build -q --release -p guidang-uniffi
test -f "$ROOT/target/jvm/guidang.jar" || { echo "run scripts/test-jvm.sh first"; exit 1; }
if [ ! -f "$OUT/overhead.jar" ] || [ bindings/uniffi/tests/kotlin/Overhead.kt -nt "$OUT/overhead.jar" ]; then
  "$KOTLINC" -nowarn -cp "$ROOT/target/jvm/guidang.jar:$JNA" bindings/uniffi/tests/kotlin/Overhead.kt -d "$OUT/overhead.jar"
fi
java -Djna.library.path="$ROOT/target/release" -cp "$OUT/overhead.jar:$ROOT/target/jvm/guidang.jar:$JNA" \
  cn.guidang.tests.Overhead "$REC" "$CALLS"
