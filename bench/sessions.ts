// `npm run bench:sessions`: what the per-request session check costs (see bench/README.md).
import { ensureSvelteKitPaths } from './entry';

ensureSvelteKitPaths(import.meta.url);
const { main } = await import('./sessions/main');
await main();
