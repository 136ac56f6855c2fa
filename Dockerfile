# syntax=docker/dockerfile:1.7
# Multi-stage build: `runtime` runs the api (default) or the worker; `tools` runs provisioning,
# migrations and the demo seed (it keeps the dev dependencies and sources those scripts need).

# `npm install` honours package-lock.json; `npm ci` refuses it because the lockfile (written
# without registry URLs) omits other platforms' optional packages.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npx nest build api && npx nest build worker

FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

FROM build AS tools
ENV NODE_ENV=production
USER node
CMD ["sh", "-c", "npx tsx db/scripts/provision.ts && npx tsx db/scripts/migrate.ts up && if [ \"$SEED_DEMO\" = true ]; then npx tsx db/scripts/seed.ts; fi"]

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
# A bounded V8 heap: without it V8 grows lazily towards a quarter of the host's memory. 384 MB
# holds a 50,000-row PMS import with room to spare; raise it with the container's memory limit.
ENV NODE_OPTIONS=--max-old-space-size=384
WORKDIR /app
COPY --from=prod-deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
# Code is owned by root and read-only to the process; it runs as the unprivileged `node` user.
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", "dist/apps/api/main.js"]
