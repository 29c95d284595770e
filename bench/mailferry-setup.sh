#!/usr/bin/env bash
# Untimed part of the Mailferry benchmark run: creates a project in $1 for the environment that bench/run.sh started
# (MF_* variables) with the headless product's own commands, so that only `mailferry batch start` is timed.
set -euo pipefail
project="$1"
mailferry="${MAILFERRY:?path of the headless product's mailferry script}"
rm -rf "$project"
"$mailferry" project create "$project" --name bench >/dev/null
"$mailferry" source set -p "$project" --host "$MF_SOURCE_HOST" --port "$MF_SOURCE_PORT" --security none --auth login >/dev/null
"$mailferry" target set -p "$project" --host "$MF_TARGET_HOST" --port "$MF_TARGET_PORT" --security none --auth login >/dev/null
csv="$project/../bench-mailboxes.csv"
printf 'EmailAddress,UserName,Password,TargetUserName,TargetPassword\n%s,%s,%s,%s,%s\n' \
    "$MF_USER_1_EMAIL" "$MF_USER_1_SOURCE_USER" "$MF_USER_1_SOURCE_PASSWORD" "$MF_USER_1_TARGET_USER" \
    "$MF_USER_1_TARGET_PASSWORD" >"$csv"
"$mailferry" mailboxes import -p "$project" "$csv" >/dev/null
rm -f "$csv"
"$mailferry" batch create -p "$project" bench --parallel 1 >/dev/null
