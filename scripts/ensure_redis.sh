#!/usr/bin/env bash
# Make sure a Redis answers at REDIS_URL: use a running one, start a local redis-server when
# the binary exists, or stop with a message that says how to get one.
set -euo pipefail
url="${REDIS_URL:-redis://127.0.0.1:6379/0}"
py="${PYTHON:-.venv/bin/python}"
ping() { "$py" -c "import redis,sys; redis.Redis.from_url(sys.argv[1], socket_timeout=1, socket_connect_timeout=1).ping()" "$url" >/dev/null 2>&1; }
if ping; then exit 0; fi
case "$url" in
  redis://127.0.0.1:*|redis://localhost:*) ;;
  *) echo "Redis unter $url antwortet nicht. Bitte den Server starten oder REDIS_URL anpassen." >&2; exit 1;;
esac
if command -v redis-server >/dev/null 2>&1; then
  port=$(echo "$url" | sed -E 's#redis://[^:/]+:([0-9]+).*#\1#')
  echo "Starte lokalen redis-server auf Port $port ..."
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save '' --appendonly no >/dev/null
  for _ in $(seq 1 50); do ping && exit 0; sleep 0.1; done
fi
echo "Kein Redis erreichbar unter $url und kein redis-server installiert." >&2
echo "Installieren: sudo apt-get install redis-server  (oder REDIS_URL auf einen laufenden Redis setzen)" >&2
exit 1
