#!/usr/bin/env bash
# The Mailferry half of bench/run.sh, on the headless product's CLI (see the README):
#   mailferry-migrate.sh setup   project create, source/target set, mailboxes import, batch create (not timed)
#   mailferry-migrate.sh start   batch start: the copy that run.sh times
# run.sh calls it with the MF_* variables of the running demo environment exported; BENCH_SOURCE_OPTIONS and
# BENCH_BATCH_OPTIONS add options to `source set` and `batch create` (bench/scale.sh).
set -euo pipefail

MAILFERRY="${MAILFERRY:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/releng/dev.mailferry.repository/target/products/mailferry.headless/linux/gtk/x86_64/mailferry}"
[ -x "$MAILFERRY" ] || { echo "mailferry-migrate: no Mailferry command at $MAILFERRY (set MAILFERRY)" >&2; exit 1; }
: "${MF_SOURCE_HOST:?run through bench/run.sh}"

PROJECT="$(dirname "$MF_CSV")/mailferry-project"
SECURITY=none
SOURCE_PORT="$MF_SOURCE_PORT"
TARGET_PORT="$MF_TARGET_PORT"
if [ "${BENCH_TLS:-0}" = 1 ]; then
    SECURITY=ssl
    SOURCE_PORT="$MF_SOURCE_IMAPS_PORT"
    TARGET_PORT="$MF_TARGET_IMAPS_PORT"
fi
# Secrets for the project's store stay below the benchmark's scratch directory.
export MAILFERRY_SECRETS_DIR="$(dirname "$MF_CSV")/mailferry-secrets"

export MAILFERRY_PROJECT="$PROJECT"     # the project of every command below

case "${1:-}" in
setup)
    rm -rf "$PROJECT"
    "$MAILFERRY" project create "$PROJECT" --name bench
    TRUST_SOURCE=() TRUST_TARGET=()
    if [ "$SECURITY" != none ]; then
        TRUST_SOURCE=(--trust-cert "$MF_SOURCE_CERT_SHA256")
        TRUST_TARGET=(--trust-cert "$MF_TARGET_CERT_SHA256")
    fi
    # shellcheck disable=SC2086 # BENCH_SOURCE_OPTIONS / BENCH_BATCH_OPTIONS: more options, split at spaces
    "$MAILFERRY" source set --host "$MF_SOURCE_HOST" --port "$SOURCE_PORT" --security "$SECURITY" "${TRUST_SOURCE[@]}" \
        ${BENCH_SOURCE_OPTIONS:-}
    "$MAILFERRY" target set --host "$MF_TARGET_HOST" --port "$TARGET_PORT" --security "$SECURITY" "${TRUST_TARGET[@]}"
    "$MAILFERRY" mailboxes import "$MF_TARGET_CSV"  # EmailAddress,UserName,Password,UserRoot,TargetUserName,TargetPassword
    # shellcheck disable=SC2086
    "$MAILFERRY" batch create bench ${BENCH_BATCH_OPTIONS:-}
    ;;
start)
    "$MAILFERRY" batch start bench --quiet
    ;;
*)
    echo "usage: $0 setup|start" >&2
    exit 2
    ;;
esac
