// PostgREST's resource embedding over link fields: `customer(name)` on a record reads the
// records its link field points to (forward; to-one when the field allows one link), and
// `attendees(name)` on a customer reads the records of another type whose link points here
// (reverse; always to-many). Embeds nest, carry their own filter, order, limit and offset, and
// `!inner` keeps only the parents that have a matching related record (compiled into the
// parent's own query, so pages and counts stay right). Everything runs in the caller's
// transaction, so RLS decides what each level may see.
import { kindOf } from '$lib/domain/attributes';
import type { RelationOptions } from '$lib/domain/attributes/relation.attribute';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import {
	MAX_PAGE_SIZE,
	type FilterNode,
	type RecordQuery,
	type SelectEmbed,
	type SelectNode
} from '$lib/domain/query/ast';
import { PostgrestFailure } from '$lib/domain/query/postgrest';
import type { Attribute, EntityType } from '$lib/domain/schema';
import type { Tx } from '../../db';
import { compilePage, type RelatedFilter } from '../../query/compile';
import { loadRecords, type FlatRecord } from './read';

/** An embed resolved against the schema: which link, which way, to which type. */
export interface ResolvedEmbed {
	node: SelectEmbed;
	/** The key the embed has in the response: its alias, else its name. */
	key: string;
	direction: 'forward' | 'reverse';
	link: Attribute;
	target: EntityType;
	isToOne: boolean;
	children: ResolvedEmbed[];
}

/** What an embed holds for one parent record: the related records, or one (or none). */
export type EmbeddedValue = FlatRecord | FlatRecord[] | null;
/** Each loaded record's embeds by response key, at every level. */
export type Embedded = WeakMap<FlatRecord, Record<string, EmbeddedValue>>;

const isLink = (attribute: Attribute) => attribute.kind === 'relation';
const targetOf = (attribute: Attribute) =>
	(attribute.options as RelationOptions | undefined)?.targetEntityTypeId;

function noRelationship(type: EntityType, node: SelectEmbed, detail: string): PostgrestFailure {
	return new PostgrestFailure(
		'PGRST200',
		AppErrorCode.InvalidFilter,
		`Could not find a relationship between '${type.key}' and '${node.name}'`,
		{
			field: 'select',
			details: detail,
			hint: 'Embed through a link field of this type, or a type with a link field to it'
		}
	);
}

/** Resolves every embed of `shape` (nested too) against the space's types. */
export function resolveEmbeds(
	types: EntityType[],
	type: EntityType,
	shape: SelectNode[] | undefined
): ResolvedEmbed[] {
	const embeds: ResolvedEmbed[] = [];
	for (const node of shape ?? []) {
		if (node.type === 'field') checkField(type, node.field, node.cast);
		if (node.type !== 'embed') continue;
		const resolved = resolveOne(types, type, node);
		if (node.spread && !resolved.isToOne) {
			throw new PostgrestFailure(
				'PGRST119',
				AppErrorCode.InvalidFilter,
				`'...${node.name}' spreads a to-many relationship; only to-one embeds can be spread`,
				{ field: 'select' }
			);
		}
		resolved.children = resolveEmbeds(types, resolved.target, node.select);
		embeds.push(resolved);
	}
	return embeds;
}

function checkField(type: EntityType, key: string, cast: string | undefined): void {
	if (key === 'id') return;
	const attribute = type.attributes.find((candidate) => candidate.key === key);
	if (!attribute) {
		throw new AppError(AppErrorCode.UnknownAttribute, `"${type.key}" has no field "${key}"`, {
			field: key
		});
	}
	if (
		(cast === 'integer' || cast === 'numeric') &&
		kindOf(attribute.kind).storage !== 'value_num'
	) {
		throw new AppError(
			AppErrorCode.InvalidFilter,
			`"${key}" is not a number and cannot be cast to ${cast}`,
			{ field: 'select' }
		);
	}
}

