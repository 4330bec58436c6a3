// A scan of a whole type for duplicates, as a pg-boss job: read the rules' values of every
// record in one statement, block and score in memory (src/lib/domain/matching), store the pairs
// at or above the review threshold, and close the open pairs the scan no longer finds. Runs as
// the member who started it, under RLS; its progress reaches the open queue page live.
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { isUuid } from '$lib/domain/ids';
import { isScanFinished, type MatchScanStatus } from '$lib/domain/matching';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import type { Tx } from '../../db';
import type { EventSink } from '../../transports/sse';
import { findEntityType } from '../schema';
import { inSpace } from '../scope';
import { requireReviewer } from './access';
import { findPairs } from './find-pairs';
import { savePairs } from './pairs';
import { loadMatchRules } from './rules';
import { loadMatchRows } from './values';

export interface ScanJob {
	scanId: string;
	spaceId: string;
	actor: Actor;
}

const columns = `id, entity_type_id as "entityTypeId", state, records, candidates, compared, found, error,
  created_at as "createdAt", finished_at as "finishedAt"`;

type ScanRow = Omit<MatchScanStatus, 'createdAt' | 'finishedAt'> & {
	createdAt: Date;
	finishedAt: Date | null;
};

const toStatus = (row: ScanRow): MatchScanStatus => ({
	...row,
	createdAt: row.createdAt.toISOString(),
	finishedAt: row.finishedAt?.toISOString() ?? null
});

async function updateScan(
	tx: Tx,
	spaceId: string,
	id: string,
	set: string,
	values: unknown[] = []
): Promise<MatchScanStatus> {
	const { rows } = await tx.query<ScanRow>(
		`update match_scans set ${set} where space_id = $1 and id = $2 returning ${columns}`,
		[spaceId, id, ...values]
	);
	if (!rows[0]) throw new AppError(AppErrorCode.NotFound, `Scan ${id} not found`, { field: 'id' });
	return toStatus(rows[0]);
}

interface InType {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
}

/** Queues a scan of the type, or returns the one already queued or running. */
export async function startScan(options: InType): Promise<MatchScanStatus> {
	const { context, actor } = options;
	const started = await inSpace(context, actor, options.space, async ({ tx, space, types }) => {
		requireReviewer(space.role);
		const type = findEntityType(types, options.type);
		// One scan per type at a time: the lock makes two clicks at once see each other.
		await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`match-scan:${type.id}`]);
		const { rows: running } = await tx.query<ScanRow>(
			`select ${columns} from match_scans
			  where space_id = $1 and entity_type_id = $2 and state in ('queued', 'running')
			  order by created_at desc limit 1`,
			[space.id, type.id]
		);
		if (running[0]) return { status: toStatus(running[0]), isNew: false, spaceId: space.id };
		const { rows } = await tx.query<ScanRow>(
			`insert into match_scans (space_id, entity_type_id, started_by) values ($1, $2, $3)
			 returning ${columns}`,
			[space.id, type.id, actor.userId]
		);
		return { status: toStatus(rows[0]!), isNew: true, spaceId: space.id };
	});
	if (!started.isNew) return started.status;
	const job: ScanJob = { scanId: started.status.id, spaceId: started.spaceId, actor };
	const jobId = await context.jobs.send('match-scan', job);
	await inSpace(context, actor, started.spaceId, ({ tx }) =>
		tx.query('update match_scans set job_id = $3 where space_id = $1 and id = $2', [
			started.spaceId,
			started.status.id,
			jobId
		])
	);
	context.scanProgress.publish(started.status);
	return started.status;
}

