// Step one of an import: the browser asks for a place to put its file and gets a presigned
// upload; the file then goes from the browser straight to storage, never through the app.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { ImportStatus } from '$lib/domain/imports';
import { canWriteRecords, type Role } from '$lib/domain/roles';
import type { PresignedUpload } from '../../adapters/storage';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import { findEntityType } from '../schema';
import { inSpace, requireScope } from '../scope';
import { parseInput } from '../validate';
import { importColumns, toStatus, type ImportRow } from './status';

const createInput = z.object({
	name: z.string().trim().min(1, 'must not be empty').max(255, 'is limited to 255 characters'),
	size: z.number().int('must be a whole number of bytes').min(0, 'must not be negative')
});

/**
 * What a browser labels a CSV varies (Windows says application/vnd.ms-excel), so the upload is
 * stored under one type per format and the file's own bytes decide what it is.
 */
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const contentTypeOf = (name: string) => (/\.xlsx$/i.test(name) ? XLSX_TYPE : 'text/csv');

/**
 * Importing writes records: the roles that may write them (domain/roles.ts) may import, and a
 * token needs the `write` scope, for every step of an import.
 */
export function requireImportRole(actor: Actor, role: Role): void {
	requireScope(actor, 'write');
	if (!canWriteRecords(role)) {
		throw new AppError(AppErrorCode.Forbidden, `Your role (${role}) may not import records`);
	}
}

export function createImport(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
	input: unknown;
}): Promise<{ import: ImportStatus; upload: PresignedUpload }> {
	const input = parseInput(createInput, options.input);
	const { context } = options;
	return inSpace(context, options.actor, options.space, async ({ tx, space, types }) => {
		requireImportRole(options.actor, space.role);
		const type = findEntityType(types, options.type);
		if (input.size === 0) {
			throw new AppError(AppErrorCode.InvalidInput, 'The file is empty', { field: 'size' });
		}
		if (!/\.(csv|tsv|txt|xlsx)$/i.test(input.name)) {
			throw new AppError(
				AppErrorCode.InvalidInput,
				'Only CSV and XLSX files can be imported (.csv, .tsv, .txt or .xlsx)',
				{ field: 'name' }
			);
		}
		const contentType = contentTypeOf(input.name);
		const key = `spaces/${space.id}/imports/${randomUUID()}`;
		const upload = await context.storage.presignUpload({
			key,
			contentType,
			size: input.size,
			limits: { maxBytes: context.config.IMPORT_MAX_BYTES, allowedTypes: [contentType] }
		});
		const { rows } = await tx.query<ImportRow>(
			`insert into imports (space_id, entity_type_id, created_by, file_key, file_name, file_size, format)
			 values ($1, $2, $3, $4, $5, $6, $7) returning ${importColumns}`,
			[
				space.id,
				type.id,
				options.actor.userId,
				key,
				input.name,
				input.size,
				contentType === XLSX_TYPE ? 'xlsx' : 'csv'
			]
		);
		return { import: toStatus(rows[0]!), upload };
	});
}
