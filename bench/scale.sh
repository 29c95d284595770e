#!/usr/bin/env bash
# Scale benchmark: first passes of one mailbox of 10,000, 100,000 and 500,000 plain-text-sized messages (preset text,
# 1-8 KB, generated straight into the source Maildir), one mailbox larger than the item limit (the newest 500,000 must
# be copied), and many small mailboxes holding as many messages as one large one, under a cap on source connections.
# Each case gets fresh Dovecots on loopback and the headless product's real commands. Prints one row per case: messages
# copied and skipped, wall and CPU seconds, msg/s, microseconds per message (flat when time is linear), peak RSS, the
# state database's size, the CPU seconds the source and the target Dovecot spent (their processes' ended children:
# where wall time goes that is not Mailferry's), and the most connections the source server had open at once (from its
# log).
#
# Usage: bench/scale.sh
# Environment:
#   BENCH_SIZES            messages of the single-mailbox cases (default "10000 100000 500000")
#   BENCH_OVER_LIMIT       a case of 500,000 + this many messages with the default item limit (default 10000, more than
#                          the corpus's messages flagged \Deleted, which are skipped before the limit counts; 0: none)
#   BENCH_MAILBOXES        mailboxes of the many-mailbox case (default 50; 0: none)
#   BENCH_MANY_TOTAL       messages of the many-mailbox case, all mailboxes together (default 100000)
#   BENCH_MAX_CONNECTIONS  the source's connection cap in every case (`source set --max-connections`, default 8)
#   BENCH_PARALLEL         mailboxes at once in the many-mailbox case (`batch create --parallel`, default 8)
#   BENCH_SEED             corpus seed (default 42)
#   BENCH_WORK             scratch directory (default bench/work/scale)
# Needs: java 17+, dovecot, /usr/bin/time, python3, and the built headless product and core/demo jars (built if missing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES="${BENCH_SIZES:-10000 100000 500000}"
OVER_LIMIT="${BENCH_OVER_LIMIT:-10000}"
MAILBOXES="${BENCH_MAILBOXES:-50}"
MANY_TOTAL="${BENCH_MANY_TOTAL:-100000}"
MAX_CONNECTIONS="${BENCH_MAX_CONNECTIONS:-8}"
PARALLEL="${BENCH_PARALLEL:-8}"
SEED="${BENCH_SEED:-42}"
WORK="${BENCH_WORK:-$ROOT/bench/work/scale}"
ITEM_LIMIT=500000 # `batch create --max-items` default, Exchange Online's limit

# shellcheck source=bench/demo-environment.sh
. "$ROOT/bench/demo-environment.sh"
export MAILFERRY="${MAILFERRY:-$HEADLESS_PRODUCT/mailferry}"
die() { echo "bench: $*" >&2; exit 1; }
build_if_missing
CP="$(demo_classpath)"
trap stop_demo_environment EXIT
rm -rf "$WORK"
mkdir -p "$WORK"

printf '%-26s %9s %7s %8s %7s %7s %8s %8s %9s %8s %8s %6s %s\n' case copied skipped "wall s" "CPU s" "msg/s" \
    "µs/msg" "RSS MB" "state MB" "src CPU" "tgt CPU" "conns" "load"

# dovecot_cpu SERVER_DIR: CPU seconds of the Dovecot instance's ended processes (the master reaps them all)
dovecot_cpu() {
    local pid
    pid=$(cat "$1/run/master.pid")
    awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15 + $16 + $17) / hz }' "/proc/$pid/stat"
}

