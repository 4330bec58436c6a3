// Attributes (fields): add, rename, reorder, change kind, delete. A new field is a row here,
// never a migration.
import { z } from 'zod';
import type { RecordChange } from '$lib/domain/record-change';
import type { Attribute, EntityType } from '$lib/domain/schema';
import { convertValue, kindOf, parseOptions, type Choice } from '$lib/domain/attributes';
import { matchChoice } from '$lib/domain/attributes/choices';
import {
	attributeKindNames,
	type AttributeKindName,
	type CellValue
} from '$lib/domain/attributes/kind';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import { storageColumns, storageColumnTypes } from '../query/sql';
import { syncDocsToValues } from './records/docs';
import { readStored } from './records/read';
import {
	keyFromName,
	keySchema,
	nameSchema,
	requireSchemaRole,
	schemaChange
} from './entity-types';
import { auditSchema } from './schema-audit';
import { findAttribute, findEntityType } from './schema';
import { inSpace, type SpaceScope } from './scope';
import { parseInput } from './validate';

const reservedKeys = new Set([
	'id',
	'type',
	'select',
	'order',
	'limit',
	'offset',
	'or',
	'and',
	'not',
	'search',
	'cursor'
]);

const kindSchema = z.enum(attributeKindNames);

const addInput = z.object({
	name: nameSchema,
	key: keySchema.optional(),
	kind: kindSchema,
	options: z.record(z.string(), z.unknown()).default({}),
	isRequired: z.boolean().default(false),
	isUnique: z.boolean().default(false),
	checkinAccess: z.enum(['none', 'read', 'write']).default('none'),
	/** For relations: the inverse field's name on the target type. */
	inverseName: nameSchema.optional()
});

const updateInput = z.object({
	name: nameSchema.optional(),
	options: z.record(z.string(), z.unknown()).optional(),
	isRequired: z.boolean().optional(),
	isUnique: z.boolean().optional(),
	checkinAccess: z.enum(['none', 'read', 'write']).optional()
});

interface OnType {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
}

function schemaChangeOnType<T>(
	options: OnType,
	work: (scope: SpaceScope, type: EntityType) => Promise<T>
) {
	return schemaChange(options.context, options.actor, options.space, (scope) =>
		work(scope, findEntityType(scope.types, options.type))
	);
}

// Set by the server when it pairs a relation with its inverse; never taken from a client, or
// syncRelations could be pointed at a field of another type or space.
const serverOwnedOptions = ['inverseAttributeId'];

function withoutServerOwned(raw: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(
		Object.entries(raw).filter(([key]) => !serverOwnedOptions.includes(key))
	);
}

function checkedOptions(kind: AttributeKindName, raw: unknown): Record<string, unknown> {
	const result = parseOptions(kind, raw);
	if (!result.ok)
		throw new AppError(AppErrorCode.InvalidInput, `options: ${result.message}`, {
			field: 'options'
		});
	return result.value as Record<string, unknown>;
}

async function insertAttribute(
	scope: SpaceScope,
	type: EntityType,
	attribute: {
		key: string;
		name: string;
		kind: AttributeKindName;
		options: Record<string, unknown>;
		isRequired: boolean;
		isUnique: boolean;
		checkinAccess: string;
	}
): Promise<string> {
	if (
		reservedKeys.has(attribute.key) ||
		type.attributes.some((existing) => existing.key === attribute.key)
	) {
		throw new AppError(
			AppErrorCode.Conflict,
			`"${type.key}" already has a field "${attribute.key}"`,
			{ field: 'key' }
		);
	}
	const { rows } = await scope.tx.query<{ id: string }>(
		`insert into attributes (space_id, entity_type_id, key, name, kind, options, position, is_required, is_unique, checkin_access)
		 values ($1, $2, $3, $4, $5, $6, coalesce((select max(position) + 1 from attributes where entity_type_id = $2), 0), $7, $8, $9)
		 returning id`,
		[
			scope.space.id,
			type.id,
			attribute.key,
			attribute.name,
			attribute.kind,
			JSON.stringify(attribute.options),
			attribute.isRequired,
			attribute.isUnique,
			attribute.checkinAccess
		]
	);
	await auditSchema(scope, {
		entityTypeId: type.id,
		attributeId: rows[0]!.id,
		attributeKey: attribute.key,
		action: 'add_field',
		newValue: attribute
	});
	return rows[0]!.id;
}

