#!/usr/bin/env bash
# Prints Flower's basic-auth pair "admin:<password>" for `make run`. The password is made once
# per installation and kept in $HOMEGYM_VAR_DIR/flower-password (default var/), mode 600: it
# stays readable after the console has scrolled, and only by this user.
set -euo pipefail
BIN="${BIN:-.venv/bin}"
VAR_DIR="${HOMEGYM_VAR_DIR:-var}"
PASSWORD_FILE="$VAR_DIR/flower-password"
mkdir -p "$VAR_DIR"
if [ ! -s "$PASSWORD_FILE" ]; then
  (umask 077 && "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(12))' >"$PASSWORD_FILE")
fi
chmod 600 "$PASSWORD_FILE"
echo "admin:$(cat "$PASSWORD_FILE")"
