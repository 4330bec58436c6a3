// Prisma CLI configuration. Only `prisma generate` is used here: migrations are plain SQL
// applied by src/lib/server/adapters/postgres/migrate.ts, and the client connects through the
// pg driver adapter, so the URL below matters only to ad-hoc CLI use such as `prisma studio`.
import { defineConfig } from 'prisma/config';

export default defineConfig({
	schema: 'prisma/schema.prisma',
	// `env('DATABASE_URL')` would throw when the variable is unset, and generate needs no database.
	...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {})
});
