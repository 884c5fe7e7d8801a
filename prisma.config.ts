import path from 'node:path';
import { defineConfig } from 'prisma/config';

// The schema engine binary cannot be downloaded here; `prisma generate` only needs a path that exists.
// Migrations are applied by scripts/db-migrate.ts instead (see README).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve('scripts/no-schema-engine.sh');

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Read directly: prisma's env() throws when unset, even for `generate`.
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/wheelhouse' },
});
