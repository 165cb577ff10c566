#!/usr/bin/env bash
# Soak: SESSIONS concurrent SMTP sessions deliver to smtp-server --maildir
# (release build) for MINUTES, some vanishing at random points (mid-command,
# mid-DATA, right after the final dot); then every message the client saw
# answered 250 must be in the Maildir exactly once, intact, and none that
# was not answered 250 may be, except the ambiguous "vanished after the dot"
# ones, counted apart. Prints the client's and the verifier's totals, the
# server's message rate and its peak resident memory; exits 1 if anything
# was lost or stored when it must not be.
#
#   Benchmarks/soak/run.sh [--minutes N] [--sessions N] [--abort-rate F] [--python PYTHON]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
minutes=3
sessions=500
abort_rate=0.06
python=python3
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) minutes="$2"; shift 2 ;;
        --sessions) sessions="$2"; shift 2 ;;
        --abort-rate) abort_rate="$2"; shift 2 ;;
        --python) python="$2"; shift 2 ;;
        *) echo "usage: $0 [--minutes N] [--sessions N] [--abort-rate F] [--python PYTHON]" >&2; exit 2 ;;
    esac
done

work="$(mktemp -d)"
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "soak: building smtp-server (release)..." >&2
(cd "$root" && swift build -c release --product smtp-server >&2)
binary="$(cd "$root" && swift build -c release --show-bin-path)/smtp-server"

"$binary" --port 0 --hostname soak.test --maildir "$work/Maildir" > "$work/server.out" 2> "$work/server.err" &
server=$!
for _ in $(seq 200); do
    grep -q '^listening on' "$work/server.out" 2>/dev/null && break
    sleep 0.05
done
port="$(head -1 "$work/server.out" | sed 's/.*://')"
[ -n "$port" ] || { echo "soak: the server did not start" >&2; cat "$work/server.err" >&2; exit 1; }

# The server's resident memory and descriptors, every 5 seconds.
(
    while kill -0 "$server" 2>/dev/null; do
        rss=$(awk '/^VmRSS/ {print $2}' "/proc/$server/status" 2>/dev/null || true)
        fds=$(ls "/proc/$server/fd" 2>/dev/null | wc -l)
        echo "$(date +%s) rss_kib=$rss fds=$fds"
        sleep 5
    done
) > "$work/samples.log" &
sampler=$!

echo "soak: $sessions sessions for $minutes min against port $port, abort rate $abort_rate" >&2
started=$(date +%s.%N)
"$python" "$here/soak_client.py" 127.0.0.1 "$port" --sessions "$sessions" \
    --seconds "$(awk -v m="$minutes" 'BEGIN { print m * 60 }')" --abort-rate "$abort_rate" \
    --log "$work/outcomes.log"
ended=$(date +%s.%N)

# Let the server finish what the last sessions sent, then read its peak.
sleep 2
peak=$(awk '/^VmHWM/ {print $2}' "/proc/$server/status")
# utime + stime (proc(5) fields 14 and 15), in clock ticks.
cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.1f", ($12 + $13) / hz }' "/proc/$server/stat")
alive=yes
kill -0 "$server" 2>/dev/null || alive=no
kill -TERM "$server"
wait "$server" 2>/dev/null || true
server=""
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true

stored=$(ls "$work/Maildir/new" | wc -l)
echo "server: alive until the end: $alive; peak RSS $((peak / 1024)) MiB ($peak KiB);" \
    "RSS samples (KiB) min/max $(awk -F'[= ]' '{print $3}' "$work/samples.log" | sort -n | sed -n '1p;$p' | paste -sd/)," \
    "descriptors max $(awk -F'fds=' '{print $2}' "$work/samples.log" | sort -n | tail -1)"
echo "server: $stored messages stored in $(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.0f", b - a }') s:" \
    "$(awk -v n="$stored" -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", n / (b - a) }') messages/s;" \
    "$cpu s of CPU; $(grep -c . "$work/server.err" || true) lines on its standard error"
"$python" "$here/verify.py" "$work/Maildir" "$work/outcomes.log"
