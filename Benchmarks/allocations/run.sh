#!/usr/bin/env bash
# Counts heap allocations per echoed line with an LD_PRELOAD malloc counter
# (malloc_counter.c): two runs with different numbers of round trips are
# subtracted, so start-up and shut-down cancel out, as in
# Benchmarks/instructions/run.sh.
#
#   Benchmarks/allocations/run.sh [--lines N] [--depth D] [--no-build] [SERVER...]
#
# SERVER is swift-line (default), swift-async, swift-raw or c-epoll-line.
# Each round trip sends D lines of 64 bytes in one write (default 1).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench=$(dirname "$here")
root=$(dirname "$bench")
lines=20000
depth=1
build=1
servers=()
while [ $# -gt 0 ]; do
    case "$1" in
        --lines) lines=$2; shift 2 ;;
        --depth) depth=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *) servers+=("$1"); shift ;;
    esac
done
[ ${#servers[@]} -gt 0 ] || servers=(swift-line)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -shared -fPIC -o "$work/malloc_counter.so" "$here/malloc_counter.c"
if [ "$build" = 1 ]; then
    (cd "$root" && swift build -c release --product echo-server) >/dev/null
    (cd "$bench" && swift build -c release --product c-echo-server) >/dev/null
fi

command_for() {
    case "$1" in
        swift-line) echo "$root/.build/release/echo-server --mode line --port 0 --quiet" ;;
        swift-raw) echo "$root/.build/release/echo-server --mode raw --port 0 --quiet" ;;
        swift-async) echo "$root/.build/release/echo-server --async --port 0 --quiet" ;;
        c-epoll-line) echo "$bench/.build/release/c-echo-server --port 0" ;;
        *) echo "run.sh: unknown server $1" >&2; exit 2 ;;
    esac
}

# Runs the server for ROUNDS round trips; prints its allocations.
count() {
    local server=$1 rounds=$2 log="$work/server.out"
    rm -f "$log" "$work/count"
    # shellcheck disable=SC2046
    LD_PRELOAD="$work/malloc_counter.so" MALLOC_COUNTER_OUT="$work/count" $(command_for "$server") >"$log" 2>/dev/null &
    local pid=$!
    local port=""
    for _ in $(seq 100); do
        port=$(sed -n '1s/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$log" 2>/dev/null)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { echo "run.sh: $server did not start" >&2; exit 1; }
    python3 "$bench/instructions/round_trips.py" --port "$port" --rounds "$rounds" --depth "$depth"
    kill -TERM "$pid"
    wait "$pid" || true
    sed -n 's/^allocations: //p' "$work/count"
}

printf '%-14s %12s %8s\n' server "allocs/line" depth
for server in "${servers[@]}"; do
    small=$(( lines / 10 / depth ))
    large=$(( lines / depth ))
    a=$(count "$server" "$small")
    b=$(count "$server" "$large")
    printf '%-14s %12s %8s\n' "$server" "$(awk -v a="$a" -v b="$b" -v n=$(( (large - small) * depth )) 'BEGIN { printf "%.3f", (b - a) / n }')" "$depth"
done
