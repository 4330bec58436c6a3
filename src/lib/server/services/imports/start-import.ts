// Step three: the mapping and the mode. Creates the new fields the user asked for, then queues
// the job; the page follows its progress from here.
import { z } from 'zod';
import { attributeKindNames } from '$lib/domain/attributes/kind';
import { kindOf } from '$lib/domain/attributes';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { ImportStatus } from '$lib/domain/imports';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import { addAttribute } from '../attributes';
import { findEntityType } from '../schema';
import { inSpace } from '../scope';
import { parseInput } from '../validate';
import { requireImportRole } from './create-import';
import type { ImportJob } from './run-import';
import { loadImport, toStatus, type ImportMappingEntry } from './status';

const columnInput = z.union([
	z.object({ column: z.number().int().min(0), field: z.string().min(1).max(63) }),
	z.object({
		column: z.number().int().min(0),
		create: z.object({
			name: z.string().trim().min(1, 'must not be empty').max(100),
			kind: z.enum(attributeKindNames),
			choices: z.array(z.string().trim().min(1).max(100)).max(1000).optional()
		})
	})
]);

const startInput = z.object({
	mode: z.enum(['add', 'upsert', 'skip']).default('add'),
	/** The field rows match records on (upsert and skip): an existing field key or a new field's name. */
	keyField: z.string().min(1).max(100).optional(),
	columns: z.array(columnInput).min(1, 'map at least one column to a field').max(16_384)
});

/** Kinds whose values can be matched as a key: one stored scalar per record. */
const isKeyKind = (kind: string) => {
	const storage = kindOf(kind).storage;
	return storage === 'value_text' || storage === 'value_num' || storage === 'value_time';
};

export async function startImport(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	id: string;
	input: unknown;
}): Promise<ImportStatus> {
	const input = parseInput(startInput, options.input);
	const { context, actor } = options;
	// Check everything first, so that no field is created for an import that cannot start.
	const checked = await inSpace(context, actor, options.space, async ({ tx, space, types }) => {
		requireImportRole(actor, space.role);
		const row = await loadImport(tx, space.id, options.id);
		if (row.state !== 'uploaded') {
			throw new AppError(AppErrorCode.Conflict, 'This import has already started', { field: 'id' });
		}
		const type = findEntityType(types, row.entityTypeId);
		const seenColumns = new Set<number>();
		const seenFields = new Set<string>();
		for (const [index, entry] of input.columns.entries()) {
			if (seenColumns.has(entry.column)) {
				throw new AppError(
					AppErrorCode.InvalidInput,
					`Column ${entry.column + 1} is mapped twice`,
					{
						field: `columns.${index}.column`
					}
				);
			}
			seenColumns.add(entry.column);
			if ('field' in entry) {
				const attribute = type.attributes.find((candidate) => candidate.key === entry.field);
				if (!attribute) {
					throw new AppError(
						AppErrorCode.UnknownAttribute,
						`"${type.name}" has no field "${entry.field}"`,
						{
							field: `columns.${index}.field`
						}
					);
				}
				if (!kindOf(attribute.kind).storage) {
					throw new AppError(
						AppErrorCode.InvalidInput,
						`${attribute.name} is computed and cannot be imported into`,
						{
							field: `columns.${index}.field`
						}
					);
				}
				if (seenFields.has(attribute.key)) {
					throw new AppError(
						AppErrorCode.InvalidInput,
						`Two columns are mapped to ${attribute.name}`,
						{
							field: `columns.${index}.field`
						}
					);
				}
				seenFields.add(attribute.key);
			} else {
				const taken = type.attributes.find(
					(candidate) => candidate.name.toLowerCase() === entry.create.name.toLowerCase()
				);
				if (taken) {
					throw new AppError(
						AppErrorCode.Conflict,
						`"${type.name}" already has a field called ${taken.name}; map the column to it or choose another name`,
						{ field: `columns.${index}.create.name` }
					);
				}
				if (!kindOf(entry.create.kind).storage || entry.create.kind === 'relation') {
					throw new AppError(
						AppErrorCode.InvalidInput,
						`A new field cannot be of kind ${entry.create.kind}`,
						{
							field: `columns.${index}.create.kind`
						}
					);
				}
			}
		}
		if (input.mode !== 'add') {
			const key = input.columns.find((entry) =>
				'field' in entry ? entry.field === input.keyField : entry.create.name === input.keyField
			);
			if (!input.keyField || !key) {
				throw new AppError(AppErrorCode.InvalidInput, 'Choose a mapped field to match records on', {
					field: 'keyField'
				});
			}
			const kind =
				'field' in key
					? type.attributes.find((candidate) => candidate.key === key.field)!.kind
					: key.create.kind;
			if (!isKeyKind(kind)) {
				throw new AppError(
					AppErrorCode.InvalidInput,
					`Records cannot be matched on a ${kindOf(kind).label} field`,
					{
						field: 'keyField'
					}
				);
			}
		}
		return { type };
	});

	// New fields, each through the schema service (roles, audit, open connections told).
	const created = new Map<number, string>();
	for (const entry of input.columns) {
		if (!('create' in entry)) continue;
		const { id } = await addAttribute({
			context,
			actor,
			space: options.space,
			type: checked.type.id,
			input: {
				name: entry.create.name,
				kind: entry.create.kind,
				options:
					entry.create.kind === 'single_select' || entry.create.kind === 'multi_select'
						? { choices: (entry.create.choices ?? []).map((name) => ({ name })) }
						: {}
			}
		});
		created.set(entry.column, id);
	}

	const { status, job } = await inSpace(
		context,
		actor,
		options.space,
		async ({ tx, space, types }) => {
			const row = await loadImport(tx, space.id, options.id, { forUpdate: true });
			if (row.state !== 'uploaded') {
				throw new AppError(AppErrorCode.Conflict, 'This import has already started', {
					field: 'id'
				});
			}
			const type = findEntityType(types, row.entityTypeId);
			const mapping: ImportMappingEntry[] = input.columns.map((entry) => ({
				column: entry.column,
				attributeId:
					'field' in entry
						? type.attributes.find((candidate) => candidate.key === entry.field)!.id
						: created.get(entry.column)!
			}));
			const keyEntry = input.columns.find((entry) =>
				'field' in entry ? entry.field === input.keyField : entry.create.name === input.keyField
			);
			const keyAttributeId =
				input.mode === 'add' || !keyEntry
					? null
					: mapping.find((entry) => entry.column === keyEntry.column)!.attributeId;
			await tx.query(
				`update imports set mapping = $3, mode = $4, key_attribute_id = $5, state = 'queued'
			  where space_id = $1 and id = $2`,
				[space.id, row.id, JSON.stringify(mapping), input.mode, keyAttributeId]
			);
			return {
				status: toStatus({ ...row, state: 'queued', mode: input.mode }),
				job: {
					importId: row.id,
					spaceId: space.id,
					actor: { ...actor, via: 'import' as const }
				} satisfies ImportJob
			};
		}
	);
	const jobId = await context.jobs.send('import', job);
	await inSpace(context, actor, options.space, ({ tx, space }) =>
		tx.query('update imports set job_id = $3 where space_id = $1 and id = $2', [
			space.id,
			options.id,
			jobId
		])
	);
	context.progress.publish(status);
	return status;
}
