import { startEmbeddedPostgres } from '$lib/server/adapters/postgres/embedded';
const db = await startEmbeddedPostgres({ dataDir: '.data/bench', database: 'postgres' });
console.log(db.url);
process.on('SIGTERM', async () => { await db.stop(); process.exit(0); });
setInterval(() => {}, 1000);
