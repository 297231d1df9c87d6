# Shared by scripts/test-python.sh and scripts/test-jvm.sh (sourced, not run): named steps whose
# output goes to a log file, one summary line per step, the log's last lines on failure, an EXIT
# trap that names the failing step, and apt installs that run `apt-get update` once.
#
#   source scripts/lib-steps.sh
#   steps_init python "$ROOT/target/python/logs"
#   step "build wheel" wheel

steps_init() {
  STEP_PREFIX=$1
  STEP_LOG=$2
  current=setup
  t_start=$SECONDS
  apt_updated=0
  mkdir -p "$STEP_LOG"
  trap steps_on_exit EXIT
}

steps_on_exit() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    echo "$STEP_PREFIX: FAILED at step '$current' (exit $rc, $((SECONDS - t_start)) s); logs in $STEP_LOG"
  fi
}

step() {
  current=$1
  shift
  local t0=$SECONDS log
  log="$STEP_LOG/$(echo "$current" | tr ' /' '__').log"
  if "$@" >"$log" 2>&1; then
    echo "$STEP_PREFIX: ok   $current ($((SECONDS - t0)) s)"
  else
    echo "$STEP_PREFIX: FAIL $current ($((SECONDS - t0)) s) — last lines of $log:"
    tail -n 40 "$log"
    return 1
  fi
}

apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    apt-get update -q
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}
