#!/usr/bin/env bash
# `make run`: the web server plus Celery worker, beat and Flower, stopped together on Ctrl-C.
set -euo pipefail
BIN="${BIN:-.venv/bin}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
FLOWER_PORT="${FLOWER_PORT:-5555}"
mkdir -p var/log
if [ -z "${FLOWER_BASIC_AUTH:-}" ]; then
  FLOWER_BASIC_AUTH="$(BIN="$BIN" scripts/flower_password.sh)"
  FLOWER_LOGIN="Benutzer admin, Passwort in ${HOMEGYM_VAR_DIR:-var}/flower-password"
else
  FLOWER_LOGIN="Zugang aus FLOWER_BASIC_AUTH"
fi
# Flower reads it from the environment: on the command line every `ps` would show it.
export FLOWER_BASIC_AUTH
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
"$BIN/celery" -A homegym worker -Q ml,default -n "worker@%h" --loglevel=INFO --concurrency=2 >var/log/worker.log 2>&1 &
pids+=($!)
"$BIN/celery" -A homegym beat --loglevel=INFO >var/log/beat.log 2>&1 &
pids+=($!)
"$BIN/celery" -A homegym flower --address=127.0.0.1 --port="$FLOWER_PORT" >var/log/flower.log 2>&1 &
pids+=($!)
echo
echo "  HomeGym läuft:   http://$HOST:$PORT/"
echo "  Demo-Login:      demo / demo1234"
echo "  Flower:          http://127.0.0.1:$FLOWER_PORT/  ($FLOWER_LOGIN)"
echo "  Logs:            var/log/{worker,beat,flower}.log"
echo
"$BIN/python" manage.py runserver "$HOST:$PORT"
