# syntax=docker/dockerfile:1
# trueup controller image: build on Node 20, run on Node 20 slim as a non-root user.
#   docker build -t trueup .
#   docker run --rm trueup --help

# trueup's Helm engine: Helm's own Go code built for WebAssembly by helm/build.sh (a few minutes).
FROM golang:1.26-bookworm AS helm
WORKDIR /src/helm
COPY helm ./
RUN TRUEUP_CACHE_DIR=/out bash build.sh \
 && mv /out/helm/helm-*/helm-engine.wasm /helm-engine.wasm

FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Scripts run after the sources are in (the prepare script compiles them).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
# The build bundles the render CLI and the web UI (scripts/bundle-*.mjs).
COPY scripts ./scripts
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOME=/tmp \
    TRUEUP_CACHE_DIR=/var/cache/trueup \
    TRUEUP_HELM_ENGINE=/app/helm/helm-engine.wasm
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
COPY --from=helm /helm-engine.wasm ./helm/helm-engine.wasm
# The Git cache lives on a volume in the Deployment; the directory exists for `docker run` too.
RUN mkdir -p /var/cache/trueup && chown 65532:65532 /var/cache/trueup
# The same numeric user the Deployment runs as (runAsNonRoot needs a numeric USER).
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["node", "/app/bin/trueup"]
CMD ["controller"]
