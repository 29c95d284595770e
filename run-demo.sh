#!/usr/bin/env bash
# Builds the headless product if it is not there yet, then runs `mailferry demo` (extra arguments are passed on).
# The demo's IMAP servers are Dovecot when it is installed, else GreenMail embedded in the JVM.
set -euo pipefail
cd "$(dirname "$0")"
product=releng/dev.mailferry.repository/target/products/mailferry.headless/linux/gtk/x86_64
if [ ! -x "$product/mailferry" ]; then
  ./mvnw -B -q -DskipTests verify
fi
exec "$product/mailferry" demo "$@"
