#!/usr/bin/env bash
# SMTP benchmark: smtp-server (release build) against CPython 3.11's smtpd,
# in the same run, with the same C load generator (lock-step, no pipelining).
#   (a) 1 connection, 2,000 messages of 1 KiB
#   (b) 20 connections, 20,000 messages of 4 KiB
#   (c) 1 connection, 200 messages of 1 MiB (smtpd and --discard; then --maildir on a temp dir,
#       next to the disk's ceiling: the same file work without SMTP)
# Then, with Postfix's smtp-source as the client and smtp-sink as the anchor
# (Debian: DEBIAN_FRONTEND=noninteractive apt-get install -y postfix, after
# `echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections`;
# the daemon need not run), the storage targets of issue 13:
#   (d) --maildir, 1 KiB messages: 20 sessions against 1 session
#   (e) --maildir, 200 x 1 MiB over 1 session against the disk's ceiling
#   (f) NOOP latency of another session while 1 MiB messages are stored
#   (g) --discard against smtp-sink, 1 KiB messages over 1 and 20 sessions
# Usage: Benchmarks/smtp/run.sh [python3.11]   (from anywhere)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${1:-python3.11}"
work="$(mktemp -d)"
servers=()
cleanup() {
    for pid in "${servers[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

echo "building smtp-server (release) and the load generator..." >&2
(cd "$root" && swift build -c release --product smtp-server >&2)
binary="$(cd "$root" && swift build -c release --show-bin-path)/smtp-server"
gcc -O2 -pthread -o "$work/loadgen" "$here/loadgen.c"

# start NAME COMMAND...: runs a server on a free port; sets $port and $pid.
start() {
    local name="$1"; shift
    "$@" > "$work/$name.out" 2> "$work/$name.err" &
    pid=$!
    servers+=("$pid")
    for _ in $(seq 100); do
        if grep -q '^listening on' "$work/$name.out" 2>/dev/null; then break; fi
        sleep 0.05
    done
    port="$(head -1 "$work/$name.out" | sed 's/.*://')"
}

stop() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# run LABEL CONNECTIONS MESSAGES SIZE -> prints messages/s (best of 3)
measure() {
    local best=0
    for _ in 1 2 3; do
        local rate
        rate="$("$work/loadgen" 127.0.0.1 "$port" "$2" "$3" "$4" | awk '{print $3}')"
        best="$(awk -v a="$best" -v b="$rate" 'BEGIN { print (b > a) ? b : a }')"
    done
    echo "$best"
}

declare -A result
scenarios=("a 1 2000 1024" "b 20 20000 4096" "c 1 200 1048576")

start smtpd "$python" "$here/smtpd_baseline.py" 0
smtpd_pid=$pid
for scenario in "${scenarios[@]}"; do
    set -- $scenario
    result[smtpd,$1]="$(measure "$1" "$2" "$3" "$4")"
done
stop "$smtpd_pid"

start discard "$binary" --port 0 --quiet --discard --hostname bench.test
discard_pid=$pid
for scenario in "${scenarios[@]}"; do
    set -- $scenario
    result[discard,$1]="$(measure "$1" "$2" "$3" "$4")"
done
stop "$discard_pid"

start maildir "$binary" --port 0 --quiet --maildir "$work/Maildir" --hostname bench.test
maildir_pid=$pid
set -- c 1 200 1048576
result[maildir,c]="$(measure c 1 200 1048576)"
stored="$(ls "$work/Maildir/new" | wc -l)"
stop "$maildir_pid"

ceiling="$("$python" "$here/disk_ceiling.py" "$work/ceiling" 200 1048576)"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
echo
echo "| scenario | CPython 3.11 smtpd | smtp-server --discard | ratio | smtp-server --maildir |"
echo "|---|---|---|---|---|"
echo "| (a) 1 conn, 2,000 x 1 KiB | ${result[smtpd,a]} msg/s | ${result[discard,a]} msg/s | $(ratio "${result[discard,a]}" "${result[smtpd,a]}") | |"
echo "| (b) 20 conns, 20,000 x 4 KiB | ${result[smtpd,b]} msg/s | ${result[discard,b]} msg/s | $(ratio "${result[discard,b]}" "${result[smtpd,b]}") | |"
echo "| (c) 1 conn, 200 x 1 MiB | ${result[smtpd,c]} msg/s | ${result[discard,c]} msg/s | $(ratio "${result[discard,c]}" "${result[smtpd,c]}") | ${result[maildir,c]} msg/s ($stored files, fsync each) |"
echo
echo "Disk ceiling for (c): the Maildir file work alone (write 1 MiB, fsync, rename, fsync dir): $ceiling files/s"

if ! command -v smtp-source > /dev/null || ! command -v smtp-sink > /dev/null; then
    echo
    echo "smtp-source/smtp-sink not found (Debian package postfix): scenarios (d) to (g) skipped"
    exit 0
fi

# source_once SESSIONS MESSAGES SIZE PORT -> prints messages/s
source_once() {
    local start end
    start=$(date +%s.%N)
    smtp-source -d -s "$1" -m "$2" -l "$3" -f sender@bench.test -t rcpt@bench.test "127.0.0.1:$4"
    end=$(date +%s.%N)
    awk -v n="$2" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }'
}

