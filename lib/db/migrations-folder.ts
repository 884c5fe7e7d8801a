import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * prisma/migrations. Found from this file where Node says where it is (the migrate script, the tests); the Next.js
 * server's bundles have no `import.meta.dirname`, and it runs from the project root (`next start`).
 */
export const MIGRATIONS_DIR = import.meta.dirname
  ? path.resolve(import.meta.dirname, '../../prisma/migrations')
  : path.join(process.cwd(), 'prisma', 'migrations');

/** The migrations this code brings (prisma/migrations' folders), in the order they are applied. */
export async function migrationNames(directory = MIGRATIONS_DIR): Promise<string[]> {
  // Read at run time, not traced into the build: the server reads the project's own folder.
  return (await readdir(/*turbopackIgnore: true*/ directory, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}
