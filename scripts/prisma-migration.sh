#!/usr/bin/env bash
# npm run db:migration -- <name>: after a change to prisma/models.prisma, writes the
# migration for both engines (prisma/<engine>/migrations/<timestamp>_<name>/migration.sql):
# a scratch database per engine gets the existing migrations (`prisma migrate deploy`), and
# `prisma migrate diff` writes the SQL from there to the models. No shadow database needed.
# PostgreSQL: RECGATE_MIGRATION_POSTGRES_URL (default postgres://root@127.0.0.1:5432/postgres),
# a role that may create databases. Review the SQL, then run `npm run db:generate`.
source "$(dirname "$0")/prisma-env.sh"
name="${1:?usage: npm run db:migration -- <name>   (e.g. add_experiments)}"
[[ "$name" =~ ^[a-z0-9_]+$ ]] || { echo "migration name: lower case, digits and _ only" >&2; exit 1; }
admin="${RECGATE_MIGRATION_POSTGRES_URL:-postgres://root@127.0.0.1:5432/postgres}"
stamp="$(date -u +%Y%m%d%H%M%S)"
scratch="recgate_migration_$$"
mkdir -p .tmp
sqlite_file=".tmp/migration-$$.db"
cleanup() {
  rm -f "$sqlite_file" "$sqlite_file-journal"
  psql "$admin" -qc "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
psql "$admin" -qc "CREATE DATABASE \"$scratch\""

for engine in sqlite postgres; do
  if [[ $engine == sqlite ]]; then url="file:./$sqlite_file"; else url="${admin%/*}/$scratch"; fi
  DATABASE_URL="$url" npx prisma migrate deploy >/dev/null
  sql="$(DATABASE_URL="$url" npx prisma migrate diff --from-config-datasource --to-schema "prisma/$engine" --script)"
  if [[ "$sql" == *"This is an empty migration"* ]]; then
    echo "$engine: the migrations already match prisma/models.prisma; nothing written"
    continue
  fi
  dir="prisma/$engine/migrations/${stamp}_$name"
  mkdir -p "$dir"
  printf '%s\n' "$sql" >"$dir/migration.sql"
  echo "$engine: wrote $dir/migration.sql"
done
