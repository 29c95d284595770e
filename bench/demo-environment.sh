# Sourced by scripts that need a running DemoEnvironmentMain (bench/incremental.sh, scale.sh, office365.sh,
# tests/office365-suite.sh). Needs: ROOT; CP (the core and demo jars, see demo_classpath) and a die function when an
# environment is started. Sets ENV_PID; stop_demo_environment ends the process.

ENV_PID=""

# The headless product the build makes.
HEADLESS_PRODUCT="$ROOT/releng/dev.mailferry.repository/target/products/mailferry.headless/linux/gtk/x86_64"

# newest_jar BUNDLE: the newest built jar of a bundle, not its sources jar; nothing when there is none.
newest_jar() {
    ls -t "$ROOT/bundles/$1/target/$1"-*.jar 2>/dev/null | grep -v -- '-sources' | head -n 1 || true
}

# build_if_missing: builds everything, tests skipped, unless $MAILFERRY and the demo jar are there.
build_if_missing() {
    if [ ! -x "$MAILFERRY" ] || [ -z "$(newest_jar dev.mailferry.demo)" ]; then
        (cd "$ROOT" && ./mvnw -B -q verify -DskipTests) >&2
    fi
}

# demo_classpath: the jars DemoEnvironmentMain runs from (core, demo, and Gson, which the Office 365 stand-in's Graph
# part uses; the build copies it into the Graph SDK bundle's lib/). Needs ROOT.
demo_classpath() {
    local bundle cp=""
    for bundle in dev.mailferry.core dev.mailferry.demo; do
        cp="$cp:$(newest_jar "$bundle")"
    done
    cp="$cp:$(ls "$ROOT"/bundles/dev.mailferry.graph.sdk/lib/gson-*.jar 2>/dev/null | head -n 1 || true)"
    echo "${cp#:}"
}

# start_demo_environment LOG SECONDS ARGS...: starts DemoEnvironmentMain ARGS with its output in LOG and waits up to
# SECONDS until it prints READY (its env file is then complete).
start_demo_environment() {
    local log="$1" seconds="$2"
    shift 2
    java -cp "$CP" dev.mailferry.demo.DemoEnvironmentMain "$@" >"$log" 2>&1 &
    ENV_PID=$!
    for _ in $(seq 1 $((seconds * 2))); do
        grep -q '^READY' "$log" 2>/dev/null && return 0
        kill -0 "$ENV_PID" 2>/dev/null || { cat "$log" >&2; die "environment did not start"; }
        sleep 0.5
    done
    die "environment not ready after $seconds s"
}

stop_demo_environment() {
    if [ -n "$ENV_PID" ] && kill -0 "$ENV_PID" 2>/dev/null; then
        kill "$ENV_PID"
        wait "$ENV_PID" 2>/dev/null || true
    fi
    ENV_PID=""
}
