// `npm test`: static checks, then unit and integration tests (Vitest), then the browser tests
// once they exist. Ends with one line of totals, `N passed, N failed`, which CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBuildStale } from './build-state.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
mkdirSync('test-results', { recursive: true });

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (command, args) =>
	spawnSync(command, args, { stdio: 'inherit', env: process.env }).status === 0;

let passed = 0;
let failed = 0;

run(process.execPath, ['scripts/prisma-generate.js', '--if-missing']);

console.log('\n== build (the integration tests run the built server) ==');
if (!isBuildStale(root)) console.log('build/ is newer than every source: kept');
else if (!run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']))
	failed++;

console.log('\n== check: svelte-check, eslint, prettier ==');
if (run(npm, ['run', '--silent', 'check'])) passed++;
else failed++;

console.log('\n== unit and integration tests (vitest) ==');
const report = path.join('test-results', 'vitest.json');
run(process.execPath, [
	'node_modules/vitest/vitest.mjs',
	'run',
	'--reporter=default',
	'--reporter=json',
	`--outputFile.json=${report}`
]);
if (existsSync(report)) {
	const results = JSON.parse(readFileSync(report, 'utf8'));
	passed += results.numPassedTests;
	failed += results.numFailedTests;
	// A suite that failed to load has no failed tests of its own; count it so it cannot hide.
	failed += results.testResults.filter(
		(suite) =>
			suite.status === 'failed' && suite.assertionResults.every((test) => test.status !== 'failed')
	).length;
} else {
	failed++;
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
