// `npm run bench:provenance`: what reading where a record's values came from costs (see
// bench/README.md).
import { ensureSvelteKitPaths } from './entry';

ensureSvelteKitPaths(import.meta.url);
const { main } = await import('./provenance/main');
await main();
