// Export of a sheet or a saved view as CSV and XLSX, against the real database and the built
// server: exact CSV bytes for several kinds, the view's filter, sort and columns, CSV injection
// neutralised, XLSX read back with exceljs, access and bad input refused before any byte, and
// the rows streamed from a cursor a chunk at a time, no faster than the download reads them.
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '$lib/server/auth/api-tokens';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { EXPORT_CHUNK_ROWS, exportRecords } from '$lib/server/services/exports';
import { createRecords } from '$lib/server/services/records';
import { createView } from '$lib/server/services/views';
import {
	addMember,
	bootTestApp,
	createSpace,
	createUser,
	stopTestApp,
	type TestUser
} from '../support/app';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let owner: TestUser;
let space: { id: string; slug: string };
const tokens: Record<'owner' | 'viewer' | 'door' | 'stranger', string> = {
	owner: '',
	viewer: '',
	door: '',
	stranger: ''
};
let venuesTypeId: string;
let viewId: string;
let venueViewId: string;

const BOM = '\uFEFF';
const today = () => new Date().toISOString().slice(0, 10);

// The rows as created, in creation order; their CSV lines are below in the same order.
const guests = [
	{
		name: 'Ada Lovelace',
		tickets: 2,
		fee: -12.5,
		day: '2026-03-14',
		arrives: '2026-03-14T08:30:00.000Z',
		paid: true,
		status: 'Confirmed',
		notes: 'Line one\nline "two", three'
	},
	{
		name: '=HYPERLINK("http://evil.example","click")',
		tickets: -3,
		fee: 1234.5,
		day: '2026-01-02',
		arrives: null,
		paid: false,
		status: 'Invited',
		notes: '@SUM(A1:A9)'
	},
	{
		name: '+49 30 1234',
		tickets: null,
		fee: null,
		day: null,
		arrives: null,
		paid: false,
		status: null,
		notes: '-2+3'
	}
];

const header = 'Name,Tickets,Fee,Day,Arrives,Paid,Status,Host,Venue,Notes\r\n';

function guestLines(hostName: string): string[] {
	return [
		`Ada Lovelace,2,-$12.50,2026-03-14,2026-03-14 09:30,TRUE,Confirmed,${hostName},Main stage,"Line one\nline ""two"", three"\r\n`,
		`"'=HYPERLINK(""http://evil.example"",""click"")",-3,"$1,234.50",2026-01-02,,FALSE,Invited,,,'@SUM(A1:A9)\r\n`,
		`'+49 30 1234,,,,,FALSE,,,,'-2+3\r\n`
	];
}

async function download(path: string, token: string | null = tokens.owner) {
	const response = await fetch(`${server.url}/api/spaces/${space.slug}${path}`, {
		headers: token ? { authorization: `Bearer ${token}` } : {}
	});
	return {
		status: response.status,
		headers: response.headers,
		bytes: Buffer.from(await response.arrayBuffer())
	};
}

const json = (bytes: Buffer) => JSON.parse(bytes.toString('utf8'));

