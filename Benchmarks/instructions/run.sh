#!/usr/bin/env bash
# Counts the CPU instructions a server spends per echoed line with
# callgrind: instructions are repeatable where timings are not (other load on
# the machine does not change them). Two runs with different numbers of round
# trips are subtracted, so start-up and shut-down cancel out.
#
#   Benchmarks/instructions/run.sh [--lines N] [--depth D] [--no-build] [SERVER...]
#
# SERVER is swift-line (default), swift-raw, swift-async or c-epoll-line. Each round trip
# sends D lines of 64 bytes in one write (default 1) and reads their echo.
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

if [ "$build" = 1 ]; then
    (cd "$root" && swift build -c release --product echo-server) >/dev/null
    (cd "$bench" && swift build -c release --product c-echo-server) >/dev/null
fi

command_for() {
    case "$1" in
        swift-line) echo "$root/.build/release/echo-server --mode line --port 0" ;;
        swift-raw) echo "$root/.build/release/echo-server --mode raw --port 0" ;;
        swift-async) echo "$root/.build/release/echo-server --async --port 0" ;;
        c-epoll-line) echo "$bench/.build/release/c-echo-server --port 0" ;;
        *) echo "run.sh: unknown server $1" >&2; exit 2 ;;
    esac
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs the server under callgrind for ROUNDS round trips; prints total instructions.
count() {
    local server=$1 rounds=$2 out="$work/cg.out" log="$work/server.out"
    rm -f "$out" "$log"
    # shellcheck disable=SC2046
    valgrind --tool=callgrind --callgrind-out-file="$out" $(command_for "$server") >"$log" 2>"$work/valgrind.err" &
    local pid=$!
    local port=""
    for _ in $(seq 300); do
        port=$(sed -n '1s/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$log" 2>/dev/null)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { echo "run.sh: $server did not start" >&2; cat "$work/valgrind.err" >&2; exit 1; }
    python3 "$here/round_trips.py" --port "$port" --rounds "$rounds" --depth "$depth"
    kill -TERM "$pid"
    wait "$pid" || true
    sed -n 's/^summary: //p' "$out"
}

printf '%-14s %12s %8s\n' server "instr/line" depth
for server in "${servers[@]}"; do
    small=$(( lines / 10 / depth ))
    large=$(( lines / depth ))
    a=$(count "$server" "$small")
    b=$(count "$server" "$large")
    printf '%-14s %12s %8s\n' "$server" "$(( (b - a) / ((large - small) * depth) ))" "$depth"
done
