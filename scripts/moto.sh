#!/usr/bin/env bash
# The end-to-end tier (`npm run test:e2e`): installs moto (pinned) into a project-local virtualenv `.venv-e2e/`
# (reused when the version matches), starts `moto.server` on a free loopback port, runs the e2e vitest config with
# the endpoint in TRIPLINE_E2E_ENDPOINT, and stops moto by its PID however the run ends.
# Usage: scripts/moto.sh [vitest arguments…]      (e.g. scripts/moto.sh test/e2e/scenarios.test.ts)
#        scripts/moto.sh --serve                   (start moto and wait; prints the endpoint; Ctrl-C stops it)
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
VENV=.venv-e2e
PYTHON=${PYTHON:-python3}

installed_version() {
  "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null || true
}

if [[ "$(installed_version)" != "$MOTO_VERSION" ]]; then
  echo "== installing moto[server]==$MOTO_VERSION into $VENV" >&2
  [[ -x "$VENV/bin/python" ]] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi

PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
ENDPOINT="http://127.0.0.1:$PORT"
LOG=$(mktemp -t tripline-moto.XXXXXX.log)

# Fake credentials only: moto accepts any; nothing here may reach a real account.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
export AWS_EC2_METADATA_DISABLED=true

"$VENV/bin/python" -m moto.server -H 127.0.0.1 -p "$PORT" >"$LOG" 2>&1 &
MOTO_PID=$!
CHILD_PID=
stop_all() {
  if [[ -n "$CHILD_PID" ]]; then kill "$CHILD_PID" 2>/dev/null || true; fi
  kill "$MOTO_PID" 2>/dev/null || true
  wait "$MOTO_PID" 2>/dev/null || true
  rm -f "$LOG"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for _ in $(seq 1 150); do
  if curl -sf "$ENDPOINT/moto-api/" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$MOTO_PID" 2>/dev/null; then
    echo "moto exited at start:" >&2
    cat "$LOG" >&2
    exit 1
  fi
  sleep 0.1
done
curl -sf "$ENDPOINT/moto-api/" >/dev/null || { echo "moto did not answer at $ENDPOINT" >&2; exit 1; }
echo "== moto $MOTO_VERSION at $ENDPOINT (pid $MOTO_PID)" >&2

export TRIPLINE_E2E_ENDPOINT="$ENDPOINT" TRIPLINE_E2E_MOTO_VERSION="$MOTO_VERSION"
if [[ "${1:-}" == "--serve" ]]; then
  echo "TRIPLINE_E2E_ENDPOINT=$ENDPOINT"
  wait "$MOTO_PID"
else
  # In the background and waited for, so an interrupt runs the traps at once (then stops vitest and moto).
  node node_modules/vitest/vitest.mjs run --config vitest.e2e.config.ts "$@" &
  CHILD_PID=$!
  wait "$CHILD_PID"
fi
