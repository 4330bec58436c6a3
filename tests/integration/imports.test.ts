// Import through the services and the real job queue (pg-boss on the test Postgres): the file
// as storage holds it after the browser's upload, the preview, the job's writes through the one
// write path, refusals, upsert and skip, undo, and every kind of bad input leaving data as it was.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '$lib/domain/errors';
import type { ImportStatus } from '$lib/domain/imports';
import type { AppContext } from '$lib/server/context';
import { startJobWorkers } from '$lib/server/jobs/workers';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import {
	cancelImport,
	createImport,
	getImport,
	previewImport,
	refusedRowsCsv,
	startImport,
	undoImport
} from '$lib/server/services/imports';
import { createRecords, queryRecords } from '$lib/server/services/records';
import {
	addMember,
	bootTestApp,
	createSpace,
	createUser,
	stopTestApp,
	type TestUser
} from '../support/app';

let context: AppContext;
let owner: TestUser;
let viewer: TestUser;
let space: { id: string; slug: string };
let sheet = 0;

beforeAll(async () => {
	context = await bootTestApp({ IMPORT_MAX_BYTES: String(2 * 1024 * 1024) });
	await startJobWorkers(context);
	owner = await createUser(context, 'Importer');
	viewer = await createUser(context, 'Viewer');
	space = await createSpace(context, owner, 'Imports');
	await addMember(context, owner, space.id, viewer, 'viewer');
});

afterAll(async () => {
	await stopTestApp();
});

/** A new sheet with a Name (text) and an Email (email) field. */
async function newSheet(): Promise<string> {
	const name = `Guests ${++sheet}`;
	const { key } = await createEntityType({
		context,
		actor: owner.actor,
		space: space.slug,
		input: { name }
	});
	for (const field of [
		{ name: 'Name', kind: 'text' },
		{ name: 'Email', kind: 'email' }
	]) {
		await addAttribute({ context, actor: owner.actor, space: space.slug, type: key, input: field });
	}
	return key;
}

/** What the browser's presigned PUT leaves in storage, then the import row that names it. */
async function upload(type: string, name: string, bytes: Uint8Array, actor = owner.actor) {
	const created = await createImport({
		context,
		actor,
		space: space.slug,
		type,
		input: { name, size: bytes.byteLength }
	});
	const key = (
		await context.db.owner.query<{ file_key: string }>(
			'select file_key from imports where id = $1',
			[created.import.id]
		)
	).rows[0]!.file_key;
	await context.storage.put(key, Buffer.from(bytes), 'text/csv');
	return created.import.id;
}

const text = (value: string) => new TextEncoder().encode(value);

const start = (id: string, input: object) =>
	startImport({ context, actor: owner.actor, space: space.slug, id, input });

async function settled(id: string): Promise<ImportStatus> {
	for (let attempt = 0; attempt < 300; attempt++) {
		const status = await getImport({ context, actor: owner.actor, space: space.slug, id });
		if (['done', 'failed', 'cancelled', 'undone'].includes(status.state)) return status;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`import ${id} did not finish`);
}

async function rowsOf(type: string) {
	const page = await queryRecords({
		context,
		actor: owner.actor,
		space: space.slug,
		type,
		query: { sort: [{ field: 'name', direction: 'asc' }], limit: 1000 }
	});
	return page.records;
}

async function refusal(work: Promise<unknown>): Promise<AppError> {
	const error = await work.then(
		() => null,
		(caught: unknown) => caught
	);
	expect(error).toBeInstanceOf(AppError);
	return error as AppError;
}

