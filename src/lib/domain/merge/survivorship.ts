// Survivorship: when records are merged, which record survives and which value each field
// keeps. Pure, so the merge page shows the same defaults the server would apply.
import type { AttributeKindName, CellValue } from '../attributes/kind';
import type { AuditVia } from '../record-change';
import type { Attribute } from '../schema';

/**
 * How a field's surviving value is picked by default:
 * - `most_recent`: the value set last (from the audit log, else the record's last change);
 * - `most_complete`: the value of the record with the most filled fields;
 * - `longest`: the longest text;
 * - `source`: the value last set through a chosen source (an import, a user, an API token);
 * - `union`: every value of every record, for lists (multi selects, links, attachments).
 */
export const survivorshipRules = [
	'most_recent',
	'most_complete',
	'longest',
	'source',
	'union'
] as const;
export type SurvivorshipRule = (typeof survivorshipRules)[number];

/** Each kind's default rule; null for computed kinds, which a merge never writes. */
export const defaultRuleOfKind = {
	text: 'longest',
	long_text: 'longest',
	number: 'most_recent',
	currency: 'most_recent',
	percent: 'most_recent',
	date: 'most_recent',
	datetime: 'most_recent',
	checkbox: 'most_recent',
	single_select: 'most_recent',
	multi_select: 'union',
	email: 'most_recent',
	phone: 'most_recent',
	url: 'most_recent',
	user: 'most_recent',
	relation: 'union',
	attachment: 'union',
	rating: 'most_recent',
	auto_number: null,
	created_at: null,
	created_by: null,
	updated_at: null,
	updated_by: null
} as const satisfies Record<AttributeKindName, SurvivorshipRule | null>;

/** Kinds whose values are lists, so that a union of them means something. */
const listKinds: ReadonlySet<AttributeKindName> = new Set([
	'multi_select',
	'relation',
	'attachment'
]);

/** Who or what last set one value: from the audit log. */
export interface ValueOrigin {
	at: string;
	via: AuditVia;
	actorId: string | null;
}

/** A source a steward trusts most: a channel (import, API), or one user. */
export type TrustedSource = { via: AuditVia } | { actorId: string };

export interface MergeCandidate {
	id: string;
	/** ISO 8601. */
	createdAt: string;
	updatedAt: string;
	values: Record<string, CellValue>;
	/** Per attribute key, who set the current value and when; missing when unknown. */
	origins: Record<string, ValueOrigin | undefined>;
}

export type MergeAttribute = Pick<Attribute, 'key' | 'kind'>;

export const isEmptyValue = (value: CellValue | undefined): boolean =>
	value === null ||
	value === undefined ||
	value === '' ||
	(Array.isArray(value) && value.length === 0);

/** Fields a merge writes: every stored kind. */
export const mergeableAttributes = <A extends MergeAttribute>(attributes: A[]): A[] =>
	attributes.filter((attribute) => defaultRuleOfKind[attribute.kind] !== null);

export const filledCount = (candidate: MergeCandidate, attributes: MergeAttribute[]): number =>
	mergeableAttributes(attributes).filter(
		(attribute) => !isEmptyValue(candidate.values[attribute.key])
	).length;

/**
 * The record that survives by default: the most complete one; on a tie, the oldest (the one
 * others most likely link to already).
 */
export function defaultSurvivor(
	candidates: MergeCandidate[],
	attributes: MergeAttribute[]
): MergeCandidate {
	if (!candidates.length) throw new Error('defaultSurvivor needs at least one record');
	return [...candidates].sort(
		(a, b) =>
			filledCount(b, attributes) - filledCount(a, attributes) ||
			a.createdAt.localeCompare(b.createdAt) ||
			a.id.localeCompare(b.id)
	)[0]!;
}

/** When a value was set: its audit origin, else the record's last change. */
const setAt = (candidate: MergeCandidate, key: string): string =>
	candidate.origins[key]?.at ?? candidate.updatedAt;