export function addAttribute(options: OnType & { input: unknown }) {
	const input = parseInput(addInput, options.input);
	return schemaChangeOnType(options, async (scope, type) => {
		const key = input.key ?? keyFromName(input.name);
		const fieldOptions = checkedOptions(input.kind, withoutServerOwned(input.options));
		if (input.isRequired && !kindOf(input.kind).entityColumn) {
			const { rows } = await scope.tx.query<{ count: number }>(
				'select count(*)::int as count from entities where space_id = $1 and entity_type_id = $2',
				[scope.space.id, type.id]
			);
			if (rows[0]!.count > 0) {
				throw new AppError(
					AppErrorCode.InvalidInput,
					'A new field cannot be required while records exist; fill it first',
					{ field: 'isRequired' }
				);
			}
		}
		if (input.kind !== 'relation') {
			const id = await insertAttribute(scope, type, { ...input, key, options: fieldOptions });
			return { id, key };
		}
		const target = findEntityType(scope.types, String(fieldOptions.targetEntityTypeId ?? ''));
		const id = await insertAttribute(scope, type, { ...input, key, options: fieldOptions });
		// The inverse field lets the target type see who links to it.
		const inverseName =
			input.inverseName ?? (target.id === type.id ? `${input.name} (linked from)` : type.name);
		const inverseId = await insertAttribute(
			scope,
			{
				...target,
				attributes:
					target.id === type.id ? [...target.attributes, { key } as Attribute] : target.attributes
			},
			{
				key: uniqueKey(target, keyFromName(inverseName), key),
				name: inverseName,
				kind: 'relation',
				// Many records may link to one, so the inverse holds many, whatever the field allows.
				options: {
					...fieldOptions,
					targetEntityTypeId: type.id,
					inverseAttributeId: id,
					allowMultiple: true
				},
				isRequired: false,
				isUnique: false,
				checkinAccess: 'none'
			}
		);
		await scope.tx.query(
			`update attributes set options = options || jsonb_build_object('inverseAttributeId', $2::text) where id = $1`,
			[id, inverseId]
		);
		return { id, key, inverseId };
	});
}

function uniqueKey(type: EntityType, wanted: string, alsoTaken: string): string {
	const taken = new Set([
		...type.attributes.map((attribute) => attribute.key),
		alsoTaken,
		...reservedKeys
	]);
	let key = wanted;
	for (let suffix = 2; taken.has(key); suffix++) key = `${wanted}_${suffix}`;
	return key;
}

export function updateAttribute(options: OnType & { attribute: string; input: unknown }) {
	const input = parseInput(updateInput, options.input);
	return schemaChangeOnType(options, async (scope, type) => {
		const attribute = findAttribute(type, options.attribute);
		// The relation's target and inverse stay as the server paired them.
		const fieldOptions = input.options
			? checkedOptions(attribute.kind, {
					...attribute.options,
					...withoutServerOwned(input.options),
					...(attribute.kind === 'relation' && {
						targetEntityTypeId: attribute.options.targetEntityTypeId,
						inverseAttributeId: attribute.options.inverseAttributeId
					})
				})
			: attribute.options;
		if (input.isRequired && !attribute.isRequired) {
			const { rows } = await scope.tx.query<{ count: number }>(
				`select count(*)::int as count from entities e where e.space_id = $1 and e.entity_type_id = $2
				   and not exists (select 1 from eav_values v where v.entity_id = e.id and v.attribute_id = $3)`,
				[scope.space.id, type.id, attribute.id]
			);
			if (rows[0]!.count > 0) {
				throw new AppError(
					AppErrorCode.InvalidInput,
					`${rows[0]!.count} records have no ${attribute.name}; fill them before making it required`,
					{ field: 'isRequired' }
				);
			}
		}
		if (input.isUnique && !attribute.isUnique) {
			const { rows } = await scope.tx.query<{ count: number }>(
				`select count(*)::int as count from (select 1 from eav_values where space_id = $1 and attribute_id = $2
				   group by value_text, value_num, value_time, value_bool, value_json having count(*) > 1) duplicates`,
				[scope.space.id, attribute.id]
			);
			if (rows[0]!.count > 0) {
				throw new AppError(
					AppErrorCode.Conflict,
					`${attribute.name} has ${rows[0]!.count} repeated values; it cannot be unique yet`,
					{ field: 'isUnique' }
				);
			}
		}
		const next = {
			name: input.name ?? attribute.name,
			options: fieldOptions,
			isRequired: input.isRequired ?? attribute.isRequired,
			isUnique: input.isUnique ?? attribute.isUnique,
			checkinAccess: input.checkinAccess ?? attribute.checkinAccess
		};
		await scope.tx.query(
			'update attributes set name = $2, options = $3, is_required = $4, is_unique = $5, checkin_access = $6 where id = $1',
			[
				attribute.id,
				next.name,
				JSON.stringify(next.options),
				next.isRequired,
				next.isUnique,
				next.checkinAccess
			]
		);
		await auditSchema(scope, {
			entityTypeId: type.id,
			attributeId: attribute.id,
			attributeKey: attribute.key,
			action: 'update_field',
			oldValue: {
				name: attribute.name,
				options: attribute.options,
				isRequired: attribute.isRequired,
				isUnique: attribute.isUnique,
				checkinAccess: attribute.checkinAccess
			},
			newValue: next
		});
		return { id: attribute.id, key: attribute.key, ...next };
	});
}

