#!/usr/bin/env bash
# Migration benchmark: one mailbox of ~5,000 messages / ~400 MB (generated, written straight into a Dovecot Maildir),
# copied Dovecot -> Dovecot on loopback by mbsync (isync) and by Mailferry. Each tool gets a fresh pair of servers
# with the same deterministic mailbox, runs under /usr/bin/time -v, and its copy is counted folder by folder.
#
# Usage: bench/run.sh [mbsync] [mailferry]          (default: both)
#
# The tools take turns for BENCH_RUNS rounds (mbsync, Mailferry, mbsync, Mailferry, ...). A shared 2-core machine can
# run the same copy 20-40% slower from one minute to the next, so one pair of runs proves little: the summary gives
# each round's ratio, the median and the lowest.
#
# Environment:
#   BENCH_RUNS      rounds (default 3)
#   BENCH_MESSAGES  messages in the mailbox (default 5000)
#   BENCH_SEED      corpus seed (default 42; same seed = same bytes)
#   BENCH_WORK      scratch directory (default bench/work; wiped per tool)
#   BENCH_TLS       1 = the tools connect with implicit TLS (IMAPS) instead of plain IMAP
#   BENCH_FSYNC     1 (default) = the Dovecots fsync saved mail as Dovecot does out of the box (mail_fsync=optimized);
#                   0 = never fsync (a throwaway server: the target's disk stops being what limits the copy)
#   BENCH_LIMIT_MESSAGES  1 = add one message just below and one just above 35 MB (to INBOX)
#   BENCH_BUILD     1 = build the core and demo jars first if missing
#   MAILFERRY_CMD   shell command that migrates the mailbox with Mailferry (timed); MAILFERRY_SETUP_CMD runs before
#                   it, untimed. Default: bench/mailferry-migrate.sh setup / start with the headless product at
#                   $MAILFERRY, else releng/.../products/mailferry.headless/.../mailferry (see mailferry_help below)
#
# Needs: java 17+, dovecot (dovecot-imapd), mbsync (isync), /usr/bin/time, python3, and the jars of
# dev.mailferry.core and dev.mailferry.demo (./mvnw -B -q verify -pl bundles/dev.mailferry.core,bundles/dev.mailferry.demo).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MESSAGES="${BENCH_MESSAGES:-5000}"
SEED="${BENCH_SEED:-42}"
WORK="${BENCH_WORK:-$ROOT/bench/work}"
TLS="${BENCH_TLS:-0}"
FSYNC="${BENCH_FSYNC:-1}"
RUNS="${BENCH_RUNS:-3}"
TOOLS=("$@")
[ ${#TOOLS[@]} -eq 0 ] && TOOLS=(mbsync mailferry)
RESULTS=()
FAILED=0
ROUND=0
declare -A ELAPSED_BY_RUN=()  # "<tool> <round>" -> seconds
HEADLESS_PRODUCT="$ROOT/releng/dev.mailferry.repository/target/products/mailferry.headless/linux/gtk/x86_64"

die() { echo "bench: $*" >&2; exit 1; }

find_jar() { # newest built jar of a bundle, not the sources jar
    ls -t "$ROOT/bundles/$1/target/$1"-*.jar 2>/dev/null | grep -v -- '-sources' | head -n 1 || true
}

classpath() {
    local core demo
    core="$(find_jar dev.mailferry.core)"
    demo="$(find_jar dev.mailferry.demo)"
    if [ -z "$core" ] || [ -z "$demo" ]; then
        if [ "${BENCH_BUILD:-0}" = 1 ]; then
            (cd "$ROOT" && ./mvnw -B -q verify -DskipTests -pl bundles/dev.mailferry.core,bundles/dev.mailferry.demo) >&2
            core="$(find_jar dev.mailferry.core)"
            demo="$(find_jar dev.mailferry.demo)"
        else
            die "core/demo jars not built. Run: (cd $ROOT && ./mvnw -B -q verify -DskipTests -pl bundles/dev.mailferry.core,bundles/dev.mailferry.demo) or set BENCH_BUILD=1"
        fi
    fi
    echo "$core:$demo"
}

ENV_PID=""
stop_environment() {
    if [ -n "$ENV_PID" ] && kill -0 "$ENV_PID" 2>/dev/null; then
        kill "$ENV_PID"            # the JVM's shutdown hook stops both Dovecots
        wait "$ENV_PID" 2>/dev/null || true
    fi
    ENV_PID=""
}
trap stop_environment EXIT

# Starts source + target Dovecot with the generated mailbox in $1 and sources the MF_* variables it describes.
start_environment() {
    local dir="$1"
    rm -rf "$dir"
    mkdir -p "$dir"
    java -cp "$CP" dev.mailferry.demo.DemoEnvironmentMain --dir "$dir" --users 1 --preset benchmark \
        --messages "$MESSAGES" --seed "$SEED" --env-file "$dir/env.sh" \
        $( [ "${BENCH_LIMIT_MESSAGES:-0}" = 1 ] && echo --near-limit --over-limit ) \
        $( [ "$FSYNC" = 1 ] && echo --fsync ) >"$dir/environment.log" 2>&1 &
    ENV_PID=$!
    for _ in $(seq 1 600); do
        grep -q '^READY' "$dir/environment.log" 2>/dev/null && break
        kill -0 "$ENV_PID" 2>/dev/null || { cat "$dir/environment.log" >&2; die "environment did not start"; }
        sleep 0.5
    done
    grep -q '^READY' "$dir/environment.log" || die "environment not ready after 300 s"
    # shellcheck disable=SC1091
    . "$dir/env.sh"
    export MF_SOURCE_HOST MF_SOURCE_PORT MF_SOURCE_IMAPS_PORT MF_SOURCE_DELIMITER MF_SOURCE_CERT_PEM \
        MF_TARGET_HOST MF_TARGET_PORT MF_TARGET_IMAPS_PORT MF_TARGET_DELIMITER MF_TARGET_CERT_PEM \
        MF_MASTER_USER MF_MASTER_PASSWORD MF_CSV MF_MASTER_CSV MF_MESSAGES MF_BYTES \
        MF_USER_1_EMAIL MF_USER_1_SOURCE_USER MF_USER_1_SOURCE_PASSWORD MF_USER_1_TARGET_USER MF_USER_1_TARGET_PASSWORD
    sed -n '1p' "$dir/environment.log"
    MF_DIR="$dir"
    sync    # the 400 MB just written must not be flushed to disk while the tool is being timed
}

# CPU clock ticks used so far by the processes of both Dovecots: each master's own time plus that of its exited
# children (the imap processes end when the tool logs out).
dovecot_ticks() {
    local total=0 conf pid
    for conf in "$MF_DIR/source/run/master.pid" "$MF_DIR/target/run/master.pid"; do
        pid="$(cat "$conf" 2>/dev/null)" || continue
        total=$(( total + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
    done
    echo "$total"
}

# Runs "$@" under /usr/bin/time -v; sets ELAPSED (s), PEAK_RSS_KB, CPU_SECONDS and DOVECOT_CPU_SECONDS.
measure() {
    local timing="$1"; shift
    local start end ticks_before
    LOAD_BEFORE="$(cut -d' ' -f1 /proc/loadavg)"
    ticks_before="$(dovecot_ticks)"
    start=$(date +%s.%N)
    /usr/bin/time -v -o "$timing" "$@"
    end=$(date +%s.%N)
    sleep 0.2   # lets the imap processes of the last logout exit and be counted
    DOVECOT_CPU_SECONDS=$(python3 -c "print(f'{($(dovecot_ticks) - $ticks_before) / $(getconf CLK_TCK):.1f}')")
    ELAPSED=$(python3 -c "print(f'{$end - $start:.2f}')")
    PEAK_RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$timing")
    CPU_SECONDS=$(awk -F': ' '/User time|System time/ {sum += $2} END {printf "%.1f", sum}' "$timing")
}

# Compares per-folder message counts of the target (doveadm) with the source manifest; prints a verdict.
verify_copy() {
    local dir="$1"
    doveadm -c "$dir/target/dovecot.conf" mailbox status -u "$MF_USER_1_TARGET_USER" messages '*' >"$dir/target-status.txt"
    python3 - "$MF_USER_1_MANIFEST" "$dir/target-status.txt" "$MF_TARGET_DELIMITER" <<'PY'
import sys, urllib.parse, collections
manifest, status, delimiter = sys.argv[1], sys.argv[2], sys.argv[3]
MAX_SIZE = 35 * 1024 * 1024  # Mailferry's default maximum message size; mbsync has none
expected, deleted, too_large = collections.Counter(), collections.Counter(), collections.Counter()
for line in open(manifest, encoding="utf-8").read().splitlines()[1:]:
    f = line.split("\t")
    if f[0] == "#folder":
        expected[delimiter.join(urllib.parse.unquote_plus(s) for s in f[1].split("/"))] += 0
        continue
    name = delimiter.join(urllib.parse.unquote_plus(s) for s in f[0].split("/"))
    expected[name] += 1
    deleted[name] += f[6] == "1"
    too_large[name] += f[6] != "1" and int(f[3]) > MAX_SIZE
actual = {}
for line in open(status, encoding="utf-8"):
    name, _, value = line.rstrip("\n").rpartition(" messages=")
    actual[name] = int(value)
missing = {n: (c, actual.get(n)) for n, c in expected.items() if actual.get(n) != c}
total = sum(actual.get(n, 0) for n in expected)
if not missing:
    print(f"OK: all {sum(expected.values())} messages in {len(expected)} folders")
else:
    without_skips = {n: c - deleted[n] - too_large[n] for n, c in expected.items()}
    if all(actual.get(n) == c for n, c in without_skips.items()):
        over = sum(too_large.values())
        print(f"OK except skips: {total} of {sum(expected.values())} copied; the {sum(deleted.values())} source messages"
              f" flagged \\Deleted were not copied" + (f", nor the {over} above 35 MB" if over else ""))
    else:
        print(f"MISMATCH: {total} of {sum(expected.values())} copied; folder (expected, actual): {missing}")
PY
}

record() { # tool seconds rss_kb verdict
    local mb msgs_s mb_s
    case "$4" in OK*) ;; *) FAILED=1 ;; esac
    mb=$(python3 -c "print(f'{$MF_BYTES / 1e6:.1f}')")
    msgs_s=$(python3 -c "print(f'{$MF_MESSAGES / $2:.0f}')")
    mb_s=$(python3 -c "print(f'{$MF_BYTES / 1e6 / $2:.1f}')")
    ELAPSED_BY_RUN["$1 $ROUND"]="$2"
    RESULTS+=("$(printf '%3s %-10s %8s %9s %9s %9s %8s %7s %9s %11s %6s  %s' "$ROUND" "$1" "$MF_MESSAGES" "$mb" "$2" \
        "$msgs_s" "$mb_s" "$CPU_SECONDS" "$DOVECOT_CPU_SECONDS" "$(( $3 / 1024 ))" "$LOAD_BEFORE" "$4")")
}

run_mbsync() {
    local dir="$WORK/mbsync"
    command -v mbsync >/dev/null || die "mbsync not installed (apt-get install isync)"
    start_environment "$dir"
    local source_port="$MF_SOURCE_PORT" target_port="$MF_TARGET_PORT" ssl="None" cert_lines=""
    if [ "$TLS" = 1 ]; then
        source_port="$MF_SOURCE_IMAPS_PORT"; target_port="$MF_TARGET_IMAPS_PORT"; ssl="IMAPS"
    fi
    mkdir -p "$dir/mbsync-state"
    # Far = source, Near = target, Sync Pull: copy source -> target only; CopyArrivalDate keeps internal dates.
    cat >"$dir/mbsyncrc" <<CONF
IMAPAccount source
Host $MF_SOURCE_HOST
Port $source_port
User $MF_USER_1_SOURCE_USER
Pass $MF_USER_1_SOURCE_PASSWORD
SSLType $ssl
AuthMechs LOGIN
$( [ "$TLS" = 1 ] && echo "CertificateFile $MF_SOURCE_CERT_PEM" )

IMAPStore source
Account source

IMAPAccount target
Host $MF_TARGET_HOST
Port $target_port
User $MF_USER_1_TARGET_USER
Pass $MF_USER_1_TARGET_PASSWORD
SSLType $ssl
AuthMechs LOGIN
$( [ "$TLS" = 1 ] && echo "CertificateFile $MF_TARGET_CERT_PEM" )

IMAPStore target
Account target

Channel bench
Far :source:
Near :target:
Patterns *
Create Near
Sync Pull
Expunge None
CopyArrivalDate yes
SyncState $dir/mbsync-state/
CONF
    echo "mbsync: copying $MF_MESSAGES messages ($MF_BYTES bytes)..."
    measure "$dir/time.txt" mbsync -c "$dir/mbsyncrc" -q bench >"$dir/mbsync.log" 2>&1 \
        || { tail -20 "$dir/mbsync.log" >&2; die "mbsync failed (log: $dir/mbsync.log)"; }
    local verdict
    verdict="$(verify_copy "$dir")"
    echo "mbsync: $ELAPSED s, peak RSS $PEAK_RSS_KB kB; $verdict"
    record mbsync "$ELAPSED" "$PEAK_RSS_KB" "$verdict"
    stop_environment
}

mailferry_help() {
    cat >&2 <<HELP
bench: skipping Mailferry: the headless product is not built ($HEADLESS_PRODUCT/mailferry is missing)
  and neither MAILFERRY (path of a 'mailferry' start script) nor MAILFERRY_CMD is set. Build the product
  (./mvnw -B -q verify -DskipTests), or set MAILFERRY=/path/to/mailferry, or set MAILFERRY_CMD (timed) and
  optionally MAILFERRY_SETUP_CMD (untimed) to shell commands that migrate the mailbox of \$MF_CSV from the source
  to the target (bench/mailferry-migrate.sh shows how with the CLI). They run with these variables exported:
    MF_SOURCE_HOST MF_SOURCE_PORT MF_SOURCE_IMAPS_PORT MF_SOURCE_DELIMITER ('.') MF_SOURCE_CERT_PEM
    MF_TARGET_HOST MF_TARGET_PORT MF_TARGET_IMAPS_PORT MF_TARGET_DELIMITER ('/') MF_TARGET_CERT_PEM
    MF_CSV (EmailAddress,UserName,Password)  MF_TARGET_CSV (+ UserRoot,TargetUserName,TargetPassword)
    MF_MASTER_CSV (user*admin logins)  MF_MASTER_USER MF_MASTER_PASSWORD  MF_SOURCE_CERT_SHA256 MF_TARGET_CERT_SHA256
    MF_USER_1_EMAIL MF_USER_1_SOURCE_USER MF_USER_1_SOURCE_PASSWORD MF_USER_1_TARGET_USER MF_USER_1_TARGET_PASSWORD
  It must exit 0 once every message is on the target; the script then times it and counts the copy folder by folder.
HELP
}

run_mailferry() {
    # Without MAILFERRY_CMD, the README's CLI through bench/mailferry-migrate.sh, once the product is built.
    local product="${MAILFERRY:-$HEADLESS_PRODUCT/mailferry}"
    if [ -z "${MAILFERRY_CMD:-}" ] && [ -x "$product" ]; then
        MAILFERRY_SETUP_CMD="MAILFERRY='$product' '$ROOT/bench/mailferry-migrate.sh' setup"
        MAILFERRY_CMD="MAILFERRY='$product' '$ROOT/bench/mailferry-migrate.sh' start"
    fi
    if [ -z "${MAILFERRY_CMD:-}" ]; then
        mailferry_help
        RESULTS+=("$(printf '%3s %-10s %s' "$ROUND" mailferry 'skipped: MAILFERRY_CMD not set')")
        return
    fi
    local dir="$WORK/mailferry"
    start_environment "$dir"
    export MF_USER_1_MANIFEST MF_TARGET_CSV MF_SOURCE_CERT_SHA256 MF_TARGET_CERT_SHA256 BENCH_TLS="$TLS"
    if [ -n "${MAILFERRY_SETUP_CMD:-}" ]; then
        bash -c "$MAILFERRY_SETUP_CMD" >"$dir/mailferry-setup.log" 2>&1 \
            || { tail -20 "$dir/mailferry-setup.log" >&2; die "Mailferry setup failed (log: $dir/mailferry-setup.log)"; }
    fi
    echo "mailferry: copying $MF_MESSAGES messages ($MF_BYTES bytes)..."
    measure "$dir/time.txt" bash -c "$MAILFERRY_CMD" >"$dir/mailferry.log" 2>&1 \
        || { tail -20 "$dir/mailferry.log" >&2; die "Mailferry failed (log: $dir/mailferry.log)"; }
    local verdict
    verdict="$(verify_copy "$dir")"
    echo "mailferry: $ELAPSED s, peak RSS $PEAK_RSS_KB kB; $verdict"
    record mailferry "$ELAPSED" "$PEAK_RSS_KB" "$verdict"
    stop_environment
}

command -v java >/dev/null || die "java not found"
command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] || die "dovecot not installed (apt-get install dovecot-imapd)"
[ -x /usr/bin/time ] || die "/usr/bin/time not installed (apt-get install time)"
CP="$(classpath)"
mkdir -p "$WORK"
for tool in "${TOOLS[@]}"; do
    case "$tool" in
    mbsync | mailferry) ;;
    *) die "unknown tool '$tool' (mbsync, mailferry)" ;;
    esac
