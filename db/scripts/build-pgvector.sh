#!/usr/bin/env bash
# Builds and installs pgvector from Debian's source package when the server lacks it.
# Debian's bookworm ships no pgvector for PostgreSQL 15 in main, so we take the source package
# from trixie (deb-src only: no binary from trixie is ever installed) and build it against
# postgresql-server-dev-<major>. Needs root (apt-get, make install); idempotent.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-$(pg_config --version 2>/dev/null | sed -E 's/^PostgreSQL ([0-9]+).*/\1/' || true)}"
PG_MAJOR="${PG_MAJOR:-15}"
PG_CONFIG="/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config"
SRC_LIST=/etc/apt/sources.list.d/butler-pgvector-src.sources

log() { printf '[pgvector] %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
  command -v sudo >/dev/null || { log "not root and no sudo: install pgvector for PostgreSQL ${PG_MAJOR} yourself"; exit 1; }
else
  SUDO=
fi

if [ -f "$("$PG_CONFIG" --sharedir 2>/dev/null)/extension/vector.control" ]; then
  log "already installed for PostgreSQL ${PG_MAJOR}"
  exit 0
fi

if [ ! -f "$SRC_LIST" ]; then
  # Reuse the mirror already configured for this machine's Debian archive.
  uri=$(grep -h -m1 -E '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v -i security | head -n1 | awk '{print $2}')
  uri="${uri:-http://deb.debian.org/debian}"
  log "adding deb-src trixie entry ($uri)"
  $SUDO tee "$SRC_LIST" >/dev/null <<SRC
Types: deb-src
URIs: ${uri}
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

log "installing build dependencies"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  "postgresql-server-dev-${PG_MAJOR}" build-essential dpkg-dev >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
log "fetching pgvector source (trixie)"
apt-get source -qq --download-only pgvector/trixie >/dev/null 2>&1 || apt-get source -qq --download-only pgvector >/dev/null
dsc=$(ls ./*.dsc | head -n1)
# apt already verified the .dsc through the signed Sources index; dpkg-source would only warn
# that debian-keyring is absent.
dpkg-source -x "$dsc" src >/dev/null 2>&1
cd src
log "building $(basename "$dsc" .dsc) against PostgreSQL ${PG_MAJOR}"
make -s PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
$SUDO make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
log "installed $(grep default_version "$("$PG_CONFIG" --sharedir)/extension/vector.control")"