beforeAll(async () => {
	context = await bootTestApp();
	owner = await createUser(context, 'Export Owner');
	const viewer = await createUser(context, 'Export Viewer');
	const door = await createUser(context, 'Export Door');
	const stranger = await createUser(context, 'Export Stranger');
	space = await createSpace(context, owner, 'Export');
	const elsewhere = await createSpace(context, stranger, 'Elsewhere');
	await addMember(context, owner, space.id, viewer, 'viewer');
	await addMember(context, owner, space.id, door, 'checkin');
	const on = { context, actor: owner.actor, space: space.slug };

	venuesTypeId = (await createEntityType({ ...on, input: { name: 'Venues', key: 'venues' } })).id;
	await addAttribute({ ...on, type: 'venues', input: { name: 'Title', kind: 'text' } });
	await createEntityType({ ...on, input: { name: 'Guests', key: 'guests' } });
	for (const input of [
		{ name: 'Name', key: 'name', kind: 'text', checkinAccess: 'read' },
		{ name: 'Tickets', key: 'tickets', kind: 'number' },
		{ name: 'Fee', key: 'fee', kind: 'currency', options: { currency: 'USD', precision: 2 } },
		{ name: 'Day', key: 'day', kind: 'date' },
		{ name: 'Arrives', key: 'arrives', kind: 'datetime', options: { timeZone: 'Europe/Berlin' } },
		{ name: 'Paid', key: 'paid', kind: 'checkbox' },
		{
			name: 'Status',
			key: 'status',
			kind: 'single_select',
			options: {
				choices: [
					{ name: 'Invited', color: 'gray' },
					{ name: 'Confirmed', color: 'green' }
				]
			}
		},
		{ name: 'Host', key: 'host', kind: 'user' },
		{
			name: 'Venue',
			key: 'venue',
			kind: 'relation',
			options: { targetEntityTypeId: venuesTypeId },
			inverseName: 'Guests'
		},
		{ name: 'Notes', key: 'notes', kind: 'long_text' }
	]) {
		await addAttribute({ ...on, type: 'guests', input });
	}
	const venue = await createRecords({ ...on, type: 'venues', values: [{ title: 'Main stage' }] });
	const venueId = venue.created[0]!.id;
	await createRecords({
		...on,
		type: 'guests',
		values: guests.map((guest, index) => ({
			...guest,
			host: index === 0 ? owner.id : null,
			venue: index === 0 ? [venueId] : null
		}))
	});

	viewId = (
		await createView({
			...on,
			type: 'guests',
			input: {
				name: 'Paid: by fee',
				config: {
					filter: { type: 'condition', field: 'status', operator: 'is_not_empty' },
					sort: [{ field: 'fee', direction: 'desc' }],
					hidden: ['notes', 'host', 'venue', 'arrives'],
					order: ['fee', 'name']
				}
			}
		})
	).id;
	venueViewId = (await createView({ ...on, type: 'venues', input: { name: 'All venues' } })).id;

	const token = async (user: TestUser, role: string, spaceSlug = space.slug) =>
		(
			await createApiToken({
				context,
				actor: user.actor,
				space: spaceSlug,
				input: { name: role, role }
			})
		).secret;
	tokens.owner = await token(owner, 'owner');
	tokens.viewer = await token(viewer, 'viewer');
	tokens.door = await token(door, 'checkin');
	tokens.stranger = await token(stranger, 'owner', elsewhere.slug);
	server = await startAppServer();
}, 180_000);

afterAll(async () => {
	await server?.stop();
	await stopTestApp();
});

