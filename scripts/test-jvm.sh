#!/usr/bin/env bash
# Builds and tests the uniffi binding on the JVM, on a bare Debian 12 machine (runs as root in CI):
#   JDK tools + JNA (Debian libjna-java) + kotlinc-jvm (npm kotlin-compiler, pinned, cached in
#   target/tools) -> cdylib + uniffi-bindgen -> Kotlin generated in library mode -> guidang.jar
#   (Kotlin runtime + generated code + native library at the JNA resource path) -> Kotlin tests
#   (mapping + shared scenarios) -> Java example -> uniffi Python scenario run and Swift
#   generation smoke -> comparison of the scenario results with Rust.
# Debug builds by default (they reuse `cargo test --workspace` artifacts); GUIDANG_JVM_PROFILE=release
# for a release library. Prints one line per step and a final summary line; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=never

KOTLIN_VERSION=2.4.20
PROFILE=${GUIDANG_JVM_PROFILE:-debug}
TOOLS=$ROOT/target/tools
OUT=$ROOT/target/jvm
LOG=$OUT/logs
JNA=/usr/share/java/jna.jar
KOTLINC=$TOOLS/kotlin-compiler-$KOTLIN_VERSION/package/bin/kotlinc-jvm
mkdir -p "$TOOLS" "$LOG"

source scripts/lib-steps.sh
steps_init jvm "$LOG"

tools() {
  for t in java javac jar; do
    if ! command -v "$t" >/dev/null; then
      apt_install openjdk-17-jdk-headless
      break
    fi
  done
  [ -f "$JNA" ] || apt_install libjna-java
  [ -f "$JNA" ] || { echo "JNA not found at $JNA"; return 1; }
  command -v python3 >/dev/null || apt_install python3
  if [ ! -x "$KOTLINC" ]; then
    command -v npm >/dev/null || { echo "npm is required to fetch kotlin-compiler"; return 1; }
    (cd "$TOOLS" && npm pack --silent "kotlin-compiler@$KOTLIN_VERSION" &&
      mkdir -p "kotlin-compiler-$KOTLIN_VERSION" &&
      tar xzf "kotlin-compiler-$KOTLIN_VERSION.tgz" -C "kotlin-compiler-$KOTLIN_VERSION" &&
      rm -f "kotlin-compiler-$KOTLIN_VERSION.tgz")
  fi
  java -version
  javac -version
  "$KOTLINC" -version
}

if [ "$PROFILE" = release ]; then
  PROFILE_FLAG=--release
  LIBDIR=$ROOT/target/release
else
  PROFILE_FLAG=
  LIBDIR=$ROOT/target/debug
fi
LIB=$LIBDIR/libguidang_uniffi.so
BINDGEN=$ROOT/target/debug/uniffi-bindgen

build() {
  cargo build -p guidang-uniffi $PROFILE_FLAG
  cargo build -p uniffi-bindgen
  test -f "$LIB"
}

rust_scenarios() {
  cargo test -p guidang --test scenarios
}

generate() {
  rm -rf "$OUT/kotlin" "$OUT/python" "$OUT/swift"
  "$BINDGEN" generate --library "$LIB" --language kotlin --no-format --out-dir "$OUT/kotlin"
  "$BINDGEN" generate --library "$LIB" --language python --no-format --out-dir "$OUT/python"
  "$BINDGEN" generate --library "$LIB" --language swift --no-format --out-dir "$OUT/swift"
  test -f "$OUT/kotlin/cn/guidang/guidang.kt"
}

jar_build() {
  rm -rf "$OUT/guidang.jar" "$OUT/native"
  "$KOTLINC" -nowarn -cp "$JNA" "$OUT/kotlin/cn/guidang/guidang.kt" -include-runtime -d "$OUT/guidang.jar"
  mkdir -p "$OUT/native/linux-x86-64"
  cp "$LIB" "$OUT/native/linux-x86-64/libguidang_uniffi.so"
  jar uf "$OUT/guidang.jar" -C "$OUT/native" linux-x86-64/libguidang_uniffi.so
  jar tf "$OUT/guidang.jar" | grep -qx 'linux-x86-64/libguidang_uniffi.so'
  jar tf "$OUT/guidang.jar" | grep -qx 'cn/guidang/Checker.class'
}

# Runs with only the jar and JNA on the class path, and no jna.library.path: the native library
# must come out of the jar.
kotlin_tests() {
  "$KOTLINC" -cp "$OUT/guidang.jar:$JNA" bindings/uniffi/tests/kotlin/*.kt -d "$OUT/kotlin-tests.jar"
  java -cp "$OUT/kotlin-tests.jar:$OUT/guidang.jar:$JNA" cn.guidang.tests.MainKt "$ROOT"
}

java_example() {
  rm -rf "$OUT/java"
  mkdir -p "$OUT/java"
  javac -encoding UTF-8 -cp "$OUT/guidang.jar:$JNA" -d "$OUT/java" examples/java/OaArchiver.java
  rm -rf "$OUT/outbox"
  java -cp "$OUT/java:$OUT/guidang.jar:$JNA" OaArchiver "$ROOT/fixtures/manifests/valid-wenshu" "$OUT/outbox" | tee "$OUT/java-example.out"
  grep -q '^receipt:' "$OUT/java-example.out"
  grep -q "^again: same receipt=true" "$OUT/java-example.out"
  grep -q "^GuidangException.Conflict code=conflict" "$OUT/java-example.out"
}

uniffi_python() {
  cp "$LIB" "$OUT/python/"
  PYTHONPATH="$OUT/python" python3 bindings/uniffi/tests/python/scenarios.py "$ROOT"
}

swift_smoke() {
  test -s "$OUT/swift/Guidang.swift"
  test -s "$OUT/swift/GuidangFFI.h"
  test -s "$OUT/swift/GuidangFFI.modulemap"
  grep -q 'public func checkPath' "$OUT/swift/Guidang.swift"
  grep -q 'enum GuidangError' "$OUT/swift/Guidang.swift"
}

compare() {
  python3 tests/compare_scenarios.py rust kotlin uniffi-python
}

step "tools (JDK, JNA, kotlinc $KOTLIN_VERSION)" tools
step "cargo build (guidang-uniffi $PROFILE, uniffi-bindgen)" build
step "rust scenarios" rust_scenarios
step "generate Kotlin, Python, Swift" generate
step "guidang.jar (runtime + native library)" jar_build
step "kotlin tests" kotlin_tests
step "java example" java_example
step "uniffi python scenarios" uniffi_python
step "swift generation smoke" swift_smoke
step "compare scenarios rust/kotlin/uniffi-python" compare
grep -E '^kotlin: ' "$LOG/kotlin_tests.log" || true
tail -n 1 "$LOG/compare_scenarios_rust_kotlin_uniffi-python.log" || true
echo "jvm: all steps passed ($((SECONDS - t_start)) s); jar: target/jvm/guidang.jar"
