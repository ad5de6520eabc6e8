# syntax=docker/dockerfile:1
# One image for every app of the suite; APP chooses which one runs (the build argument sets its default):
#   docker build --build-arg APP=incident -t itsm-incident .
#   docker run -e DATABASE_URL=... -e NATS_URL=... itsm-incident
#   docker run -e APP=sla -e DATABASE_URL=... itsm-incident migrate     # apply sla's migrations, then exit
# Apps: gateway, incident, problem, change, cmdb, sla, knowledge, notification.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV CI=true NX_DAEMON=false NX_NO_CLOUD=true
# Manifests first: the dependency layer is rebuilt only when they change.
COPY package.json package-lock.json ./
COPY libs/client/package.json libs/client/
COPY libs/contracts/package.json libs/contracts/
COPY libs/json-schema/package.json libs/json-schema/
COPY libs/messaging/package.json libs/messaging/
COPY libs/observability/package.json libs/observability/
COPY libs/persistence/package.json libs/persistence/
COPY libs/runtime/package.json libs/runtime/
COPY libs/testing/package.json libs/testing/
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN npx nx run-many -t build
# What runs, laid out by the script the tests check: manifests, every dist, the entry point and the health
# check, and `npm ci --omit=dev` (production dependencies only, node_modules external: no bundling).
RUN --mount=type=cache,target=/root/.npm node tools/assemble-runtime.js /out

FROM ${NODE_IMAGE} AS runtime
# tini is PID 1: it forwards SIGTERM to node and reaps zombies, so the graceful shutdown runs on `docker stop`
# and on Kubernetes without `init: true`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /out/ ./
ARG APP=gateway
ENV APP=${APP}
# Gateway API, health and metrics on 3000; health and metrics of incident 3101, problem 3102, change 3103,
# cmdb 3104, sla 3105, knowledge 3106, notification 3107 (PORT and HEALTH_PORT change them).
EXPOSE 3000 3101 3102 3103 3104 3105 3106 3107
# The code belongs to root and is read-only for the app, which runs as `node` (uid 1000) and writes nothing
# but its logs to stdout, so a read-only root file system works.
USER node
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/tools/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/tools/run-app.js"]
CMD []
