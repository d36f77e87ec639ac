#!/usr/bin/env bash
# `make serve`: run Nêu Gương as a deployment does, on one server: production settings, the database
# migrated, static files collected (WhiteNoise serves them), then gunicorn, the task worker and the
# scheduler together; Ctrl+C (or SIGTERM) stops all three gracefully.
# Put nginx with TLS in front (deploy/nginx.conf). To try it without a proxy on http://127.0.0.1:8000,
# set SECURE_SSL_REDIRECT=false (the session cookie stays Secure, which browsers accept on localhost).
# On a real server use the systemd units in deploy/systemd/ instead (README, "Vận hành").
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-neuguong.settings.production}
mkdir -p var
if [ -z "${SECRET_KEY:-}" ]; then
  # Generated once and kept (sessions and signed links survive restarts); readable by this user only.
  if [ ! -s var/secret_key ]; then
    (umask 077 && "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" >var/secret_key)
  fi
  SECRET_KEY=$(cat var/secret_key)
  export SECRET_KEY
fi

"$PY" manage.py migrate --noinput -v0
"$PY" manage.py createcachetable
# Static files: collected (hashed names, gzip and brotli) when the app's or the packages' files changed.
manifest="${STATIC_ROOT:-var/static}/staticfiles.json"
if [ ! -f "$manifest" ] || [ .venv/.installed -nt "$manifest" ] \
   || [ -n "$(find src -path '*/static/*' -type f -newer "$manifest" -print -quit)" ]; then
  echo "collectstatic…"
  "$PY" manage.py collectstatic --noinput -v0
fi
"$PY" manage.py check --deploy --fail-level ERROR >/dev/null

pids=()
stop() {
  trap - EXIT INT TERM
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop EXIT INT TERM
"$PY" -m gunicorn -c deploy/gunicorn.conf.py &
pids+=($!)
"$PY" manage.py db_worker --queue-name '*' &
pids+=($!)
"$PY" manage.py run_scheduler &
pids+=($!)
echo "Nêu Gương (production settings): gunicorn on ${GUNICORN_BIND:-127.0.0.1:8000}, task worker and scheduler running; Ctrl+C stops them."
# Stop everything as soon as one of the three exits.
wait -n "${pids[@]}"
