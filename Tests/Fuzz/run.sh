#!/usr/bin/env bash
# Builds and runs the libFuzzer targets of SwiftAsyncore.
#
#   Tests/Fuzz/run.sh --list           the targets, one a line
#   Tests/Fuzz/run.sh NAME SECONDS     build NAME (if its sources changed) and fuzz it
#   Tests/Fuzz/run.sh all SECONDS      every target in turn, SECONDS each
#   Tests/Fuzz/run.sh NAME FILE...     replay files (a crasher) through NAME once
#
# Each target is Tests/Fuzz/NAME/*.swift plus Tests/Fuzz/Shared, compiled with
# `swiftc -sanitize=fuzzer,address`, together with the library module whose
# internals it reaches. Builds, the working corpus (new inputs found), logs and
# crash artifacts live under Tests/Fuzz/.work; the committed seeds in
# Tests/Fuzz/NAME/corpus are only read. Exits non-zero when a run finds a crash,
# a leak, a timeout or an out-of-memory.
#
# Extra libFuzzer flags can be passed in FUZZ_FLAGS (for example -jobs=2).
set -euo pipefail
# The Swift runtime's backtracer trips over ASan's shadow memory and slows every crash report.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK="$HERE/.work"
TARGETS=(framing smtp transcript tls)
SWIFTC=${SWIFTC:-swiftc}
FLAGS=(-sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6 -package-name SwiftAsyncore)
# lld: gold warns about every ASan helper symbol it cannot export.
LINK_FLAGS=(-use-ld=lld)

usage() {
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# The library modules a target links, and the module its own files join
# (the one whose internals it tests), with that module's sources.
target_libraries() {
    case $1 in
        framing) echo "AsyncCore AsyncChat" ;;
        smtp) echo "AsyncCore AsyncChat AsyncTLS" ;;
        transcript) echo "AsyncCore" ;;
        tls) echo "AsyncCore AsyncChat AsyncTLS" ;;
    esac
}
target_module() {
    case $1 in
        framing) echo "FramingFuzz" ;;
        smtp) echo "SMTP" ;;
        transcript) echo "ProtocolTesting" ;;
        tls) echo "TLSFuzz" ;;
    esac
}
target_module_sources() {
    case $1 in
        framing) ;;
        smtp) find "$ROOT/Protocols/SMTP" -name '*.swift' | sort ;;
        transcript) find "$ROOT/Sources/ProtocolTesting" -name '*.swift' | sort ;;
        tls) ;;
    esac
}

# AsyncTLS is built with the TLS trait's condition and the OpenSSL shims
# (the system's OpenSSL 3: libssl-dev), and whatever links it links libssl.
TLS_FLAGS=(-D TLS -I "$ROOT/Sources/CSSL")
TLS_LINK_FLAGS=(-lssl -lcrypto)

# A fingerprint of the compiler, the flags and the given files' contents.
fingerprint() {
    { "$SWIFTC" -version 2>&1; echo "${FLAGS[*]}"; for file in "$@"; do echo "$file"; cat "$file"; done; } | sha1sum | cut -d' ' -f1
}

# Builds libNAME.a and NAME.swiftmodule under .work/lib unless they are up to date.
build_library() {
    local name=$1
    local sources
    mapfile -t sources < <(find "$ROOT/Sources/$name" -name '*.swift' | sort)
    local stamp
    stamp=$(fingerprint "${sources[@]}" "$ROOT/Sources/CSystem/csystem.h" "$ROOT/Sources/CSystem/module.modulemap" "$ROOT/Sources/CSSL/cssl.h" $(for dependency in "${@:2}"; do echo "$WORK/lib/$dependency.stamp"; done))
    if [[ -f "$WORK/lib/$name.stamp" && $(cat "$WORK/lib/$name.stamp") == "$stamp" ]]; then return; fi
    echo "building $name (libFuzzer + ASan)..." >&2
    mkdir -p "$WORK/lib"
    rm -f "$WORK/lib/$name.stamp"
    "$SWIFTC" "${FLAGS[@]}" "${TLS_FLAGS[@]}" -module-name "$name" -I "$ROOT/Sources/CSystem" -I "$WORK/lib" "${sources[@]}" \
        -emit-library -static -emit-module -emit-module-path "$WORK/lib/$name.swiftmodule" -o "$WORK/lib/lib$name.a"
    echo "$stamp" > "$WORK/lib/$name.stamp"
}

