import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
const ids = readFileSync('/tmp/ids.txt', 'utf8').trim().split('\n');
let i = 0;
const r = await autocannon({ url: 'http://127.0.0.1:45123', connections: 50, duration: Number(process.argv[2] ?? 10), headers: { authorization: 'Bearer rst_benchtest' },
  requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/data/entity/${ids[i++ % ids.length]}` }) }] });
console.log(JSON.stringify({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors }));
