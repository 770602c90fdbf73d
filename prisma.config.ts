// Prisma CLI configuration (development only: the gateway applies migrations itself at start
// and never needs the CLI). The provider follows DATABASE_URL, like the gateway does.
import { defineConfig } from 'prisma/config';

const url = process.env.DATABASE_URL ?? 'file:./recgate.db';
const provider = /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';

export default defineConfig({
  schema: `prisma/${provider}`,
  migrations: { path: `prisma/${provider}/migrations` },
  datasource: { url, shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL },
});
