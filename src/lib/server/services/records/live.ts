// Live edits made durable in batches (group commit). The realtime engine validates each edit in
// memory against the record's cached field definitions and the sender's cached role, then hands
// the accepted values here: one transaction writes a whole batch, from any number of people, with
// a fixed number of set-based statements per person (app_apply_live_edits), each under the
// policies as that person. The Yjs updates are appended to record_updates rather than merged into
// the stored doc, which is compacted later (docs.ts).
//
// Fields that only the database can check (unique values, links to other records, users) take
// writeRecords, one edit per transaction, as every other write path does.
import * as Y from 'yjs';
import type { RecordChange } from '$lib/domain/record-change';
import type { Attribute, EntityType } from '$lib/domain/schema';
import { kindOf } from '$lib/domain/attributes';
import type { CellValue, StorageColumn } from '$lib/domain/attributes/kind';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import { policyRefusal } from '../../db';
import { inSpace } from '../scope';
import { writeRecords } from './write';

export interface LiveValue {
	attribute: Attribute;
	/** The accepted value in its normal form. */
	value: CellValue;
	/** The value it replaces, for the audit row. */
	old: CellValue;
	/** False for a write that only brings the rows in line with the doc (no one's edit). */
	audit?: boolean;
}

export interface LiveEdit {
	actor: Actor;
	spaceId: string;
	type: EntityType;
	entityId: string;
	/** The Yjs ops to append: the sender's, as applied, and the server's corrections. */
	update: Uint8Array | null;
	values: LiveValue[];
	/** Values the edit set that lost at once to a concurrent value (see RecordChange.lost). */
	lost?: Record<string, CellValue>;
}

/** Fields whose check needs the database: a unique value, a link's target, a user's membership. */
export const needsDatabase = (attribute: Attribute) =>
	attribute.isUnique || attribute.kind === 'relation' || attribute.kind === 'user';

/** The change an edit makes, as every listener gets it after commit. */
export function changeOf(edit: LiveEdit, at = new Date().toISOString()): RecordChange {
	const values: Record<string, CellValue> = {};
	for (const { attribute, value, old } of edit.values) {
		if (JSON.stringify(old) !== JSON.stringify(value)) values[attribute.key] = value;
	}
	return {
		spaceId: edit.spaceId,
		entityTypeId: edit.type.id,
		entityTypeKey: edit.type.key,
		entityId: edit.entityId,
		action: 'update',
		values,
		...(edit.update ? { update: edit.update } : {}),
		...(edit.lost ? { lost: edit.lost } : {}),
		actorId: edit.actor.userId,
		via: edit.actor.via,
		at
	};
}

const columns: StorageColumn[] = [
	'value_text',
	'value_num',
	'value_time',
	'value_bool',
	'value_json'
];

