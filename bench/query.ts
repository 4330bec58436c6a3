// `npm run bench:query`: loads a large EAV sheet and measures the app's query paths as the RLS
// runtime role (see bench/README.md).
import { ensureSvelteKitPaths } from './entry';

ensureSvelteKitPaths(import.meta.url);
const { main } = await import('./query/main');
await main();
