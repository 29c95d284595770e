#!/usr/bin/env bash
# Office 365 benchmark: generated mailboxes (BENCH_MESSAGES each, default 5,000 / ~400 MB) copied from Dovecot into the
# local Office 365 stand-ins (Entra ID token endpoint, Graph, Dovecot as Exchange Online's IMAP with XOAUTH2) by the
# headless product's real commands, with Exchange-like throttling in front of the IMAP stand-in. Prints messages/s,
# MB/s, the time spent throttled (from the batch report), the share of the wall time that throttling allows to use,
# and the peak RSS. Nothing here reaches Microsoft.
#
# Usage: bench/office365.sh
# Environment:
#   BENCH_MESSAGES      messages per mailbox (default 5000)
#   BENCH_USERS         mailboxes migrated in parallel (default 1)
#   BENCH_USERS_SERIES  e.g. "1 2 4": one run per count, each with fresh servers, then a table with the scaling
#                       factor against the first run and the share of the tenant's limit used (replaces BENCH_USERS)
#   BENCH_SEED          corpus seed (default 42)
#   BENCH_THROTTLE      EVERY:MILLIS, every EVERY-th APPEND is answered "Request is throttled. Suggested Backoff Time:
#                       MILLIS milliseconds" and the connection ends, as Exchange does (default 1000:2000; 0 = none)
#   BENCH_TENANT_RATE   at most this many APPENDs a second over all mailboxes (the tenant-wide limit; default none);
#                       beyond it the same answer, with the time until the limit allows the APPEND
#   BENCH_MAILBOX_RATE  at most this many APPENDs a second into each mailbox (default none)
#   BENCH_MODE          imap (default: APPEND to Exchange's IMAP) or graph (Graph-only mode: every message through
#                       Microsoft Graph)
#   BENCH_FLAG_PERCENT  after the first pass, \Flagged is set on this share of each mailbox's messages (in INBOX, the
#                       lowest UIDs) and a second pass is timed (default 1; 0 = no second pass)
#   BENCH_WORK          scratch directory (default bench/work/office365)
# Needs: java 17+, dovecot, /usr/bin/time, and the built headless product, core/demo jars and Gson (built if missing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MESSAGES="${BENCH_MESSAGES:-5000}"
USERS="${BENCH_USERS:-1}"
SEED="${BENCH_SEED:-42}"
THROTTLE="${BENCH_THROTTLE:-1000:2000}"
TENANT_RATE="${BENCH_TENANT_RATE:-0}"
MAILBOX_RATE="${BENCH_MAILBOX_RATE:-0}"
SERIES="${BENCH_USERS_SERIES:-$USERS}"
MODE="${BENCH_MODE:-imap}"
FLAG_PERCENT="${BENCH_FLAG_PERCENT:-1}"
case "$MODE" in imap | graph) ;; *) echo "bench: BENCH_MODE is imap or graph, not $MODE" >&2; exit 2 ;; esac
BASE_WORK="${BENCH_WORK:-$ROOT/bench/work/office365}"

# shellcheck source=bench/demo-environment.sh
. "$ROOT/bench/demo-environment.sh"
export MAILFERRY="${MAILFERRY:-$HEADLESS_PRODUCT/mailferry}"
die() { echo "bench: $*" >&2; exit 1; }
build_if_missing
CP="$(demo_classpath)"
trap stop_demo_environment EXIT