export function reorderAttributes(options: OnType & { input: unknown }) {
	const input = parseInput(z.object({ order: z.array(z.string()).min(1) }), options.input);
	return schemaChangeOnType(options, async (scope, type) => {
		const ids = input.order.map((keyOrId) => findAttribute(type, keyOrId).id);
		const rest = type.attributes
			.filter((attribute) => !ids.includes(attribute.id))
			.map((attribute) => attribute.id);
		const order = [...ids, ...rest];
		await scope.tx.query(
			'update attributes a set position = o.position from unnest($1::uuid[]) with ordinality as o (id, position) where a.id = o.id',
			[order]
		);
		await auditSchema(scope, {
			entityTypeId: type.id,
			action: 'reorder_fields',
			newValue: input.order
		});
		return {
			order: order.map((id) => type.attributes.find((attribute) => attribute.id === id)!.key)
		};
	});
}

export function deleteAttribute(options: OnType & { attribute: string }) {
	return schemaChangeOnType(options, async (scope, type) => {
		const attribute = findAttribute(type, options.attribute);
		const inverse =
			attribute.kind === 'relation'
				? (attribute.options.inverseAttributeId as string | undefined)
				: undefined;
		await scope.tx.query('delete from attributes where id = any ($1::uuid[])', [
			[attribute.id, ...(inverse ? [inverse] : [])]
		]);
		await auditSchema(scope, {
			entityTypeId: type.id,
			attributeKey: attribute.key,
			action: 'delete_field',
			oldValue: attribute
		});
		return { id: attribute.id };
	});
}

const choiceInput = z.object({
	name: z.string({ error: 'must be text' }),
	color: z.string().optional()
});

/** Colours a new choice takes in turn, after those the field already has. */
const choiceColors = ['blue', 'green', 'yellow', 'orange', 'red', 'purple', 'pink', 'teal', 'cyan'];

/**
 * A new choice on a select field, typed into a cell's picker: appended to the field's choices
 * under a lock on the field, so two people adding at once both keep theirs; a name the field
 * already has (ignoring case) is that choice, unchanged. Editors and owners, as for any field
 * setting.
 */
export function addChoice(options: OnType & { attribute: string; input: unknown }) {
	const input = parseInput(choiceInput, options.input);
	return schemaChangeOnType(options, async (scope, type) => {
		const attribute = findAttribute(type, options.attribute);
		if (attribute.kind !== 'single_select' && attribute.kind !== 'multi_select') {
			throw new AppError(AppErrorCode.InvalidInput, `${attribute.name} has no choices`, {
				field: 'attribute'
			});
		}
		const { rows } = await scope.tx.query<{ options: { choices?: Choice[] } }>(
			'select options from attributes where id = $1 for update',
			[attribute.id]
		);
		const current = rows[0]!.options.choices ?? [];
		const existing = matchChoice(input.name.trim(), { choices: current });
		if (existing) return { name: existing, isNew: false };
		const color = input.color ?? choiceColors[current.length % choiceColors.length]!;
		const next = checkedOptions(attribute.kind, {
			...rows[0]!.options,
			choices: [...current, { name: input.name, color }]
		}) as { choices: Choice[] };
		const added = next.choices.at(-1)!;
		await scope.tx.query('update attributes set options = $2 where id = $1', [
			attribute.id,
			JSON.stringify(next)
		]);
		await auditSchema(scope, {
			entityTypeId: type.id,
			attributeId: attribute.id,
			attributeKey: attribute.key,
			action: 'add_choice',
			newValue: added
		});
		return { name: added.name, isNew: true };
	});
}

const duplicateInput = z.object({
	name: nameSchema.optional(),
	/** Copy every record's value too (as a spreadsheet's "duplicate column" does), not only the settings. */
	withValues: z.boolean().default(true)
});

