# syntax=docker/dockerfile:1
# Serialtrack: build with the npm scripts CI runs (`npm ci`, `npm run build`), then run `npm start` (which
# runs the compiled server with node; its prestart finds the build up to date) as a non-root user.

FROM node:22-bookworm-slim AS build
# better-sqlite3 compiles from source with node-gyp when no prebuilt binary can be downloaded.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    SERIALTRACK_DB_FILE=/data/serialtrack.db
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/scripts/build-if-needed.js ./scripts/build-if-needed.js
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# docker stop sends SIGTERM to npm, which passes it to the server (the start script execs node); the server
# finishes its requests and exits within 8 s, before Docker's 10 s kill.
STOPSIGNAL SIGTERM
CMD ["npm", "start"]
