#!/usr/bin/env bash
# Builds the headless product if it is not there yet, then runs `mailferry demo` (extra arguments are passed on).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v dovecot >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Dovecot for the demo's local IMAP servers (apt-get install dovecot-imapd) ..."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dovecot-imapd >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dovecot-imapd >/dev/null; }
fi
product=releng/dev.mailferry.repository/target/products/mailferry.headless/linux/gtk/x86_64
if [ ! -x "$product/mailferry" ]; then
  ./mvnw -B -q -DskipTests verify
fi
exec "$product/mailferry" demo "$@"