/** The job: read, compare, store. A retry starts over; pairs are upserted, so it is safe. */
export async function runScan(context: AppContext, job: ScanJob): Promise<MatchScanStatus> {
	const { actor, spaceId, scanId } = job;
	try {
		const loaded = await inSpace(context, actor, spaceId, async ({ tx, space, types }) => {
			requireReviewer(space.role);
			const { rows } = await tx.query<{ entity_type_id: string; created_at: Date }>(
				'select entity_type_id, created_at from match_scans where space_id = $1 and id = $2',
				[space.id, scanId]
			);
			if (!rows[0]) throw new AppError(AppErrorCode.NotFound, `Scan ${scanId} not found`);
			const type = findEntityType(types, rows[0].entity_type_id);
			const { rules } = await loadMatchRules(tx, space.id, type);
			const records = await loadMatchRows({ tx, spaceId: space.id, type, rules });
			const status = await updateScan(tx, space.id, scanId, `state = 'running', records = $3`, [
				records.length
			]);
			return { type, rules, records, status };
		});
		context.scanProgress.publish(loaded.status);
		let candidates = 0;
		const found = await findPairs(loaded.rules, loaded.records, (progress) => {
			candidates = progress.candidates;
			context.scanProgress.publish({ ...loaded.status, ...progress });
		});
		const done = await inSpace(context, actor, spaceId, async ({ tx, space }) => {
			await savePairs(tx, { spaceId: space.id, typeId: loaded.type.id, pairs: found });
			// Open pairs this scan did not find again (rules changed, values edited) leave the queue.
			await tx.query(
				`delete from match_pairs
				  where space_id = $1 and entity_type_id = $2 and status = 'open' and found_at < now()`,
				[space.id, loaded.type.id]
			);
			return updateScan(
				tx,
				space.id,
				scanId,
				`state = 'done', found = $3, candidates = $4, compared = $4, finished_at = now()`,
				[found.length, candidates]
			);
		});
		context.scanProgress.publish(done);
		return done;
	} catch (error) {
		const message = error instanceof AppError ? error.message : 'The scan failed; try again';
		const failed = await inSpace(context, actor, spaceId, ({ tx, space }) =>
			updateScan(tx, space.id, scanId, `state = 'failed', error = $3, finished_at = now()`, [
				message
			])
		).catch(() => null);
		if (failed) context.scanProgress.publish(failed);
		if (error instanceof AppError) return failed!;
		throw error;
	}
}

/** The type's latest scan, if any. */
export function latestScan(options: InType): Promise<MatchScanStatus | null> {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space, types }) => {
		requireReviewer(space.role);
		const type = findEntityType(types, options.type);
		const { rows } = await tx.query<ScanRow>(
			`select ${columns} from match_scans where space_id = $1 and entity_type_id = $2
			  order by created_at desc limit 1`,
			[space.id, type.id]
		);
		return rows[0] ? toStatus(rows[0]) : null;
	});
}

function getScan(options: Omit<InType, 'type'> & { id: string }): Promise<MatchScanStatus> {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space }) => {
		requireReviewer(space.role);
		const notFound = new AppError(AppErrorCode.NotFound, `Scan ${options.id} not found`, {
			field: 'id'
		});
		if (!isUuid(options.id)) throw notFound;
		const { rows } = await tx.query<ScanRow>(
			`select ${columns} from match_scans where space_id = $1 and id = $2`,
			[space.id, options.id]
		);
		if (!rows[0]) throw notFound;
		return toStatus(rows[0]);
	});
}

/** A scan's progress as a stream: its status now, then each step, until it is finished. */
export async function followScan(
	options: Omit<InType, 'type'> & { id: string; sink: EventSink }
): Promise<() => void> {
	const { context, sink } = options;
	const queued: MatchScanStatus[] = [];
	let isLive = false;
	const send = (status: MatchScanStatus) => {
		sink.send({ event: 'status', data: JSON.stringify(status) });
		if (isScanFinished(status.state)) sink.end();
	};
	// Subscribe before reading, so that no step between the read and the subscription is lost.
	const unsubscribe = context.scanProgress.subscribe((status) => {
		if (status.id !== options.id) return;
		if (isLive) send(status);
		else queued.push(status);
	});
	try {
		const now = await getScan(options);
		sink.send({ event: 'status', data: JSON.stringify(now) });
		isLive = true;
		for (const status of queued) send(status);
		if (isScanFinished(now.state)) setTimeout(() => sink.end(), 0);
	} catch (error) {
		unsubscribe();
		throw error;
	}
	return unsubscribe;
}
