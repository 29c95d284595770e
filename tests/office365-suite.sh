#!/usr/bin/env bash
# Runs the Office 365 migration tests (Office365MigrationTest, ChildProcessTest's kill test; its other tests stay
# Dovecot to Dovecot) against a test tenant named by the MF_O365_* variables (see the README, "Office 365 target").
# With --stand-ins it starts the local stand-ins first (DemoEnvironmentMain --office365: Entra ID and Graph stand-ins,
# Dovecot as Exchange Online's IMAP) and addresses them only through those variables, as a real tenant would be: this
# checks the switch without reaching Microsoft.
#
# Usage: tests/office365-suite.sh              # MF_O365_TENANT, MF_O365_CLIENT_ID, ... set in the environment
#        tests/office365-suite.sh --stand-ins
# Environment: MF_MAVEN_FLAGS (default -o: offline), e.g. MF_MAVEN_FLAGS= to let Maven download.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MAVEN_FLAGS="${MF_MAVEN_FLAGS--o}"
die() { echo "office365-suite: $*" >&2; exit 1; }
jar() { ls -t "$ROOT/bundles/$1/target/$1"-*.jar 2>/dev/null | grep -v -- '-sources' | head -n 1 || true; }

# shellcheck source=bench/demo-environment.sh
. "$ROOT/bench/demo-environment.sh"
CP="$(demo_classpath)"
WORK=""
cleanup() {
    stop_demo_environment
    if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

case "${1:-}" in
--stand-ins)
    if [ -z "$(jar dev.mailferry.core)" ] || [ -z "$(jar dev.mailferry.demo)" ]; then
        # shellcheck disable=SC2086
        (cd "$ROOT" && ./mvnw -B $MAVEN_FLAGS -q verify -DskipTests -pl bundles/dev.mailferry.core,bundles/dev.mailferry.demo,bundles/dev.mailferry.graph.sdk -am) >&2
    fi
    CP="$(demo_classpath)"
    WORK="$(mktemp -d)"
    chmod 755 "$WORK" # Dovecot's mail processes must enter it
    start_demo_environment "$WORK/environment.log" 120 --dir "$WORK" --users 2 --preset small --messages 5 --office365
    # shellcheck disable=SC1091
    . "$WORK/env.sh"
    export MF_O365_TENANT MF_O365_CLIENT_ID MF_O365_CLIENT_SECRET MF_O365_LOGIN_URL MF_O365_GRAPH_URL \
        MF_O365_IMAP_HOST MF_O365_IMAP_PORT MF_O365_TRUST
    export MF_O365_MAILBOXES="$MF_USER_1_TARGET_USER,$MF_USER_2_TARGET_USER"
    echo "office365-suite: stand-ins at $MF_O365_LOGIN_URL, IMAP $MF_O365_IMAP_HOST:$MF_O365_IMAP_PORT, mailboxes $MF_O365_MAILBOXES"
    ;;
"")
    [ -n "${MF_O365_TENANT:-}" ] || die "set MF_O365_TENANT and the other MF_O365_* variables (README), or pass --stand-ins"
    echo "office365-suite: tenant $MF_O365_TENANT, mailboxes ${MF_O365_MAILBOXES:-(none set)}"
    ;;
*)
    die "usage: tests/office365-suite.sh [--stand-ins]"
    ;;
esac

XVFB=()
command -v xvfb-run >/dev/null && XVFB=(xvfb-run -a)
cd "$ROOT"
# shellcheck disable=SC2086
"${XVFB[@]}" ./mvnw -B -q $MAVEN_FLAGS verify -pl tests/dev.mailferry.engine.tests -am \
    -Dtest='Office365MigrationTest,TenantUnderTestTest,ChildProcessTest' \
    -Dsurefire.failIfNoSpecifiedTests=false
