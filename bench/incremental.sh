#!/usr/bin/env bash
# Incremental-pass benchmark: one mailbox of BENCH_MESSAGES small generated messages (default 100,000) in a Dovecot
# Maildir, copied once by the headless product's `batch start` into another Dovecot on loopback; then timed: idle
# passes (nothing changed on the source), a pass after a flag changed on 1% of the messages and one after a keyword was
# set on 0.1% of them. Prints wall seconds, CPU seconds and peak RSS of each `mailferry batch start`, JVM start
# included.
#
# Usage: bench/incremental.sh
# Environment:
#   BENCH_MESSAGES  messages in the mailbox (default 100000)
#   BENCH_SEED      corpus seed (default 42)
#   BENCH_IDLE_RUNS idle passes timed (default 3; the median is printed too)
#   BENCH_WORK      scratch directory (default bench/work/incremental)
# Needs: java 17+, dovecot, /usr/bin/time, python3, and the built headless product and core/demo jars (built if missing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MESSAGES="${BENCH_MESSAGES:-100000}"
SEED="${BENCH_SEED:-42}"
IDLE_RUNS="${BENCH_IDLE_RUNS:-3}"
WORK="${BENCH_WORK:-$ROOT/bench/work/incremental}"

# shellcheck source=bench/demo-environment.sh
. "$ROOT/bench/demo-environment.sh"
export MAILFERRY="${MAILFERRY:-$HEADLESS_PRODUCT/mailferry}"
die() { echo "bench: $*" >&2; exit 1; }
build_if_missing
CP="$(demo_classpath)"
trap stop_demo_environment EXIT

rm -rf "$WORK"
mkdir -p "$WORK"
echo "Generating $MESSAGES messages (preset small, seed $SEED) ..."
start_demo_environment "$WORK/environment.log" 1800 --dir "$WORK" --users 1 --preset small --messages "$MESSAGES" \
    --seed "$SEED" --env-file "$WORK/env.sh"
. "$WORK/env.sh"
export MF_SOURCE_HOST MF_SOURCE_PORT MF_SOURCE_IMAPS_PORT MF_TARGET_HOST MF_TARGET_PORT MF_TARGET_IMAPS_PORT MF_CSV \
    MF_TARGET_CSV MF_SOURCE_CERT_SHA256 MF_TARGET_CERT_SHA256
"$ROOT/bench/mailferry-migrate.sh" setup >"$WORK/setup.log"

# pass LABEL: one `batch start`, timed; prints a row
pass() {
    local label="$1" timing="$WORK/time-$1.txt" start end
    start=$(date +%s.%N)
    /usr/bin/time -v -o "$timing" "$ROOT/bench/mailferry-migrate.sh" start >"$WORK/pass-$label.log" 2>&1 \
        || { cat "$WORK/pass-$label.log" >&2; die "pass $label failed"; }
    end=$(date +%s.%N)
    python3 - "$label" "$start" "$end" "$timing" <<'PY'
import sys
label, start, end, timing = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
cpu = rss = 0.0
for line in open(timing):
    key, _, value = line.strip().rpartition(": ")
    if key in ("User time (seconds)", "System time (seconds)"):
        cpu += float(value)
    elif key == "Maximum resident set size (kbytes)":
        rss = int(value) / 1024
print(f"{label:<22} {end - start:8.2f} s wall {cpu:7.2f} s CPU {rss:7.0f} MB peak RSS", flush=True)
PY
}

echo "Mailbox: $MF_MESSAGES messages, $((MF_BYTES / 1000000)) MB"
pass first
for i in $(seq 1 "$IDLE_RUNS"); do
    pass "idle-$i"
done
# a flag changed on 1% of the messages, in INBOX (the largest folder)
CHANGED=$((MESSAGES / 100))
doveadm -c "$WORK/source/dovecot.conf" flags add -u "$MF_USER_1_SOURCE_USER" '\Flagged' mailbox INBOX \
    uid "1:$CHANGED" 2>&1 | head -3
doveadm -c "$WORK/source/dovecot.conf" search -u "$MF_USER_1_SOURCE_USER" mailbox INBOX flagged | wc -l \
    | xargs -I{} echo "flagged in INBOX now: {} messages"
pass "flags-1pct"
pass "idle-after"
# a keyword set on 0.1% of the messages, in INBOX: where a pass reads only the changes, it costs less than the 1% one
doveadm -c "$WORK/source/dovecot.conf" flags add -u "$MF_USER_1_SOURCE_USER" '$Bench' mailbox INBOX \
    uid "$((CHANGED + 1)):$((CHANGED + CHANGED / 10))" 2>&1 | head -3
pass "flags-0.1pct"