describe('import of a CSV file', () => {
	it('previews, guesses kinds, and writes every row through the write path', async () => {
		const type = await newSheet();
		const csv =
			'\uFEFFName;Email;Age;Joined;Ticket\r\n' +
			'Ada;ada@example.com;36;2026-01-05;VIP\r\n' +
			'"Grace ""Amazing"" Hopper";grace@example.com;45;2026-02-10;Standard\r\n' +
			'"Linus\nTorvalds";linus@example.com;28;2026-03-01;Standard\r\n' +
			'Margaret;margaret@example.com;51;2026-04-02;VIP\r\n';
		const id = await upload(type, 'guests.csv', text(csv));
		const preview = await previewImport({
			context,
			actor: owner.actor,
			space: space.slug,
			id,
			input: {}
		});
		expect(preview).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ';' });
		expect(preview.columns.map((column) => [column.name, column.guess.kind])).toEqual([
			// A value with a line break in it makes a long text.
			['Name', 'long_text'],
			['Email', 'email'],
			['Age', 'number'],
			['Joined', 'date'],
			['Ticket', 'single_select']
		]);
		expect(preview.columns[4]!.guess.choices).toEqual(['VIP', 'Standard']);
		expect(preview.rows[2]![0]).toBe('Linus\nTorvalds');

		await start(id, {
			mode: 'add',
			columns: [
				{ column: 0, field: 'name' },
				{ column: 1, field: 'email' },
				{ column: 2, create: { name: 'Age', kind: 'number' } },
				{ column: 3, create: { name: 'Joined', kind: 'date' } },
				{
					column: 4,
					create: { name: 'Ticket', kind: 'single_select', choices: ['VIP', 'Standard'] }
				}
			]
		});
		const status = await settled(id);
		expect(status).toMatchObject({
			state: 'done',
			totalRows: 4,
			processedRows: 4,
			added: 4,
			refused: 0
		});
		const rows = await rowsOf(type);
		expect(rows.map((row) => [row.name, row.email, row.age, row.joined, row.ticket])).toEqual([
			['Ada', 'ada@example.com', 36, '2026-01-05', 'VIP'],
			['Grace "Amazing" Hopper', 'grace@example.com', 45, '2026-02-10', 'Standard'],
			// A text field keeps one line; the quoted line break became a space.
			['Linus Torvalds', 'linus@example.com', 28, '2026-03-01', 'Standard'],
			['Margaret', 'margaret@example.com', 51, '2026-04-02', 'VIP']
		]);
		const audit = await context.db.owner.query<{ count: number }>(
			`select count(*)::int as count from audit_log where space_id = $1 and via = 'import' and action = 'create'`,
			[space.id]
		);
		expect(audit.rows[0]!.count).toBeGreaterThanOrEqual(4);
	});

	it('refuses rows that do not fit, reports why, and writes the others', async () => {
		const type = await newSheet();
		const csv =
			'Name,Email\n' +
			'Ada,ada@example.com\n' +
			'Bob,not-an-email\n' +
			'Cy,cy@example.com,extra\n' +
			'Dee\n' +
			'Eve,eve@example.com\n';
		const id = await upload(type, 'guests.csv', text(csv));
		await previewImport({ context, actor: owner.actor, space: space.slug, id, input: {} });
		await start(id, {
			columns: [
				{ column: 0, field: 'name' },
				{ column: 1, field: 'email' }
			]
		});
		const status = await settled(id);
		expect(status).toMatchObject({ state: 'done', added: 2, refused: 3 });
		expect((await rowsOf(type)).map((row) => row.name)).toEqual(['Ada', 'Eve']);

		const report = await refusedRowsCsv({ context, actor: owner.actor, space: space.slug, id });
		const bytes = new Uint8Array(await new Response(report.body).arrayBuffer());
		// A BOM so Excel reads it as UTF-8 (the decoder below drops it again).
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const csvReport = new TextDecoder().decode(bytes);
		const lines = csvReport.trim().split('\r\n');
		expect(lines[0]).toBe('Row,Field,Reason,(the row as it was in the file)');
		expect(lines[1]).toMatch(/^3,email,"Email: .*",Bob,not-an-email$/);
		expect(lines[2]).toBe('4,,The row has 3 cells; the header has 2,Cy,cy@example.com,extra');
		expect(lines[3]).toBe('5,,The row has 1 cells; the header has 2,Dee');
	});

	it('refuses a row whose user field names someone outside the space, and writes the others', async () => {
		const type = await newSheet();
		await addAttribute({
			context,
			actor: owner.actor,
			space: space.slug,
			type,
			input: { name: 'Host', kind: 'user' }
		});
		const outsider = await createUser(context, 'Outsider');
		const csv =
			'Name,Email,Host\n' +
			`Ada,ada@example.com,${viewer.id}\n` +
			`Bob,bob@example.com,${outsider.id}\n` +
			`Cy,cy@example.com,${owner.id}\n`;
		const id = await upload(type, 'guests.csv', text(csv));
		await previewImport({ context, actor: owner.actor, space: space.slug, id, input: {} });
		await start(id, {
			columns: [
				{ column: 0, field: 'name' },
				{ column: 1, field: 'email' },
				{ column: 2, field: 'host' }
			]
		});
		expect(await settled(id)).toMatchObject({ state: 'done', added: 2, refused: 1 });
		expect((await rowsOf(type)).map((row) => [row.name, row.host])).toEqual([
			['Ada', viewer.id],
			['Cy', owner.id]
		]);
		const report = await refusedRowsCsv({ context, actor: owner.actor, space: space.slug, id });
		const lines = (await new Response(report.body).text()).trim().split('\r\n');
		expect(lines[1]).toMatch(/^3,host,Host: \S+ is not a member of this space,Bob,/);
	});

	it('reads Windows-1252 and UTF-16 files', async () => {
		const type = await newSheet();
		const latin = Buffer.from('Name,Email\nCaf\xe9 M\xfcller,cafe@example.com\n', 'latin1');
		const first = await upload(type, 'latin.csv', latin);
		const preview = await previewImport({
			context,
			actor: owner.actor,
			space: space.slug,
			id: first,
			input: {}
		});
		expect(preview.encoding).toBe('windows-1252');
		expect(preview.rows[0]![0]).toBe('Café Müller');

		const utf16 = Buffer.concat([
			Buffer.from([0xff, 0xfe]),
			Buffer.from('Name\tEmail\r\nZoë\tzoe@example.com\r\n', 'utf16le')
		]);
		const second = await upload(type, 'wide.csv', utf16);
		const wide = await previewImport({
			context,
			actor: owner.actor,
			space: space.slug,
			id: second,
			input: {}
		});
		expect(wide).toMatchObject({ encoding: 'utf-16le', delimiter: '\t' });
		await start(second, {
			columns: [
				{ column: 0, field: 'name' },
				{ column: 1, field: 'email' }
			]
		});
		expect(await settled(second)).toMatchObject({ state: 'done', added: 1 });
		expect((await rowsOf(type)).map((row) => row.name)).toEqual(['Zoë']);
	});
});

