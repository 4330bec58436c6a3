// The check-in desk: which record type and fields check-in uses, the attendee list a phone keeps
// for offline search, checking a guest in (once per scan nonce, once per guest), undo, and the
// checked-in counts per gate. Writes go through the one write path, so they are audited and live.
import { z } from 'zod';
import {
	checkinTrio,
	type AttendeeList,
	type AttendeeRow,
	type AttendeeSummary,
	type CheckinCounts,
	type CheckinPerson,
	type CheckinSetup,
	type ScanOutcome,
	type UndoOutcome
} from '$lib/domain/checkin';
import { isUuid } from '$lib/domain/ids';
import type { Attribute, EntityType, SpaceAccess } from '$lib/domain/schema';
import type { CellValue } from '$lib/domain/attributes/kind';
import { kindOf, type Choice } from '$lib/domain/attributes';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { canWriteRecords, type Role } from '$lib/domain/roles';
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import type { Tx } from '../db';
import { writeRecords } from './records/write';
import { inSpace, writeInSpace, type SpaceScope } from './scope';
import { parseInput } from './validate';

/**
 * The check-in fields of a space, found from each field's `checkinAccess` (what a member with the
 * check-in role may do with it) so that no key is hard-wired:
 * - the type: the first record type (by position) with a checkbox the check-in role may write;
 * - `checkedIn`: that checkbox; `at`: its first writable date-time; `by`: its first writable user;
 * - of the fields the check-in role may read (or write), `code` is the text field whose key or
 *   name says ticket, code, barcode or QR (a unique one first); `name` the text field keyed or
 *   named "name" (else the first other text field); `email` the first email field; `gate` the
 *   single select whose key or name says gate, entrance or door; `ticketType` the first other
 *   single select.
 * Fields without check-in access are never used, whatever the caller's role, so every role sees
 * the same desk.
 */
export interface CheckinFields {
	type: EntityType;
	checkedIn: Attribute;
	at?: Attribute;
	by?: Attribute;
	code?: Attribute;
	name?: Attribute;
	email?: Attribute;
	gate?: Attribute;
	ticketType?: Attribute;
}

const CODE = /ticket|code|barcode|qr/i;
const GATE = /gate|entrance|door/i;
const NAME = /name/i;

const says = (pattern: RegExp, attribute: Attribute) =>
	pattern.test(attribute.key) || pattern.test(attribute.name);

export function findCheckinFields(types: EntityType[]): CheckinFields {
	const type = types.find((candidate) => checkinTrio(candidate.attributes) !== null);
	if (!type) {
		throw new AppError(
			AppErrorCode.NotFound,
			'No record type here has a check-in field: give a checkbox field check-in access "write"',
			{ field: 'type' }
		);
	}
	const trio = checkinTrio(type.attributes)!;
	const readable = type.attributes.filter((attribute) => attribute.checkinAccess !== 'none');
	const texts = readable.filter((attribute) => attribute.kind === 'text');
	const code =
		texts.find((attribute) => attribute.isUnique && says(CODE, attribute)) ??
		texts.find((attribute) => says(CODE, attribute));
	const name =
		texts.find((attribute) => attribute !== code && attribute.key === 'name') ??
		texts.find((attribute) => attribute !== code && says(NAME, attribute)) ??
		texts.find((attribute) => attribute !== code);
	const selects = readable.filter((attribute) => attribute.kind === 'single_select');
	const gate = selects.find((attribute) => says(GATE, attribute));
	return {
		type,
		...trio,
		code,
		name,
		email: readable.find((attribute) => attribute.kind === 'email'),
		gate,
		ticketType: selects.find((attribute) => attribute !== gate)
	};
}

const field = (attribute: Attribute | undefined) =>
	attribute ? { key: attribute.key, name: attribute.name } : null;

const choiceNames = (attribute: Attribute | undefined) =>
	((attribute?.options as { choices?: Choice[] } | undefined)?.choices ?? []).map(
		(choice) => choice.name
	);

/** Roles that may check people in: editors and owners, and the check-in role itself. */
const canCheckIn = (role: Role) => canWriteRecords(role) || role === 'checkin';

function requireCheckIn(space: SpaceAccess): void {
	if (!canCheckIn(space.role)) {
		throw new AppError(
			AppErrorCode.Forbidden,
			`Your role (${space.role}) may look but not check people in`
		);
	}
}

/** How long after a check-in its maker (without editor rights) may still undo it. */
export const UNDO_WINDOW_SECONDS = 5 * 60;