/** The batch as the arrays app_apply_live_edits takes, grouped by person. */
function toParameters(edits: LiveEdit[]): unknown[] {
	const groups = new Map<string, LiveEdit[]>();
	for (const edit of edits) {
		const { userId, token, via } = edit.actor;
		const key = `${userId}|${token?.spaceId ?? ''}|${token?.role ?? ''}|${via}`;
		const group = groups.get(key);
		if (group) group.push(edit);
		else groups.set(key, [edit]);
	}
	const users: string[] = [];
	const tokenSpaces: (string | null)[] = [];
	const tokenRoles: (string | null)[] = [];
	const vias: string[] = [];
	const valueEnds: number[] = [];
	const updateEnds: number[] = [];
	const entityCounts: number[] = [];
	const v = {
		entity: [] as string[],
		space: [] as string[],
		type: [] as string[],
		attribute: [] as string[],
		key: [] as string[],
		stored: Object.fromEntries(columns.map((column) => [column, [] as unknown[]])) as Record<
			StorageColumn,
			unknown[]
		>,
		clear: [] as boolean[],
		old: [] as (string | null)[],
		next: [] as (string | null)[],
		audit: [] as boolean[],
		write: [] as boolean[]
	};
	const u = { entity: [] as string[], space: [] as string[], update: [] as Buffer[] };
	for (const group of groups.values()) {
		const { actor } = group[0]!;
		// One person may have several edits of one field in a batch: every one is audited, the
		// last one is written (an upsert may not touch a row twice in one statement).
		const last = new Map<string, LiveValue>();
		for (const edit of group) {
			for (const value of edit.values) last.set(`${edit.entityId}:${value.attribute.id}`, value);
		}
		users.push(actor.userId);
		tokenSpaces.push(actor.token?.spaceId ?? null);
		tokenRoles.push(actor.token?.role ?? null);
		vias.push(actor.via);
		for (const edit of group) {
			for (const written of edit.values) {
				const { attribute, value, old } = written;
				const kind = kindOf(attribute.kind);
				const stored = value === null ? null : kind.toStorage(value as never);
				v.entity.push(edit.entityId);
				v.space.push(edit.spaceId);
				v.type.push(edit.type.id);
				v.attribute.push(attribute.id);
				v.key.push(attribute.key);
				for (const column of columns) {
					v.stored[column].push(column === kind.storage ? stored : null);
				}
				v.clear.push(value === null);
				const changed = JSON.stringify(old) !== JSON.stringify(value);
				v.old.push(JSON.stringify(old ?? null));
				v.next.push(JSON.stringify(value ?? null));
				v.audit.push(changed && written.audit !== false);
				v.write.push(last.get(`${edit.entityId}:${attribute.id}`) === written);
			}
			if (edit.update) {
				u.entity.push(edit.entityId);
				u.space.push(edit.spaceId);
				u.update.push(Buffer.from(edit.update));
			}
		}
		const written = new Set<string>();
		for (const edit of group) if (edit.values.length) written.add(edit.entityId);
		entityCounts.push(written.size);
		valueEnds.push(v.entity.length);
		updateEnds.push(u.entity.length);
	}
	return [
		users,
		tokenSpaces,
		tokenRoles,
		vias,
		valueEnds,
		updateEnds,
		v.entity,
		v.space,
		v.type,
		v.attribute,
		v.key,
		v.stored.value_text,
		v.stored.value_num,
		v.stored.value_time,
		v.stored.value_bool,
		v.stored.value_json.map((value) => (value === null ? null : JSON.stringify(value))),
		v.clear,
		v.old,
		v.next,
		v.audit,
		v.write,
		u.entity,
		u.space,
		u.update,
		entityCounts
	];
}

const APPLY = `select app_apply_live_edits($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::int[],
  $7::uuid[], $8::uuid[], $9::uuid[], $10::uuid[], $11::text[], $12::text[], $13::numeric[], $14::timestamptz[],
  $15::boolean[], $16::jsonb[], $17::boolean[], $18::jsonb[], $19::jsonb[], $20::boolean[],
  $21::boolean[], $22::uuid[], $23::uuid[], $24::bytea[], $25::int[])`;

/**
 * One statement, so one round trip: a statement outside BEGIN is its own transaction, committed
 * (durably) before the answer comes back. No identity is set around it: the function sets each
 * person's in turn, transaction-local, for its own statements.
 */
async function applyBatch(context: AppContext, edits: LiveEdit[]): Promise<void> {
	await context.db.runtime.query({
		name: 'roster_apply_live_edits',
		text: APPLY,
		values: toParameters(edits)
	});
}

/** A database error as what the sender is told: the record went away, or access did. */
function refusalOf(error: unknown): Error {
	if (error instanceof AppError) return error;
	const forbidden = policyRefusal(error, 'You may not change this record (any more)', {
		field: 'doc'
	});
	if (forbidden) return forbidden;
	const code = (error as { code?: string }).code;
	// A data exception (class 22: a character Postgres cannot hold, a number out of range) or a
	// program limit (class 54: a value too large for an index) is the value's fault, every time.
	if (code?.startsWith('22') || code?.startsWith('54') || code === '23514') {
		const message = (error as { message?: string }).message ?? 'it cannot be stored';
		return new AppError(AppErrorCode.InvalidValue, `The value could not be stored: ${message}`, {
			field: 'doc'
		});
	}
	if (code === '23503') {
		return new AppError(AppErrorCode.NotFound, 'The record or one of its fields was deleted', {
			field: 'doc'
		});
	}
	return error instanceof Error ? error : new Error(String(error));
}

