#!/usr/bin/env bash
# CI's smoke test of the production shape (`make stack-smoke`, run by .ci/run): brings the stack
# up (scripts/stack.sh), then, through nginx over https only, as a user would:
#   TLS with the stack's CA, http redirected to https, static files from nginx, nginx's body
#   limit, /healthz and /readyz; a citizen signs in, takes a token and submits an application
#   through the API; the pdf worker renders and seals the receipt; /verify/ says it is valid and
#   its SHA-256 is the downloaded file's; an official signs in with password and a TOTP second
#   factor and finds the application in the window's queue; /metrics is scraped.
# Then it stops the stack, also when a check fails. Exit status 0 only when every check passed.
#
# STACK_SMOKE_KEEP=1 leaves the stack running afterwards (to look around); the variables of
# scripts/stack.sh (ports, host name, DEMO_PASSWORD) apply.
set -euo pipefail
cd "$(dirname "$0")/.."

STARTED=$SECONDS
# The smoke test needs the demo accounts and catalogue, not the demo applications (whose
# documents would keep the pdf worker busy while the receipt waits).
export STACK_DEMO_APPLICATIONS="${STACK_DEMO_APPLICATIONS:-0}"
PASSWORD="${DEMO_PASSWORD:-demo-Portal-2026}"
PORTAL="$(scripts/stack.sh url)"
API="$PORTAL/api/v1"
HOST_PORT="${PORTAL#https://}"
HOST="${HOST_PORT%%:*}"
HTTPS_PORT="${STACK_HTTPS_PORT:-8443}"
HTTP_PORT="${STACK_HTTP_PORT:-8080}"
CA=var/stack/tls/ca.crt
# The officials' authenticator keys, kept as a phone app keeps them: an official enrols once,
# and later runs against the same data compute the codes from the kept key.
KEYS=var/stack/smoke-otp-keys
WORK="$(mktemp -d)"
JAR="$WORK/cookies"

checks=0
pass() { checks=$((checks + 1)); printf '  ok    %s\n' "$*"; }
fail() { printf '  FAIL  %s\n' "$*" >&2; exit 1; }

finish() {
  local status=$?
  trap - EXIT
  rm -rf "$WORK"
  if [ "${STACK_SMOKE_KEEP:-0}" = 1 ]; then
    echo "The stack keeps running (STACK_SMOKE_KEEP=1): make stack-stop"
  else
    scripts/stack.sh stop
  fi
  echo
  if [ "$status" -eq 0 ]; then
    echo "Stack smoke test passed: $checks checks in $((SECONDS - STARTED)) s (start included)."
  else
    echo "Stack smoke test FAILED after $checks checks ($((SECONDS - STARTED)) s); logs in var/stack/log/." >&2
    for log in web worker worker-pdf nginx-error; do
      [ -f "var/stack/log/$log.log" ] || continue
      echo "--- last lines of var/stack/log/$log.log" >&2
      tail -5 "var/stack/log/$log.log" | cut -c1-400 >&2
    done
  fi
  exit "$status"
}
trap finish EXIT

# Every request goes to nginx on 127.0.0.1 under the stack's name, trusting only the stack's CA.
c() {
  curl --silent --show-error --max-time 60 --cacert "$CA" \
    --resolve "$HOST:$HTTPS_PORT:127.0.0.1" --resolve "$HOST:$HTTP_PORT:127.0.0.1" "$@"
}
status_of() { c -o /dev/null -w '%{http_code}' "$@" || true; }  # 000: no answer

printf '\n=== Starting the stack\n'
scripts/stack.sh start
printf '\n=== Checks through nginx (%s)\n' "$PORTAL"
up_at=$SECONDS

# --- the front door -----------------------------------------------------------------------------
[ "$(c -o /dev/null -w '%{ssl_verify_result}' "$PORTAL/healthz")" = 0 ] ||
  fail "the TLS certificate does not verify against $CA"