const isFromSource = (origin: ValueOrigin | undefined, source: TrustedSource): boolean =>
	!!origin && ('via' in source ? origin.via === source.via : origin.actorId === source.actorId);

const textLength = (value: CellValue | undefined): number =>
	typeof value === 'string' ? value.trim().length : 0;

/** A field's pick: one record's value, or the union of every record's list. */
export type FieldChoice = { from: string } | { from: 'union' };

export function unionOf(values: (CellValue | undefined)[]): CellValue {
	const seen = new Map<string, CellValue>();
	for (const value of values) {
		if (!Array.isArray(value)) continue;
		for (const item of value)
			seen.set(typeof item === 'string' ? item : JSON.stringify(item), item as never);
	}
	return seen.size ? ([...seen.values()] as CellValue) : null;
}

export interface SurvivorshipOptions {
	/** Rules that replace a kind's default, per attribute key. */
	rules?: Record<string, SurvivorshipRule>;
	/** For the `source` rule. */
	trustedSource?: TrustedSource;
}

/**
 * The default pick for every mergeable field. Empty values never win over filled ones; among
 * the rest the rule decides, and the survivor wins a tie so that a merge changes as little as
 * it can.
 */
export function defaultChoices(
	attributes: MergeAttribute[],
	candidates: MergeCandidate[],
	survivorId: string,
	options: SurvivorshipOptions = {}
): Record<string, FieldChoice> {
	const completeness = new Map(
		candidates.map((candidate) => [candidate.id, filledCount(candidate, attributes)])
	);
	const choices: Record<string, FieldChoice> = {};
	for (const attribute of mergeableAttributes(attributes)) {
		const key = attribute.key;
		const rule = options.rules?.[key] ?? defaultRuleOfKind[attribute.kind] ?? 'most_recent';
		const filled = candidates
			.filter((candidate) => !isEmptyValue(candidate.values[key]))
			.sort((a, b) => Number(b.id === survivorId) - Number(a.id === survivorId));
		const best = (score: (candidate: MergeCandidate) => number | string, pool = filled) =>
			pool.reduce((winner, candidate) => (score(candidate) > score(winner) ? candidate : winner));
		if (!filled.length) {
			choices[key] = { from: survivorId };
		} else if (
			attribute.kind === 'relation' ||
			(rule === 'union' && listKinds.has(attribute.kind) && filled.length > 1)
		) {
			// A merge keeps every link: links from elsewhere follow to the survivor regardless.
			choices[key] = { from: 'union' };
		} else if (rule === 'longest') {
			choices[key] = { from: best((candidate) => textLength(candidate.values[key])).id };
		} else if (rule === 'most_complete') {
			choices[key] = { from: best((candidate) => completeness.get(candidate.id) ?? 0).id };
		} else if (rule === 'source' && options.trustedSource) {
			const trusted = options.trustedSource;
			const fromSource = filled.filter((candidate) =>
				isFromSource(candidate.origins[key], trusted)
			);
			choices[key] = {
				from: best((candidate) => setAt(candidate, key), fromSource.length ? fromSource : filled).id
			};
		} else {
			choices[key] = { from: best((candidate) => setAt(candidate, key)).id };
		}
	}
	return choices;
}

/** The value a choice stands for; a union lists the survivor's own items first. */
export function chosenValue(
	key: string,
	choice: FieldChoice,
	candidates: MergeCandidate[],
	survivorId?: string
): CellValue {
	if (choice.from === 'union') {
		const ordered = [...candidates].sort(
			(a, b) => Number(b.id === survivorId) - Number(a.id === survivorId)
		);
		return unionOf(ordered.map((candidate) => candidate.values[key]));
	}
	return candidates.find((candidate) => candidate.id === choice.from)?.values[key] ?? null;
}

/** Whether the records disagree on a field (the merge page highlights those rows). */
export function isDiffering(key: string, candidates: MergeCandidate[]): boolean {
	const shapes = new Set(
		candidates.map((candidate) => {
			const value = candidate.values[key];
			return isEmptyValue(value) ? '' : JSON.stringify(value);
		})
	);
	return shapes.size > 1;
}
