#!/usr/bin/env bash
# Runs a command with SUMMITRY_REDIS_URL pointing at a throw-away Redis server on loopback
# (nothing written to disk; stopped when the command ends).
set -euo pipefail

if ! command -v redis-server >/dev/null; then
  echo "Redis is not installed (Debian package redis-server)." >&2
  exit 1
fi

workdir=$(mktemp -d /tmp/summitry-redis.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pid=

cleanup() {
  if [[ -n $pid ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT

redis-server --bind 127.0.0.1 --port "$port" --dir "$workdir" --save "" --appendonly no \
  --logfile "$workdir/server.log" &
pid=$!
tries=0
until redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; do
  tries=$((tries + 1))
  if ! kill -0 "$pid" 2>/dev/null || ((tries > 200)); then
    echo "Redis did not start:" >&2
    cat "$workdir/server.log" >&2
    exit 1
  fi
  sleep 0.1
done

echo "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$port"
SUMMITRY_REDIS_URL="redis://127.0.0.1:$port/0" "$@"
