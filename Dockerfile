# syntax=docker/dockerfile:1
# One image for both Docket roles; TypeScript runs through tsx (a production dependency), so there is no
# build step and the workflow bundle is made from src/ when a worker starts.
#
#   worker (default):  docker run --init -e TEMPORAL_ADDRESS=... -e DATABASE_URL=... -e OPENAI_API_KEY=... docket
#   API:               docker run --init -p 3000:3000 -e HOST=0.0.0.0 -e DOCKET_API_TOKENS=... [same as worker] \
#                        docket tsx src/api/server.ts
#
# Run as many workers and APIs as you like against one Temporal cluster and one PostgreSQL; see
# docker-compose.yml for a complete stack and src/config.ts for every variable. `--init` forwards SIGTERM, so a
# worker finishes its in-flight tasks before it stops.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# package-lock.json may lack the optional builds of esbuild, swc etc. for other platforms (it is written where
# the registry serves only the Linux builds), which `npm ci` rejects; `npm install` then installs exactly the
# locked versions and the lockfile is put back as it was.
RUN npm ci --omit=dev --no-audit --no-fund \
  || { cp package-lock.json /tmp/package-lock.json \
       && npm install --omit=dev --no-audit --no-fund \
       && cp /tmp/package-lock.json package-lock.json; } \
  && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# Trusted roots for the Temporal client's native TLS (Temporal Cloud); Node brings its own for OpenAI.
# tesseract-ocr (English data included) for DOCKET_OCR=tesseract; other languages: tesseract-ocr-<lang>.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates tesseract-ocr \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PATH=/app/node_modules/.bin:$PATH
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY prompts ./prompts
COPY src ./src
# Files stay owned by root: the app can read its code but not change it.
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "src/worker.ts"]