/**
 * A copy of a field beside it (right after it in the sheet's order): same kind, settings and
 * rules, a free name and key, and with `withValues` every record's value. The values are copied
 * in one statement beside the write path, as a conversion rewrites them, so the records' stored
 * docs are brought along the same way. Links are not copied: a link field is one half of a pair
 * with its inverse on the other sheet, and a copy would need an inverse of its own.
 */
export function duplicateAttribute(options: OnType & { attribute: string; input: unknown }) {
	const input = parseInput(duplicateInput, options.input);
	let changes: RecordChange[] = [];
	return schemaChangeOnType(options, async (scope, type) => {
		const source = findAttribute(type, options.attribute);
		if (source.kind === 'relation') {
			throw new AppError(
				AppErrorCode.InvalidInput,
				'A link field cannot be duplicated; add a new link field instead',
				{ field: 'attribute' }
			);
		}
		const name = input.name ?? copyName(type, source.name);
		if (type.attributes.some((attribute) => attribute.name === name)) {
			throw new AppError(AppErrorCode.Conflict, `"${type.name}" already has a field "${name}"`, {
				field: 'name'
			});
		}
		const key = uniqueKey(type, keyFromName(name), '');
		const id = await insertAttribute(scope, type, {
			key,
			name,
			kind: source.kind,
			options: source.options,
			isRequired: source.isRequired,
			isUnique: source.isUnique,
			checkinAccess: source.checkinAccess
		});
		// Right after the source: everything after it moves one place along.
		await scope.tx.query(
			`update attributes set position = case when id = $3 then $2 + 1 else position + 1 end
			  where entity_type_id = $1 and (position > $2 or id = $3)`,
			[type.id, source.position, id]
		);
		if (!input.withValues || kindOf(source.kind).storage === null) return { id, key, copied: 0 };
		const { rows } = await scope.tx.query<{ entity_id: string } & Record<string, unknown>>(
			`insert into eav_values (entity_id, attribute_id, space_id, ${storageColumns.join(', ')})
			 select entity_id, $3, space_id, ${storageColumns.join(', ')}
			   from eav_values
			  where space_id = $1 and attribute_id = $2
			    and num_nonnulls(${storageColumns.join(', ')}) > 0
			 returning entity_id, ${storageColumns.join(', ')}`,
			[scope.space.id, source.id, id]
		);
		const copy: Attribute = { ...source, id, key, name };
		changes = await syncConvertedDocs(
			scope,
			{ ...type, attributes: [...type.attributes, copy] },
			copy,
			rows.map((row) => ({ id: row.entity_id, value: readStored(copy, row as never) }))
		);
		return { id, key, copied: rows.length };
	}).then((result) => {
		options.context.changes.publish(changes);
		return result;
	});
}

/** "Email (copy)", then "Email (copy 2)", … : the first name the sheet does not use yet. */
function copyName(type: EntityType, name: string): string {
	const taken = new Set(type.attributes.map((attribute) => attribute.name));
	let candidate = `${name} (copy)`;
	for (let n = 2; taken.has(candidate); n++) candidate = `${name} (copy ${n})`;
	return candidate;
}

export interface ConversionReport {
	total: number;
	converted: number;
	failures: { id: string; value: CellValue; message: string }[];
}

const changeKindInput = z.object({
	kind: kindSchema,
	options: z.record(z.string(), z.unknown()).default({})
});

/**
 * Changes a field's kind, converting what converts. Values that do not are kept aside in
 * `value_unconverted` (nothing typed is lost) and listed in the report; with `isPreview` the
 * transaction only reports.
 */
