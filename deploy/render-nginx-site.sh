#!/bin/sh
# Renders the nginx site (deploy/nginx/portal.conf.template) from the portal's environment file:
#   deploy/render-nginx-site.sh /etc/portal/portal.env > /etc/nginx/sites-available/portal.conf
# Only the names listed here are replaced; nginx's own $variables stay as they are. `make stack`
# runs it with var/stack/portal.env.
set -eu
env_file="$1"
template="$(dirname "$0")/nginx/portal.conf.template"
# shellcheck disable=SC2016  # the names themselves, for envsubst
names='${PORTAL_WEB_BIND} ${PORTAL_SERVER_NAME} ${PORTAL_HTTPS_LISTEN} ${PORTAL_HTTP_LISTEN}
${PORTAL_BASE_URL} ${PORTAL_TLS_CERTIFICATE} ${PORTAL_TLS_KEY} ${STATIC_ROOT}
${MAX_REQUEST_BYTES} ${NGINX_LOG_DIR}'
# systemd's environment-file format: NAME=value lines; comments and blank lines skipped.
values=$(grep -E '^[A-Z_][A-Z0-9_]*=' "$env_file")
missing=""
# shellcheck disable=SC2016
for name in $(echo "$names" | tr -d '${}'); do
  echo "$values" | grep -q "^$name=." || missing="$missing $name"
done
if [ -n "$missing" ]; then
  echo "$env_file does not set:$missing" >&2
  exit 1
fi
# shellcheck disable=SC2046  # one NAME=value word per line of the file
env -i $(echo "$values" | tr '\n' ' ') envsubst "$names" <"$template"
