// Whether build/ is older than the sources it is built from: `npm start` and `npm test` build
// only then, so a second run starts at once.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const sources = [
	'src',
	'realtime',
	'static',
	'prisma',
	'package.json',
	'svelte.config.js',
	'vite.config.ts'
];

function newest(target) {
	if (!existsSync(target)) return 0;
	const stat = statSync(target);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let latest = stat.mtimeMs;
	for (const entry of readdirSync(target))
		latest = Math.max(latest, newest(path.join(target, entry)));
	return latest;
}

export function isBuildStale(root) {
	const built = path.join(root, 'build', 'handler.js');
	if (!existsSync(built)) return true;
	return (
		Math.max(...sources.map((source) => newest(path.join(root, source)))) > statSync(built).mtimeMs
	);
}
