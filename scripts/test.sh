#!/usr/bin/env bash
# `npm test`: install, provision the database (building pgvector if needed), lint, typecheck and
# run every jest project (unit, int, e2e) against the local PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

start=$(date +%s)
step "dependencies"; ensure_dependencies
step "services"; ensure_services
step "database"; npx tsx db/scripts/provision.ts
step "lint"; npx eslint . --max-warnings 0
step "format"; npx prettier --check . --log-level warn
step "typecheck"; npx tsc -p tsconfig.json --noEmit
step "tests"; npx jest --ci --runInBand=false --maxWorkers=2 "$@"
printf '\nnpm test finished in %ss\n' "$(( $(date +%s) - start ))"
