# syntax=docker/dockerfile:1
# One image for every app of the suite; APP chooses which one runs:
# gateway, incident, problem, change, cmdb, sla, knowledge or notification.
#   docker build -t itsm-suite .
#   docker run -e APP=incident -e DATABASE_URL=... -e NATS_URL=... itsm-suite

FROM node:20-bookworm-slim AS build
WORKDIR /src
ENV CI=true NX_DAEMON=false NX_NO_CLOUD=true
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
RUN npx nx run-many -t build
# Production dependencies only; node_modules stays external to the build output (no bundling), which keeps
# instrumentation and native modules working.
RUN npm prune --omit=dev --no-audit --no-fund
# What runs: package.json, node_modules (with the workspace links to libs/*), and each project's dist.
RUN mkdir -p /out \
 && cp -a package.json package-lock.json node_modules /out/ \
 && for dir in libs/* apps/*; do \
      if [ -d "$dir/dist" ]; then mkdir -p "/out/$dir" && cp -a "$dir/dist" "/out/$dir/"; fi; \
      if [ -f "$dir/package.json" ]; then mkdir -p "/out/$dir" && cp "$dir/package.json" "/out/$dir/"; fi; \
    done

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out/ ./
ARG APP=gateway
ENV APP=${APP}
# Gateway on 3000; health and metrics of incident 3101, problem 3102, change 3103, cmdb 3104, sla 3105,
# knowledge 3106, notification 3107.
EXPOSE 3000 3101 3102 3103 3104 3105 3106 3107
USER node
CMD ["sh", "-c", "if [ ! -f \"apps/${APP}/dist/main.js\" ]; then echo \"APP must be one of: gateway incident problem change cmdb sla knowledge notification (got '${APP}')\" >&2; exit 1; fi; exec node \"apps/${APP}/dist/main.js\""]