# run_case LABEL USERS MESSAGES_PER_USER [BATCH OPTIONS...]: fresh servers, setup, one timed first pass, one row.
run_case() {
    local label="$1" users="$2" messages="$3" dir="$WORK/$1" generated load
    shift 3
    mkdir -p "$dir"
    generated=$(date +%s.%N)
    start_demo_environment "$dir/environment.log" 3600 --dir "$dir" --users "$users" --preset text \
        --messages "$messages" --seed "$SEED" --env-file "$dir/env.sh"
    # shellcheck disable=SC1091
    . "$dir/env.sh"
    echo "  ($label: $users × $messages messages generated in $(python3 -c "import time; print(round(time.time() - $generated))") s)" >&2
    export MF_SOURCE_HOST MF_SOURCE_PORT MF_SOURCE_IMAPS_PORT MF_TARGET_HOST MF_TARGET_PORT MF_TARGET_IMAPS_PORT \
        MF_CSV MF_TARGET_CSV MF_SOURCE_CERT_SHA256 MF_TARGET_CERT_SHA256
    BENCH_BATCH_OPTIONS="$*" BENCH_SOURCE_OPTIONS="--max-connections $MAX_CONNECTIONS" \
        "$ROOT/bench/mailferry-migrate.sh" setup >"$dir/setup.log"
    local project="$(dirname "$MF_CSV")/mailferry-project" log_lines start end
    log_lines=$(wc -l <"$MF_SOURCE_LOG")
    load=$(cut -d' ' -f1 /proc/loadavg)
    local source_cpu target_cpu
    source_cpu=$(dovecot_cpu "$dir/source")
    target_cpu=$(dovecot_cpu "$dir/target")
    start=$(date +%s.%N)
    /usr/bin/time -v -o "$dir/time.txt" "$ROOT/bench/mailferry-migrate.sh" start >"$dir/pass.log" 2>&1 \
        || { tail -20 "$dir/pass.log" >&2; die "the pass of $label failed"; }
    end=$(date +%s.%N)
    sleep 1 # the servers' last processes end after the logout
    source_cpu=$(python3 -c "print($(dovecot_cpu "$dir/source") - $source_cpu)")
    target_cpu=$(python3 -c "print($(dovecot_cpu "$dir/target") - $target_cpu)")
    MAILFERRY_PROJECT="$project" MAILFERRY_SECRETS_DIR="$(dirname "$MF_CSV")/mailferry-secrets" \
        "$MAILFERRY" batch report bench >"$dir/report.log"
    tail -n +"$((log_lines + 1))" "$MF_SOURCE_LOG" >"$dir/source-pass.log"
    python3 - "$label" "$start" "$end" "$dir/time.txt" "$project" "$dir/source-pass.log" "$load" \
        "$source_cpu" "$target_cpu" <<'PY'
import csv, os, re, sys
label, start, end, timing, project, log, load, source_cpu, target_cpu = sys.argv[1:10]
cpu = rss = 0.0
for line in open(timing):
    key, _, value = line.strip().rpartition(": ")
    if key in ("User time (seconds)", "System time (seconds)"):
        cpu += float(value)
    elif key == "Maximum resident set size (kbytes)":
        rss = int(value) / 1024
copied = skipped = 0
with open(os.path.join(project, "reports", "bench-summary.csv"), newline="", encoding="utf-8") as f:
    rows = csv.reader(f)
    header = next(rows)
    for row in rows:
        if row[1] == "(all folders)":
            copied += int(row[header.index("Copied")])
            skipped += int(row[header.index("Skipped")])
state = sum(os.path.getsize(os.path.join(project, n)) for n in os.listdir(project) if n.startswith("state.db"))
# connections the source had open at once: a login opens one, its process's logout or disconnection ends it
open_now = peak = 0
for line in open(log, encoding="utf-8", errors="replace"):
    if re.search(r"imap-login: (Info: )?Login:", line):
        open_now += 1
        peak = max(peak, open_now)
    elif re.search(r"imap\([^)]*\)<[^>]*>(<[^>]*>)?: (Info: )?(Logged out|Disconnected)", line):
        open_now -= 1
wall = float(end) - float(start)
print(f"{label:<26} {copied:9,d} {skipped:7,d} {wall:8.1f} {cpu:7.1f} {copied / wall:7.0f} {wall * 1e6 / max(copied, 1):8.0f}"
      f" {rss:8.0f} {state / 1e6:9.1f} {float(source_cpu):8.1f} {float(target_cpu):8.1f} {peak:6d} {load}", flush=True)
PY
}

# check_newest DIR: the target holds exactly the newest ITEM_LIMIT messages of the source (by internal date) that are
# not flagged \Deleted (those are skipped whatever the limit)
check_newest() {
    local dir="$1"
    # shellcheck disable=SC1091
    . "$dir/env.sh"
    doveadm -c "$dir/source/dovecot.conf" fetch -u "$MF_USER_1_SOURCE_USER" 'date.received' undeleted \
        | sed -n 's/^date.received: //p' | sort -r >"$dir/source-dates.txt"
    doveadm -c "$dir/target/dovecot.conf" fetch -u "$MF_USER_1_TARGET_USER" 'date.received' all \
        | sed -n 's/^date.received: //p' | sort -r >"$dir/target-dates.txt"
    if head -n "$ITEM_LIMIT" "$dir/source-dates.txt" | cmp -s - "$dir/target-dates.txt"; then
        echo "  item limit: the target holds the newest $ITEM_LIMIT of the source's $(wc -l <"$dir/source-dates.txt")" \
            "messages not flagged \\Deleted (internal dates compared)"
    else
        echo "  item limit: MISMATCH: the target's $(wc -l <"$dir/target-dates.txt") messages are not the source's newest $ITEM_LIMIT" >&2
        return 1
    fi
}

for size in $SIZES; do
    run_case "1 mailbox, $size" 1 "$size"
    stop_demo_environment
done
if [ "$OVER_LIMIT" -gt 0 ]; then
    label="1 mailbox, $((ITEM_LIMIT + OVER_LIMIT)) (limit)"
    run_case "$label" 1 "$((ITEM_LIMIT + OVER_LIMIT))"
    check_newest "$WORK/$label"
    stop_demo_environment
fi
if [ "$MAILBOXES" -gt 0 ]; then
    run_case "$MAILBOXES mailboxes × $((MANY_TOTAL / MAILBOXES))" "$MAILBOXES" "$((MANY_TOTAL / MAILBOXES))" \
        --parallel "$PARALLEL"
    stop_demo_environment
fi
echo "connection cap on the source: $MAX_CONNECTIONS (conns: the most the source's log shows open at once)"
