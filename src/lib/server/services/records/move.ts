// A kanban move: a record's value of the board's single-select field and its place among the
// records sharing that value, in one transaction. The value goes through the one write path
// (role, validation, audit, Yjs doc, broadcast); the place is `entities.position`.
//
// Live clients learn of the new place from the record's change: a move publishes one carrying
// the record's new `position` (when only the order changed, an `update` whose `values` is
// empty), and boards place the card by it among the cards they hold. Renumbering a crowded
// column changes other records' positions without a change of their own, so the moved record's
// change then says `position: null`, "moved, place not told": the positions boards hold for
// that column are stale, and they read the board again. Null rather than left out, because a
// change without a position is any other edit, which leaves the record's place as it was.
import { z } from 'zod';
import type { RecordChange } from '$lib/domain/record-change';
import type { Attribute } from '$lib/domain/schema';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { canWriteRecords, type Role } from '$lib/domain/roles';
import type { CellValue } from '$lib/domain/attributes/kind';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import type { Tx } from '../../db';
import { Params } from '../../query/sql';
import { findEntityType } from '../schema';
import { writeInSpace } from '../scope';
import { parseInput } from '../validate';
import { columnCondition, findBoardField } from './board';
import { writeRecords } from './write';

/**
 * Below this gap between neighbours the column is renumbered: halving a gap of 1 reaches it
 * after about 20 moves into the same spot, far above where doubles lose the midpoint.
 */
const MIN_GAP = 1e-6;

const moveInput = z.object({
	/** The board's single-select field (key or id); the type's first one when omitted. */
	field: z.string().max(100).optional(),
	/** The column: a choice of the field, or null for "no value". */
	status: z.string({ error: 'must be a choice name or null' }).max(1000).nullable(),
	/** The record the moved one goes right before (its new lower neighbour). */
	before: z.uuid('must be a record id').optional(),
	/** The record the moved one goes right after (its new upper neighbour). */
	after: z.uuid('must be a record id').optional()
});

export interface MoveResult {
	id: string;
	field: string;
	value: CellValue;
	position: number;
	changes: RecordChange[];
}

interface Column {
	tx: Tx;
	spaceId: string;
	typeId: string;
	fieldId: string;
	value: string | null;
	/** The record being moved, left out of its new column's order. */
	movingId: string;
}

interface Placed {
	id: string;
	position: number;
}

/**
 * Runs a query over the column's records: `where` selects them (alias `e`), leaving out the
 * record being moved; the query adds its own parameters through `params`.
 */
async function inColumn(
	column: Column,
	sql: (where: string, params: Params) => string
): Promise<Placed[]> {
	const params = new Params();
	const field = params.add(column.fieldId);
	const where = [
		`e.space_id = ${params.add(column.spaceId)}`,
		`e.entity_type_id = ${params.add(column.typeId)}`,
		`e.id <> ${params.add(column.movingId)}`,
		columnCondition(field, column.value === null ? null : params.add(column.value))
	].join(' and ');
	const text = sql(where, params);
	return (await column.tx.query<Placed>(text, params.values)).rows;
}

async function findInColumn(column: Column, id: string): Promise<Placed | null> {
	const [row] = await inColumn(
		column,
		(where, params) =>
			`select e.id, e.position from entities e where ${where} and e.id = ${params.add(id)}`
	);
	return row ?? null;
}

/** The record next to `anchor` in board order (position, then id), above or below it. */
async function neighbour(column: Column, anchor: Placed, direction: 'above' | 'below') {
	const [row] = await inColumn(column, (where, params) => {
		const key = `(${params.add(anchor.position)}::double precision, ${params.add(anchor.id)}::uuid)`;
		return direction === 'below'
			? `select e.id, e.position from entities e where ${where} and (e.position, e.id) > ${key}
			    order by e.position, e.id limit 1`
			: `select e.id, e.position from entities e where ${where} and (e.position, e.id) < ${key}
			    order by e.position desc, e.id desc limit 1`;
	});
	return row ?? null;
}

/** The last record of the column, if any. */
async function lastInColumn(column: Column): Promise<Placed | null> {
	const [row] = await inColumn(
		column,
		(where) =>
			`select e.id, e.position from entities e where ${where} order by e.position desc, e.id desc limit 1`
	);
	return row ?? null;
}

/** Spaces the column's records 1 apart, in their order, from where the column starts. */
async function renumber(column: Column): Promise<void> {
	await inColumn(
		column,
		(where, params) => `update entities t set position = r.first + r.n - 1
		   from (select e.id, row_number() over (order by e.position, e.id) as n,
		                min(e.position) over () as first
		           from entities e where ${where}) r
		  where t.id = r.id and t.space_id = ${params.add(column.spaceId)} returning t.id, t.position`
	);
}

