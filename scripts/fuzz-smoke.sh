#!/usr/bin/env bash
# Runs every cargo-fuzz target of guidang for a given number of seconds (default 20).
#
#   scripts/fuzz-smoke.sh [SECONDS] [TARGET...]
#
# Installs cargo-fuzz when absent (`cargo install cargo-fuzz --locked`, ~2 min). Uses the nightly
# toolchain when one is installed (AddressSanitizer), else stable with RUSTC_BOOTSTRAP=1 and no
# sanitizer. The smoke run builds the targets in the dev profile (a few times faster to compile
# than release, which dominated CI time; fewer executions per second, but the smoke only has to
# show that the seeds and their first mutations do not crash); set GUIDANG_FUZZ_RELEASE=1 for
# long runs. Seeds come from fuzz/seeds/ plus, when present, the shared corpus (OFD and PDF files
# are copied into the git-ignored fuzz/corpus/, never into the repository). Prints executions,
# time and crashes per target; exits non-zero if any target crashes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:-20}"
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(ofd_container pdf_layer xml_metadata media_headers)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked >&2
fi

if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
  build_flags=()
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
  build_flags=(--sanitizer none)
fi

cd "$root/fuzz"
shared="$root/../shared/corpus"
mkdir -p corpus
seed() {
  local t="$1"
  mkdir -p "corpus/$t"
  [[ -d "seeds/$t" ]] && cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
  case "$t" in
    ofd_container)
      [[ -d "$shared/ofd" ]] && cp -n "$shared"/ofd/*.ofd "corpus/$t/" 2>/dev/null || true ;;
    pdf_layer)
      if [[ -d "$shared/pdf/pyhanko" ]]; then
        # No `| head` here: under pipefail its SIGPIPE would end the script.
        mapfile -t pdfs < <(find "$shared/pdf/pyhanko" -name '*.pdf' -size -64k | sort)
        for f in "${pdfs[@]:0:40}"; do cp -n "$f" "corpus/$t/" || true; done
      fi ;;
    media_headers)
      printf 'RIFF$\000\000\000WAVEfmt \020\000\000\000\001\000\001\000\104\254\000\000\210\130\001\000\002\000\020\000data\000\000\000\000' > "corpus/$t/a.wav"
      printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\020\000\000\000\020\010\002\000\000\000\000\000\000\000\000\000\000\000IEND\000\000\000\000' > "corpus/$t/a.png"
      printf 'II*\000\010\000\000\000\001\000\000\001\003\000\001\000\000\000\020\000\000\000\000\000\000\000' > "corpus/$t/a.tif"
      printf '\377\330\377\340\000\020JFIF\000\001\001\001\001\054\001\054\000\000\377\300\000\013\010\000\020\000\020\001\001\021\000\377\332\000\010\001\001\000\000\077\000\022\377\331' > "corpus/$t/a.jpg"
      [[ -d "$shared/ofd" ]] && cp -n "$shared/ofd/reader__helloworld.ofd" "corpus/$t/" 2>/dev/null || true ;;
  esac
}

if [[ "${GUIDANG_FUZZ_RELEASE:-0}" != 1 ]]; then
  build_flags+=(--dev)
fi

status=0
for t in "${targets[@]}"; do
  seed "$t"
  log="$(mktemp)"
  "${fuzz[@]}" build "${build_flags[@]}" "$t" >&2
  set +e
  "${fuzz[@]}" run "${build_flags[@]}" "$t" "corpus/$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -E 'stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1)
  crashes=$(ls artifacts/"$t" 2>/dev/null | grep -cE '^(crash|timeout|oom|leak)-' || true)
  echo "fuzz $t: ${secs}s, ${execs:-?} executions, exit $rc, artifacts: $crashes"
  if [[ $rc -ne 0 ]]; then
    tail -40 "$log" >&2
    status=1
  fi
  rm -f "$log"
done
exit $status
