#!/usr/bin/env bash
# Starts a throw-away clamd for guidang's tests and prints its socket path (last line of stdout).
#
#   scripts/clamd-test.sh [DIR]      # DIR defaults to a new temp dir
#   export GUIDANG_CLAMD="unix:$(scripts/clamd-test.sh | tail -1)"
#   scripts/clamd-test.sh --stop DIR # stops the clamd started in DIR
#
# - Installs Debian's clamav + clamav-daemon (and clamav-testfiles when available) if clamd is missing.
# - Builds a tiny signature database AT RUN TIME: an EICAR body signature (.ndb, so it also matches
#   EICAR inside zip/OFD containers) and an MD5 signature of EICAR, assembled from a string here —
#   no EICAR file is ever committed — plus ClamAV's own test file when clamav-testfiles is installed.
# - Starts clamd on a unix socket in DIR (TCP on 127.0.0.1 too when GUIDANG_CLAMD_TCP_PORT is set).
set -euo pipefail

if [[ "${1:-}" == "--stop" ]]; then
  dir="${2:?usage: clamd-test.sh --stop DIR}"
  if [[ -f "$dir/clamd.pid" ]]; then
    kill "$(cat "$dir/clamd.pid")" 2>/dev/null || true
  fi
  exit 0
fi

if ! command -v clamd >/dev/null 2>&1; then
  echo "installing clamav (Debian packages clamav clamav-daemon)" >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  if [[ "$(id -u)" != 0 ]]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq >&2
  $sudo_cmd apt-get install -y -qq --no-install-recommends clamav clamav-daemon >&2
  $sudo_cmd apt-get install -y -qq --no-install-recommends clamav-testfiles >&2 || true
fi

dir="${1:-$(mktemp -d /tmp/guidang-clamd.XXXXXX)}"
mkdir -p "$dir/db"
# EICAR, assembled at run time from two halves so no file in the repository contains it.
part1='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD'
part2='-ANTIVIRUS-TEST-FILE!$H+H*'
printf '%s%s' "$part1" "$part2" > "$dir/eicar.tmp"
hex=$(head -c 68 "$dir/eicar.tmp" | xxd -p | tr -d '\n')
echo "Guidang.Test.EICAR.NDB:0:*:${hex}" > "$dir/db/guidang-test.ndb"
sigtool --md5 "$dir/eicar.tmp" | sed 's/:[^:]*$/:Guidang.Test.EICAR.HDB/' > "$dir/db/guidang-test.hdb"
if [[ -f /usr/share/clamav-testfiles/clam.exe ]]; then
  sigtool --md5 /usr/share/clamav-testfiles/clam.exe | sed 's/:[^:]*$/:Guidang.Test.ClamTestFile.HDB/' >> "$dir/db/guidang-test.hdb"
fi
rm -f "$dir/eicar.tmp"

user="$(id -un)"
cat > "$dir/clamd.conf" <<CONF
LocalSocket $dir/clamd.sock
LocalSocketMode 660
DatabaseDirectory $dir/db
PidFile $dir/clamd.pid
LogFile $dir/clamd.log
Foreground no
User $user
StreamMaxLength 512M
MaxScanSize 1024M
MaxFileSize 512M
ScanArchive yes
CONF
if [[ -n "${GUIDANG_CLAMD_TCP_PORT:-}" ]]; then
  printf 'TCPSocket %s\nTCPAddr 127.0.0.1\n' "$GUIDANG_CLAMD_TCP_PORT" >> "$dir/clamd.conf"
fi
clamd -c "$dir/clamd.conf" >&2
for _ in $(seq 1 100); do
  [[ -S "$dir/clamd.sock" ]] && break
  sleep 0.1
done
if [[ ! -S "$dir/clamd.sock" ]]; then
  echo "clamd did not start; log:" >&2
  cat "$dir/clamd.log" >&2 || true
  exit 1
fi
echo "$dir/clamd.sock"
