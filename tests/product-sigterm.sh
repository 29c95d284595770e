#!/usr/bin/env bash
# The built headless product as a service manager runs it: `mailferry batch start NAME --every 1h` keeps a batch in sync
# until it is told to stop. SIGTERM during a pass ends the process at the pass's next safe point with the batch left
# STOPPED; started again, the batch is synced to exactly the source's messages (no gap, no duplicate); SIGTERM while the
# process waits for its next pass ends it at once with the batch left SYNCED and no next pass shown.
# Runs against two throwaway Dovecots with generated mailboxes (dev.mailferry.demo). CI runs it after the build.
#
# Usage: tests/product-sigterm.sh   (needs the built product and core/demo jars: ./mvnw -B verify first; dovecot)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d)"
MAILFERRY="$ROOT/releng/dev.mailferry.repository/target/products/mailferry.headless/linux/gtk/x86_64/mailferry"

die() { echo "product-sigterm: $*" >&2; exit 1; }
[ -x "$MAILFERRY" ] || die "no built product at $MAILFERRY (run ./mvnw -B verify first)"
# shellcheck source=bench/demo-environment.sh
. "$ROOT/bench/demo-environment.sh"
CP="$(demo_classpath)"
cleanup() {
    stop_demo_environment
    rm -rf "$WORK"
}
trap cleanup EXIT

start_demo_environment "$WORK/environment.log" 300 --dir "$WORK" --users 2 --preset small --messages 2500 --seed 11 \
    --server dovecot --env-file "$WORK/env.sh"
# shellcheck disable=SC1091
. "$WORK/env.sh"
export MF_SOURCE_HOST MF_SOURCE_PORT MF_SOURCE_IMAPS_PORT MF_TARGET_HOST MF_TARGET_PORT MF_TARGET_IMAPS_PORT MF_CSV \
    MF_TARGET_CSV MF_SOURCE_CERT_SHA256 MF_TARGET_CERT_SHA256
MAILFERRY="$MAILFERRY" "$ROOT/bench/mailferry-migrate.sh" setup >"$WORK/setup.log"
export MAILFERRY_PROJECT="$WORK/mailferry-project" MAILFERRY_SECRETS_DIR="$WORK/mailferry-secrets"

# the first line of `batch status` (read whole: a pipe into head would end it with SIGPIPE)
batch_state() {
    "$MAILFERRY" batch status bench >"$WORK/status.txt"
    head -n 1 "$WORK/status.txt"
}

# 1. SIGTERM during the first pass, once messages are being copied
"$MAILFERRY" batch start bench --every 1h >"$WORK/pass-1.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
    grep -q "copying while scanning" "$MAILFERRY_PROJECT"/logs/*.log 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/pass-1.log" >&2; die "the pass ended before it copied anything"; }
    sleep 0.1
done
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" -ne 0 ] || die "the pass was not stopped by SIGTERM (it ended with 0)"
state="$(batch_state)"
case "$state" in
    *": STOPPED,"*) echo "SIGTERM during a pass: exit $rc, $state" ;;
    *) cat "$WORK/pass-1.log" >&2; die "after SIGTERM during a pass the batch is not STOPPED: $state" ;;
esac

# 2. started again: kept in sync; SIGTERM while it waits for the next pass
"$MAILFERRY" batch start bench --every 1h >"$WORK/pass-2.log" 2>&1 &
pid=$!
for _ in $(seq 1 1200); do
    grep -q "next pass starts at" "$WORK/pass-2.log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/pass-2.log" >&2; die "the kept-in-sync process ended by itself"; }
    sleep 0.1
done
grep -q "next pass starts at" "$WORK/pass-2.log" || die "the resumed pass did not finish in 2 minutes"
case "$(batch_state)" in
    *"next pass"*) ;;
    *) die "batch status does not show the next pass: $(batch_state)" ;;
esac
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
state="$(batch_state)"
case "$state" in
    *": SYNCED,"*) echo "SIGTERM while waiting for the next pass: exit $rc, $state" ;;
    *) cat "$WORK/pass-2.log" >&2; die "after SIGTERM between passes the batch is not SYNCED: $state" ;;
esac
case "$state" in
    *"next pass"*) die "a next pass is still shown after the process ended: $state" ;;
esac

# 3. exactly the source's messages on the target: all but those flagged \Deleted (skipped by design), none twice
for i in $(seq 1 "$MF_USER_COUNT"); do
    user_var="MF_USER_${i}_SOURCE_USER" target_var="MF_USER_${i}_TARGET_USER"
    total=$(doveadm -c "$WORK/source/dovecot.conf" search -u "${!user_var}" all | wc -l)
    deleted=$(doveadm -c "$WORK/source/dovecot.conf" search -u "${!user_var}" deleted | wc -l)
    copied=$(doveadm -c "$WORK/target/dovecot.conf" search -u "${!target_var}" all | wc -l)
    [ "$copied" -eq $((total - deleted)) ] \
        || die "${!user_var}: the target holds $copied messages, the source $total of which $deleted are flagged \\Deleted"
    echo "${!user_var}: $copied of $total messages on the target ($deleted flagged \\Deleted on the source, skipped)"
done
echo "product-sigterm: ok"
