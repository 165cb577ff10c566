#!/usr/bin/env bash
# Measures the root package's echo-server against baseline servers. See --help.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
python=${PYTHON:-python3.11}
tools=$here/.build/release

# One line per server: NAME|SCENARIOS|BUILD|COMMAND. The command is started
# with "--port 0" and must print "listening on HOST:PORT" as its first line
# of standard output. BUILD names what must be built first: "root:PRODUCT"
# (built in the root package), "bench:PRODUCT" (built here), or "-".
# Adding a server is adding a line.
server_table=(
    "swift-line|a b c d|root:echo-server|$root/.build/release/echo-server --mode line --port 0 --quiet"
    "swift-raw|a b c d|root:echo-server|$root/.build/release/echo-server --mode raw --port 0 --quiet"
    "swift-async|a b c d|root:echo-server|$root/.build/release/echo-server --async --port 0 --quiet"
    "c-epoll-line|a b c d|bench:c-echo-server|$tools/c-echo-server --port 0"
    "py-asyncore|a|-|$python $here/servers/asyncore_echo.py --port 0"
    "py-asynchat|b c d|-|$python $here/servers/asynchat_echo.py --port 0"
    "nio|a b c d|bench:nio-echo-server|$tools/nio-echo-server --port 0"
)

scenarios="a b c d"
servers=""
duration=5
storm_clients=10000
storm_limit=30
rounds=1
build=1

usage() {
    cat <<USAGE
usage: Benchmarks/run.sh [--scenarios a,b,c,d] [--servers NAME,...] [--duration SECONDS]
                         [--rounds N] [--storm-clients N] [--storm-limit SECONDS] [--no-build]

Scenarios (every line is 64 bytes; clients and servers on 127.0.0.1 only):
  a  connection storm: N clients (default 10000) connect as fast as possible,
     each echoes one line, then all stay connected idle. Reports the time to
     serve them all and the server's memory per idle connection (VmRSS).
     Each server gets --storm-limit seconds (default 30).
  b  throughput: 50 clients, each sending 16 lines at a time and reading
     their echo, for --duration seconds (default 5): lines per second.
  c  latency: 1 client, one line at a time: round trips per second, mean and
     99th-percentile microseconds.
  d  1,000 clients, one line at a time each: lines per second.

Every scenario also reports the server's CPU time (user + system, from
/proc/PID/stat): per line for b-d, in all for a. Other load on the machine
disturbs it far less than the rates. --rounds N (default 1) runs each
measurement N times, each against a fresh server, and reports the median run.

Servers (NAME: scenarios it runs):
$(for entry in "${server_table[@]}"; do IFS='|' read -r name runs _ _ <<<"$entry"; echo "  $name: $runs"; done)

Builds in release first (the root package's echo-server, the load generator
and the baselines here) unless --no-build. Results are also written to
Benchmarks/results/. Environment: PYTHON (default python3.11, which still
has asyncore and asynchat).
USAGE
}

while [ $# -gt 0 ]; do
    case "$1" in
        --scenarios) scenarios=${2//,/ }; shift 2 ;;
        --servers) servers=${2//,/ }; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --storm-clients) storm_clients=$2; shift 2 ;;
        --storm-limit) storm_limit=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

declare -A runs_of command_of build_of
all_servers=""
for entry in "${server_table[@]}"; do
    IFS='|' read -r name runs needs command <<<"$entry"
    runs_of[$name]=$runs
    build_of[$name]=$needs
    command_of[$name]=$command
    all_servers+="$name "
done
servers=${servers:-$all_servers}
for name in $servers; do
    [ -n "${command_of[$name]:-}" ] || { echo "run.sh: unknown server $name (known: $all_servers)" >&2; exit 2; }
done
for scenario in $scenarios; do
    case "$scenario" in a|b|c|d) ;; *) echo "run.sh: unknown scenario $scenario" >&2; exit 2 ;; esac
done

work=$(mktemp -d)
server_pid=""
stop_server() {
    [ -n "$server_pid" ] || return 0
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# Builds PRODUCT of the package in DIRECTORY in release; stops the run if it fails.
build_product() {
    local directory=$1 product=$2 log="$work/build-$2.log"
    echo "building $product (release, in $directory)" >&2
    if ! (cd "$directory" && swift build -c release --product "$product") >"$log" 2>&1; then
        grep -E "error" "$log" >&2 || tail -20 "$log" >&2
        echo "run.sh: $product did not build" >&2
        exit 1
    fi
    grep -E "warning:" "$log" >&2 || true
}

if [ "$build" = 1 ]; then
    products_root="" products_bench="loadgen"
    for name in $servers; do
        case "${build_of[$name]}" in
            root:*) products_root+=" ${build_of[$name]#root:}" ;;
            bench:*) products_bench+=" ${build_of[$name]#bench:}" ;;
        esac
    done
    for product in $products_root; do build_product "$root" "$product"; done
    for product in $products_bench; do build_product "$here" "$product"; done
fi

