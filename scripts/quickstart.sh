#!/usr/bin/env bash
# `npm run quickstart`: install, prepare the database (pgvector, roles, migrations, demo seed),
# build, then run the api and the worker together until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

step "dependencies"; ensure_dependencies
if [ ! -f .env ]; then
  step "configuration"
  secret=$(node -e "process.stdout.write(require('crypto').randomBytes(48).toString('base64'))")
  sed "s#^JWT_SECRET=.*#JWT_SECRET=${secret}#" .env.example > .env
  echo "wrote .env (with a random JWT secret)"
fi
# A data key for sealing integration secrets (also added to a .env written by an older version).
if ! grep -Eq '^DATA_ENCRYPTION_KEY=[A-Za-z0-9+/]{43}=$' .env; then
  key=$(node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64'))")
  grep -v '^DATA_ENCRYPTION_KEY=' .env > .env.tmp || true
  echo "DATA_ENCRYPTION_KEY=${key}" >> .env.tmp && mv .env.tmp .env
  echo "added a random DATA_ENCRYPTION_KEY to .env"
fi
set -a; source .env; set +a
step "services"; ensure_services
step "database"; npx tsx db/scripts/provision.ts
step "migrations"; npx tsx db/scripts/migrate.ts up
step "demo seed"; npx tsx db/scripts/seed.ts
step "build"; npx nest build api && npx nest build worker

step "starting api and worker"
node --max-old-space-size=384 dist/apps/api/main.js & api=$!
node --max-old-space-size=384 dist/apps/worker/main.js & worker=$!
trap 'kill -TERM $api $worker 2>/dev/null; wait $api $worker 2>/dev/null' INT TERM EXIT

url="${PUBLIC_BASE_URL:-http://localhost:${PORT:-3000}}"
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:${PORT:-3000}/health/ready" >/dev/null 2>&1 && break
  kill -0 $api 2>/dev/null || { echo "the api exited; see the log above" >&2; exit 1; }
  sleep 1
done
cat <<INFO

  The butler platform is running.
    API      ${url}/api/v1
    Docs     ${url}/docs
    Health   ${url}/health/ready
    Login    owner@demo.butler.test / demo-owner-password
             housekeeping@demo.butler.test / demo-housekeeping-pw

  Try:  curl -s -X POST ${url}/api/v1/auth/login -H 'content-type: application/json' \\
          -d '{"email":"owner@demo.butler.test","password":"demo-owner-password"}'
  Talk to the concierge as a guest (web chat), in another terminal:
        npm run demo:chat
  Ctrl-C stops both processes.

INFO
wait $api $worker