describe('CSV export', () => {
	it('writes every field of the sheet exactly as the grid reads it', async () => {
		const file = await download('/types/guests/export?format=csv', tokens.viewer);
		expect(file.status, file.bytes.toString()).toBe(200);
		expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(file.headers.get('content-disposition')).toBe(
			`attachment; filename="Guests ${today()}.csv"; filename*=UTF-8''Guests%20${today()}.csv`
		);
		// Without a view the grid lists records in the order they were added; so does the export.
		const lines = guestLines('Export Owner');
		expect(file.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
		expect(file.bytes.toString('utf8')).toBe(BOM + header + lines.join(''));
	});

	it("applies a saved view's filter, sort and shown fields in its column order", async () => {
		const file = await download(`/types/guests/export?format=csv&view=${viewId}`);
		expect(file.status, file.bytes.toString()).toBe(200);
		// ':' is refused by some file systems, so the file is named without it.
		expect(file.headers.get('content-disposition')).toBe(
			`attachment; filename="Paid by fee ${today()}.csv"; filename*=UTF-8''Paid%20by%20fee%20${today()}.csv`
		);
		expect(file.bytes.toString('utf8')).toBe(
			BOM +
				'Fee,Name,Tickets,Day,Paid,Status\r\n' +
				`"$1,234.50","'=HYPERLINK(""http://evil.example"",""click"")",-3,2026-01-02,FALSE,Invited\r\n` +
				'-$12.50,Ada Lovelace,2,2026-03-14,TRUE,Confirmed\r\n'
		);
	});

	it('neutralises text that a spreadsheet would run as a formula, and leaves numbers alone', async () => {
		const text = (await download('/types/guests/export')).bytes.toString('utf8');
		const cells = text.split('\r\n').flatMap((line) => line.split(','));
		for (const cell of cells) {
			const unquoted = cell.replace(/^"/, '');
			if (/^[=+@]/.test(unquoted)) throw new Error(`a formula reached the file: ${cell}`);
		}
		expect(text).toContain(`"'=HYPERLINK(`);
		expect(text).toContain(`'+49 30 1234`);
		expect(text).toContain(`'@SUM(A1:A9)`);
		expect(text).toContain(`'-2+3`);
		expect(text).toContain(',-3,');
		expect(text).toContain(',-$12.50,');
	});

	it('gives a check-in member only the fields check-in may read, and no saved views', async () => {
		const file = await download('/types/guests/export?format=csv', tokens.door);
		expect(file.status, file.bytes.toString()).toBe(200);
		const lines = file.bytes.toString('utf8').replace(BOM, '').split('\r\n');
		expect(lines[0]).toBe('Name');
		expect(lines.slice(1, -1).sort()).toEqual(
			['Ada Lovelace', `"'=HYPERLINK(""http://evil.example"",""click"")"`, "'+49 30 1234"].sort()
		);
		const view = await download(`/types/guests/export?view=${viewId}`, tokens.door);
		expect(view.status).toBe(403);
		expect(json(view.bytes)).toMatchObject({ code: 'FORBIDDEN', field: 'view' });
	});
});

describe('XLSX export', () => {
	it('reads back with exceljs: typed cells, a bold frozen header, the view applied', async () => {
		const file = await download(`/types/guests/export?format=xlsx&view=${viewId}`);
		expect(file.status, file.bytes.toString()).toBe(200);
		expect(file.headers.get('content-type')).toBe(
			'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
		);
		expect(file.headers.get('content-disposition')).toContain(`.xlsx`);
		const workbook = new ExcelJS.Workbook();
		await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
		const sheet = workbook.worksheets[0]!;
		expect(sheet.name).toBe('Paid by fee');
		expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
		const rows = [1, 2, 3].map((row) =>
			(sheet.getRow(row).values as unknown[]).slice(1, 7).map((value) => value ?? null)
		);
		expect(rows).toEqual([
			['Fee', 'Name', 'Tickets', 'Day', 'Paid', 'Status'],
			[
				1234.5,
				'=HYPERLINK("http://evil.example","click")',
				-3,
				new Date(Date.UTC(2026, 0, 2)),
				false,
				'Invited'
			],
			[-12.5, 'Ada Lovelace', 2, new Date(Date.UTC(2026, 2, 14)), true, 'Confirmed']
		]);
		expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
		// A string cell is text, never a formula, whatever it starts with.
		expect(sheet.getRow(2).getCell(2).type).toBe(ExcelJS.ValueType.String);
		expect(sheet.getRow(2).getCell(1).numFmt).toBe('"$"#,##0.00');
		expect(sheet.rowCount).toBe(3);
	});

	it('writes a datetime as the wall clock of its zone and users and links by name', async () => {
		const file = await download('/types/guests/export?format=xlsx');
		const workbook = new ExcelJS.Workbook();
		await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
		const sheet = workbook.worksheets[0]!;
		const ada = sheet.getRows(2, 3)!.find((row) => row.getCell(1).value === 'Ada Lovelace')!
			.values as unknown[];
		expect(ada.slice(1)).toEqual([
			'Ada Lovelace',
			2,
			-12.5,
			new Date(Date.UTC(2026, 2, 14)),
			new Date(Date.UTC(2026, 2, 14, 9, 30)),
			true,
			'Confirmed',
			'Export Owner',
			'Main stage',
			'Line one\nline "two", three'
		]);
	});
});

describe('refused exports', () => {
	it('says which parameter is wrong, with a code, and sends no file', async () => {
		const cases: [string, string | null, number, string, string][] = [
			['/types/guests/export?format=pdf', tokens.owner, 400, 'INVALID_INPUT', 'format'],
			['/types/guests/export?view=not-a-view', tokens.owner, 404, 'NOT_FOUND', 'view'],
			[`/types/guests/export?view=${venueViewId}`, tokens.owner, 404, 'NOT_FOUND', 'view'],
			[
				'/types/guests/export?view=00000000-0000-4000-8000-000000000000',
				tokens.viewer,
				404,
				'NOT_FOUND',
				'view'
			],
			['/types/nothing/export', tokens.owner, 404, 'NOT_FOUND', 'type'],
			['/types/guests/export', tokens.stranger, 404, 'NOT_FOUND', 'space']
		];
		for (const [path, token, status, code, field] of cases) {
			const file = await download(path, token);
			expect(file.status, path).toBe(status);
			expect(file.headers.get('content-disposition'), path).toBeNull();
			expect(json(file.bytes), path).toMatchObject({ code, field });
		}
	});

	it('asks who is calling before anything else', async () => {
		const file = await download('/types/guests/export?format=csv', null);
		expect(file.status).toBe(401);
		expect(json(file.bytes)).toMatchObject({ code: 'UNAUTHORIZED' });
	});
});

describe('streaming', () => {
	const ROWS = 50_000;
	// Wide enough that the whole export (about 20 MB, 800 KB a chunk) is far more than the
	// buffers between the cursor and the reader (1 MiB on each side of the service's stream and
	// 1 MiB in the web stream's queue), so reading ahead of the reader would show.
	const filler = 'x'.repeat(400);

	beforeAll(async () => {
		const on = { context, actor: owner.actor, space: space.slug };
		const bulk = await createEntityType({ ...on, input: { name: 'Bulk', key: 'bulk' } });
		await addAttribute({
			...on,
			type: 'bulk',
			input: { name: 'Label', key: 'label', kind: 'text' }
		});
		await addAttribute({ ...on, type: 'bulk', input: { name: 'N', key: 'n', kind: 'number' } });
		const attributes = await context.db.owner.query<{ id: string; key: string }>(
			'select id, key from attributes where entity_type_id = $1',
			[bulk.id]
		);
		const id = (key: string) => attributes.rows.find((row) => row.key === key)!.id;
		// Straight into the tables as the owner: the write path is not what is measured here.
		await context.db.owner.query(
			`insert into entities (space_id, entity_type_id, seq, position, created_by, updated_by)
			 select $1, $2, g, g, $3, $3 from generate_series(1, $4::int) g`,
			[space.id, bulk.id, owner.id, ROWS]
		);
		await context.db.owner.query(
			`insert into eav_values (entity_id, attribute_id, space_id, value_text, value_num)
			 select e.id, v.attribute_id, $1, v.t, v.n
			   from entities e cross join lateral (values
			     ($3::uuid, 'row ' || e.seq || ' ' || $5, null::numeric),
			     ($4::uuid, null, e.seq)) v(attribute_id, t, n)
			  where e.entity_type_id = $2`,
			[space.id, bulk.id, id('label'), id('n'), filler]
		);
		await context.db.owner.query('analyze entities, eav_values');
	}, 120_000);

	/** Every FETCH the app sends while `work` runs, with the rows each returned. */
	async function watchFetches<T>(
		work: (fetched: number[]) => Promise<T>
	): Promise<{ result: T; fetched: number[] }> {
		const prototype = pg.Client.prototype as unknown as {
			query: (...args: unknown[]) => unknown;
		};
		const original = prototype.query;
		const fetched: number[] = [];
		prototype.query = function (this: unknown, ...args: unknown[]) {
			const result = original.apply(this, args);
			const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text;
			if (text?.startsWith('fetch '))
				void (result as Promise<pg.QueryResult>).then((done) => fetched.push(done.rowCount ?? 0));
			return result;
		};
		try {
			return { result: await work(fetched), fetched };
		} finally {
			prototype.query = original;
		}
	}

	it('reads the rows a chunk at a time and writes all of them', async () => {
		const { result: lines, fetched } = await watchFetches(async () => {
			const file = await exportRecords({
				context,
				actor: owner.actor,
				space: space.slug,
				type: 'bulk',
				format: 'csv'
			});
			let count = 0;
			let tail = '';
			for await (const chunk of file.stream) {
				const text = tail + String(chunk);
				const parts = text.split('\r\n');
				tail = parts.pop()!;
				count += parts.length;
			}
			return count;
		});
		expect(lines).toBe(ROWS + 1);
		expect(Math.max(...fetched)).toBe(EXPORT_CHUNK_ROWS);
		expect(fetched.reduce((sum, rows) => sum + rows, 0)).toBe(ROWS);
		expect(fetched.length).toBeGreaterThanOrEqual(ROWS / EXPORT_CHUNK_ROWS);
	}, 120_000);

	it("keeps a view's sort order across every chunk of the cursor", async () => {
		const view = await createView({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'bulk',
			input: {
				name: 'Highest first',
				config: { sort: [{ field: 'n', direction: 'desc' }], hidden: ['label'] }
			}
		});
		const file = await exportRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'bulk',
			view: view.id,
			format: 'csv'
		});
		let text = '';
		for await (const chunk of file.stream) text += String(chunk);
		const numbers = text
			.split('\r\n')
			.slice(1, -1)
			.map((line) => Number(line.replace(/[",]/g, '')));
		expect(numbers).toHaveLength(ROWS);
		expect(numbers[0]).toBe(ROWS);
		expect(numbers.every((n, index) => index === 0 || n === numbers[index - 1]! - 1)).toBe(true);
	}, 120_000);

	it('fetches no further ahead than a slow download reads', async () => {
		const { fetched } = await watchFetches(async (fetched) => {
			const file = await exportRecords({
				context,
				actor: owner.actor,
				space: space.slug,
				type: 'bulk',
				format: 'csv'
			});
			const reader = Readable.toWeb(file.stream).getReader();
			await reader.read();
			// Wait until the export stops fetching: with nobody reading, it must stall once the
			// buffers (about 3 MiB, four chunks of these rows) are full.
			let seen = -1;
			for (let waited = 0; waited < 20_000 && fetched.length !== seen; waited += 500) {
				seen = fetched.length;
				await new Promise((resolve) => setTimeout(resolve, 500));
			}
			const whilePaused = fetched.length;
			expect(whilePaused).toBeGreaterThan(0);
			expect(whilePaused).toBeLessThanOrEqual(8);
			let bytes = 0;
			for (let part = await reader.read(); !part.done; part = await reader.read())
				bytes += part.value.length;
			expect(bytes).toBeGreaterThan(ROWS * filler.length);
		});
		expect(fetched.reduce((sum, rows) => sum + rows, 0)).toBe(ROWS);
	}, 120_000);

	it('stops reading and frees the connection when the download is cancelled', async () => {
		/** Connections the app holds, once the previous test's transaction has had time to end. */
		const busyConnections = async () => {
			const pool = context.db.runtime;
			for (let waited = 0; waited < 5000 && pool.totalCount > pool.idleCount; waited += 100)
				await new Promise((resolve) => setTimeout(resolve, 100));
			return pool.totalCount - pool.idleCount;
		};
		expect(await busyConnections()).toBe(0);
		const { fetched } = await watchFetches(async () => {
			const file = await exportRecords({
				context,
				actor: owner.actor,
				space: space.slug,
				type: 'bulk',
				format: 'xlsx'
			});
			const reader = Readable.toWeb(file.stream).getReader();
			await reader.read();
			await reader.cancel();
		});
		expect(await busyConnections()).toBe(0);
		expect(fetched.reduce((sum, rows) => sum + rows, 0)).toBeLessThan(ROWS);
	}, 120_000);
});
