// `npm run bench:import`: imports a generated CSV (and XLSX) through the job queue and the write
// path, beside a raw COPY of the same rows (see bench/README.md).
import { ensureSvelteKitPaths } from './entry';

ensureSvelteKitPaths(import.meta.url);
const { main } = await import('./import/main');
await main();
