// "Possible duplicate of …" when a record is created or edited: the written records' likely
// duplicates among the type's records and among each other. A warning, never a refusal. The
// candidates come from indexes Postgres already has: an email's exact value, a phone's last
// digits and a name's trigrams (pg_trgm's GIN index on eav_values); the rules then score them.
// Found pairs join the review queue; pairs a reviewer decided are not offered again.
import {
	candidatePairs,
	normalizeEmail,
	orderedPair,
	phoneVariants,
	prepareRecord,
	scorePair,
	type FoundPair,
	type MatchRules
} from '$lib/domain/matching';
import type { EntityType, SpaceAccess } from '$lib/domain/schema';
import type { Tx } from '../../db';
import type { SpaceScope } from '../scope';
import { canReviewDuplicates } from './access';
import { savePairs } from './pairs';
import { loadMatchRules } from './rules';
import { loadMatchRows, type MatchRow } from './values';

/** A written record and the records it may duplicate, best first. */
export interface PossibleDuplicate {
	id: string;
	duplicates: { id: string; score: number }[];
}

/** Candidates per written record at most: a write stays a write, not a scan. */
const MAX_CANDIDATES = 50;
/** Written records checked per write; a larger batch (an import's) is left to a scan. */
const MAX_CHECKED = 1_000;
/** Written records up to which names are looked up by trigram similarity too. */
const MAX_NAME_LOOKUPS = 20;

/**
 * Other records of the type that share an indexed value with the written ones: an email or a
 * phone number (in any format it may be stored in) by the btree index on (attribute, value), a
 * name by pg_trgm's GIN index. Each name is its own probe with its own parameter: measured on
 * 100,000 customers, a probe takes 11 ms so, and 640 ms as a lateral join over a list of names
 * (the planner then walks the attribute's values instead of the trigram index).
 */
async function candidateIds(
	tx: Tx,
	options: { spaceId: string; type: EntityType; rules: MatchRules; rows: MatchRow[] }
): Promise<string[]> {
	const { type, rules, rows } = options;
	const lookups: string[] = [];
	const params: unknown[] = [options.spaceId, rows.map((row) => row.id)];
	const probe = (attributeId: string, condition: (value: string) => string) =>
		`(select v.entity_id from eav_values v
		   where v.space_id = $1 and v.attribute_id = $${params.push(attributeId)}::uuid
		     and ${condition('v.value_text')} and not v.entity_id = any ($2::uuid[])
		   limit ${MAX_CANDIDATES})`;
	for (const field of rules.fields) {
		if (field.attributes.length !== 1) continue;
		const attribute = type.attributes.find((candidate) => candidate.key === field.attributes[0]);
		if (!attribute) continue;
		const values = rows
			.map((row) => row.values[attribute.key])
			.filter((value) => !!value) as string[];
		if (!values.length) continue;
		if (field.compare === 'email') {
			const emails = values.map(normalizeEmail);
			lookups.push(
				probe(attribute.id, (column) => `${column} = any ($${params.push(emails)}::text[])`)
			);
		} else if (field.compare === 'phone') {
			const phones = [
				...new Set(values.flatMap((value) => phoneVariants(value, rules.phoneRegion)))
			];
			lookups.push(
				probe(attribute.id, (column) => `${column} = any ($${params.push(phones)}::text[])`)
			);
		} else if (field.compare === 'name' && rows.length <= MAX_NAME_LOOKUPS) {
			// A trigram probe per name: cheap for a form's few records, too dear for an import's
			// batch of a thousand, whose rows still meet by email, phone and each other.
			for (const value of values) {
				lookups.push(probe(attribute.id, (column) => `${column} % $${params.push(value)}::text`));
			}
		}
	}
	if (!lookups.length) return [];
	// Swapped names and typos stay above 0.5; "Ann Smith" and "Joe Smith" mostly do not.
	await tx.query(`select set_config('pg_trgm.similarity_threshold', '0.5', true)`);
	const { rows: found } = await tx.query<{ entity_id: string }>(
		`select distinct entity_id from (${lookups.join(' union all ')}) c (entity_id)`,
		params
	);
	return found.map((row) => row.entity_id);
}

/**
 * Checks written records for likely duplicates, stores what it finds in the review queue and
 * returns it. Nothing for a role that may not review (check-in staff write check-in fields).
 */