function describeSetup(space: SpaceAccess, fields: CheckinFields, me: CheckinPerson): CheckinSetup {
	return {
		space: { id: space.id, slug: space.slug, name: space.name, role: space.role },
		me,
		type: { key: fields.type.key, name: fields.type.name },
		fields: {
			checkedIn: field(fields.checkedIn),
			at: field(fields.at),
			by: field(fields.by),
			code: field(fields.code),
			name: field(fields.name),
			email: field(fields.email),
			gate: field(fields.gate),
			ticketType: field(fields.ticketType)
		},
		gates: choiceNames(fields.gate),
		canCheckIn: canCheckIn(space.role),
		canUndoAny: canWriteRecords(space.role),
		undoWindowSeconds: UNDO_WINDOW_SECONDS
	};
}

interface InSpace {
	context: AppContext;
	actor: Actor;
	space: string;
}

export function readCheckinSetup(options: InSpace): Promise<CheckinSetup> {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space, types }) => {
		const fields = findCheckinFields(types);
		const { rows } = await tx.query<{ name: string | null }>(
			'select name from users where id = $1',
			[options.actor.userId]
		);
		return describeSetup(space, fields, { id: options.actor.userId, name: rows[0]?.name ?? null });
	});
}

/** Distinct stored values of a select field, after its choices (a removed choice may linger). */
async function dictionary(tx: Tx, spaceId: string, attribute: Attribute | undefined) {
	if (!attribute) return [];
	const names = choiceNames(attribute);
	const { rows } = await tx.query<{ value: string }>(
		`select distinct value_text as value from eav_values
		  where space_id = $1 and attribute_id = $2 and value_text is not null`,
		[spaceId, attribute.id]
	);
	for (const { value } of rows) if (!names.includes(value)) names.push(value);
	return names;
}

/** Every attendee with only the fields check-in reads: an AttendeeList. */
export function listAttendees(options: InSpace): Promise<AttendeeList> {
	const { context, actor } = options;
	return inSpace(context, actor, options.space, async ({ tx, space, types }) => {
		const fields = findCheckinFields(types);
		// Before the rows: a change committed after this position reaches the client live.
		const eventId = (await context.events.read(space.id)).head;
		const ticketTypes = await dictionary(tx, space.id, fields.ticketType);
		const gates = await dictionary(tx, space.id, fields.gate);
		const users = (
			await tx.query<{ id: string; name: string | null }>(
				`select u.id, u.name from users u
				  where u.id in (select user_id from memberships where space_id = $1)
				     or u.id in (select value_text::uuid from eav_values
				                  where space_id = $1 and attribute_id = $2 and value_text is not null)
				  order by u.name, u.id`,
				[space.id, fields.by?.id ?? null]
			)
		).rows;

		// One query per field over its (attribute, value) index, joined here: a plan that cannot go
		// wrong on a table whose statistics are stale, unlike an eight-way join in SQL.
		const ids = (
			await tx.query<{ ids: string }>(
				`select coalesce(json_agg(id order by seq), '[]')::text as ids
				   from entities where space_id = $1 and entity_type_id = $2`,
				[space.id, fields.type.id]
			)
		).rows[0]!.ids;
		const valuesOf = async <T>(attribute: Attribute | undefined, expression: string) => {
			if (!attribute) return new Map<string, T>();
			const column = kindOf(attribute.kind).storage!;
			const { rows } = await tx.query<{ values: string }>(
				`select coalesce(json_object_agg(entity_id, ${expression}), '{}')::text as values
				   from eav_values where space_id = $1 and attribute_id = $2 and ${column} is not null`,
				[space.id, attribute.id]
			);
			return new Map(Object.entries(JSON.parse(rows[0]!.values) as Record<string, T>));
		};
		const names = await valuesOf<string>(fields.name, 'value_text');
		const emails = await valuesOf<string>(fields.email, 'value_text');
		const codes = await valuesOf<string>(fields.code, 'value_text');
		const ticketTypeOf = await valuesOf<string>(fields.ticketType, 'value_text');
		const gateOf = await valuesOf<string>(fields.gate, 'value_text');
		const checked = await valuesOf<boolean>(fields.checkedIn, 'value_bool');
		const times = await valuesOf<number>(
			fields.at,
			'(extract(epoch from value_time) * 1000)::bigint'
		);
		const checkers = await valuesOf<string>(fields.by, 'value_text');
		const position = (list: string[], value: string | undefined) => {
			const index = value === undefined ? -1 : list.indexOf(value);
			return index < 0 ? null : index;
		};
		const userIds = users.map((user) => user.id);
		const rows = (JSON.parse(ids) as string[]).map((id): AttendeeRow => [
			id,
			names.get(id) ?? null,
			emails.get(id) ?? null,
			codes.get(id) ?? null,
			position(ticketTypes, ticketTypeOf.get(id)),
			position(gates, gateOf.get(id)),
			checked.get(id) ? 1 : 0,
			times.get(id) ?? null,
			position(userIds, checkers.get(id))
		]);
		return {
			eventId,
			generatedAt: new Date().toISOString(),
			ticketTypes,
			gates,
			users: users.map((user): [string, string | null] => [user.id, user.name]),
			rows
		};
	});
}

