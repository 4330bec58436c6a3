// A sheet to collaborate on, the realtime engine on an in-process HTTP server, and connected
// clients: what the realtime tests share.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RealtimeClient, type RealtimeClientOptions } from '$lib/client/realtime';
import { createApiToken } from '$lib/server/auth/api-tokens';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords } from '$lib/server/services/records';
import type { Role } from '$lib/domain/roles';
import { startRealtime, type Realtime } from '../../realtime/index';
import { addMember, createSpace, createUser, type TestUser } from './app';

export interface SheetFixture {
	space: { id: string; slug: string };
	owner: TestUser;
	editor: TestUser;
	viewer: TestUser;
	tokens: Record<'owner' | 'editor' | 'viewer', string>;
	recordIds: string[];
}

export const SHEET = 'guests';

export async function createSheetFixture(context: AppContext, records = 20): Promise<SheetFixture> {
	const owner = await createUser(context, 'Live Owner');
	const editor = await createUser(context, 'Live Editor');
	const viewer = await createUser(context, 'Live Viewer');
	const space = await createSpace(context, owner, 'Live');
	await addMember(context, owner, space.id, editor, 'editor');
	await addMember(context, owner, space.id, viewer, 'viewer');
	await createEntityType({
		context,
		actor: owner.actor,
		space: space.slug,
		input: { name: 'Guests' }
	});
	for (const input of [
		{ name: 'Name', kind: 'text', options: { maxLength: 200 } },
		{ name: 'Notes', kind: 'long_text' },
		{ name: 'Score', kind: 'number' },
		{ name: 'Email', kind: 'email', isUnique: true }
	]) {
		await addAttribute({ context, actor: owner.actor, space: space.slug, type: SHEET, input });
	}
	const created = await createRecords({
		context,
		actor: owner.actor,
		space: space.slug,
		type: SHEET,
		values: Array.from({ length: records }, (_, index) => ({
			name: `Guest ${index}`,
			notes: `Note ${index}`,
			score: index
		}))
	});
	const token = async (user: TestUser, role: Role) =>
		(
			await createApiToken({
				context,
				actor: user.actor,
				space: space.slug,
				input: { name: `${role} socket`, role }
			})
		).secret;
	return {
		space,
		owner,
		editor,
		viewer,
		tokens: {
			owner: await token(owner, 'owner'),
			editor: await token(editor, 'editor'),
			viewer: await token(viewer, 'viewer')
		},
		recordIds: created.created.map((record) => record.id)
	};
}

export interface RealtimeServer {
	url: string;
	realtime: Realtime;
	close(): Promise<void>;
}

/** The engine on its own HTTP server in this process (no SvelteKit), on a free port. */
export async function startRealtimeServer(context: AppContext): Promise<RealtimeServer> {
	const server = http.createServer((_request, response) => {
		response.statusCode = 404;
		response.end();
	});
	const realtime = startRealtime(context, server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		realtime,
		async close() {
			await realtime.close();
			server.closeAllConnections();
		}
	};
}

export async function connectClient(
	url: string,
	token: string,
	options: Partial<RealtimeClientOptions> = {}
): Promise<RealtimeClient> {
	const client = new RealtimeClient({
		url,
		token,
		socket: { transports: ['websocket'] },
		...options
	});
	await until(() => client.socket.connected, 10_000, 'the socket to connect');
	return client;
}

/** Polls until `condition` holds; fails with what it was waiting for. */
export async function until(
	condition: () => boolean | Promise<boolean>,
	timeoutMs = 15_000,
	what = 'the condition'
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** A small seeded generator, so a failing run can be replayed. */
export function prng(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
