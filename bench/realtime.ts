// `npm run bench:realtime`: socket.io clients in worker processes edit one sheet live; prints
// latency, throughput, CPU and memory (see bench/README.md).
import { ensureSvelteKitPaths } from './entry';

ensureSvelteKitPaths(import.meta.url);
const { main } = await import('./realtime/main');
await main();
