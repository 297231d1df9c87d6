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
stage "cargo test (workspace)" cargo test --workspace
stage "core has no FFI dependency" bash -c '! cargo tree -p guidang -e normal,build | grep -E "pyo3|uniffi"'
if [ -x scripts/clamd-test.sh ]; then
  stage "virus scan against a test clamd" scripts/clamd-test.sh run-tests
fi
if [ -x scripts/fuzz-smoke.sh ]; then
  stage "fuzz smoke" scripts/fuzz-smoke.sh "${GUIDANG_FUZZ_SECONDS:-15}"
fi
if [ -x scripts/test-python.sh ]; then
  stage "python binding" scripts/test-python.sh
fi
if [ -x scripts/test-jvm.sh ]; then
  stage "jvm binding" scripts/test-jvm.sh
fi

echo
if [ "$failed" -gt 0 ]; then
  printf 'failed stage: %s\n' "${failures[@]}"
fi
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
