#!/usr/bin/env bash
# Measures echo-server on 1, 2 and 4 loops (--threads). See --help.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench=$(dirname "$here")
root=$(dirname "$bench")

loops="1 2 4"
scenarios="b d"
duration=5
rounds=1
build=1

usage() {
    cat <<USAGE
usage: Benchmarks/groups/run.sh [--loops "1 2 4"] [--scenarios b,d] [--duration SECONDS]
                                [--rounds N] [--no-build]

Runs the root package's echo-server (release, line mode) with --threads N for
each N of --loops, under the load of Benchmarks/run.sh:
  b  50 clients x 16 pipelined 64-byte lines
  d  1,000 clients, one 64-byte line at a time each
and reports lines per second, the server's CPU per line, and each loop
thread's CPU per line it served (its CPU time over the lines of the run,
times N: the clients are handed to the loops in turn, so each serves 1/N of
them). On a machine with fewer cores than loops plus the load generator,
lines per second cannot grow with N; the per-loop CPU per line shows what
adding loops costs, and "sleeps" (the loops' voluntary context switches per
1000 lines: waits that blocked) shows where it goes: a loop that shares a
core finds fewer lines ready each time it wakes. --rounds N keeps the median
run by lines per second.

Builds echo-server in release and the load generator (cc -O2) first unless
--no-build. Results are also written to Benchmarks/results/.
USAGE
}

while [ $# -gt 0 ]; do
    case "$1" in
        --loops) loops=$2; shift 2 ;;
        --scenarios) scenarios=${2//,/ }; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "groups/run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

work=$(mktemp -d)
server_pid=""
stop_server() {
    [ -n "$server_pid" ] || return 0
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

loadgen=$work/loadgen
if [ "$build" = 1 ]; then
    echo "building echo-server (release)" >&2
    (cd "$root" && swift build -c release --product echo-server) >"$work/build.log" 2>&1 \
        || { tail -20 "$work/build.log" >&2; exit 1; }
fi
${CC:-cc} -O2 -o "$loadgen" "$bench/Sources/loadgen/main.c"

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

run_one() {
    local threads=$1 scenario=$2 args
    case "$scenario" in
        b) args="--scenario bursts --clients 50 --depth 16 --duration $duration" ;;
        d) args="--scenario bursts --clients 1000 --depth 1 --duration $duration" ;;
        *) echo "groups/run.sh: unknown scenario $scenario" >&2; exit 2 ;;
    esac
    "$root/.build/release/echo-server" --threads "$threads" --port 0 --quiet >"$work/out" 2>"$work/err" &
    server_pid=$!
    local port=""
    for _ in $(seq 100); do
        port=$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$work/out")
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$work/err" >&2; exit 1; }
    "$loadgen" --port "$port" --server-pid "$server_pid" $args | grep '^RESULT' || true
    stop_server
}

report() {
    echo "echo-server --threads N, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, Linux $(uname -r), release build, median of $rounds round(s)"
    for scenario in $scenarios; do
        echo
        case "$scenario" in
            b) echo "(b) 50 clients x 16 pipelined 64-byte lines, ${duration} s" ;;
            d) echo "(d) 1000 clients, one 64-byte line at a time each, ${duration} s" ;;
        esac
        printf '%-6s %12s %12s %16s  %s\n' loops "lines/s" "CPU us/line" "sleeps/1000 lines" "each loop's CPU us per line it served"
        for threads in $loops; do
            local runs="" line round
            for round in $(seq "$rounds"); do
                echo "($scenario) $threads loops, round $round of $rounds ..." >&2
                line=$(run_one "$threads" "$scenario")
                [ -n "$line" ] && runs+="$(field "$line" lines_per_s)"$'\t'"$line"$'\n'
            done
            [ -n "$runs" ] || { printf '%-6s %s\n' "$threads" "no result"; continue; }
            local count
            count=$(printf '%s' "$runs" | grep -c .)
            line=$(printf '%s' "$runs" | sort -g | sed -n "$(( (count + 1) / 2 ))p" | cut -f2)
            local per_loop
            per_loop=$(field "$line" task_cpu_us_per_line | tr ',' '\n' | grep '^loop-' \
                | awk -F: -v n="$threads" '{ printf "%s%s %.2f", (NR > 1 ? ", " : ""), $1, $2 * n }')
            local sleeps
            sleeps=$(field "$line" task_sleeps_per_1000_lines | tr ',' '\n' | grep '^loop-' \
                | awk -F: '{ total += $2 } END { printf "%.1f", total }')
            printf '%-6s %12s %12s %16s  %s\n' "$threads" "$(field "$line" lines_per_s)" \
                "$(field "$line" server_cpu_us_per_line)" "$sleeps" "$per_loop"
        done
    done
}

mkdir -p "$bench/results"
report | tee "$bench/results/groups-$(date -u +%Y%m%d-%H%M%S).txt"
