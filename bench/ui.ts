// `npm run bench:ui`: a 100,000-row sheet in headless Chromium; time to the first rows and frame
// times while scrolling (see bench/README.md).
import { ensureSvelteKitPaths } from './entry';

ensureSvelteKitPaths(import.meta.url);
const { main } = await import('./ui/main');
await main();
