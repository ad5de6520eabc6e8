#!/usr/bin/env bash
# Walks through the incident slice against a running suite (`npm start` in another terminal):
# open an incident, read it back, and show how a mistake is answered.
# usage: tools/try-slice.sh [base-url]   (default http://127.0.0.1:3000)
set -euo pipefail
base=${1:-http://127.0.0.1:3000}
cd "$(dirname "$0")/.."
token=$(npm run -s token -- --role requester --sub alice --name "Alice Smith")

echo "== POST $base/v1/incidents"
created=$(curl -sS -D /dev/stderr -X POST "$base/v1/incidents" \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"title":"VPN drops every 10 minutes","description":"Floor 3, since 9:00","impact":1,"urgency":2}')
echo "$created"
id=$(printf '%s' "$created" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).id))')

echo; echo "== GET $base/v1/incidents/$id"
curl -sS "$base/v1/incidents/$id" -H "Authorization: Bearer $token"

echo; echo; echo "== POST with a bad impact (400 problem+json naming the field)"
curl -sS -X POST "$base/v1/incidents" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"title":"VPN","impact":4,"urgency":3}'

echo; echo; echo "== GET without a token (401)"
curl -sS "$base/v1/incidents/$id"
echo
