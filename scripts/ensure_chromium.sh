#!/usr/bin/env bash
# Browser tests need Debian's Chromium. Install it when missing (as root with apt-get);
# otherwise say loudly that the browser tests will be skipped.
set -uo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium fehlt: installiere Debian-Paket chromium ..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) && exit 0
fi
echo "##########################################################################" >&2
echo "# WARNUNG: /usr/bin/chromium fehlt und konnte nicht installiert werden.   #" >&2
echo "# Die Browser-Tests (tests/e2e) werden ÜBERSPRUNGEN.                      #" >&2
echo "# Abhilfe: sudo apt-get install chromium                                  #" >&2
echo "##########################################################################" >&2
exit 0