export async function checkPossibleDuplicates(
	tx: Tx,
	options: {
		space: SpaceAccess;
		type: EntityType;
		ids: string[];
		/** For edits: the fields they changed. An edit of no compared field cannot make a duplicate. */
		touched?: Set<string>;
	}
): Promise<PossibleDuplicate[]> {
	const { space, type, touched } = options;
	if (!canReviewDuplicates(space.role) || !options.ids.length) return [];
	const { rules } = await loadMatchRules(tx, space.id, type);
	if (!rules.fields.length) return [];
	if (touched && !rules.fields.some((field) => field.attributes.some((key) => touched.has(key))))
		return [];
	const ids = options.ids.slice(0, MAX_CHECKED);
	const written = await loadMatchRows({ tx, spaceId: space.id, type, rules, ids });
	const others = await candidateIds(tx, { spaceId: space.id, type, rules, rows: written });
	const existing = others.length
		? await loadMatchRows({ tx, spaceId: space.id, type, rules, ids: others })
		: [];
	const writtenRecords = written.map((row) => prepareRecord(rules, row.id, row.values));
	const otherRecords = existing.map((row) => prepareRecord(rules, row.id, row.values));
	const found: FoundPair[] = [];
	const consider = (a: (typeof writtenRecords)[number], b: (typeof writtenRecords)[number]) => {
		const score = scorePair(rules, a, b);
		if (score.probability < rules.reviewThreshold) return;
		const [recordA, recordB] = orderedPair(a.id, b.id);
		found.push({ recordA, recordB, score: score.probability, reasons: score.reasons });
	};
	for (const record of writtenRecords) for (const other of otherRecords) consider(record, other);
	// Duplicates within the write itself (a pasted or imported list), by blocking.
	for (const [i, j] of candidatePairs(rules, writtenRecords).pairs) {
		consider(writtenRecords[i]!, writtenRecords[j]!);
	}
	if (!found.length) return [];
	const { rows: decided } = await tx.query<{ a: string; b: string }>(
		`select record_a as a, record_b as b from match_pairs
		  where space_id = $1 and status <> 'open' and record_a = any ($2::uuid[]) and record_b = any ($3::uuid[])`,
		[space.id, found.map((pair) => pair.recordA), found.map((pair) => pair.recordB)]
	);
	const isDecided = new Set(decided.map((pair) => `${pair.a}:${pair.b}`));
	const open = found.filter((pair) => !isDecided.has(`${pair.recordA}:${pair.recordB}`));
	await savePairs(tx, { spaceId: space.id, typeId: type.id, pairs: open });
	return ids.flatMap((id) => {
		const duplicates = open
			.filter((pair) => pair.recordA === id || pair.recordB === id)
			.map((pair) => ({ id: pair.recordA === id ? pair.recordB : pair.recordA, score: pair.score }))
			.sort((a, b) => b.score - a.score);
		return duplicates.length ? [{ id, duplicates }] : [];
	});
}

/**
 * The write path's call: checks the written records, and never fails the write. A check that
 * goes wrong is rolled back to its savepoint and logged; the write commits without a warning.
 */
export async function warnPossibleDuplicates(
	scope: Pick<SpaceScope, 'tx' | 'space'>,
	type: EntityType,
	ids: string[],
	touched?: Set<string>
): Promise<PossibleDuplicate[]> {
	if (!canReviewDuplicates(scope.space.role) || !ids.length) return [];
	await scope.tx.query('savepoint possible_duplicates');
	try {
		const found = await checkPossibleDuplicates(scope.tx, {
			space: scope.space,
			type,
			ids,
			touched
		});
		await scope.tx.query('release savepoint possible_duplicates');
		return found;
	} catch (error) {
		await scope.tx.query('rollback to savepoint possible_duplicates');
		console.error('The duplicate check of a write failed', error);
		return [];
	}
}

/** The warning as a response header: `x-possible-duplicates: [{ id, duplicates: [{ id, score }] }]`. */
export const POSSIBLE_DUPLICATES_HEADER = 'x-possible-duplicates';

export function possibleDuplicatesHeader(found: PossibleDuplicate[]): Record<string, string> {
	if (!found.length) return {};
	const rounded = found.map((entry) => ({
		id: entry.id,
		duplicates: entry.duplicates.map((duplicate) => ({
			id: duplicate.id,
			score: Math.round(duplicate.score * 1000) / 1000
		}))
	}));
	return { [POSSIBLE_DUPLICATES_HEADER]: JSON.stringify(rounded) };
}