function resolveOne(types: EntityType[], type: EntityType, node: SelectEmbed): ResolvedEmbed {
	const base = { node, key: node.alias ?? node.name, children: [] };
	const own = type.attributes.find((attribute) => attribute.key === node.name);
	if (own) {
		if (!isLink(own)) {
			throw noRelationship(type, node, `'${node.name}' is a ${own.kind} field, not a link`);
		}
		const target = types.find((candidate) => candidate.id === targetOf(own));
		if (!target) throw noRelationship(type, node, `'${node.name}' links to no visible type`);
		const isToOne = (own.options as RelationOptions | undefined)?.allowMultiple === false;
		return { ...base, direction: 'forward', link: own, target, isToOne };
	}
	const target = types.find((candidate) => candidate.key === node.name);
	if (!target) throw noRelationship(type, node, `No field or type is named '${node.name}'`);
	const candidates: Omit<ResolvedEmbed, 'node' | 'key' | 'children'>[] = [
		...type.attributes
			.filter((attribute) => isLink(attribute) && targetOf(attribute) === target.id)
			.map((link) => ({
				direction: 'forward' as const,
				link,
				target,
				isToOne: (link.options as RelationOptions | undefined)?.allowMultiple === false
			})),
		...target.attributes
			.filter((attribute) => isLink(attribute) && targetOf(attribute) === type.id)
			.map((link) => ({ direction: 'reverse' as const, link, target, isToOne: false }))
	].filter((candidate) => !node.hint || candidate.link.key === node.hint);
	if (candidates.length === 0) {
		throw noRelationship(
			type,
			node,
			node.hint
				? `No link field '${node.hint}' joins '${type.key}' and '${target.key}'`
				: `No link field joins '${type.key}' and '${target.key}'`
		);
	}
	if (candidates.length > 1) {
		throw new PostgrestFailure(
			'PGRST201',
			AppErrorCode.InvalidFilter,
			`Could not embed because more than one relationship was found for '${type.key}' and '${target.key}'`,
			{
				field: 'select',
				status: 300,
				details: candidates.map((candidate) => `${candidate.direction} via ${candidate.link.key}`),
				hint: `Name the link field: ${target.key}!${candidates[0]!.link.key}(...)`
			}
		);
	}
	return { ...base, ...candidates[0]! };
}

/** Parent filters for the `!inner` embeds of one level. */
export function innerFilters(embeds: ResolvedEmbed[]): RelatedFilter[] {
	return embeds
		.filter((embed) => embed.node.inner)
		.map((embed) => ({
			direction: embed.direction,
			linkAttributeId: embed.link.id,
			target: embed.target,
			filter: embed.node.filter
		}));
}

/** Keys a level must load: its own columns and the forward links its embeds go through. */
export function fieldsToLoad(
	select: string[] | undefined,
	embeds: ResolvedEmbed[]
): string[] | undefined {
	if (!select) return undefined;
	const links = embeds.filter((embed) => embed.direction === 'forward').map((e) => e.link.key);
	return [...new Set([...select, ...links])];
}

/** The columns a select node list reads: undefined for all (`*` or nothing said). */
export function columnsOf(nodes: SelectNode[] | undefined): string[] | undefined {
	if (!nodes || nodes.some((node) => node.type === 'all')) return undefined;
	return nodes.flatMap((node) => (node.type === 'field' ? [node.field] : []));
}

/** Ids of `type`'s records matching `query` (plus `related`), in its order, capped. */
export async function matchingIds(options: {
	tx: Tx;
	spaceId: string;
	type: EntityType;
	query: RecordQuery;
	related?: RelatedFilter[];
	searchAttributeIds?: string[];
}): Promise<{
	rows: { id: string; [key: string]: string | null }[];
	limit: number;
	page: ReturnType<typeof compilePage>;
}> {
	const { tx } = options;
	const page = compilePage({
		spaceId: options.spaceId,
		type: options.type,
		query: options.query,
		searchAttributeIds: options.searchAttributeIds ?? [],
		related: options.related
	});
	const rows: { id: string; [key: string]: string | null }[] = [];
	for (const phase of page.phases) {
		if (rows.length >= page.limit) break;
		const result = await tx.query(phase.sql, phase.params).catch(rejectQueryError);
		rows.push(...result.rows.slice(0, page.limit - rows.length));
	}
	return { rows, limit: page.limit, page };
}

/**
 * Postgres refusing an operand the kinds could not check first: a data error (a cursor that
 * does not fit the sort, a bad regular expression) or a malformed text-search query. Each is
 * the caller's input, so a 400 naming it.
 */