/**
 * Makes a batch of live edits durable in one transaction. When the batch fails as a whole
 * (someone's access went, a record was deleted), each edit is tried alone so that one refusal
 * does not take the others down. Resolves with one outcome per edit: null when durable, else
 * the error to send.
 */
export async function commitLiveEdits(
	context: AppContext,
	edits: LiveEdit[]
): Promise<(Error | null)[]> {
	if (!edits.length) return [];
	try {
		await applyBatch(context, edits);
		return edits.map(() => null);
	} catch (error) {
		if (edits.length === 1) return [refusalOf(error)];
		// The database away fails each retry fast; anything else belongs to some edits only.
		if (isConnectionError(error)) return edits.map(() => refusalOf(error));
	}
	const outcomes: (Error | null)[] = [];
	for (const edit of edits) {
		try {
			await applyBatch(context, [edit]);
			outcomes.push(null);
		} catch (error) {
			outcomes.push(refusalOf(error));
		}
	}
	return outcomes;
}

/** The database is out of reach: no retry of single edits would fare better now. */
function isConnectionError(error: unknown): boolean {
	const code = (error as { code?: string }).code ?? '';
	// Class 08 (connection exception), 57P (operator intervention: shutdown), or a Node socket
	// error without an SQLSTATE at all.
	return code.startsWith('08') || code.startsWith('57P') || /^E[A-Z]+$/.test(code) || code === '';
}

/**
 * An edit that touches a unique or link field: through writeRecords as the sender, in its own
 * transaction. A field the database refuses is handed to `refuse`, which puts it back in the
 * live doc and returns that correction; the rest is retried without it.
 */
export async function commitCheckedEdit(
	context: AppContext,
	edit: LiveEdit,
	refuse: (field: string, error: AppError) => Uint8Array | null
): Promise<{ change: RecordChange; refused: AppError[] }> {
	const refused: AppError[] = [];
	const corrections: Uint8Array[] = [];
	const change = await inSpace(context, edit.actor, edit.spaceId, async ({ tx, space, types }) => {
		const type = types.find((candidate) => candidate.id === edit.type.id);
		if (!type) throw new AppError(AppErrorCode.NotFound, 'The sheet was deleted', { field: 'doc' });
		const accepted = new Map(edit.values.map((value) => [value.attribute.key, value.value]));
		while (accepted.size) {
			await tx.query('savepoint live_edit');
			try {
				await writeRecords({
					tx,
					actor: edit.actor,
					space,
					type,
					types,
					updates: [{ id: edit.entityId, values: Object.fromEntries(accepted) }],
					syncDocs: false,
					returnUpdated: false
				});
				await tx.query('release savepoint live_edit');
				break;
			} catch (error) {
				await tx.query('rollback to savepoint live_edit');
				const field = error instanceof AppError ? error.field : undefined;
				if (!field || !accepted.has(field)) throw error;
				refused.push(error as AppError);
				accepted.delete(field);
				const correction = refuse(field, error as AppError);
				if (correction) corrections.push(correction);
			}
		}
		const update = mergeAll([edit.update, ...corrections]);
		if (update) {
			await tx.query(
				'insert into record_updates (entity_id, space_id, "update") values ($1, $2, $3)',
				[edit.entityId, edit.spaceId, Buffer.from(update)]
			);
		}
		const values = edit.values.filter((value) => accepted.has(value.attribute.key));
		return changeOf({ ...edit, update, values });
	});
	return { change, refused };
}

function mergeAll(updates: (Uint8Array | null)[]): Uint8Array | null {
	const present = updates.filter((update): update is Uint8Array => update !== null);
	if (!present.length) return null;
	return present.length === 1 ? present[0]! : Y.mergeUpdates(present);
}
