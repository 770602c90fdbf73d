#!/usr/bin/env bash
# npm run db:generate: regenerates both Prisma clients (src/db/generated/sqlite and
# src/db/generated/postgres) from prisma/models.prisma. Nothing connects to a database.
source "$(dirname "$0")/prisma-env.sh"
# prisma.config.ts picks the schema folder from the URL's scheme.
DATABASE_URL="file:./.tmp/generate.db" npx prisma generate
DATABASE_URL="postgres://localhost:5432/recgate" npx prisma generate