done
for ROUND in $(seq 1 "$RUNS"); do
    for tool in "${TOOLS[@]}"; do
        "run_$tool"
    done
done

# Per tool: the median of its runs; with both tools: Mailferry's speed as a multiple of mbsync's, round by round.
summary() {
    local args=() key
    for key in "${!ELAPSED_BY_RUN[@]}"; do args+=("$key=${ELAPSED_BY_RUN[$key]}"); done
    python3 - "$MF_MESSAGES" "${args[@]}" <<'PY'
import statistics, sys
messages = int(sys.argv[1])
elapsed = {}
for arg in sys.argv[2:]:
    key, value = arg.split("=")
    tool, run = key.split()
    elapsed.setdefault(tool, {})[int(run)] = float(value)
for tool in ("mbsync", "mailferry"):
    if tool in elapsed:
        times = list(elapsed[tool].values())
        print(f"{tool}: median {statistics.median(times):.2f} s = {messages / statistics.median(times):.0f} msg/s"
              f" over {len(times)} runs ({min(times):.2f}-{max(times):.2f} s)")
if "mbsync" in elapsed and "mailferry" in elapsed:
    rounds = sorted(set(elapsed["mbsync"]) & set(elapsed["mailferry"]))
    ratios = [elapsed["mbsync"][r] / elapsed["mailferry"][r] for r in rounds]
    print("Mailferry msg/s as a multiple of mbsync's, round by round: "
          + ", ".join(f"{x:.2f}" for x in ratios) + f"; median {statistics.median(ratios):.2f}, lowest {min(ratios):.2f}")
PY
}

echo
echo "Dovecot -> Dovecot on loopback, $( [ "$TLS" = 1 ] && echo IMAPS || echo 'plain IMAP'), fsync $( [ "$FSYNC" = 1 ] && echo 'on (Dovecot default)' || echo off), seed $SEED, $(nproc) cores"
printf '%3s %-10s %8s %9s %9s %9s %8s %7s %9s %11s %6s  %s\n' run tool messages MB seconds msg/s MB/s 'CPU s' 'Dovecot s' 'peak RSS MB' load verify
for line in "${RESULTS[@]}"; do echo "$line"; done
echo "(CPU s: the tool's own user+system time; Dovecot s: that of both Dovecots while it ran; load: 1-minute load average when it started. Other processes"
echo " on the machine slow the tools down: compare runs made under similar load.)"
[ ${#ELAPSED_BY_RUN[@]} -gt 0 ] && summary
exit "$FAILED"
