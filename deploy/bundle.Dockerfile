# The image of one built gateway: `dist/` and Node, nothing else (no hgw, no npm packages — the bundle
# carries what it links). Build context is the dist folder:
#   hgw build gateway.json --out dist --k8s
#   docker build -t registry.example.com/gateway:1 dist/
# (`hgw build --k8s` writes this file as dist/Dockerfile; it is kept here as the reference copy.)
FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and not writable by the user the gateway runs as.
COPY . /app/
# The image's unprivileged `node` user (uid 1000), as the Kubernetes manifests expect.
USER 1000:1000
EXPOSE 8080
# SIGTERM: /readyz turns 503, the listener serves on for HGW_DRAIN_DELAY (default 5s), then drains.
STOPSIGNAL SIGTERM
# Node runs as PID 1 and handles SIGTERM/SIGINT/SIGHUP itself. The young-generation cap keeps RSS low
# under load (see the README's "Memory"); source maps turn stack traces back into runtime/*.ts.
ENTRYPOINT ["node", "--max-semi-space-size=4", "--enable-source-maps", "/app/gateway.mjs"]