export function rejectQueryError(error: unknown): never {
	const code = String((error as { code?: unknown } | null)?.code ?? '');
	if (code === '2201B') {
		throw new AppError(AppErrorCode.InvalidFilter, 'The regular expression is not valid', {
			field: 'filter',
			cause: error
		});
	}
	if (code === '42601' && /tsquery/i.test(String((error as Error).message))) {
		throw new AppError(
			AppErrorCode.InvalidFilter,
			'The full-text query is malformed (fts takes to_tsquery syntax: cat & !dog)',
			{
				field: 'filter',
				hint: 'Use plfts, phfts or wfts for plain words, phrases or web-search syntax',
				cause: error
			}
		);
	}
	if (/^22/.test(code)) {
		throw new AppError(AppErrorCode.InvalidFilter, 'The page cursor is not valid for this query', {
			field: 'cursor',
			cause: error
		});
	}
	throw error;
}

/** Loads every embed of `records` (and theirs), into `embedded`. */
export async function loadEmbeds(options: {
	tx: Tx;
	spaceId: string;
	records: FlatRecord[];
	embeds: ResolvedEmbed[];
	embedded: Embedded;
}): Promise<void> {
	const { tx, spaceId, records, embeds, embedded } = options;
	if (records.length === 0) return;
	for (const embed of embeds) {
		const { node, target } = embed;
		const parentIds = records.map((record) => record.id);
		const scope: FilterNode =
			embed.direction === 'forward'
				? {
						type: 'condition',
						field: 'id',
						operator: 'in',
						value: [
							...new Set(
								records.flatMap((record) => (record[embed.link.key] as string[] | null) ?? [])
							)
						]
					}
				: { type: 'condition', field: embed.link.key, operator: 'overlaps', value: parentIds };
		const filter: FilterNode = node.filter
			? { type: 'and', children: [scope, node.filter] }
			: scope;
		const related = innerFilters(embed.children);
		// Plain links need no search: loadRecords reads exactly the linked ids of the target
		// type that the caller may see, one round trip fewer.
		const isPlainForward =
			embed.direction === 'forward' && !node.filter && !node.sort && related.length === 0;
		const { rows } = isPlainForward
			? { rows: (scope.value as string[]).slice(0, MAX_PAGE_SIZE).map((id) => ({ id })) }
			: await matchingIds({
					tx,
					spaceId,
					type: target,
					query: { filter, sort: node.sort, limit: MAX_PAGE_SIZE },
					related
				});
		if (rows.length >= MAX_PAGE_SIZE) {
			throw new AppError(
				AppErrorCode.LimitExceeded,
				`'${embed.key}' relates ${MAX_PAGE_SIZE} or more records to this page`,
				{ field: 'select', hint: 'Ask for a smaller page, or filter the embedded resource' }
			);
		}
		const select = fieldsToLoad(columnsOf(node.select), embed.children);
		const loaded = await loadRecords({
			tx,
			spaceId,
			type: target,
			ids: rows.map((row) => row.id),
			select:
				select && embed.direction === 'reverse' ? [...new Set([...select, embed.link.key])] : select
		});
		await loadEmbeds({ tx, spaceId, records: loaded, embeds: embed.children, embedded });
		// Without an order of its own, a forward embed keeps the link's order.
		const byId = new Map(loaded.map((record) => [record.id, record]));
		for (const record of records) {
			let related: FlatRecord[];
			if (embed.direction === 'forward') {
				const links = (record[embed.link.key] as string[] | null) ?? [];
				related = node.sort
					? loaded.filter((candidate) => links.includes(candidate.id))
					: links.flatMap((id) => byId.get(id) ?? []);
			} else {
				related = loaded.filter((candidate) =>
					((candidate[embed.link.key] as string[] | null) ?? []).includes(record.id)
				);
			}
			const offset = node.offset ?? 0;
			related = related.slice(offset, node.limit === undefined ? undefined : offset + node.limit);
			const values = embedded.get(record) ?? {};
			values[embed.key] = embed.isToOne ? (related[0] ?? null) : related;
			embedded.set(record, values);
		}
	}
}
