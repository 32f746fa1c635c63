# syntax=docker/dockerfile:1
# Multi-stage build: native addons (better-sqlite3) compile in the build stage; the runtime stage has
# only Node, ffmpeg and CJK fonts (Chinese labels on evidence snapshots; AR PL UMing, embedded in the
# annex PDFs).

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
# onnxruntime-node's install script would fetch CUDA files; the CPU runtime ships inside the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg fonts-noto-cjk fonts-arphic-uming tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production JIANHU_DATA_DIR=/data JIANHU_DB=/data/jianhu.db JIANHU_MODELS_DIR=/models
COPY --from=build /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY models ./models
COPY config ./config
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8780 1883
HEALTHCHECK --interval=30s --timeout=5s CMD ["node", "-e", "fetch('http://127.0.0.1:8780/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["tini", "--", "node", "bin/jianhu.mjs"]
CMD ["serve", "--config", "/etc/jianhu/config.yaml"]
