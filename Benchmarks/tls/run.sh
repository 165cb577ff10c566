#!/usr/bin/env bash
# Measures the root package's echo-server over TLS (built with the TLS
# trait) against SwiftNIO with swift-nio-ssl on one thread and a C epoll +
# OpenSSL server. See --help.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bench=$(dirname "$here")
root=$(dirname "$bench")
tools=$bench/.build/release
certificates=$root/Tests/TestSupport/Certificates
tls_flags="--tls-cert $certificates/server.pem --tls-key $certificates/server.key"
c_flags="--cert $certificates/server.pem --key $certificates/server.key"

# NAME|BUILD|COMMAND, started with "--port 0"; the command prints
# "listening on HOST:PORT" first. BUILD: root:PRODUCT (the root package,
# release, TLS trait, .build-tls) or bench:PRODUCT (this package, release).
server_table=(
    "swift-tls-line|root:echo-server|$root/.build-tls/release/echo-server --mode line --quiet $tls_flags"
    "swift-tls-raw|root:echo-server|$root/.build-tls/release/echo-server --mode raw --quiet $tls_flags"
    "nio-ssl|bench:nio-tls-echo-server|$tools/nio-tls-echo-server $c_flags"
    "c-openssl|bench:c-tls-echo-server|$tools/c-tls-echo-server $c_flags"
)

scenarios="b d h m"
servers=""
duration=5
rounds=1
idle_clients=1000
build=1

usage() {
    cat <<USAGE
usage: Benchmarks/tls/run.sh [--scenarios b,d,h,m] [--servers NAME,...] [--duration SECONDS]
                             [--rounds N] [--idle-clients N] [--no-build]

Scenarios (64-byte lines, clients and servers on 127.0.0.1 only, TLS 1.3,
the committed test certificate: ECDSA P-256):
  b  50 connections x 16 pipelined lines, for --duration seconds: lines/s
  d  1,000 connections, one line at a time each: lines/s
  h  new TLS connections per second: 32 at a time, each a full handshake
     (no resumption), one line and its echo, then closed
  m  --idle-clients connections (default 1000) handshake, echo a line, then
     stay idle: the server's memory per idle TLS connection (VmRSS)

Every scenario reports the server's CPU time too (/proc/PID/stat), which
other load on the machine disturbs far less than the rates. --rounds N runs
each measurement N times against a fresh server and keeps the median.

Servers: $(for entry in "${server_table[@]}"; do printf '%s ' "${entry%%|*}"; done)
USAGE
}

while [ $# -gt 0 ]; do
    case "$1" in
        --scenarios) scenarios=${2//,/ }; shift 2 ;;
        --servers) servers=${2//,/ }; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --idle-clients) idle_clients=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

declare -A command_of build_of
all_servers=""
for entry in "${server_table[@]}"; do
    IFS='|' read -r name needs command <<<"$entry"
    build_of[$name]=$needs
    command_of[$name]=$command
    all_servers+="$name "
done
servers=${servers:-$all_servers}
for name in $servers; do
    [ -n "${command_of[$name]:-}" ] || { echo "run.sh: unknown server $name (known: $all_servers)" >&2; exit 2; }
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

build_in() {
    local directory=$1 log="$work/build.log"
    shift
    echo "building $* (release, in $directory)" >&2
    if ! (cd "$directory" && swift build -c release "$@") >"$log" 2>&1; then
        grep -E "error" "$log" >&2 || tail -20 "$log" >&2
        echo "run.sh: the build failed" >&2
        exit 1
    fi
}

if [ "$build" = 1 ]; then
    build_in "$bench" --product tls-loadgen
    for name in $servers; do
        case "${build_of[$name]}" in
            root:*) build_in "$root" --traits TLS --scratch-path "$root/.build-tls" --product "${build_of[$name]#root:}" ;;
            bench:*) build_in "$bench" --product "${build_of[$name]#bench:}" ;;
        esac
    done
fi

start_server() {
    local name=$1
    ${command_of[$name]} --port 0 >"$work/$name.out" 2>"$work/$name.err" &
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
run_one() {
    local name=$1 scenario=$2 args key
    case "$scenario" in
        b) args="--scenario bursts --clients 50 --depth 16 --duration $duration"; key=lines_per_s ;;
        d) args="--scenario bursts --clients 1000 --depth 1 --duration $duration"; key=lines_per_s ;;
        h) args="--scenario handshakes --clients 32 --duration $duration"; key=connections_per_s ;;
        m) args="--scenario storm --clients $idle_clients"; key=bytes_per_connection ;;
    esac
    local runs="" line round
    for round in $(seq "$rounds"); do
        start_server "$name" || return 0
        echo "($scenario) $name, round $round of $rounds ..." >&2
        line=$("$tools/tls-loadgen" --port "$server_port" --server-pid "$server_pid" $args | grep '^RESULT' || true)
        stop_server
        [ -n "$line" ] && runs+="$(field "$line" "$key")"$'\t'"$line"$'\n'
    done
    [ -n "$runs" ] || return 0
    local count
    count=$(printf '%s' "$runs" | grep -c .)
    result[$name:$scenario]=$(printf '%s' "$runs" | sort -g | sed -n "$(( (count + 1) / 2 ))p" | cut -f2)
}

for scenario in $scenarios; do
    for name in $servers; do run_one "$name" "$scenario"; done
done

report() {
    echo "TLS echo benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, Linux $(uname -r), release builds, median of $rounds round(s)"
    for scenario in $scenarios; do
        echo
        case "$scenario" in
            b) echo "(b) 50 connections x 16 pipelined 64-byte lines, ${duration} s"
               printf '%-16s %12s %10s %10s %14s\n' server "lines/s" "mean us" "p99 us" "CPU us/line" ;;
            d) echo "(d) 1000 connections, one 64-byte line at a time each, ${duration} s"
               printf '%-16s %12s %10s %10s %14s\n' server "lines/s" "mean us" "p99 us" "CPU us/line" ;;
            h) echo "(h) new TLS connections (full handshakes), 32 at a time, ${duration} s"
               printf '%-16s %14s %10s %16s\n' server "connections/s" failed "CPU us/conn" ;;
            m) echo "(m) $idle_clients idle TLS connections"
               printf '%-16s %9s %12s %12s %12s\n' server served "RSS before" "RSS after" "bytes/idle" ;;
        esac
        for name in $servers; do
            local line=${result[$name:$scenario]:-}
            if [ -z "$line" ]; then printf '%-16s %s\n' "$name" "no result (see above)"; continue; fi
            case "$scenario" in
                b|d) printf '%-16s %12s %10s %10s %14s\n' "$name" "$(field "$line" lines_per_s)" "$(field "$line" mean_us)" \
                        "$(field "$line" p99_us)" "$(field "$line" server_cpu_us_per_line)" ;;
                h) printf '%-16s %14s %10s %16s\n' "$name" "$(field "$line" connections_per_s)" "$(field "$line" failed)" \
                        "$(field "$line" server_cpu_us_per_connection)" ;;
                m) printf '%-16s %9s %10s K %10s K %12s\n' "$name" "$(field "$line" served)" "$(field "$line" rss_before_kib)" \
                        "$(field "$line" rss_after_kib)" "$(field "$line" bytes_per_connection)" ;;
            esac
        done
    done
}

mkdir -p "$bench/results"
report | tee "$bench/results/tls-$(date -u '+%Y%m%d-%H%M%S').txt"