describe('matching on a key field, and undo', () => {
	it('upserts, skips, and undo puts everything back', async () => {
		const type = await newSheet();
		const run = async (csv: string, mode: 'add' | 'upsert' | 'skip') => {
			const id = await upload(type, 'guests.csv', text(csv));
			await previewImport({ context, actor: owner.actor, space: space.slug, id, input: {} });
			await start(id, {
				mode,
				keyField: 'email',
				columns: [
					{ column: 0, field: 'name' },
					{ column: 1, field: 'email' }
				]
			});
			return { id, status: await settled(id) };
		};
		await run('Name,Email\nAda,ada@example.com\nBob,bob@example.com\n', 'add');
		const skip = await run('Name,Email\nAda L.,ada@example.com\nCy,cy@example.com\n', 'skip');
		expect(skip.status).toMatchObject({ added: 1, skipped: 1, updated: 0 });
		expect((await rowsOf(type)).map((row) => row.name)).toEqual(['Ada', 'Bob', 'Cy']);

		const upsert = await run(
			'Name,Email\nAda Lovelace,ada@example.com\nDee,dee@example.com\n',
			'upsert'
		);
		expect(upsert.status).toMatchObject({ added: 1, updated: 1 });
		expect((await rowsOf(type)).map((row) => row.name)).toEqual([
			'Ada Lovelace',
			'Bob',
			'Cy',
			'Dee'
		]);

		await undoImport({ context, actor: owner.actor, space: space.slug, id: upsert.id });
		expect(await settled(upsert.id)).toMatchObject({ state: 'undone' });
		expect((await rowsOf(type)).map((row) => row.name)).toEqual(['Ada', 'Bob', 'Cy']);
		const again = await refusal(
			undoImport({ context, actor: owner.actor, space: space.slug, id: upsert.id })
		);
		expect(again.code).toBe('CONFLICT');
	});
});