pass "TLS: the certificate for $HOST verifies against the stack's CA"
redirect="$(c -o /dev/null -w '%{http_code} %{redirect_url}' "http://$HOST:$HTTP_PORT/services/")"
[ "$redirect" = "301 $PORTAL/services/" ] || fail "http:// should redirect to $PORTAL/services/, got: $redirect"
pass "http:// redirects to $PORTAL/"
[ "$(status_of "$PORTAL/healthz")" = 200 ] || fail "/healthz"
ready="$(c "$PORTAL/readyz")"
[ "$(jq -r .status <<<"$ready")" = ok ] || fail "/readyz: $ready"
pass "/readyz ok: $(jq -c '.queues | map_values(.workers)' <<<"$ready") workers"
c -o "$WORK/portal.css" -D "$WORK/headers" "$PORTAL/static/css/portal.css"
if ! grep -qi '^server: nginx' "$WORK/headers" || ! cmp -s "$WORK/portal.css" static/css/portal.css; then
  fail "/static/css/portal.css is not the collected file"
fi
grep -qi '^x-request-id' "$WORK/headers" && fail "a static file went through the portal"
pass "static files served by nginx itself (collectstatic's copy, no portal headers)"
limit="$(grep -E '^MAX_REQUEST_BYTES=' var/stack/portal.env | cut -d= -f2)"
code="$(head -c "$((limit + 1))" /dev/zero | status_of -H 'Content-Type: application/octet-stream' \
  --data-binary @- "$PORTAL/verify/")"
[ "$code" = 413 ] || fail "a body of MAX_REQUEST_BYTES + 1 should be refused with 413, got $code"
pass "a body over MAX_REQUEST_BYTES ($limit) is refused with 413"

# --- a citizen submits through the API ----------------------------------------------------------
sign_in() {  # sign_in IDENTIFIER: the site's session in $JAR, its CSRF token in $CSRF
  rm -f "$JAR"
  c -c "$JAR" -o /dev/null "$PORTAL/accounts/login/"
  local code
  code="$(status_of -b "$JAR" -c "$JAR" -H "Referer: $PORTAL/accounts/login/" \
    --data-urlencode "username=$1" --data-urlencode "password=$PASSWORD" \
    --data-urlencode "csrfmiddlewaretoken=$(awk '$6 == "csrftoken" {print $7}' "$JAR")" \
    "$PORTAL/accounts/login/")"
  [ "$code" = 302 ] || fail "sign-in of $1 answered $code instead of a redirect"
  grep -q sessionid "$JAR" || fail "sign-in of $1 set no session cookie"
  CSRF="$(awk '$6 == "csrftoken" {print $7}' "$JAR")"
}

sign_in citizen3@demo.cn
TOKEN="$(c -b "$JAR" -H "X-CSRFToken: $CSRF" -H "Referer: $PORTAL/" -H 'Content-Type: application/json' \
  -d '{"name": "stack smoke test"}' "$API/tokens/" | jq -r .token)"
[[ "$TOKEN" == pat_* ]] || fail "no personal token for the citizen"
pass "citizen signed in (password, CSRF, secure cookies over https) and took a personal token"
AUTH="Authorization: Bearer $TOKEN"
ID="$(c -H "$AUTH" -H 'Content-Type: application/json' -d '{"service": "IND-REG"}' "$API/applications/" | jq .id)"
[[ "$ID" =~ ^[0-9]+$ ]] || fail "no draft was created"
REV="$(c -H "$AUTH" "$API/applications/$ID/" |
  jq '{revision, values: (.data | {applicant_name, contact_mobile, home_address})}' |
  c -X PUT -H "$AUTH" -H 'Content-Type: application/json' -d @- "$API/applications/$ID/steps/operator/" |
  jq .revision)"
c -X PUT -H "$AUTH" -H 'Content-Type: application/json' -o /dev/null -d @- \
  "$API/applications/$ID/steps/business/" <<JSON
{"revision": $REV, "values": {"trade_name": "冒烟测试裁缝铺", "organisation": "individual",
 "premises_address": "福建省福州市仓山区上渡路12号一层", "business_scope": "服装加工、修改。",
 "employees": 1}}
