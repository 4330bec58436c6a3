// `npm run bench:dedupe`: finds planted duplicates among generated customers with the default
// match rules, through the scan job, and scores the result against the ground truth (see
// bench/README.md).
import { ensureSvelteKitPaths } from './entry';

ensureSvelteKitPaths(import.meta.url);
const { main } = await import('./dedupe/main');
await main();