/** Checked-in against total, overall and per gate, in one grouped query. */
export function countCheckins(options: InSpace): Promise<CheckinCounts> {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space, types }) => {
		const fields = findCheckinFields(types);
		const { rows } = await tx.query<{
			is_all: boolean;
			gate: string | null;
			total: number;
			checked_in: number;
		}>(
			`select grouping(g.value_text) = 1 as is_all, g.value_text as gate,
			        count(*)::int as total, (count(*) filter (where k.value_bool))::int as checked_in
			   from entities e
			   left join eav_values g on g.entity_id = e.id and g.space_id = $1 and g.attribute_id = $3
			   left join eav_values k on k.entity_id = e.id and k.space_id = $1 and k.attribute_id = $4
			  where e.space_id = $1 and e.entity_type_id = $2
			  group by rollup (g.value_text)`,
			[space.id, fields.type.id, fields.gate?.id ?? null, fields.checkedIn.id]
		);
		const all = rows.find((row) => row.is_all);
		const order = choiceNames(fields.gate);
		const rank = (gate: string | null) =>
			gate === null ? Infinity : order.includes(gate) ? order.indexOf(gate) : order.length;
		return {
			total: all?.total ?? 0,
			checkedIn: all?.checked_in ?? 0,
			gates: fields.gate
				? rows
						.filter((row) => !row.is_all)
						.map((row) => ({ gate: row.gate, total: row.total, checkedIn: row.checked_in }))
						.sort((a, b) => rank(a.gate) - rank(b.gate))
				: []
		};
	});
}

const nonceSchema = z
	.string()
	.min(8, 'must be at least 8 characters')
	.max(100, 'must be at most 100 characters');

const scanSchema = z
	.object({
		id: z.string().refine(isUuid, 'must be a record id').optional(),
		code: z.string().trim().min(1, 'is empty').max(200, 'is too long').optional(),
		nonce: nonceSchema,
		gate: z.string().trim().max(100, 'is too long').optional(),
		/** When the device scanned (an offline scan syncs later); the server's time otherwise. */
		scannedAt: z.iso.datetime({ offset: true, message: 'must be an ISO date-time' }).optional()
	})
	.strict()
	.refine((scan) => scan.id !== undefined || scan.code !== undefined, {
		message: 'send the guest’s id or ticket code',
		path: ['code']
	});

const undoSchema = z
	.object({ id: z.string().refine(isUuid, 'must be a record id'), nonce: nonceSchema })
	.strict();

interface AttendeeState extends AttendeeSummary {
	isCheckedIn: boolean;
	at: string | null;
	by: CheckinPerson | null;
}

/** The guest a scan names, by id or by ticket code (exact, then upper-cased as codes print). */
async function resolveAttendee(
	tx: Tx,
	space: SpaceAccess,
	fields: CheckinFields,
	scan: { id?: string; code?: string }
): Promise<string> {
	if (scan.id) {
		const { rows } = await tx.query<{ id: string }>(
			'select id from entities where space_id = $1 and entity_type_id = $2 and id = $3',
			[space.id, fields.type.id, scan.id]
		);
		if (rows[0]) return rows[0].id;
		throw new AppError(AppErrorCode.NotFound, `No guest with id ${scan.id}`, { field: 'id' });
	}
	const code = scan.code!;
	if (fields.code) {
		const { rows } = await tx.query<{ entity_id: string }>(
			`select v.entity_id from eav_values v join entities e on e.id = v.entity_id
			  where v.space_id = $1 and v.attribute_id = $2 and v.value_text = any ($3::text[])
			    and e.space_id = $1 and e.entity_type_id = $4
			  order by v.value_text = $5 desc limit 1`,
			[space.id, fields.code.id, [code, code.toUpperCase()], fields.type.id, code]
		);
		if (rows[0]) return rows[0].entity_id;
	}
	throw new AppError(AppErrorCode.NotFound, `Unknown ticket: no guest has the code "${code}"`, {
		field: 'code',
		details: { status: 'unknown' }
	});
}