describe('an XLSX workbook', () => {
	it('imports the chosen sheet, with dates and numbers as the workbook holds them', async () => {
		const type = await newSheet();
		const workbook = new ExcelJS.Workbook();
		workbook.addWorksheet('Notes').addRow(['ignore me']);
		const guests = workbook.addWorksheet('Guests');
		guests.addRow(['Name', 'Email', 'Seats', 'Arrives']);
		guests.addRow(['Ada', 'ada@example.com', 2, new Date(Date.UTC(2026, 5, 1))]);
		guests.addRow([
			'Grace',
			{ text: 'grace@example.com', hyperlink: 'mailto:grace@example.com' },
			3,
			new Date(Date.UTC(2026, 5, 2))
		]);
		const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
		const id = await upload(type, 'guests.xlsx', bytes);
		const first = await previewImport({
			context,
			actor: owner.actor,
			space: space.slug,
			id,
			input: {}
		});
		expect(first).toMatchObject({ format: 'xlsx', sheet: 'Notes' });
		const preview = await previewImport({
			context,
			actor: owner.actor,
			space: space.slug,
			id,
			input: { sheet: 'Guests' }
		});
		expect(preview.sheets).toEqual(['Notes', 'Guests']);
		expect(preview.rows).toEqual([
			['Ada', 'ada@example.com', '2', '2026-06-01'],
			['Grace', 'grace@example.com', '3', '2026-06-02']
		]);
		await start(id, {
			columns: [
				{ column: 0, field: 'name' },
				{ column: 1, field: 'email' },
				{ column: 2, create: { name: 'Seats', kind: 'number' } },
				{ column: 3, create: { name: 'Arrives', kind: 'date' } }
			]
		});
		expect(await settled(id)).toMatchObject({ state: 'done', added: 2 });
		expect((await rowsOf(type)).map((row) => [row.name, row.seats, row.arrives])).toEqual([
			['Ada', 2, '2026-06-01'],
			['Grace', 3, '2026-06-02']
		]);
	});
});

