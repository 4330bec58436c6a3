// Generates the typed Prisma client into src/generated/prisma without touching the network.
//
// `prisma generate` itself runs on WebAssembly, but the CLI first makes sure a native schema
// engine is on disk and would download one, which is impossible offline. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at a file that exists satisfies that check; generate never runs
// it. CHECKPOINT_DISABLE stops the CLI's update check, its only other network call.
//
//   node scripts/prisma-generate.js               always generate (prisma:generate, prepare)
//   node scripts/prisma-generate.js --if-missing  only when src/generated/prisma is absent
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'node_modules/prisma/build/index.js');
const clientEntry = path.join(root, 'src/generated/prisma/client.ts');

/**
 * Runs the Prisma CLI with `args` from the project root, offline. Throws when it fails; with
 * `quiet`, its output goes into the error instead of the terminal.
 * @param {string[]} args
 * @param {{ quiet?: boolean }} [options]
 */
export function runPrismaCli(args, options = {}) {
	if (!existsSync(cli))
		throw new Error(`The prisma CLI is missing (${cli}): run npm install first`);
	ensureKitTsconfig();
	const result = spawnSync(process.execPath, [cli, ...args], {
		cwd: root,
		stdio: options.quiet ? 'pipe' : 'inherit',
		encoding: 'utf8',
		env: {
			...process.env,
			PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
			CHECKPOINT_DISABLE: '1',
			PRISMA_HIDE_UPDATE_MESSAGE: '1'
		}
	});
	if (result.error) throw result.error;
	if (result.status !== 0) {
		const output = options.quiet ? `\n${result.stdout}${result.stderr}` : '';
		throw new Error(
			`prisma ${args.join(' ')} exited with ${result.status ?? result.signal}${output}`
		);
	}
}

/**
 * Prisma loads prisma.config.ts through tsconfig.json, which extends the file `svelte-kit sync`
 * writes; on a fresh clone (the `prepare` of the first install) it does not exist yet.
 */
function ensureKitTsconfig() {
	if (existsSync(path.join(root, '.svelte-kit', 'tsconfig.json'))) return;
	const kit = path.join(root, 'node_modules', '@sveltejs', 'kit', 'svelte-kit.js');
	const result = spawnSync(process.execPath, [kit, 'sync'], { cwd: root, stdio: 'inherit' });
	if (result.status !== 0) throw new Error('svelte-kit sync failed');
}

/** Generates the client from prisma/schema.prisma. */
export function generatePrismaClient() {
	runPrismaCli(['generate']);
}

/** Generates the client unless it is already there: cheap enough to run before every start. */
export function ensurePrismaClient() {
	if (!existsSync(clientEntry)) generatePrismaClient();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	try {
		// `prepare` also runs on production installs (`npm ci --omit=dev`), where the prisma CLI is
		// a missing dev dependency and the built app already carries the client: not an error there.
		if (process.env.npm_lifecycle_event === 'prepare' && !existsSync(cli)) {
			console.warn('prisma CLI not installed (production install?): skipping prisma generate');
		} else if (process.argv.includes('--if-missing')) ensurePrismaClient();
		else generatePrismaClient();
	} catch (error) {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	}
}
