#!/usr/bin/env bash
# The packaged workbench product starts as a user starts it (its mailferry-workbench script, under Xvfb): its window
# opens, it reopens the project folders its instance preferences remember (naming the one that is gone), and its log
# holds no error. What the UI tests cannot show: the product's own bundle set, launcher script and configuration.
# Needs: the built products (./mvnw verify), Xvfb and xwininfo (x11-utils).
set -euo pipefail
cd "$(dirname "$0")/.."

PRODUCTS=releng/dev.mailferry.repository/target/products
WORKBENCH="$PWD/$PRODUCTS/mailferry.workbench/linux/gtk/x86_64/mailferry-workbench"
MAILFERRY="$PWD/$PRODUCTS/mailferry.headless/linux/gtk/x86_64/mailferry"
for command in "$WORKBENCH" "$MAILFERRY"; do
    [ -x "$command" ] || { echo "product-workbench: $command is not built (./mvnw verify)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$MAILFERRY" project create "$work/acme" --name "Acme migration" >/dev/null
# the instance preferences as the Projects view keeps them: the open project folders, one a line
settings="$work/instance/.metadata/.plugins/org.eclipse.core.runtime/.settings"
mkdir -p "$settings"
printf 'eclipse.preferences.version=1\nopenProjects=%s\\n%s\n' "$work/acme" "$work/gone" >"$settings/dev.mailferry.ui.prefs"

export WORKBENCH work
xvfb-run -a -s "-screen 0 1280x900x24" bash -c '
    log="$work/instance/.metadata/.log"
    "$WORKBENCH" -data "$work/instance" >"$work/stdout.txt" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do
        if xwininfo -root -tree 2>/dev/null | grep -q "\"Mailferry" && grep -q "Reopened the projects" "$log" 2>/dev/null; then
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 1
    done
    xwininfo -root -tree 2>/dev/null | grep "\"Mailferry" | head -1 >"$work/window.txt" || true
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
'

log="$work/instance/.metadata/.log"
fail() {
    echo "product-workbench: $*" >&2
    echo "--- workbench output" >&2
    cat "$work/stdout.txt" >&2 || true
    echo "--- workbench log" >&2
    cat "$log" >&2 2>/dev/null || true
    exit 1
}
[ -s "$work/window.txt" ] || fail "no Mailferry window opened within 120 s"
grep -q "Reopened the projects open at the last close: \[$work/acme\]; not reopened, no project there any more: \[$work/gone\]" "$log" \
    || fail "the remembered projects were not reopened as expected"
# severity 4 is ERROR in Eclipse's log
if grep -q '^!ENTRY .* 4 ' "$log"; then
    fail "the workbench logged an error"
fi
echo "product-workbench: the window opened ($(sed 's/^ *//' "$work/window.txt" | cut -c1-60)), acme reopened, the gone folder named, no error logged"