# source_rate SESSIONS MESSAGES SIZE PORT -> prints messages/s (best of 3)
source_rate() {
    local best=0
    for _ in 1 2 3; do
        best="$(awk -v a="$best" -v b="$(source_once "$@")" 'BEGIN { print (b > a) ? b : a }')"
    done
    echo "$best"
}

free_port() { "$python" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }

start maildir2 "$binary" --port 0 --quiet --maildir "$work/Maildir2" --hostname bench.test
maildir_pid=$pid
result[maildir,d1]="$(source_rate 1 2000 1024 "$port")"
result[maildir,d20]="$(source_rate 20 2000 1024 "$port")"
result[maildir,e]="$(source_rate 1 200 1048576 "$port")"
smtp-source -d -s 1 -m 200 -l 1048576 -f sender@bench.test -t rcpt@bench.test "127.0.0.1:$port" &
loader=$!
noop="$("$python" "$here/noop_probe.py" "$port" 1000)"
wait "$loader"
stop "$maildir_pid"
ceiling_e="$("$python" "$here/disk_ceiling.py" "$work/ceiling-e" 200 1048576)"

# Both servers run at once and are measured in turn, round after round, so
# a change in the machine's load touches both alike; best of 3 rounds.
start discard2 "$binary" --port 0 --quiet --discard --hostname bench.test
discard_pid=$pid
discard_port=$port
sink_port="$(free_port)"
# smtp-sink refuses to run as root without a user to become.
sink_user=()
[ "$(id -u)" = 0 ] && sink_user=(-u nobody)
smtp-sink "${sink_user[@]}" "127.0.0.1:$sink_port" 256 &
sink_pid=$!
servers+=("$sink_pid")
sleep 0.5
for key in discard,g1 discard,g20 sink,g1 sink,g20; do result[$key]=0; done
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (b > a) ? b : a }'; }
for _ in 1 2 3; do
    for sessions in 1 20; do
        result[discard,g$sessions]="$(best "${result[discard,g$sessions]}" "$(source_once "$sessions" 20000 1024 "$discard_port")")"
        result[sink,g$sessions]="$(best "${result[sink,g$sessions]}" "$(source_once "$sessions" 20000 1024 "$sink_port")")"
    done
done
stop "$discard_pid"
stop "$sink_pid"

echo
echo "| scenario (smtp-source) | smtp-server | reference | ratio |"
echo "|---|---|---|---|"
echo "| (d) --maildir 1 KiB, 20 sessions vs 1 | ${result[maildir,d20]} msg/s | ${result[maildir,d1]} msg/s | $(ratio "${result[maildir,d20]}" "${result[maildir,d1]}") |"
echo "| (e) --maildir 200 x 1 MiB vs disk ceiling | ${result[maildir,e]} msg/s | $ceiling_e files/s | $(ratio "${result[maildir,e]}" "$ceiling_e") |"
echo "| (g) --discard 1 KiB, 1 session vs smtp-sink | ${result[discard,g1]} msg/s | ${result[sink,g1]} msg/s | $(ratio "${result[discard,g1]}" "${result[sink,g1]}") |"
echo "| (g) --discard 1 KiB, 20 sessions vs smtp-sink | ${result[discard,g20]} msg/s | ${result[sink,g20]} msg/s | $(ratio "${result[discard,g20]}" "${result[sink,g20]}") |"
echo
echo "(f) NOOP latency while 1 MiB messages are stored: $noop"
