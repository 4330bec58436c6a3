// `npm run bench:export`: a million-record sheet exported as CSV and XLSX through the export
// service and the HTTP route; prints rows/s and memory (see bench/README.md). Like bench/query.ts, this entry
// first makes sure tsx can resolve `$lib/...`: tsx reads `paths` from tsconfig.json, which
// extends .svelte-kit/tsconfig.json, a file that `svelte-kit sync` writes.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

if (!existsSync(path.join(root, '.svelte-kit', 'tsconfig.json'))) {
	if (process.env.BENCH_SYNCED)
		throw new Error('svelte-kit sync did not write .svelte-kit/tsconfig.json');
	console.log('Running svelte-kit sync so that $lib imports resolve ...');
	execFileSync(
		process.execPath,
		[path.join(root, 'node_modules', '@sveltejs', 'kit', 'svelte-kit.js'), 'sync'],
		{ stdio: 'inherit' }
	);
	const rerun = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
		stdio: 'inherit',
		env: { ...process.env, BENCH_SYNCED: '1' }
	});
	process.exit(rerun.status ?? 1);
}

const { main } = await import('./export/main');
await main();
