# Shared by scripts/test.sh and scripts/quickstart.sh.
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# Install when node_modules is missing or older than the lockfile. `npm install` rather than
# `npm ci`: the lockfile is written without registry URLs, and npm then leaves other platforms'
# optional packages out of it, which `npm ci` rejects as out of sync. The versions are still the
# locked ones.
ensure_dependencies() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm install --no-audit --no-fund
  else
    echo "node_modules is up to date"
  fi
}

# PostgreSQL and Redis must answer on the configured URLs; start the local ones if they are down.
ensure_services() {
  local pg_admin="${DATABASE_ADMIN_URL:-postgres://postgres@localhost:5432/postgres}"
  if ! pg_isready -d "$pg_admin" -q 2>/dev/null; then
    if command -v pg_ctlcluster >/dev/null; then
      echo "starting the local PostgreSQL cluster"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
    fi
    for _ in $(seq 1 30); do pg_isready -d "$pg_admin" -q 2>/dev/null && break; sleep 1; done
    pg_isready -d "$pg_admin" -q || { echo "PostgreSQL is not reachable at $pg_admin" >&2; exit 1; }
  fi
  echo "PostgreSQL is up"
  local redis_url="${REDIS_URL:-redis://localhost:6379}"
  if ! redis_ping "$redis_url"; then
    if command -v redis-server >/dev/null; then
      echo "starting a local Redis (no persistence)"
      redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    fi
    for _ in $(seq 1 20); do redis_ping "$redis_url" && break; sleep 0.5; done
    redis_ping "$redis_url" || { echo "Redis is not reachable at $redis_url" >&2; exit 1; }
  fi
  echo "Redis is up"
}

redis_ping() {
  node -e "
    const net = require('net'); const u = new URL(process.argv[1]);
    const s = net.connect(Number(u.port || 6379), u.hostname, () => s.write('PING\r\n'));
    s.setTimeout(1000, () => process.exit(1)); s.on('error', () => process.exit(1));
    s.on('data', (d) => process.exit(String(d).includes('PONG') ? 0 : 1));" "$1"
}
