// A record's change history, read from the audit log (who, when, which field, old and new
// value), and restoring an old value of one field through the one write path, so the restore is
// validated, audited and broadcast like any other edit.
import { z } from 'zod';
import { isUuid } from '$lib/domain/ids';
import type { HistoryEntry, HistoryPage } from '$lib/domain/history';
import type { AuditVia } from '$lib/domain/record-change';
import type { EntityType } from '$lib/domain/schema';
import type { CellValue } from '$lib/domain/attributes/kind';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { canReadAll, canWriteRecords } from '$lib/domain/roles';
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import type { Tx } from '../db';
import { writeRecords } from './records/write';
import { inSpace, writeInSpace, type SpaceScope } from './scope';
import { parseInput } from './validate';

interface InRecord {
	context: AppContext;
	actor: Actor;
	space: string;
	/** The record id. */
	id: string;
}

/** Typing in a long text writes one audit row per keystroke batch: runs of them read as one. */
const MERGE_WINDOW_MS = 5 * 60_000;
const SCAN_CHUNK = 200;
/** A page never reads more audit rows than this, however long a merged run is. */
const MAX_SCAN = 5_000;
export const MAX_HISTORY_PAGE = 100;

const pageInput = z.object({
	before: z.coerce
		.number({ error: 'must be a history cursor' })
		.int('must be a history cursor')
		.positive('must be a history cursor')
		.optional(),
	limit: z.coerce
		.number({ error: `must be a whole number from 1 to ${MAX_HISTORY_PAGE}` })
		.int(`must be a whole number from 1 to ${MAX_HISTORY_PAGE}`)
		.min(1, `must be a whole number from 1 to ${MAX_HISTORY_PAGE}`)
		.max(MAX_HISTORY_PAGE, `must be a whole number from 1 to ${MAX_HISTORY_PAGE}`)
		.default(30)
});

const restoreInput = z.object({
	field: z.string({ error: 'must name the field to restore' }).min(1, 'must name a field'),
	auditId: z
		.number({ error: 'must be the id of a history entry' })
		.int('must be the id of a history entry')
		.positive('must be the id of a history entry')
});

interface AuditRow {
	id: number;
	at: Date;
	actor_id: string | null;
	actor_name: string | null;
	via: AuditVia;
	action: HistoryEntry['action'];
	attribute_id: string | null;
	attribute_key: string | null;
	old_value: unknown;
	new_value: unknown;
}

/** The record's type, when the record is in this space; "not found" otherwise. */
async function typeOfRecord(scope: SpaceScope, id: string): Promise<EntityType> {
	const notFound = () =>
		new AppError(AppErrorCode.NotFound, `Record ${id} not found`, { field: 'id' });
	if (!isUuid(id)) throw notFound();
	const { rows } = await scope.tx.query<{ entity_type_id: string }>(
		'select entity_type_id from entities where space_id = $1 and id = $2',
		[scope.space.id, id]
	);
	const type = scope.types.find((candidate) => candidate.id === rows[0]?.entity_type_id);
	if (!type) throw notFound();
	return type;
}

function readAudit(tx: Tx, spaceId: string, id: string, before: number | null, limit: number) {
	return tx.query<AuditRow>(
		`select a.id, a.at, a.actor_id, u.name as actor_name, a.via, a.action,
		        a.attribute_id, a.attribute_key, a.old_value, a.new_value
		   from audit_log a left join users u on u.id = a.actor_id
		  where a.space_id = $1 and a.entity_id = $2 and ($3::bigint is null or a.id < $3)
		  order by a.id desc
		  limit $4`,
		[spaceId, id, before, limit]
	);
}

function toEntry(row: AuditRow, type: EntityType): HistoryEntry {
	// A deleted field keeps its key in the log, but loses its id there and its name and kind.
	const attribute = row.attribute_id
		? type.attributes.find((candidate) => candidate.id === row.attribute_id)
		: undefined;
	const field =
		row.attribute_key === null
			? null
			: {
					key: attribute?.key ?? row.attribute_key,
					name: attribute?.name ?? row.attribute_key,
					kind: attribute?.kind ?? null
				};
	const isRestorable = row.action === 'update' && attribute !== undefined;
	return {
		id: row.id,
		restoreId: isRestorable ? row.id : null,
		at: row.at.toISOString(),
		since: row.at.toISOString(),
		actor: row.actor_id ? { id: row.actor_id, name: row.actor_name ?? 'Former member' } : null,
		via: row.via,
		action: row.action,
		field,
		oldValue: row.old_value,
		newValue: row.new_value,
		edits: 1
	};
}

