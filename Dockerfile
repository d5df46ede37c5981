# rtbench in a container: the load generator for `rtbench k8s` shards, and the reference server
# for `--runtime containers` (run `rtbench serve --host 0.0.0.0`).
#   docker build -t rtbench:dev .
#   docker run --rm rtbench:dev --help
FROM node:20-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first (cached while only sources change). Install scripts are skipped: every
# native module rtbench uses ships prebuilt binaries in its package (zeromq, esbuild for tsx).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# Sources: TypeScript, run by tsx with no build step.
COPY bin ./bin
COPY src ./src
COPY reference-server ./reference-server
COPY scenarios ./scenarios
RUN chmod 0755 /app/bin/rtbench.js && ln -s /app/bin/rtbench.js /usr/local/bin/rtbench

# The image's own unprivileged user (uid 1000); tsx caches compiled files under /tmp.
USER node
ENV TMPDIR=/tmp
EXPOSE 3000
ENTRYPOINT ["rtbench"]
CMD ["--help"]