JSON
base64 -d >"$WORK/scan.png" <<'PNG'
iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAIAAAD8GO2jAAAAKUlEQVR4nO3NMQEAAAjDMMC/52ECvlRA00nqs3m9AwAAAAAAAAAAgMMWx/EDPS4YA2MAAAAASUVORK5CYII=
PNG
for material in application_form operator_identity premises_proof; do
  code="$(status_of -H "$AUTH" -F "material_key=$material" -F "file=@$WORK/scan.png" \
    "$API/applications/$ID/attachments/")"
  [ "$code" = 201 ] || fail "attaching $material answered $code"
done
RID="stack-smoke-$(date +%s)-$$"
RECEIPT="$(c -H "$AUTH" -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" -H "X-Request-ID: $RID" \
  -D "$WORK/submit-headers" -X POST "$API/applications/$ID/submit/")"
NUMBER="$(jq -r .tracking_number <<<"$RECEIPT")"
[ "$(jq -r .status <<<"$RECEIPT")" = submitted ] || fail "submission: $RECEIPT"
pass "citizen submitted application $NUMBER through the API (draft, two steps, three uploads)"
# The request id passes nginx both ways, and both logs carry it: nginx's access log and the
# portal's JSON line for the request (route, status; no path, no personal data).
grep -qi "^x-request-id: $RID" "$WORK/submit-headers" || fail "the response does not carry X-Request-ID $RID"
grep -q "rid=$RID" var/stack/log/portal-access.log || fail "nginx's access log has no rid=$RID"
grep -F "$RID" var/stack/log/web.log |
  jq -e 'select(.logger == "portal.access" and (.route | test("submit")) and .status < 300)' >/dev/null ||
  fail "the portal logged no JSON line for request $RID"
pass "X-Request-ID $RID is in the response, nginx's access log and the portal's JSON request line"

# --- the pdf worker renders and seals the receipt ----------------------------------------------
receipt() { c -H "$AUTH" "$API/applications/$ID/documents/" | jq -c '[.[] | select(.kind == "receipt")][0]'; }
waited=$SECONDS
for _ in $(seq 1 90); do
  [ "$(receipt | jq .rendered)" = true ] && break
  sleep 1
done
DOC="$(receipt)"
[ "$(jq .rendered <<<"$DOC")" = true ] || fail "the receipt was not rendered within 90 s: $DOC"
c -H "$AUTH" -o "$WORK/receipt.pdf" "$API/documents/$(jq .id <<<"$DOC")/content/"
[ "$(head -c 5 "$WORK/receipt.pdf")" = "%PDF-" ] || fail "the receipt's content is not a PDF"
grep -aq '/ByteRange' "$WORK/receipt.pdf" || fail "the receipt PDF carries no signature"
pass "the pdf worker rendered and sealed the receipt $(jq -r .number <<<"$DOC") in $((SECONDS - waited)) s (signed PDF)"
VERIFY="$(c "$API/verify/$(jq -r .verification_code <<<"$DOC")/")"
[ "$(jq -r .status <<<"$VERIFY")" = valid ] || fail "/verify/ says: $VERIFY"
[ "$(jq -r .sha256 <<<"$VERIFY")" = "$(sha256sum "$WORK/receipt.pdf" | cut -d' ' -f1)" ] ||
  fail "/verify/ gives another SHA-256 than the downloaded file's"
[ "$(status_of "$PORTAL/verify/$(jq -r .verification_code <<<"$DOC")/")" = 200 ] || fail "the /verify/ page"
pass "/verify/ says valid, with the downloaded file's SHA-256 (API and page)"

# --- an official signs in with two factors ------------------------------------------------------
OFFICIAL_EMAIL=clerk@demo.gov.cn
mkdir -p "$KEYS"
sign_in "$OFFICIAL_EMAIL"
[ "$(status_of -b "$JAR" "$API/intake/applications/")" = 403 ] ||
  fail "an official without the second factor reached the intake queue"
