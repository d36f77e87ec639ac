#!/usr/bin/env bash
# A release on a server (as the app user, from the checkout): dependencies, database migrations, cache
# table, static files, the deployment checklist. Then (as root) reload the app server gracefully and
# restart the background processes. Usage: deploy/release.sh [/etc/neuguong/neuguong.env]
set -euo pipefail
cd "$(dirname "$0")/.."
ENV_FILE=${1:-/etc/neuguong/neuguong.env}
set -a
# shellcheck disable=SC1090
. "$ENV_FILE"
set +a
make install
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py createcachetable
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py check --deploy --fail-level WARNING
echo "Ready. As root: systemctl reload neuguong-web && systemctl restart neuguong-worker neuguong-scheduler"
