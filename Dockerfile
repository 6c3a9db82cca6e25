# syntax=docker/dockerfile:1
# Sonicord: one bot process for Discord, Slack and the playground. Node 24 runs the TypeScript sources directly.

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; the `node` devDependency is not needed: the image is Node 24 already.
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-slim AS runtime
# tini reaps children and forwards signals so the bot shuts down cleanly; DejaVu gives /bench charts a font.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini fonts-dejavu-core ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The playground listens on every interface here, so it requires PLAYGROUND_TOKEN (refusing to start without it).
ENV NODE_ENV=production DATA_DIR=/app/data PLAYGROUND_HOST=0.0.0.0
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY commands ./commands
COPY src ./src
COPY adapters ./adapters
COPY config ./config
COPY knowledge ./knowledge
COPY scripts ./scripts
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--v8-pool-size=1", "src/main.ts"]