function requireReader(scope: SpaceScope): void {
	if (!canReadAll(scope.space.role)) {
		throw new AppError(
			AppErrorCode.Forbidden,
			`Your role (${scope.space.role}) may not read record history`
		);
	}
}

/**
 * A page of a record's history, newest first. Consecutive edits of one long text by one person
 * within a few minutes read as one entry (old value of the first, new value of the last).
 */
export async function readHistory(
	options: InRecord & { query?: { before?: unknown; limit?: unknown } }
): Promise<HistoryPage> {
	const { context, actor, id } = options;
	const { before, limit } = parseInput(pageInput, options.query ?? {});
	return inSpace(context, actor, options.space, async (scope) => {
		requireReader(scope);
		const type = await typeOfRecord(scope, id);
		const textKeys = new Set(
			type.attributes.filter((each) => each.kind === 'long_text').map((each) => each.key)
		);
		const entries: HistoryEntry[] = [];
		// The newest entry per person and long text, which older rows of the run merge into.
		const open = new Map<string, HistoryEntry>();
		let cursor = before ?? null;
		let lastConsumed: number | null = null;
		let isExhausted = false;
		let scanned = 0;
		scan: while (scanned < MAX_SCAN) {
			const { rows } = await readAudit(scope.tx, scope.space.id, id, cursor, SCAN_CHUNK);
			for (const row of rows) {
				scanned++;
				const runKey =
					row.action === 'update' && row.attribute_key && textKeys.has(row.attribute_key)
						? `${row.actor_id}:${row.attribute_key}`
						: null;
				const run = runKey ? open.get(runKey) : undefined;
				if (run && Date.parse(run.since) - row.at.getTime() <= MERGE_WINDOW_MS) {
					run.oldValue = row.old_value;
					run.since = row.at.toISOString();
					run.restoreId = run.restoreId === null ? null : row.id;
					run.edits++;
					lastConsumed = row.id;
					continue;
				}
				if (entries.length === limit) break scan;
				const entry = toEntry(row, type);
				entries.push(entry);
				if (runKey) open.set(runKey, entry);
				lastConsumed = row.id;
			}
			if (rows.length < SCAN_CHUNK) {
				isExhausted = true;
				break;
			}
			cursor = rows.at(-1)!.id;
		}
		return { entries, nextCursor: isExhausted ? null : lastConsumed };
	});
}

/**
 * Writes the value a field had before a logged change back into the record. The audit row and
 * the write share one transaction; the write path validates the old value against the field as
 * it is now (its kind may have changed since) and audits the restore as a new change.
 */
export async function restoreValue(options: InRecord & { input: unknown }) {
	const { context, actor, id } = options;
	const input = parseInput(restoreInput, options.input);
	return writeInSpace(context, actor, options.space, async (scope) => {
		if (!canWriteRecords(scope.space.role)) {
			throw new AppError(
				AppErrorCode.Forbidden,
				`Your role (${scope.space.role}) may not restore values`,
				{ field: 'field' }
			);
		}
		const type = await typeOfRecord(scope, id);
		const { rows } = await scope.tx.query<AuditRow>(
			`select id, action, attribute_id, attribute_key, old_value
			   from audit_log where space_id = $1 and entity_id = $2 and id = $3`,
			[scope.space.id, id, input.auditId]
		);
		const row = rows[0];
		if (!row) {
			throw new AppError(
				AppErrorCode.NotFound,
				`auditId: this record's history has no entry ${input.auditId}`,
				{ field: 'auditId' }
			);
		}
		if (row.action !== 'update' || row.attribute_key !== input.field) {
			throw new AppError(
				AppErrorCode.InvalidInput,
				`field: history entry ${input.auditId} is not a change of "${input.field}"`,
				{ field: 'field' }
			);
		}
		const attribute = type.attributes.find((candidate) => candidate.id === row.attribute_id);
		if (!attribute) {
			throw new AppError(
				AppErrorCode.InvalidInput,
				`field: "${input.field}" no longer exists, so its old value cannot be restored`,
				{ field: 'field' }
			);
		}
		const result = await writeRecords({
			...scope,
			type,
			updates: [{ id, values: { [attribute.key]: row.old_value as CellValue } }]
		});
		return { record: result.updated[0]!, changes: result.changes };
	});
}
