# rtbench in a container: the load generator for `rtbench k8s` shards, and the reference server
# for `--runtime containers` (run `rtbench serve --host 0.0.0.0`).
#   docker build -t rtbench:dev .
#   docker run --rm rtbench:dev --help
# The image holds rtbench as the npm package holds it: compiled JavaScript (dist/), runtime
# dependencies only. Scenarios (the bundled ones, or a ConfigMap mounted under /app) import
# `rtbench`, which resolves to /app itself.
FROM node:20-slim

WORKDIR /app

# Dependencies first (cached while only sources change). Install scripts are skipped: every
# native module rtbench uses ships prebuilt binaries in its package (zeromq, esbuild).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts

# Build dist/ with the project's TypeScript, then drop the sources and the dev dependencies. The
# optional peers (zeromq, redis and the rest: package.json peerDependencies, also devDependencies
# here) stay: the image's reference server runs the router and Redis topologies, and its shards the
# Prometheus output, so they become the image's own dependencies before the prune.
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/
COPY bin ./bin
COPY src ./src
COPY reference-server ./reference-server
RUN npm run build && rm -rf src reference-server scripts tsconfig.json tsconfig.build.json \
  && node -e "const fs = require('fs'); const p = JSON.parse(fs.readFileSync('package.json', 'utf8')); \
      for (const n of Object.keys(p.peerDependencies)) { p.dependencies[n] = p.devDependencies[n]; delete p.devDependencies[n]; } \
      fs.writeFileSync('package.json', JSON.stringify(p, null, 2));" \
  && npm prune --omit=dev --ignore-scripts && npm cache clean --force
COPY scenarios ./scenarios
RUN chmod 0755 /app/bin/rtbench.js && ln -s /app/bin/rtbench.js /usr/local/bin/rtbench

ENV NODE_ENV=production
# The image's own unprivileged user (uid 1000).
USER node
EXPOSE 3000
ENTRYPOINT ["rtbench"]
CMD ["--help"]
