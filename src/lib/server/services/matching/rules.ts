// A type's match rules: the stored ones, or the defaults picked from its fields. Owners change
// them; editors read them (a scan and the write warning use them).
import { kindOf } from '$lib/domain/attributes';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import {
	defaultMatchRules,
	matchRulesSchema,
	unknownRuleAttributes,
	type MatchRules,
	type RulesPreview
} from '$lib/domain/matching';
import type { EntityType } from '$lib/domain/schema';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import type { Tx } from '../../db';
import { findEntityType } from '../schema';
import { inSpace } from '../scope';
import { parseInput } from '../validate';
import { requireReviewer, requireRulesOwner } from './access';
import { loadRecords } from '../records/read';
import { findPairs } from './find-pairs';
import { loadMatchRows } from './values';

/** Fields whose values matching can compare: stored as one text (text, email, phone, url …). */
export const isMatchableKind = (kind: string) => kindOf(kind).storage === 'value_text';

export interface StoredRules {
	rules: MatchRules;
	/** False while the type runs on the defaults picked from its fields. */
	isCustom: boolean;
}

export async function loadMatchRules(
	tx: Tx,
	spaceId: string,
	type: EntityType
): Promise<StoredRules> {
	const { rows } = await tx.query<{ rules: unknown }>(
		'select rules from match_rules where space_id = $1 and entity_type_id = $2',
		[spaceId, type.id]
	);
	const stored = rows[0] ? matchRulesSchema.safeParse(rows[0].rules) : null;
	if (stored?.success) {
		// A field deleted since the rules were saved drops out instead of failing every scan.
		const keys = new Set(type.attributes.map((attribute) => attribute.key));
		const fields = stored.data.fields.filter((field) =>
			field.attributes.every((key) => keys.has(key))
		);
		return { rules: { ...stored.data, fields }, isCustom: true };
	}
	return {
		rules: defaultMatchRules(
			type.attributes.filter((attribute) => isMatchableKind(attribute.kind))
		),
		isCustom: false
	};
}

/** Refuses rules that name fields the type lacks or cannot compare. */
export function checkRules(rules: MatchRules, type: EntityType): void {
	const unknown = unknownRuleAttributes(rules, type.attributes);
	if (unknown.length) {
		throw new AppError(
			AppErrorCode.UnknownAttribute,
			`"${type.name}" has no field "${unknown[0]}"`,
			{
				field: 'fields'
			}
		);
	}
	rules.fields.forEach((field, index) => {
		for (const key of field.attributes) {
			const attribute = type.attributes.find((candidate) => candidate.key === key)!;
			if (!isMatchableKind(attribute.kind)) {
				throw new AppError(
					AppErrorCode.InvalidInput,
					`${attribute.name} is a ${kindOf(attribute.kind).label} field; matching compares text, email and phone fields`,
					{ field: `fields.${index}.attributes` }
				);
			}
		}
	});
}

interface InType {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
}

export function getMatchRules(options: InType): Promise<StoredRules> {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space, types }) => {
		requireReviewer(space.role);
		return loadMatchRules(tx, space.id, findEntityType(types, options.type));
	});
}

export async function saveMatchRules(options: InType & { input: unknown }): Promise<StoredRules> {
	const rules = parseInput(matchRulesSchema, options.input);
	return inSpace(options.context, options.actor, options.space, async ({ tx, space, types }) => {
		requireRulesOwner(space.role);
		const type = findEntityType(types, options.type);
		checkRules(rules, type);
		await tx.query(
			`insert into match_rules (entity_type_id, space_id, rules, updated_by) values ($1, $2, $3, $4)
			 on conflict (entity_type_id) do update
			   set rules = excluded.rules, updated_by = excluded.updated_by, updated_at = now()`,
			[type.id, space.id, JSON.stringify(rules), options.actor.userId]
		);
		return { rules, isCustom: true };
	});
}

/** Back to the defaults: the stored rules go. */
export function resetMatchRules(options: InType): Promise<StoredRules> {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space, types }) => {
		requireRulesOwner(space.role);
		const type = findEntityType(types, options.type);
		await tx.query('delete from match_rules where space_id = $1 and entity_type_id = $2', [
			space.id,
			type.id
		]);
		return loadMatchRules(tx, space.id, type);
	});
}

/** Records a preview reads at most: it answers while the owner edits, so it samples a big type. */
const PREVIEW_RECORDS = 20_000;
const PREVIEW_PAIRS = 25;

/** What rules (saved or not) would find: the owner's live preview on the rules page. */
export async function previewMatchRules(
	options: InType & { input: unknown }
): Promise<RulesPreview> {
	const rules = parseInput(matchRulesSchema, options.input);
	return inSpace(options.context, options.actor, options.space, async ({ tx, space, types }) => {
		requireRulesOwner(space.role);
		const type = findEntityType(types, options.type);
		checkRules(rules, type);
		const rows = await loadMatchRows({
			tx,
			spaceId: space.id,
			type,
			rules,
			limit: PREVIEW_RECORDS
		});
		const found = await findPairs(rules, rows);
		found.sort((a, b) => b.score - a.score);
		const best = found.slice(0, PREVIEW_PAIRS);
		const ids = [...new Set(best.flatMap((pair) => [pair.recordA, pair.recordB]))];
		const records = await loadRecords({ tx, spaceId: space.id, type, ids });
		return {
			pairs: best,
			records: Object.fromEntries(records.map((record) => [record.id, record])),
			found: found.length,
			sampled: rows.length
		};
	});
}