/** Locks the guest's record for the rest of the transaction: scans of one guest take turns. */
async function lockAttendee(tx: Tx, space: SpaceAccess, id: string): Promise<void> {
	await tx.query('select id from entities where space_id = $1 and id = $2 for update', [
		space.id,
		id
	]);
}

async function readState(
	tx: Tx,
	space: SpaceAccess,
	fields: CheckinFields,
	id: string
): Promise<AttendeeState> {
	const wanted = [
		fields.name,
		fields.code,
		fields.ticketType,
		fields.gate,
		fields.checkedIn,
		fields.at,
		fields.by
	].filter((attribute): attribute is Attribute => attribute !== undefined);
	const { rows } = await tx.query<{
		attribute_id: string;
		value_text: string | null;
		value_bool: boolean | null;
		value_time: Date | null;
	}>(
		`select attribute_id, value_text, value_bool, value_time from eav_values
		  where space_id = $1 and entity_id = $2 and attribute_id = any ($3::uuid[])`,
		[space.id, id, wanted.map((attribute) => attribute.id)]
	);
	const of = (attribute: Attribute | undefined) =>
		attribute ? rows.find((row) => row.attribute_id === attribute.id) : undefined;
	const byId = of(fields.by)?.value_text ?? null;
	let by: CheckinPerson | null = null;
	if (byId) {
		const user = await tx.query<{ name: string | null }>('select name from users where id = $1', [
			byId
		]);
		by = { id: byId, name: user.rows[0]?.name ?? null };
	}
	return {
		id,
		name: of(fields.name)?.value_text ?? null,
		code: of(fields.code)?.value_text ?? null,
		ticketType: of(fields.ticketType)?.value_text ?? null,
		gate: of(fields.gate)?.value_text ?? null,
		isCheckedIn: of(fields.checkedIn)?.value_bool === true,
		at: of(fields.at)?.value_time?.toISOString() ?? null,
		by
	};
}

function summary(state: AttendeeState): AttendeeSummary {
	return {
		id: state.id,
		name: state.name,
		code: state.code,
		ticketType: state.ticketType,
		gate: state.gate
	};
}

interface StoredScan {
	entity_id: string;
	user_id: string | null;
	result: string;
	at: Date;
}

async function findScan(
	tx: Tx,
	space: SpaceAccess,
	nonce: string
): Promise<StoredScan | undefined> {
	const { rows } = await tx.query<StoredScan>(
		'select entity_id, user_id, result, at from checkin_scans where space_id = $1 and nonce = $2',
		[space.id, nonce]
	);
	return rows[0];
}

function nonceReused(): AppError {
	return new AppError(
		AppErrorCode.Conflict,
		'This scan id (nonce) was already used for another guest or action; make a new one per scan',
		{ field: 'nonce' }
	);
}

async function recordScan(
	tx: Tx,
	scope: SpaceScope,
	scan: { nonce: string; entityId: string; gate?: string; result: string }
): Promise<void> {
	const { rowCount } = await tx.query(
		`insert into checkin_scans (space_id, nonce, entity_id, user_id, gate, result)
		 values ($1, $2, $3, $4, $5, $6) on conflict (space_id, nonce) do nothing`,
		[scope.space.id, scan.nonce, scan.entityId, scope.actor.userId, scan.gate ?? null, scan.result]
	);
	// The guest's lock is held, so a concurrent retry of this nonce for this guest waited and then
	// saw the row; only a nonce reused for another guest gets here.
	if (rowCount === 0) throw nonceReused();
}

/** An offline scan's own time when it is plausible (past day, not ahead); else now. */
function checkInTime(scannedAt: string | undefined): string {
	const now = Date.now();
	const at = scannedAt ? Date.parse(scannedAt) : NaN;
	return Number.isFinite(at) && at <= now + 60_000 && at >= now - 86_400_000
		? new Date(Math.min(at, now)).toISOString()
		: new Date(now).toISOString();
}

/**
 * Checks a guest in, by id or ticket code, once. In one transaction: the guest's record is locked,
 * a nonce seen before gets its first answer again (a re-sent scan never counts twice), a guest
 * already checked in gets who and when, and otherwise the check-in fields are written through the
 * one write path (audited, broadcast). Of two devices scanning one guest, exactly one checks in.
 */
