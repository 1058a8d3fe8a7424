# The hgw CLI in an image, for CI steps that check and build configs:
#   docker build -f deploy/cli.Dockerfile -t hgw .
#   docker run --rm -v "$PWD:/work" hgw check gateway.json --fail-on warning
#   docker run --rm -v "$PWD:/work" hgw build gateway.json --out dist
FROM node:20-slim
WORKDIR /opt/hgw
COPY package.json package-lock.json ./
COPY bin ./bin
COPY cli ./cli
COPY runtime ./runtime
COPY schemas ./schemas
COPY scripts ./scripts
COPY templates ./templates
COPY deploy ./deploy
COPY tsconfig.json ./
# `prepare` builds lib/ (the CLI bundle and precompiled schema validators) from the sources above;
# the build's own tools (esbuild, ts-morph) are runtime dependencies, so dev ones are left out.
RUN npm ci --omit=dev && npm cache clean --force
USER 1000:1000
WORKDIR /work
ENTRYPOINT ["node", "/opt/hgw/bin/hgw.mjs"]
