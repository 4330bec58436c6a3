// `npm run bench:export`: a million-record sheet exported as CSV and XLSX through the export
// service and the HTTP route; prints rows/s and memory (see bench/README.md).
import { ensureSvelteKitPaths } from './entry';

ensureSvelteKitPaths(import.meta.url);
const { main } = await import('./export/main');
await main();
