#!/usr/bin/env bash
# Runs every test of guidang on a bare Debian 12 machine: Rust (core, CLI, fixtures, goldens),
# the ClamAV scan test against a test-time clamd, a fuzz smoke run, Python (pyo3 wheel, pytest,
# mypy, stubtest) and JVM (uniffi Kotlin, Java example). Installs what it needs from Debian,
# crates.io, PyPI and npm. Prints one summary line per stage and a final "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
passed=0
failed=0
failures=()
stage() {
  local name=$1; shift
  local t0=$SECONDS
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1)); echo "=== $name: ok ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1)); failures+=("$name"); echo "=== $name: FAILED ($((SECONDS - t0)) s)"
  fi
}

stage "cargo fmt --check" cargo fmt --all -- --check
stage "cargo build (workspace)" cargo build --workspace --all-targets

# A throw-away clamd with a test-time signature database, so DA/T 70 4-2 is tested for real.
clamd_dir="$(mktemp -d)"
start_clamd() {
  local sock
  sock="$(scripts/clamd-test.sh "$clamd_dir" | tail -1)" || return 1
  [ -S "$sock" ] || return 1
  export GUIDANG_CLAMD="unix:$sock" GUIDANG_REQUIRE_CLAMD=1
}
stage "start a test clamd" start_clamd
stage "cargo test (workspace)" cargo test --workspace
scripts/clamd-test.sh --stop "$clamd_dir" || true
unset GUIDANG_CLAMD GUIDANG_REQUIRE_CLAMD

stage "core has no FFI dependency" bash -c '! cargo tree -p guidang -e normal,build | grep -E "pyo3|uniffi"'
stage "fuzz smoke" scripts/fuzz-smoke.sh "${GUIDANG_FUZZ_SECONDS:-15}"
stage "python binding" scripts/test-python.sh
stage "jvm binding" scripts/test-jvm.sh

echo
if [ "$failed" -gt 0 ]; then
  printf 'failed stage: %s\n' "${failures[@]}"
fi
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
