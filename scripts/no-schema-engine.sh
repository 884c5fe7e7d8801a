#!/bin/sh
# Stand-in for Prisma's downloadable schema-engine binary, which cannot be fetched on these machines.
# `prisma generate` only needs the path to exist; anything that really needs the engine fails here loudly.
echo "wheelhouse: Prisma's schema engine is not installed here. Apply migrations with 'npm run db:migrate'." >&2
exit 1