describe('bad input leaves the data as it was', () => {
	const preview = (id: string, input: object = {}) =>
		refusal(previewImport({ context, actor: owner.actor, space: space.slug, id, input }));

	it('refuses a file that is neither CSV nor XLSX', async () => {
		const type = await newSheet();
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
		const error = await preview(await upload(type, 'photo.csv', png));
		expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'file' });
		expect(error.message).toMatch(/neither CSV nor XLSX/);
		const named = await refusal(
			createImport({
				context,
				actor: owner.actor,
				space: space.slug,
				type,
				input: { name: 'photo.png', size: 10 }
			})
		);
		expect(named).toMatchObject({ code: 'INVALID_INPUT', field: 'name' });
	});

	it('refuses an empty file and one over the size limit', async () => {
		const type = await newSheet();
		const empty = await refusal(
			createImport({
				context,
				actor: owner.actor,
				space: space.slug,
				type,
				input: { name: 'a.csv', size: 0 }
			})
		);
		expect(empty).toMatchObject({ code: 'INVALID_INPUT', field: 'size' });
		const large = await refusal(
			createImport({
				context,
				actor: owner.actor,
				space: space.slug,
				type,
				input: { name: 'a.csv', size: 3 * 1024 * 1024 }
			})
		);
		expect(large).toMatchObject({ code: 'TOO_LARGE', field: 'size' });
		const blank = await preview(await upload(type, 'blank.csv', text('\n\n')));
		expect(blank).toMatchObject({ code: 'INVALID_INPUT', field: 'file' });
	});

	it('refuses duplicate header names and 10,000 columns', async () => {
		const type = await newSheet();
		const duplicate = await preview(
			await upload(type, 'dup.csv', text('Name,Email,name\na,b,c\n'))
		);
		expect(duplicate.message).toMatch(/Columns 1 and 3 are both called "name"/);
		const header = Array.from({ length: 10_000 }, (_, index) => `c${index}`).join(',');
		const wide = await preview(await upload(type, 'wide.csv', text(`${header}\n`)));
		expect(wide.message).toMatch(/10000 columns; at most 500/);
	});

	it('refuses bytes that are not UTF-8 when the file is read as UTF-8, and writes nothing', async () => {
		const type = await newSheet();
		// Past the preview's thousand rows and the reader's first chunks (64 KiB each).
		const good = Array.from(
			{ length: 6_000 },
			(_, index) => `Guest ${index},g${index}@example.com`
		).join('\n');
		const bytes = Buffer.concat([
			text(`Name,Email\n${good}\n`),
			Buffer.from([0x42, 0xff, 0xfe, 0x0a])
		]);
		const id = await upload(type, 'broken.csv', bytes);
		// The preview reads only the first thousand rows, which are fine.
		await previewImport({
			context,
			actor: owner.actor,
			space: space.slug,
			id,
			input: { encoding: 'utf-8' }
		});
		await start(id, {
			columns: [
				{ column: 0, field: 'name' },
				{ column: 1, field: 'email' }
			]
		});
		const status = await settled(id);
		expect(status.state).toBe('failed');
		expect(status.error?.message).toMatch(/not valid UTF-8/);
		expect(await rowsOf(type)).toEqual([]);
	});

	it('refuses an import by a viewer', async () => {
		const type = await newSheet();
		const error = await refusal(
			createImport({
				context,
				actor: viewer.actor,
				space: space.slug,
				type,
				input: { name: 'a.csv', size: 10 }
			})
		);
		expect(error.code).toBe('FORBIDDEN');
	});

	it('cancels an import that has not started', async () => {
		const type = await newSheet();
		const id = await upload(type, 'guests.csv', text('Name\nAda\n'));
		const status = await cancelImport({ context, actor: owner.actor, space: space.slug, id });
		expect(status.state).toBe('cancelled');
		const again = await refusal(start(id, { columns: [{ column: 0, field: 'name' }] }));
		expect(again.code).toBe('CONFLICT');
		expect(await rowsOf(type)).toEqual([]);
	});
});

describe('possible duplicates in an import', () => {
	it('counts the rows that look like a record already there or like another row, and writes them all', async () => {
		const type = await newSheet();
		await createRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type,
			values: [{ name: 'Ada Lovelace', email: 'ada.lovelace@example.org' }]
		});
		const csv = [
			'Name,Email',
			'"Lovelace, Ada",ADA.LOVELACE@example.org',
			'Grace Hopper,grace@example.org',
			'Grace Hopper,grace@example.org',
			'Alan Turing,alan@example.org'
		].join('\n');
		const id = await upload(type, 'guests.csv', text(csv));
		await previewImport({ context, actor: owner.actor, space: space.slug, id, input: {} });
		await start(id, {
			columns: [
				{ column: 0, field: 'name' },
				{ column: 1, field: 'email' }
			]
		});
		const status = await settled(id);
		expect(status).toMatchObject({ state: 'done', added: 4, possibleDuplicates: 3 });
	});
});
