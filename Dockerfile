# One image for every Wheelhouse server (docker-compose.yml runs two on one database).
FROM node:20-bookworm-slim

WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1

# Dependencies first, so a change to the code alone reuses this layer. `postinstall` (prisma generate) needs
# the schema, prisma.config.ts and scripts/no-schema-engine.sh. Dev dependencies stay: `db:migrate` runs on tsx.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
RUN npm ci

COPY . .
RUN npm run build

EXPOSE 3000
# Migrations take an advisory lock, so servers starting together apply them once. `exec` makes next start the
# container's main process: `docker stop` reaches it as SIGTERM, and it saves its clock and lets its leases go.
CMD ["sh", "-c", "npm run db:migrate && exec node node_modules/next/dist/bin/next start -p 3000"]
