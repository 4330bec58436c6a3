// A sheet as a kanban board: one column per choice of a single-select field (plus one for
// records without a value), cards in their board order (`entities.position`), optionally only
// the records assigned to one person.
import { z } from 'zod';
import type { Attribute, EntityType } from '$lib/domain/schema';
import type { Choice } from '$lib/domain/attributes';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import type { Tx } from '../../db';
import { findEntityType } from '../schema';
import { inSpace } from '../scope';
import { parseInput } from '../validate';
import { loadRecords, type FlatRecord } from './read';

/** Cards loaded per column; a board of 20,000 attendees shows the first of each and the count. */
export const CARDS_PER_COLUMN = 200;

export interface BoardCard {
	id: string;
	position: number;
	record: FlatRecord;
}

export interface BoardColumn {
	/** The choice name, or null for the records without a value. */
	value: string | null;
	/** Records in the column (under the filter), of which `cards` holds the first ones. */
	total: number;
	cards: BoardCard[];
}

export interface Board {
	/** The field whose choices are the columns, or null when the type has no single select. */
	field: string | null;
	/** The field the assignee filter looks at (the first user field), if any. */
	assigneeField: string | null;
	columns: BoardColumn[];
}

/** The single-select field named by key or id, else the type's first one. */
export function findBoardField(type: EntityType, keyOrId?: string | null): Attribute | null {
	if (keyOrId) {
		const named = type.attributes.find(
			(attribute) => attribute.key === keyOrId || attribute.id === keyOrId
		);
		if (!named) {
			throw new AppError(AppErrorCode.UnknownAttribute, `"${type.key}" has no field "${keyOrId}"`, {
				field: 'field'
			});
		}
		if (named.kind !== 'single_select') {
			throw new AppError(
				AppErrorCode.InvalidInput,
				`${named.name} is not a single select; a board's columns come from one`,
				{ field: 'field' }
			);
		}
		return named;
	}
	return type.attributes.find((attribute) => attribute.kind === 'single_select') ?? null;
}

/**
 * Records of a column, in board order, as SQL over `e` (entities): those whose value of the
 * field is the given choice, or that have none. A value set aside by a kind change has no
 * value_text, so its record counts as empty.
 */
export function columnCondition(fieldParam: string, valueParam: string | null): string {
	return valueParam === null
		? `not exists (select 1 from eav_values c where c.entity_id = e.id and c.attribute_id = ${fieldParam} and c.value_text is not null)`
		: `exists (select 1 from eav_values c where c.entity_id = e.id and c.attribute_id = ${fieldParam} and c.value_text = ${valueParam})`;
}

const boardInput = z.object({
	field: z.string().max(100).nullish(),
	/** A user id, or 'none' for the unassigned. */
	assignee: z.union([z.uuid('must be a user id or "none"'), z.literal('none')]).nullish(),
	perColumn: z.number().int().min(1).max(1000).default(CARDS_PER_COLUMN)
});

async function readColumns(
	tx: Tx,
	spaceId: string,
	type: EntityType,
	field: Attribute,
	assignee: { attribute: Attribute; userId: string | 'none' } | null,
	perColumn: number
): Promise<BoardColumn[]> {
	const params: unknown[] = [spaceId, type.id, field.id, perColumn];
	let filter = '';
	if (assignee) {
		params.push(assignee.attribute.id);
		if (assignee.userId === 'none') {
			filter = `and not exists (select 1 from eav_values a where a.entity_id = e.id and a.attribute_id = $5 and a.value_text is not null)`;
		} else {
			params.push(assignee.userId);
			filter = `and exists (select 1 from eav_values a where a.entity_id = e.id and a.attribute_id = $5 and a.value_text = $6)`;
		}
	}
	const { rows } = await tx.query<{
		id: string;
		position: number;
		value: string | null;
		total: number;
	}>(
		`select id, position, value, total::int from (
		   select e.id, e.position, v.value_text as value,
		          row_number() over (partition by v.value_text order by e.position, e.id) as n,
		          count(*) over (partition by v.value_text) as total
		     from entities e
		     left join eav_values v on v.entity_id = e.id and v.attribute_id = $3
		    where e.space_id = $1 and e.entity_type_id = $2 ${filter}
		 ) ranked where n <= $4 order by position, id`,
		params
	);
	const records = new Map(
		(await loadRecords({ tx, spaceId, type, ids: rows.map((row) => row.id) })).map((record) => [
			record.id,
			record
		])
	);
	const choices = (field.options.choices as Choice[] | undefined) ?? [];
	// The records without a value come last: the choices' order is the board's.
	const empty: BoardColumn = { value: null, total: 0, cards: [] };
	const columns: BoardColumn[] = [
		...choices.map((choice) => ({ value: choice.name, total: 0, cards: [] })),
		empty
	];
	// A value that is no longer a choice (renamed outside a kind change) shows as empty.
	const columnOf = (value: string | null) =>
		columns.find((column) => column.value === value) ?? empty;
	const totals = new Map(rows.map((row) => [row.value, row.total]));
	for (const [value, total] of totals) columnOf(value).total += total;
	for (const row of rows) {
		const record = records.get(row.id);
		if (record) columnOf(row.value).cards.push({ id: row.id, position: row.position, record });
	}
	return columns;
}

/** The board of a sheet as the caller may see it; any member who can read the sheet may. */
export async function readBoard(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
	input?: unknown;
}): Promise<Board> {
	const input = parseInput(boardInput, options.input ?? {});
	return inSpace(options.context, options.actor, options.space, async ({ tx, space, types }) => {
		const type = findEntityType(types, options.type);
		const field = findBoardField(type, input.field);
		const assigneeField = type.attributes.find((attribute) => attribute.kind === 'user') ?? null;
		if (!field) return { field: null, assigneeField: assigneeField?.key ?? null, columns: [] };
		if (input.assignee && !assigneeField) {
			throw new AppError(
				AppErrorCode.InvalidInput,
				`"${type.key}" has no person field to filter by`,
				{ field: 'assignee' }
			);
		}
		const columns = await readColumns(
			tx,
			space.id,
			type,
			field,
			input.assignee && assigneeField ? { attribute: assigneeField, userId: input.assignee } : null,
			input.perColumn
		);
		return { field: field.key, assigneeField: assigneeField?.key ?? null, columns };
	});
}
