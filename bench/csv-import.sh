#!/usr/bin/env bash
# CSV import benchmark: the real `mailferry mailboxes import` of the headless product, for generated mailbox lists
# (EmailAddress,UserName,Password,TargetUserName,TargetPassword: two secrets per row) into a fresh project, with a
# throwaway secret store (MAILFERRY_SECRETS_DIR), under /usr/bin/time -v. Prints one line per size: rows, seconds,
# rows/s, peak RSS. The time includes the JVM's start (about a second), as a user sees it.
#
# Usage: bench/csv-import.sh [ROWS ...]          (default: 10000 50000)
#
# Environment:
#   MAILFERRY       the mailferry script (default: the headless product under releng/.../products/, built if missing)
#   BENCH_WORK      scratch directory (default bench/work/csv-import; wiped)
#   BENCH_MVN_OPTS  extra options for the build, e.g. -o to build offline
#
# Needs: java 17+, /usr/bin/time, awk, python3.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${BENCH_WORK:-$ROOT/bench/work/csv-import}"
SIZES=("$@")
[ ${#SIZES[@]} -eq 0 ] && SIZES=(10000 50000)
MAILFERRY="${MAILFERRY:-$ROOT/releng/dev.mailferry.repository/target/products/mailferry.headless/linux/gtk/x86_64/mailferry}"

die() { echo "bench: $*" >&2; exit 1; }

if [ ! -x "$MAILFERRY" ]; then
    echo "bench: building the headless product (./mvnw verify -DskipTests) ..." >&2
    # shellcheck disable=SC2086
    (cd "$ROOT" && ./mvnw -B -q ${BENCH_MVN_OPTS:-} verify -DskipTests) >&2
    [ -x "$MAILFERRY" ] || die "no mailferry script at $MAILFERRY after the build"
fi
command -v /usr/bin/time >/dev/null || die "/usr/bin/time not installed (apt-get install time)"

rm -rf "$WORK"
mkdir -p "$WORK"
printf '%8s %9s %9s %13s\n' rows seconds rows/s "peak RSS MB"
for rows in "${SIZES[@]}"; do
    dir="$WORK/$rows"
    mkdir -p "$dir"
    awk -v n="$rows" 'BEGIN {
        print "EmailAddress,UserName,Password,TargetUserName,TargetPassword"
        for (i = 1; i <= n; i++) {
            printf "user%06d@example.com,user%06d,Src-%d-%x!pw,user%06d@target.example,Tgt-%d-%x#pw\n", i, i, i, i * 7919, i, i, i * 104729
        }
    }' >"$dir/mailboxes.csv"
    export MAILFERRY_SECRETS_DIR="$dir/secrets"
    "$MAILFERRY" project create "$dir/project" --name "csv-$rows" >"$dir/create.log" 2>&1 \
        || { cat "$dir/create.log" >&2; die "project create failed"; }
    start=$(date +%s.%N)
    status=0
    /usr/bin/time -v -o "$dir/time.txt" "$MAILFERRY" mailboxes import -p "$dir/project" "$dir/mailboxes.csv" \
        >"$dir/import.log" 2>&1 || status=$?
    end=$(date +%s.%N)
    if [ "$status" != 0 ] || ! grep -q "^Imported $rows mailboxes; the project has $rows mailboxes" "$dir/import.log"; then
        cat "$dir/import.log" >&2
        die "import of $rows rows failed (exit $status)"
    fi
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")
    python3 -c "print(f'{$rows:8d} {$end - $start:9.2f} {$rows / ($end - $start):9.0f} {$rss_kb / 1024:13.0f}')"
done
