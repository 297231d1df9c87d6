#!/usr/bin/env bash
# Builds and tests the Python binding on a bare Debian 12 machine (CPython 3.11; runs as root in CI):
#   venv in target/venv (maturin, pytest, mypy, tqdm) -> `maturin build` of the abi3 wheel ->
#   install the wheel -> import smoke from a fresh venv -> pytest (mapping tests + shared
#   scenarios) -> mypy --strict on the examples -> stubtest -> batch example -> comparison of the
#   scenario results with Rust.
# Debug builds by default (they reuse `cargo test --workspace` artifacts); GUIDANG_PY_PROFILE=release
# for a release wheel. Prints one line per step and a final summary line; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TERM_COLOR=never

PROFILE=${GUIDANG_PY_PROFILE:-debug}
VENV=$ROOT/target/venv
FRESH=$ROOT/target/venv-fresh
WHEELS=$ROOT/target/wheels
OUT=$ROOT/target/python
LOG=$OUT/logs
PY=$VENV/bin/python
mkdir -p "$LOG"

source scripts/lib-steps.sh
steps_init python "$LOG"

venv() {
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    apt_install python3-venv
  fi
  [ -x "$PY" ] || python3 -m venv "$VENV"
  "$PY" -m pip install -q --disable-pip-version-check "maturin>=1.16,<2" pytest mypy tqdm types-tqdm
  "$PY" -m maturin --version
}

wheel() {
  rm -rf "$WHEELS"
  local flag=--release
  [ "$PROFILE" = release ] || flag=
  (cd bindings/python && "$PY" -m maturin build $flag -o "$WHEELS")
  ls "$WHEELS"/guidang-*-cp39-abi3-*.whl
  "$PY" -m pip install -q --disable-pip-version-check --force-reinstall "$WHEELS"/guidang-*-cp39-abi3-*.whl
}

# The acceptance one-liner, from a fresh venv that only has the wheel.
fresh_import() {
  rm -rf "$FRESH"
  python3 -m venv "$FRESH"
  "$FRESH/bin/pip" install -q --disable-pip-version-check "$WHEELS"/guidang-*-cp39-abi3-*.whl
  (cd /tmp && "$FRESH/bin/python" -c "import guidang; print(guidang.check('$ROOT/fixtures/records/valid-wenshu').verdict)") | tee "$OUT/fresh-import.out"
  grep -qx pass "$OUT/fresh-import.out"
  rm -rf "$FRESH"
}

rust_scenarios() {
  cargo test -p guidang --test scenarios
}

pytest_run() {
  (cd bindings/python && "$PY" -m pytest -q -p no:cacheprovider tests)
}

mypy_examples() {
  "$PY" -m mypy --strict --no-incremental examples/python/batch_check.py bindings/python/tests
}

stubtest() {
  "$PY" -m mypy.stubtest guidang --mypy-config-file /dev/null
}

batch_example() {
  rm -rf "$OUT/batch"
  # fixtures/records holds one valid record and many broken ones: exit status 1 is expected.
  local rc=0
  "$PY" examples/python/batch_check.py fixtures/records --workers 2 --out "$OUT/batch/results.jsonl" >"$OUT/batch-example.out" || rc=$?
  cat "$OUT/batch-example.out"
  [ "$rc" -eq 1 ]
  local n
  n=$(find fixtures/records -mindepth 1 -maxdepth 1 -type d | wc -l)
  [ "$(wc -l <"$OUT/batch/results.jsonl")" -eq "$n" ]
  grep -q '"verdict": "pass"' "$OUT/batch/results.jsonl"
  grep -q "^summary: $n records:" "$OUT/batch-example.out"
}

compare() {
  python3 tests/compare_scenarios.py rust python
}

step "venv (maturin, pytest, mypy, tqdm)" venv
step "maturin build abi3 wheel ($PROFILE) and install" wheel
step "import from a fresh venv" fresh_import
step "rust scenarios" rust_scenarios
step "pytest" pytest_run
step "mypy --strict (examples, tests)" mypy_examples
step "stubtest" stubtest
step "batch example" batch_example
step "compare scenarios rust/python" compare
grep -E ' passed' "$LOG/pytest.log" | tail -n 1 || true
tail -n 1 "$LOG/compare_scenarios_rust_python.log" || true
echo "python: all steps passed ($((SECONDS - t_start)) s); wheel: $(ls "$WHEELS"/*.whl)"