key="$(c -b "$JAR" "$PORTAL/accounts/two-factor/setup/" |
  sed -n 's/.*<code class="secret"[^>]*>\([A-Z2-7 ]*\)<.*/\1/p' | tr -d ' ')"
page=verify
if [ -n "$key" ]; then
  page=setup
  (umask 077 && echo "$key" >"$KEYS/$OFFICIAL_EMAIL")
fi
[ -s "$KEYS/$OFFICIAL_EMAIL" ] ||
  fail "$OFFICIAL_EMAIL enrolled an authenticator whose key this test does not have (rm -rf var/stack to start afresh)"
second_factor() {
  status_of -b "$JAR" -c "$JAR" -H "Referer: $PORTAL/" \
    --data-urlencode "token=$(oathtool --totp -b "$(cat "$KEYS/$OFFICIAL_EMAIL")")" \
    --data-urlencode "csrfmiddlewaretoken=$CSRF" "$PORTAL/accounts/two-factor/$page/"
}
code="$(second_factor)"
if [ "$code" != 302 ]; then
  # A code is accepted once: a run within the same 30 seconds as the last one waits for the next.
  sleep $((31 - $(date +%s) % 30))
  code="$(second_factor)"
fi
[ "$code" = 302 ] || fail "the second factor ($page) answered $code"
CSRF="$(awk '$6 == "csrftoken" {print $7}' "$JAR")"
QUEUE="$(c -b "$JAR" -H "X-CSRFToken: $CSRF" -H "Referer: $PORTAL/" "$API/intake/applications/?page_size=100")"
jq -e --arg n "$NUMBER" '[.results[].tracking_number] | index($n)' <<<"$QUEUE" >/dev/null ||
  fail "the window's queue does not show $NUMBER"
pass "official $OFFICIAL_EMAIL signed in with password and TOTP ($page) and sees $NUMBER in the window's queue"

# --- metrics ------------------------------------------------------------------------------------
c -o "$WORK/metrics" -w '%{http_code}' "$PORTAL/metrics" | grep -qx 200 || fail "/metrics"
for figure in portal_request_duration_seconds portal_task_duration_seconds portal_pdf_render_seconds \
  portal_queue_depth portal_worker_heartbeat_age_seconds portal_open_tasks portal_cards \
  portal_deemed_acceptances portal_audit_events_since_checkpoint portal_calendar_days_left; do
  grep -q "^# TYPE $figure " "$WORK/metrics" || fail "/metrics has no $figure"
done
# Figures of other processes than the one answering (prometheus-client's multiprocess files).
grep -q '^portal_request_duration_seconds_count{.*route="[^"]*submit' "$WORK/metrics" ||
  fail "/metrics does not count the submission request"
awk '/^portal_pdf_render_seconds_count/ { n += $2 } END { exit !(n >= 1) }' "$WORK/metrics" ||
  fail "/metrics counts no PDF render (the pdf worker's figures are missing)"
for queue in celery pdf; do
  grep -q "^portal_queue_heartbeat_age_seconds{queue=\"$queue\"}" "$WORK/metrics" ||
    fail "/metrics has no heartbeat age for the $queue queue"
done
pass "/metrics scraped from an allowed address: requests, tasks, PDF renders, queues, heartbeats, SLA, audit, calendar"
# From another address (127.0.0.2, outside METRICS_ALLOWED_IPS), nginx says so in
# X-Forwarded-For, overwriting what the client claims, and the portal, trusting one proxy,
# refuses /metrics: a portal that believed the TCP peer (nginx, 127.0.0.1) would answer.
code="$(status_of --interface 127.0.0.2 -H 'X-Forwarded-For: 127.0.0.1' "$PORTAL/metrics")"
[ "$code" = 404 ] || fail "/metrics answered $code to 127.0.0.2 claiming to be 127.0.0.1"
pass "/metrics refused (404) to 127.0.0.2, even with a forged X-Forwarded-For: 127.0.0.1"

printf '\n  %d checks passed in %d s after the stack answered.\n' "$checks" "$((SECONDS - up_at))"