# Starts a server; sets server_pid and server_port.
start_server() {
    local name=$1
    ${command_of[$name]} >"$work/$name.out" 2>"$work/$name.err" &
    server_pid=$!
    server_port=""
    for _ in $(seq 100); do
        server_port=$(sed -n '1s/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$work/$name.out")
        [ -n "$server_port" ] && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "run.sh: $name did not announce its port; its standard error:" >&2
    cat "$work/$name.err" >&2
    stop_server
    return 1
}

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

declare -A result
# Runs one scenario against one server, --rounds times, each against a fresh
# server; keeps the median run by the scenario's main figure.
run_one() {
    local name=$1 scenario=$2
    local args key
    case "$scenario" in
        a) args="--scenario storm --clients $storm_clients --time-limit $storm_limit"; key=all_served_s ;;
        b) args="--scenario bursts --clients 50 --depth 16 --duration $duration"; key=lines_per_s ;;
        c) args="--scenario bursts --clients 1 --depth 1 --duration $duration"; key=lines_per_s ;;
        d) args="--scenario bursts --clients 1000 --depth 1 --duration $duration"; key=lines_per_s ;;
    esac
    local runs="" line round
    for round in $(seq "$rounds"); do
        start_server "$name" || return 0
        echo "($scenario) $name, round $round of $rounds ..." >&2
        line=$("$tools/loadgen" --port "$server_port" --server-pid "$server_pid" $args | grep '^RESULT' || true)
        stop_server
        [ -n "$line" ] && runs+="$(field "$line" "$key")"$'\t'"$line"$'\n'
    done
    [ -n "$runs" ] || return 0
    local count
    count=$(printf '%s' "$runs" | grep -c .)
    result[$name:$scenario]=$(printf '%s' "$runs" | sort -g | sed -n "$(( (count + 1) / 2 ))p" | cut -f2)
}

for scenario in $scenarios; do
    for name in $servers; do
        case " ${runs_of[$name]} " in *" $scenario "*) run_one "$name" "$scenario" ;; esac
    done
done

report() {
    echo "echo benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, Linux $(uname -r), release builds, median of $rounds round(s)"
    for scenario in $scenarios; do
        echo
        case "$scenario" in
            a) echo "(a) connection storm: $storm_clients clients connect, echo one 64-byte line each, then stay idle"
               printf '%-14s %9s %12s %14s %11s %11s %11s %9s  %s\n' server served "all served" "after last" "RSS before" "RSS after" "bytes/idle" "CPU ms" "targets (<=1 s after last, <1 KiB)" ;;
            b) echo "(b) throughput: 50 clients x 16 pipelined 64-byte lines, ${duration} s"
               printf '%-14s %12s %10s %10s %14s\n' server "lines/s" "mean us" "p99 us" "CPU us/line" ;;
            c) echo "(c) latency: 1 client, one 64-byte line at a time, ${duration} s"
               printf '%-14s %14s %10s %10s %14s\n' server "round trips/s" "mean us" "p99 us" "CPU us/line" ;;
            d) echo "(d) 1000 clients, one 64-byte line at a time each, ${duration} s"
               printf '%-14s %12s %10s %10s %14s\n' server "lines/s" "mean us" "p99 us" "CPU us/line" ;;
        esac
        for name in $servers; do
            case " ${runs_of[$name]} " in *" $scenario "*) ;; *) continue ;; esac
            local line=${result[$name:$scenario]:-}
            if [ -z "$line" ]; then printf '%-14s %s\n' "$name" "no result (see above)"; continue; fi
            case "$scenario" in
                a)
                    local after bytes verdict
                    after=$(field "$line" after_last_connect_s)
                    bytes=$(field "$line" bytes_per_connection)
                    verdict=$(awk -v a="$after" -v b="$bytes" -v t="$(field "$line" timed_out)" \
                        'BEGIN { print (t == 0 && a <= 1.0 ? "met" : "MISSED") " / " (b < 1024 ? "met" : "MISSED") }')
                    [ "$(field "$line" timed_out)" = 1 ] && after="timeout"
                    printf '%-14s %9s %10s s %12s s %7s KiB %7s KiB %11s %9s  %s\n' "$name" \
                        "$(field "$line" served)" "$(field "$line" all_served_s)" "$after" \
                        "$(field "$line" rss_before_kib)" "$(field "$line" rss_after_kib)" "$bytes" \
                        "$(field "$line" server_cpu_ms)" "$verdict" ;;
                b|d)
                    printf '%-14s %12s %10s %10s %14s\n' "$name" "$(field "$line" lines_per_s)" \
                        "$(field "$line" mean_us)" "$(field "$line" p99_us)" "$(field "$line" server_cpu_us_per_line)" ;;
                c)
                    printf '%-14s %14s %10s %10s %14s\n' "$name" "$(field "$line" bursts_per_s)" \
                        "$(field "$line" mean_us)" "$(field "$line" p99_us)" "$(field "$line" server_cpu_us_per_line)" ;;
            esac
        done
    done
}

mkdir -p "$here/results"
report | tee "$here/results/run-$(date -u +%Y%m%d-%H%M%S).txt"