export async function checkIn(options: InSpace & { input: unknown }): Promise<ScanOutcome> {
	const scan = parseInput(scanSchema, options.input);
	const actor: Actor = { ...options.actor, via: 'checkin' };
	const { outcome } = await writeInSpace(options.context, actor, options.space, async (scope) => {
		const { tx, space } = scope;
		requireCheckIn(space);
		const fields = findCheckinFields(scope.types);
		const id = await resolveAttendee(tx, space, fields, scan);
		await lockAttendee(tx, space, id);
		const state = await readState(tx, space, fields, id);
		const answer = (status: 'checked_in' | 'already', isReplay: boolean) => ({
			changes: [],
			outcome: {
				status,
				attendee: summary(state),
				at: state.at,
				by: state.by,
				isReplay
			} satisfies ScanOutcome
		});

		const seen = await findScan(tx, space, scan.nonce);
		if (seen) {
			if (seen.entity_id !== id || seen.result === 'undone') throw nonceReused();
			return answer(seen.result === 'checked_in' ? 'checked_in' : 'already', true);
		}
		if (state.isCheckedIn) {
			await recordScan(tx, scope, {
				nonce: scan.nonce,
				entityId: id,
				gate: scan.gate,
				result: 'already'
			});
			return answer('already', false);
		}

		const at = checkInTime(scan.scannedAt);
		const values: Record<string, CellValue> = { [fields.checkedIn.key]: true };
		if (fields.at) values[fields.at.key] = at;
		if (fields.by) values[fields.by.key] = actor.userId;
		const written = await writeRecords({ ...scope, type: fields.type, updates: [{ id, values }] });
		await recordScan(tx, scope, {
			nonce: scan.nonce,
			entityId: id,
			gate: scan.gate,
			result: 'checked_in'
		});
		const me = await tx.query<{ name: string | null }>('select name from users where id = $1', [
			actor.userId
		]);
		return {
			changes: written.changes,
			outcome: {
				status: 'checked_in',
				attendee: summary(state),
				at: fields.at ? at : null,
				by: fields.by ? { id: actor.userId, name: me.rows[0]?.name ?? null } : null,
				isReplay: false
			} satisfies ScanOutcome
		};
	});
	return outcome;
}

/**
 * Takes a check-in back: clears the check-in fields. Owners and editors may undo any; the
 * check-in role only its own last check-in of the guest, within UNDO_WINDOW_SECONDS. Replays of
 * the same nonce answer `undone` again without writing.
 */
export async function undoCheckIn(options: InSpace & { input: unknown }): Promise<UndoOutcome> {
	const input = parseInput(undoSchema, options.input);
	const actor: Actor = { ...options.actor, via: 'checkin' };
	const { outcome } = await writeInSpace(options.context, actor, options.space, async (scope) => {
		const { tx, space } = scope;
		requireCheckIn(space);
		const fields = findCheckinFields(scope.types);
		const id = await resolveAttendee(tx, space, fields, { id: input.id });
		await lockAttendee(tx, space, id);
		const state = await readState(tx, space, fields, id);

		const seen = await findScan(tx, space, input.nonce);
		if (seen) {
			if (seen.entity_id !== id || seen.result !== 'undone') throw nonceReused();
			return {
				changes: [],
				outcome: { status: 'undone', attendee: summary(state), isReplay: true } as UndoOutcome
			};
		}
		if (!state.isCheckedIn) {
			return {
				changes: [],
				outcome: {
					status: 'not_checked_in',
					attendee: summary(state),
					isReplay: false
				} as UndoOutcome
			};
		}
		if (!canWriteRecords(space.role)) {
			const { rows } = await tx.query<{ user_id: string | null; is_recent: boolean }>(
				`select user_id, at > now() - make_interval(secs => $3) as is_recent from checkin_scans
				  where space_id = $1 and entity_id = $2 and result = 'checked_in'
				  order by at desc limit 1`,
				[space.id, id, UNDO_WINDOW_SECONDS]
			);
			const last = rows[0];
			// The last check-in is theirs, and nobody has changed the guest's check-in since.
			const isOwn =
				last?.user_id === actor.userId && (state.by === null || state.by.id === actor.userId);
			if (!last || !isOwn || !last.is_recent) {
				throw new AppError(
					AppErrorCode.Forbidden,
					`Only whoever checked ${state.name ?? 'this guest'} in can undo it, within ${UNDO_WINDOW_SECONDS / 60} minutes; ask an editor`,
					{ field: 'id' }
				);
			}
		}
		const values: Record<string, CellValue> = { [fields.checkedIn.key]: false };
		if (fields.at) values[fields.at.key] = null;
		if (fields.by) values[fields.by.key] = null;
		const written = await writeRecords({ ...scope, type: fields.type, updates: [{ id, values }] });
		await recordScan(tx, scope, { nonce: input.nonce, entityId: id, result: 'undone' });
		return {
			changes: written.changes,
			outcome: { status: 'undone', attendee: summary(state), isReplay: false } as UndoOutcome
		};
	});
	return outcome;
}
