# Sourced by scripts that need a running DemoEnvironmentMain (bench/office365.sh, tests/office365-suite.sh).
# Needs: CP (the core and demo jars), a die function. Sets ENV_PID; stop_demo_environment ends the process.

ENV_PID=""

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