run_once() {
    local USERS="$1" WORK="$BASE_WORK/$1-mailboxes"
    rm -rf "$WORK"
    mkdir -p "$WORK"
    THROTTLE_ARGS=()
    [ "$THROTTLE" != 0 ] && THROTTLE_ARGS+=(--throttle "$THROTTLE")
    [ "$TENANT_RATE" != 0 ] && THROTTLE_ARGS+=(--tenant-rate "$TENANT_RATE")
    [ "$MAILBOX_RATE" != 0 ] && THROTTLE_ARGS+=(--mailbox-rate "$MAILBOX_RATE")
    start_demo_environment "$WORK/environment.log" 450 --dir "$WORK/servers" --users "$USERS" --preset benchmark \
        --messages "$MESSAGES" --seed "$SEED" --env-file "$WORK/env.sh" --fsync --office365 "${THROTTLE_ARGS[@]}"
    # shellcheck disable=SC1091
    . "$WORK/env.sh"
    sed -n '1p' "$WORK/environment.log" | sed 's/^/office365: /'

    export MAILFERRY_SECRETS_DIR="$WORK/secrets"
    export MAILFERRY_PROJECT="$WORK/project"
    export CLIENT_SECRET="$MF_O365_CLIENT_SECRET"
    "$MAILFERRY" project create "$MAILFERRY_PROJECT" --name office365-bench >/dev/null
    "$MAILFERRY" source set --host "$MF_SOURCE_HOST" --port "$MF_SOURCE_PORT" --security none >/dev/null
    "$MAILFERRY" target set --connector office365 --set "tenant=$MF_O365_TENANT" --set "client.id=$MF_O365_CLIENT_ID" \
        --set "login.url=$MF_O365_LOGIN_URL" --set "graph.url=$MF_O365_GRAPH_URL" --set "imap.host=$MF_O365_IMAP_HOST" \
        --set "imap.port=$MF_O365_IMAP_PORT" --set "mode=$MODE" --trust-cert "$MF_O365_TRUST" \
        --password-env CLIENT_SECRET >/dev/null
    "$MAILFERRY" mailboxes import "$MF_CSV" >/dev/null
    "$MAILFERRY" batch create bench >/dev/null

    LOAD=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -v -o "$WORK/time.txt" "$MAILFERRY" batch start bench --quiet || die "batch start failed (exit $?)"
    "$MAILFERRY" batch report bench >/dev/null
    ELAPSED=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$WORK/time.txt")
    RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    SUMMARY="$MAILFERRY_PROJECT/reports/bench-summary.csv"
    # mailbox rows: column 5 copied, 9 bytes copied, 12 last pass throttled (s)
    read -r COPIED BYTES THROTTLED < <(awk -F',' 'NR>1 && $2=="(all folders)" {c+=$5; b+=$9; t+=$12} END {print c, b, t}' "$SUMMARY")
    # the report rounds to whole seconds; the batch log has every wait in milliseconds
    read -r WAITS WAITED_MS < <(cat "$MAILFERRY_PROJECT"/logs/*.log | grep -o 'throttled by the target, waiting [0-9]* ms' \
        | awk '{n++; ms+=$6} END {print n+0, ms+0}')
    THROTTLED=$(awk -v r="$THROTTLED" -v ms="$WAITED_MS" 'BEGIN {s=ms/1000; print (s>r ? s : r)}')
    if [ "$FLAG_PERCENT" != 0 ]; then
        # flags changed on the source: what a nightly incremental pass finds
        local FLAGGED=$((MESSAGES * FLAG_PERCENT / 100)) i user start end
        for i in $(seq 1 "$USERS"); do
            user="MF_USER_${i}_SOURCE_USER"
            doveadm -c "$WORK/servers/source/dovecot.conf" flags add -u "${!user}" '\Flagged' mailbox INBOX \
                uid "1:$FLAGGED" || die "doveadm could not flag messages of ${!user}"
        done
        start=$(date +%s.%N)
        "$MAILFERRY" batch start bench --quiet || die "the pass after the flag changes failed (exit $?)"
        end=$(date +%s.%N)
        awk -v s="$start" -v e="$end" -v n="$FLAGGED" -v u="$USERS" -v m="$MODE" 'BEGIN {printf \
            "office365: pass after \\Flagged was set on up to %d messages in each of %d mailbox(es) (mode %s): %.2f s\n", \
            n, u, m, e - s}'
    fi
    stop_demo_environment
    grep '^graph stand-in:' "$WORK/environment.log" | sed 's/^/office365: /' || true
    grep '^throttling proxy:' "$WORK/environment.log" | sed 's/^/office365: /' || true
    echo "$USERS $ELAPSED $COPIED $BYTES $THROTTLED $RSS_KB $WAITS $LOAD" >>"$RUNS"
    python3 - "$ELAPSED" "$COPIED" "$BYTES" "$THROTTLED" "$RSS_KB" "$USERS" "$THROTTLE" "$WAITS" "$MODE" <<'EOF'
import sys
elapsed, copied, size, throttled, rss, users, throttle, waits = float(sys.argv[1]), int(sys.argv[2]), \
    int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7], int(sys.argv[8])
# the mailboxes wait in parallel: the wall time lost to throttling is about the time of one mailbox
lost = throttled / users
print(f"office365 ({sys.argv[9]} mode): {users} mailbox(es), {copied} messages, {size / 1e6:.1f} MB in {elapsed:.1f} s: "
      f"{copied / elapsed:.0f} msg/s, {size / 1e6 / elapsed:.1f} MB/s; throttled {waits} times, {throttled:.1f} s in all "
      f"(throttle {throttle}); peak RSS {rss / 1024:.0f} MB")
if lost > 0 and elapsed > lost:
    print(f"office365: without the waits the throttling imposed: {copied / (elapsed - lost):.0f} msg/s")
EOF
}

rm -rf "$BASE_WORK"
mkdir -p "$BASE_WORK"
RUNS="$BASE_WORK/runs.txt"
: >"$RUNS"
for count in $SERIES; do
    run_once "$count"
done
# one row per run: the scaling against the first run, and against linear scaling capped by the tenant's limit
python3 - "$RUNS" "$TENANT_RATE" "$MAILBOX_RATE" "$THROTTLE" <<'EOF'
import sys
runs = [line.split() for line in open(sys.argv[1]) if line.strip()]
tenant, mailbox, throttle = float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
print(f"office365 series: tenant limit {tenant:g} msg/s, mailbox limit {mailbox:g} msg/s, throttle {throttle}"
      if tenant or mailbox else f"office365 series: no rate limits, throttle {throttle}")
print("| mailboxes | messages | MB | seconds | msg/s | MB/s | throttled: times, s (all mailboxes) | peak RSS | "
      "x first run | of linear up to the tenant limit | of the tenant limit | load at start |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
first = None
for users, elapsed, copied, size, throttled, rss, waits, load in runs:
    users, elapsed, copied, size = int(users), float(elapsed), int(copied), int(size)
    rate = copied / elapsed
    if first is None:
        first = (users, rate)
    # what linear scaling from the first run allows, capped by the tenant-wide limit
    linear = first[1] * users / first[0]
    allowed = min(linear, tenant) if tenant else linear
    share = f"{rate / tenant:.0%}" if tenant else "-"
    print(f"| {users} | {copied:,} | {size / 1e6:.1f} | {elapsed:.1f} | {rate:.0f} | {size / 1e6 / elapsed:.1f} | "
          f"{waits}, {float(throttled):.2f} | {int(rss) / 1024:.0f} MB | {rate / first[1]:.2f} | {rate / allowed:.0%} | {share} | {load} |")
EOF