build_target() {
    local name=$1
    local libraries
    read -r -a libraries <<< "$(target_libraries "$name")"
    local built=()
    for library in "${libraries[@]}"; do
        build_library "$library" "${built[@]}"
        built+=("$library")
    done
    local sources
    mapfile -t sources < <({ find "$HERE/$name" "$HERE/Shared" -maxdepth 1 -name '*.swift'; target_module_sources "$name"; } | sort)
    local stamp
    stamp=$(fingerprint "${sources[@]}" $(for library in "${libraries[@]}"; do echo "$WORK/lib/$library.stamp"; done))
    mkdir -p "$WORK/bin"
    if [[ -x "$WORK/bin/$name" && -f "$WORK/bin/$name.stamp" && $(cat "$WORK/bin/$name.stamp") == "$stamp" ]]; then return; fi
    echo "building fuzz target $name..." >&2
    rm -f "$WORK/bin/$name.stamp"
    local archives=()
    for library in "${libraries[@]}"; do archives=("$WORK/lib/lib$library.a" "${archives[@]}"); done
    local tls_link=()
    [[ " ${libraries[*]} " == *" AsyncTLS "* ]] && tls_link=("${TLS_LINK_FLAGS[@]}")
    "$SWIFTC" "${FLAGS[@]}" "${TLS_FLAGS[@]}" -module-name "$(target_module "$name")" -I "$ROOT/Sources/CSystem" -I "$WORK/lib" \
        "${sources[@]}" "${archives[@]}" "${LINK_FLAGS[@]}" "${tls_link[@]}" -o "$WORK/bin/$name"
    echo "$stamp" > "$WORK/bin/$name.stamp"
}

# libFuzzer's flags for NAME: its dictionary if it has one, artifacts under .work.
fuzzer_flags() {
    local name=$1
    mkdir -p "$WORK/artifacts/$name"
    echo "-artifact_prefix=$WORK/artifacts/$name/ -timeout=10 -rss_limit_mb=2048 -print_final_stats=1"
    if [[ -f "$HERE/$name/$name.dict" ]]; then echo "-dict=$HERE/$name/$name.dict"; fi
}

run_target() {
    local name=$1 seconds=$2
    build_target "$name"
    mkdir -p "$WORK/corpus/$name" "$WORK/logs"
    local log="$WORK/logs/$name.log"
    echo "fuzzing $name for $seconds s (log: ${log#"$ROOT/"})" >&2
    local status=0
    # New inputs go to the first directory (.work); the committed seeds are only read.
    # shellcheck disable=SC2046
    "$WORK/bin/$name" $(fuzzer_flags "$name") ${FUZZ_FLAGS:-} -max_total_time="$seconds" \
        "$WORK/corpus/$name" "$HERE/$name/corpus" > "$log" 2>&1 || status=$?
    summarize "$name" "$log" "$status"
    return "$status"
}

# One line from the log: executions, speed, coverage, and the crash if any.
summarize() {
    local name=$1 log=$2 status=$3
    local executions speed coverage features corpus
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    features=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corpus=$(grep -o 'corp: [0-9]*/[0-9a-zA-Z]*' "$log" | tail -1 | cut -d' ' -f2)
    echo "$name: ${executions:-?} execs, ${speed:-?} execs/s, cov ${coverage:-?}, ft ${features:-?}, corpus ${corpus:-?}, exit $status"
    if [[ $status -ne 0 ]]; then
        grep -E 'ERROR: |Fatal error|SUMMARY|Test unit written|^case:|^reads:|^expected|^channel' "$log" | head -20 >&2 || true
    fi
}

[[ $# -ge 1 ]] || usage
case $1 in
    --list)
        printf '%s\n' "${TARGETS[@]}"
        ;;
    all)
        [[ $# -eq 2 && $2 =~ ^[0-9]+$ ]] || usage
        failed=0
        for name in "${TARGETS[@]}"; do run_target "$name" "$2" || failed=1; done
        exit "$failed"
        ;;
    *)
        [[ " ${TARGETS[*]} " == *" $1 "* ]] || { echo "unknown target '$1'; targets: ${TARGETS[*]}" >&2; exit 2; }
        [[ $# -ge 2 ]] || usage
        if [[ $# -eq 2 && $2 =~ ^[0-9]+$ ]]; then
            run_target "$1" "$2"
        else
            build_target "$1"
            name=$1
            shift
            "$WORK/bin/$name" $(fuzzer_flags "$name") "$@"
        fi
        ;;
esac
