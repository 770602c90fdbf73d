# Shared by the db:* scripts. Prisma's CLI needs its schema engine; where it cannot download
# one (only the npm registry reachable), point PRISMA_SCHEMA_ENGINE_BINARY at a stand-in,
# e.g. the wasm engine of the development machines:
#   export PRISMA_SCHEMA_ENGINE_BINARY=/work/shared/tools/prisma-wasm-engine/schema-engine
# Unset, Prisma uses (and on first use downloads) its own engine.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1 # no update check against Prisma's servers
if [[ -n "${PRISMA_SCHEMA_ENGINE_BINARY:-}" && ! -x "$PRISMA_SCHEMA_ENGINE_BINARY" ]]; then
  echo "PRISMA_SCHEMA_ENGINE_BINARY=$PRISMA_SCHEMA_ENGINE_BINARY is not an executable file" >&2
  exit 1
fi