export function changeAttributeKind(
	options: OnType & { attribute: string; input: unknown; isPreview?: boolean }
) {
	const input = parseInput(changeKindInput, options.input);
	/** For live clients, once committed: the records whose stored docs the conversion moved. */
	let changes: RecordChange[] = [];
	const run = async (scope: SpaceScope, type: EntityType): Promise<ConversionReport> => {
		const attribute = findAttribute(type, options.attribute);
		const from = { kind: attribute.kind, options: attribute.options };
		const to = { kind: input.kind, options: checkedOptions(input.kind, input.options) };
		if (kindOf(input.kind).entityColumn || kindOf(input.kind).storage === null) {
			throw new AppError(AppErrorCode.InvalidInput, `A field cannot become "${input.kind}"`, {
				field: 'kind'
			});
		}
		if (attribute.kind === 'relation' || input.kind === 'relation') {
			throw new AppError(
				AppErrorCode.InvalidInput,
				'Links to other records are added and removed, not converted',
				{ field: 'kind' }
			);
		}
		const { rows } = await scope.tx.query(
			`select entity_id, attribute_id, value_text, value_num, value_time, value_bool, value_json, value_unconverted
			   from eav_values where space_id = $1 and attribute_id = $2`,
			[scope.space.id, attribute.id]
		);
		const report: ConversionReport = { total: rows.length, converted: 0, failures: [] };
		const converted: { id: string; value: CellValue }[] = [];
		const kept: {
			id: string;
			aside: { kind: AttributeKindName; options: unknown; value: CellValue };
		}[] = [];
		for (const row of rows) {
			// A value set aside by an earlier conversion gets another chance, from its own kind.
			const aside = row.value_unconverted as {
				kind: AttributeKindName;
				options: Record<string, unknown>;
				value: CellValue;
			} | null;
			const value = aside ? aside.value : readStored(attribute, row);
			if (value === null) continue;
			const result = convertValue({
				value,
				from: aside ? { kind: aside.kind, options: aside.options } : from,
				to
			});
			if (result.ok && result.value !== null) {
				converted.push({ id: row.entity_id, value: result.value });
				report.converted++;
			} else {
				kept.push({
					id: row.entity_id,
					aside: aside ?? { kind: from.kind, options: from.options, value }
				});
				report.failures.push({
					id: row.entity_id,
					value,
					message: result.ok ? 'Converts to an empty value' : result.message
				});
			}
		}
		if (options.isPreview) return report;

		const target = kindOf(input.kind);
		await scope.tx.query('update attributes set kind = $2, options = $3 where id = $1', [
			attribute.id,
			input.kind,
			JSON.stringify(to.options)
		]);
		const column = target.storage!;
		await scope.tx.query(
			`update eav_values v set ${storageColumns.map((each) => (each === column ? `${each} = c.value::${storageColumnTypes[each]}` : `${each} = null`)).join(', ')},
			        value_unconverted = null
			   from unnest($2::uuid[], $3::text[]) as c (entity_id, value)
			  where v.attribute_id = $1 and v.entity_id = c.entity_id`,
			[
				attribute.id,
				converted.map((entry) => entry.id),
				converted.map((entry) => {
					const stored = target.toStorage(entry.value as never);
					return stored instanceof Date ? stored.toISOString() : String(stored);
				})
			]
		);
		await scope.tx.query(
			`update eav_values v set value_text = null, value_num = null, value_time = null, value_bool = null, value_json = null,
			        value_unconverted = c.aside
			   from unnest($2::uuid[], $3::jsonb[]) as c (entity_id, aside)
			  where v.attribute_id = $1 and v.entity_id = c.entity_id`,
			[
				attribute.id,
				kept.map((entry) => entry.id),
				kept.map((entry) => JSON.stringify(entry.aside))
			]
		);
		changes = await syncConvertedDocs(scope, type, { ...attribute, ...to }, [
			...converted,
			...kept.map((entry) => ({ id: entry.id, value: null }))
		]);
		await auditSchema(scope, {
			entityTypeId: type.id,
			attributeId: attribute.id,
			attributeKey: attribute.key,
			action: 'change_kind',
			oldValue: from,
			newValue: { ...to, converted: report.converted, kept: report.failures.length }
		});
		return report;
	};
	if (options.isPreview) {
		return inSpace(options.context, options.actor, options.space, (scope) => {
			requireSchemaRole(scope);
			return run(scope, findEntityType(scope.types, options.type));
		});
	}
	return schemaChangeOnType(options, run).then((report) => {
		options.context.changes.publish(changes);
		return report;
	});
}

/**
 * A conversion rewrites values in bulk, beside the write path, so it brings the records' stored
 * docs along itself: otherwise a record opened live would show, and could write back, the value
 * from before. Records without a stored doc need nothing; theirs is built from the new rows.
 */
async function syncConvertedDocs(
	scope: SpaceScope,
	type: EntityType,
	attribute: Attribute,
	values: { id: string; value: CellValue }[]
): Promise<RecordChange[]> {
	const converted: EntityType = {
		...type,
		attributes: type.attributes.map((each) => (each.id === attribute.id ? attribute : each))
	};
	const changed = new Map(values.map((entry) => [entry.id, { [attribute.key]: entry.value }]));
	const updates = await syncDocsToValues(scope.tx, scope.space.id, converted, changed);
	const at = new Date().toISOString();
	return [...updates].map(([entityId, update]) => ({
		spaceId: scope.space.id,
		entityTypeId: type.id,
		entityTypeKey: type.key,
		entityId,
		action: 'update',
		values: changed.get(entityId)!,
		actorId: scope.actor.userId,
		via: scope.actor.via,
		at,
		update
	}));
}
