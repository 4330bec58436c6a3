// Large exports as jobs: checked like a download before they are queued, written to storage by
// the job worker, and offered as a download link to the person who asked, and nobody else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '$lib/domain/errors';
import type { LocalFileStorage } from '$lib/server/adapters/storage';
import type { AppContext } from '$lib/server/context';
import { startJobWorkers } from '$lib/server/jobs/workers';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { getExportJob, queueExport } from '$lib/server/services/exports';
import { createRecords } from '$lib/server/services/records';
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
let editor: TestUser;
let slug: string;

beforeAll(async () => {
	context = await bootTestApp();
	await startJobWorkers(context);
	owner = await createUser(context, 'Export Owner');
	editor = await createUser(context, 'Export Editor');
	const space = await createSpace(context, owner, 'Export jobs');
	slug = space.slug;
	await addMember(context, owner, space.id, editor, 'editor');
	await createEntityType({ context, actor: owner.actor, space: slug, input: { name: 'Guests' } });
	await addAttribute({
		context,
		actor: owner.actor,
		space: slug,
		type: 'guests',
		input: { name: 'Name', kind: 'text' }
	});
	await createRecords({
		context,
		actor: owner.actor,
		space: slug,
		type: 'guests',
		values: [{ name: 'Ada' }, { name: '=1+1' }]
	});
});

afterAll(() => stopTestApp());

describe('export jobs', () => {
	it('writes the file to storage and gives its owner a download link', async () => {
		const queued = await queueExport({
			context,
			actor: owner.actor,
			space: slug,
			type: 'guests',
			format: 'csv'
		});
		expect(queued.state).toBe('queued');
		let status = queued;
		for (let attempt = 0; attempt < 200 && status.state !== 'done'; attempt++) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			status = await getExportJob({ context, actor: owner.actor, space: slug, id: queued.id });
			expect(status.state).not.toBe('failed');
		}
		expect(status.filename).toMatch(/^Guests \d{4}-\d{2}-\d{2}\.csv$/);
		const storage = context.storage as LocalFileStorage;
		const token = status.downloadUrl!.split('/api/files/')[1]!;
		const file = await storage.get(storage.verifyToken(token).key);
		const text = file!.body.toString('utf8');
		expect(text).toContain('Ada');
		expect(text).toContain("'=1+1");

		const other = await getExportJob({
			context,
			actor: editor.actor,
			space: slug,
			id: queued.id
		}).catch((error: unknown) => error);
		expect(other).toBeInstanceOf(AppError);
		expect((other as AppError).code).toBe('NOT_FOUND');
	});

	it('refuses a bad format before queueing anything', async () => {
		const error = await queueExport({
			context,
			actor: owner.actor,
			space: slug,
			type: 'guests',
			format: 'pdf'
		}).catch((caught: unknown) => caught);
		expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'format' });
	});
});