function between(upper: Placed | null, lower: Placed | null): number | null {
	if (upper && lower) {
		const middle = (upper.position + lower.position) / 2;
		const isRoomy =
			lower.position - upper.position >= MIN_GAP &&
			middle > upper.position &&
			middle < lower.position;
		return isRoomy ? middle : null;
	}
	if (upper) return upper.position + 1;
	if (lower) return lower.position - 1;
	return null;
}

/**
 * The moved record's new position: right after `after` if that record is in the column, else
 * right before `before` if it is, else at the end. An anchor someone else moved away meanwhile
 * is skipped rather than refused: the card still lands in the column the user chose.
 * `isRenumbered` says the column's other records got new positions on the way.
 */
async function placeIn(
	column: Column,
	anchors: { before?: string; after?: string },
	current: number
): Promise<{ position: number; isRenumbered: boolean }> {
	for (let attempt = 0; attempt < 2; attempt++) {
		const after = anchors.after ? await findInColumn(column, anchors.after) : null;
		const before = !after && anchors.before ? await findInColumn(column, anchors.before) : null;
		let upper: Placed | null;
		let lower: Placed | null;
		if (after) {
			upper = after;
			lower = await neighbour(column, after, 'below');
		} else if (before) {
			upper = await neighbour(column, before, 'above');
			lower = before;
		} else {
			upper = await lastInColumn(column);
			lower = null;
			// An empty column: the record keeps its position.
			if (!upper) return { position: current, isRenumbered: attempt > 0 };
		}
		const position = between(upper, lower);
		if (position !== null) return { position, isRenumbered: attempt > 0 };
		await renumber(column);
	}
	throw new AppError(AppErrorCode.Internal, 'Could not find room in the column');
}

function requireMover(role: Role, fieldName: string): void {
	if (!canWriteRecords(role)) {
		throw new AppError(
			AppErrorCode.Forbidden,
			`Your role (${role}) may not move records or change ${fieldName}`
		);
	}
}

export async function moveRecord(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
	id: string;
	input: unknown;
}): Promise<MoveResult> {
	const input = parseInput(moveInput, options.input);
	if (input.before === options.id || input.after === options.id) {
		throw new AppError(AppErrorCode.InvalidInput, 'A record cannot be placed next to itself', {
			field: input.before === options.id ? 'before' : 'after'
		});
	}
	return writeInSpace(options.context, options.actor, options.space, async (scope) => {
		const type = findEntityType(scope.types, options.type);
		const field: Attribute | null = findBoardField(type, input.field);
		if (!field) {
			throw new AppError(AppErrorCode.InvalidInput, `"${type.key}" has no single-select field`, {
				field: 'field'
			});
		}
		// Moving is editing: the write path would refuse a viewer's value too, but a move within
		// a column writes no new value, so the position needs its own check.
		requireMover(scope.space.role, field.name);
		// One mover per board at a time, so two moves cannot interleave with a renumbering.
		await scope.tx.query('select pg_advisory_xact_lock(hashtext($1))', [`board:${type.id}`]);

		const written = await writeRecords({
			...scope,
			type,
			updates: [{ id: options.id, values: { [field.key]: input.status } }]
		});
		const value = written.updated[0]![field.key] as string | null;
		const { rows } = await scope.tx.query<{ position: number }>(
			'select position from entities where space_id = $1 and id = $2',
			[scope.space.id, options.id]
		);
		const current = rows[0]!.position;
		const { position, isRenumbered } = await placeIn(
			{
				tx: scope.tx,
				spaceId: scope.space.id,
				typeId: type.id,
				fieldId: field.id,
				value,
				movingId: options.id
			},
			input,
			current
		);
		if (position !== current) {
			await scope.tx.query('update entities set position = $3 where space_id = $1 and id = $2', [
				scope.space.id,
				options.id,
				position
			]);
		}
		// Other records' positions changed with a renumbering and are not published: boards
		// holding the column's old positions read it again (see the top).
		const place = { position: isRenumbered ? null : position };
		const changes = written.changes.map((change) =>
			change.entityId === options.id ? { ...change, ...place } : change
		);
		const hasValueChange = changes.some((change) => change.entityId === options.id);
		if (!hasValueChange && (position !== current || isRenumbered)) {
			changes.push({
				spaceId: scope.space.id,
				entityTypeId: type.id,
				entityTypeKey: type.key,
				entityId: options.id,
				action: 'update',
				values: {},
				actorId: scope.actor.userId,
				via: scope.actor.via,
				at: new Date().toISOString(),
				...place
			});
		}
		return { id: options.id, field: field.key, value, position, changes };
	});
}
