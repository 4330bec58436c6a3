// Text Postgres cannot store (a NUL, a lone surrogate half) is refused at the edge with a 400
// that names the field, on every way in: JSON bodies, PostgREST bodies and query strings, and
// form posts. Nothing is applied, and no request answers 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '$lib/server/auth/api-tokens';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords } from '$lib/server/services/records';
import { createSpace as createSpaceService } from '$lib/server/services/spaces';
import { AppErrorCode } from '$lib/domain/errors';
import { withActor } from '$lib/server/db';
import { bootTestApp, createSpace, createUser, stopTestApp, type TestUser } from '../support/app';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let owner: TestUser;
let token = '';
let slug = '';
let recordId = '';

beforeAll(async () => {
	context = await bootTestApp();
	owner = await createUser(context, 'Text Owner');
	slug = (await createSpace(context, owner, 'Text')).slug;
	await createEntityType({ context, actor: owner.actor, space: slug, input: { name: 'Guests' } });
	await addAttribute({
		context,
		actor: owner.actor,
		space: slug,
		type: 'guests',
		input: { name: 'Name', kind: 'text' }
	});
	const created = await createRecords({
		context,
		actor: owner.actor,
		space: slug,
		type: 'guests',
		values: [{ name: 'Ada' }]
	});
	recordId = created.created[0]!.id;
	token = (
		await createApiToken({
			context,
			actor: { ...owner.actor, via: 'web' },
			space: slug,
			input: { name: 'text', role: 'owner' }
		})
	).secret;
	server = await startAppServer();
}, 180_000);

afterAll(async () => {
	await server?.stop();
	await stopTestApp();
});

const NUL = '\u0000';

/** What the `/` page's createSpace form action calls with the form's fields. */
const createSpaceByForm = (input: Record<string, string>) =>
	createSpaceService({ context, actor: owner.actor, input });

const api = (path: string, init: RequestInit = {}) =>
	fetch(`${server.url}${path}`, {
		...init,
		headers: {
			authorization: `Bearer ${token}`,
			'content-type': 'application/json',
			...init.headers
		}
	});

async function expectRefused(response: Response, field: string) {
	const body = (await response.json()) as { code?: string; message?: string; field?: string };
	expect(response.status, JSON.stringify(body)).toBe(400);
	expect(body.code).toEqual(expect.any(String));
	expect(`${body.field ?? ''} ${body.message ?? ''}`).toContain(field);
}

async function names(): Promise<string[]> {
	const response = await api(`/api/spaces/${slug}/rest/guests?select=name&order=name`);
	return ((await response.json()) as { name: string }[]).map((row) => row.name);
}

describe('text with a NUL character', () => {
	it('is refused in a REST insert, naming the field, and nothing is inserted', async () => {
		const response = await api(`/api/spaces/${slug}/rest/guests`, {
			method: 'POST',
			body: JSON.stringify([{ name: 'Bea' }, { name: `Ca${NUL}rl` }])
		});
		await expectRefused(response, 'name');
		expect(await names()).toEqual(['Ada']);
	});

	it('is refused in a REST bulk PATCH, and nothing changes', async () => {
		const response = await api(`/api/spaces/${slug}/rest/guests?name=eq.Ada`, {
			method: 'PATCH',
			body: JSON.stringify({ name: `A${NUL}` })
		});
		await expectRefused(response, 'name');
		expect(await names()).toEqual(['Ada']);
	});

	it('is refused in a REST filter value, naming the parameter', async () => {
		const response = await api(`/api/spaces/${slug}/rest/guests?name=eq.A%00da`);
		await expectRefused(response, 'name');
	});

	it('is refused in a record PATCH, naming values.name', async () => {
		const response = await api(`/api/data/entity/${recordId}`, {
			method: 'PATCH',
			body: JSON.stringify({ name: `x${NUL}` })
		});
		await expectRefused(response, 'name');
		expect(await names()).toEqual(['Ada']);
	});

	it('is refused in a comment', async () => {
		const response = await api(`/api/spaces/${slug}/records/${recordId}/comments`, {
			method: 'POST',
			body: JSON.stringify({ body: `hello${NUL}` })
		});
		await expectRefused(response, 'body');
	});

	it('is refused in a type name and a space name', async () => {
		await expectRefused(
			await api(`/api/spaces/${slug}/types`, {
				method: 'POST',
				body: JSON.stringify({ name: `Ven${NUL}ues` })
			}),
			'name'
		);
		await expectRefused(
			await api(`/api/spaces`, { method: 'POST', body: JSON.stringify({ name: `Sp${NUL}ace` }) }),
			'name'
		);
	});

	it('is refused in a key of a JSON body, naming where it is', async () => {
		const response = await api(`/api/spaces/${slug}/types`, {
			method: 'POST',
			body: JSON.stringify({ name: 'Fine', [`x${NUL}`]: 1 })
		});
		expect(response.status).toBe(400);
	});
});

describe('the ways in without an HTTP body', () => {
	it('refuses a NUL in what a form action hands a service, naming the field', async () => {
		const refused = await createSpaceByForm({ name: `Sp${NUL}ace` }).catch(
			(error: unknown) => error
		);
		expect(refused).toMatchObject({ code: AppErrorCode.InvalidInput, field: 'name' });
	});

	it('turns a data exception that reaches Postgres into InvalidInput and rolls back', async () => {
		const refused = await withActor(context.db.runtime, owner.actor, async (tx) => {
			await tx.query('select $1::text', [`a${NUL}b`]);
		}).catch((error: unknown) => error);
		expect(refused).toMatchObject({ code: AppErrorCode.InvalidInput, field: 'body' });
	});
});

describe('text with a lone surrogate', () => {
	// Found by fuzz-api.test.ts (FUZZ_SEED=12345): a 500 before the edge check.
	it('is refused in a new field name', async () => {
		const response = await api(`/api/spaces/${slug}/types/guests/fields`, {
			method: 'POST',
			body: '{"name":"x\\udfffy","kind":"text","options":{},"isRequired":false,"extra":""}'
		});
		await expectRefused(response, 'name');
	});

	it('is refused in a REST insert instead of failing in Postgres', async () => {
		const response = await api(`/api/spaces/${slug}/rest/guests`, {
			method: 'POST',
			body: '[{"name": "half \\ud800 a pair"}]'
		});
		await expectRefused(response, 'name');
		expect(await names()).toEqual(['Ada']);
	});
});
