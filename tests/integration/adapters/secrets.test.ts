// One contract for secret stores, run over the environment store and over Vault's KV v2 API.
// No Vault server is installable here, so the Vault case talks to a small HTTP server in this
// file that answers the KV v2 read endpoint as Vault documents it: that verifies our request
// (path, token header) and our parsing of the reply, not the behaviour of a real Vault.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createEnvSecrets,
	createVaultSecrets,
	type SecretStore
} from '$lib/server/adapters/secrets';

const SECRETS = { AUTH_SECRET: 'auth-secret-from-store', AUTH_GOOGLE_SECRET: 'google-secret' };
const VAULT_TOKEN = 'test-token';
const VAULT_PATH = 'secret/data/roster';

interface VaultStub {
	addr: string;
	requests: { method: string; url: string; token: string | undefined }[];
	close(): Promise<void>;
}

async function startVaultStub(secrets: Record<string, string>): Promise<VaultStub> {
	const requests: VaultStub['requests'] = [];
	const server = http.createServer((request, response) => {
		const token = request.headers['x-vault-token'];
		requests.push({
			method: request.method ?? '',
			url: request.url ?? '',
			token: typeof token === 'string' ? token : undefined
		});
		const reply = (status: number, body: unknown) => {
			response.writeHead(status, { 'Content-Type': 'application/json' });
			response.end(JSON.stringify(body));
		};
		if (token !== VAULT_TOKEN) return reply(403, { errors: ['permission denied'] });
		if (request.method !== 'GET' || request.url !== `/v1/${VAULT_PATH}`) {
			return reply(404, { errors: [] });
		}
		reply(200, {
			request_id: 'b4c1d0a2-0000-0000-0000-000000000000',
			lease_id: '',
			renewable: false,
			lease_duration: 0,
			data: {
				data: secrets,
				metadata: {
					created_time: '2024-01-01T00:00:00Z',
					deletion_time: '',
					destroyed: false,
					version: 3
				}
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		addr: `http://127.0.0.1:${port}`,
		requests,
		close: () => new Promise((resolve) => server.close(() => resolve()))
	};
}

const implementations: {
	name: string;
	setup(): Promise<{ store: SecretStore; close(): Promise<void> }>;
}[] = [
	{
		name: 'env',
		async setup() {
			const dataDir = await mkdtemp(path.join(os.tmpdir(), 'roster-secrets-'));
			return {
				store: createEnvSecrets({ env: { ...SECRETS, EMPTY: '' }, dataDir }),
				close: () => rm(dataDir, { recursive: true, force: true })
			};
		}
	},
	{
		name: 'vault',
		async setup() {
			const vault = await startVaultStub({ ...SECRETS, EMPTY: '' });
			return {
				store: createVaultSecrets({ addr: vault.addr, token: VAULT_TOKEN, path: VAULT_PATH }),
				close: vault.close
			};
		}
	}
];

describe.each(implementations)('$name secrets', ({ setup }) => {
	let fixture: Awaited<ReturnType<(typeof implementations)[number]['setup']>>;

	beforeAll(async () => {
		fixture = await setup();
	});

	afterAll(async () => {
		await fixture?.close();
	});

	it('returns each stored secret by name', async () => {
		expect(await fixture.store.get('AUTH_SECRET')).toBe(SECRETS.AUTH_SECRET);
		expect(await fixture.store.get('AUTH_GOOGLE_SECRET')).toBe(SECRETS.AUTH_GOOGLE_SECRET);
	});

	it('returns undefined for a secret it does not hold or holds empty', async () => {
		expect(await fixture.store.get('AUTH_MICROSOFT_ENTRA_ID_SECRET')).toBeUndefined();
		expect(await fixture.store.get('EMPTY')).toBeUndefined();
	});
});

describe('env secrets without AUTH_SECRET', () => {
	let dataDir: string;

	beforeAll(async () => {
		dataDir = await mkdtemp(path.join(os.tmpdir(), 'roster-secrets-'));
	});

	afterAll(async () => {
		await rm(dataDir, { recursive: true, force: true });
	});

	it('generates one AUTH_SECRET, private to its owner, and keeps it across starts', async () => {
		const dir = path.join(dataDir, 'fresh');
		const firstStart = createEnvSecrets({ env: { AUTH_SECRET: '' }, dataDir: dir });
		const secret = await firstStart.get('AUTH_SECRET');
		expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(Buffer.from(secret!, 'base64url')).toHaveLength(32);

		const file = path.join(dir, 'secret');
		expect((await stat(file)).mode & 0o777).toBe(0o600);
		expect(await readFile(file, 'utf8')).toBe(secret);

		const secondStart = createEnvSecrets({ env: {}, dataDir: dir });
		expect(await secondStart.get('AUTH_SECRET')).toBe(secret);
	});

	it('agrees on one secret when several processes start at once', async () => {
		const dir = path.join(dataDir, 'racing');
		const stores = Array.from({ length: 8 }, () => createEnvSecrets({ env: {}, dataDir: dir }));
		const secrets = await Promise.all(stores.map((store) => store.get('AUTH_SECRET')));
		expect(new Set(secrets).size).toBe(1);
		expect(await readFile(path.join(dir, 'secret'), 'utf8')).toBe(secrets[0]);
	});

	it('gives each data directory its own secret', async () => {
		const [one, two] = await Promise.all(
			['one', 'two'].map((name) =>
				createEnvSecrets({ env: {}, dataDir: path.join(dataDir, name) }).get('AUTH_SECRET')
			)
		);
		expect(one).not.toBe(two);
	});

	it('does not generate other secrets', async () => {
		const dir = path.join(dataDir, 'others');
		expect(
			await createEnvSecrets({ env: {}, dataDir: dir }).get('AUTH_GOOGLE_SECRET')
		).toBeUndefined();
		await expect(stat(path.join(dir, 'secret'))).rejects.toMatchObject({ code: 'ENOENT' });
	});
});

describe('vault secrets', () => {
	let vault: VaultStub;

	beforeAll(async () => {
		vault = await startVaultStub(SECRETS);
	});

	afterAll(async () => {
		await vault?.close();
	});

	it('reads the KV v2 data path with the token header', async () => {
		vault.requests.length = 0;
		const store = createVaultSecrets({ addr: vault.addr, token: VAULT_TOKEN, path: VAULT_PATH });
		expect(await store.get('AUTH_SECRET')).toBe(SECRETS.AUTH_SECRET);
		expect(vault.requests).toEqual([
			{ method: 'GET', url: `/v1/${VAULT_PATH}`, token: VAULT_TOKEN }
		]);
	});

	it('treats a path never written as holding no secrets', async () => {
		const store = createVaultSecrets({
			addr: vault.addr,
			token: VAULT_TOKEN,
			path: 'secret/data/elsewhere'
		});
		expect(await store.get('AUTH_SECRET')).toBeUndefined();
	});

	it('fails on a refused token instead of falling back to anything', async () => {
		const store = createVaultSecrets({ addr: vault.addr, token: 'wrong', path: VAULT_PATH });
		await expect(store.get('AUTH_SECRET')).rejects.toThrow(/permission denied/);
	});
});
